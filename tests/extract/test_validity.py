"""Is this policy still in force? Clauses read from the text (converter/extract/validity.py), statuses as
of a date and relations both ways (converter/link/status.py), and what the site shows of them.

Clause tests use real lines: every 施行/有效期/废止/修改 clause of ../shared/corpus (the page is
named), and the lines of tests/fixtures/validity/, pages written for the purpose (a 暂行办法 and
the 办法 that repeals it, a 修改决定, a 废止决定 naming present and missing documents, a 通知
whose 有效期 has passed, one not yet in force, one expiring within 90 days, a 解读).
"""

from __future__ import annotations

import copy
import json
import re
import shutil
from functools import cache
from pathlib import Path

import pytest
import yaml

from converter import cli, pipeline
from converter.extract import validity
from converter.link import revisions, status
from converter.link.corpus import link
from converter.model import Block, Citation, Clause
from converter.pipeline import convert_source
from converter.read.source import list_sources
from tests.linked_corpus import doc
from tests.support import CORPUS, ROOT

FIXTURES = ROOT / "tests" / "fixtures" / "validity"
AS_OF = "2026-11-30"
RAW = CORPUS / "raw"


def clauses(line: str, title: str = "某某文件", number: str | None = None, doc_type: str | None = None) -> list[Clause]:
    """The clauses read from ``line`` in a document titled ``title`` (not those its title states)."""
    return [c for c in validity.extract(title, [Block("para", line)], number, doc_type) if c.quote != title]


def summary(cs: list[Clause]) -> list[tuple]:
    return [(c.kind, c.date, c.event, c.n, [(t.title, t.doc_number) for t in c.targets]) for c in cs]


