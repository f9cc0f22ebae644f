"""Child processes and time limits: nothing the converter starts outlives it, no source holds the
batch up.

* ``time_budget``: a conversion taking longer than its budget is interrupted (SIGALRM) and
  reported as that file's error; the rest of the batch goes on. The same code runs in-process
  (-j 1) and inside each pool worker (-j N), since a worker runs its tasks in its main thread.
  Python code (every stage's loops) is interrupted at once; one long call into C returns first.
* ``die_with_parent``: the initializer of every worker pool (``exec_child_dies_with``: Pagefind).
  On Linux the kernel sends the child SIGKILL when its parent dies (PR_SET_PDEATHSIG), however
  the parent died (SIGKILL cannot be caught, so nothing in the parent could do it); elsewhere,
  and in case the parent died before the child asked, a thread checks the parent is alive.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator

PR_SET_PDEATHSIG = 1  # linux/prctl.h
LIVENESS_INTERVAL = 1.0  # seconds between two checks that the parent is still there


class TimeBudgetExceeded(BaseException):
    """Raised inside a conversion whose time is up. A BaseException, like KeyboardInterrupt, so
    that the stages' ``except Exception`` (which turn a bug into a per-file error) let it pass."""


def budget_message(seconds: float) -> str:
    return f"conversion stopped: took longer than the time budget of {seconds:g} s per file (--time-budget)"


def _expired(signum: int, frame: object) -> None:
    raise TimeBudgetExceeded()


@contextlib.contextmanager
def time_budget(seconds: float | None) -> Iterator[None]:
    """Raise TimeBudgetExceeded in the body after ``seconds`` (None or 0: no limit). Only the
    main thread receives signals: elsewhere, and without setitimer, there is no limit."""
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not seconds or not usable:
        yield
        return
    previous = signal.signal(signal.SIGALRM, _expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _set_pdeathsig(sig: int) -> bool:
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_PDEATHSIG, sig, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(LIVENESS_INTERVAL)
    os._exit(1)  # orphaned: the result has nobody to go to


def die_with_parent(parent: int | None = None, watch: bool = True) -> None:
    """Make this (child) process end when ``parent`` (default: its parent now) ends."""
    parent = os.getppid() if parent is None else parent
    _set_pdeathsig(signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before the request above took effect
        os._exit(1)
    if watch:
        threading.Thread(target=_watch_parent, args=(parent,), daemon=True, name="parent-watch").start()


def exec_child_dies_with(parent: int) -> None:
    """``preexec_fn`` (with functools.partial) of a program the converter runs, e.g. Pagefind:
    no thread survives its exec, so only the kernel's death signal (SIGTERM: it may clean up)."""
    _set_pdeathsig(signal.SIGTERM)
    if os.getppid() != parent:
        os._exit(1)
