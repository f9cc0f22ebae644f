"""Resolution over the linked test corpus (bundled samples + tests/fixtures/linked/):
the exact edge list, stubs for missing documents, ambiguity and duplicate 文号 reported."""

from __future__ import annotations

from converter.link.corpus import link
from converter.link.missing import stub_id
from converter.model import Citation
from tests.linked_corpus import LINKED, corpus, doc

S001, S002, S003, S004 = (
    "001_d2b59fd790b2730b", "002_8c0b7b7d79472d22", "003_b6ae8f86c6d88d82", "004_0395a73e19e4f75c",
)

# (citing, cited): a slug when the cited document is in the corpus, "?…" (its 文号 or title)
# when it is missing and gets a stub, "ambiguous" when it matches several documents.
EXPECTED = {
    (S001, "?厅字〔2016〕36号"),
    (S001, "?黑医改领发〔2017〕2号"),
    (S001, "?国办发〔2015〕38号"),
    (S001, "hlj_wsjs_2017_46"),  # by 文号 黑卫体改发〔2017〕46号
    (S002, "gov_2017_32"),  # by 文号 国办发〔2017〕32号
    (S003, "?国办发〔2021〕18号"),
    (S003, "?粤府办〔2022〕4号"),
    (S004, "?石家庄市加快推进紧密型县域医疗卫生共同体建设的实施方案"),
    # not 《政府工作报告》: a kind of document (whose? which year?), never a stub (data/citations.yml)
    (S004, "?石家庄市卫生健康事业高质量发展总体方案"),
    ("gov_2017_32", "?国办发〔2015〕38号"),
    ("gov_2017_32", "?“健康中国2030”规划纲要"),
    ("hlj_wsjs_2017_46", "gov_2017_32"),  # bare 文号
    ("hlj_wsjs_2017_46", "?国办发〔2015〕38号"),  # title broken by a line end, joins the 文号's stub
    ("jianhua_2018_7", "qqhr_2017_10"),  # bare 文号
    ("jianhua_2018_7", "ambiguous"),  # bare 齐卫发〔2018〕5号, claimed by two sources
    ("longsha_2018_3", "qqhr_wjw_2018_5a"),  # duplicated 文号, told apart by the cited title
    ("qqhr_2017_10", S002),  # by 文号 written 黑政办规[2017]25号
    ("qqhr_2017_10", "gov_2017_32"),  # 转发〈…〉的通知: by the inner title
    ("qqhr_2017_10", S001),  # the title 001's 印发 notice wraps
    ("qqhr_2017_10", "ambiguous"),  # 《关于做好家庭医生签约服务工作的通知》: two documents of that title
    ("qqhr_wjw_2018_5a", "qqhr_2017_10"),  # by full title
}


def _edges(c):
    out = set()
    for e in c.edges:
        if e.target:
            out.add((e.source, e.target))
        elif e.stub:
            m = c.missing[e.stub]
            out.add((e.source, "?" + (m.doc_number or m.title)))
        else:
            out.add((e.source, "ambiguous"))
    return out


def test_exact_edge_list_of_the_linked_corpus():
    assert _edges(corpus()) == EXPECTED


def test_no_document_links_to_itself():
    c = corpus()
    assert all(e.source != e.target for e in c.edges)


def test_bundled_samples_alone_cite_only_missing_documents():
    # No sample cites another sample: every citation gets a stub.
    c = corpus(without=tuple(p.name for p in LINKED.iterdir()))
    assert _edges(c) == {
        (S001, "?厅字〔2016〕36号"), (S001, "?黑医改领发〔2017〕2号"), (S001, "?国办发〔2015〕38号"),
        (S001, "?黑卫体改发〔2017〕46号"), (S002, "?国办发〔2017〕32号"),
        (S003, "?国办发〔2021〕18号"), (S003, "?粤府办〔2022〕4号"),
        (S004, "?石家庄市加快推进紧密型县域医疗卫生共同体建设的实施方案"),
        (S004, "?石家庄市卫生健康事业高质量发展总体方案"),
    }


def test_missing_document_cited_by_number_and_by_title_is_one_stub():
    c = corpus()
    (m,) = [m for m in c.missing.values() if m.doc_number == "国办发〔2015〕38号"]
    assert m.cited_by == [S001, "gov_2017_32", "hlj_wsjs_2017_46"]
    assert m.title == "国务院办公厅关于城市公立医院综合改革试点的指导意见"
    assert m.id == stub_id("国办发〔2015〕38号", None) and m.id.isascii()


