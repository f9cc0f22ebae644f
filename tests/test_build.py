"""End to end: sources/ -> docs/ -> a strict MkDocs build of the bundled site."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from converter import pipeline
from tests.support import ROOT, SOURCES


def _tree(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """A copy of the project's docs/ rebuilt from sources/, and its site."""
    work = tmp_path_factory.mktemp("build")
    shutil.copytree(ROOT / "docs", work / "docs")
    before = _tree(SOURCES)
    result = pipeline.build(SOURCES, work / "docs", ROOT)
    assert _tree(SOURCES) == before, "the converter must never modify sources/"
    return work, result


def site_config(docs: Path) -> str:
    """The project's mkdocs.yml pointed at another docs folder (its relative paths made absolute)."""
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8").replace("docs_dir: docs", f"docs_dir: {docs}")
    text = text.replace("custom_dir: overrides", f"custom_dir: {ROOT}/overrides")
    return text.replace("  - converter/", f"  - {ROOT}/converter/")


def _mkdocs(docs: Path, site: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", SOURCE_DATE_EPOCH="1656633600")
    cmd = [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(ROOT / "mkdocs.yml"), "-d", str(site)]
    # mkdocs reads docs_dir relative to the config file; point it at the copy.
    cfg = docs.parent / "mkdocs.yml"
    cfg.write_text(site_config(docs), encoding="utf-8")
    cmd[cmd.index(str(ROOT / "mkdocs.yml"))] = str(cfg)
    return subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=docs.parent)


def test_build_gives_six_document_pages_and_no_problems(built):
    work, result = built
    assert not result.problems
    pages = sorted(p.name for p in (work / "docs" / "policies").glob("*.md") if p.name != "index.md")
    assert len(pages) == 6


def test_committed_docs_are_up_to_date_with_sources(built):
    work, _ = built
    assert _tree(work / "docs") == _tree(ROOT / "docs"), "run `make docs` and commit docs/"


def test_rebuilding_unchanged_sources_writes_nothing(built):
    work, _ = built
    again = pipeline.build(SOURCES, work / "docs", ROOT)
    assert again.written == [] and again.removed == []


def test_strict_mkdocs_build_of_the_bundled_site(built):
    work, _ = built
    site = work / "site"
    proc = _mkdocs(work / "docs", site)
    assert proc.returncode == 0, proc.stderr[-3000:]
    html = (site / "policies" / "001_d2b59fd790b2730b" / "index.html").read_text(encoding="utf-8")
    assert "哈政办规〔2017〕28号" in html
    assert 'id="f1-s2"' in html  # anchors on numbered sections
    assert (site / "browse" / "regions" / "index.html").exists()


def test_two_site_builds_are_byte_identical(built, tmp_path):
    work, _ = built
    a, b = tmp_path / "a", tmp_path / "b"
    assert _mkdocs(work / "docs", a).returncode == 0
    assert _mkdocs(work / "docs", b).returncode == 0
    assert _tree(a) == _tree(b)
