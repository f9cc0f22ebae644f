"""Citation extraction: 《title》(文号) in any bracket, bare 文号, nested and broken titles,
and the self-references that are not citations."""

from __future__ import annotations

import pytest

from converter.extract.citations import (
    extract,
    normalise_title,
    spans,
    title_key,
    title_keys,
)


def _pairs(text, **kw):
    return [(c.title, c.doc_number) for c in extract(text, **kw)]


@pytest.mark.parametrize("written", ["（国办发〔2017〕32号）", "(国办发[2017]32号)", "【国办发【2017】32号】", "(国办发(2017)32号)", " （国办发〔2017〕第32号）"])
def test_title_takes_the_doc_number_that_follows_it_in_any_bracket(written):
    text = f"为贯彻落实《国务院办公厅关于推进医疗联合体建设和发展的指导意见》{written}精神，"
    assert _pairs(text) == [("国务院办公厅关于推进医疗联合体建设和发展的指导意见", "国办发〔2017〕32号")]


def test_bare_doc_number_is_a_citation():
    # sample 003: 国务院办公厅关于推动公立医院高质量发展的意见(国办发〔2021〕18号)
    assert [c.doc_number for c in extract("按照国办发〔2017〕32号文件要求，结合实际")] == ["国办发〔2017〕32号"]


def test_back_to_back_doc_numbers_are_two_citations():
    text = "根据齐政办规〔2017〕10号和齐卫发〔2018〕5号文件精神"
    assert [c.doc_number for c in extract(text)] == ["齐政办规〔2017〕10号", "齐卫发〔2018〕5号"]


def test_nested_title_is_the_outer_title_and_resolvable_by_the_inner_one():
    # sample 001
    text = "《中共中央办公厅国务院办公厅转发〈国务院深化医药卫生体制改革领导小组关于进一步推广深化医药卫生体制改革经验的若干意见〉的通知》(厅字〔2016〕36号)"
    (c,) = extract(text)
    assert c.title.startswith("中共中央办公厅") and c.title.endswith("的通知") and c.doc_number == "厅字〔2016〕36号"
    assert title_keys(c.title)[1] == "国务院深化医药卫生体制改革领导小组关于进一步推广深化医药卫生体制改革经验的若干意见"


def test_nested_title_written_with_double_guillemets_is_normalised():
    (c,) = extract("转发《省卫生计生委关于转发《国务院办公厅关于推进医疗联合体建设和发展的指导意见》的通知》")
    assert c.title == "省卫生计生委关于转发〈国务院办公厅关于推进医疗联合体建设和发展的指导意见〉的通知"


def test_title_broken_by_a_line_end_is_joined():
    (c,) = extract("结合《国务院办公厅关于城市公立医院\n综合改革试点的指导意见》的部署")
    assert c.title == "国务院办公厅关于城市公立医院综合改革试点的指导意见"


def test_unclosed_guillemet_does_not_swallow_the_text():
    text = "按照《国务院办公厅关于城市公立医院。其余内容\n\n第二段《关于全面推开公立医院综合改革工作的通知》"
    assert _pairs(text) == [("关于全面推开公立医院综合改革工作的通知", None)]


@pytest.mark.parametrize("text", ["各地要按照本《意见》要求", "认真落实《实施方案》", "请按照该《办法》执行"])
def test_references_back_to_a_document_are_not_citations(text):
    assert extract(text) == []


def test_own_number_and_title_are_not_citations():
    text = "现将《哈尔滨市城市公立医院综合改革实施方案》印发给你们。哈政办规〔2017〕28号"
    title = "哈尔滨市人民政府办公厅关于印发哈尔滨市城市公立医院综合改革实施方案的通知"
    assert extract(text, own_number="哈政办规〔2017〕28号", own_title=title) == []


def test_own_attachment_is_not_a_citation():
    text = "现将《齐齐哈尔市推进医疗联合体建设实施方案》印发给你们。"
    assert extract(text, own_title="通知", attachments=["齐齐哈尔市推进医疗联合体建设实施方案"]) == []


def test_sample_001_does_not_cite_its_own_attachment(sample_docs):
    titles = [c.title for c in sample_docs["001"][0].cites]
    assert "哈尔滨市城市公立医院综合改革实施方案" not in titles
    assert len(titles) == 4


def test_same_document_named_twice_is_one_citation():
    text = "《关于全面推开公立医院综合改革工作的通知》要求……按照《关于全面推开公立医院综合改革工作的通知》（黑卫体改发〔2017〕46号），以及黑卫体改发〔2017〕46号"
    assert _pairs(text) == [("关于全面推开公立医院综合改革工作的通知", "黑卫体改发〔2017〕46号")]


