"""The substring index (converter/search/substring_index.py) on a built site: time, memory, size.

    python -m bench.index_scale SITE [SITE …] [--jobs N] [--keep DIR]

For each site (a folder MkDocs has built), runs ``substring_index.write(site)`` in a child process
of its own and prints: document pages indexed, wall and CPU seconds (CPU counts the child and any
workers it starts), peak resident memory of the largest process (MB), and the files and bytes of
site/search/. ``--jobs``: write()'s worker processes (default: its own choice). ``--keep DIR``
copies each site/search/ to DIR/<pages>/ (a reference to compare a later build with).
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHILD = (
    "import json, sys; from pathlib import Path; from converter.search import substring_index; "
    "jobs = int(sys.argv[2]) if len(sys.argv) > 2 else None; "
    "print(json.dumps(substring_index.write(Path(sys.argv[1]), jobs=jobs)))"
)


def measure(site: Path, jobs: int | None = None) -> dict:
    """One indexing run of ``site`` in a child process: its summary, wall, CPU and peak RSS."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    res = subprocess.run([sys.executable, "-c", CHILD, str(site), *([str(jobs)] if jobs else [])], check=True, capture_output=True, text=True, cwd=ROOT)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    summary = json.loads(res.stdout.splitlines()[-1])
    files = [p for p in (site / "search").rglob("*") if p.is_file()]
    # ru_maxrss of RUSAGE_CHILDREN: the largest of the waited-for descendants (KB on Linux).
    return {"pages": summary["pages"], "wall_s": wall, "cpu_s": cpu, "peak_mb": after.ru_maxrss / 1024,
            "files": len(files), "bytes": sum(p.stat().st_size for p in files)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("sites", nargs="+", type=Path)
    ap.add_argument("--jobs", type=int, help="worker processes for write() (default: its own)")
    ap.add_argument("--keep", type=Path, help="copy each site/search/ to KEEP/<pages>/")
    args = ap.parse_args(argv)
    print(f"{'site':<32} {'pages':>8} {'wall s':>8} {'CPU s':>8} {'peak MB':>8} {'files':>9} {'bytes':>13}")
    for site in args.sites:
        r = measure(site, args.jobs)
        print(f"{str(site):<32} {r['pages']:>8} {r['wall_s']:>8.1f} {r['cpu_s']:>8.1f} {r['peak_mb']:>8.0f} "
              f"{r['files']:>9} {r['bytes']:>13}", flush=True)
        if args.keep:
            dest = args.keep / str(r["pages"])
            shutil.rmtree(dest, ignore_errors=True)
            shutil.copytree(site / "search", dest)
    return 0


if __name__ == "__main__":
    sys.exit(main())
