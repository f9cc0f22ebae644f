"""Deterministic: two builds of the same sources give byte-identical docs/ (one process or
two) and site/, sitemap.xml.gz included (its gzip header carries a time: it must be the
sources' SOURCE_DATE_EPOCH, not the clock's)."""

from __future__ import annotations

import gzip
import hashlib
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from converter import pipeline
from converter.search.index import pagefind_command
from tests.support import ROOT, SOURCES
from tests.test_security import build_site


def tree(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def epoch(docs: Path) -> str:
    out = subprocess.run([sys.executable, "-m", "converter", "epoch", "--docs", str(docs)], capture_output=True, text=True, cwd=ROOT, check=True)
    return out.stdout.strip()


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory):
    """The project's docs/ rebuilt from sources/ twice (one worker, then two) and built into a site each time."""
    work = tmp_path_factory.mktemp("determinism")
    out = []
    for name, jobs in (("a", 1), ("b", 2)):
        docs = work / name / "docs"
        shutil.copytree(ROOT / "docs", docs)
        result = pipeline.build(SOURCES, docs, ROOT, jobs=jobs)
        assert not result.problems
        build_site(docs, work / name / "site", epoch(docs))
        out.append(work / name)
    return out


def test_two_builds_one_and_two_workers_give_identical_docs(two_builds):
    a, b = two_builds
    assert tree(a / "docs") == tree(b / "docs")
    assert tree(a / "docs") == tree(ROOT / "docs"), "the committed docs/ is what a build gives (run `make docs`)"


def test_two_builds_give_byte_identical_sites(two_builds):
    a, b = two_builds
    ta, tb = tree(a / "site"), tree(b / "site")
    assert "sitemap.xml.gz" in ta and len(ta) > 10
    assert ta == tb


def test_site_dates_come_from_the_sources_not_the_clock(two_builds):
    a, _ = two_builds
    stamp = int(epoch(a / "docs"))
    newest = max(
        line.split("'")[1]
        for page in (a / "docs" / "policies").glob("*.md")
        for line in page.read_text(encoding="utf-8").split("\n---\n", 1)[0].splitlines()
        if line.startswith(("written_date: '", "publish_date: '"))
    )
    assert stamp == int(__import__("calendar").timegm(tuple(int(x) for x in newest.split("-")) + (0, 0, 0)))
    raw = (a / "site" / "sitemap.xml.gz").read_bytes()
    assert struct.unpack("<I", raw[4:8])[0] == stamp  # gzip header mtime
    gzip.decompress(raw)  # and it is a valid archive


def test_pagefind_index_is_byte_identical_too(two_builds, tmp_path):
    # Pagefind itself writes its filter lists in hash-map order (Pagefind#638);
    # converter/search/pagefind_stable.py, run by converter.search.index, puts them in a fixed order.
    a, _ = two_builds
    pytest.importorskip("pagefind")
    sites = []
    for name in ("x", "y"):
        site = tmp_path / name
        shutil.copytree(a / "site", site)
        proc = subprocess.run([sys.executable, "-m", "converter.search.index", str(site)], capture_output=True, text=True, cwd=ROOT)
        assert proc.returncode == 0, proc.stderr[-2000:]
        sites.append(tree(site))
    assert sum(k.startswith("pagefind/filter/") for k in sites[0]) > 1
    assert sites[0] == sites[1]


def test_the_stable_rewrite_changes_order_only(two_builds, tmp_path):
    from converter.search import pagefind_stable

    a, _ = two_builds
    pytest.importorskip("pagefind")
    site = tmp_path / "s"
    shutil.copytree(a / "site", site)
    subprocess.run(pagefind_command(site), check=True)
    before = {pagefind_stable.read(p)[0]: pagefind_stable.read(p)[1] for p in (site / "pagefind" / "filter").glob("*.pf_filter")}
    pagefind_stable.normalise(site)
    after = {pagefind_stable.read(p)[0]: pagefind_stable.read(p)[1] for p in (site / "pagefind" / "filter").glob("*.pf_filter")}
    assert {k: sorted(v) for k, v in before.items()} == {k: sorted(v) for k, v in after.items()}
    assert all(v == sorted(v) for v in after.values())
    meta = pagefind_stable.read(next((site / "pagefind").glob("pagefind.*.pf_meta")))
    hashes = {p.stem for p in (site / "pagefind" / "filter").glob("*.pf_filter")}
    assert {h for _, h in meta[3]} == hashes
    entry = (site / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8")
    assert next((site / "pagefind").glob("pagefind.*.pf_meta")).name[len("pagefind."):-len(".pf_meta")] in entry


def test_sources_outside_the_project_give_the_same_pages_wherever_they_lie(tmp_path):
    """A corpus outside the checkout (CI lays ../shared elsewhere) is named from its own folder
    (``raw/x.html``), so where it lies on the machine changes no byte."""
    builds = []
    for place in ("one/deep/raw", "two/raw"):
        src = tmp_path / place
        src.mkdir(parents=True)
        for p in sorted(SOURCES.glob("00[04]_*.txt")):
            shutil.copy(p, src / p.name)
        out = tmp_path / place.replace("/", "-")
        pipeline.build(src, out, ROOT)
        builds.append(out)
        page = next((out / "policies").glob("004_*.md")).read_text(encoding="utf-8")
        assert "file: raw/004_" in page and str(tmp_path) not in page
    assert tree(builds[0]) == tree(builds[1])