# (page or fixture, own title, line, what is read from it). Titles are the documents' own, so a
# clause about the document itself is told from one about another.
LINES = [
    # ../shared/corpus: every clause of the kind the pages hold.
    ("govcn_content_5341736", "专利代理条例",
     "《专利代理条例》已经2018年9月6日国务院第23次常务会议修订通过，现将修订后的《专利代理条例》公布，自2019年3月1日起施行。",
     [("effective", "2019-03-01", None, None, [])]),
    ("govcn_content_5341736", "专利代理条例", "第三十条　本条例自2019年3月1日起施行。", [("effective", "2019-03-01", None, None, [])]),
    ("govcn_content_5341736", "专利代理条例",
     "本条例施行前依法设立的专利代理机构以及依法执业的专利代理人，在本条例施行后可以继续以专利代理机构、专利代理师的名义开展专利代理业务。", []),
    ("govcn_content_5345397", "国务院工作规则",
     "二十三、国务院根据社会主义市场经济发展、社会全面进步和扩大对外开放的需要，适时提出法律议案、制定行政法规，修改或废止不相适应的法律规范，确保法律议案和行政法规的质量。", []),
    ("govcn_content_5351177", "中华人民共和国个人所得税法实施条例",
     "现公布修订后的《中华人民共和国个人所得税法实施条例》，自2019年1月1日起施行。", [("effective", "2019-01-01", None, None, [])]),
    ("govcn_content_5351177", "中华人民共和国个人所得税法实施条例",
     ("（1994年1月28日中华人民共和国国务院令第142号发布　根据2005年12月19日《国务院关于修改〈中华人民共和国个人所得税法实施条例〉的决定》"
      "第一次修订　根据2008年2月18日《国务院关于修改〈中华人民共和国个人所得税法实施条例〉的决定》第二次修订　"
      "根据2011年7月19日《国务院关于修改〈中华人民共和国个人所得税法实施条例〉的决定》第三次修订　2018年12月18日中华人民共和国国务院令第707号第四次修订）"),
     # Three decisions under one title: three steps, each with its own date.
     [("amended_by", day, None, None, [("国务院关于修改〈中华人民共和国个人所得税法实施条例〉的决定", None)])
      for day in ("2005-12-19", "2008-02-18", "2011-07-19")]),
    ("govcn_content_5351177", "中华人民共和国个人所得税法实施条例",
     "纳税人发现扣缴义务人提供或者扣缴申报的个人信息、所得、扣缴税款等与实际情况不符的，有权要求扣缴义务人修改。扣缴义务人拒绝修改的，纳税人应当报告税务机关，税务机关应当及时处理。", []),
    ("govcn_content_5351177", "中华人民共和国个人所得税法实施条例", "第三十六条　本条例自2019年1月1日起施行。", [("effective", "2019-01-01", None, None, [])]),
    ("jxgov_art_4975_1566791", "江西省人民政府关于废止《江西省著名商标认定和保护办法》的决定",
     "《江西省人民政府关于废止〈江西省著名商标认定和保护办法〉的决定》已经2018年4月28日省人民政府第4次常务会议审议通过，现予公布，自公布之日起施行。",
     [("effective", None, "公布", None, [])]),
    ("jxgov_art_4975_1566791", "江西省人民政府关于废止《江西省著名商标认定和保护办法》的决定",
     "为了更好地服务改革，适应经济社会发展需要，切实维护市场公平竞争秩序，省政府决定废止《江西省著名商标认定和保护办法》（2007年9月13日江西省人民政府令第161号公布）。",
     [("repeals", None, None, None, [("江西省著名商标认定和保护办法", "江西省人民政府令第161号")])]),
    ("jxgov_art_4975_1566791", "江西省人民政府关于废止《江西省著名商标认定和保护办法》的决定", "本决定自公布之日起施行。",
     [("effective", None, "公布", None, [])]),
    ("jxgov_art_4975_1602177", "江西省人民政府办公厅关于进一步加强政府性融资担保体系建设的意见",
     "各地要对照《江西省省级融资担保风险补偿专项基金管理暂行办法》，制定配套风险补偿政策，由财政部门每年安排相应的风险补偿金用于政府性融资担保机构的风险补偿。", []),
    # tests/fixtures/validity: the forms the corpus lacks.
    ("banfa_2020_5", "江西省外贸发展专项资金管理办法",
     "第五条　本办法自2020年5月1日起施行，有效期至2030年12月31日。《江西省外贸发展专项资金管理暂行办法》（赣府厅发〔2015〕12号）同时废止。",
     [("effective", "2020-05-01", None, None, []), ("expiry", "2030-12-31", None, None, []),
      ("repeals", None, None, None, [("江西省外贸发展专项资金管理暂行办法", "赣府厅发〔2015〕12号")])]),
    ("zanxing_2015_12", "江西省外贸发展专项资金管理暂行办法", "第五条　本办法自印发之日起施行。", [("effective", None, "印发", None, [])]),
    ("xiugai_2021_8", "江西省人民政府办公厅关于修改《江西省外贸发展专项资金管理办法》的决定",
     "为进一步优化营商环境，省政府办公厅决定对《江西省外贸发展专项资金管理办法》（赣府厅发〔2020〕5号）作如下修改：",
     [("amends", None, None, None, [("江西省外贸发展专项资金管理办法", "赣府厅发〔2020〕5号")])]),
    ("xiugai_2021_8", "江西省人民政府办公厅关于修改《江西省外贸发展专项资金管理办法》的决定",
     "本决定自公布之日起施行。《江西省外贸发展专项资金管理办法》根据本决定作相应修改，重新公布。",
     [("effective", None, "公布", None, []), ("amends", None, None, None, [("江西省外贸发展专项资金管理办法", None)])]),
    ("youxiaoqi_2018_15", "江西省人民政府办公厅关于阶段性降低企业用电成本的通知", "二、本通知自印发之日起施行，有效期至2020年12月31日。",
     [("effective", None, "印发", None, []), ("expiry", "2020-12-31", None, None, [])]),
    ("weishengxiao_2026_30", "江西省数据要素市场培育办法", "第三条　本办法自2027年3月1日起施行，有效期5年。",
     [("effective", "2027-03-01", None, None, []), ("period", None, None, 5, [])]),
    ("daoqi_2022_4", "江西省人民政府关于支持中小企业纾困发展的若干措施", "二、本措施自2022年3月1日起施行，有效期5年。",
     [("effective", "2022-03-01", None, None, []), ("period", None, None, 5, [])]),
    # The forms issue 17 quotes, and the other wordings of the same clauses.
    ("issue 17", "某某办法", "本办法自二〇二二年三月一日起施行，有效期五年。", [("effective", "2022-03-01", None, None, []), ("period", None, None, 5, [])]),
    ("issue 17", "某某通知", "本通知有效期自2021年1月1日起至2023年12月31日。", [("expiry", "2023-12-31", None, None, [])]),
    ("issue 17", "某某通知", "本通知执行至2023年12月31日止。", [("expiry", "2023-12-31", None, None, [])]),
    ("issue 17", "某某通知", "本通知有效期延长至2025年12月31日。", [("extension", "2025-12-31", None, None, [])]),
    ("issue 17", "某某通知", "本办法从2024年1月1日起实施，有效期为3个月。", [("effective", "2024-01-01", None, None, []), ("period", None, None, 3, [])]),
    ("issue 17", "某某通知", "本意见自发布之日起施行。", [("effective", None, "发布", None, [])]),
    ("issue 17", "关于延长部分政策有效期的通知",
     "《江西省稳外贸若干措施》（赣府发〔2020〕9号）有效期延长至2025年12月31日。",
     [("extends", "2025-12-31", None, None, [("江西省稳外贸若干措施", "赣府发〔2020〕9号")])]),
    ("issue 17", "某某办法", "本办法施行后，《江西省旧管理办法》（赣府发〔2010〕3号）停止执行。",
     [("repeals", None, None, None, [("江西省旧管理办法", "赣府发〔2010〕3号")])]),
    ("issue 17", "某某办法", "本办法代替《江西省旧管理办法》（赣府发〔2010〕3号）。",
     [("repeals", None, None, None, [("江西省旧管理办法", "赣府发〔2010〕3号")])]),
    ("issue 17", "某某办法", "根据《中华人民共和国预算法》，决定对以下文件予以废止：《江西省旧管理办法》（赣府发〔2010〕3号）。",
     [("repeals", None, None, None, [("江西省旧管理办法", "赣府发〔2010〕3号")])]),
    ("issue 17", "某某决定", "省政府决定，以下规范性文件不再执行。", []),  # no document named: no relation
    ("issue 17", "某某办法", "《江西省旧管理办法》（赣府发〔2010〕3号）中与本办法不一致的，不再执行。", []),  # only part of it
    ("issue 17", "某某办法", "《江西省旧管理办法》第五条同时废止。", []),
    ("issue 17", "某某办法", "《江西省旧管理办法》（2007年9月13日江西省人民政府令第161号公布）同时废止。",
     [("repeals", None, None, None, [("江西省旧管理办法", "江西省人民政府令第161号")])]),
    ("issue 17", "某某决定", "决定废止下列文件：1.《甲省某某办法》（甲发〔2010〕1号）；2.《甲省某某规定》。根据《中华人民共和国立法法》做好衔接。",
     [("repeals", None, None, None, [("甲省某某办法", "甲发〔2010〕1号"), ("甲省某某规定", None)])]),
]


