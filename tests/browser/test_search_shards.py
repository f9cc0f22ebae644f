"""Search on a site built in shards (converter/publish): the box lists the same matches, in the
same order, and the same related pages as on the site built at once, Pagefind's per-shard bundles merged in the
browser (mergeIndex)."""

from __future__ import annotations

import shutil

import pytest

from converter.publish import builder, shards
from tests.browser.harness import missing_browser, serve
from tests.browser.test_site_browser import open_search
from tests.support import ROOT

QUERIES = ("人事薪酬", "信息平台", "绩效工资")


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    reason = missing_browser()
    if reason:
        pytest.skip(f"browser tests skipped: {reason}")
    root = tmp_path_factory.mktemp("shard-search")
    docs = root / "docs"
    shutil.copytree(ROOT / "docs", docs)
    pages = len(shards.document_pages(docs))
    one = builder.publish(root / "one", ROOT / "mkdocs.yml", docs, work=root / "cache-one", size=pages)
    three = builder.publish(root / "three", ROOT / "mkdocs.yml", docs, work=root / "cache", size=-(-pages // 3))
    assert one.shards == ["all"] and len(three.shards) == 4
    return root / "one", root / "three"


def everything_listed(page, url: str, query: str) -> tuple[list[str], list[str]]:
    """The matches, then (after asking for them) the pages that only share words with ``query``."""
    page.goto(url)
    open_search(page, query)
    page.wait_for_selector(".md-search-result__item")
    page.click("text=显示含有其中部分词语的页面")
    page.wait_for_selector(".policy-search__section")
    page.wait_for_selector("[data-kind=related]")
    links = page.locator(".md-search-result__link").evaluate_all("els => els.map(e => [e.href, e.dataset.kind])")
    tail = [h.split("/policy-library/", 1)[-1] for h, _ in links]
    kinds = [k for _, k in links]
    return [t for t, k in zip(tail, kinds) if k == "match"], [t for t, k in zip(tail, kinds) if k == "related"]


def test_a_sharded_site_finds_what_the_whole_site_finds(page, sites):
    one, three = sites
    with serve(one) as url:
        expected = {q: everything_listed(page, url, q) for q in QUERIES}
    with serve(three) as url:
        got = {q: everything_listed(page, url, q) for q in QUERIES}
    # Matches (the substring index, one over every shard) in the same order; the related pages
    # are the same pages, ranked by Pagefind per bundle (its word statistics are per index).
    assert {q: m for q, (m, _) in got.items()} == {q: m for q, (m, _) in expected.items()}
    assert {q: sorted(r) for q, (_, r) in got.items()} == {q: sorted(r) for q, (_, r) in expected.items()}
    related = {p for _, rel in got.values() for p in rel}
    n = len(shards.plan(one.parent / "docs", -(-len(shards.document_pages(one.parent / "docs")) // 3))) - 1
    # The related pages come from more than one shard's Pagefind bundle.
    assert len({shards.shard_of(f"{p.rstrip('/')}.md", n) for p in related}) > 1, related
