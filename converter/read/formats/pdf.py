"""PDF: text PDFs through pdfplumber (lines re-joined into paragraphs, running headers, footers
and page numbers dropped, tables kept, two-column pages read column by column); scans and PDFs
whose text comes out as (cid:NNN) through OCR."""

from __future__ import annotations

import io
import logging
import re
from typing import Any

from converter.messages import Note
from converter.model import Para, SourceError
from converter.read.formats import MAX_PAGES, Deadline, Extracted, layout, ocr

_CID = re.compile(r"\(cid:\d+\)")
# pdfminer logs every odd font it meets; a problem that matters is raised, not logged.
logging.getLogger("pdfminer").setLevel(logging.ERROR)
MIN_TEXT_CHARS = 20  # fewer characters on every page: a scan (perhaps with a stamp's text)


def _open(data: bytes, rel: str) -> Any:
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
        n = len(pdf.pages)
    except PDFPasswordIncorrect:
        raise SourceError(rel, "encrypted (password-protected) PDF: it cannot be read without the password") from None
    except (PDFSyntaxError, Exception) as exc:  # pdfminer raises many kinds for a broken file
        inner = exc.args[0] if exc.args and isinstance(exc.args[0], Exception) else exc  # pdfplumber wraps them
        if isinstance(inner, PDFPasswordIncorrect) or "password" in str(inner).lower() or "encrypt" in type(inner).__name__.lower():
            raise SourceError(rel, "encrypted (password-protected) PDF: it cannot be read without the password") from None
        raise SourceError(rel, f"corrupt PDF: {type(inner).__name__}: {inner}".rstrip(": ")) from None
    if n > MAX_PAGES:
        pdf.close()
        raise SourceError(rel, f"PDF has {n} pages, over the {MAX_PAGES}-page limit for one document")
    if n == 0:
        pdf.close()
        raise SourceError(rel, "corrupt PDF: no pages")
    return pdf


def _column_gap(words: list[dict], width: float) -> float | None:
    """The x between the two columns of a two-column page: the least covered x in the middle
    third, crossed by few words (a title or a footer may span both columns), with a good share
    of the words on each side."""
    if len(words) < 20:
        return None
    lo, hi = int(width * 0.3), int(width * 0.7)
    cover = [0] * (hi - lo + 1)
    for w in words:
        for x in range(max(lo, int(w["x0"])), min(hi, int(w["x1"])) + 1):
            cover[x - lo] += 1
    best = min(cover)
    xs = [x + lo for x, c in enumerate(cover) if c == best]
    gap = (xs[0] + xs[-1]) / 2  # the middle of the least covered stretch
    left = sum(1 for w in words if w["x1"] <= gap)
    right = sum(1 for w in words if w["x0"] >= gap)
    if best > 0.2 * len(words) or left < 0.25 * len(words) or right < 0.25 * len(words):
        return None
    return gap


def _lines(region: Any, column: int = 0) -> list[layout.Line]:
    out = []
    for ln in region.extract_text_lines(strip=True, return_chars=True):
        chars = ln.get("chars") or []
        size = sorted(c.get("size", 0) for c in chars)[len(chars) // 2] if chars else 0.0
        out.append(layout.Line(ln["text"], ln["x0"], ln["x1"], ln["top"], ln["bottom"], size, column))
    return out


def _column_lines(page: Any, words: list[dict], gap: float) -> list[layout.Line]:
    """A two-column page in reading order: each band of lines that span the gap (a title), and
    between them the left column, then the right."""
    spans: list[list[float]] = []
    for w in sorted((w for w in words if w["x0"] < gap < w["x1"]), key=lambda w: w["top"]):
        if spans and w["top"] <= spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], w["bottom"])
        else:
            spans.append([w["top"], w["bottom"]])
    lines: list[layout.Line] = []
    y = 0.0
    for top, bottom in [*spans, [page.height, page.height]]:
        if top > y:
            lines += _lines(page.within_bbox((0, y, gap, top)), 1) + _lines(page.within_bbox((gap, y, page.width, top)), 2)
        if bottom > top:
            lines += _lines(page.within_bbox((0, top, page.width, bottom)), 0)
        y = bottom
    return lines


def _page(page: Any) -> tuple[layout.Page, list[tuple[float, Para]]]:
    """A page's text lines in reading order, and its tables (with their top, to place them)."""
    tables = page.find_tables()
    bboxes = [t.bbox for t in tables]
    def outside_tables(o: dict) -> bool:
        return not any(
            b[0] <= o.get("x0", -1) and o.get("x1", 1e9) <= b[2] and b[1] <= o.get("top", -1) and o.get("bottom", 1e9) <= b[3]
            for b in bboxes
        )

    rest = page.filter(outside_tables) if bboxes else page
    words = rest.extract_words()
    gap = _column_gap(words, page.width)
    lines = _lines(rest) if gap is None else _column_lines(rest, words, gap)
    found = []
    for t in tables:
        rows = [[re.sub(r"\s+", "", c or "") for c in row] for row in t.extract()]
        if rows:
            found.append((t.bbox[1], Para("", kind="table", rows=rows)))
    return layout.Page(lines, page.width, page.height), found


def read_pdf(data: bytes, rel: str, deadline: Deadline) -> Extracted:
    pdf = _open(data, rel)
    try:
        text = ""
        for p in pdf.pages:
            deadline.left(rel)
            text += "".join(c.get("text", "") for c in p.chars)
        han = len(re.findall(r"[\u4e00-\u9fff]", text))
        cid = len(_CID.findall(text)) + text.count("\ufffd")
        if len(text.strip()) < MIN_TEXT_CHARS * len(pdf.pages) or cid > han:
            result = ocr.read_pdf_pages(data, rel, len(pdf.pages), deadline)
            result.warnings.append(Note("warn.pdf_scan" if cid <= han else "warn.pdf_cid"))
            return result
        pages, tables = [], []
        for p in pdf.pages:
            deadline.left(rel)
            page, found = _page(p)
            pages.append(page)
            tables.append(found)
        removed = layout.strip_furniture(pages)
        paras = _with_tables(pages, tables)
        return Extracted(paras, "pdf", "pdfplumber", removed=removed)
    finally:
        pdf.close()


def _with_tables(pages: list[layout.Page], tables: list[list[tuple[float, Para]]]) -> list[Para]:
    """Paragraphs of all pages (joined across page breaks), each table placed where it stands:
    after the paragraphs above it, and the line below it starting a new paragraph."""
    where: dict[int, tuple[int, float]] = {}
    for n, (page, found) in enumerate(zip(pages, tables)):
        for ln in page.lines:
            where[id(ln)] = (n, ln.top)
        for top, _ in found:
            below = [ln for ln in page.lines if ln.top > top]
            if below:
                min(below, key=lambda ln: ln.top).starts = True
    pending = sorted((((n, top), table) for n, found in enumerate(tables) for top, table in found), key=lambda x: x[0])
    out: list[Para] = []
    for text, first in layout.grouped(pages):  # in reading order (columns): tables go in between
        while pending and pending[0][0] < where[id(first)]:
            out.append(pending.pop(0)[1])
        out.append(Para(text))
    return out + [table for _, table in pending]
