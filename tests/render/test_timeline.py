"""Each document's chain (up and down a few hops, by date) and the site-wide timeline page."""

from __future__ import annotations

import re

from converter.link.corpus import link
from converter.model import Citation
from converter.render import timeline
from tests.linked_corpus import corpus, doc


def test_chain_of_the_provincial_document_goes_up_and_down_by_date():
    c = corpus()
    members = [(d.slug, k) for d, k in timeline.chain(c.by_slug["002_8c0b7b7d79472d22"], c)]
    assert members == [
        ("gov_2017_32", -1),  # national, 2017-04-23, which it implements
        ("002_8c0b7b7d79472d22", 0),  # itself, 2017-06-30
        ("qqhr_2017_10", 1),  # the city's 方案, 2017-08-15
        ("qqhr_wjw_2018_5a", 2),  # 2018-01-10, implements the city's 方案
        ("longsha_2018_3", 3),  # 2018-03-02
        ("jianhua_2018_7", 2),  # 2018-04-09, cites the city's 方案 by 文号
    ]


def test_chain_stops_after_the_hop_limit_and_survives_cycles():
    docs = [doc(f"d{i}", f"第{i}号文件标题", f"测发〔2020〕{i}号", [Citation(None, f"测发〔2020〕{i - 1}号")] if i else [],
                date=f"2020-01-{i + 1:02d}") for i in range(8)]
    docs[0].cites = [Citation(None, "测发〔2020〕7号")]  # a cycle
    c = link(docs)
    members = dict((d.slug, k) for d, k in timeline.chain(c.by_slug["d4"], c, hops=2))
    assert members == {"d2": -2, "d3": -1, "d4": 0, "d5": 1, "d6": 2}


def test_unlinked_document_has_no_chain_section():
    c = link([doc("a", "甲")])
    assert timeline.chain_section(c.by_slug["a"], c) == []


def test_chain_section_marks_the_document_itself_and_links_the_others():
    c = corpus()
    lines = timeline.chain_section(c.by_slug["gov_2017_32"], c)
    assert lines[0].startswith("## 政策脉络")
    rows = [line for line in lines if line.startswith("| 20")]
    assert rows[0].startswith("| 2017-04-23 | 国家级 | 全国 | **国务院办公厅")
    assert all("](" in r for r in rows[1:])


def test_timeline_page_lists_every_document_by_year_and_month_in_date_order():
    c = corpus()
    page = timeline.timeline_page(c)
    dates = re.findall(r"^\| (\d{4}-\d{2}-\d{2}) \|", page, re.MULTILINE)
    assert dates == sorted(dates)
    assert len(re.findall(r"\]\(policies/", page)) == len(c.docs)
    assert "## 2017 年" in page and "### 2017 年 6 月" in page and "## 日期不详" in page
    assert page.index("## 2017 年") < page.index("## 2018 年") < page.index("## 日期不详")


def test_chain_of_a_much_cited_document_is_capped():
    hub = doc("hub", "国务院关于某项工作的通知", "国发〔2020〕1号", date="2020-01-01")
    citing = [doc(f"c{i:03d}", f"某地实施方案{i}", None, [Citation(None, "国发〔2020〕1号")], date="2020-02-01") for i in range(100)]
    c = link([hub, *citing])
    assert len(timeline.chain(c.by_slug["hub"], c, limit=40)) == 41
