"""Page metadata: the 信息公开 table, <meta> tags and <title>, in order of trust, and
every 文号 and date shape seen on real government pages. Fixtures are small snippets
modelled on gov.cn, jiangxi.gov.cn and city CMS pages."""

from __future__ import annotations

from pathlib import Path

import pytest

from converter.clean import htmltext
from converter.pipeline import convert_source
from converter.text import dates, docnumber, titles
from tests.support import ROOT

BODY = """<div class="text"><p>各有关单位：为做好有关工作，现将有关事项通知如下，请结合实际认真贯彻执行。</p>
<p>一、提高认识。各单位要充分认识做好此项工作的重要意义，切实加强组织领导。</p></div>"""


def info_page(cells: str, head: str = "", title_line: str = "") -> str:
    return f"<html><head>{head}</head><body><div class='top'>{cells}</div><div class='art'>{title_line}{BODY}</div></body></html>"


def meta_of(cells: str, head: str = "") -> dict:
    return htmltext.extract(info_page(cells, head)).meta


GOVCN_TABLE = """<table><tr><td><b>索 引 号：</b></td><td>000014349/2018-00213</td><td><b>主题分类：</b></td><td>综合政务\\其他</td></tr>
<tr><td><b>发文机关：</b></td><td>国务院办公厅、中央军委办公厅</td><td><b>成文日期：</b></td><td>2018年12月04日</td></tr>
<tr><td><b>标　　题：</b></td><td colspan="3">国务院办公厅、中央军委办公厅关于做好有关工作的通知</td></tr>
<tr><td><b>发文字号：</b></td><td>国办发明电[2018]15号</td><td><b>发布日期：</b></td><td>2018年12月06日</td></tr></table>"""

JIANGXI_TABLE = """<table><tr><td><b><span>索  引  号: </span></b>014500815/2020-02781</td>
<td><b> 发文机关: </b> 省政府办公厅</td><td><b>文      号:</b> 赣府厅字（2020）14号</td></tr>
<tr><td><b>主题分类: </b> 劳动、人事、监察</td><td><b>组配分类: </b> 政策文件</td><td><b>成文日期: </b> 2020-02-27 </td></tr></table>"""


def test_info_table_in_label_and_value_cells():
    m = meta_of(GOVCN_TABLE)
    assert m["index_number"] == "000014349/2018-00213"
    assert m["issuers"] == ["国务院办公厅", "中央军委办公厅"]  # joint issuers split on 、
    assert m["doc_number"] == "国办发明电〔2018〕15号"
    assert (m["written_date"], m["publish_date"]) == ("2018-12-04", "2018-12-06")
    assert m["topics"] == ["综合政务", "其他"]
    assert m["title"] == "国务院办公厅、中央军委办公厅关于做好有关工作的通知"


def test_info_table_with_label_and_value_in_one_cell():
    m = meta_of(JIANGXI_TABLE)
    assert m["doc_number"] == "赣府厅字〔2020〕14号"
    assert m["issuers"] == ["省政府办公厅"]
    assert m["written_date"] == "2020-02-27"
    assert m["topics"] == ["劳动、人事、监察"]


def test_info_block_as_a_definition_list():
    cells = """<dl><dd><label><font>索&ensp;引&ensp;号：</font></label><div>014717475N/2023-0040295</div></dd>
    <dd><label><font>发布机构：</font></label><div>宜春市统计局</div></dd>
    <dd><label><font>发文日期：</font></label><div>2023-04-18</div></dd></dl>"""
    m = meta_of(cells)
    assert (m["index_number"], m["issuers"], m["publish_date"]) == ("014717475N/2023-0040295", ["宜春市统计局"], "2023-04-18")


