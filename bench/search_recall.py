"""Search recall: does Pagefind, queried in headless Chromium, find every document that
contains each term of bench/queries.yml? The truth is a plain substring scan of the document
Markdown (front matter and the 来源与处理记录 box left out, as they are not indexed).

    python bench/search_recall.py [--docs docs] [--site DIR] [--queries bench/queries.yml]

Without --site, the docs are built into bench/out/recall-site (mkdocs + pagefind).
Prints, per query: documents containing it, found, missed, false hits; then the totals.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import yaml  # noqa: E402

from tests.browser.harness import ROOT, build_site, chromium, serve  # noqa: E402

RECORD = re.compile(r"^\?\?\? info record ", re.M)

# Each query twice: Pagefind alone, and every page the search box lists over all its pages
# (assets/search.js listAll(): a dictionary term's first-page file and its Pagefind filter,
# the 文号 table, Pagefind's phrase search), which is what a reader gets; plus the pages the box
# offers after those as 其他可能相关的结果 (Pagefind's word search).
SEARCH_ALL = """async (queries) => {
  const pf = await import(new URL("pagefind/pagefind.js", location.href).href);
  await pf.options({ baseUrl: new URL(".", location.href).pathname });
  await pf.init();
  const urls = async (results) => Promise.all(results.map(async (r) => (await r.data()).url));
  const out = {};
  for (const q of queries) {
    const alone = await pf.search(q);
    const box = await window.policySearch.listAll(q);
    out[q] = { alone: await urls(alone.results), box: box.listed, related: box.listed.concat(box.related) };
  }
  return out;
}"""


def indexed_text(md: str) -> str:
    """The part of a document's Markdown that the index covers."""
    if md.startswith("---\n"):
        md = md[md.index("\n---\n", 4) + 5 :]
    m = RECORD.search(md)
    return md[: m.start()] if m else md


def truth(docs: Path, queries: list[str]) -> dict[str, set[str]]:
    pages = {p.stem: indexed_text(p.read_text(encoding="utf-8")) for p in sorted((docs / "policies").glob("*.md")) if p.name != "index.md"}
    return {q: {slug for slug, text in pages.items() if q in text} for q in queries}


def slug_of(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[-1]


def search_all(base_url: str, queries: list[str]) -> dict[str, dict[str, set[str]]]:
    with chromium() as browser:
        page = browser.new_page()
        page.goto(base_url)
        found = page.evaluate(SEARCH_ALL, queries)
    return {q: {k: {slug_of(u) for u in urls} for k, urls in r.items()} for q, r in found.items()}


def score(expected: dict[str, set[str]], found: dict[str, set[str]], queries: list[str]) -> tuple[int, int, int]:
    """(documents containing a query, of those found, false hits), summed over the queries."""
    contain = hit = false = 0
    for q in queries:
        contain += len(expected[q])
        hit += len(expected[q] & found[q])
        false += len(found[q] - expected[q])
    return contain, hit, false


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", default=str(ROOT / "docs"))
    ap.add_argument("--site", help="an already built and indexed site")
    ap.add_argument("--queries", default=str(ROOT / "bench" / "queries.yml"))
    args = ap.parse_args()
    spec = yaml.safe_load(Path(args.queries).read_text(encoding="utf-8"))
    queries = list(spec["terms"]) + list(spec["doc_numbers"])
    docs = Path(args.docs).resolve()
    site = Path(args.site) if args.site else build_site(docs, ROOT / "bench" / "out" / "recall-site")
    expected = truth(docs, queries)
    with serve(site) as url:
        found = search_all(url, queries)
    alone = {q: r["alone"] for q, r in found.items()}
    box = {q: r["box"] for q, r in found.items()}
    related = {q: r["related"] for q, r in found.items()}
    print(f"{'query':<16}{'contain':>8}   pagefind: found false   search box: found false   + related: found false")
    for q in queries:
        exp = expected[q]
        cells = [f"{len(exp & f[q]):>6}{len(f[q] - exp):>6}" for f in (alone, box, related)]
        flag = "" if box[q] == exp else "  <-"
        print(f"{q:<16}{len(exp):>8}   {cells[0]}            {cells[1]}              {cells[2]}{flag}")
    print()
    n_terms = len(spec["terms"])
    dictionary = set(json.loads((docs / "data" / "search-terms.json").read_text(encoding="utf-8")))
    groups = (
        ("terms in the dictionary", [q for q in queries[:n_terms] if q in dictionary]),
        ("terms not in it", [q for q in queries[:n_terms] if q not in dictionary]),
        ("文号", queries[n_terms:]),
        ("all", queries),
    )
    for label, qs in groups:
        for name, f in (("Pagefind alone", alone), ("search box", box), ("box + related", related)):
            contain, hit, false = score(expected, f, qs)
            recall = hit / contain if contain else 1.0
            print(f"{label:<24} {name:<15} recall {hit}/{contain} = {recall:.1%}, false hits {false}  ({len(qs)} queries)")
    contain, hit, _ = score(expected, related, queries)
    return 0 if hit == contain else 1


if __name__ == "__main__":
    sys.exit(main())