@pytest.mark.parametrize(("where", "title", "line", "expected"), LINES, ids=[f"{w}-{i}" for i, (w, *_rest) in enumerate(LINES)])
def test_each_clause_is_read_from_its_real_line(where, title, line, expected):
    assert summary(clauses(line, title)) == expected


def test_every_pattern_of_the_table_is_exercised_by_a_line_above():
    p = validity.patterns()
    texts = [entry[2] for entry in LINES] + [entry[1] for entry in LINES]
    texts += ["江西省人民政府办公厅关于废止部分规范性文件的决定", "江西省人民政府办公厅关于修改《江西省外贸发展专项资金管理办法》的决定",
              "经清理，省政府办公厅决定对以下3件规范性文件予以废止：", "现决定废止下列规章：", "决定对下列文件作出修改：",
              "一、将第四条修改为：“申请单位应当于每年5月31日前通过网上平台提交申请材料。", "删去第十二条。",
              "二、增加一条，作为第五条：“省财政厅负责对本办法的执行情况进行绩效评价。"]
    groups = {"effective": p.effective, "expiry": p.expiry, "period": p.period, "extension": p.extension,
              "relations": tuple(r.pattern for r in p.relations), "edits": tuple(p.edits.values())}
    unused = [f"{g}: {rx.pattern[:60]}" for g, rxs in groups.items() for rx in rxs if not any(rx.search(t) for t in texts)]
    assert not unused
    # Each line a pattern matches has a trigger word, or the pattern would never be tried.
    untriggered = [t for g in ("effective", "expiry", "period", "extension", "relations") for rx in groups[g]
                   for t in texts if rx.search(t) and not p.triggers.search(t)]
    assert not untriggered


def test_a_list_clause_takes_the_numbered_lines_that_follow():
    texts = ["经清理，省政府办公厅决定对以下3件规范性文件予以废止：", "1.《A省甲管理办法》（赣府厅字〔2019〕7号）",
             "2.《A省乙暂行规定》（赣府厅发〔2012〕9号）", "3.《A省丙补贴资金管理办法》", "本决定自印发之日起施行。"]
    found = validity.extract("关于废止部分规范性文件的决定", [Block("para", t) for t in texts])
    assert summary(found) == [
        ("repeals", None, None, None, [("A省甲管理办法", "赣府厅字〔2019〕7号")]),
        ("repeals", None, None, None, [("A省乙暂行规定", "赣府厅发〔2012〕9号")]),
        ("repeals", None, None, None, [("A省丙补贴资金管理办法", None)]),
        ("effective", None, "印发", None, []),
    ]
    # Each listed document's evidence is the sentence and its own line.
    assert found[1].quote == "经清理，省政府办公厅决定对以下3件规范性文件予以废止：……2.《A省乙暂行规定》（赣府厅发〔2012〕9号）"


def test_the_title_of_a_decision_names_its_target_and_the_body_adds_its_number():
    found = validity.extract(
        "江西省人民政府关于废止《江西省著名商标认定和保护办法》的决定",
        [Block("para", "省政府决定废止《江西省著名商标认定和保护办法》（2007年9月13日江西省人民政府令第161号公布）。")],
    )
    assert summary(found) == [("repeals", None, None, None, [("江西省著名商标认定和保护办法", "江西省人民政府令第161号")])]


def test_a_clause_about_another_document_does_not_date_this_one():
    assert clauses("《中华人民共和国民法典》自2021年1月1日起施行，各地要做好宣传。", "某某通知") == []


def test_a_basis_cited_before_the_repeal_words_is_not_a_target():
    found = clauses("根据《中华人民共和国行政许可法》，《某某审批暂行办法》同时废止。", "某某办法")
    assert summary(found) == [("repeals", None, None, None, [("某某审批暂行办法", None)])]


@pytest.mark.parametrize(("start", "n", "unit", "last"), [
    ("2022-03-01", 5, "年", "2027-02-28"),  # the example
    ("2020-02-29", 1, "年", "2021-02-28"),
    ("2024-01-01", 3, "个月", "2024-03-31"),
    ("2023-08-31", 6, "个月", "2024-02-29"),
    ("2027-03-01", 5, "年", "2032-02-29"),
])
def test_a_term_ends_the_day_before_its_anniversary(start, n, unit, last):
    assert status.add_term(start, n, unit) == last


