"""Where the per-source conversion runs (``build --executor``), its outcomes always returned in
input order, so the output is the same as with one process:

* ``local`` (default): this process, or ``jobs`` worker processes (``-j N``);
* ``dask``: a local Dask cluster (``distributed.LocalCluster``) of ``jobs`` worker processes
  with one thread each;
* ``tcp://HOST:PORT`` or ``tls://HOST:PORT``: the scheduler of a running Dask cluster. Its
  workers read the sources themselves, so they must see the repository and the sources at the
  same paths (a shared filesystem), with the same converter (checked before any work is sent).

Dask is imported only when asked for (``pip install '.[dask]'``). Work goes out in batches of
sources, so a large corpus is a few hundred tasks, not one per source, and the cluster (or the
connection) is closed at the end, on an error or Ctrl-C too.

A Dask worker runs its tasks in a thread, where no signal arrives (``procs.time_budget`` needs
the main thread): there ``thread_budget`` stops a conversion that is over its time instead.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import importlib.util
import logging
import os
import signal
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

from converter.runtime import procs

LOCAL, DASK = "local", "dask"
SCHEMES = ("tcp", "tls")  # a Dask scheduler's address
BATCH = 64  # sources in one task (one chunk of a pool's map) at most
MISSING = "--executor {spec} needs Dask: pip install '.[dask]'"

T = TypeVar("T")
Convert = Callable[[Path, Path, float | None], T]


class SpecError(ValueError):
    """An --executor value that names no executor."""


class Unavailable(RuntimeError):
    """The executor asked for cannot run: the scheduler unreachable, or its workers running
    another converter."""


class MissingDask(Unavailable):
    """An executor that needs Dask, which is not installed (the message says how to install it)."""


def check(spec: str) -> str:
    """``spec`` when it names an executor (``local``, ``dask``, ``tcp://HOST:PORT``,
    ``tls://HOST:PORT``), else SpecError naming it."""
    if spec in (LOCAL, DASK):
        return spec
    parts = urlsplit(spec)
    try:
        port = parts.port
    except ValueError:
        port = None
    if parts.scheme in SCHEMES and parts.hostname and port and not parts.path.strip("/") and not (parts.query or parts.fragment):
        return spec
    raise SpecError(
        f"--executor {spec!r}: not an executor (local, dask, or a Dask scheduler's address: tcp://HOST:PORT or tls://HOST:PORT)"
    )


def require(spec: str) -> None:
    """MissingDask (with the line to install it) when ``spec`` needs Dask and it is not installed."""
    if check(spec) != LOCAL and not all(importlib.util.find_spec(m) for m in ("dask", "distributed")):
        raise MissingDask(MISSING.format(spec=spec))


@contextlib.contextmanager
def workers(jobs: int, **options: Any) -> Iterator[ProcessPoolExecutor]:
    """A process pool for ``jobs`` workers. Forked workers share this process's memory until they
    write to it, and a garbage collection in a worker writes to every object it visits, which
    copies the whole heap page by page: frozen (``gc.freeze``), the objects already here are
    left out of every collection while the pool runs."""
    gc.freeze()
    try:
        with ProcessPoolExecutor(jobs, initializer=procs.die_with_parent, initargs=(os.getpid(),), **options) as pool:
            try:
                yield pool
            except BaseException:
                # Interrupted (Ctrl-C, an error): the queued work is dropped and the workers
                # stopped, rather than waited for; a killed parent's workers end by themselves.
                running = list((getattr(pool, "_processes", None) or {}).values())  # shutdown forgets them
                pool.shutdown(wait=False, cancel_futures=True)
                for proc in running:
                    proc.terminate()
                raise
    finally:
        gc.unfreeze()


def convert_all(
    convert: Convert[T], paths: list[Path], root: Path, budget: float | None, executor: str = LOCAL, jobs: int = 1,
) -> list[T]:
    """``convert(path, root, budget)`` for each of ``paths``, in their order, run where
    ``executor`` says (``jobs``: local worker processes, or the workers of ``dask``)."""
    if check(executor) == LOCAL:
        if jobs > 1 and len(paths) > 1:
            chunk = max(1, min(BATCH, len(paths) // (jobs * 4)))
            with workers(jobs) as pool:
                return list(pool.map(convert, paths, [root] * len(paths), [budget] * len(paths), chunksize=chunk))
        return [convert(p, root, budget) for p in paths]
    if not paths:
        return []
    with _client(executor, jobs) as client:
        # Absolute paths: a worker elsewhere does not share this process's working folder.
        return _on_dask(client, convert, [p.absolute() for p in paths], root.absolute(), budget)


@contextlib.contextmanager
def _client(spec: str, jobs: int) -> Iterator[Any]:
    """A Dask client of a local cluster (``dask``) or of the scheduler at ``spec``, closed (and
    the local cluster with it) however the block ends."""
    try:
        import distributed
    except ImportError as exc:
        raise MissingDask(MISSING.format(spec=spec)) from exc
    with contextlib.ExitStack() as stack:
        target: Any = spec
        if spec == DASK:
            # On loopback only, the scheduler's HTTP routes (no dashboard) on a free port; the
            # workers' log lines (a lost heartbeat as the cluster closes) are not the build's.
            target = stack.enter_context(distributed.LocalCluster(
                n_workers=max(1, jobs), threads_per_worker=1, processes=True, host="127.0.0.1",
                dashboard_address=None, scheduler_kwargs={"dashboard_address": "127.0.0.1:0"}, silence_logs=logging.CRITICAL,
                preload=[__name__],  # dask_setup: Ctrl-C is the build's to handle
            ))
        try:
            client = stack.enter_context(distributed.Client(target, set_as_default=False))
        except OSError as exc:  # refused, or timed out
            raise Unavailable(f"--executor {spec}: cannot reach the Dask scheduler: {exc}") from exc
        if spec != DASK:
            _same_converter(client, spec)
        yield client


def dask_setup(worker: Any) -> None:
    """Run by each worker of the local cluster as it starts (a Dask preload, in the worker
    process's main thread): Ctrl-C, which the terminal sends to the workers too, is left to the
    build, which closes the cluster; a worker would only print its own traceback of it."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.SIG_IGN)


def _same_converter(client: Any, spec: str) -> None:
    """Unavailable when a worker of the cluster at ``spec`` would convert differently (other
    code, data tables, libraries or tools): its outcomes would be cached under this converter."""
    from converter.runtime import cache

    mine = cache.converter_version()
    theirs = client.run(cache.converter_version)
    odd = sorted(w for w, v in theirs.items() if v != mine)
    if odd:
        raise Unavailable(
            f"--executor {spec}: worker {odd[0]} runs another converter (code, data, libraries or tools) than this checkout"
        )


def _on_dask(client: Any, convert: Convert[T], paths: list[Path], root: Path, budget: float | None) -> list[T]:
    """The outcomes of ``paths`` converted in batches on the cluster of ``client``, in order;
    on an error or Ctrl-C the work not done is cancelled."""
    from distributed import as_completed

    threads = max(1, sum(client.nthreads().values()))
    size = max(1, min(BATCH, len(paths) // (threads * 4)))
    batches = [paths[i : i + size] for i in range(0, len(paths), size)]
    futures = client.map(convert_batch, batches, convert=convert, root=root, budget=budget, pure=False)
    position = {f.key: i for i, f in enumerate(futures)}
    done: list[list[T]] = [[] for _ in batches]
    try:
        for future in as_completed(futures, loop=client.loop):
            done[position[future.key]] = future.result()  # a task's error is raised here
            future.release()
    except BaseException:
        client.cancel(futures)
        raise
    return [outcome for batch in done for outcome in batch]


def convert_batch(paths: list[Path], convert: Convert[T], root: Path, budget: float | None) -> list[T]:
    """One Dask task: ``convert`` over a batch of sources, in order."""
    return [convert(p, root, budget) for p in paths]


@contextlib.contextmanager
def thread_budget(seconds: float | None) -> Iterator[None]:
    """``procs.time_budget`` for a thread other than the main one (a Dask worker's), where no
    signal arrives: when the time is up, a timer raises TimeBudgetExceeded in this thread, which
    stops Python code at once, as the signal does (one long call into C returns first; the
    external tools have their own deadline, formats.Deadline). Nothing in the main thread, where
    the signal does it, nor without a limit."""
    if not seconds or threading.current_thread() is threading.main_thread():
        yield
        return
    target, guard, running = threading.get_ident(), threading.Lock(), [True]

    def expire() -> None:
        with guard:
            if running[0]:
                _raise_in(target, procs.TimeBudgetExceeded)

    timer = threading.Timer(seconds, expire)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()
        with guard:
            running[0] = False
            _raise_in(target, None)  # raised just as the body ended, not delivered yet: dropped


def _raise_in(thread: int, exc: type[BaseException] | None) -> None:
    """Raise ``exc`` in ``thread`` at its next bytecode (None: drop one not yet raised)."""
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread), ctypes.py_object(exc) if exc is not None else None)
