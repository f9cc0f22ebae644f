"""Search as a reader gets it, measured in headless Chromium against a plain substring scan.

    python bench/search_bench.py                      # the sample+corpus site
    python bench/search_bench.py --n 10000            # + 10,000 generated pages (bench/search_scale.py)
    python bench/search_bench.py --n 10000 --n 100000 # + 100,000 (make bench-search LARGE=1)

For each site: the samples (sources/) plus ../shared/corpus/raw converted through
``python -m converter convert`` (read through that path, never copied into the project), or
N generated pages; built with MkDocs, then indexed twice, each timed in its own process with its
peak memory: the substring index (converter/search/substring_index.py, what the search box lists) and
Pagefind (the previous engine, now kept for 其他可能相关的结果).

Queries (fixed seed): random 2–12 character stretches of page text (on the sample+corpus site
also the reader queries of bench/queries.yml: terms, 文号, the issue's examples); the same in Traditional
(OpenCC s2t, those it changes); nonsense (runs of the corpus's own characters that no page
holds, and two fixed ones). The truth is a scan of each page's folded title and body
(substring_index.fold: NFKC, Traditional -> Simplified, 文号 brackets, no spaces).

Per engine: recall@10 (share of the first min(10, holders) results that hold the query, over
queries held by some page), false matches (results not holding the query: all results for the
substring index, the first 10 for Pagefind), Traditional = Simplified (same ranked list),
nonsense queries with any match; then, each query in a fresh browser context (cold cache),
the time from the last keystroke to results on screen and the bytes fetched.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from converter.search import substring_index  # noqa: E402
from converter.search.index import pagefind_command  # noqa: E402
from tests.browser.harness import ROOT, chromium, serve  # noqa: E402

SEED = 20261130
CORPUS = ROOT.parent / "shared" / "corpus" / "raw"
NONSENSE = ("量子纠缠区块链", "恐龙化石拍卖会")
GENERATED = ("policies", "browse", "cited", "data/doc-numbers")


def sample_corpus_docs(out: Path) -> Path:
    """docs/ of the samples plus the corpus pages, converted together (cross-links resolve)."""
    conv = out / "converted"
    if conv.exists():
        shutil.rmtree(conv)
    files = sorted(str(p) for p in (ROOT / "sources").glob("*.txt"))
    files += sorted(str(p) for p in CORPUS.glob("*.html")) if CORPUS.is_dir() else []
    subprocess.run([sys.executable, "-m", "converter", "convert", *files, "--out", str(conv)], check=True,
                   stdout=subprocess.DEVNULL)
    docs = out / "docs"
    if docs.exists():
        shutil.rmtree(docs)
    shutil.copytree(ROOT / "docs", docs)
    for rel in GENERATED:
        shutil.rmtree(docs / rel, ignore_errors=True)
    shutil.copytree(conv, docs, dirs_exist_ok=True)
    return docs


def timed(cmd: list[str]) -> tuple[str, float]:
    """Wall and CPU seconds ("wall (cpu)": the machine is shared) and peak RSS (GB) of a command,
    run in a process of its own."""
    probe = ("import resource, subprocess, sys, time; t = time.perf_counter(); subprocess.run(sys.argv[1:], check=True); "
             "r = resource.getrusage(resource.RUSAGE_CHILDREN); print(time.perf_counter() - t, r.ru_utime + r.ru_stime, r.ru_maxrss)")
    res = subprocess.run([sys.executable, "-c", probe, *cmd], check=True, capture_output=True, text=True, cwd=ROOT)
    wall, cpu, kb = res.stdout.split()[-3:]
    return f"{float(wall):.0f} ({float(cpu):.0f})", int(kb) / 2**20


def build(docs: Path, site: Path, reuse: bool = False) -> dict:
    stats: dict = {"mkdocs_s": None}
    if not (reuse and (site / "index.html").exists()):
        if site.exists():
            shutil.rmtree(site)
        t = time.perf_counter()
        mkdocs_build(docs, site)
        stats["mkdocs_s"] = time.perf_counter() - t
    stats["substring_s"], stats["substring_gb"] = timed(
        [sys.executable, "-c", f"from pathlib import Path; from converter.search import substring_index; substring_index.write(Path({str(site)!r}))"])
    stats["pagefind_s"], stats["pagefind_gb"] = timed(pagefind_command(site))
    stats["substring_mb"] = _size(site / "search")
    stats["pagefind_mb"] = _size(site / "pagefind")
    stats["pages"] = len(substring_index.read_site(site))
    return stats


def mkdocs_build(docs: Path, site: Path) -> None:
    """The site's MkDocs build (strict), without the search indexes (timed apart)."""
    import logging
    import os

    from mkdocs.commands.build import build as mkdocs
    from mkdocs.config import load_config

    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    logging.getLogger("mkdocs").setLevel(logging.ERROR)
    cfg = load_config(str(ROOT / "mkdocs.yml"), docs_dir=str(docs), site_dir=str(site), strict=True)
    cfg.plugins.on_startup(command="build", dirty=False)
    try:
        mkdocs(cfg)
    finally:
        cfg.plugins.on_shutdown()


