"""make bench-scale: the whole build at 1,000 and 10,000 documents (--large adds 100,000).

For each N, on a generated corpus (bench/gen.py) in a copy of the project (bench/out/scale/nN):
  * conversion docs/s, cold cache: one process, ``-j 2``, and ``--executor dask`` (a local
    cluster of 2 workers) when Dask is installed; the three docs/ must be identical;
  * the site (``python -m converter.publish``, shards of SHARD_SIZE, 2 at once): shard count,
    MkDocs time per shard and in all, search-index time, peak memory of each step;
  * total wall time and the peak memory of the whole build, site size, page HTML size;
  * bytes one search query fetches (estimated from the index's files: index.json, the
    directory and pack files of the query's character pairs, ten result excerpts);
  * add one document: ``converter build`` with the cache, then ``converter.publish``.
Then a simulation of 1,000,000 documents on N Dask workers from the measured per-document
costs, naming the steps that stay on one machine (link, the main shard, the search index).
Writes bench/out/scale/results.json.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import gen  # noqa: E402
from bench.run import dir_size, doc_page_sizes, load, project_copy, run  # noqa: E402

OUT = ROOT / "bench" / "out" / "scale"
PY = sys.executable


def has_dask() -> bool:
    try:
        import distributed  # noqa: F401
    except ImportError:
        return False
    return True


def tree_digest(folder: Path) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): hash(p.read_bytes()) for p in sorted(folder.rglob("*")) if p.is_file()}


def convert(sources: Path, out: Path, cache: Path, *args: str) -> dict:
    shutil.rmtree(out, ignore_errors=True)
    shutil.rmtree(cache, ignore_errors=True)
    shutil.copytree(ROOT / "docs", out, ignore=shutil.ignore_patterns("policies", "browse", "cited", "compare"))
    cmd = [PY, "-m", "converter", "build", "--sources", str(sources), "--out", str(out), "--cache", str(cache),
           "--no-cache", "--as-of", "2026-11-30", *args]
    return run(cmd)


def conversions(n: int, sources: Path, work: Path, serial: bool) -> tuple[dict, Path]:
    modes = ([("j1", ["-j", "1"])] if serial else []) + [("j2", ["-j", "2"])]
    if has_dask():
        modes.append(("dask", ["--executor", "dask", "-j", "2"]))
    out: dict = {}
    trees = {}
    for name, args in modes:
        print(f"[N={n}] convert {name} …", flush=True)
        step = convert(sources, work / f"docs-{name}", work / f"cache-{name}", *args)
        step["docs_per_s"] = round(n / step["seconds"], 1) if step["seconds"] and step["exit"] == 0 else None
        out[name] = {k: step[k] for k in ("seconds", "peak_bytes", "exit", "docs_per_s")}
        if step["exit"] != 0:
            out[name]["error"] = step["stderr"][-500:]
            continue
        trees[name] = tree_digest(work / f"docs-{name}")
    first = next(iter(trees.values()))
    out["identical"] = all(t == first for t in trees.values())
    return out, work / "docs-j2"


def query_bytes(site: Path, samples: int = 30) -> dict:
    """What a query of 4 characters fetches, from the index's file sizes: index.json, for each of
    its 2 pairs a directory file and a pack, and the excerpt files of 10 results."""
    ix = site / "search"
    if not (ix / "index.json").is_file():
        return {}
    index = (ix / "index.json").stat().st_size
    dirs = [p.stat().st_size for p in (ix / "dirs").glob("*")]
    packs = sorted(p.stat().st_size for p in (ix / "packs").glob("*"))
    docs = [p.stat().st_size for p in (ix / "docs").glob("*")]
    typical = index + 2 * statistics.mean(dirs) + 2 * statistics.median(packs) + 10 * statistics.mean(docs)
    worst = index + 2 * max(dirs) + 2 * packs[-1] + 10 * max(docs)
    return {"index_json": index, "typical": int(typical), "worst": int(worst), "packs": len(packs),
            "search_bytes": dir_size(ix), "pagefind_bytes": dir_size(site / "pagefind")}


def publish(project: Path, docs: Path, label: str) -> dict:
    report = project / f"publish-{label}.json"
    epoch = run([PY, "-m", "converter", "epoch", "--docs", str(docs)])["stdout"].strip() or "0"
    env = {"SOURCE_DATE_EPOCH": epoch, "NO_MKDOCS_2_WARNING": "1", "PYTHONHASHSEED": "0"}
    step = run([PY, "-m", "converter.publish", str(project / "site"), "-f", str(project / "mkdocs.yml"),
                "--docs", str(docs), "-j", "2", "--cache", str(project / ".cache" / "site-shards"), "--report", str(report)],
               env=env, cwd=project)
    if step["exit"] != 0:
        raise SystemExit(f"publish failed: {step['stderr'][-2000:]}")
    got = json.loads(report.read_text(encoding="utf-8"))
    return {"seconds": step["seconds"], "peak_bytes": step["peak_bytes"], "shards": got["shards"], "built": got["built"],
            "mkdocs_seconds": got["seconds"], "index_seconds": got["index_seconds"],
            "pagefind_seconds": got["pagefind_seconds"]}


def add_one(n: int, sources: Path, project: Path, docs: Path) -> dict:
    gen.write_corpus(sources, n + 1, start=n)
    cache = project.parent / "cache-j2"
    step = run([PY, "-m", "converter", "build", "--sources", str(sources), "--out", str(docs), "--cache", str(cache),
                "-j", "2", "--as-of", "2026-11-30"])
    m = re.search(r"(\d+) sources converted", step["stdout"])
    site = publish(project, docs, "add")
    return {"convert_seconds": step["seconds"], "converted": int(m.group(1)) if m else None,
            "site_seconds": site["seconds"], "shards_built": site["built"], "total_seconds": round(step["seconds"] + site["seconds"], 2)}


def bench_size(n: int, serial: bool) -> dict:
    work = OUT / f"n{n}"
    shutil.rmtree(work, ignore_errors=True)
    sources = work / "sources"
    gen.write_corpus(sources, n)
    result: dict = {"n": n, "load_before": load()}
    result["convert"], docs = conversions(n, sources, work, serial)
    project = work / "project"
    project_copy(project)
    print(f"[N={n}] site …", flush=True)
    result["site"] = publish(project, docs, "full")
    site = project / "site"
    result["site_bytes"] = dir_size(site)
    result["doc_page_html"] = doc_page_sizes(site)
    result["query_bytes"] = query_bytes(site)
    conv = result["convert"]["j2"]
    result["total_seconds"] = round(conv["seconds"] + result["site"]["seconds"], 2)
    result["peak_bytes"] = max(conv["peak_bytes"], result["site"]["peak_bytes"])
    print(f"[N={n}] add one …", flush=True)
    result["add_one"] = add_one(n, sources, project, docs)
    result["load_after"] = load()
    return result


def simulate(results: list[dict], target: int = 1_000_000, workers: tuple[int, ...] = (2, 8, 32, 128)) -> list[dict]:
    """A 1,000,000-document build on W Dask workers (2 cores each counted as one worker), from
    the largest measured size: conversion and document shards divide by W; the link step, the
    main shard (home, browse, timeline pages over the whole graph), the merge and the search
    index run once and grow with N."""
    r = results[-1]
    n = r["n"]
    conv = r["convert"]["j2"]["seconds"] * 2 / n  # CPU-seconds per document (2 processes)
    seconds = r["site"]["seconds"]
    shard_s = r["site"]["mkdocs_seconds"]
    mk = sum(v for k, v in shard_s.items() if k != "main")  # all document shards, one after another
    main = shard_s.get("main", 0)
    index = r["site"]["index_seconds"]
    rest = max(0.0, seconds - index - (mk + main) / 2)  # merge, start-up (shards ran 2 at once)
    scale = target / n
    out = []
    for w in workers:
        parallel = (conv * target + mk * scale) / w
        serial = (main + index + rest) * scale
        out.append({"workers": w, "parallel_s": round(parallel), "serial_s": round(serial), "total_s": round(parallel + serial)})
    return out


def table(results: list[dict], sim: list[dict]) -> str:
    rows = []
    for r in results:
        c, s, q, a = r["convert"], r["site"], r["query_bytes"], r["add_one"]
        per_shard = s["mkdocs_seconds"]
        rows.append(
            f"N={r['n']:,}: convert docs/s j1 {c.get('j1', {}).get('docs_per_s', '—')} | j2 {c['j2']['docs_per_s']} | "
            f"dask {c.get('dask', {}).get('docs_per_s', '—')} (identical: {c['identical']})\n"
            f"  shards {len(s['shards'])} ({', '.join(s['shards'][:6])}{'…' if len(s['shards']) > 6 else ''}); "
            f"MkDocs per shard {per_shard}; search indexes {s['index_seconds']} s (Pagefind bundles {s['pagefind_seconds']} s); site step {s['seconds']} s, peak {s['peak_bytes'] / 2**30:.2f} GiB\n"
            f"  total wall {r['total_seconds']} s ({r['total_seconds'] / r['n'] * 1000:.1f} s per 1,000); peak {r['peak_bytes'] / 2**30:.2f} GiB; "
            f"site {r['site_bytes'] / 2**20:.0f} MiB; page HTML median {r['doc_page_html'].get('median')} B\n"
            f"  query bytes typical {q.get('typical', 0) / 1024:.0f} KB, worst {q.get('worst', 0) / 1024:.0f} KB\n"
            f"  add one: convert {a['convert_seconds']} s ({a['converted']} converted), site {a['site_seconds']} s "
            f"(shards {a['shards_built']}), total {a['total_seconds']} s"
        )
    rows.append("1,000,000 documents, estimated: " + "; ".join(f"{s['workers']} workers {s['total_s'] / 60:.0f} min (serial part {s['serial_s'] / 60:.0f} min)" for s in sim))
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--sizes", type=int, nargs="*", default=[1000, 10000])
    p.add_argument("--large", action="store_true", help="add 100,000 documents")
    args = p.parse_args(argv)
    sizes = args.sizes + ([100_000] if args.large else [])
    OUT.mkdir(parents=True, exist_ok=True)
    results = []
    for n in sizes:
        results.append(bench_size(n, serial=n <= 10_000))
        (OUT / "results.json").write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    sim = simulate(results)
    (OUT / "results.json").write_text(json.dumps({"sizes": results, "million": sim}, indent=1) + "\n", encoding="utf-8")
    print(table(results, sim))
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    sys.exit(main())
