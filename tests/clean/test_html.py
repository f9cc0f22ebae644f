"""Main-text extraction from whole HTML pages: the body is found by text density, page
furniture around it is dropped and recorded, tables and attachments survive.

Fixtures in tests/fixtures/html/ are written for these tests, modelled on real government
pages (a city CMS page with sidebars, a gov.cn-style regulation fragment, a 解读 page)."""

from __future__ import annotations

from pathlib import Path

import pytest

from converter.clean import htmltext
from converter.pipeline import convert_source
from tests.support import ROOT, body_text

FIXTURES = Path(__file__).parents[1] / "fixtures" / "html"


def page(name: str) -> htmltext.HtmlPage:
    return htmltext.extract((FIXTURES / name).read_text(encoding="utf-8"))


def texts(p: htmltext.HtmlPage) -> str:
    return "\n".join(x.text for x in p.paras)


def test_density_extraction_keeps_the_body_and_drops_nav_related_links_qr_and_footer():
    p = page("city_notice.html")
    text = texts(p)
    assert "确保全年粮食播种面积稳定在上年水平" in text
    assert "（二）强化市场监管。" in text
    for furniture in ("办事服务", "当前位置", "相关链接", "高标准农田建设", "热点新闻", "扫一扫", "打印本页",
                      "网站标识码", "主办单位", "分享到", "无障碍", "不应出现的脚本文字", "澳门赌场"):
        assert furniture not in text, furniture


def test_what_was_dropped_is_recorded_with_its_reason():
    p = page("city_notice.html")
    reasons = {(step, reason) for step, reason, _ in p.removed}
    assert ("furniture", "outside the main text") in reasons
    assert ("hidden", "hidden element") in reasons
    dropped = "\n".join(t for _, _, t in p.removed)
    assert "高标准农田建设" in dropped and "网站标识码" in dropped


def test_the_page_title_shown_above_the_body_becomes_the_first_paragraph():
    p = page("city_notice.html")
    assert p.paras[0].text == "示范市人民政府办公室关于做好2021年春季农业生产工作的通知"


def test_text_inside_a_paragraph_is_not_split_at_source_newlines():
    p = page("city_notice.html")
    assert "为抓好今年春季农业生产，确保粮食和重要农产品稳产保供，经市政府同意，现就有关事项通知如下。" in [x.text for x in p.paras]


def test_a_data_table_in_the_body_is_kept_as_a_table():
    (table,) = [x for x in page("city_notice.html").paras if x.kind == "table"]
    assert table.rows[0] == ["县（市、区）", "播种面积（万亩）", "责任单位"]
    assert table.rows[2] == ["西城县", "30.2", "西城县农业农村局"]


def test_attachment_links_are_kept_with_absolute_urls():
    atts = [(x.text, x.href) for x in page("city_notice.html").paras if x.kind == "attachment"]
    assert atts == [
        ("春播技术指导意见.pdf", "http://www.example.gov.cn/attach/2021/chunbo.pdf"),
        ("春播任务统计表.docx", "http://www.example.gov.cn/art/2021/3/2/files/biao.docx"),
    ]


def test_a_link_list_inside_the_body_container_is_dropped():
    doc = """<html><body><div class="c">
    <p>为进一步做好春季农业生产工作，现将有关事项通知如下，请认真贯彻执行。</p>
    <p>各地要高度重视，加强组织领导，确保各项措施落到实处，取得实效。</p>
    <ul><li><a href="/1">相关新闻一则关于春耕生产的报道</a></li><li><a href="/2">相关新闻二则关于农资供应的报道</a></li>
    <li><a href="/3">相关新闻三则关于田间管理的报道</a></li></ul></div></body></html>"""
    p = htmltext.extract(doc)
    assert "相关新闻" not in texts(p)
    assert any(step == "furniture" and "相关新闻一则" in t for step, _, t in p.removed)


def test_the_extractor_does_not_depend_on_known_container_ids():
    source = (FIXTURES / "city_notice.html").read_text(encoding="utf-8")
    renamed = source.replace('class="content"', 'id="zoom" class="content"')
    assert [x.text for x in htmltext.extract(renamed).paras] == [x.text for x in htmltext.extract(source).paras]
    assert "UCAP-CONTENT" not in Path(htmltext.__file__).read_text(encoding="utf-8")