def test_stub_ids_end_on_whole_syllables_and_keep_a_decree_number():
    assert stub_id("江西省人民政府令第161号", None).startswith("jiangxishengrenminzhengfuling-161-")
    assert stub_id("国令第707号", None).startswith("guoling-707-")
    name = stub_id(None, "中华人民共和国领事特权与豁免条例").rsplit("-", 1)[0]
    assert name == "zhonghuarenmingongheguolingshitequanyu"  # …yu, not …yuhu cut from huo
    assert stub_id(None, "全民健身计划（2011-2015）").startswith("quanminjianshenjihua20112015-")


def test_stub_ids_are_stable_ascii_names():
    assert stub_id("国办发〔2017〕32号", "whatever") == stub_id("国办发〔2017〕32号", None)
    assert stub_id("国办发〔2017〕32号", None).startswith("guobanfa-2017-32-")
    assert stub_id(None, "江西省省级融资担保风险补偿专项基金管理暂行办法").startswith("jiangxishengshengji")
    assert stub_id(None, "《政府工作报告》") == stub_id(None, "政府 工作报告")
    assert all(ch.isascii() for ch in stub_id(None, "政府工作报告"))


def test_duplicate_doc_number_warns_and_names_both_files():
    c = corpus()
    (w,) = [w for w in c.warnings if "is claimed by" in w]
    assert "齐卫发〔2018〕5号" in w
    assert "qqhr_wjw_2018_5a.txt" in w and "qqhr_wjw_2018_5b.txt" in w


def test_ambiguous_citation_is_reported_not_guessed():
    c = corpus()
    (e,) = [e for e in c.edges if e.source == "qqhr_2017_10" and e.via == "ambiguous"]
    assert e.target is None and e.stub is None
    assert e.candidates == ("jianhua_2018_7", "longsha_2018_3")
    assert any("qqhr_2017_10.txt" in w and "not linked" in w for w in c.warnings)


def test_citation_never_resolves_to_the_citing_document():
    a = doc("a", "甲市关于印发甲市医联体方案的通知", "甲政发〔2019〕1号",
            [Citation("甲市关于印发甲市医联体方案的通知", None), Citation(None, "甲政发〔2019〕1号")])
    c = link([a])
    assert all(e.target is None for e in c.edges)


def test_title_match_is_refused_when_the_cited_number_differs():
    # Two different documents may share a title; a different 文号 says this is not the one we have.
    a = doc("a", "关于做好家庭医生签约服务工作的通知", "龙卫发〔2018〕3号")
    b = doc("b", "乙", None, [Citation("关于做好家庭医生签约服务工作的通知", "建卫发〔2018〕7号")])
    c = link([a, b])
    (e,) = c.outgoing("b")
    assert e.target is None and e.stub == stub_id("建卫发〔2018〕7号", None)


def test_title_matches_across_brackets_punctuation_and_wrappers():
    a = doc("a", "国务院办公厅关于印发“十四五”全民医疗保障规划的通知", "国办发〔2021〕36号")
    b = doc("b", "乙", None, [Citation("“十四五”全民医疗保障规划", None)])
    d = doc("d", "丁", None, [Citation("国务院办公厅关于印发《十四五全民医疗保障规划》的通知", None)])
    c = link([a, b, d])
    assert [(e.source, e.target) for e in c.edges] == [("b", "a"), ("d", "a")]


def test_same_title_with_two_missing_numbers_gives_two_stubs():
    b = doc("b", "乙", None, [Citation("关于做好家庭医生签约服务工作的通知", "龙卫发〔2018〕3号")])
    d = doc("d", "丁", None, [Citation("关于做好家庭医生签约服务工作的通知", "建卫发〔2018〕7号")])
    c = link([b, d])
    assert len(c.missing) == 2


def test_linking_is_deterministic():
    a, b = corpus(), corpus()
    assert [(e.source, e.target, e.stub, e.via) for e in a.edges] == [(e.source, e.target, e.stub, e.via) for e in b.edges]
    assert list(a.missing) == list(b.missing)


def test_order_number_written_in_full_resolves_to_the_short_form():
    a = doc("a", "中华人民共和国个人所得税法实施条例", "国令第707号")
    b = doc("b", "乙", None, [Citation(None, "中华人民共和国国务院令第707号")])
    c = link([a, b])
    assert [(e.source, e.target) for e in c.edges] == [("b", "a")]
