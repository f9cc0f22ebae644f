"""Issue 14, item 4: a page built to be slow neither takes quadratic time nor holds the batch up.
Nesting is counted in linear time, and a source taking longer than its time budget is stopped and
reported as its own error (naming the file and the budget), in one process and with workers."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time

import pytest

from converter import pipeline
from converter.read.source import list_sources
from tests.support import ROOT, SOURCES

NOTICE = (
    "<h1>关于做好春季农业生产工作的通知</h1><p>各县（市、区）农业农村局：</p>"
    "<p>一、抓好粮食生产。各地要把粮食生产作为头等大事，层层压实责任，确保播种面积稳中有增。</p>"
    "<p>二、强化技术指导。组织农技人员深入田间地头，开展面对面、手把手的技术服务。</p>"
    "<p>某某市农业农村局</p><p>2024年3月1日</p>"
)


def _nested(n: int) -> str:
    return "<html><body>" + "<div>" * n + NOTICE + "</div>" * n + "</body></html>"


def _in_child(code: str, seconds: float) -> str:
    """Run ``code`` in a fresh interpreter; fail when it takes longer than ``seconds`` (the
    quadratic version takes minutes, and must not hold the test run up that long)."""
    try:
        done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=seconds, check=False)
    except subprocess.TimeoutExpired:
        pytest.fail(f"not done within {seconds} s")
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_fifty_thousand_nested_divs_convert_in_seconds_with_every_paragraph(tmp_path):
    # 34 s when the stack was scanned at every closing tag.
    path = tmp_path / "nested-50000.html"
    path.write_text(_nested(50_000), encoding="utf-8")
    out = _in_child(
        "import sys; from pathlib import Path; from converter.pipeline import convert_source\n"
        f"docs, problems = convert_source(Path({str(path)!r}), Path({str(ROOT)!r}))\n"
        "assert not problems, problems\n"
        "print('\\n'.join(b.text for b in docs[0].blocks))",
        10,
    )
    assert "抓好粮食生产" in out and "强化技术指导" in out


def test_counting_nesting_grows_linearly_with_depth():
    # 200,000 levels took over ten minutes; linear, they take about a second.
    out = _in_child(
        "from converter.clean import sanitize\n"
        f"page = '<html><body>' + '<div>' * 200_000 + {NOTICE!r} + '</div>' * 200_000 + '</body></html>'\n"
        "print(sanitize.nesting_depth(page), len(sanitize.flatten_nesting(page)) < len(page))",
        15,
    )
    assert out.split() == ["200003", "True"]  # <html>, <body>, the <div>s and <h1>


def _slow_for(monkeypatch, name: str) -> None:
    """``clean`` stalls (in Python, as a hostile page's worst case would) on the source ``name``."""
    real = pipeline.clean

    def clean(raw):
        if raw.path.name == name:
            time.sleep(120)
        return real(raw)

    monkeypatch.setattr(pipeline, "clean", clean)  # forked workers inherit it


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_source_over_its_time_budget_is_an_error_naming_it_and_the_others_convert(tmp_path, monkeypatch, jobs):
    src = tmp_path / "sources"
    shutil.copytree(SOURCES, src)
    shutil.copy(next(iter(sorted(src.glob("*.txt")))), src / "slow.txt")
    _slow_for(monkeypatch, "slow.txt")
    paths = list_sources(src)
    started = time.monotonic()
    result = pipeline.convert_many(paths, ROOT, jobs=jobs, budget=1.5)
    assert time.monotonic() - started < 60  # the slow source would take 120 s
    assert [(p.file, p.reason) for p in result.problems] == [
        ((src / "slow.txt").resolve().as_posix(), "conversion stopped: took longer than the time budget of 1.5 s per file (--time-budget)")
    ]
    plain = pipeline.convert_many([p for p in paths if p.name != "slow.txt"], ROOT)
    assert [d.slug for d in result.docs] == [d.slug for d in plain.docs] != []


def test_a_source_stopped_by_its_budget_is_not_cached_and_converts_when_given_time(tmp_path, monkeypatch):
    src = tmp_path / "sources"
    src.mkdir()
    shutil.copy(next(iter(sorted(SOURCES.glob("*.txt")))), src / "slow.txt")
    cache_dir = tmp_path / "cache"
    with monkeypatch.context() as m:
        _slow_for(m, "slow.txt")
        first = pipeline.convert_many(list_sources(src), ROOT, cache_dir=cache_dir, budget=1)
    assert first.problems and not first.docs
    again = pipeline.convert_many(list_sources(src), ROOT, cache_dir=cache_dir, budget=1)
    assert not again.problems and again.docs and again.cached == 0


def test_build_command_reports_the_slow_file_and_exits_nonzero(tmp_path, monkeypatch, capsys):
    from converter.cli import main

    src = tmp_path / "sources"
    shutil.copytree(SOURCES, src)
    shutil.copy(next(iter(sorted(src.glob("*.txt")))), src / "slow.txt")
    _slow_for(monkeypatch, "slow.txt")
    rc = main(["build", "--sources", str(src), "--out", str(tmp_path / "docs"), "--no-cache", "--time-budget", "1"])
    out = capsys.readouterr().out
    assert rc == 1
    assert "slow.txt" in out and "time budget of 1 s" in out
    assert len(list((tmp_path / "docs" / "policies").glob("*.md"))) > 1
