"""MkDocs hook: a regulation's table of contents lists its articles under its chapters.

Articles (第X条) are anchored paragraphs, not headings (their text runs on after the label,
converter/render/page.py), so the toc extension does not see them. After a page is rendered this
hook rebuilds ``page.toc`` in document order from the headings it already holds plus every
article paragraph (``<p class="item article" id="第三条">``), each article one level below
the heading it follows.

Loaded by MkDocs as a hook file by path (``hooks:`` in mkdocs.yml): standard library and
MkDocs only, no package-relative imports.
"""

from __future__ import annotations

import re
from typing import Any

from mkdocs.structure.toc import AnchorLink, TableOfContents

# Our own markup (render.block_md through attr_list), so a pattern is enough.
_ELEMENT = re.compile(r"<(h[1-6]|p)\b([^>]*)>(?:<strong>(.*?)</strong>)?")
_ID = re.compile(r'\bid="([^"]+)"')
_CLASS = re.compile(r'\bclass="([^"]*)"')
MARK = 'article'


def _links(toc: list[AnchorLink]) -> dict[str, AnchorLink]:
    out: dict[str, AnchorLink] = {}
    for link in toc:
        out[link.id] = link
        out.update(_links(link.children))
    return out


def with_articles(toc: list[AnchorLink], content: str) -> list[AnchorLink]:
    """The toc's headings and the page's articles as one tree, in document order."""
    headings = _links(toc)
    root: list[AnchorLink] = []
    stack: list[AnchorLink] = []
    for m in _ELEMENT.finditer(content):
        tag, attrs, strong = m.groups()
        ident = _ID.search(attrs)
        if not ident:
            continue
        if tag == "p":
            classes = _CLASS.search(attrs)
            if not (classes and MARK in classes.group(1).split() and strong):
                continue
            link = AnchorLink(strong, ident.group(1), stack[-1].level + 1 if stack else 2)
        elif ident.group(1) in headings:
            link = headings[ident.group(1)]
            link.children = []
        else:
            continue
        while stack and stack[-1].level >= link.level:
            stack.pop()
        (stack[-1].children if stack else root).append(link)
        if tag != "p":
            stack.append(link)
    return root


def on_page_content(content: str, page: Any, config: Any, files: Any) -> str:
    if f'{MARK}"' in content or f"{MARK} " in content:
        items = with_articles(list(page.toc), content)
        if items:
            items[0].active = True  # type: ignore[attr-defined]  # as MkDocs marks its first entry (undeclared there)
        page.toc = TableOfContents(items)
    return content
