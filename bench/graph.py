"""How the citation graph scales: link + cross-link pages at 1,000 and 10,000 documents.

Columns: link (resolution, stubs, backlinks), the same with the cyclic GC off, pages
(本文引用/被引用/政策脉络 and in-text links for every document), site (stubs, 待收录,
timeline, documents.json); CPU seconds, so other processes on the machine matter less.

    python bench/graph.py [N ...]        (default: 1000 10000)

Synthetic PolicyDocuments (no text to convert, so only the corpus-wide step is timed). Each
document cites up to four others the ways real pages do: an earlier one by 《title》（文号）,
its predecessor by title only, a national document through a 转发〈…〉 notice, and one
missing document by bare 文号 (shared by many, so stubs collect several citers). If the
step is linear, time per document stays flat as N grows ten-fold.
"""

from __future__ import annotations

import gc
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from converter.link import graph
from converter.link.corpus import link
from converter.model import Block, Citation, CleaningRecord, PolicyDocument, SourceInfo
from converter.render import crosslinks, timeline

LEVELS = ("national", "provincial", "municipal", "county")


def title(i: int) -> str:
    return f"第{i}号测试机关关于推进第{i}项医疗改革工作的实施意见"


def number(i: int) -> str:
    return f"测发〔{2000 + i % 20}〕{i}号"


def synthetic(n: int) -> list[PolicyDocument]:
    docs = []
    for i in range(n):
        cites = []
        if i:
            cites.append(Citation(title(i // 2), number(i // 2)))
            cites.append(Citation(title(i - 1), None))
        if i > 10:
            cites.append(Citation(f"某省转发〈{title(i % 10)}〉的通知", None))
        cites.append(Citation(None, f"缺发〔2001〕{i % 997}号"))
        text = "为贯彻落实" + "和".join(f"《{c.title}》" if c.title else c.doc_number for c in cites) + "，现提出如下意见。"
        docs.append(PolicyDocument(
            slug=f"doc{i:06d}", title=title(i), doc_number=number(i), issuers=[f"第{i}号测试机关"],
            written_date=f"{2000 + i % 20}-{1 + i % 12:02d}-{1 + i % 28:02d}", publish_date=None,
            region=f"测试省{i % 31}", level=LEVELS[i % 4], doc_type="实施意见",
            source=SourceInfo(file=f"sources/doc{i:06d}.txt", sha256=f"{i:064x}"),
            cites=cites, blocks=[Block("para", text)], record=CleaningRecord(),
        ))
    return docs


def measure(n: int) -> dict[str, float]:
    times = {}
    # The link step alone with the cyclic GC off too: CPython's full collections walk every
    # live object, which grows with N whatever the algorithm does; without them the step's
    # own cost shows.
    docs = synthetic(n)
    gc.collect()
    gc.disable()
    t = time.process_time()
    link(docs)
    times["link, gc off"] = time.process_time() - t
    gc.enable()
    docs = synthetic(n)
    gc.collect()
    t = time.process_time()
    corpus = link(docs)
    times["link"] = time.process_time() - t
    t = time.process_time()
    for d in corpus.docs:
        crosslinks.link_section(d, corpus)  # 本文引用 / 被引用 / 政策脉络
        crosslinks.linker_for(d, corpus)(d.blocks[0].text)
    times["per-page links"] = time.process_time() - t
    t = time.process_time()
    crosslinks.pages(corpus)
    timeline.pages(corpus)
    graph.pages(corpus)
    times["stubs+timeline+json"] = time.process_time() - t
    times["edges"] = len(corpus.edges)
    times["stubs"] = len(corpus.missing)
    return times


def best_of(n: int, runs: int) -> dict[str, float]:
    """The fastest of ``runs`` measurements per step: the machine is shared, noise only adds."""
    results = []
    for _ in range(runs):
        gc.collect()
        results.append(measure(n))
    return {k: min(r[k] for r in results) for k in results[0]}


def main(sizes: list[int], runs: int = 3) -> None:
    print(f"CPU seconds, best of {runs} runs; load average {os.getloadavg()[0]:.2f}")
    print(f"{'N':>7} {'edges':>7} {'stubs':>6} {'link s':>8} {'µs/doc':>7} {'gc off':>8} {'µs/doc':>7} "
          f"{'pages s':>8} {'site s':>8} {'total s':>8} {'µs/doc':>7}")
    for n in sizes:
        m = best_of(n, runs)
        total = m["link"] + m["per-page links"] + m["stubs+timeline+json"]
        print(f"{n:>7} {m['edges']:>7} {m['stubs']:>6} {m['link']:>8.3f} {m['link'] / n * 1e6:>7.1f} "
              f"{m['link, gc off']:>8.3f} {m['link, gc off'] / n * 1e6:>7.1f} {m['per-page links']:>8.3f} "
              f"{m['stubs+timeline+json']:>8.3f} {total:>8.3f} {total / n * 1e6:>7.0f}")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [1000, 10000])
