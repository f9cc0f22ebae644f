"""MkDocs hook: build one shard of the site (converter/publish/builder.py).

Without POLICY_SHARD in the environment it does nothing: the whole site is one build. With it,
POLICY_SHARD names a JSON file ``{"include": [src_uri, …]}`` (a document shard: only those
pages, no theme or static files) or ``{"exclude": [src_uri, …]}`` (the main shard: everything
but the document shards' pages). The other pages are marked excluded: MkDocs does not build
them, but links and the navigation still resolve to their URLs, so a page links to a page of
another shard exactly as in a single build.

Standard library and MkDocs only (hooks are loaded by path)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from mkdocs.structure.files import InclusionLevel

ENV = "POLICY_SHARD"


def selection() -> tuple[str, frozenset[str]] | None:
    """("include" | "exclude", src_uris) from POLICY_SHARD, or None outside a sharded build."""
    path = os.environ.get(ENV)
    if not path:
        return None
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    (mode, names), = data.items()
    if mode not in ("include", "exclude"):
        raise ValueError(f"{path}: unknown shard selection {mode!r}")
    return mode, frozenset(names)


def on_files(files: Any, config: Any) -> Any:
    chosen = selection()
    if chosen is None:
        return files
    mode, names = chosen
    for f in files:
        if (f.src_uri in names) != (mode == "include"):
            f.inclusion = InclusionLevel.EXCLUDED
    return files
