"""The built sample site in a real browser (headless Chromium): search, 文号 lookup, results,
cross-links, the metadata card, copy-link anchors, print layout. Pages are found through the
generated docs/ (front matter), never by hard-coded file names."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from converter.text import docnumber
from tests.support import ROOT

ARTIFACTS = ROOT / "test-artifacts"
DOCS = ROOT / "docs" / "policies"


def front(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    return yaml.safe_load(text.split("\n---\n", 1)[0][4:])


def documents() -> dict[str, dict]:
    return {p.stem: front(p) for p in sorted(DOCS.glob("*.md")) if p.name != "index.md"}


def with_number() -> tuple[str, dict]:
    """A document with a 文号 and a written date (the card's fullest case)."""
    slug, meta = next((s, m) for s, m in documents().items() if m.get("doc_number") and m.get("written_date"))
    return slug, meta


def citing() -> tuple[str, dict]:
    """A document whose 本文引用 list links to another page."""
    for slug, meta in documents().items():
        if meta.get("cites") and "## 本文引用" in (DOCS / f"{slug}.md").read_text(encoding="utf-8"):
            return slug, meta
    pytest.fail("no sample document cites another: the cross-link test has nothing to follow")


def heading(page) -> str:
    """The page's title as shown (without the ¶ permalink)."""
    return page.locator("article h1").first.inner_text().replace("¶", "").strip()


def open_search(page, query: str) -> None:
    page.click(".md-search__input")  # the header's search field (wide screens)
    page.fill(".md-search__input", query)
    page.wait_for_function("document.querySelector('[data-policy-search]').dataset.results !== undefined")


def results_for(page, query: str) -> list[str]:
    page.evaluate("document.querySelector('[data-policy-search]').removeAttribute('data-results')")
    open_search(page, query)
    page.wait_for_selector(".md-search-result__item")
    return page.locator(".md-search-result__link").evaluate_all("els => els.map(e => e.href)")


def test_searching_a_term_lists_every_document_containing_it_with_a_marked_excerpt(page, site_url):
    term = "医联体"
    containing = {s for s in documents() if term in (DOCS / f"{s}.md").read_text(encoding="utf-8").split("??? info record")[0]}
    assert len(containing) >= 2
    page.goto(site_url)
    hrefs = results_for(page, term)
    assert {h.rstrip("/").rsplit("/", 1)[-1] for h in hrefs} == containing
    first = page.locator(".md-search-result__item").first
    assert first.locator("h1").inner_text().strip()
    assert term in "".join(first.locator("mark").all_inner_texts())
    assert page.locator(".md-search-result__meta").inner_text() == f"找到 {len(containing)} 个页面包含“{term}”"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "search-results.png"))


def test_clicking_a_search_result_opens_that_document(page, site_url):
    page.goto(site_url)
    results_for(page, "分级诊疗")
    link = page.locator(".md-search-result__link").first
    title = link.locator("h1").inner_text().strip()
    link.click()
    page.wait_for_load_state()
    assert heading(page) == title


@pytest.mark.parametrize("brackets", ["〔〕", "[]", "()", "【】"])
def test_a_doc_number_typed_in_any_brackets_opens_its_document(page, site_url, brackets):
    slug, meta = with_number()
    typed = meta["doc_number"].replace("〔", brackets[0]).replace("〕", brackets[1])
    page.goto(site_url + "browse/regions/")
    open_search(page, typed)
    page.press(".md-search__input", "Enter")
    page.wait_for_url(re.compile(rf"/policies/{re.escape(slug)}/$"))
    assert heading(page) == meta["title"]


def test_the_search_box_normalises_a_doc_number_like_the_converter(page, site_url):
    variants = ["国办发〔2017〕32号", "国办发[2017]32号", "国办发(2017)32号", "国办发（2017）第32号",
                "国办发【2017】032号", " 黑政办规［2017］25号 ", "国令第707号", "省政府令第232号", "医联体", "2017年"]
    page.goto(site_url)
    js = page.evaluate("vs => vs.map(v => window.policySearch.normaliseDocNumber(v))", variants)
    assert js == [docnumber.parse(v) for v in variants]


def test_following_a_cross_link_reaches_the_cited_page_and_back(page, site_url):
    slug, meta = citing()
    page.goto(site_url + f"policies/{slug}/")
    link = page.locator("#cites + ul a").first
    link.click()
    page.wait_for_load_state()
    cited = meta["cites"][0]
    assert (cited.get("title") or cited["doc_number"]) in page.locator("article").inner_text()
    back = page.locator(f"article a[href*='{slug}']").first
    back.click()
    page.wait_for_url(re.compile(rf"/policies/{re.escape(slug)}/$"))