def test_byline_spans_give_the_visible_date_and_skip_counters():
    cells = """<div class="attr"><span>来源：<b></b></span>
    <span>访问量：<b>199</b></span>
    <span>发布日期：<b><publishtime>2017-05-15 10:49:00</publishtime></b></span></div>"""
    m = meta_of(cells, '<meta name="PubDate" content="2022-04-24 10:00:43">')
    assert m["publish_date"] == "2017-05-15"  # the visible date outranks the <meta> tag
    assert "origin" not in m
    assert any("2022-04-24" in w for w in m["page_warnings"])


@pytest.mark.parametrize("value", ["无", "", " "])
def test_an_empty_or_none_doc_number_is_no_doc_number(value):
    cells = f"<table><tr><td>发文机关：</td><td>江西省人民政府</td></tr><tr><td>文号：</td><td>{value}</td></tr></table>"
    assert "doc_number" not in meta_of(cells)


def test_meta_tags_fill_what_the_page_has_no_table_for():
    head = """<meta name="ArticleTitle" content="关于做好有关工作的通知"><meta name="PubDate" content="2020-02-13 22:22">
    <meta name="ContentSource" content="省发展改革委"><meta name="SiteName" content="示范省人民政府">
    <meta name="Url" content="http://www.example.gov.cn/art/1.html">"""
    m = meta_of("<p>导航</p>", head)
    assert (m["title"], m["publish_date"], m["origin"]) == ("关于做好有关工作的通知", "2020-02-13", "省发展改革委")
    assert (m["site_name"], m["url"]) == ("示范省人民政府", "http://www.example.gov.cn/art/1.html")


def test_the_info_table_outranks_meta_tags_and_a_conflict_is_a_warning():
    head = '<meta name="ArticleTitle" content="另一个标题的通知"><meta name="PubDate" content="2019-01-01 08:00">'
    m = meta_of(GOVCN_TABLE, head)
    assert m["title"] == "国务院办公厅、中央军委办公厅关于做好有关工作的通知"
    assert m["publish_date"] == "2018-12-06"
    assert any("另一个标题的通知" in w and "kept" in w for w in m["page_warnings"])
    assert any("2019-01-01" in w and "2018-12-06" in w for w in m["page_warnings"])


@pytest.mark.parametrize(
    ("html_title", "site", "column", "expected"),
    [
        ("江西省人民政府 领导干部任免 江西省人民政府关于袁红林等同志任职的通知", "江西省人民政府", "领导干部任免", "江西省人民政府关于袁红林等同志任职的通知"),
        ("万载县人民政府 | 万载县2015年国民经济和社会发展统计公报", None, None, "万载县2015年国民经济和社会发展统计公报"),
        ("关于做好春季农业生产工作的通知_通知公告_示范市人民政府", None, None, "关于做好春季农业生产工作的通知"),
    ],
)
def test_title_element_loses_site_and_column_names(html_title, site, column, expected):
    assert titles.title_from_html_title(html_title, site, column) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("国办发〔2017〕32号", "国办发〔2017〕32号"),
        ("国办发[2017]32号", "国办发〔2017〕32号"),
        ("国办发(2017)32号", "国办发〔2017〕32号"),
        ("国办发（2017）32号", "国办发〔2017〕32号"),
        ("国办发【2017】32号", "国办发〔2017〕32号"),
        ("国令第707号", "国令第707号"),
        ("省政府令第232号", "省政府令第232号"),
        ("国办发明电〔2018〕15号", "国办发明电〔2018〕15号"),
        ("赣府厅字〔2020〕14号", "赣府厅字〔2020〕14号"),
    ],
)
def test_every_doc_number_shape_from_an_info_table(text, expected):
    cells = f"<table><tr><td>发文字号：</td><td>{text}</td></tr><tr><td>发文机关：</td><td>国务院</td></tr></table>"
    assert meta_of(cells)["doc_number"] == expected
    assert docnumber.parse(text) == expected


