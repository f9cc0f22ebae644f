"""One build at a time per output folder.

Two builds writing one docs/ (two terminals, an editor's save hook and `make docs`) would race
on the same pages and cache entries; the second one is stopped at once with a clear message
instead. The lock is ``flock`` on the folder itself (no lock file to commit or to leave behind
after a crash: the kernel releases it when the process ends, however it ends).

``python -m converter.runtime.lock FOLDER… -- COMMAND…`` runs a command holding the locks of the
folders (``make site``: MkDocs reads docs/ and writes site/).
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - not on Windows: no locking there
    fcntl = None  # type: ignore[assignment]

BUSY_EXIT = 75  # EX_TEMPFAIL: try again later


class Busy(Exception):
    """Another process holds the folder's lock."""


_HELD: set[Path] = set()  # folders this process holds: taking one again is a no-op (add -> build)


@contextlib.contextmanager
def folder_lock(folder: Path) -> Iterator[None]:
    """Hold ``folder``'s lock (creating the folder) for the ``with`` block; Busy if taken."""
    folder.mkdir(parents=True, exist_ok=True)
    key = folder.resolve()
    if fcntl is None or key in _HELD:
        yield
        return
    fd = os.open(key, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise Busy(f"another build is running (it holds the lock on {folder}); wait for it to finish, then run this again") from None
        _HELD.add(key)
        try:
            yield
        finally:
            _HELD.discard(key)
    finally:
        os.close(fd)  # releases the lock


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if "--" not in args or args.index("--") == 0 or args.index("--") == len(args) - 1:
        print("usage: python -m converter.runtime.lock FOLDER… -- COMMAND…", file=sys.stderr)
        return 2
    cut = args.index("--")
    folders, command = [Path(f) for f in args[:cut]], args[cut + 1 :]
    try:
        with contextlib.ExitStack() as stack:
            for folder in folders:
                stack.enter_context(folder_lock(folder))
            child = subprocess.Popen(command)
            while True:
                try:
                    return child.wait()
                except KeyboardInterrupt:  # the child got the same Ctrl-C: wait for it to stop
                    continue
    except Busy as exc:
        print(f"error: {exc}", file=sys.stderr)
        return BUSY_EXIT


if __name__ == "__main__":
    sys.exit(main())