def test_a_bad_pattern_table_names_the_file_and_entry():
    with pytest.raises(validity.ValidityDataError, match=r"validity.yml: relations\[0\]: needs kind"):
        validity.parse_patterns({"relations": [{"kind": "abolishes", "targets": "before", "pattern": "废止"}]})
    with pytest.raises(validity.ValidityDataError, match=r"validity.yml: effective\[0\]: bad pattern"):
        validity.parse_patterns({"effective": ["自(起施行"]})
    with pytest.raises(validity.ValidityDataError, match=r"event_dates.印发"):
        validity.parse_patterns({"event_dates": {"印发": ["signed_date"]}})


def test_the_shipped_table_loads_typed():
    data = yaml.safe_load(validity.DATA.read_text(encoding="utf-8"))
    p = validity.parse_patterns(data)
    assert p.relations and all(r.kind in validity.RELATION_KINDS for r in p.relations)
    assert set(p.event_dates) >= {"印发", "公布", "发布"}


# --- the fixture library, linked -----------------------------------------------------------


@cache
def _fixture_docs() -> tuple:
    out = []
    for path in list_sources(FIXTURES):
        docs, problems = convert_source(path, ROOT)
        assert not problems, problems
        out += docs
    return tuple(out)


def fixtures(as_of: str = AS_OF, without: tuple[str, ...] = ()):
    return link([copy.deepcopy(d) for d in _fixture_docs() if d.slug not in without], as_of)


def test_every_fixture_gets_the_status_its_text_gives():
    c = fixtures()
    got = {d.slug: d.validity.status for d in c.docs}
    assert got == {
        "banfa_2020_5": "in_force", "daoqi_2022_4": "in_force", "feizhi_2022_3": "in_force",
        "jiedu_2020_5": "unknown", "shidian_2019_7": "repealed", "weishengxiao_2026_30": "not_yet_in_force",
        "xiugai_2021_8": "in_force", "youxiaoqi_2018_15": "expired", "zanxing_2015_12": "repealed",
    }


def test_the_interim_measures_are_repealed_by_the_measures_with_the_clause_quoted():
    c = fixtures()
    v = c.by_slug["zanxing_2015_12"].validity
    assert v.evidence == "《江西省外贸发展专项资金管理暂行办法》（赣府厅发〔2015〕12号）同时废止。"
    assert v.evidence_from == "banfa_2020_5"
    assert [r.target for r in v.relations["repealed_by"]] == ["banfa_2020_5"]
    new = c.by_slug["banfa_2020_5"].validity
    assert [(r.target, r.doc_number) for r in new.relations["repeals"]] == [("zanxing_2015_12", "赣府厅发〔2015〕12号")]
    # Before the 办法 took effect the 暂行办法 was in force: a repeal acts from the repealing text's 施行日期.
    before = fixtures("2020-04-30").by_slug["zanxing_2015_12"].validity
    assert (before.status, before.effective_date, before.note) == ("in_force", "2015-03-10", "将于 2020-05-01 起废止")


def test_an_amended_document_stays_in_force_and_lists_what_amended_it():
    c = fixtures()
    v = c.by_slug["banfa_2020_5"].validity
    assert (v.status, v.note) == ("in_force", "已被修改")
    assert [r.target for r in v.relations["amended_by"]] == ["xiugai_2021_8"]
    assert [r.target for r in c.by_slug["xiugai_2021_8"].validity.relations["amends"]] == ["banfa_2020_5"]


def test_a_repeal_decision_links_present_documents_and_names_the_rest_for_the_pending_list():
    c = fixtures()
    rels = c.by_slug["feizhi_2022_3"].validity.relations["repeals"]
    assert [(r.target, r.doc_number) for r in rels if r.target] == [("shidian_2019_7", "赣府厅字〔2019〕7号")]
    pending = [(r.doc_number, c.missing[r.stub].relations) for r in rels if r.stub]
    assert pending == [
        ("赣府厅发〔2012〕9号", [("repeals", "feizhi_2022_3")]),
        ("赣府厅发〔2013〕21号", [("repeals", "feizhi_2022_3")]),
    ]
    pages = pipeline.pages(c)
    assert "已被废止" in pages["cited/index.md"]
    stub = pages[f"cited/{rels[1].stub}.md"]
    assert "本库文件的效力说明" in stub and "废止了这份文件" in stub
    assert "废止本文的文件" in pages["policies/shidian_2019_7.md"]
    assert c.by_slug["shidian_2019_7"].validity.evidence == (
        "经清理，省政府办公厅决定对以下3件规范性文件予以废止：……"
        "1.《江西省人民政府办公厅关于开展外贸综合服务企业试点工作的通知》（赣府厅字〔2019〕7号）")


def test_a_notice_expires_the_day_after_its_last_day():
    on_last_day = fixtures("2020-12-31").by_slug["youxiaoqi_2018_15"].validity
    after = fixtures("2021-01-01").by_slug["youxiaoqi_2018_15"].validity
    assert (on_last_day.status, after.status) == ("in_force", "expired")
    assert after.expiry_date == "2020-12-31" and after.evidence == "二、本通知自印发之日起施行，有效期至2020年12月31日。"
    assert after.effective_date == "2018-05-10"  # 自印发之日起: the written date


def test_a_document_not_yet_in_force_turns_on_its_date():
    slug = "weishengxiao_2026_30"
    assert fixtures("2027-02-28").by_slug[slug].validity.status == "not_yet_in_force"
    v = fixtures("2027-03-01").by_slug[slug].validity
    assert (v.status, v.effective_date, v.expiry_date) == ("in_force", "2027-03-01", "2032-02-29")