def test_a_page_with_no_recognisable_body_is_reported_not_converted():
    with pytest.raises(htmltext.NoBody):
        page("no_body.html")
    docs, problems = convert_source(FIXTURES / "no_body.html", ROOT)
    assert docs == []
    assert "no recognisable main text" in problems[0].reason


def test_tag_soup_text_lines_still_become_paragraphs():
    soup = "<legend></legend><samp></samp>\n第一行政策文字内容，说明有关事项。\n<track></track>\n第二行政策文字内容，提出工作要求。\n"
    assert [x.text for x in htmltext.extract(soup).paras] == ["第一行政策文字内容，说明有关事项。", "第二行政策文字内容，提出工作要求。"]


def test_regulation_page_has_chapters_and_articles():
    (doc,) = convert_source(FIXTURES / "regulation.html", ROOT)[0]
    headings = [(b.label, b.text) for b in doc.blocks if b.kind == "heading"]
    assert headings == [("第一章", "总则"), ("第二章", "征收管理")]
    articles = [(b.label, b.anchor) for b in doc.blocks if b.kind == "item"]
    assert articles[:2] == [("第一条", "第一条"), ("第二条", "第二条")] and len(articles) == 5
    # The title broken over two centred lines is one title, ahead of the 令 preamble.
    assert doc.title == "示范税收征收管理条例"
    assert "中华人民共和国国务院令" in body_text(doc)
    assert "扫一扫" not in body_text(doc) and "打印本页" not in body_text(doc)


def test_without_page_metadata_the_heading_above_the_body_is_the_title():
    doc = """<html><body><div class="logo"><h1>示范市人民政府</h1></div>
    <div class="nav"><a href="/">首页</a><a href="/a">政务公开</a><a href="/b">办事服务</a></div>
    <div class="art"><h2>关于开展春季安全生产大检查的通知</h2><div class="share"><a href="#">微信</a><a href="#">微博</a></div>
    <div class="txt"><p>各有关单位：为切实做好春季安全生产工作，决定在全市开展安全生产大检查。</p>
    <p>请各单位于3月底前完成自查，并将自查情况报市应急管理局。</p></div></div></body></html>"""
    p = htmltext.extract(doc)
    assert p.meta["title"] == "关于开展春季安全生产大检查的通知"
    assert p.paras[0].text == "关于开展春季安全生产大检查的通知"
    assert "首页" not in texts(p) and "微信" not in texts(p)


def test_a_short_body_with_many_short_lines_is_taken_whole():
    # One real paragraph plus 落款, 附件 lines and a table: the container, not the paragraph.
    (doc,) = convert_source(FIXTURES / "label_cells.html", ROOT)[0]
    kinds = [b.kind for b in doc.blocks]
    assert kinds[0] == "addressee" and "signature" in kinds and "table" in kinds and "attachment" in kinds
    text = body_text(doc)
    assert "打印" not in text and "网站标识码" not in text and "当前位置" not in text
    (table,) = [b for b in doc.blocks if b.kind == "table"]
    assert table.rows[0] == ["序号", "安置单位名称", "安置任务"] and table.rows[-1] == ["合计", "2"]
    (att,) = [b for b in doc.blocks if b.kind == "attachment"]
    assert att.href == "http://www.example.gov.cn/module/download/downfile.jsp?classid=0&filename=be5f1a4b.pdf"


def test_without_page_metadata_a_title_broken_over_lines_is_joined():
    doc = """<div class="wrap"><div class="c">
    <p style="text-align:center">国务院关于棉粮、糖粮挂钩奖售粮</p><p style="text-align:center">几 个 问 题 的 通 知</p>
    <p>国发〔1981〕88号</p><p>各省、市、自治区人民政府：</p>
    <p>为了促进棉、糖生产发展，现将几个具体问题通知如下，请遵照执行。</p></div>
    <div class="qr">扫一扫在手机打开当前页</div></div>"""
    p = htmltext.extract(doc)
    assert [x.text for x in p.paras[:2]] == ["国务院关于棉粮、糖粮挂钩奖售粮几个问题的通知", "国发〔1981〕88号"]


