"""Tables as the source laid them out: cells with spans and header flags, the expanded grid,
pipe tables for simple grids and sanitised HTML for merged cells."""

from __future__ import annotations

import re

import lxml.html
import pytest

from converter.clean import htmltable, htmltext
from converter.model import Cell, Para
from converter.pipeline import convert_source
from converter.render import page as render
from tests.support import CORPUS, ROOT

HOSPITALS = CORPUS / "raw" / "govcn_content_5362266.html"
needs_hospitals = pytest.mark.skipif(not HOSPITALS.exists(), reason="reference corpus ../shared/corpus not present")


def _table(markup: str):
    return lxml.html.fragment_fromstring(markup)


def _dense(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _raw_grid(table) -> list[list[str]]:
    """A table element's grid straight from its markup: text and the span attributes as written."""
    rows = []
    for tr in table.iter("tr"):
        rows.append([
            Cell(_dense(c.text_content()), rowspan=int(c.get("rowspan", "1") or 1), colspan=int(c.get("colspan", "1") or 1))
            for c in tr if c.tag in ("td", "th")
        ])
    rows = [r for r in rows if any(c.text for c in r) or any(c.rowspan > 1 for row in rows for c in row)]
    return htmltable.grid(rows)


# (markup, expanded grid): the HTML table model, as browsers lay cells out.
GRIDS = [
    ("<table><tr><td>a</td><td>b</td></tr><tr><td>c</td><td>d</td></tr></table>", [["a", "b"], ["c", "d"]]),
    ("<table><tr><td rowspan=2>a</td><td>b</td></tr><tr><td>c</td></tr></table>", [["a", "b"], ["a", "c"]]),
    ("<table><tr><td colspan=2>a</td></tr><tr><td>b</td><td>c</td></tr></table>", [["a", "a"], ["b", "c"]]),
    ("<table><tr><td>a</td><td rowspan=2>b</td><td>c</td></tr><tr><td>d</td><td>e</td></tr></table>",
     [["a", "b", "c"], ["d", "b", "e"]]),
    # A rowspan past the last row stops there; a short row leaves empty slots.
    ("<table><tr><td rowspan=5>a</td><td>b</td></tr><tr><td>c</td></tr></table>", [["a", "b"], ["a", "c"]]),
    ("<table><tr><td>a</td><td>b</td><td>c</td></tr><tr><td>d</td></tr></table>", [["a", "b", "c"], ["d", "", ""]]),
]


@pytest.mark.parametrize("markup,expected", GRIDS)
def test_the_grid_expands_rowspan_and_colspan_like_the_html_table_model(markup, expected):
    assert htmltable.grid(htmltable.table_cells(_table(markup))) == expected


def test_header_rows_are_th_thead_a_leading_bold_row_or_a_first_row_of_column_names():
    th = htmltable.table_cells(_table("<table><tr><th>甲</th><th>乙</th></tr><tr><td>1</td><td>2</td></tr></table>"))
    head = htmltable.table_cells(_table("<table><thead><tr><td>甲</td><td>乙</td></tr></thead><tr><td>1</td><td>2</td></tr></table>"))
    bold = htmltable.table_cells(_table(
        "<table><tr><td><p><b><span>甲</span></b></p></td><td><strong>乙</strong></td></tr><tr><td>1</td><td>2</td></tr></table>"
    ))
    names = htmltable.table_cells(_table("<table><tr><td>序号</td><td>投资总额（亿元）</td></tr><tr><td>1</td><td>2</td></tr></table>"))
    for cells in (th, head, bold, names):
        assert htmltable.header_rows(cells) == 1
        assert not any(c.header for c in cells[1])
    # A first row of data (a number, a sentence) is no header when the source marks none.
    for first in ("<td>1</td><td>示范县</td>", "<td>甲</td><td>本表所列项目均须在年底前完成建设并通过验收。</td>"):
        plain = htmltable.table_cells(_table(f"<table><tr>{first}</tr><tr><td>2</td><td>乙</td></tr></table>"))
        assert htmltable.header_rows(plain) == 0


def test_a_cell_keeps_its_paragraphs_and_line_breaks_but_joins_a_wrapped_phrase():
    (row,) = htmltable.table_cells(_table(
        "<table><tr><td><p>计算方法：甲。</p><p>指标来源：乙。</p></td><td>北京市<br>天津市</td>"
        "<td><p>安置</p><p>任务</p></td></tr><tr><td>1</td><td>2</td><td>3</td></tr></table>"
    ))[:1]
    assert [c.text for c in row] == ["计算方法：甲。\n指标来源：乙。", "北京市\n天津市", "安置任务"]


def test_a_simple_grid_stays_a_pipe_table():
    cells = htmltable.table_cells(_table("<table><tr><th>甲</th><th>乙</th></tr><tr><td>1</td><td>2</td></tr></table>"))
    out = render.table_md([[c.text for c in r] for r in cells], cells)
    assert out[0] == "| 甲 | 乙 |" and out[1] == "| --- | --- |"


def test_a_table_with_merged_cells_is_html_that_keeps_its_spans_and_header():
    cells = htmltable.table_cells(_table(
        "<table><tr><th>级</th><th>项</th></tr><tr><td rowspan=2>一</td><td>a</td></tr><tr><td>b</td></tr></table>"
    ))
    out = "\n".join(render.table_md([[c.text for c in r] for r in cells], cells))
    assert out.startswith('<div class="policy-table">') and out.endswith("</div>")
    assert '<thead>\n<tr><th>级</th><th>项</th></tr>\n</thead>' in out
    assert '<td rowspan="2">一</td>' in out


def test_nothing_but_table_structure_reaches_the_html_and_cell_text_is_escaped():
    cells = htmltable.table_cells(_table(
        '<table><tr><td rowspan=2 onclick="x()" style="color:red" class="c">&lt;script&gt;alert(1)&lt;/script&gt;</td>'
        '<td><a href="javascript:x()">链接</a><img src="x.png" onerror="y()"></td></tr><tr><td>b</td></tr></table>'
    ))
    out = htmltable.to_html(cells)
    assert "<script" not in out and "onclick" not in out and "style" not in out and "<a" not in out and "<img" not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out and "链接" in out
    # The sanitiser itself drops what is not on the allowlist, whatever the input.
    assert htmltable.sanitise('<table><tr><td colspan="2" onmouseover="z()"><script>z()</script><em>e</em></td></tr></table>') == (
        '<table><tbody><tr><td colspan="2">e</td></tr></tbody></table>'
    )


def test_traditional_to_simplified_keeps_the_spans():
    p = Para("表", kind="table", rows=[["機關"]], cells=[[Cell("機關", rowspan=2, header=True)]])
    p.map_cells(lambda s: s.replace("機關", "机关"))
    assert p.rows == [["机关"]] and p.cells == [[Cell("机关", rowspan=2, header=True)]]


def _hospital_table():
    docs, _ = convert_source(HOSPITALS, ROOT)
    (block,) = [b for b in docs[0].blocks if b.kind == "table" and "一级指标" in b.text]
    return block


def _source_table():
    root = htmltext.parse(HOSPITALS.read_text(encoding="utf-8"))
    return next(t for t in root.iter("table") if "一级指标" in t.text_content() and t.find(".//table") is None)


@needs_hospitals
def test_the_rendered_hospital_indicator_table_has_the_source_grid():
    """govcn_content_5362266: rowspans 24/19/10/7 over 55 indicators. The Markdown's HTML
    table, parsed and expanded like a browser does, has the source's grid cell for cell."""
    md = "\n".join(render.block_md(_hospital_table()))
    rendered = lxml.html.fragment_fromstring(md).find(".//table")
    got = _raw_grid(rendered)
    want = _raw_grid(_source_table())
    assert len(want) == 56 and got == want


@needs_hospitals
def test_every_hospital_indicator_has_its_nature_in_the_nature_column():
    grid = _raw_grid(lxml.html.fragment_fromstring("\n".join(render.block_md(_hospital_table()))).find(".//table"))
    assert grid[0][3] == "指标性质"
    assert sum(1 for row in grid[1:] if row[3] in ("定量", "定性")) == 55
    assert [c.header for c in _hospital_table().cells[0]] == [True] * 5


def _site_markdown(md: str) -> str:
    """Markdown rendered with the extensions mkdocs.yml gives the site."""
    import markdown
    import yaml

    class _Loader(yaml.SafeLoader):
        pass

    _Loader.add_multi_constructor("", lambda loader, suffix, node: None)  # MkDocs' !!python tags
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_Loader)
    names = [next(iter(e)) if isinstance(e, dict) else e for e in config["markdown_extensions"]]
    return markdown.markdown(md, extensions=names)


