"""make bench: how fast the pipeline is at 100, 1,000 (and with --large 10,000) documents.

For each N it writes a synthetic corpus (bench/gen.py), then measures
  * each converter stage in one process (read, clean, split, extract, link, render), as
    documents per second, next to trafilatura's extract() on the same pages;
  * conversion with every core (-j), and checks it gives the same pages as one process;
  * the `make site` equivalent as separate processes: converter build (cold cache), MkDocs,
    and the search index (Pagefind, when installed), each with its wall time and peak memory;
  * sizes: the site, a document page's HTML, the search index and what one query loads;
  * an incremental rebuild: one source added to an already converted corpus.
It prints a table and writes bench/out/results.json. The machine's load average is recorded
with every run, because the numbers are only comparable between runs on a quiet machine.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import gen  # noqa: E402

OUT = ROOT / "bench" / "out"
STAGES = ("read", "clean", "split", "extract", "link", "render")
# Top-level folders a benchmark project gets its own of; the others (theme overrides, hooks
# under converter/) are linked from the real project so mkdocs.yml's relative paths work.
NOT_SHARED = {"docs", "site", "sources", "bench"}
TRAFILATURA_MAX = 1000  # pages; enough for a stable rate, without doubling the 10,000 run


def load() -> float:
    return round(os.getloadavg()[0], 2)


def rate(n: int, seconds: float) -> float:
    return round(n / seconds, 1) if seconds > 0 else float("inf")


def stage_times(paths: list[Path]) -> tuple[dict, dict[str, str]]:
    """Every stage over every source in this process; returns timings and the rendered pages."""
    from converter import pipeline
    from converter.clean.steps import clean
    from converter.extract.document import extract
    from converter.link.corpus import link
    from converter.model import SourceError
    from converter.read.source import read_source
    from converter.split.documents import split

    t = dict.fromkeys(STAGES, 0.0)
    docs, failed = [], 0
    # CPU time of this process: other engineers' jobs on the machine slow the wall clock, not this.
    clock = time.process_time
    wall = time.perf_counter()
    for path in paths:
        try:
            a = clock()
            raw = read_source(path, ROOT)
            b = clock()
            cleaned = clean(raw)
            c = clock()
            parts = split(cleaned)
            d = clock()
            t["read"] += b - a
            t["clean"] += c - b
            t["split"] += d - c
        except SourceError:
            failed += 1
            continue
        for part in parts:
            d = clock()
            try:
                docs.append(extract(part))
            except SourceError:
                failed += 1
            t["extract"] += clock() - d
    a = clock()
    corpus = link(docs)
    t["link"] = clock() - a
    a = clock()
    pages = pipeline.pages(corpus)
    t["render"] = clock() - a
    wall = time.perf_counter() - wall
    n = len(paths)
    convert = sum(t[s] for s in ("read", "clean", "split", "extract", "render"))
    out = {
        "clock": "cpu",
        "wall_seconds_all_stages": round(wall, 3),
        "documents": len(docs),
        "failed": failed,
        "seconds": {k: round(v, 3) for k, v in t.items()},
        "docs_per_s": {k: rate(n, v) for k, v in t.items()},
        "convert_seconds": round(convert, 3),
        "convert_docs_per_s": rate(n, convert),
    }
    return out, pages


def parallel(paths: list[Path], jobs: int, reference: dict[str, str]) -> dict:
    """convert_many with all cores (no cache), timed; the pages must equal the one-process ones."""
    from converter import pipeline
    from converter.link.corpus import link

    a = time.perf_counter()
    result = pipeline.convert_many(paths, ROOT, jobs=jobs)
    seconds = time.perf_counter() - a
    b = time.perf_counter()
    one = pipeline.convert_many(paths, ROOT, jobs=1)
    seconds_one = time.perf_counter() - b
    pages = pipeline.pages(link(result.docs))
    # Wall clock both (workers' CPU time is not this process's): the speed-up is their ratio,
    # taken back to back so that both see the same load on the machine.
    return {
        "jobs": jobs, "seconds": round(seconds, 3), "docs_per_s": rate(len(paths), seconds),
        "seconds_j1": round(seconds_one, 3), "speedup": round(seconds_one / seconds, 2) if seconds else None,
        "identical_to_j1": pages == reference and pipeline.pages(link(one.docs)) == reference,
        "load": load(),
    }


def trafilatura_rate(paths: list[Path]) -> dict | None:
    try:
        import trafilatura
    except ImportError as exc:
        return {"error": f"not installed: {exc}"}
    pages = [gen.as_html(p.name, p.read_text(encoding="utf-8")) for p in paths[:TRAFILATURA_MAX]]
    trafilatura.extract(pages[0])  # warm up imports and caches
    a, w = time.process_time(), time.perf_counter()
    for page in pages:
        trafilatura.extract(page)
    seconds, wall = time.process_time() - a, time.perf_counter() - w
    return {"clock": "cpu", "pages": len(pages), "seconds": round(seconds, 3), "docs_per_s": rate(len(pages), seconds), "wall_seconds": round(wall, 3)}


def run(cmd: list[str], env: dict | None = None, cwd: Path = ROOT) -> dict:
    """A subprocess with its wall time and peak resident memory (its own and its children's)."""
    import tempfile

    # Linux counts the memory of the process that forked a child into the child's peak (at exec),
    # so the step runs under GNU time, whose own fork is small; without it, wait4's number is an
    # upper bound that includes this benchmark process.
    timer = Path("/usr/bin/time")
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, tempfile.NamedTemporaryFile("r") as peak:
        wrapped = [str(timer), "-f", "%M", "-o", peak.name, *cmd] if timer.exists() else cmd
        a = time.perf_counter()
        proc = subprocess.Popen(wrapped, cwd=cwd, env={**os.environ, **(env or {})}, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - a
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(errors="replace"), err.read().decode(errors="replace")
        kib = peak.read().strip().splitlines()[-1:] if timer.exists() else []
    peak_kib = int(kib[0]) if kib and kib[0].isdigit() else usage.ru_maxrss
    return {
        "seconds": round(seconds, 2),
        "peak_bytes": peak_kib * 1024,
        "exit": proc.returncode,
        "stderr": stderr[-2000:],
        "stdout": stdout[-2000:],
    }


def project_copy(dest: Path) -> None:
    """A project folder for a benchmark site: mkdocs.yml, the static docs/ files, and links to the
    other folders the site build reads (theme overrides, hooks)."""
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    shutil.copy(ROOT / "mkdocs.yml", dest / "mkdocs.yml")
    for entry in ROOT.iterdir():
        if entry.is_dir() and entry.name not in NOT_SHARED and not entry.name.startswith(".") and not entry.name.endswith(".egg-info"):
            (dest / entry.name).symlink_to(entry)
    for entry in (ROOT / "docs").rglob("*"):
        rel = entry.relative_to(ROOT / "docs")
        if entry.is_file() and not (rel.parts[0] in ("policies", "browse") and entry.suffix == ".md"):
            (dest / "docs" / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(entry, dest / "docs" / rel)


def pagefind_available() -> bool:
    try:
        import pagefind  # noqa: F401
    except ImportError:
        return False
    return True


def dir_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) if folder.exists() else 0


def doc_page_sizes(site: Path) -> dict:
    pages = [p for p in (site / "policies").glob("*/index.html")]
    sizes = sorted(p.stat().st_size for p in pages)
    if not sizes:
        return {}
    return {"pages": len(sizes), "median": int(statistics.median(sizes)), "mean": int(statistics.mean(sizes)), "max": sizes[-1]}


def search_sizes(site: Path) -> dict:
    """Index size and an estimate of what one query downloads.

    Pagefind: the loader, entry file, WASM and metadata, plus one index chunk and the five
    result fragments a first page of results shows (mean sizes). The site engineer measures the
    real payload in a browser; this is the same order, from the files alone.
    MkDocs search: the whole search_index.json, which every query loads.
    """
    out: dict = {}
    pf = site / "pagefind"
    if pf.exists():
        files = [p for p in pf.rglob("*") if p.is_file()]
        fixed = [p for p in files if p.parent == pf and (p.name in ("pagefind.js", "pagefind-entry.json") or p.name.startswith("wasm.") or p.suffix == ".pf_meta")]
        chunks = [p.stat().st_size for p in files if p.suffix == ".pf_index"]
        frags = [p.stat().st_size for p in files if p.suffix == ".pf_fragment"]
        per_query = sum(p.stat().st_size for p in fixed) + (statistics.mean(chunks) if chunks else 0) + 5 * (statistics.mean(frags) if frags else 0)
        out["pagefind"] = {
            "index_bytes": sum(p.stat().st_size for p in files),
            "files": len(files),
            "index_chunks": len(chunks),
            "fragments": len(frags),
            "per_query_bytes_estimate": int(per_query),
        }
    idx = site / "search" / "search_index.json"
    if idx.exists():
        out["mkdocs_search"] = {"index_bytes": idx.stat().st_size, "per_query_bytes": idx.stat().st_size}
    return out


def site_build(n: int, sources: Path, jobs: int, work: Path) -> dict:
    """The `make site` steps as separate processes, on a copy of the project."""
    project = work / "project"
    project_copy(project)
    py = sys.executable
    steps: dict[str, dict] = {}
    cache_dir = project / ".cache" / "converter"
    steps["convert"] = run([py, "-m", "converter", "build", "--sources", str(sources), "--out", str(project / "docs"), "-j", str(jobs), "--cache", str(cache_dir)])
    steps["epoch"] = run([py, "-m", "converter", "epoch", "--docs", str(project / "docs")])
    epoch = steps["epoch"]["stdout"].strip() or "0"
    env = {"SOURCE_DATE_EPOCH": epoch, "NO_MKDOCS_2_WARNING": "1", "PYTHONHASHSEED": "0"}
    mkdocs = str(Path(py).with_name("mkdocs"))
    steps["mkdocs"] = run([mkdocs, "build", "--strict", "--quiet", "-f", str(project / "mkdocs.yml")], env=env, cwd=project)
    if steps["mkdocs"]["exit"] != 0:  # a warning on generated pages must not hide the timing
        steps["mkdocs_strict_failed"] = {"stderr": steps["mkdocs"]["stderr"][-600:]}
        steps["mkdocs"] = run([mkdocs, "build", "--quiet", "-f", str(project / "mkdocs.yml")], env=env, cwd=project)
    site = project / "site"
    if (ROOT / "converter" / "search.py").exists():  # what `make site` runs after MkDocs
        steps["search_index"] = run([py, "-m", "converter.search.index", str(site)], cwd=ROOT)
    elif pagefind_available():
        steps["search_index"] = run([py, "-m", "pagefind", "--site", str(site)], cwd=project)
    total = sum(s["seconds"] for k, s in steps.items() if "seconds" in s)
    peak = max((s.get("peak_bytes") or 0) for s in steps.values())
    for s in steps.values():
        if s.get("exit") == 0:
            s.pop("stderr", None)
        s.pop("stdout", None)
    return {
        "steps": steps,
        "total_seconds": round(total, 2),
        "peak_bytes": peak,
        "site_bytes": dir_size(site),
        "doc_page_html": doc_page_sizes(site),
        "search": search_sizes(site),
        "project": str(project.relative_to(ROOT)),
    }


def incremental(base: int, jobs: int, work: Path) -> dict:
    """Convert a corpus of ``base`` sources into a cache, add one source, and time the rebuild."""
    sources = work / "sources"
    if sources.exists():
        shutil.rmtree(sources)
    gen.write_corpus(sources, base)
    out = work / "docs"
    cache_dir = work / "cache"
    shutil.rmtree(cache_dir, ignore_errors=True)
    build = [sys.executable, "-m", "converter", "build", "--sources", str(sources), "--out", str(out), "-j", str(jobs), "--cache", str(cache_dir)]
    cold = run(build)
    n = base
    for attempt in range(3):  # noqa: B007 (the count is reported after the loop)
        gen.write_corpus(sources, n + 1, start=n)  # one new source
        warm = run(build)
        m = re.search(r"(\d+) sources converted, (\d+) unchanged", warm["stdout"])
        converted = int(m.group(1)) if m else None
        if converted == 1:
            break
        # The converter was edited since the cold run (every source got a new key, so this run
        # re-converted and cached them all): try again with another new source.
        n += 1
    return {
        "corpus": n,
        "cold_seconds": cold["seconds"],
        "add_one_seconds": warm["seconds"],
        "add_one_peak_bytes": warm["peak_bytes"],
        "converted": converted,
        "from_cache": int(m.group(2)) if m else None,
        "attempts": attempt + 1,
        "load": load(),
    }


def bench_size(n: int, jobs: int, with_site: bool) -> dict:
    work = OUT / f"n{n}"
    sources = work / "sources"
    if sources.exists():
        shutil.rmtree(sources)
    a = time.perf_counter()
    paths = [p for p in gen.write_corpus(sources, n)]
    result: dict = {"n": n, "generate_seconds": round(time.perf_counter() - a, 2), "source_bytes": dir_size(sources), "load_before": load()}
    print(f"[N={n}] corpus written ({result['source_bytes'] / 1e6:.1f} MB); stages …", flush=True)
    result["stages"], pages = stage_times(paths)
    result["trafilatura"] = trafilatura_rate(paths)
    print(f"[N={n}] -j {jobs} …", flush=True)
    result["parallel"] = parallel(paths, jobs, pages) if jobs > 1 else None
    del pages
    if with_site:
        print(f"[N={n}] site build (convert, MkDocs, search index) …", flush=True)
        result["site"] = site_build(n, sources, jobs, work)
    result["load_after"] = load()
    return result


def mb(b: float | None) -> str:
    return "—" if b is None else f"{b / 2**20:,.1f}"


def table(results: list[dict], inc: dict | None) -> str:
    cols = [str(r["n"]) for r in results]
    rows: list[tuple[str, list[str]]] = []
    for s in STAGES:
        rows.append((f"{s} (docs/s, CPU)", [f"{r['stages']['docs_per_s'][s]:,.0f}" for r in results]))
    rows.append(("conversion, 1 process (docs/s, CPU)", [f"{r['stages']['convert_docs_per_s']:,.0f}" for r in results]))
    rows.append(("trafilatura extract() (docs/s, CPU)", [f"{r['trafilatura']['docs_per_s']:,.0f}" if r.get("trafilatura", {}).get("docs_per_s") else "—" for r in results]))
    rows.append(("  ratio conversion / trafilatura", [f"{r['stages']['convert_docs_per_s'] / r['trafilatura']['docs_per_s']:.2f}" if r.get("trafilatura", {}).get("docs_per_s") else "—" for r in results]))
    rows.append(("conversion -j all cores (docs/s, wall)", [f"{r['parallel']['docs_per_s']:,.0f}" if r.get("parallel") else "—" for r in results]))
    rows.append(("  speed-up vs -j 1 (wall) / same output", [f"{r['parallel']['speedup']:.2f}× / {r['parallel']['identical_to_j1']}" if r.get("parallel") else "—" for r in results]))
    if any(r.get("site") for r in results):
        def step(r, k):
            s = r.get("site", {}).get("steps", {}).get(k)
            return f"{s['seconds']:.1f}" if s else "—"
        rows.append(("build: convert -j (s)", [step(r, "convert") for r in results]))
        rows.append(("build: MkDocs (s)", [step(r, "mkdocs") for r in results]))
        rows.append(("build: search index, Pagefind (s)", [step(r, "search_index") for r in results]))
        rows.append(("build: total (s)", [f"{r['site']['total_seconds']:.1f}" if r.get("site") else "—" for r in results]))
        rows.append(("  seconds per 1,000 documents", [f"{r['site']['total_seconds'] / r['n'] * 1000:.1f}" if r.get("site") else "—" for r in results]))
        rows.append(("peak memory, largest step (MiB)", [mb(r["site"]["peak_bytes"]) if r.get("site") else "—" for r in results]))
        rows.append(("site size (MiB)", [mb(r["site"]["site_bytes"]) if r.get("site") else "—" for r in results]))
        rows.append(("document page HTML, median (KiB)", [f"{r['site']['doc_page_html'].get('median', 0) / 1024:.1f}" if r.get("site") else "—" for r in results]))
        rows.append(("search index (MiB)", [mb((r["site"]["search"].get("pagefind") or r["site"]["search"].get("mkdocs_search") or {}).get("index_bytes")) if r.get("site") else "—" for r in results]))
        rows.append(("per-query payload, estimate (KiB)", [
            f"{((r['site']['search'].get('pagefind') or {}).get('per_query_bytes_estimate') or (r['site']['search'].get('mkdocs_search') or {}).get('per_query_bytes', 0)) / 1024:,.0f}"
            if r.get("site") else "—" for r in results]))
    rows.append(("load average before / after", [f"{r['load_before']} / {r['load_after']}" for r in results]))
    width = max(len(k) for k, _ in rows)
    colw = [max(len(c), *(len(v[i]) for _, v in rows)) for i, c in enumerate(cols)]
    lines = ["N".ljust(width) + " | " + " | ".join(c.rjust(w) for c, w in zip(cols, colw))]
    lines.append("-" * len(lines[0]))
    lines += [k.ljust(width) + " | " + " | ".join(x.rjust(w) for x, w in zip(v, colw)) for k, v in rows]
    if inc:
        lines.append("")
        lines.append(
            f"incremental: {inc['corpus']:,} sources converted cold in {inc['cold_seconds']:.1f} s; one source added: "
            f"{inc['add_one_seconds']:.2f} s ({inc['converted']} converted, {inc['from_cache']} from cache, "
            f"peak {mb(inc['add_one_peak_bytes'])} MiB)"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="100,1000", help="comma-separated corpus sizes (default 100,1000)")
    ap.add_argument("--large", action="store_true", help="add N=10,000 and run the incremental check on 5,000")
    ap.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1, help="worker processes for -j runs (default all cores)")
    ap.add_argument("--no-site", action="store_true", help="skip the MkDocs / search index build")
    ap.add_argument("--incremental", type=int, default=None, help="corpus size for the add-one-source check (default: 5,000 with --large, else the largest N; 0 = skip)")
    args = ap.parse_args(argv)
    sizes = [int(x) for x in args.sizes.split(",") if x]
    if args.large and 10000 not in sizes:
        sizes.append(10000)
    inc_size = args.incremental if args.incremental is not None else (5000 if args.large else max(sizes))
    OUT.mkdir(parents=True, exist_ok=True)
    results = []
    for n in sizes:
        results.append(bench_size(n, args.jobs, not args.no_site))
    inc = None
    if inc_size:
        print(f"[incremental] {inc_size} sources + 1 …", flush=True)
        inc = incremental(inc_size, args.jobs, OUT / "incremental")
    report = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "jobs": args.jobs,
        "results": results,
        "incremental": inc,
        "bench_process_peak_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
    }
    path = OUT / "results.json"
    path.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print()
    print(table(results, inc))
    print(f"\nwritten {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