@pytest.mark.parametrize("text", ["2019年01月27日", "2019-01-27", "二〇一九年一月二十七日", "2019年1月27日", "2019/1/27"])
def test_every_date_shape(text):
    assert dates.parse(text) == "2019-01-27"
    cells = f"<table><tr><td>成文日期：</td><td>{text}</td></tr><tr><td>发文机关：</td><td>国务院</td></tr></table>"
    assert meta_of(cells)["written_date"] == "2019-01-27"


def test_a_bracketed_date_line_is_a_date_line():
    assert dates.is_date_line("（2023年4月12日）")
    assert not dates.is_date_line("（2023年4月12日起施行）")


def _convert(tmp_path: Path, source: str) -> list:
    f = tmp_path / "page.html"
    f.write_text(source, encoding="utf-8")
    docs, problems = convert_source(f, ROOT)
    assert not problems, problems
    return docs


def test_short_issuer_is_expanded_when_the_page_tells_the_province(tmp_path):
    title = "<p class='title'>江西省人民政府办公厅关于做好有关工作的通知</p>"
    (doc,) = _convert(tmp_path, info_page(JIANGXI_TABLE, title_line=title))
    assert doc.issuers == ["江西省人民政府办公厅"]
    assert (doc.region, doc.level) == ("江西省", "provincial")


def test_joint_issuers_reach_the_document(tmp_path):
    (doc,) = _convert(tmp_path, info_page(GOVCN_TABLE))
    assert doc.issuers == ["国务院办公厅", "中央军委办公厅"]
    assert doc.title == "国务院办公厅、中央军委办公厅关于做好有关工作的通知"
    assert doc.index_number == "000014349/2018-00213"


def test_page_and_header_doc_numbers_that_disagree_give_a_warning(tmp_path):
    body_number = "<p class='title'>国务院办公厅、中央军委办公厅关于做好有关工作的通知</p><p>国办发〔2018〕16号</p>"
    (doc,) = _convert(tmp_path, info_page(GOVCN_TABLE, title_line=body_number))
    assert doc.doc_number == "国办发明电〔2018〕15号"
    assert any("国办发〔2018〕16号" in w and "国办发明电〔2018〕15号" in w for w in doc.warnings)


def test_an_interpretation_page_cites_the_document_it_interprets(tmp_path):
    docs, problems = convert_source(Path(__file__).parents[1] / "fixtures" / "html" / "interpretation.html", ROOT)
    (doc,) = docs
    assert doc.doc_type == "解读"
    assert doc.doc_number is None
    assert {"title": "关于2019年部分节假日安排的通知", "doc_number": "国办发明电〔2018〕15号"} in [c.as_dict() for c in doc.cites]
    assert doc.publish_date == "2019-01-03"


def test_non_policy_pages_are_typed(tmp_path):
    from converter.text import doctypes

    assert doctypes.classify("江西省人民政府关于袁红林等同志任职的通知") == "任免"
    assert doctypes.classify("万载县2015年国民经济和社会发展统计公报") == "统计公报"


def test_a_lone_label_word_outside_an_info_block_is_not_a_field():
    m = meta_of("<form><div>标题</div><div>全文检索</div></form>")
    assert "title" not in m


def test_info_table_with_label_cells_without_colons():
    (doc,) = convert_source(Path(__file__).parents[1] / "fixtures" / "html" / "label_cells.html", ROOT)[0]
    assert (doc.doc_number, doc.index_number) == ("示政发〔2023〕30号", "113300000000000000/2023-43887")
    assert (doc.written_date, doc.publish_date) == ("2023-10-16", "2023-10-23")
    assert doc.issuers == ["市政府"]  # no known place in the page: the short form stays


def test_city_short_issuer_is_expanded_with_the_city_from_the_title(tmp_path):
    cells = ("<table><tr><td>发布机构</td><td>市政府</td></tr><tr><td>文号</td><td>丽政发〔2023〕30号</td></tr>"
             "<tr><td>成文日期</td><td>2023-10-16</td></tr></table>")
    title = "<div class='xl_title'>丽水市人民政府关于做好有关工作的通知</div>"
    (doc,) = _convert(tmp_path, info_page(cells, title_line=title))
    assert doc.issuers == ["丽水市人民政府"]
    assert (doc.doc_number, doc.level) == ("丽政发〔2023〕30号", "municipal")


