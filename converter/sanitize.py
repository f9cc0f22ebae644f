"""Scraped text is hostile: helpers that keep markup in it from ever acting as markup.

Two places need more than ``render.esc``:

* page metadata (``<meta content>``, ``<title>``) is attribute text, so markup inside it is
  an injection or a CMS bug, never part of a title; ``strip_markup`` keeps only its text.
* MkDocs and Material print some front-matter values raw into the HTML (``page.meta.title``
  in ``<title>`` and the header, ``author``/``description`` inside ``content="…"``),
  because MkDocs renders templates without autoescape. The front matter keeps the true
  text (it is data: ``title`` is the document's title as written); this module is also a
  MkDocs hook (``hooks:`` in mkdocs.yml) that HTML-escapes every front-matter string for
  the templates, so a title like ``<script>…`` is shown, never run.

Standard library only, so MkDocs can load it as a hook file by path.
"""

from __future__ import annotations

import html
import re
from typing import Any

# A real tag or comment: '<' followed by a letter, '/', '!' or '?'. Book-title marks written
# as <<十四五>> or a formula like a<b are not tags and stay.
_TAG = re.compile(r"<!--.*?(?:-->|$)|</?[A-Za-z][^<>]*(?:>|$)|<[!?][^<>]*(?:>|$)", re.S)


def strip_markup(text: str) -> str:
    """The text of a metadata value with any tags and comments in it removed."""
    if "<" not in text:
        return text
    return re.sub(r"\s+", " ", _TAG.sub(" ", text)).strip()


def escape_meta(value: Any) -> Any:
    """Every string inside a front-matter value, HTML-escaped (quotes too: some are attributes)."""
    if isinstance(value, str):
        return html.escape(value, quote=True)
    if isinstance(value, list):
        return [escape_meta(v) for v in value]
    if isinstance(value, dict):
        return {k: escape_meta(v) for k, v in value.items()}
    return value


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    """MkDocs hook: runs for every page before any template is rendered (nav titles included)."""
    page.meta = {k: escape_meta(v) for k, v in page.meta.items()}
    return markdown
