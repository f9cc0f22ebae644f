"""Unlucky runs (issue 14): two builds at once, `add` stopped half-way."""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.contrib_support import PAGE_A, PAGE_B, make_project
from tests.support import ROOT, SAMPLES, SOURCES


def _converter(*argv: str, module: str = "converter") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", module, *argv], cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)


@contextlib.contextmanager
def _held(folder: Path):
    """What a running build holds: flock on the folder (taken here with fcntl directly)."""
    folder.mkdir(parents=True, exist_ok=True)
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        yield
    finally:
        os.close(fd)


def _sources(tmp_path: Path) -> Path:
    src = tmp_path / "sources"
    src.mkdir()
    for name in (SAMPLES["000"], SAMPLES["004"]):
        (src / name).write_bytes((SOURCES / name).read_bytes())
    return src


# --- 6: two builds at once -----------------------------------------------------------------------


def test_a_build_while_another_runs_on_the_same_folder_stops_with_a_clear_message(tmp_path):
    src, docs = _sources(tmp_path), tmp_path / "docs"
    with _held(docs):
        proc = _converter("build", "--sources", str(src), "--out", str(docs), "--cache", str(tmp_path / "cache"))
    assert proc.returncode == 75, proc.stdout + proc.stderr
    assert "another build is running" in proc.stderr and "Traceback" not in proc.stderr
    assert not (docs / "policies").exists()  # it wrote nothing
    proc = _converter("build", "--sources", str(src), "--out", str(docs), "--cache", str(tmp_path / "cache"))
    assert proc.returncode == 0, proc.stderr  # the lock went with the other build


def test_two_builds_started_together_never_crash(tmp_path):
    from converter import pipeline
    from converter.link import status

    src, docs = _sources(tmp_path), tmp_path / "docs"
    # The date pipeline.build defaults to: the command line's default is today, a different page on most days.
    as_of = status.recorded_as_of()
    argv = [sys.executable, "-m", "converter", "build", "--sources", str(src), "--out", str(docs), "--no-cache",
            "--cache", str(tmp_path / "cache"), "--as-of", as_of]
    for _ in range(2):
        runs = [subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
        for run in runs:
            _, err = run.communicate(timeout=300)
            assert run.returncode in (0, 75), err
            assert "Traceback" not in err
            if run.returncode == 75:
                assert "another build is running" in err
    alone = tmp_path / "alone"
    pipeline.build(src, alone, ROOT)
    assert {p.relative_to(docs): p.read_bytes() for p in docs.rglob("*") if p.is_file()} == {
        p.relative_to(alone): p.read_bytes() for p in alone.rglob("*") if p.is_file()
    }


def test_a_temporary_file_of_another_writer_is_not_reused(tmp_path):
    from converter import pipeline

    out = tmp_path / "docs"
    (out / "policies" / "a.md.tmp").mkdir(parents=True)  # what another build was writing
    pipeline.write_pages(out, {"policies/a.md": "# 甲\n"}, owned=())
    assert (out / "policies" / "a.md").read_text(encoding="utf-8") == "# 甲\n"
    assert [p.name for p in (out / "policies").iterdir() if p.name != "a.md"] == ["a.md.tmp"]


def test_make_site_steps_run_under_the_locks_of_docs_and_site(tmp_path):
    recipe = re.split(r"\nsite:[^\n]*\n", (ROOT / "Makefile").read_text(encoding="utf-8"), maxsplit=1)[1].split("\n\n", 1)[0]
    assert "-m converter.runtime.lock docs site --" in recipe and "-m converter.publish site" in recipe.split("converter.runtime.lock", 1)[1]
    site = tmp_path / "site"
    with _held(site):
        proc = _converter(str(tmp_path / "docs"), str(site), "--", "true", module="converter.runtime.lock")
    assert proc.returncode == 75 and "another build is running" in proc.stderr
    assert _converter(str(tmp_path / "docs"), str(site), "--", "true", module="converter.runtime.lock").returncode == 0
    assert _converter(str(site), "--", "false", module="converter.runtime.lock").returncode == 1  # the command's own status


# --- 8: `add` stopped between the page and its sidecar -----------------------------------------


class Killed(BaseException):
    """Stands for SIGKILL: nothing after it runs (write_atomic's own cleanup aside)."""


@pytest.mark.parametrize("stop_at", [1, 2])
def test_add_stopped_between_page_and_sidecar_is_completed_by_a_re_run(tmp_path, monkeypatch, stop_at):
    from converter.tools import add
    from scraper import store

    root = make_project(tmp_path, {"b.html": PAGE_B})
    page = tmp_path / "saved.html"
    page.write_text(PAGE_A, encoding="utf-8")
    url = "http://www.zj.gov.cn/art/2020/3/5/art_1_1.html"
    real, calls = store.write_atomic, []

    def write_then_die(path, data):
        calls.append(path)
        if len(calls) == stop_at:
            raise Killed
        real(path, data)

    monkeypatch.setattr(store, "write_atomic", write_then_die)
    with pytest.raises(Killed):
        add.add_file(page, root / "sources", root, url)
    monkeypatch.setattr(store, "write_atomic", real)
    again = add.add_file(page, root / "sources", root, url)
    assert again.outcome in ("created", "updated"), again
    side = yaml.safe_load(again.sidecar.read_text(encoding="utf-8"))
    assert side["url"] == url and again.source.read_text(encoding="utf-8") == PAGE_A
    assert add.add_file(page, root / "sources", root, url).outcome == "unchanged"


def test_add_removes_temporary_files_a_killed_add_left_in_sources(tmp_path):
    root = make_project(tmp_path, {"b.html": PAGE_B})
    leftover = root / "sources" / ".a.html.k2j3h4.tmp"  # scraper.store.write_atomic's name
    leftover.write_text(PAGE_A[:100], encoding="utf-8")
    page = tmp_path / "a.html"
    page.write_text(PAGE_A, encoding="utf-8")
    from converter.tools import add

    out = __import__("io").StringIO()
    assert add.main(None, str(page), root, out=out) == 0, out.getvalue()
    assert not list((root / "sources").glob("*.tmp")) and not list((root / "sources").glob(".*"))
