"""Issue 19: ``build --executor`` runs the per-source conversion on Dask (a local cluster, or the
scheduler of a running one) and writes byte for byte what ``-j 1`` writes; a source that fails
is that file's error, the time budget still holds, and a bad --executor is refused."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from converter import pipeline
from converter.cli import main
from converter.read.source import list_sources
from converter.runtime import executors
from tests.support import ROOT, SAMPLES, SOURCES

distributed = pytest.importorskip("distributed")

AS_OF = (ROOT / "status-as-of").read_text(encoding="utf-8").strip()


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _build(tmp_path: Path, src: Path, name: str, *options: str) -> tuple[int, dict[str, bytes]]:
    out = tmp_path / name / "docs"
    rc = main([
        "build", "--sources", str(src), "--out", str(out), "--cache", str(tmp_path / name / "cache"),
        "--no-cache", "--as-of", AS_OF, *options,
    ])
    return rc, _tree(out)


@pytest.fixture(scope="module")
def samples(tmp_path_factory) -> Path:
    src = tmp_path_factory.mktemp("executors") / "sources"
    shutil.copytree(SOURCES, src)
    assert {p.name for p in src.iterdir()} >= set(SAMPLES.values())
    return src


@pytest.fixture(scope="module")
def one_process(samples, tmp_path_factory) -> dict[str, bytes]:
    rc, docs = _build(tmp_path_factory.mktemp("one"), samples, "one", "-j", "1")
    assert rc == 0 and len(docs) > 10
    return docs


def test_a_local_dask_cluster_writes_byte_identical_docs(samples, one_process, tmp_path, capsys):
    rc, docs = _build(tmp_path, samples, "dask", "--executor", "dask", "-j", "2")
    assert rc == 0, capsys.readouterr()
    assert docs.keys() == one_process.keys()
    assert [f for f in docs if docs[f] != one_process[f]] == []


def test_an_existing_scheduler_on_loopback_writes_byte_identical_docs(samples, one_process, tmp_path, capsys):
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, scheduler_port=0, host="127.0.0.1", dashboard_address=None,
    ) as cluster:
        address = cluster.scheduler_address
        assert address.startswith("tcp://127.0.0.1:")
        rc, docs = _build(tmp_path, samples, "tcp", "--executor", address)
    assert rc == 0, capsys.readouterr()
    assert docs.keys() == one_process.keys()
    assert [f for f in docs if docs[f] != one_process[f]] == []


@pytest.mark.parametrize("spec", ["ftp://x", "tcp://", "tcp://host", "tcp://host:port", "dask2", "tcp://h:8786/path", ""])
def test_a_bad_executor_exits_2_naming_it(spec, tmp_path, capsys):
    rc = main(["build", "--sources", str(SOURCES), "--out", str(tmp_path / "docs"), "--no-cache", "--executor", spec])
    err = capsys.readouterr().err
    assert rc == 2
    assert f"--executor {spec!r}" in err and "tcp://HOST:PORT" in err
    assert not (tmp_path / "docs").exists()  # refused before anything is built


def test_executor_specs_that_name_an_executor():
    for spec in ("local", "dask", "tcp://127.0.0.1:8786", "tls://scheduler.example:8786", "tcp://[::1]:8786"):
        assert executors.check(spec) == spec


def test_without_dask_the_build_says_what_to_install_in_one_line(tmp_path, capsys, monkeypatch):
    real = executors.importlib.util.find_spec
    monkeypatch.setattr(executors.importlib.util, "find_spec", lambda name, *a: None if name == "distributed" else real(name, *a))
    rc = main(["build", "--sources", str(SOURCES), "--out", str(tmp_path / "docs"), "--cache", str(tmp_path / "cache"), "--no-cache", "--executor", "dask"])
    assert rc == 2
    assert capsys.readouterr().err == "--executor dask needs Dask: pip install '.[dask]'\n"


def test_a_failing_source_is_that_files_error_and_the_others_are_written(samples, tmp_path, capsys):
    src = tmp_path / "sources"
    shutil.copytree(samples, src)
    (src / "empty.html").write_bytes(b"")
    (src / "binary.html").write_bytes(b"<html>" + bytes(range(256)) * 4)
    capsys.readouterr()
    rc_one, one = _build(tmp_path, src, "one", "-j", "1")
    out_one = capsys.readouterr().out
    rc, docs = _build(tmp_path, src, "dask", "--executor", "dask", "-j", "2")
    out = capsys.readouterr().out
    assert rc == rc_one == 1
    errors = [line for line in out.splitlines() if line.startswith("error:")]
    assert errors == [line for line in out_one.splitlines() if line.startswith("error:")]
    assert len(errors) == 2 and "empty.html: empty file" in errors[1] and "binary.html" in errors[0]
    assert docs == one and sum(f.startswith("policies/") for f in docs) > len(SAMPLES)


def test_an_unreachable_scheduler_is_an_error_naming_it(tmp_path, capsys):
    import socket

    import dask

    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with dask.config.set({"distributed.comm.timeouts.connect": "2s"}):
        rc = main([
            "build", "--sources", str(SOURCES), "--out", str(tmp_path / "docs"), "--cache", str(tmp_path / "cache"), "--no-cache",
            "--executor", f"tcp://127.0.0.1:{port}",
        ])
    err = capsys.readouterr().err
    assert rc == 2 and f"--executor tcp://127.0.0.1:{port}: cannot reach the Dask scheduler" in err


def _explode(path: Path, root: Path, budget: float | None) -> str:
    if path.name == "boom":
        raise RuntimeError("a bug, not a source's error")
    return path.name


def test_an_error_in_a_task_is_raised_and_the_local_cluster_is_closed(tmp_path):
    import psutil

    # Children this process had before (a browser tests' Chromium, Playwright's driver) are not the cluster's.
    before = {c.pid for c in psutil.Process().children(recursive=True)}
    paths = [tmp_path / f"{i:03}" for i in range(40)] + [tmp_path / "boom"]
    assert executors.convert_all(_explode, paths[:40], tmp_path, None, "dask", jobs=2) == [p.name for p in paths[:40]]
    with pytest.raises(RuntimeError, match="a bug"):
        executors.convert_all(_explode, paths, tmp_path, None, "dask", jobs=2)

    def workers() -> list[list[str]]:  # multiprocessing's resource tracker lives as long as this process
        alive = [c for c in psutil.Process().children(recursive=True) if c.pid not in before and c.status() != psutil.STATUS_ZOMBIE]
        return [c.cmdline() for c in alive if "resource_tracker" not in " ".join(c.cmdline())]

    deadline = time.monotonic() + 10
    while workers() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert workers() == []


def test_workers_running_another_converter_are_refused():
    class Client:
        def run(self, func):
            return {"tcp://worker-a:40000": func(), "tcp://worker-b:40000": "another version"}

    with pytest.raises(executors.Unavailable, match=r"worker tcp://worker-b:40000 runs another converter"):
        executors._same_converter(Client(), "tcp://scheduler:8786")


def test_a_source_over_its_time_budget_in_a_dask_worker_thread_is_stopped(tmp_path, monkeypatch):
    # Workers in this process (threads), so the stalled clean below is what they run.
    src = tmp_path / "sources"
    shutil.copytree(SOURCES, src)
    shutil.copy(src / SAMPLES["000"], src / "slow.txt")
    real = pipeline.clean

    def clean(raw):
        if raw.path.name == "slow.txt":
            end = time.monotonic() + 120
            while time.monotonic() < end:  # Python code, as a hostile page's worst case would run
                time.sleep(0.01)
        return real(raw)

    monkeypatch.setattr(pipeline, "clean", clean)
    paths = list_sources(src)
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False, protocol="tcp", host="127.0.0.1",
                                  dashboard_address=None) as cluster:
        started = time.monotonic()
        result = pipeline.convert_many(paths, ROOT, budget=1.5, executor=cluster.scheduler_address)
    assert time.monotonic() - started < 60
    assert [(p.file, p.reason) for p in result.problems] == [
        ((src / "slow.txt").resolve().as_posix(), "conversion stopped: took longer than the time budget of 1.5 s per file (--time-budget)")
    ]
    plain = pipeline.convert_many([p for p in paths if p.name != "slow.txt"], ROOT)
    assert [d.slug for d in result.docs] == [d.slug for d in plain.docs] != []


def test_the_thread_budget_raises_only_inside_its_block():
    import threading

    from converter.runtime import procs

    where: list[str] = []

    def run(busy: float) -> None:
        inside = True
        try:
            with executors.thread_budget(0.05):
                end = time.monotonic() + busy
                while time.monotonic() < end:  # ends about when the time is up: a raise may be on its way
                    pass
            inside = False
            time.sleep(0.1)  # past the budget: nothing may arrive here
            where.append("none")
        except procs.TimeBudgetExceeded:
            where.append("inside" if inside else "after")

    for i in range(30):
        t = threading.Thread(target=run, args=(0.03 + i * 0.004,))
        t.start()
        t.join()
    assert "after" not in where and "inside" in where and "none" in where