def test_a_decree_header_gives_the_doc_number_and_issuer_without_an_info_table(tmp_path):
    page = """<html><body><div class="c"><p>中华人民共和国国务院令</p><p>第706号</p>
    <p>《专利代理条例》已经国务院常务会议修订通过，现将修订后的《专利代理条例》公布，自2019年3月1日起施行。</p>
    <p>总理 李克强</p><p>2018年11月6日</p><p>专利代理条例</p><p>第一章 总 则</p>
    <p>第一条 为了规范专利代理行为，保障委托人的合法权益，制定本条例。</p></div></body></html>"""
    (doc,) = _convert(tmp_path, page)
    assert (doc.title, doc.doc_number, doc.issuers) == ("专利代理条例", "国令第706号", ["国务院"])
    assert doc.written_date == "2018-11-06" and doc.doc_type == "条例"


def test_the_page_column_types_an_interpretation_whose_title_does_not_say_so(tmp_path):
    page = (Path(__file__).parents[1] / "fixtures" / "html" / "interpretation.html").read_text(encoding="utf-8")
    page = page.replace("解读《关于调整2019年部分节假日安排的通知》", "一图读懂2019年部分节假日安排的通知")
    (doc,) = _convert(tmp_path, page)
    assert doc.title == "一图读懂2019年部分节假日安排的通知"
    assert doc.doc_type == "解读" and doc.doc_number is None


def test_a_catalogue_box_with_keyword_language_and_format_cells_is_read_and_kept_out_of_the_text():
    # A 政府信息公开目录 entry printed in full, inside the text container: besides 索引号/发布机构/
    # 文号 it has 信息分类, 关键词, 语种, 信息格式, 内容概述 and 相关信息, mostly empty.
    cells = (
        "<tr><td><b>索 引 号</b></td><td>&nbsp;Sfj-01-02-003</td><td><b>信息分类</b></td><td>&nbsp;</td></tr>"
        "<tr><td colspan='4'></td></tr>"
        "<tr><td><b>发布机构</b></td><td>&nbsp;示范市司法局</td><td><b>公开日期</b></td><td>&nbsp;2021-04-01</td></tr>"
        "<tr><td><b>名称</b></td><td colspan='3'>&nbsp;示范市司法局关于做好有关工作的通知</td></tr>"
        "<tr><td><b>文号</b></td><td>&nbsp;</td><td><b>关键词</b></td><td>&nbsp;</td></tr>"
        "<tr><td><b>语种</b></td><td>&nbsp;中文</td><td><b>信息格式</b></td><td>&nbsp;html</td></tr>"
        "<tr><td><b>内容概述</b></td><td colspan='3'></td></tr>"
        "<tr><td><b>相关信息</b></td><td colspan='3'></td></tr>"
    )
    text_paras = "".join(f"<p>{p}</p>" for p in ("各有关单位：为做好有关工作，现将有关事项通知如下，请结合实际认真贯彻执行。", "一、提高认识。各单位要充分认识做好此项工作的重要意义，切实加强组织领导。", "二、抓好落实。各单位要明确责任分工，按时报送工作进展情况，确保各项任务落到实处。"))
    page = htmltext.extract(f"<html><body><div class='art'><table>{cells}</table>{text_paras}</div></body></html>")
    assert page.meta.get("index_number") == "Sfj-01-02-003"
    assert page.meta.get("issuers") == ["示范市司法局"]
    text = "\n".join(p.text for p in page.paras)
    assert "各单位要充分认识做好此项工作的重要意义" in text
    assert "Sfj-01-02-003" not in text and "信息格式" not in text
