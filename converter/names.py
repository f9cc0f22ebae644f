"""File names in messages: a name with a newline, a quote or an invisible character would
split a one-line message or hide what it names, so such names are quoted (Python string
syntax, escapes visible); ordinary names, Chinese included, are printed as they are."""

from __future__ import annotations

_QUOTES = frozenset("'\"\\`")


def _plain(c: str, spaces: bool) -> bool:
    if c == " ":
        return spaces
    return c.isprintable() and not c.isspace() and c not in _QUOTES


def quote(name: str, spaces: bool = False) -> str:
    """``name`` as it is, or quoted; ``spaces``: a plain space needs no quotes (field names)."""
    if name and all(_plain(c, spaces) for c in name):
        return name
    return repr(name)
