"""The search box a Chinese reader can trust, in headless Chromium on the built sample site:
every page holding the query and no other (random stretches of page text against a substring
scan), Traditional queries like Simplified ones, nonsense finds nothing, the banner tells the
truth, the keyboard works and keeps the focus in a named dialog, a cited-but-missing 文号 leads
to its 待收录 page."""

from __future__ import annotations

import json
import random
import re

import opencc
import pytest

from bench.search_bench import queries as bench_queries
from converter.search import substring_index as si
from tests.support import ROOT

SEED = 16


def folded_pages(site) -> list[str]:
    return [si.fold(p.title)[0] + "\n" + si.fold(p.body)[0] for p in si.read_site(site)]


def random_queries(site, n: int) -> list[str]:
    """Random 2–12 character stretches of page text, drawn as the search benchmark draws them."""
    return bench_queries(si.read_site(site), random.Random(SEED), n)


def ranked(page, queries: list[str]) -> list[list[int]]:
    return page.evaluate("async qs => { const o = []; for (const q of qs) o.push((await window.policySearch.rankedIds(q)).map(h => h[0])); return o; }", queries)


def type_query(page, query: str) -> None:
    page.evaluate("document.querySelector('[data-policy-search]').removeAttribute('data-results')")
    page.click(".md-search__input")
    page.fill(".md-search__input", query)
    page.wait_for_function("document.querySelector('[data-policy-search]').dataset.results !== undefined")
    page.wait_for_function("document.querySelector('[data-policy-search]').dataset.results === '0' || document.querySelector('.md-search-result__link')")


def test_random_stretches_of_page_text_find_every_page_holding_them_and_no_other(page, site_url, built_site):
    texts = folded_pages(built_site)
    queries = random_queries(built_site, 60)
    page.goto(site_url)
    for q, ids in zip(queries, ranked(page, queries)):
        f = si.fold(q)[0]
        assert set(ids) == {i for i, t in enumerate(texts) if f in t}, q
        assert len(ids) == len(set(ids))


@pytest.mark.parametrize("n", range(6))
def test_the_box_never_says_no_page_holds_a_query_some_page_holds_and_lists_only_pages_holding_it(page, site_url, built_site, n):
    q = random_queries(built_site, 6)[n]
    f = si.fold(q)[0]
    holders = sum(f in t for t in folded_pages(built_site))
    page.goto(site_url)
    type_query(page, q)
    banner = page.locator(".md-search-result__meta").inner_text()
    assert "没有页面包含" not in banner and banner == f"找到 {holders} 个页面包含“{q}”"
    for article in page.locator('.md-search-result__link[data-kind="match"] article').all():
        shown = article.locator("h1").inner_text() + article.locator("p:not(.policy-search__note)").inner_text()
        assert f in si.fold(shown.replace("…", ""))[0]
        marks = article.locator("mark").all_inner_texts()
        assert marks and all(si.fold(m)[0] == f for m in marks)


def test_a_traditional_query_lists_the_same_pages_in_the_same_order_as_simplified(page, site_url, built_site):
    s2t = opencc.OpenCC("s2t")
    queries = [q for q in ["医联体", "高中阶段教育", "三级公立医院", "分级诊疗", "绩效考核"] + random_queries(built_site, 20) if s2t.convert(q) != q]
    page.goto(site_url)
    simplified = ranked(page, queries)
    traditional = ranked(page, [s2t.convert(q) for q in queries])
    assert simplified == traditional and any(simplified)
    type_query(page, "醫聯體")
    assert page.locator(".md-search-result__meta").inner_text().startswith("找到 ")
    assert "医联体" in page.locator(".md-search-result__list mark").all_inner_texts()


@pytest.mark.parametrize("query", ["量子纠缠区块链", "恐龙化石拍卖会"])
def test_a_nonsense_query_says_no_page_holds_it_and_enter_opens_nothing(page, site_url, query):
    page.goto(site_url)
    type_query(page, query)
    assert page.locator(".md-search-result__meta").inner_text() == f"没有页面包含“{query}”"
    assert page.locator(".md-search-result__link").count() == 0
    before = page.url
    page.press(".md-search__input", "Enter")
    page.wait_for_timeout(300)
    assert page.url == before


