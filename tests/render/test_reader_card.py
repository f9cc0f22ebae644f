"""The metadata card and the lists a reader browses: 来源 from the page's own address, 索引号,
主题 as a path, regions from the issuer and browsed province › city › county, home figures."""

from __future__ import annotations

import copy
import dataclasses

import pytest

from converter import pipeline
from converter.clean import pagemeta
from converter.model import SourceInfo
from converter.pipeline import convert_source
from converter.render import page as render
from converter.render import sitepages
from converter.text import places
from tests.support import CORPUS, ROOT

GOV_SELF_LINKS = """<html><head><title>专利代理条例</title></head><body>
<img src="http://www.gov.cn/zhengce/130.files/save.gif">
<a href="/zhengce/content/2018-11/19/content_5341736.htm#" onclick="print()">打印</a>
<a href="/zhengce/content/2018-11/19/content_5341736.htm#">收藏</a>
<a href="/zhengce/content/2018-11/19/content_5000001.htm">另一篇</a></body></html>"""


def test_page_address_from_canonical_link_then_self_links_on_the_sites_host():
    assert pagemeta.page_address('<link rel="canonical" href="https://a.gov.cn/x/1.html">') == "https://a.gov.cn/x/1.html"
    assert pagemeta.page_address(GOV_SELF_LINKS) == "http://www.gov.cn/zhengce/content/2018-11/19/content_5341736.htm"
    domain = '<meta name="SiteDomain" content="www.wanzai.gov.cn">' + GOV_SELF_LINKS
    assert pagemeta.page_address(domain).startswith("http://www.wanzai.gov.cn/zhengce/")


def test_page_without_an_address_of_its_own_gets_none():
    one_link = '<a href="/a/1.htm#">x</a><a href="/a/2.htm#">y</a>'  # two different pages: neither is itself
    assert pagemeta.page_address(one_link) is None
    assert pagemeta.page_address("<p>正文</p>") is None


def test_card_links_the_source_shows_index_number_and_topic_path(sample_docs):
    doc = dataclasses.replace(
        sample_docs["001"][0], index_number="000014349/2018-00206", topics=["卫生、体育", "卫生"],
        source=SourceInfo(file="x.html", url="http://www.gov.cn/zhengce/content/2018-11/19/content_5341736.htm"),
    )
    card = "\n".join(render.card(doc))
    assert "| 索引号 | 000014349/2018-00206 |" in card
    assert "| 主题 | 卫生、体育 › 卫生 |" in card
    assert "| 来源 | [www.gov.cn](http://www.gov.cn/zhengce/content/2018-11/19/content_5341736.htm) |" in card


@pytest.mark.parametrize("issuer, region, level", [
    ("万载县统计局", "江西省宜春市万载县", "county"),
    ("江西省万载县人民政府", "江西省宜春市万载县", "county"),
    ("海淀区教育委员会", "北京市海淀区", "county"),
    ("宜春市统计局", "江西省宜春市", "municipal"),
])
def test_a_county_issuer_places_the_document(issuer, region, level):
    p = places.locate(issuer)
    assert (p.region, p.level) == (region, level)


def test_regions_are_browsed_province_city_county(sample_docs):
    base = sample_docs["001"][0]
    docs = [
        dataclasses.replace(base, slug="a", region="江西省宜春市万载县", level="county"),
        dataclasses.replace(base, slug="b", region="江西省宜春市", level="municipal"),
        dataclasses.replace(base, slug="c", region="江西省", level="provincial"),
        dataclasses.replace(base, slug="d", region=None, level=None),
    ]
    page = sitepages.regions_page(docs)
    headings = [line.split(" <small>")[0] for line in page.splitlines() if line.startswith("#")]
    assert headings == ["# 按地区浏览", "## 江西省", "### 江西省 › 宜春市", "#### 江西省 › 宜春市 › 万载县", "## 地区不详"]
    assert "[江西省（3）](#g1)" in page


def test_home_figures_are_never_zero_and_the_title_is_not_doubled(sample_docs):
    corpus = pipeline.link([copy.deepcopy(d) for ds in sample_docs.values() for d in ds])  # shared by the session: copies
    home = sitepages.home(corpus)
    assert "<strong>0</strong>" not in home and "份被引用文件待收录" in home
    assert "时间跨度" not in home  # the span is one of the figures
    assert "- [按地区浏览](browse/regions.md)" in home


@pytest.mark.skipif(not (CORPUS / "raw").is_dir(), reason="reference corpus not present")
def test_every_gov_cn_page_of_the_corpus_shows_its_address():
    for page in sorted((CORPUS / "raw").glob("govcn_*.html")):
        docs, problems = convert_source(page, ROOT)
        assert not problems
        assert docs[0].source.url.startswith("http://www.gov.cn/"), page.name


@pytest.mark.skipif(not (CORPUS / "raw").is_dir(), reason="reference corpus not present")
def test_a_bulletin_is_placed_by_its_issuer():
    (doc,) = convert_source(next((CORPUS / "raw").glob("wanzai_*.html")), ROOT)[0]
    assert doc.region == "江西省宜春市万载县" and doc.level == "county"
