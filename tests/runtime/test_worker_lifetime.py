"""Issue 14, item 7: killing the converter ends what it started. A real `build -j 2` is killed
(SIGTERM, SIGKILL, SIGINT) while its workers are busy, and no worker may outlive it; a killed
`python -m converter.search.index` leaves no indexer running."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.support import ROOT, SOURCES

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the process table from /proc")

# A build whose conversion stalls in every source (as a hostile page might), so that it is
# certainly still running, with busy workers, when it is killed.
SLOW_BUILD = """
import sys, time
from converter import pipeline
real = pipeline.clean
pipeline.clean = lambda raw: (time.sleep(300), real(raw))[1]
from converter.cli import main
sys.exit(main(sys.argv[1:]))
"""

# converter.search.index with the indexer replaced by a program that runs for five minutes.
SLOW_SEARCH = """
import sys
from converter.search import index as search
search.pagefind_command = lambda site, output=None: [sys.executable, "-c", "import time; time.sleep(300)"]
sys.exit(search.main(sys.argv[1:]))
"""


def _children(pid: int) -> set[int]:
    out = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                out.add(int(entry.name))
    return out


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")  # a zombie has ended


def _wait_for(test, seconds: float):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = test()
        if value:
            return value
        time.sleep(0.1)
    return test()


def _start(script: str, args: list[str]) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-c", script, *args], cwd=ROOT, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        # A background job may have inherited SIGINT ignored; a terminal's Ctrl-C is not.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # noqa: PLW1509 - no threads here
    )


def _kill_and_check(proc: subprocess.Popen, want: int, sig: signal.Signals) -> None:
    children: set[int] = set()
    try:
        children |= _wait_for(lambda: len(_children(proc.pid)) >= want and _children(proc.pid), 60) or set()
        assert len(children) >= want, "the children never started"
        time.sleep(0.5)  # busy in their work
        proc.send_signal(sig)
        proc.wait(timeout=30)
        survivors = _wait_for(lambda: not [p for p in children if _alive(p)], 10)
        assert survivors, f"still running after the parent was killed by {sig.name}: {[p for p in children if _alive(p)]}"
    finally:
        for pid in [proc.pid, *children]:  # what survived a failed check
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        proc.wait()


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL, signal.SIGINT])
def test_killing_a_parallel_build_ends_its_workers(tmp_path, sig):
    src = tmp_path / "sources"
    shutil.copytree(SOURCES, src)
    args = ["build", "-j", "2", "--no-cache", "--sources", str(src), "--out", str(tmp_path / "docs")]
    _kill_and_check(_start(SLOW_BUILD, args), 2, sig)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL])
def test_killing_the_search_indexer_command_ends_the_indexer(tmp_path, sig):
    (tmp_path / "site").mkdir()
    _kill_and_check(_start(SLOW_SEARCH, [str(tmp_path / "site")]), 1, sig)
