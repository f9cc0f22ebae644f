"""The reader's page in a real browser: axe-core finds no serious or critical accessibility
problem on the home page, the document index, a long document and the timeline; the
来源与处理记录 box counts spam without showing it; a phone gets no copy-link buttons on every
heading and timelines it can read. Screenshots go to test-artifacts/."""

from __future__ import annotations

import json

import pytest

from tests.browser.test_site_browser import ARTIFACTS, DOCS, documents

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "locale": "zh-CN"}


def longest_document() -> str:
    return max(documents(), key=lambda s: len((DOCS / f"{s}.md").read_text(encoding="utf-8")))


def spam_document() -> str:
    """A document whose record counts removed spam (sample 002's link farm)."""
    for slug in documents():
        if "赌博、色情链接" in (DOCS / f"{slug}.md").read_text(encoding="utf-8"):
            return slug
    pytest.fail("no sample document records removed spam")


def serious_violations(page, axe_source: str) -> list[dict]:
    page.add_script_tag(content=axe_source)
    # The search dialog has its own accessibility test (the search box's owner's); here the page.
    result = page.evaluate("axe.run({exclude: [['.md-search']]}, {resultTypes: ['violations']})")
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5], "help": v["help"]}
        for v in result["violations"] if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("where", ["home", "index", "long document", "timeline"])
def test_axe_finds_no_serious_or_critical_violation(page, site_url, axe_source, where):
    path = {"home": "", "index": "policies/", "long document": f"policies/{longest_document()}/", "timeline": "timeline/"}[where]
    page.goto(site_url + path)
    page.wait_for_load_state("networkidle")
    found = serious_violations(page, axe_source)
    assert not found, json.dumps(found, ensure_ascii=False, indent=1)


def test_links_have_at_least_4_5_to_1_contrast(page, site_url):
    page.goto(site_url)
    ratio = page.evaluate("""() => {
        const lum = c => { const [r, g, b] = c.match(/\\d+/g).slice(0, 3).map(x => x / 255)
            .map(x => x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4); return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
        const a = document.querySelector('article a[href*="policies/"]');
        const fg = lum(getComputedStyle(a).color), bg = lum('rgb(255, 255, 255)');
        return (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
    }""")
    assert ratio >= 4.5, ratio


def test_record_box_counts_spam_without_showing_it(page, site_url):
    slug = spam_document()
    page.goto(f"{site_url}policies/{slug}/")
    box = page.locator("details.record")
    box.locator("summary").click()
    row = box.locator("tr", has_text="赌博、色情链接")
    assert "不公开" in row.inner_text() and "第 1 行" in row.inner_text()
    html = page.content()
    for spam in ("老司机", "无码", "国产91", "bet007"):
        assert spam not in html
    assert "提示：" not in " ".join(box.locator("table").all_inner_texts())
    ARTIFACTS.mkdir(exist_ok=True)
    box.screenshot(path=str(ARTIFACTS / "record-box.png"))


def test_phone_shows_no_copy_link_buttons_and_nothing_wider_than_the_screen(browser, site_url):
    context = browser.new_context(**PHONE)
    try:
        page = context.new_page()
        page.goto(f"{site_url}policies/{longest_document()}/")
        page.wait_for_load_state("networkidle")
        assert page.locator(".policy-copy-link").count() > 10  # the buttons exist (for a :target item)
        visible = page.locator(".policy-copy-link").evaluate_all(
            "els => els.filter(e => getComputedStyle(e).display !== 'none' && e.getClientRects().length).length")
        assert visible == 0
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "document-390px.png"), full_page=True)
    finally:
        context.close()


def test_timeline_titles_are_whole_on_a_phone(browser, site_url):
    context = browser.new_context(**PHONE)
    try:
        page = context.new_page()
        page.goto(f"{site_url}timeline/")
        clipped = page.evaluate("""() => [...document.querySelectorAll('.policy-timeline td a')].filter(a => {
            const r = a.getBoundingClientRect();
            return r.width === 0 || r.right > window.innerWidth + 1 || r.left < 0;
        }).map(a => a.textContent)""")
        assert page.locator(".policy-timeline td a").count() >= 3
        assert clipped == []
        page.screenshot(path=str(ARTIFACTS / "timeline-390px.png"), full_page=True)
    finally:
        context.close()


def test_home_page_screenshot_and_figures(page, site_url):
    page.goto(site_url)
    figures = page.locator(".policy-figures span").all_inner_texts()
    assert figures and not any(f.strip().startswith("0") for f in figures)
    assert page.title() == "政策文件库"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "home.png"), full_page=True)
