"""The site in shards (converter/publish): the same site as one build, links across shards,
one search index, and only changed shards built again."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from pathlib import Path

import pytest

from bench import gen
from converter import pipeline
from converter.link import status
from converter.publish import builder, shards
from tests.support import ROOT

EPOCH = "1656633600"


def _tree(folder: Path, skip: tuple[str, ...] = ()) -> dict[str, str]:
    return {
        rel: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not (rel := p.relative_to(folder).as_posix()).startswith(skip)
    }


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """A generated corpus of 30 documents (they cite one another) converted into a docs/ folder."""
    work = tmp_path_factory.mktemp("shards")
    gen.write_corpus(work / "sources", 30)
    shutil.copytree(ROOT / "docs", work / "docs")
    result = pipeline.build(work / "sources", work / "docs", ROOT, as_of=status.recorded_as_of())
    assert not result.problems
    return work


@pytest.fixture(scope="module")
def two_sites(corpus, monkeypatch_module):
    """The corpus built as one site and as three forced document shards (plus the main one)."""
    monkeypatch_module.setenv("SOURCE_DATE_EPOCH", EPOCH)
    pages = len(shards.document_pages(corpus / "docs"))
    size = -(-pages // 3)
    one = builder.publish(corpus / "one", ROOT / "mkdocs.yml", corpus / "docs", work=corpus / "cache-one", size=pages)
    three = builder.publish(corpus / "three", ROOT / "mkdocs.yml", corpus / "docs", jobs=2, work=corpus / "cache", size=size)
    return corpus, one, three, size


@pytest.fixture(scope="module")
def monkeypatch_module():
    mp = pytest.MonkeyPatch()
    yield mp
    mp.undo()


def test_a_small_corpus_is_one_build():
    assert shards.count(30, 5000) == 1
    assert [s.name for s in shards.plan(ROOT / "docs", 5000)] == ["all"]


def test_shards_are_balanced_and_a_page_moves_only_to_the_new_shard():
    pages = [f"policies/doc-{i}.md" for i in range(20000)]
    sizes = [0] * 4
    for p in pages:
        sizes[shards.shard_of(p, 4)] += 1
    assert max(sizes) < 1.1 * min(sizes)
    moved = [p for p in pages if shards.shard_of(p, 4) != shards.shard_of(p, 5)]
    assert all(shards.shard_of(p, 5) == 4 for p in moved)
    assert 0.15 < len(moved) / len(pages) < 0.25  # about 1/5 of the pages, to the new shard only


def test_shard_size_comes_from_the_environment_and_bad_values_are_named(monkeypatch):
    monkeypatch.setenv("SHARD_SIZE", "7")
    assert shards.shard_size() == 7
    monkeypatch.setenv("SHARD_SIZE", "many")
    with pytest.raises(ValueError, match="SHARD_SIZE.*'many'"):
        shards.shard_size()


def test_three_forced_shards_give_the_same_site_as_one_build(two_sites):
    work, one, three, _size = two_sites
    assert one.shards == ["all"]
    assert three.shards == ["main", "d0", "d1", "d2"]
    skip = ("pagefind/", "search/index.json")
    assert _tree(work / "three", skip) == _tree(work / "one", skip)
    # The one substring index over every shard's pages: the same as one build's, plus the
    # list of the other shards' Pagefind bundles the search box merges.
    merged = json.loads((work / "three" / "search" / "index.json").read_text(encoding="utf-8"))
    assert merged.pop("pagefind_bundles") == ["pagefind/shards/d1/", "pagefind/shards/d2/"]
    assert merged == json.loads((work / "one" / "search" / "index.json").read_text(encoding="utf-8"))
    for bundle in ("pagefind", *merged_bundles(work / "three")):
        assert (work / "three" / bundle / "pagefind-entry.json").is_file(), bundle


def merged_bundles(site: Path) -> list[str]:
    return json.loads((site / "search" / "index.json").read_text(encoding="utf-8")).get("pagefind_bundles", [])


def test_links_between_documents_of_different_shards_resolve(two_sites):
    work, _one, _three, size = two_sites
    site = work / "three"
    pages = shards.document_pages(work / "docs")
    n = shards.count(len(pages), size)
    crossing = 0
    for page in (p for p in pages if p.startswith("policies/")):
        html = (site / page.removesuffix(".md") / "index.html").read_text(encoding="utf-8")
        for href in re.findall(r'href="(\.\./[^"#]+)"', html):
            target = (site / page.removesuffix(".md") / href).resolve()
            assert (target / "index.html").is_file() or target.is_file(), f"{page}: {href}"
            rel = target.relative_to(site.resolve()).as_posix()
            if rel.startswith("policies/") and rel != "policies":
                crossing += shards.shard_of(f"{rel.rstrip('/')}.md", n) != shards.shard_of(page, n)
    assert crossing > 0  # the corpus's citations do cross shards


def test_an_unchanged_shard_is_not_built_again(two_sites):
    work, _one, _three, size = two_sites
    again = builder.publish(work / "three", ROOT / "mkdocs.yml", work / "docs", work=work / "cache", size=size, index=False)
    assert again.built == []
    page = next(p for p in shards.document_pages(work / "docs") if p.startswith("policies/"))
    path = work / "docs" / page
    original = path.read_bytes()
    try:
        path.write_bytes(original.replace(b"\n# ", b"\n# \xe6\x94\xb9", 1))
        changed = builder.publish(work / "three", ROOT / "mkdocs.yml", work / "docs", work=work / "cache", size=size, index=False)
        assert changed.built == [f"d{shards.shard_of(page, 3)}"]
    finally:
        path.write_bytes(original)


def test_a_shard_that_fails_is_named(two_sites, monkeypatch):
    work, _one, _three, size = two_sites
    page = work / "docs" / "policies" / "broken.md"
    page.write_text("---\ntitle: x\n---\n\n[missing](nowhere.md)\n", encoding="utf-8")
    try:
        with pytest.raises(builder.BuildFailed, match=r"(?s)shard (main|d\d).*nowhere\.md"):
            builder.publish(work / "broken-site", ROOT / "mkdocs.yml", work / "docs", work=work / "cache-broken", size=size, index=False)
    finally:
        page.unlink()
    assert os.environ.get("POLICY_SHARD") is None


def test_a_changed_shard_builds_only_its_changed_pages_and_the_site_is_as_a_fresh_build(two_sites, monkeypatch):
    work, _one, _three, size = two_sites
    monkeypatch.setenv("SITE_URL", "https://example.org/lib/")  # so that the sitemaps list pages
    docs = work / "docs"

    def publish(name: str, cache: str) -> builder.Report:
        return builder.publish(work / name, ROOT / "mkdocs.yml", docs, work=work / cache, size=size, index=False)

    publish("url", "cache-url")
    page = next(p for p in shards.document_pages(docs) if p.startswith("policies/"))
    path, original = docs / page, (docs / page).read_bytes()
    extra = "policies/zz-extra.md"  # a page no other page links to, so it can go again
    try:
        path.write_bytes(original.replace(b"\n# ", "\n# 再改".encode(), 1))
        (docs / extra).write_bytes(original.replace(b"\n# ", "\n# 新增".encode(), 1))
        assert shards.count(len(shards.document_pages(docs)), size) == 3
        changed = publish("url", "cache-url")
        where = {f"d{shards.shard_of(page, 3)}", f"d{shards.shard_of(extra, 3)}"}
        assert set(changed.built) == where
        assert sum(changed.pages.values()) == 2
        assert (work / "url" / builder.page_output(extra)).is_file()
        (docs / extra).unlink()
        less = publish("url", "cache-url")
        assert less.pages == {f"d{shards.shard_of(extra, 3)}": 0}
        assert not (work / "url" / builder.page_output(extra)).exists()
        fresh = publish("url-fresh", "cache-url-fresh")
        assert fresh.pages[f"d{shards.shard_of(page, 3)}"] > 1
        assert "<url>" in (work / "url" / "sitemap.xml").read_text(encoding="utf-8")
        assert "zz-extra" not in (work / "url" / "sitemap.xml").read_text(encoding="utf-8")
        assert _tree(work / "url", ("pagefind/", "search/")) == _tree(work / "url-fresh", ("pagefind/", "search/"))
    finally:
        path.write_bytes(original)
        (docs / extra).unlink(missing_ok=True)


def test_a_damaged_page_manifest_builds_the_shard_whole(two_sites):
    work, _one, _three, size = two_sites
    docs = work / "docs"
    page = next(p for p in shards.document_pages(docs) if p.startswith("policies/"))
    name = f"d{shards.shard_of(page, 3)}"
    path, original = docs / page, (docs / page).read_bytes()
    builder.publish(work / "three", ROOT / "mkdocs.yml", docs, work=work / "cache", size=size, index=False)
    try:
        (work / "cache" / f"{name}.pages.json").write_text("{not json", encoding="utf-8")
        path.write_bytes(original.replace(b"\n# ", "\n# 三改".encode(), 1))
        again = builder.publish(work / "three", ROOT / "mkdocs.yml", docs, work=work / "cache", size=size, index=False)
        assert again.pages[name] == sum(shards.shard_of(p, 3) == int(name[1:]) for p in shards.document_pages(docs))
    finally:
        path.write_bytes(original)