def test_title_keys_ignore_brackets_punctuation_and_wrappers():
    assert title_key("“健康中国2030” 规划纲要") == title_key("《健康中国2030》规划纲要") == "健康中国2030规划纲要"
    assert title_keys("黑龙江省人民政府办公厅关于印发黑龙江省深化医改实施方案的通知")[1] == "黑龙江省深化医改实施方案"
    assert normalise_title("国务院 关于\n印发《X方案》的通知") == "国务院关于印发〈X方案〉的通知"


def test_spans_locate_each_citation_in_the_text():
    text = "按照《关于全面推开公立医院综合改革工作的通知》（黑卫体改发〔2017〕46号）和国办发〔2017〕32号"
    found = [(text[s.start : s.end], s.doc_number) for s in spans(text)]
    assert found == [("《关于全面推开公立医院综合改革工作的通知》", "黑卫体改发〔2017〕46号"), ("国办发〔2017〕32号", "国办发〔2017〕32号")]


def test_title_without_guillemets_before_its_bracketed_doc_number():
    # sample 003 writes its citations this way
    text = "为贯彻落实国务院办公厅关于推动公立医院高质量发展的意见(国办发〔2021〕18号)和广东省人民政府办公厅关于推动公立医院高质量发展的实施意见(粤府办〔2022〕4号)精神"
    assert _pairs(text) == [
        ("国务院办公厅关于推动公立医院高质量发展的意见", "国办发〔2021〕18号"),
        ("广东省人民政府办公厅关于推动公立医院高质量发展的实施意见", "粤府办〔2022〕4号"),
    ]


def test_prose_before_a_bracketed_doc_number_is_not_taken_as_a_title():
    assert _pairs("经市政府同意(哈政办规〔2017〕28号)，现印发") == [(None, "哈政办规〔2017〕28号")]


def test_quoted_works_that_are_not_policy_documents_are_not_citations():
    # yichun 2022 统计公报: 重点创排的宜春采茶歌舞剧《明月山的崽》斩获……
    text = "歌舞剧《明月山的崽》斩获最高奖；实施《全民健身计划（2011-2015）》；依照《中华人民共和国专利法》"
    assert [c.title for c in extract(text)] == ["全民健身计划（2011-2015）", "中华人民共和国专利法"]


def test_date_before_an_order_number_is_not_part_of_it():
    # gov.cn 5351177: （1994年1月28日中华人民共和国国务院令第142号发布
    assert [c.doc_number for c in extract("（1994年1月28日中华人民共和国国务院令第142号发布")] == ["国令第142号"]


@pytest.mark.parametrize("written, own", [
    ("中华人民共和国国务院令第707号", "国令第707号"),  # gov.cn 5351177
    ("江西省人民政府令第232号", "省政府令第232号"),  # jxgov 1566791
])
def test_own_order_number_written_in_full_is_not_a_citation(written, own):
    assert extract(f"现公布{written}，自公布之日起施行。", own_number=own) == []


def test_own_title_without_its_issuer_is_not_a_citation():
    # jxgov 1515154 links 解读《关于抢时间…的实施意见》 on its own page
    own = "江西省人民政府关于抢时间保进度强弱项补缺口努力实现全年经济社会发展目标的实施意见"
    assert extract("解读《关于抢时间保进度强弱项补缺口努力实现全年经济社会发展目标的实施意见》", own_title=own) == []
    assert extract("为贯彻落实《新时代推进普通高中育人方式改革的实施意见》", own_title="江西省人民政府办公厅关于新时代推进普通高中育人方式改革的实施意见") == []


def test_lead_in_words_are_not_part_of_an_unquoted_title():
    (c,) = extract("经研究，现将国务院办公厅关于推进医疗联合体建设和发展的指导意见（国办发〔2017〕32号）转发给你们")
    assert c.title == "国务院办公厅关于推进医疗联合体建设和发展的指导意见"


def test_generic_titles_and_own_attachments_are_not_cited_documents():
    from converter.extract.citations import extract

    text = ("市政府将医共体建设纳入《政府工作报告》。国家制定《三级公立医院绩效考核指标》（见附件）供各地使用。"
            "按照《国务院办公厅关于推进医疗联合体建设和发展的指导意见》要求。")
    titles = [c.title for c in extract(text)]
    assert titles == ["国务院办公厅关于推进医疗联合体建设和发展的指导意见"]


def test_an_attachment_line_makes_its_title_the_documents_own():
    from converter.extract.citations import extract

    text = "国家制定《三级公立医院绩效考核指标》供各地使用。\n附件：三级公立医院绩效考核指标"
    assert extract(text) == []


def test_a_bare_decree_number_outside_the_library_is_not_a_missing_document():
    from converter.link.corpus import link
    from converter.model import Citation
    from tests.link.test_link import corpus as linked

    c = linked()
    d = c.docs[0]
    d.cites = [Citation(None, "国令第76号"), Citation("某某条例", "国令第77号")]
    again = link(c.docs)
    assert [m.doc_number for m in again.missing.values() if m.cited_by == [d.slug]] == ["国令第77号"]
