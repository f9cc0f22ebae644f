"""A build with a cache folder re-renders only the document pages whose inputs changed: adding
a source re-renders the pages that cite it (a stub link becomes a real one), not the others,
and the pages are the same as a build without the cache."""

from __future__ import annotations

from converter import pipeline
from tests.linked_corpus import copy_sources

NATIONAL = "gov_2017_32.txt"  # 国办发〔2017〕32号, cited by sample 002
S002 = "002_8c0b7b7d79472d22"
UNRELATED = "000_1ed525b5069ca3ce"  # cites nothing in the corpus, cited by nothing


def _pages(docs):
    return {p.relative_to(docs).as_posix(): p.read_bytes() for p in sorted(docs.rglob("*.md"))}


def _build_counting(monkeypatch, src, docs, cache_dir):
    rendered: list[str] = []
    real = pipeline.render_page

    def counting(d, corpus, links=None):
        rendered.append(d.slug)
        return real(d, corpus, links)

    monkeypatch.setattr(pipeline, "render_page", counting)
    pipeline.build(src, docs, src.parent, cache_dir=cache_dir)
    monkeypatch.setattr(pipeline, "render_page", real)
    return rendered


def test_adding_a_cited_source_rerenders_the_citing_page_and_reuses_the_rest(tmp_path, monkeypatch):
    cache_dir, docs, src = tmp_path / "cache", tmp_path / "docs", tmp_path / "src"
    first = _build_counting(monkeypatch, copy_sources(src, (NATIONAL,)), docs, cache_dir)
    assert UNRELATED in first and S002 in first  # an empty cache renders everything
    stub_page = (docs / "policies" / f"{S002}.md").read_text(encoding="utf-8")
    assert "](../cited/" in stub_page

    second = _build_counting(monkeypatch, copy_sources(src), docs, cache_dir)
    assert S002 in second and "gov_2017_32" in second
    assert UNRELATED not in second
    assert len(second) < len(first)
    assert "](gov_2017_32.md)" in (docs / "policies" / f"{S002}.md").read_text(encoding="utf-8")

    fresh = tmp_path / "fresh"
    pipeline.build(src, fresh, src.parent)  # no cache: everything rendered
    assert _pages(docs) == _pages(fresh)

    assert _build_counting(monkeypatch, src, docs, cache_dir) == []  # nothing changed
    assert _pages(docs) == _pages(fresh)
