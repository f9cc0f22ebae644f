"""Word .docx: paragraphs and tables in document order, Word's own list numbering written out
(一、 1. （一） are often list formatting, not text), and footnotes at the end."""

from __future__ import annotations

import re

from lxml import etree

from converter.model import Para, SourceError
from converter.read.formats import Deadline, Extracted, check_zip, read_member

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}
_CN = "零一二三四五六七八九"


def _cn_number(n: int) -> str:
    if n < 10:
        return _CN[n]
    if n < 20:
        return "十" + (_CN[n % 10] if n % 10 else "")
    if n < 100:
        return _CN[n // 10] + "十" + (_CN[n % 10] if n % 10 else "")
    return str(n)


def _format(n: int, fmt: str) -> str:
    if fmt in ("chineseCounting", "chineseCountingThousand", "ideographTraditional", "chineseLegalSimplified"):
        return _cn_number(n)
    if fmt == "lowerLetter":
        return chr(ord("a") + (n - 1) % 26)
    if fmt == "upperLetter":
        return chr(ord("A") + (n - 1) % 26)
    return str(n)


class Numbering:
    """Word's numbering.xml: which label a numbered paragraph shows (lvlText with its counters)."""

    def __init__(self, xml: bytes | None):
        self.levels: dict[tuple[str, int], tuple[str, str, int]] = {}  # (numId, ilvl) -> (lvlText, numFmt, start)
        self.counters: dict[str, list[int]] = {}
        if not xml:
            return
        root = etree.fromstring(xml, etree.XMLParser(resolve_entities=False, no_network=True))
        abstract = {}
        for a in root.iterfind("w:abstractNum", NS):
            lvls = {}
            for lvl in a.iterfind("w:lvl", NS):
                text = lvl.find("w:lvlText", NS)
                fmt = lvl.find("w:numFmt", NS)
                start = lvl.find("w:start", NS)
                lvls[int(lvl.get(f"{{{W}}}ilvl", "0"))] = (
                    text.get(f"{{{W}}}val", "") if text is not None else "",
                    fmt.get(f"{{{W}}}val", "decimal") if fmt is not None else "decimal",
                    int(start.get(f"{{{W}}}val", "1")) if start is not None else 1,
                )
            abstract[a.get(f"{{{W}}}abstractNumId")] = lvls
        for num in root.iterfind("w:num", NS):
            ref = num.find("w:abstractNumId", NS)
            lvls = abstract.get(ref.get(f"{{{W}}}val") if ref is not None else None, {})
            for ilvl, spec in lvls.items():
                self.levels[(num.get(f"{{{W}}}numId", ""), ilvl)] = spec

    def label(self, num_id: str, ilvl: int) -> str:
        spec = self.levels.get((num_id, ilvl))
        if spec is None:
            return ""
        text, fmt, _ = spec
        if fmt in ("bullet", "none"):
            return ""
        counts = self.counters.setdefault(num_id, [0] * 9)
        counts[ilvl] += 1
        for deeper in range(ilvl + 1, 9):
            counts[deeper] = 0

        def level_value(m: re.Match[str]) -> str:
            k = int(m.group(1)) - 1
            lvl = self.levels.get((num_id, k), ("", "decimal", 1))
            return _format(counts[k] + lvl[2] - 1, lvl[1])

        return re.sub(r"%(\d)", level_value, text)


def _text(el: etree._Element) -> str:
    parts = []
    for node in el.iter(f"{{{W}}}t", f"{{{W}}}tab", f"{{{W}}}br", f"{{{W}}}footnoteReference"):
        tag = etree.QName(node).localname
        if tag == "t":
            parts.append(node.text or "")
        elif tag == "tab":
            parts.append(" ")
        elif tag == "footnoteReference":
            parts.append(f"[注{node.get(f'{{{W}}}id')}]")
    return "".join(parts)


def _paragraph(p: etree._Element, numbering: Numbering) -> str:
    text = _text(p)
    num = p.find("w:pPr/w:numPr", NS)
    if num is not None and text.strip():
        num_id = num.find("w:numId", NS)
        ilvl = num.find("w:ilvl", NS)
        label = numbering.label(
            num_id.get(f"{{{W}}}val", "") if num_id is not None else "",
            int(ilvl.get(f"{{{W}}}val", "0")) if ilvl is not None else 0,
        )
        text = label + text
    return text


def _table(tbl: etree._Element) -> Para:
    rows = []
    for tr in tbl.iterfind("w:tr", NS):
        cells = []
        for tc in tr.iterfind("w:tc", NS):
            cells.append(" ".join(_text(p).strip() for p in tc.iterfind(".//w:p", NS) if _text(p).strip()))
        rows.append(cells)
    return Para("", kind="table", rows=rows)


def _footnotes(xml: bytes | None) -> list[Para]:
    if not xml:
        return []
    root = etree.fromstring(xml, etree.XMLParser(resolve_entities=False, no_network=True))
    out = []
    for fn in root.iterfind("w:footnote", NS):
        if fn.get(f"{{{W}}}type") in ("separator", "continuationSeparator"):
            continue
        text = "".join(_text(p) for p in fn.iterfind(".//w:p", NS)).strip()
        if text:
            out.append(Para(f"[注{fn.get(f'{{{W}}}id')}] {text}"))
    return out


def paras_of(data: bytes, rel: str) -> list[Para]:
    zf = check_zip(data, rel)
    names = set(zf.namelist())
    try:
        body = etree.fromstring(read_member(zf, "word/document.xml", rel), etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False))
        numbering = Numbering(read_member(zf, "word/numbering.xml", rel) if "word/numbering.xml" in names else None)
        notes = _footnotes(read_member(zf, "word/footnotes.xml", rel) if "word/footnotes.xml" in names else None)
    except etree.XMLSyntaxError as exc:
        raise SourceError(rel, f"corrupt file: the Word document's XML is broken ({exc})") from exc
    out: list[Para] = []
    container = body.find("w:body", NS)
    for el in container if container is not None else []:
        tag = etree.QName(el).localname
        if tag == "p":
            out.append(Para(_paragraph(el, numbering)))
        elif tag == "tbl":
            out.append(_table(el))
        elif tag == "sdt":  # content controls wrap ordinary paragraphs
            out += [Para(_paragraph(p, numbering)) for p in el.iterfind(".//w:p", NS)]
    return [p for p in out if p.text.strip() or p.rows] + notes


def read_docx(data: bytes, rel: str, deadline: Deadline) -> Extracted:
    return Extracted(paras_of(data, rel), "docx", "lxml（Word XML）")