def test_the_expiring_list_holds_documents_ending_within_90_days():
    from converter.render import statuspages

    assert [d.slug for d in statuspages.expiring(fixtures("2026-11-30"))] == ["daoqi_2022_4"]
    assert statuspages.expiring(fixtures("2026-11-29")) == []  # 91 days before 2027-02-28
    page = statuspages.expiring_page(fixtures())
    assert "| 2027-02-28 | [江西省人民政府关于支持中小企业纾困发展的若干措施](../policies/daoqi_2022_4.md) |" in page


def test_an_interpretation_and_its_document_link_both_ways():
    c = fixtures()
    assert [r.target for r in c.by_slug["jiedu_2020_5"].validity.relations["interprets"]] == ["banfa_2020_5"]
    assert [r.target for r in c.by_slug["banfa_2020_5"].validity.relations["interpreted_by"]] == ["jiedu_2020_5"]
    page = pipeline.pages(c)["policies/banfa_2020_5.md"]
    assert "**政策解读**" in page and "(jiedu_2020_5.md)" in page


def test_status_is_never_guessed_from_age_or_an_interim_title():
    d = doc("old", "某某管理暂行办法", "赣府发〔1998〕1号", date="1998-01-01")
    v = link([d], AS_OF).by_slug["old"].validity
    assert (v.status, v.evidence) == ("unknown", None)
    # The 试点 notice before the decision that repealed it: no clause of its own, so unknown.
    assert fixtures("2021-01-01").by_slug["shidian_2019_7"].validity.status == "unknown"


def test_a_clause_whose_date_is_unknown_is_quoted_but_gives_no_status():
    d = doc("n", "某某通知")
    d.clauses = [Clause("effective", "本通知自印发之日起施行。", event="印发")]
    v = link([d], AS_OF).by_slug["n"].validity
    assert (v.status, v.effective_date, v.evidence) == ("unknown", None, "本通知自印发之日起施行。")
    assert "本文写明“本通知自印发之日起施行。”，但本库没有它的成文或发布日期" in pipeline.pages(link([d], AS_OF))["policies/n.md"]


def test_a_target_matching_several_documents_is_reported_and_unconfirmed():
    a = doc("a", "某某管理办法", "甲发〔2019〕1号")
    b = doc("b", "某某管理办法", "乙发〔2019〕2号")
    new = doc("new", "某某新办法")
    new.clauses = [Clause("repeals", "《某某管理办法》同时废止。", targets=[Citation("某某管理办法", None)])]
    c = link([a, b, new], AS_OF)
    rel = c.by_slug["new"].validity.relations["repeals"][0]
    assert rel.unconfirmed and rel.candidates == ("a", "b") and rel.target is None
    assert c.by_slug["a"].validity.status == c.by_slug["b"].validity.status == "unknown"
    assert any("repeals 某某管理办法 matches 2 documents (a, b); shown as unconfirmed" in w for w in c.warnings)
    assert "未确认：可能是" in pipeline.pages(c)["policies/new.md"]


def test_two_documents_repealing_each_other_are_reported_and_neither_is_repealed():
    a = doc("a", "甲办法", "甲发〔2019〕1号")
    b = doc("b", "乙办法", "乙发〔2019〕2号")
    a.clauses = [Clause("repeals", "《乙办法》同时废止。", targets=[Citation("乙办法", "乙发〔2019〕2号")])]
    b.clauses = [Clause("repeals", "《甲办法》同时废止。", targets=[Citation("甲办法", "甲发〔2019〕1号")])]
    c = link([a, b], AS_OF)
    assert c.by_slug["a"].validity.status == c.by_slug["b"].validity.status == "unknown"
    assert all(r.unconfirmed for d in c.docs for rels in d.validity.relations.values() for r in rels)
    assert any("each say it repeals the other" in w for w in c.warnings)


HISTORY = FIXTURES / "history"


def _history(as_of: str = AS_OF):
    docs = [d for path in list_sources(HISTORY) for d in convert_source(path, ROOT)[0]]
    return link(docs, as_of)


def test_a_clause_counted_from_publication_takes_the_date_the_text_is_signed_with_and_flags_the_info_box():
    c = _history()
    v = c.by_slug["ling_2019_240"].validity
    assert c.by_slug["ling_2019_240"].written_date == "2021-06-15"  # the info box, as the page says
    assert (v.status, v.effective_date) == ("in_force", "2019-09-29")
    assert v.date_note == "施行日期按正文所署日期 2019-09-29 计；网页所标成文日期为 2021-06-15，两者不一致。"
    page = pipeline.pages(c)["policies/ling_2019_240.md"]
    assert _front(page)["effective_date_note"] == v.date_note and v.date_note in page.split("---\n", 2)[2]
    # Where the text's date and the info box agree there is nothing to flag.
    assert c.by_slug["xiugai_2021_2"].validity.date_note is None
    assert "effective_date_note" not in _front(pipeline.pages(c)["policies/xiugai_2021_2.md"])


def test_a_signed_date_is_used_only_for_a_clause_counted_from_the_documents_own_act():
    found = validity.extract("某某办法", [Block("para", "本办法自2020年1月1日起施行。"), Block("para", "本决定自印发之日起施行。")],
                             text_date="2019-12-20")
    assert [(c.date, c.event) for c in found] == [("2020-01-01", None), ("2019-12-20", "印发")]


