"""A corpus page reduced to what a CMS template is filled with: title, fields, body markup."""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass
from pathlib import Path

import lxml.html
from lxml import etree

from converter.clean import htmltext
from converter.tools import evaluate

# Attributes a CMS editor keeps in body markup; the corpus's inline styles are left behind so
# every idiom starts from the same clean body.
KEEP_ATTRS = {"href", "src", "alt", "rowspan", "colspan"}


@dataclass
class Page:
    name: str  # the corpus file's stem
    entry: dict  # its truth.json entry
    body_html: str  # the body container's inner markup (paragraphs, tables, links)
    paras: list[str]  # the body's text lines, in order (tables left out)
    tables: list[str]  # the body's tables, as markup
    truth_body: str  # the normalised text of the body container (evaluate.true_body)

    def field(self, name: str) -> str | None:
        return self.entry.get(name)


def _container(root: etree._Element) -> etree._Element | None:
    for cid in evaluate.CONTAINER_IDS:
        found = root.xpath(f'//*[@id="{cid}"]')
        if found:
            return found[0]
    return None


def _strip(el: etree._Element) -> None:
    for sub in el.iter():
        if isinstance(sub.tag, str):
            for a in list(sub.attrib):
                if a not in KEEP_ATTRS:
                    del sub.attrib[a]


def _lines(el: etree._Element) -> tuple[list[str], list[str]]:
    """Text lines of the body (one per block element holding text) and its tables."""
    lines: list[str] = []
    tables: list[str] = []
    for sub in el.iter():
        tag = sub.tag.lower() if isinstance(sub.tag, str) else ""
        if tag == "table" and sub.getparent() is not None and not any(a.tag == "table" for a in sub.iterancestors()):
            tables.append(etree.tostring(sub, encoding="unicode", method="html", with_tail=False))
            lines.append(f"\0table{len(tables) - 1}")
        if tag in ("p", "div", "h1", "h2", "h3", "h4", "li", "center") and not any(a.tag == "table" for a in sub.iterancestors()):
            if sub.find(".//p") is not None or sub.find(".//div") is not None:
                continue
            text = re.sub(r"[\s\u00a0]+", " ", sub.text_content()).strip()
            if text:
                lines.append(text)
    return lines, tables


def load(corpus: Path) -> list[Page]:
    """Every corpus page that has a known body container, as a Page."""
    entries = json.loads((corpus / "truth.json").read_text(encoding="utf-8"))
    pages = []
    for entry in sorted(entries, key=lambda e: e["file"]):
        text = (corpus / "raw" / entry["file"]).read_text(encoding="utf-8", errors="replace")
        root = htmltext.parse(text)
        htmltext._drop_invisible(root, [])
        box = _container(root)
        if box is None:
            continue
        box = copy.deepcopy(box)
        _strip(box)
        inner = (box.text or "") + "".join(etree.tostring(c, encoding="unicode", method="html") for c in box)
        lines, tables = _lines(box)
        pages.append(Page(Path(entry["file"]).stem, entry, inner, lines, tables, evaluate.norm(box.text_content())))
    return pages


def parse_fragment(markup: str) -> etree._Element:
    return lxml.html.fragment_fromstring(markup, create_parent="div")