def test_document_page_shows_the_metadata_card_and_saves_a_screenshot(page, site_url):
    slug, meta = with_number()
    page.goto(site_url + f"policies/{slug}/")
    card = page.locator(".policy-card")
    rows = dict(zip(card.locator("tr > :first-child").all_inner_texts(), card.locator("tr > :last-child").all_inner_texts()))
    assert rows["标题"] == meta["title"]
    assert rows["发文字号"] == meta["doc_number"]
    assert rows["发文机关"] == "、".join(meta["issuers"])
    assert rows["成文日期"] == meta["written_date"]
    for label in ("发布日期", "地区/层级", "类型", "来源", "主题"):
        assert label in rows
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "document-page.png"), full_page=False)


def test_copy_link_button_puts_the_items_anchor_in_the_url(page, site_url):
    slug, _ = with_number()
    page.goto(site_url + f"policies/{slug}/")
    item = page.locator("p.item[id]").first
    anchor = item.get_attribute("id")
    item.hover()
    item.locator(".policy-copy-link").click()
    assert page.evaluate("location.hash") == f"#{anchor}"
    assert item.locator(".policy-copy-link").get_attribute("data-copied").endswith(f"/policies/{slug}/#{anchor}")


def test_printing_a_document_leaves_out_the_site_chrome(page, site_url):
    slug, meta = with_number()
    page.goto(site_url + f"policies/{slug}/")
    page.emulate_media(media="print")
    for chrome in (".md-header", ".md-sidebar--primary", ".md-footer"):
        assert not page.locator(chrome).first.is_visible()
    assert page.locator("article h1").first.is_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "document-print.png"))


def test_only_document_articles_are_indexed_for_search(built_site):
    slugs = set(documents())
    marked = {p.parent.name for p in (built_site / "policies").glob("*/index.html") if "data-pagefind-body" in p.read_text(encoding="utf-8")}
    assert marked == slugs
    others = [p for p in built_site.rglob("index.html") if p.parent.parent.name != "policies"]
    assert others and not any("data-pagefind-body" in p.read_text(encoding="utf-8") for p in others)
    entry = json.loads((built_site / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert sum(lang["page_count"] for lang in entry["languages"].values()) == len(slugs)


@pytest.mark.parametrize("query", ["医疗", "公立 医院"])
def test_search_results_render_scraped_text_as_text(page, site_url, query):
    """Excerpts are cut from the page's own text and set as text: only <mark> elements appear
    in a result."""
    page.goto(site_url)
    results_for(page, query)
    tags = page.locator(".md-search-result__article *").evaluate_all("els => [...new Set(els.map(e => e.tagName))]")
    assert set(tags) <= {"H1", "P", "MARK"}
    assert page.locator(".md-search-result__article mark").count() > 0


def test_on_a_phone_the_header_button_opens_the_search(browser, site_url):
    context = browser.new_context(viewport={"width": 390, "height": 800}, is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        page.goto(site_url)
        page.click("label.md-header__button[for=__search]")
        page.keyboard.type("分级诊疗")
        page.wait_for_selector(".md-search-result__item")
        assert page.locator(".md-search-result__item").first.is_visible()
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "search-phone.png"))
    finally:
        context.close()


def test_pages_holding_only_some_of_the_words_come_after_the_matches_under_their_own_heading(page, site_url):
    bodies = {s: (DOCS / f"{s}.md").read_text(encoding="utf-8").split("??? info record")[0] for s in documents()}
    # Phrases whose words Pagefind also finds apart on other sample pages (人事 … 薪酬).
    query = next(q for q in ("人事薪酬", "信息平台", "绩效工资") if 0 < sum(q in b for b in bodies.values()) < len(bodies))
    containing = {s for s, body in bodies.items() if query in body}
    page.goto(site_url)
    hrefs = results_for(page, query)
    assert {h.rstrip("/").rsplit("/", 1)[-1] for h in hrefs} == containing
    assert query in "".join(page.locator(".md-search-result__item mark").all_inner_texts())
    page.click("text=显示含有其中部分词语的页面")
    page.wait_for_selector(".policy-search__section")
    assert "不含完整的“" + query + "”" in page.locator(".policy-search__section").first.inner_text()
    links = page.locator(".md-search-result__link").evaluate_all("els => els.map(e => [e.href, e.dataset.kind])")
    kinds = [k for _, k in links]
    assert kinds[: len(hrefs)] == ["match"] * len(hrefs) and set(kinds[len(hrefs):]) <= {"related"}
    related = {h.rstrip("/").rsplit("/", 1)[-1] for h, k in links if k == "related"}
    assert not related & containing and len(links) == len({h for h, _ in links})