def test_amendments_in_a_documents_history_note_are_its_history_and_a_later_one_amends_it():
    c = _history()
    v = c.by_slug["tiaoli_2018_9"].validity
    # 2014 and 2016 are in the 2018 text's caption: 修订沿革, the 2014 decision linked by its date.
    assert [(r.date, r.target) for r in v.relations["revised_by"]] == [("2014-03-01", "xiugai_2014_3"), ("2016-07-08", None)]
    # The 2021 decision comes after the text: it amends it (已被修改), with a comparison.
    assert [r.target for r in v.relations["amended_by"]] == ["xiugai_2021_2"]
    assert (v.status, v.note) == ("in_force", "已被修改")
    pages = pipeline.pages(c)
    assert any(p.startswith("compare/tiaoli_2018_9-") for p in pages)
    assert len([p for p in pages if p.startswith("compare/")]) == 1  # none for the decision already in the text
    meta = _front(pages["policies/tiaoli_2018_9.md"])
    assert [(e["date"], e["clause"].split("《")[0]) for e in meta["revised_by"]] == [("2014-03-01", "根据2014年3月1日"), ("2016-07-08", "根据2016年7月8日")]


def test_without_the_later_decision_a_consolidated_text_is_not_amended():
    c = link([d for path in list_sources(HISTORY) if path.stem != "xiugai_2021_2" for d in convert_source(path, ROOT)[0]], AS_OF)
    v = c.by_slug["tiaoli_2018_9"].validity
    assert (v.note, v.relations.get("amended_by")) == (None, None)
    assert [r.target for r in c.by_slug["xiugai_2014_3"].validity.relations["amends"]] == ["tiaoli_2018_9"]


# --- the pages --------------------------------------------------------------------------------


CONTRACT = ["effective_date", "expiry_date", "status", "status_as_of", "status_evidence",
            "repeals", "repealed_by", "amends", "amended_by", "interprets", "interpreted_by"]


def _front(text: str) -> dict:
    return yaml.safe_load(text.split("---\n")[1])


def test_front_matter_carries_the_contract_fields():
    pages = pipeline.pages(fixtures())
    meta = _front(pages["policies/zanxing_2015_12.md"])
    assert [k for k in meta if k in CONTRACT] == CONTRACT
    assert meta["status"] == "repealed" and meta["status_as_of"] == AS_OF
    assert meta["repealed_by"] == [{
        "title": "江西省外贸发展专项资金管理办法", "doc_number": "赣府厅发〔2020〕5号", "page": "policies/banfa_2020_5/",
        "clause": "《江西省外贸发展专项资金管理暂行办法》（赣府厅发〔2015〕12号）同时废止。",
    }]
    pending = _front(pages["policies/feizhi_2022_3.md"])["repeals"][1]
    assert pending["doc_number"] == "赣府厅发〔2012〕9号" and pending["pending"].startswith("cited/") and "page" not in pending


def test_documents_json_has_the_same_status_fields():
    data = json.loads(pipeline.pages(fixtures())["data/documents.json"])
    d = next(x for x in data["documents"] if x["slug"] == "youxiaoqi_2018_15")
    assert (d["status"], d["status_label"], d["expiry_date"], d["status_as_of"]) == ("expired", "已失效", "2020-12-31", AS_OF)
    assert all(set(CONTRACT) <= set(x) for x in data["documents"])
    assert any(m["relations"] == [{"kind": "repeals", "by": "feizhi_2022_3"}] for m in data["missing"])


def test_a_repealed_page_has_a_banner_linking_what_replaced_it_and_its_comparison():
    page = pipeline.pages(fixtures())["policies/zanxing_2015_12.md"]
    banner = page[page.index('!!! danger "已废止"') :].split("\n\n")[1]
    assert "废止它的文件：[《江西省外贸发展专项资金管理办法》](banfa_2020_5.md)（赣府厅发〔2020〕5号）" in banner
    assert f"[修订前后对照](../compare/{revisions.page_id('zanxing_2015_12', 'banfa_2020_5')}.md)" in banner
    assert '<span class="status-badge status-repealed">已废止</span>' in page


def test_badges_appear_in_the_lists():
    pages = pipeline.pages(fixtures())
    assert '[江西省人民政府办公厅关于阶段性降低企业用电成本的通知](youxiaoqi_2018_15.md) <span class="status-badge status-expired">已失效</span>' in pages["policies/index.md"]
    browse = pages["browse/status.md"]
    assert "[已废止（2）](#repealed)" in browse and "[时效不详（1）](#unknown)" in browse


def test_the_comparison_of_an_amended_document_applies_the_decision_article_by_article():
    c = fixtures()
    page = pipeline.pages(c)[f"compare/{revisions.page_id('banfa_2020_5', 'xiugai_2021_8')}.md"]
    assert "修订后：按修改决定逐条修改后的文本" in page
    assert "| 第四条 | 申请单位应当于每年<del>4</del>月3<del>0</del>日前提交申请材料。 | 申请单位应当于每年<ins>5</ins>月3<ins>1</ins>日前<ins>通过网上平台</ins>提交申请材料。 | 修改 |" in page
    assert "| 第五条 | — | <ins>省财政厅负责对本办法的执行情况进行绩效评价。</ins> | 新增 |" in page
    assert "| 第六条（原第五条） |" in page and "共 6 条：修改 1，新增 1，删除 0，未改 4。" in page