@needs_hospitals
def test_the_site_markdown_passes_the_html_table_through_whole():
    """md_in_html and raw HTML blocks: the table arrives as a table, not as escaped text or a
    paragraph, and the paragraphs around it stay paragraphs."""
    md = "\n".join(["段落一。", "", *render.block_md(_hospital_table()), "段落二。"])
    out = _site_markdown(md)
    root = lxml.html.fragment_fromstring(out, create_parent="div")
    (table,) = root.findall(".//table")
    assert table.getparent().get("class") == "policy-table"
    assert [p.text for p in root.findall("p")] == ["段落一。", "段落二。"]
    assert _raw_grid(table) == _raw_grid(_source_table())


def test_a_table_caption_is_kept_as_the_line_above_the_table():
    page = htmltext.extract(
        "<html><body><div><p>现将有关事项通知如下，请各地认真贯彻落实，确保各项工作按期完成。</p>"
        "<table><caption>表1 各地任务分解表</caption><tr><th>地区</th><th>任务</th></tr>"
        "<tr><td>甲县</td><td>30</td></tr></table><p>各地要加强组织领导，明确责任分工，确保任务落实到位。</p></div></body></html>"
    )
    kinds = [(p.kind, p.text) for p in page.paras]
    i = kinds.index(("text", "表1 各地任务分解表"))
    assert kinds[i + 1][0] == "table"