def test_without_page_metadata_a_regulation_title_moves_ahead_of_its_promulgation_order():
    doc = """<div class="c"><p>中华人民共和国国务院令</p><p>第706号</p>
    <p>《专利代理条例》已经国务院常务会议修订通过，现将修订后的《专利代理条例》公布，自2019年3月1日起施行。</p>
    <p>总理 李克强</p><p>2018年11月6日</p><p>专利代理条例</p><p>第一章 总 则</p>
    <p>第一条 为了规范专利代理行为，保障委托人的合法权益，制定本条例。</p></div>"""
    texts_ = [x.text for x in htmltext.extract(doc).paras]
    assert texts_[:3] == ["专利代理条例", "中华人民共和国国务院令", "第706号"]
    assert "第一章 总则" in texts_  # letter-spaced words are one word


def test_a_teaser_box_of_headline_links_with_summaries_is_left_out():
    p = page("news_teasers.html")
    text = texts(p)
    assert "确保春耕生产顺利推进" in text
    for teaser in ("相关新闻", "抢抓农时", "农资打假专项行动"):
        assert teaser not in text, teaser
    assert any(reason == "teaser list beside the main text" for _, reason, _ in p.removed)


def test_a_table_and_signature_beside_the_text_block_stay_with_it():
    doc = """<html><body><div class="nav"><a href="/">首页</a><a href="/a">政务公开</a></div>
    <div class="article"><div class="text">
      <p>各有关单位：为做好2021年度项目申报工作，现将申报指南和有关要求通知如下，请认真组织申报。</p>
      <p>申报单位应当具备独立法人资格，项目实施期限一般为两年，申报材料须真实完整。</p></div>
    <table><tr><td>项目类别</td><td>支持额度</td></tr><tr><td>重点项目</td><td>50万元</td></tr></table>
    <p>示范市科学技术局</p><p>2021年3月1日</p></div>
    <div class="foot"><a href="/map">网站地图</a> <a href="/about">关于我们</a></div></body></html>"""
    p = htmltext.extract(doc)
    kinds = [x.kind for x in p.paras]
    assert "table" in kinds
    assert [x.text for x in p.paras[-2:]] == ["示范市科学技术局", "2021年3月1日"]
    assert "网站地图" not in texts(p)


def test_spam_injected_inside_a_short_article_does_not_move_the_body():
    spam = "国产91精品免费久久看|亚洲精品自慰出水AV|老司机在线精品视频播放|吃瓜黑料网51|婷婷久久精品一区"
    page = f"""<html><body><div class="nav"><a href="/">首页</a> <a href="/a">政务公开</a></div>
    <div class="article"><h1>某市人民政府办公室关于做好春季防火工作的通知</h1>
    <p>{spam}</p><p>各县（市、区）人民政府，市政府各部门：</p>
    <p>为切实做好春季森林防火工作，保护人民群众生命财产安全，现就有关事项通知如下。</p>
    <p>{spam}</p><p>一、提高认识，加强领导。各地要充分认识防火工作的重要性。</p>
    <p>二、强化巡查，消除隐患。各地要组织力量开展拉网式排查。</p>
    <p>某市人民政府办公室</p><p>2023年3月1日</p></div>
    <div class="footer">版权所有 某市人民政府</div></body></html>"""
    texts = [p.text for p in htmltext.extract(page).paras]
    assert "二、强化巡查，消除隐患。各地要组织力量开展拉网式排查。" in texts
    assert texts[-1] == "2023年3月1日"


# A header include that closes its own </html> before the article: libxml2 stops at that tag, so
# the page looked empty (or "image only" from the header's icons) though a browser shows the body.
EARLY_END_PAGE = (
    "<html><head><meta charset='utf-8'><title>示范市人民政府关于加强某项工作的决定_公报</title></head>"
    "<body><div class='top'><a href='/'>首页</a> <img src='/images/search.png' alt=''></div></html>"
    "<div class='content'><p align='center'><strong>示范市人民政府关于加强某项工作的决定</strong><br>"
    "（2021年3月1日示范市人民政府第五次常务会议通过）</p>"
    "<p>　　为做好某项工作，市人民政府决定：自2021年4月1日起，各区县应当按月报送工作进展情况。</p>"
    "<p>　　本决定自发布之日起施行。</p></div></body></html>\n"
)


def test_a_stray_html_end_tag_before_the_body_does_not_cut_the_page():
    p = htmltext.extract(EARLY_END_PAGE)
    text = texts(p)
    assert "各区县应当按月报送工作进展情况" in text
    assert "本决定自发布之日起施行" in text