def test_the_comparison_of_a_replaced_document_matches_articles_by_number():
    page = pipeline.pages(fixtures())[f"compare/{revisions.page_id('zanxing_2015_12', 'banfa_2020_5')}.md"]
    assert "| 第三条 | 专项资金主要用于支持中小企业开拓国际市场。 | 专项资金主要用于支持中小企业开拓国际市场<ins>和发展跨境电子商务</ins>。 | 修改 |" in page


def test_a_repeal_decision_gets_no_comparison_with_what_it_repeals():
    c = fixtures()
    assert not any(p.startswith("compare/shidian_2019_7-") for p in pipeline.pages(c))


def test_unnumbered_units_are_matched_by_text():
    old = [revisions.Unit(None, "", "各地要加强组织领导。"), revisions.Unit(None, "", "本通知自印发之日起施行。")]
    new = [revisions.Unit(None, "", "本通知自2024年1月1日起施行。"), revisions.Unit(None, "", "各地要切实加强组织领导。")]
    assert [(o.text if o else None, n.text if n else None) for o, n in revisions.pair(old, new)] == [
        ("本通知自印发之日起施行。", "本通知自2024年1月1日起施行。"), ("各地要加强组织领导。", "各地要切实加强组织领导。"),
    ]


def test_scraped_text_in_a_clause_is_escaped_everywhere():
    d = doc("x", "某某办法<script>alert(1)</script>", "甲发〔2019〕1号")
    d.clauses = [Clause("effective", "本办法<img src=x onerror=alert(1)>自2020年1月1日起施行。", date="2020-01-01")]
    page = pipeline.pages(link([d], AS_OF))["policies/x.md"]
    body = page.split("---\n", 2)[2]
    assert "<img" not in body and "<script" not in body and "&#60;img" in body


def test_the_same_sources_and_date_give_identical_pages_and_another_date_only_moves_statuses():
    a, b = pipeline.pages(fixtures()), pipeline.pages(fixtures())
    assert a == b
    later = pipeline.pages(fixtures("2027-03-01"))
    assert _front(later["policies/weishengxiao_2026_30.md"])["status"] == "in_force"
    assert set(a) == set(later)


def test_the_status_feed_lists_changes_up_to_the_reference_date():
    feed = pipeline.pages(fixtures())["status-feed.xml"]
    assert "<title>已失效：江西省人民政府办公厅关于阶段性降低企业用电成本的通知</title>" in feed
    assert "<updated>2021-01-01T00:00:00+08:00</updated>" in feed
    assert "<title>已废止：江西省外贸发展专项资金管理暂行办法</title>" in feed
    assert "数据要素" not in feed  # not in force yet: no change to report
    dates = re.findall(r"<entry>\s*<title>[^<]*</title>\s*<link[^>]*/>\s*<id>[^<]*</id>\s*<updated>([^<]*)</updated>", feed)
    assert dates == sorted(dates, reverse=True)


# --- the command line and the recorded date ----------------------------------------------------


def test_convert_takes_as_of_and_rejects_a_bad_date(tmp_path, capsys):
    src = str(FIXTURES / "youxiaoqi_2018_15.txt")
    assert cli.main(["convert", src, "--out", str(tmp_path / "a"), "--as-of", "2020-06-01"]) == 0
    assert "status: in_force" in (tmp_path / "a" / "policies" / "youxiaoqi_2018_15.md").read_text(encoding="utf-8")
    assert cli.main(["convert", src, "--out", str(tmp_path / "b"), "--as-of", "2021-02-30"]) == 2
    assert "--as-of: '2021-02-30' is not a date (YYYY-MM-DD)" in capsys.readouterr().err


def test_without_a_date_the_library_uses_the_recorded_one_and_the_cli_today_in_china(monkeypatch):
    assert status.recorded_as_of() == status.RECORDED.read_text(encoding="utf-8").strip()
    assert fixtures(None).docs[0].validity.as_of == status.recorded_as_of()
    seen = {}
    monkeypatch.setattr(pipeline, "build", lambda *a, **k: seen.setdefault("as_of", k["as_of"]) and pipeline.Result())
    cli.main(["build", "--out", "/nonexistent-out"])
    assert seen["as_of"] == status.today_cst()


def test_the_committed_docs_are_as_of_the_recorded_date():
    page = (ROOT / "docs" / "policies" / "001_d2b59fd790b2730b.md").read_text(encoding="utf-8")
    assert _front(page)["status_as_of"] == status.recorded_as_of()


# --- the reference corpus ---------------------------------------------------------------------


