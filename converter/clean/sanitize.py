"""Scraped text is hostile: helpers that keep markup in it from ever acting as markup.

Besides ``render.esc`` (all scraped text in Markdown) and ``render.safe_url``:

* page metadata (``<meta content>``, ``<title>``) is attribute text, so markup inside it is
  an injection or a CMS bug, never part of a title; ``strip_markup`` keeps only its text.
* front-matter strings are HTML-escaped for the theme's templates by the MkDocs hook
  converter/hooks/front_matter.py (MkDocs renders templates without autoescape).
* ``flatten_nesting``: a page nested deeper than the HTML parser allows, made parseable.
* ``CONTROL``: characters no text needs and lxml refuses.
"""

from __future__ import annotations

import re
from typing import Any

# A real tag or comment: '<' followed by a letter, '/', '!' or '?'. Book-title marks written
# as <<十四五>> or a comparison like x < y are not tags and stay.
_TAG = re.compile(r"<!--.*?(?:-->|$)|</?[A-Za-z][^<>]*(?:>|$)|<[!?][^<>]*(?:>|$)", re.S)


# Characters no text needs and XML forbids (lxml refuses them in a tree): C0 controls other
# than tab and line ends, lone surrogates, and the two non-characters U+FFFE/U+FFFF.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def strip_markup(value: Any) -> Any:
    """A metadata value (a string, or lists/dicts of them) with any tags and comments removed."""
    if isinstance(value, list):
        return [strip_markup(v) for v in value]
    if isinstance(value, dict):
        return {k: strip_markup(v) for k, v in value.items()}
    if not isinstance(value, str) or "<" not in value:
        return value
    return re.sub(r"\s+", " ", _TAG.sub(" ", value)).strip()


# ---------------------------------------------------------------- nesting too deep to parse

# libxml2's HTML parser gives up on a page nested deeper than 255 elements and returns an
# empty document, so a page wrapped in thousands of <div>s would lose all its text.
MAX_NESTING = 200
_TAG_TOKEN = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9:-]*)(?:\s[^<>]*?)?(/?)>")
VOID = frozenset(
    "area base br col embed hr img input link meta param source track wbr keygen basefont frame isindex".split()
)
# Elements whose content is raw text: tags inside them are not tags.
_RAW_TEXT = frozenset({"script", "style", "textarea", "title", "xmp", "plaintext"})
_BLOCKS = ("p", "div", "ul", "ol", "dl", "table", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "blockquote", "pre", "form")
_CLOSED_BY = {
    **{b: {"p"} for b in _BLOCKS},
    "li": {"li", "p"}, "dt": {"dt", "dd", "p"}, "dd": {"dt", "dd", "p"},
    "tr": {"tr", "td", "th"}, "td": {"td", "th"}, "th": {"td", "th"}, "option": {"option"},
}


def nesting_depth(text: str) -> int:
    """How deep the page's elements nest, counted the way a parser closes them."""
    return _walk_tags(text, None)[0]


def flatten_nesting(text: str, limit: int = MAX_NESTING) -> str:
    """The page with every tag deeper than ``limit`` removed (a line break in its place),
    so the text inside survives parsing."""
    return _walk_tags(text, limit)[1]


def _walk_tags(text: str, limit: int | None) -> tuple[int, str]:
    stack: list[tuple[str, bool]] = []  # (tag name, kept)
    # How many of each name are open: whether a closing tag matches an open element is one
    # look-up, not a scan of the stack (which made 50,000 nested <div>s take half a minute).
    open_count: dict[str, int] = {}
    out: list[str] = []
    pos = deepest = 0
    raw_until: str | None = None
    for m in _TAG_TOKEN.finditer(text):
        closing, name, selfclosing = m.group(1), m.group(2).lower(), m.group(3)
        if raw_until:
            if closing and name == raw_until:
                raw_until = None
            else:
                continue
        keep = True
        if closing:
            if open_count.get(name):
                while stack:
                    n, kept = stack.pop()
                    open_count[n] -= 1
                    if n == name:
                        keep = kept
                        break
        elif name not in VOID and not selfclosing:
            # Implied end tags (<p>a<p>b, <li>…<li>) close the open one instead of nesting.
            if stack and stack[-1][0] in _CLOSED_BY.get(name, ()):
                open_count[stack.pop()[0]] -= 1
            keep = limit is None or len(stack) < limit
            stack.append((name, keep))
            open_count[name] = open_count.get(name, 0) + 1
            deepest = max(deepest, len(stack))
            if name in _RAW_TEXT:
                raw_until = name
        if limit is not None and not keep:
            out.append(text[pos : m.start()])
            out.append("<br>")
            pos = m.end()
    out.append(text[pos:])
    return deepest, "".join(out) if limit is not None else ""
