"""A dictionary term with more matches than one page of results: the first page comes from the
term's file (data/terms/), later pages from Pagefind, and every matching document is listed
exactly once, newest first. Built from the samples plus copies of one of them (more pages
than the samples alone have)."""

from __future__ import annotations

import shutil

import pytest
import yaml

from tests.browser.harness import build_site, missing_browser, serve
from tests.support import ROOT

TERM = "医联体"
COPIES = 14


def split_front(text: str) -> tuple[dict, str]:
    head, body = text[4:].split("\n---\n", 1)
    return yaml.safe_load(head), body


@pytest.fixture(scope="module")
def paged_site(tmp_path_factory):
    reason = missing_browser()
    if reason:
        pytest.skip(f"browser tests skipped: {reason}")
    root = tmp_path_factory.mktemp("paging")
    docs = root / "docs"
    shutil.copytree(ROOT / "docs", docs)
    policies = docs / "policies"
    model = next(p for p in sorted(policies.glob("*.md")) if p.name != "index.md" and TERM in p.read_text(encoding="utf-8"))
    meta, body = split_front(model.read_text(encoding="utf-8"))
    for k in range(COPIES):
        # Pairs of copies share a day, so the order within a day is exercised too.
        copy = {**meta, "title": f"{meta['title']}（副本{k}）", "doc_number": None, "written_date": f"2030-01-{1 + k // 2:02d}"}
        front = yaml.safe_dump(copy, allow_unicode=True, sort_keys=False)
        (policies / f"zz_copy_{k:02d}.md").write_text(f"---\n{front}---\n{body}", encoding="utf-8")
    expected = {}
    for p in sorted(policies.glob("*.md")):
        if p.name == "index.md":
            continue
        m, b = split_front(p.read_text(encoding="utf-8"))
        if TERM in b.split("??? info record")[0]:
            expected[p.stem] = str(m.get("written_date") or m.get("publish_date") or "0000-00-00")
    site = build_site(docs, root / "site")
    with serve(site) as url:
        yield url, expected


def listed(page) -> list[str]:
    hrefs = page.locator(".md-search-result__link").evaluate_all("els => els.map(e => e.href)")
    return [h.rstrip("/").rsplit("/", 1)[-1] for h in hrefs]


def test_more_results_list_every_matching_document_once_newest_first(page, paged_site):
    url, expected = paged_site
    assert len(expected) > 10
    page.goto(url)
    page.click(".md-search__input")
    page.fill(".md-search__input", TERM)
    page.wait_for_selector(".md-search-result__item")
    assert page.locator(".md-search-result__meta").inner_text().startswith(f"找到 {len(expected)} 个符合条件的结果")
    assert len(listed(page)) == 10
    while page.locator(".policy-search__more button").count():
        before = len(listed(page))
        page.click(".policy-search__more button")
        page.wait_for_function(f"document.querySelectorAll('.md-search-result__link').length > {before}")
    slugs = listed(page)
    assert sorted(slugs) == sorted(expected)  # each once, none missing
    dates = [expected[s] for s in slugs]
    assert dates == sorted(dates, reverse=True)


def test_the_first_page_of_a_term_does_not_load_the_search_engine(page, paged_site):
    url, _ = paged_site
    fetched: list[str] = []
    page.on("request", lambda r: fetched.append(r.url))
    page.goto(url)
    page.evaluate(f"window.policySearch.run({TERM!r})")
    page.wait_for_selector(".md-search-result__item")
    assert any("/data/terms/" in u for u in fetched)
    assert not any("/pagefind/" in u for u in fetched)
