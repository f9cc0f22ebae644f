"""Reference-corpus pages in a real browser: a table with merged cells on a phone scrolls in
its own box (the page does not), keeps its header row and spans; a regulation's table of
contents lists its articles. Skipped without ../shared/corpus or Chromium."""

from __future__ import annotations

import shutil
from urllib.parse import quote

import pytest

from converter import pipeline
from tests.browser.harness import build_site, serve
from tests.support import CORPUS, ROOT

ARTIFACTS = ROOT / "test-artifacts"
PAGES = ("govcn_content_5362266", "govcn_content_5341736")


@pytest.fixture(scope="module")
def corpus_site(tmp_path_factory, browser):
    """(URL of a site built from reference-corpus pages, the session's browser)."""
    if not all((CORPUS / "raw" / f"{p}.html").exists() for p in PAGES):
        pytest.skip("reference corpus ../shared/corpus not present")
    work = tmp_path_factory.mktemp("corpus-site")
    (work / "sources").mkdir()
    for name in PAGES:  # a temporary copy for this build only, outside the project
        shutil.copy(CORPUS / "raw" / f"{name}.html", work / "sources")
    shutil.copytree(ROOT / "docs", work / "docs")
    result = pipeline.build(work / "sources", work / "docs", ROOT)
    assert not result.problems
    site = build_site(work / "docs", work / "site")
    with serve(site) as url:
        yield url, browser


def _open(browser, url: str, width: int):
    context = browser.new_context(viewport={"width": width, "height": 800}, locale="zh-CN")
    page = context.new_page()
    page.goto(url)
    return context, page


def test_a_merged_cell_table_scrolls_in_its_own_box_on_a_phone(corpus_site):
    url, browser = corpus_site
    context, page = _open(browser, f"{url}policies/{PAGES[0]}/", 375)
    try:
        box = page.locator(".policy-table").first
        # The box, or Material's scroll wrapper inside it, is wider inside than out and scrolls.
        scrolling = box.evaluate(
            "b => [b, ...b.querySelectorAll('*')].filter(e => e.scrollWidth > e.clientWidth + 1"
            " && ['auto', 'scroll'].includes(getComputedStyle(e).overflowX)).map(e => e.className || e.tagName)"
        )
        assert scrolling, "nothing in the table's box scrolls"
        page_width = page.evaluate("document.documentElement.scrollWidth")
        assert page_width <= 375, page_width
        assert box.locator("thead th").all_inner_texts()[:5] == ["一级指标", "二级指标", "三级指标", "指标性质", "指标说明"]
        assert box.locator("td[rowspan='24']").inner_text() == "一、医疗质量"
        ARTIFACTS.mkdir(exist_ok=True)
        box.evaluate("e => e.scrollIntoView({block: 'start'})")
        page.screenshot(path=str(ARTIFACTS / "table-on-a-phone.png"))
    finally:
        context.close()


@pytest.mark.parametrize("width", [375, 1280])
def test_a_wide_tables_scroll_box_can_be_reached_and_scrolled_by_keyboard(corpus_site, width):
    url, browser = corpus_site
    context, page = _open(browser, f"{url}policies/{PAGES[0]}/", width)
    try:
        page.wait_for_load_state("load")
        box = page.locator(".policy-table .md-typeset__scrollwrap").first
        page.wait_for_function("() => document.querySelector('.policy-table .md-typeset__scrollwrap[tabindex]')")
        assert box.evaluate("b => b.scrollWidth > b.clientWidth")  # the 5-column table is wider than the text
        assert box.get_attribute("tabindex") == "0" and box.get_attribute("role") == "region"
        assert box.get_attribute("aria-label")
        box.focus()
        page.keyboard.press("ArrowRight")
        page.wait_for_function("() => document.querySelector('.policy-table .md-typeset__scrollwrap').scrollLeft > 0")
        # The card's table fits: no extra tab stop.
        assert page.locator(".policy-card .md-typeset__scrollwrap[tabindex]").count() == 0
    finally:
        context.close()


def test_a_regulation_lists_its_articles_in_the_table_of_contents(corpus_site):
    url, browser = corpus_site
    context, page = _open(browser, f"{url}policies/{PAGES[1]}/", 1400)
    try:
        toc = page.locator("nav.md-nav--secondary")
        hrefs = toc.locator("a").evaluate_all("els => els.map(e => e.getAttribute('href'))")
        assert "#" + quote("第一章") in hrefs or "#第一章" in hrefs
        assert "#" + quote("第三条") in hrefs or "#第三条" in hrefs
        page.locator("nav.md-nav--secondary a", has_text="第三条").first.click()
        assert page.evaluate("decodeURIComponent(location.hash)") == "#第三条"
    finally:
        context.close()


def test_a_plain_table_wider_than_a_phone_takes_the_focus_and_keeps_its_table_role(site_url, browser):
    # 贡献指南 has a pipe table (no merged cells): Material lets the <table> itself scroll.
    context, page = _open(browser, f"{site_url}contributing/", 390)
    try:
        page.wait_for_load_state("load")
        page.wait_for_function("() => document.querySelector('.md-typeset table[data-scroll-box]')")
        wide = page.locator(".md-typeset table[data-scroll-box]")
        assert wide.count() >= 1
        assert wide.first.get_attribute("tabindex") == "0" and wide.first.get_attribute("role") is None
        assert wide.first.evaluate("t => t.scrollWidth > t.clientWidth")
        # Tables that fit (or do not scroll) are not made tab stops.
        fits = page.locator(".md-typeset table:not([data-scroll-box])").evaluate_all(
            "ts => ts.filter(t => t.scrollWidth > t.clientWidth + 1"
            " && ['auto', 'scroll'].includes(getComputedStyle(t).overflowX)).length")
        assert fits == 0
    finally:
        context.close()


def test_a_missing_documents_page_never_breaks_its_doc_number_on_a_phone(site_url, browser):
    context, page = _open(browser, f"{site_url}cited/guobanfa-2017-32-518ca0/", 390)
    try:
        cell = page.locator("article table td").nth(1)
        assert cell.inner_text() == "国办发〔2017〕32号"
        # One line: every character's box has the same top.
        tops = cell.evaluate(
            "td => { const r = document.createRange(); r.selectNodeContents(td);"
            " return [...new Set([...r.getClientRects()].map(x => Math.round(x.top)))]; }")
        assert len(tops) == 1, tops
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        context.close()