@pytest.mark.skipif(not RAW.is_dir(), reason="the shared reference corpus is not next to the project")
def test_reference_corpus_statuses_rest_on_their_clauses():
    docs = [d for p in sorted(RAW.glob("*.html")) for d in convert_source(p, ROOT)[0]]
    c = link(docs, AS_OF)
    by_file = {Path(d.source.file).stem: d for d in c.docs if d.slug == Path(d.source.file).stem}
    s = {k: (d.validity.status, d.validity.effective_date) for k, d in by_file.items()}
    assert s["govcn_content_5341736"] == ("in_force", "2019-03-01")
    assert s["govcn_content_5351177"] == ("in_force", "2019-01-01")
    # 自公布之日起施行: the date the 令 is signed with, not the info box's 成文日期 (tested below).
    assert s["jxgov_art_4975_1566791"] == ("in_force", "2018-05-09")
    repealed = by_file["jxgov_art_4975_1566791"].validity.relations["repeals"]
    assert [(r.title, r.doc_number, bool(r.stub)) for r in repealed] == [("江西省著名商标认定和保护办法", "江西省人民政府令第161号", True)]
    # Its stub was made by the bare 令 number in the text; the repeal clause gives it its title.
    assert c.missing[repealed[0].stub].title == "江西省著名商标认定和保护办法"
    # Every other page has no clause of its kind: unknown, whatever its age or title.
    clauses_found = {"govcn_content_5341736", "govcn_content_5351177", "jxgov_art_4975_1566791", "jxgov_art_14236_1505204"}
    assert {k for k, (st, _) in s.items() if st != "unknown"} <= clauses_found


@pytest.mark.skipif(not RAW.is_dir(), reason="the shared reference corpus is not next to the project")
def test_a_decree_in_force_from_its_publication_counts_from_the_date_it_is_signed_with():
    # The page's info box says 成文日期 2020-03-11 (when it was posted); the 令 is signed 2018年5月9日.
    docs, _ = convert_source(RAW / "jxgov_art_4975_1566791.html", ROOT)
    v = link(docs, AS_OF).by_slug["jxgov_art_4975_1566791"].validity
    assert (v.status, v.effective_date) == ("in_force", "2018-05-09")
    assert v.evidence.endswith("现予公布，自公布之日起施行。")
    assert v.date_note == "施行日期按正文所署日期 2018-05-09 计；网页所标发布日期为 2020-03-11，两者不一致。"


@pytest.mark.skipif(not RAW.is_dir(), reason="the shared reference corpus is not next to the project")
def test_the_amendments_a_consolidated_text_lists_in_its_caption_are_its_history_each_dated():
    docs, _ = convert_source(RAW / "govcn_content_5351177.html", ROOT)
    c = link(docs, AS_OF)
    v = c.by_slug["govcn_content_5351177"].validity
    # Three decisions under one title, all before the 2018 text: 修订沿革, not 已被修改.
    assert (v.status, v.note, v.relations.get("amended_by")) == ("in_force", None, None)
    title = "国务院关于修改〈中华人民共和国个人所得税法实施条例〉的决定"
    assert [(r.date, r.title, r.clause) for r in v.relations["revised_by"]] == [
        (day, title, f"根据{said}《{title}》第{n}次修订")
        for day, said, n in (("2005-12-19", "2005年12月19日", "一"), ("2008-02-18", "2008年2月18日", "二"), ("2011-07-19", "2011年7月19日", "三"))]
    assert not any(m.relations for m in c.missing.values())  # no stub says these decisions amended it
    page = pipeline.pages(c)["policies/govcn_content_5351177.md"]
    assert "**修订沿革**" in page and "修改本文的文件" not in page and "已被修改" not in page
    assert "- 2008-02-18 《国务院关于修改〈中华人民共和国个人所得税法实施条例〉的决定》" in page


@pytest.mark.skipif(not RAW.is_dir(), reason="the shared reference corpus is not next to the project")
def test_the_interpretation_in_the_reference_corpus_names_what_it_interprets():
    docs, _ = convert_source(RAW / "jxgov_art_14236_1505204.html", ROOT)
    target = next(c for c in docs[0].clauses if c.kind == "interprets").targets[0]
    assert target.title == "关于金融支持防控疫情稳定经济增长若干措施"


def test_a_strict_site_build_of_the_fixtures_shows_badges_banner_and_comparison(tmp_path):
    from tests.test_build import _mkdocs

    docs = tmp_path / "docs"
    shutil.copytree(ROOT / "docs", docs)
    pipeline.build(FIXTURES, docs, ROOT, as_of=AS_OF)
    proc = _mkdocs(docs, tmp_path / "site")
    assert proc.returncode == 0, proc.stderr
    html = (tmp_path / "site" / "policies" / "zanxing_2015_12" / "index.html").read_text(encoding="utf-8")
    assert 'data-pagefind-filter="时效:已废止"' in html and "admonition danger" in html
    cmp_html = next((tmp_path / "site" / "compare").glob("banfa_2020_5-*/index.html")).read_text(encoding="utf-8")
    assert "<ins>5</ins>" in cmp_html and "<del>4</del>" in cmp_html


def test_an_extension_ends_on_the_date_its_words_name_not_the_last_date_of_the_sentence():
    line = "《江西省稳外贸若干措施》（赣府发〔2020〕9号）有效期延长至2025年12月31日，自2023年1月1日起施行。"
    ext = [c for c in clauses(line, "关于延长部分政策有效期的通知") if c.kind == "extends"]
    assert [c.date for c in ext] == ["2025-12-31"]
    rels = [status.Relation("extended_by", None, None, c.quote, "yanchang", "yanchang", date=c.date) for c in ext]
    assert status._extended("2022-12-31", None, rels)[0] == "2025-12-31"
