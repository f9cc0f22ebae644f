"""Positioned text lines (PDF, OFD, OCR) -> paragraphs.

A fixed-layout page breaks every line at the margin, mid-sentence. A line that reaches the
right margin continues in the next one, unless the next is indented (a Chinese paragraph opens
with two characters of indent) or starts a numbered item; a line that stops short ends its
paragraph. Lines repeated at the top or bottom of most pages (running headers, footers) and
page numbers are removed, each recorded with its reason.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from converter.text import numbering

# - 3 -, — 3 —, 3, 3/12, 第3页, 第3页 共12页, 共12页 第3页, Page 3 of 12
_PAGE_NUMBER = re.compile(
    r"^[-—－–\s]*(?:(?:共\s*\d{1,4}\s*页\s*[,，]?\s*)?第\s*\d{1,4}\s*页(?:\s*[,，/／]?\s*共\s*\d{1,4}\s*页)?"
    r"|\d{1,4}(?:\s*[/／]\s*\d{1,4})?|(?:page\s*)?\d{1,4}\s*(?:of\s*\d{1,4})?)[-—－–\s]*$",
    re.IGNORECASE,
)
_DIGITS = re.compile(r"\d+")
_ENDS_SENTENCE = re.compile(r"[。！？；：:;!?]$")
_ASCII_WORD_END = re.compile(r"[A-Za-z0-9]$")
_ASCII_WORD_START = re.compile(r"^[A-Za-z0-9]")
EDGE_BAND = 0.09  # top and bottom share of the page where running headers and footers sit


@dataclass
class Line:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float = 0.0  # character height: a change of size ends a paragraph (title -> body)
    column: int = 0  # 0: the page's width; 1, 2: left and right column of a two-column page
    starts: bool = False  # begins a paragraph whatever its layout (the first line below a table)


@dataclass
class Page:
    lines: list[Line]
    width: float
    height: float


def _edge_key(line: Line) -> str:
    return _DIGITS.sub("#", re.sub(r"\s+", "", line.text))


def strip_furniture(pages: list[Page]) -> list[tuple[str, str]]:
    """Remove page numbers and running headers/footers in place; return (reason, text) of each."""
    removed: list[tuple[str, str]] = []
    edge_counts: Counter[str] = Counter()
    for page in pages:
        keys = {_edge_key(ln) for ln in page.lines if _at_edge(ln, page)}
        edge_counts.update(keys)
    repeated = {k for k, n in edge_counts.items() if len(pages) >= 2 and n >= max(2, len(pages) // 2 + 1)}
    for page in pages:
        keep = []
        for ln in page.lines:
            if _at_edge(ln, page) and _PAGE_NUMBER.match(ln.text):
                removed.append(("page number", ln.text))
            elif _at_edge(ln, page) and _edge_key(ln) in repeated:
                removed.append(("running header or footer repeated on every page", ln.text))
            else:
                keep.append(ln)
        page.lines = keep
    return removed


def _at_edge(line: Line, page: Page) -> bool:
    return line.bottom <= page.height * EDGE_BAND or line.top >= page.height * (1 - EDGE_BAND)


def _char_width(lines: list[Line]) -> float:
    sizes = sorted(ln.size for ln in lines if ln.size > 0)
    return sizes[len(sizes) // 2] if sizes else 12.0


def _mode(values: list[float], step: float) -> float:
    counts = Counter(round(v / step) for v in values)
    best = max(counts.values())
    return min(k for k, n in counts.items() if n == best) * step


def margins(lines: list[Line], cw: float) -> tuple[float, float]:
    """The text block's left and right edges: where most lines start and end (a signature set
    to the right, a protruding comma or a centred title does not move them)."""
    left = _mode([ln.x0 for ln in lines], cw / 2)
    right = _mode([ln.x1 for ln in lines if ln.x1 - ln.x0 > 8 * cw] or [max(ln.x1 for ln in lines)], cw / 2)
    return min(left, min(ln.x0 for ln in lines) + cw / 2), right


def _join(a: str, b: str) -> str:
    # Latin words broken at the margin keep a space; Chinese text runs on.
    return f"{a} {b}" if _ASCII_WORD_END.search(a) and _ASCII_WORD_START.search(b) else a + b


def paragraphs(pages: list[Page]) -> list[str]:
    """The pages' lines (in reading order) re-joined into paragraphs."""
    return [text for text, _ in grouped(pages)]


def grouped(pages: list[Page]) -> list[tuple[str, Line]]:
    """Each paragraph's text with its first line (to place tables between paragraphs)."""
    lines = [ln for page in pages for ln in page.lines if ln.text.strip()]
    if not lines:
        return []
    cw = _char_width(lines)
    edges = {c: margins([ln for ln in lines if ln.column == c], cw) for c in {ln.column for ln in lines}}
    if 1 in edges and 2 in edges:  # lines across both columns (a title) span from one's left to the other's right
        edges[0] = (edges[1][0], edges[2][1])
    out: list[tuple[str, Line]] = []
    prev: Line | None = None
    for ln in lines:
        text = ln.text.strip()
        if prev is not None and _continues(prev, ln, edges[prev.column], edges[ln.column], cw):
            out[-1] = (_join(out[-1][0], text), out[-1][1])
        else:
            out.append((text, ln))
        prev = ln
    return out


def _continues(prev: Line, ln: Line, prev_edges: tuple[float, float], edges: tuple[float, float], cw: float) -> bool:
    """Whether ``ln`` carries on the paragraph that ``prev`` is part of (each measured against
    the margins of its own column)."""
    text = ln.text.strip()
    if ln.starts or numbering.match(text):
        return False
    left, right = edges
    prev_full = prev.x1 >= prev_edges[1] - 1.6 * cw
    indented = ln.x0 >= left + 1.5 * cw
    if prev_full and not indented:
        return True
    if _ENDS_SENTENCE.search(prev.text.strip()) or len(prev.text.strip()) < 8:
        return False
    # A title wrapped over centred lines: the next line is centred too (a paragraph's last line
    # starts at the margin), under a full or centred line on the same axis.
    if not _centred(ln, left, right, cw) or (prev.size and ln.size and abs(prev.size - ln.size) > 0.2 * max(prev.size, ln.size)):
        return False
    return prev_full or (prev.column == ln.column and _centred(prev, left, right, cw) and abs((ln.x0 + ln.x1) / 2 - (prev.x0 + prev.x1) / 2) < 1.5 * cw)


def _centred(ln: Line, left: float, right: float, cw: float) -> bool:
    return ln.x0 >= left + cw and abs((ln.x0 - left) - (right - ln.x1)) < 2 * cw
