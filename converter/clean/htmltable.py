"""Data tables out of a page: cells with their spans and header flags, the expanded grid,
and the sanitised HTML a table with merged cells is published as.

A table's cell grid (rowspan and colspan expanded, as the HTML table model lays cells out)
is what a reader must see as the source showed it. Pipe tables cannot merge cells, so a table
with spans (or more than one header row) is written as HTML built from the cell texts and
passed through nh3's allowlist: table structure, rowspan/colspan and line breaks, nothing
else. Simple grids stay pipe tables.
"""

from __future__ import annotations

import html as _escape
import re

import nh3
from lxml import etree

from converter.model import Cell
from converter.text import space

CELL_TAGS = {"td", "th"}
LONGEST_DATA_CELL = 600  # layout tables hold running paragraphs in one cell; data cells are short
# The HTML table model's limits (a span beyond them is a broken page, not a layout).
MAX_COLSPAN, MAX_ROWSPAN = 1000, 65534
_BOLD_STYLE = re.compile(r"font-weight\s*:\s*(bold|[6-9]00)", re.IGNORECASE)
# Elements that start a new line inside a cell (a cell holding several paragraphs).
_SENTENCE_END = re.compile(r"[。；;！？!?：:]$")
_CJK_EDGE = re.compile(r"^[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]{2}$")
_CELL_BREAKS = {"p", "div", "br", "li", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6", "tr"}

# What a published table may contain: its structure, spans and line breaks.
ALLOWED_TAGS = {"table", "thead", "tbody", "tr", "th", "td", "br", "p", "b", "strong", "sup", "sub"}
ALLOWED_ATTRIBUTES = {"td": {"rowspan", "colspan"}, "th": {"rowspan", "colspan"}}


def _tag(el) -> str:
    tag = el.tag
    return tag.lower() if isinstance(tag, str) else ""


def _cells_of(tr: etree._Element) -> list[etree._Element]:
    return [c for c in tr if _tag(c) in CELL_TAGS]


def _rows_of(table: etree._Element) -> list[etree._Element]:
    """The table's own rows (not those of a table nested in a cell)."""
    return [tr for tr in table.iter("tr") if next(tr.iterancestors("table"), None) is table]


def is_data_table(table: etree._Element) -> bool:
    """A grid of cells (not a layout table wrapping paragraphs)."""
    if table.find(".//table") is not None:
        return False
    rows = _rows_of(table)
    if len(rows) < 2:
        return False
    if max(len(_cells_of(tr)) for tr in rows) < 2:
        return False
    longest = max((len(space.dense(c.text_content())) for tr in rows for c in _cells_of(tr)), default=0)
    return longest <= LONGEST_DATA_CELL


def _span(cell: etree._Element, name: str, limit: int) -> int:
    value = (cell.get(name) or "").strip()
    return min(int(value), limit) if value.isdigit() and int(value) > 0 else 1


def cell_text(cell: etree._Element) -> str:
    """The cell's text, lines joined by \\n: a <br> is a line break, and so is a paragraph
    boundary after a sentence's end; a paragraph boundary inside a phrase is the wrap of a
    narrow Word column (<p>安置</p><p>任务</p>) and is joined."""
    pieces: list[tuple[str, bool]] = [("", True)]  # (text, starts after a <br>)

    def walk(el: etree._Element) -> None:
        tag = _tag(el)
        if not tag:
            return
        if tag in _CELL_BREAKS:
            pieces.append(("", tag == "br"))
        _add(el.text)
        for child in el:
            walk(child)
            _add(child.tail)
        if tag in _CELL_BREAKS and tag != "br":  # the text after a <br> is its line's
            pieces.append(("", False))

    def _add(s: str | None) -> None:
        if s:
            pieces[-1] = (pieces[-1][0] + s, pieces[-1][1])

    _add(cell.text)
    for child in cell:
        walk(child)
        _add(child.tail)
    lines: list[str] = []
    for text, after_br in pieces:
        text = _clean_line(text)
        if not text:
            continue
        if lines and not after_br and not _SENTENCE_END.search(lines[-1]):
            sep = "" if _CJK_EDGE.match(lines[-1][-1] + text[0]) else " "
            lines[-1] += sep + text
        else:
            lines.append(text)
    return "\n".join(lines)


def _clean_line(line: str) -> str:
    if "\n" in line:  # a source line break inside a paragraph is no break (as in _inline_text)
        line = space.SOFT_BREAK_CJK.sub("", line).replace("\n", " ")
    return space.unspace(space.squash(line).strip())


def _is_bold(el: etree._Element) -> bool:
    return _tag(el) in ("b", "strong", "th") or bool(_BOLD_STYLE.search(el.get("style") or ""))


def _bold_chars(el: etree._Element) -> int:
    if _is_bold(el):
        return len(space.dense(el.text_content()))
    return sum(_bold_chars(c) for c in el if _tag(c))


def _all_bold(cell: etree._Element) -> bool:
    """Every character of the cell is set in bold (a header row of a table pasted from Word)."""
    if _BOLD_STYLE.search(cell.get("style") or ""):
        return True
    total = len(space.dense(cell.text_content()))
    return sum(_bold_chars(c) for c in cell if _tag(c)) >= total


COLUMN_NAME_CHARS = 20


def _column_names(texts: list[str]) -> bool:
    """A first row of short labels (序号, 项目名称, 投资总额（亿元）) names the columns: the header
    a pipe table would give it, when the source marks no header row."""
    return len(texts) >= 2 and all(
        t and len(space.dense(t)) <= COLUMN_NAME_CHARS and not re.fullmatch(r"[\d.,%\s]+", t) for t in texts
    )


def table_cells(table: etree._Element) -> list[list[Cell]]:
    """The table's rows of cells in source order, with spans and header flags.

    Header rows: rows of <th> or inside <thead>; without either, the leading rows set wholly
    in bold (when the table has other rows), else a first row of column names. Rows without text are dropped unless a rowspan
    crosses the table (then dropping one would move every cell below it)."""
    trs = _rows_of(table)
    raw = [[(c, cell_text(c)) for c in _cells_of(tr)] for tr in trs]
    in_head = [any(_tag(a) == "thead" for a in tr.iterancestors()) for tr in trs]
    marked = [bool(row) and (in_head[i] or all(_tag(c) == "th" for c, _ in row)) for i, row in enumerate(raw)]
    if not any(marked):
        for i, row in enumerate(raw):
            if i + 1 >= len(raw) or not row or not any(t for _, t in row) or not all(_all_bold(c) for c, _ in row):
                break
            if i and len(row) == 1 and _span(row[0][0], "colspan", MAX_COLSPAN) > 1:
                break  # one cell across the table under the header: a group's label (一、…方面), like the later ones
            marked[i] = True
    if not any(marked) and len(raw) > 1 and _column_names([t for _, t in raw[0]]):
        marked[0] = True
    spanned = any(_span(c, "rowspan", MAX_ROWSPAN) > 1 for row in raw for c, _ in row)
    out = []
    for i, row in enumerate(raw):
        if not spanned and not any(t for _, t in row):
            continue
        out.append([
            Cell(t, rowspan=_span(c, "rowspan", MAX_ROWSPAN), colspan=_span(c, "colspan", MAX_COLSPAN),
                 header=marked[i] or _tag(c) == "th")
            for c, t in row
        ])
    return out


def grid(rows: list[list[Cell]]) -> list[list[str]]:
    """The cell grid as a reader sees it: each cell's text in every slot its spans cover
    (rowspans stop at the last row, as browsers stop them); empty slots are ""."""
    slots: dict[tuple[int, int], str] = {}
    width = 0
    for r, row in enumerate(rows):
        col = 0
        for cell in row:
            while (r, col) in slots:
                col += 1
            for dr in range(min(cell.rowspan, len(rows) - r)):
                for dc in range(cell.colspan):
                    slots[(r + dr, col + dc)] = cell.text
            col += cell.colspan
            width = max(width, col)
    return [[slots.get((r, c), "") for c in range(width)] for r in range(len(rows))]


def header_rows(rows: list[list[Cell]]) -> int:
    """How many leading rows are header rows."""
    n = 0
    while n < len(rows) and rows[n] and all(c.header for c in rows[n]):
        n += 1
    return n


def is_simple(rows: list[list[Cell]]) -> bool:
    """A grid a pipe table can show: no merged cells, and at most the first row a header."""
    if any(c.rowspan > 1 or c.colspan > 1 for row in rows for c in row):
        return False
    if header_rows(rows) > 1:
        return False
    return not any(c.header for row in rows[1:] for c in row)


def _cell_html(cell: Cell) -> str:
    tag = "th" if cell.header else "td"
    attrs = "".join(
        f' {name}="{value}"' for name, value in (("rowspan", cell.rowspan), ("colspan", cell.colspan)) if value > 1
    )
    text = "<br>".join(_escape.escape(line, quote=False) for line in cell.text.split("\n"))
    return f"<{tag}{attrs}>{text}</{tag}>"


def to_html(rows: list[list[Cell]]) -> str:
    """The table as sanitised HTML, one row a line (readable diffs of docs/)."""
    head = header_rows(rows)
    lines = ["<table>"]
    if head:
        lines += ["<thead>", *("<tr>" + "".join(_cell_html(c) for c in row) + "</tr>" for row in rows[:head]), "</thead>"]
    lines += ["<tbody>", *("<tr>" + "".join(_cell_html(c) for c in row) + "</tr>" for row in rows[head:]), "</tbody>"]
    lines.append("</table>")
    return sanitise("\n".join(lines))


def sanitise(fragment: str) -> str:
    """Only table structure, spans and line breaks pass; everything else is dropped or escaped."""
    return nh3.clean(
        fragment, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, clean_content_tags={"script", "style"},
        url_schemes=set(), link_rel=None, strip_comments=True,
    )