def test_arrow_keys_move_through_the_results_enter_opens_the_chosen_one_escape_closes(page, site_url):
    page.goto(site_url)
    type_query(page, "医联体")
    links = page.locator(".md-search-result__link")
    assert links.count() >= 2
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.href") == links.nth(0).get_attribute("href")
    page.keyboard.press("ArrowDown")
    second = links.nth(1).get_attribute("href")
    assert page.evaluate("document.activeElement.href") == second
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    assert page.evaluate("document.activeElement.classList.contains('md-search__input')")
    page.keyboard.press("Escape")
    assert not page.evaluate("document.getElementById('__search').checked")
    type_query(page, "医联体")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_url(second)


def test_tab_keeps_the_focus_in_the_open_search_dialog(page, site_url):
    page.goto(site_url)
    type_query(page, "医联体")
    for _ in range(25):
        page.keyboard.press("Tab")
        assert page.evaluate("document.querySelector('[data-policy-search]').contains(document.activeElement)")
    for _ in range(5):
        page.keyboard.press("Shift+Tab")
        assert page.evaluate("document.querySelector('[data-policy-search]').contains(document.activeElement)")


def test_the_search_dialog_is_named(page, site_url):
    page.goto(site_url)
    dialog = page.locator("[data-policy-search]")
    assert dialog.get_attribute("role") == "dialog" and dialog.get_attribute("aria-label")
    assert dialog.get_attribute("aria-modal") == "true"
    type_query(page, "医联体")
    named = page.get_by_role("dialog", name=dialog.get_attribute("aria-label"), exact=True)
    assert named.count() == 1 and named.is_visible()
    assert page.get_by_role("list", name="搜索结果").get_by_role("link").count() >= 2


def test_a_cited_but_missing_doc_number_leads_to_its_waiting_page(page, site_url, built_site):
    graph = json.loads((built_site / "data" / "documents.json").read_text(encoding="utf-8"))
    have = {d["doc_number"] for d in graph["documents"] if d.get("doc_number")}
    missing = next(m for m in graph["missing"] if m.get("doc_number") and m["doc_number"] not in have)
    page.goto(site_url)
    type_query(page, missing["doc_number"].replace("〔", "[").replace("〕", "]"))
    note = page.locator(".md-search-result__item .policy-search__note").first.inner_text()
    assert "本库尚未收录" in note
    page.press(".md-search__input", "Enter")
    page.wait_for_url(re.compile(re.escape(missing["url"]) + "$"))


def test_a_doc_number_hit_is_counted_and_listed_once(page, site_url, built_site):
    pages = si.read_site(built_site)
    target = next(p for p in pages if p.number)
    page.goto(site_url)
    type_query(page, target.number.replace("〔", "(").replace("〕", ")"))
    urls = page.locator(".md-search-result__link").evaluate_all("els => els.map(e => e.href)")
    count = int(re.match(r"找到 (\d+) 个", page.locator(".md-search-result__meta").inner_text()).group(1))
    assert count == len(urls) == len(set(urls)) and urls[0].endswith(target.url)


# axe-core comes from npm (`make axe`, package.json: the accessibility tests' convention); the
# page tests exclude the search dialog, which is checked here, open and with results.
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


def test_axe_finds_no_serious_or_critical_problem_in_the_open_search_dialog(page, site_url):
    if not AXE.is_file():
        pytest.skip(f"accessibility test skipped: {AXE} missing: run `make axe` (npm ci)")
    page.goto(site_url)
    type_query(page, "医联体")
    page.keyboard.press("ArrowDown")
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    result = page.evaluate("axe.run({include: [['[data-policy-search]']]}, {resultTypes: ['violations']})")
    found = [{"id": v["id"], "impact": v["impact"], "nodes": [(n["target"], n["failureSummary"][-160:]) for n in v["nodes"]][:5]}
             for v in result["violations"] if v["impact"] in ("serious", "critical")]
    assert not found, json.dumps(found, ensure_ascii=False, indent=1)
