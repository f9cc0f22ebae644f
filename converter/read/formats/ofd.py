"""OFD (GB/T 33190, China's fixed-layout format): a zip of XML. OFD.xml names the document,
its Document.xml lists the pages, and each page's Content.xml holds TextObjects (a Boundary box
and TextCode runs). Their lines go through the same re-joining as a text PDF's."""

from __future__ import annotations

import posixpath
import re

from lxml import etree

from converter.model import Para, SourceError
from converter.read.formats import (
    MAX_PAGES,
    Deadline,
    Extracted,
    check_zip,
    layout,
    read_member,
)

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True)


def _local(el: etree._Element, name: str) -> list[etree._Element]:
    return [e for e in el.iter() if isinstance(e.tag, str) and etree.QName(e).localname == name]


def _box(value: str | None) -> tuple[float, ...]:
    nums = [float(x) for x in re.findall(r"-?\d+(?:\.\d+)?", value or "")]
    return tuple(nums[:4]) if len(nums) >= 4 else (0.0, 0.0, 0.0, 0.0)


def _path(base: str, loc: str, names: dict[str, str]) -> str:
    loc = loc.strip().lstrip("/") if loc.strip().startswith("/") else posixpath.join(posixpath.dirname(base), loc.strip())
    return names.get(posixpath.normpath(loc).lower(), "")


def _page_lines(xml: bytes) -> list[layout.Line]:
    root = etree.fromstring(xml, _PARSER)
    rows: dict[float, list[tuple[float, float, float, str]]] = {}
    for obj in _local(root, "TextObject"):
        x, y, w, h = _box(obj.get("Boundary"))
        size = float(obj.get("Size") or h or 0)
        text = "".join(code.text or "" for code in _local(obj, "TextCode"))
        if text.strip():
            # Text objects on one baseline (within a third of a character) form one line.
            key = next((k for k in rows if abs(k - y) < size / 3), y)
            rows.setdefault(key, []).append((x, x + w, size, text))
    lines = []
    for y in sorted(rows):
        parts = sorted(rows[y])
        size = max(p[2] for p in parts)
        lines.append(layout.Line("".join(p[3] for p in parts), parts[0][0], max(p[1] for p in parts), y, y + size, size))
    return lines


def read_ofd(data: bytes, rel: str, deadline: Deadline) -> Extracted:
    zf = check_zip(data, rel)
    names = {n.lower(): n for n in zf.namelist()}
    try:
        ofd = etree.fromstring(read_member(zf, names["ofd.xml"], rel), _PARSER)
        roots = [e.text or "" for e in _local(ofd, "DocRoot")]
        if not roots:
            raise SourceError(rel, "corrupt OFD: OFD.xml names no document (DocRoot)")
        doc_name = _path("OFD.xml", roots[0], names)
        if not doc_name:
            raise SourceError(rel, f"corrupt OFD: {roots[0]} is not in the archive")
        document = etree.fromstring(read_member(zf, doc_name, rel), _PARSER)
        area = _local(document, "PhysicalBox")
        _, _, width, height = _box(area[0].text if area else "0 0 210 297")
        page_locs = [p.get("BaseLoc") or "" for p in _local(document, "Page")]
        if len(page_locs) > MAX_PAGES:
            raise SourceError(rel, f"OFD has {len(page_locs)} pages, over the {MAX_PAGES}-page limit for one document")
        pages = []
        for loc in page_locs:
            deadline.left(rel)
            name = _path(doc_name, loc, names)
            if name:
                pages.append(layout.Page(_page_lines(read_member(zf, name, rel)), width, height))
    except etree.XMLSyntaxError as exc:
        raise SourceError(rel, f"corrupt OFD: broken XML ({exc})") from exc
    removed = layout.strip_furniture(pages)
    return Extracted([Para(t) for t in layout.paragraphs(pages)], "ofd", "lxml（OFD XML）", removed=removed)
