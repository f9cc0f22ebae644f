"""A query with more matches than one page of results: later pages on request, every matching
document listed exactly once, most occurrences first, ties newest first; all from the substring
index (site/search/), without loading Pagefind. Built from the samples plus copies of one of
them (more pages than the samples alone have)."""

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


def test_more_results_list_every_matching_document_once_most_occurrences_then_newest_first(page, paged_site):
    url, expected = paged_site
    assert len(expected) > 10
    page.goto(url)
    page.click(".md-search__input")
    page.fill(".md-search__input", TERM)
    page.wait_for_selector(".md-search-result__item")
    assert page.locator(".md-search-result__meta").inner_text() == f"找到 {len(expected)} 个页面包含“{TERM}”"
    assert len(listed(page)) == 10
    more = ".policy-search__more:not(.policy-search__related) button"
    while page.locator(more).count():
        before = len(listed(page))
        page.click(more)
        page.wait_for_function(f"document.querySelectorAll('.md-search-result__link').length > {before}")
    assert page.locator(".policy-search__related").count() == 1  # offered after the last match
    slugs = listed(page)
    assert sorted(slugs) == sorted(expected)  # each once, none missing
    counts = dict(zip(slugs, [c for _, c, _ in page.evaluate(f"window.policySearch.rankedIds({TERM!r})")]))
    keys = [(-counts[s], expected[s]) for s in slugs]
    assert [k[0] for k in keys] == sorted(k[0] for k in keys)
    copies = [expected[s] for s in slugs if s.startswith("zz_copy_")]  # same text: by date
    assert copies == sorted(copies, reverse=True)


def test_matches_come_from_the_substring_index_without_loading_pagefind(page, paged_site):
    url, _ = paged_site
    fetched: list[str] = []
    page.on("request", lambda r: fetched.append(r.url))
    page.goto(url)
    page.evaluate(f"window.policySearch.run({TERM!r})")
    page.wait_for_selector(".md-search-result__item")
    assert any("/search/packs/" in u for u in fetched)
    assert not any("/pagefind/" in u for u in fetched)
