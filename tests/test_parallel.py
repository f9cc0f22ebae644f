"""Conversion with worker processes gives exactly what one process gives."""

from __future__ import annotations

import shutil

from converter import pipeline
from converter.link.corpus import link
from converter.read.source import list_sources
from tests.support import ROOT, SOURCES


def test_two_jobs_give_the_same_pages_and_problems_as_one(tmp_path):
    src = tmp_path / "sources"
    shutil.copytree(SOURCES, src)
    (src / "empty.html").write_bytes(b"")  # a failing source crosses the process boundary too
    paths = list_sources(src)
    one = pipeline.convert_many(paths, ROOT, jobs=1)
    two = pipeline.convert_many(paths, ROOT, jobs=2)
    assert pipeline.pages(link(two.docs)) == pipeline.pages(link(one.docs))
    assert [(p.file, p.reason) for p in two.problems] == [(p.file, p.reason) for p in one.problems] != []


def test_pages_rendered_by_two_workers_equal_those_of_one_process(monkeypatch):
    from tests.support import SOURCES as samples

    corpus = link(pipeline.convert_many(list_sources(samples), ROOT).docs)
    monkeypatch.setattr(pipeline, "PARALLEL_RENDER_MIN", 2)  # the samples are a small corpus
    assert pipeline.render_pages(corpus, jobs=2) == pipeline.render_pages(corpus, jobs=1)
    assert pipeline.pages(corpus, jobs=2) == pipeline.pages(corpus, jobs=1)


def test_the_worker_pool_unfreezes_the_garbage_collector_even_when_a_worker_fails():
    import gc

    import pytest

    before = gc.get_freeze_count()
    with pytest.raises(ZeroDivisionError):
        with pipeline.workers(2) as pool:
            assert gc.get_freeze_count() > before  # this process's objects are frozen while it runs
            pool.submit(divmod, 1, 0).result()
    assert gc.get_freeze_count() == before