def _size(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 2**20


def queries(pages, rng: random.Random, n: int) -> list[str]:
    out: list[str] = []
    while len(out) < n:
        p = rng.choice(pages)
        lines = [line for line in p.body.split("\n") if len(line) >= 2]
        if not lines:
            continue
        line = rng.choice(lines)
        k = rng.randint(2, 12)
        i = rng.randrange(max(1, len(line) - k + 1))
        q = line[i : i + k].strip()
        if len(substring_index.fold(q)[0]) >= 2:
            out.append(q)
    return out


def nonsense(folded: list[str], rng: random.Random, n: int) -> list[str]:
    han = sorted({c for t in folded for c in t if "\u4e00" <= c <= "\u9fff"})
    out = list(NONSENSE)
    while len(out) < n:
        q = "".join(rng.choice(han) for _ in range(rng.randint(4, 7)))
        if not any(q in t for t in folded):
            out.append(q)
    return out


PAGEFIND = """async ([queries, phrase]) => {
  const pf = await import(new URL("pagefind/pagefind.js", location.href).href);
  await pf.options({ baseUrl: new URL(".", location.href).pathname });
  await pf.init();
  const out = [];
  for (const q of queries) {
    const s = await pf.search(phrase ? '"' + q + '"' : q);
    const data = await Promise.all(s.results.slice(0, 10).map((r) => r.data()));
    out.push(data.map((d) => d.url));
  }
  return out;
}"""
OURS = "async (queries) => { const out = []; for (const q of queries) out.push((await window.policySearch.rankedIds(q)).map((h) => h[0])); return out; }"


def score(ranked: list[list[int]], qs: list[str], truth: list[set[int]], limit: int | None = None) -> dict:
    """recall@10 over queries some page holds, and results that do not hold their query."""
    recalls, false = [], 0
    for ids, holders in zip(ranked, truth):
        top = ids[:10]
        if holders:
            recalls.append(len([i for i in top if i in holders]) / min(10, len(holders)))
        false += len([i for i in (ids if limit is None else ids[:limit]) if i not in holders])
    return {"recall10": sum(recalls) / len(recalls) if recalls else 1.0, "false": false}


def accuracy(site: Path, pages, qs: list[str], trad: list[tuple[str, str]], junk: list[str], pf_n: int) -> dict:
    """Both engines on the same queries; Pagefind (slow at scale) on the first pf_n of them."""
    folded = [substring_index.fold(p.title)[0] + "\n" + substring_index.fold(p.body)[0] for p in pages]
    ids_of = {p.url: i for i, p in enumerate(pages)}

    def holders(q: str) -> set[int]:
        f = substring_index.fold(q)[0]
        return {i for i, t in enumerate(folded) if f in t}

    truth = [holders(q) for q in qs]
    out: dict = {"queries": len(qs), "held": sum(1 for t in truth if t)}
    with serve(site) as base, chromium() as browser:
        page = browser.new_page()
        page.set_default_timeout(600_000)
        page.goto(base)
        ours = page.evaluate(OURS, qs)
        ours_trad = page.evaluate(OURS, [t for _, t in trad])
        ours_junk = page.evaluate(OURS, junk)
        progress("substring index: accuracy done")
        pf_qs, pf_tr = qs[:pf_n], [(s, t) for s, t in trad if s in set(qs[:pf_n])]
        rel = lambda urls: [ids_of.get(new_url(base, u), -1) for u in urls]  # noqa: E731
        pf = [rel(u) for u in page.evaluate(PAGEFIND, [pf_qs, True])]
        pf_trad = [rel(u) for u in page.evaluate(PAGEFIND, [[t for _, t in pf_tr], True])]
        pf_junk = page.evaluate(PAGEFIND, [junk, True])
        pfw = [rel(u) for u in page.evaluate(PAGEFIND, [pf_qs, False])]
        pfw_junk = page.evaluate(PAGEFIND, [junk, False])
        progress("pagefind: accuracy done")
    simple = {q: r for q, r in zip(qs, ours)}
    simple_pf = {q: r for q, r in zip(pf_qs, pf)}
    trad_truth = [holders(s) for s, _ in trad]
    pf_trad_truth = [holders(s) for s, _ in pf_tr]
    out["substring"] = {**score(ours, qs, truth), "queries": len(qs), "trad": len(trad), "trad_recall10": score(ours_trad, [], trad_truth)["recall10"],
                        "trad_same": sum(simple[s] == r for (s, _), r in zip(trad, ours_trad)),
                        "nonsense_with_matches": sum(1 for r in ours_junk if r)}
    out["pagefind_phrase"] = {**score(pf, pf_qs, truth[:pf_n], 10), "trad_recall10": score(pf_trad, [], pf_trad_truth)["recall10"],
                              "trad_same": sum(simple_pf[s] == r for (s, _), r in zip(pf_tr, pf_trad)), "trad": len(pf_tr), "queries": len(pf_qs),
                              "nonsense_with_matches": sum(1 for r in pf_junk if r)}
    out["pagefind_words"] = {**score(pfw, pf_qs, truth[:pf_n], 10), "trad_recall10": None, "trad_same": None, "queries": len(pf_qs),
                             "nonsense_with_matches": sum(1 for r in pfw_junk if r)}
    out["trad"] = len(trad)
    out["nonsense"] = len(junk)
    return out


def new_url(base: str, url: str) -> str:
    from urllib.parse import urljoin, urlparse

    path, root = urlparse(urljoin(base, url)).path, urlparse(base).path
    return path.removeprefix(root)


TYPED = """document.querySelector('[data-policy-search]').dataset.results !== undefined &&
  (document.querySelector('.md-search-result__link') || document.querySelector('[data-policy-search]').dataset.results === '0')"""
PF_TIMED = """async (q) => {
  const t = performance.now();
  const pf = await import(new URL("pagefind/pagefind.js", location.href).href);
  await pf.options({ baseUrl: new URL(".", location.href).pathname });
  const s = await pf.search('"' + q + '"');
  await Promise.all(s.results.slice(0, 10).map((r) => r.data()));
  return performance.now() - t;
}"""


def timing(site: Path, qs: list[str], engines: tuple[str, ...] = ("substring", "pagefind_phrase")) -> dict:
    """Each query in a fresh context (cold cache): ms from the last keystroke to results on
    screen, and bytes fetched; the substring index through the search box, Pagefind's phrase
    search (first ten results loaded) through its API."""
    rows: dict[str, list] = {e: [] for e in engines}
    with serve(site) as base, chromium() as browser:
        for q in qs:
            for engine in rows:
                context = browser.new_context()
                fetched: list[int] = []
                context.on("response", lambda r, got=fetched: got.append(int(r.headers.get("content-length") or 0))
                           if "/search/" in r.url or "/pagefind/" in r.url else None)
                page = context.new_page()
                page.set_default_timeout(60_000)
                page.goto(base)
                page.wait_for_load_state("networkidle")
                fetched.clear()
                if engine == "substring":
                    page.click(".md-search__input")
                    page.keyboard.insert_text(q[:-1])
                    start = time.perf_counter()
                    page.keyboard.insert_text(q[-1])
                    page.wait_for_function(TYPED)
                    ms = (time.perf_counter() - start) * 1000
                else:
                    ms = page.evaluate(PF_TIMED, q)
                page.wait_for_load_state("networkidle")
                rows[engine].append((ms, sum(fetched), q))
                context.close()
    out = {}
    for engine, r in rows.items():
        ms = sorted(x for x, _, _ in r)
        kb = sorted(b / 1024 for _, b, _ in r)
        slowest = sorted(r, reverse=True)[:3]  # which queries the tail is made of
        out[engine] = {"median_ms": statistics.median(ms), "p95_ms": ms[min(len(ms) - 1, int(0.95 * len(ms)))],
                       "median_kb": statistics.median(kb), "max_kb": max(kb),
                       "slowest": [{"q": q, "ms": round(x), "kb": round(b / 1024)} for x, b, q in slowest]}
    return out


def reader_queries() -> list[str]:
    """bench/queries.yml: terms, 文号 and the issue's queries (the sample+corpus site)."""
    import yaml

    data = yaml.safe_load((ROOT / "bench" / "queries.yml").read_text(encoding="utf-8"))
    return [q for group in data.values() for q in group]


def progress(text: str) -> None:
    print(f"  [{time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


def measure(name: str, docs: Path, out: Path, n_queries: int, n_timed: int, pf_n: int, reader: bool = False, reuse: bool = False) -> dict:
    site = out / "site"
    stats = build(docs, site, reuse)
    progress(f"{name}: built and indexed")
    pages = substring_index.read_site(site)
    rng = random.Random(SEED)
    qs = queries(pages, rng, n_queries) + (reader_queries() if reader else [])
    import opencc  # a dependency of the converter

    s2t = opencc.OpenCC("s2t")
    trad = [(q, s2t.convert(q)) for q in qs if s2t.convert(q) != q]
    folded = [substring_index.fold(p.title)[0] + "\n" + substring_index.fold(p.body)[0] for p in pages]
    junk = nonsense(folded, rng, 30)
    acc = accuracy(site, pages, qs, trad, junk, pf_n)
    tim = timing(site, rng.sample(qs, min(n_timed, len(qs))) + junk[:2])
    progress(f"{name}: timed")
    return {"name": name, **stats, **acc, "timing": tim}


def built_site(site: Path, n_queries: int, n_timed: int) -> dict:
    """The substring index of a site already built and indexed (make bench-scale's, sharded):
    recall@10 and false matches against a scan of the folded pages, Traditional queries,
    nonsense, and time and bytes per query in a cold browser."""
    t = time.perf_counter()
    pages = substring_index.read_site(site)
    progress(f"{site}: {len(pages):,} pages read in {time.perf_counter() - t:.0f} s")
    rng = random.Random(SEED)
    qs = queries(pages, rng, n_queries)
    import opencc

    s2t = opencc.OpenCC("s2t")
    trad = [(q, s2t.convert(q)) for q in qs if s2t.convert(q) != q]
    folded = [substring_index.fold(p.title)[0] + "\n" + substring_index.fold(p.body)[0] for p in pages]
    junk = nonsense(folded, rng, 30)
    truth = [{i for i, f in enumerate(folded) if (q := substring_index.fold(x)[0]) and q in f} for x in qs]
    with serve(site) as base, chromium() as browser:
        page = browser.new_page()
        page.set_default_timeout(600_000)
        page.goto(base)
        ours, ours_trad, ours_junk = (page.evaluate(OURS, x) for x in (qs, [t for _, t in trad], junk))
    simple = dict(zip(qs, ours))
    acc = {**score(ours, qs, truth), "queries": len(qs), "trad": len(trad),
           "trad_same": sum(simple[s] == r for (s, _), r in zip(trad, ours_trad)),
           "nonsense_with_matches": sum(1 for r in ours_junk if r), "nonsense": len(junk)}
    progress("accuracy done")
    tim = timing(site, rng.sample(qs, min(n_timed, len(qs))) + junk[:2], ("substring",))["substring"]
    return {"pages": len(pages), **acc, **tim, "index_mb": _size(site / "search")}


def table(results: list[dict]) -> str:
    head = ("| site | engine | recall@10 | false matches | Traditional recall@10 (same list) | nonsense with matches "
            "| median / p95 ms | KB per query (median / max) | index MB | index build s wall (CPU) | peak GB |")
    lines = [head, "|" + " --- |" * 11]
    for r in results:
        for engine, label in (("substring", "substring index (bigram positions)"), ("pagefind_phrase", "Pagefind phrase"),
                              ("pagefind_words", "Pagefind words")):
            a, t = r[engine], r["timing"].get(engine)
            kind = "substring" if engine == "substring" else "pagefind"
            trad = "—" if a["trad_recall10"] is None else f"{a['trad_recall10']:.3f} ({a['trad_same']}/{a['trad']})"
            ms = "—" if not t else "{:.0f} / {:.0f}".format(t["median_ms"], t["p95_ms"])
            kb = "—" if not t else "{:.0f} / {:.0f}".format(t["median_kb"], t["max_kb"])
            lines.append(
                f"| {r['name']} ({r['pages']:,} pages) | {label}, {a['queries']} queries | {a['recall10']:.3f} | {a['false']} | {trad} "
                f"| {a['nonsense_with_matches']}/{r['nonsense']} | {ms} | {kb} "
                f"| {r[kind + '_mb']:.1f} | {r[kind + '_s']} | {r[kind + '_gb']:.2f} |")
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, action="append", default=[], help="also a generated corpus of N pages (repeatable)")
    ap.add_argument("--queries", type=int, default=200, help="random queries per site (default 200)")
    ap.add_argument("--pagefind-queries", type=int, default=1000,
                    help="Pagefind's accuracy on the first K queries (generated corpora: at most 50; it is slow there)")
    ap.add_argument("--timed", type=int, default=30, help="queries timed in a cold browser per site (default 30)")
    ap.add_argument("--no-small", action="store_true", help="skip the sample+corpus site")
    ap.add_argument("--out", default=str(ROOT / "bench" / "out" / "search"))
    ap.add_argument("--json", help="also write the results here")
    ap.add_argument("--reuse", action="store_true", help="keep an existing MkDocs build in --out (index again, measure)")
    ap.add_argument("--site", help="only measure the substring index of this built site (e.g. make bench-scale's 100,000)")
    args = ap.parse_args()
    if args.site:
        print(json.dumps(built_site(Path(args.site), args.queries, args.timed), indent=1))
        return 0
    out = Path(args.out)
    results = []
    if not args.no_small:
        small = out / "small"
        small.mkdir(parents=True, exist_ok=True)
        results.append(measure("samples+corpus", sample_corpus_docs(small), small, args.queries, args.timed, args.pagefind_queries,
                               reader=True, reuse=args.reuse))
        print(table(results[-1:]), flush=True)
    for n in args.n:
        from bench.search_scale import generate

        big = out / f"n{n}"
        big.mkdir(parents=True, exist_ok=True)
        docs = big / "docs" if args.reuse and (big / "docs").is_dir() else generate(n, big, "topics")
        results.append(measure(f"generated {n:,}", docs, big, args.queries, args.timed, min(args.pagefind_queries, 50), reuse=args.reuse))
        print(table(results[-1:]), flush=True)
    print("\n" + table(results))
    if args.json:
        Path(args.json).write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
