"""Issue 14, item 14: what leaves the site for other programs and hosts says what it is.

The feed's summaries are declared HTML and escaped as HTML, so a 文号 or issuer holding markup
shows as text in every feed reader; an attachment on another host than the page's is marked
external (rel="noopener nofollow") and shows that host."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import lxml.html
import markdown

from converter.model import Block
from converter.render import feed
from converter.render.page import render
from tests.linked_corpus import doc

ATOM = "{http://www.w3.org/2005/Atom}"
HOSTILE = "国办发〔2020〕1号<b>粗</b><script>alert(1)</script>&amp;"


def _summaries(text: str) -> list[ET.Element]:
    return [e.find(f"{ATOM}summary") for e in ET.fromstring(text.encode("utf-8")).findall(f"{ATOM}entry")]


def test_feed_summaries_are_declared_html_and_show_markup_as_text():
    d = doc("a", "关于做好工作的通知", HOSTILE, date="2020-01-02")
    d.issuers = ["某<i>局</i>"]
    [summary] = _summaries(feed.atom([d], "policies"))
    assert summary.get("type") == "html"
    # What a reader does with type="html": parse the text as HTML. No element may come of it,
    # and the reader sees the 文号 and issuer exactly as written.
    shown = lxml.html.fragment_fromstring(summary.text, create_parent="div")
    assert len(shown) == 0
    assert shown.text_content() == f"{HOSTILE} · 某<i>局</i> · 成文日期 2020-01-02"


def test_feed_summaries_of_plain_facts_read_the_same():
    [summary] = _summaries(feed.atom([doc("a", "通知", "国办发〔2020〕1号", date="2020-01-02")], "policies"))
    assert lxml.html.fragment_fromstring(summary.text, create_parent="div").text_content() == "国办发〔2020〕1号 · 成文日期 2020-01-02"


def _page_with_attachments(page_url: str | None, *hrefs: str) -> str:
    d = doc("a", "关于做好工作的通知", date="2020-01-02")
    d.source.url = page_url
    d.blocks = [Block("attachment", f"附件{i}.pdf", href=h) for i, h in enumerate(hrefs, 1)]
    return markdown.markdown(render(d).split("\n---\n", 1)[1], extensions=["attr_list", "md_in_html", "tables"])


def _links(html: str) -> list:
    return [a for a in lxml.html.fragment_fromstring(html, create_parent="div").iter("a") if "附件" in a.text_content()]


def test_an_attachment_on_another_host_is_marked_external_and_shows_its_host():
    html = _page_with_attachments(
        "https://www.gov.cn/zhengce/content/a.htm",
        "https://www.gov.cn/files/a.pdf", "http://files.example.com/up/b.pdf",
    )
    own, other = _links(html)
    assert own.get("rel") is None and own.get("href") == "https://www.gov.cn/files/a.pdf"
    assert other.get("rel") == "noopener nofollow" and other.get("href") == "http://files.example.com/up/b.pdf"
    assert "（外部网站：files.example.com）" in other.getparent().text_content()
    assert "外部网站" not in own.getparent().text_content()


def test_attachments_of_a_page_without_a_known_address_count_as_external():
    [link] = _links(_page_with_attachments(None, "https://www.gov.cn/files/a.pdf"))
    assert link.get("rel") == "noopener nofollow"
    assert "（外部网站：www.gov.cn）" in link.getparent().text_content()


def test_status_feed_summaries_are_declared_html_and_show_a_clause_as_written():
    from converter import pipeline
    from converter.link.corpus import link
    from converter.model import Clause

    clause = "本办法<b>自2020年1月1日</b>起施行。"
    d = doc("x", "某某办法", "甲发〔2019〕1号")
    d.clauses = [Clause("effective", clause, date="2020-01-01")]
    status_feed = pipeline.pages(link([d], "2024-01-01"))["status-feed.xml"]
    summaries = _summaries(status_feed)
    assert summaries and all(s.get("type") == "html" for s in summaries)
    shown = [lxml.html.fragment_fromstring(s.text, create_parent="div") for s in summaries]
    assert all(len(s) == 0 for s in shown)
    assert clause in [s.text_content() for s in shown]
