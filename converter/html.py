"""HTML pages -> paragraphs of plain text plus the metadata the page carries.

Nothing from the page survives as markup: only text (and table cells and link targets as
data) leaves this module, so scraped HTML can never reach the site as HTML.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import lxml.html
from lxml import etree

from .model import Para

HTML_HINT = re.compile(r"<\s*(html|body|div|p|span|table|br|td|meta|head|a\s|!doctype|legend|samp|center)\b", re.I)

# Elements whose content is never page text.
DROP_TAGS = {
    "script", "style", "noscript", "iframe", "template", "object", "embed", "svg", "canvas",
    "head", "title", "select", "option", "button", "input", "textarea", "map", "audio", "video",
    "marquee", "frame", "frameset", "applet",
}
# Elements that end a line of text.
BLOCK_TAGS = {
    "p", "div", "br", "li", "ul", "ol", "dl", "dt", "dd", "table", "tr", "td", "th", "tbody",
    "thead", "tfoot", "caption", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article",
    "header", "footer", "nav", "aside", "main", "blockquote", "pre", "hr", "address", "center",
    "form", "fieldset", "legend", "figure", "figcaption", "details", "summary", "menu",
}
# Inline styles that hide injected link farms from human visitors.
HIDDEN_STYLE = re.compile(
    r"display\s*:\s*none|visibility\s*:\s*hidden|font-size\s*:\s*0(?![.\d]*[1-9])|"
    r"(left|top|text-indent)\s*:\s*-\d{3,}|(width|height)\s*:\s*0(px)?\s*(;|$)|opacity\s*:\s*0(\.0*)?\s*(;|$)",
    re.I,
)
META_NAMES = {
    "articletitle": "title",
    "pubdate": "publish_date",
    "firstpublishedtime": "publish_date",
    "contentsource": "origin",
    "keywords": "keywords",
    "description": "description",
    "sitename": "site_name",
    "columnname": "column",
}


@dataclass
class HtmlPage:
    paras: list[Para]
    meta: dict[str, str] = field(default_factory=dict)
    removed: list[tuple[str, str, str]] = field(default_factory=list)  # (step, reason, text)


def is_html(text: str) -> bool:
    return bool(HTML_HINT.search(text[:20000]))


def _is_hidden(el: etree._Element) -> bool:
    if el.get("hidden") is not None or el.get("aria-hidden") == "true":
        return True
    style = el.get("style")
    return bool(style and HIDDEN_STYLE.search(style))


def _squash(text: str) -> str:
    return re.sub(r"[ \t\r\f\v\u00a0\u3000\u200b\ufeff]+", " ", text)


def parse(text: str) -> etree._Element:
    # lxml refuses str input with an encoding declaration; the text is already decoded.
    text = re.sub(r"^\s*<\?xml[^>]*>", "", text)
    try:
        return lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError):
        return lxml.html.document_fromstring("<html><body></body></html>")


def harvest_meta(root: etree._Element) -> dict[str, str]:
    meta: dict[str, str] = {}
    for el in root.iter("meta"):
        name = (el.get("name") or el.get("property") or "").strip().lower()
        key = META_NAMES.get(name)
        content = (el.get("content") or "").strip()
        if key and content and key not in meta:
            meta[key] = _squash(content).strip()
    title = root.find(".//title")
    if title is not None and title.text_content().strip():
        meta["html_title"] = _squash(title.text_content()).strip()
    return meta


def extract(text: str) -> HtmlPage:
    root = parse(text)
    page = HtmlPage(paras=[], meta=harvest_meta(root))
    lines: list[str] = [""]

    def emit(s: str | None) -> None:
        if s:
            lines[-1] += _squash(s)

    def walk(el: etree._Element) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if not tag:  # comments and processing instructions carry no page text
            emit(el.tail)
            return
        tag = tag.lower()
        if tag in DROP_TAGS or _is_hidden(el):
            hidden_text = _squash(el.text_content()).strip() if tag not in {"script", "style", "head"} else ""
            if hidden_text:
                reason = f"<{tag}> element" if tag in DROP_TAGS else "hidden element"
                page.removed.append(("hidden", reason, hidden_text[:2000]))
            emit(el.tail)
            return
        block = tag in BLOCK_TAGS
        if block:
            lines.append("")
        emit(el.text)
        for child in el:
            walk(child)
        if block:
            lines.append("")
        emit(el.tail)

    body = root.find("body")
    walk(body if body is not None else root)
    # Real pages mark paragraphs with tags and wrap lines freely inside them; text pasted
    # between stray tags (a page saved as text) marks paragraphs with line ends instead.
    newline_is_break = not any(
        (el.text_content() or "").strip() for el in root.iter("p", "br", "td", "li", "h1", "h2", "h3")
    )
    for line in lines:
        parts = line.split("\n") if newline_is_break else [line.replace("\n", " ")]
        for part in parts:
            part = part.strip()
            if part:
                page.paras.append(Para(part))
    return page