def test_a_bold_group_label_row_under_the_header_is_not_a_header_row():
    """govcn_content_5355837: every 一、…方面（共5项） row spans the table in bold; the first,
    right under the bold column names, was made a header row while the others were not."""
    cells = htmltable.table_cells(_table(
        "<table><tr><td><b>序号</b></td><td><b>改革举措</b></td></tr>"
        "<tr><td colspan=2><b>一、知识产权保护方面（共5项）</b></td></tr><tr><td>1</td><td>甲</td></tr>"
        "<tr><td colspan=2><b>二、科技成果转化激励方面（共4项）</b></td></tr><tr><td>2</td><td>乙</td></tr></table>"
    ))
    assert htmltable.header_rows(cells) == 1
    assert not any(c.header for row in cells[1:] for c in row)


@pytest.mark.skipif(not (CORPUS / "raw").exists(), reason="reference corpus ../shared/corpus not present")
def test_every_table_rendered_from_the_corpus_has_its_source_grid():
    checked = 0
    for path in sorted((CORPUS / "raw").glob("*.html")):
        sources = [_raw_grid(t) for t in htmltext.parse(path.read_text(encoding="utf-8")).iter("table")
                   if htmltable.is_data_table(t)]
        for doc in convert_source(path, ROOT)[0]:
            for b in (b for b in doc.blocks if b.kind == "table"):
                md = "\n".join(render.block_md(b))
                if md.startswith("<div"):
                    got = _raw_grid(lxml.html.fragment_fromstring(md).find(".//table"))
                else:  # a pipe table: its rows are the grid
                    got = [[_dense(c) for c in row] for row in b.rows]
                assert got in sources, f"{path.name}: {got[0]}"
                checked += 1
    assert checked >= 14
