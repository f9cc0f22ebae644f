"""MkDocs hook: every front-matter string HTML-escaped for the theme's templates.

MkDocs and Material print some front-matter values raw into the HTML (``page.meta.title``
in ``<title>`` and the header, ``author``/``description`` inside ``content="…"``), because
MkDocs renders templates without autoescape. The front matter keeps the true text; this hook
escapes it for the templates, so a title like ``<script>…`` is shown, never run.

Standard library only, so MkDocs can load it as a hook file by path (``hooks:`` in mkdocs.yml).
"""

from __future__ import annotations

import html
from typing import Any


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
