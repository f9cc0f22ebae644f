"""Search at scale: N synthetic document pages, built with MkDocs, indexed with Pagefind, queried
in headless Chromium through the site's own search box.

    python bench/search_scale.py [--n 10000] [--out bench/out/scale] [--mix topics|uniform] [--reuse]

Pages are made, with a fixed seed, under varied titles, 文号, issuers, regions and dates, from
one of two paragraph mixes:

* ``topics`` (default): each page is a variant of one source document — the bundled samples
  (docs/policies) and, when ../shared/corpus is there, its 24 real pages converted on the fly
  (read through that path, never copied) — most of that document's paragraphs in order, plus
  a few from another. A term then lives in the pages of the documents that use it, as in a
  real library: 医联体 in a few percent of them, 实施 in most.
* ``uniform``: every page shuffles paragraphs drawn from all the samples, so every policy term
  is in 50–100 % of the pages: the adversarial case for a search engine whose work grows with
  the number of matching pages.

Prints: build and index times, index size, per-page HTML size, and for each query (cold
browser cache) the bytes the search fetched, the time from typing to results on screen, and
the result count against a substring scan of the Markdown.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import yaml  # noqa: E402

from converter.search.index import DOC_NUMBERS, doc_number_shard  # noqa: E402
from tests.browser.harness import ROOT, build_site, chromium, serve  # noqa: E402

SEED = 20260101
CORPUS = ROOT.parent / "shared" / "corpus" / "raw"
REGIONS = ("北京市", "天津市", "河北省", "山西省", "辽宁省", "吉林省", "黑龙江省", "上海市", "江苏省", "浙江省",
           "安徽省", "福建省", "江西省", "山东省", "河南省", "湖北省", "湖南省", "广东省", "四川省", "贵州省", "云南省", "陕西省", "甘肃省")
PREFIXES = ("京政办发", "津政发", "冀政办字", "晋政发", "辽政办发", "吉政发", "黑政办规", "沪府办", "苏政发", "浙政办发",
            "皖政", "闽政办", "赣府厅字", "鲁政办字", "豫政", "鄂政发", "湘政办发", "粤府办", "川办发", "黔府发", "云政办发", "陕政发", "甘政办发")
TOPICS = ("推进医疗联合体建设和发展", "深化公立医院综合改革", "推进分级诊疗制度建设", "做好家庭医生签约服务", "开展药品集中采购",
          "加强公立医院绩效考核", "推动县域医共体建设", "促进中医药传承创新发展", "加强基层医疗卫生服务能力建设", "完善医疗保障制度",
          "推进健康扶贫工程", "深化人才发展体制机制改革", "推动公立医院高质量发展", "加快发展远程医疗服务", "加强慢性病防治工作")
TYPES = ("实施意见", "实施方案", "通知", "指导意见", "工作方案", "办法")
# Terms a reader types (once the search dictionary's terms, then others).
QUERIES = ("医联体", "分级诊疗", "县域医共体", "家庭医生签约", "公立医院绩效考核", "对口支援", "实施方案", "紧密型", "人事薪酬", "信息平台")
RECORD = re.compile(r"^\?\?\? info record ", re.M)


def sample_documents(docs: Path) -> list[list[str]]:
    """Body paragraphs of each bundled document: after the card, before the link lists and record."""
    out: list[list[str]] = []
    for page in sorted((docs / "policies").glob("*.md")):
        if page.name == "index.md":
            continue
        text = page.read_text(encoding="utf-8").split("\n---\n", 1)[1]
        text = text.split("</div>", 1)[-1]
        text = re.split(r"^## (?:本文引用|被引用)|^\?\?\? ", text, flags=re.M)[0]
        paras = [p.strip() for p in re.split(r"\n\s*\n", text)]
        out.append([p for p in paras if p and not p.startswith(("#", "|", "{:", "<"))])
    return out


def corpus_documents(raw: Path = CORPUS) -> list[list[str]]:
    """Body paragraphs of the real pages in ../shared/corpus, as the converter reads them
    (Markdown-escaped); none when the folder is not there."""
    from converter.pipeline import convert_source
    from converter.render.page import esc

    out: list[list[str]] = []
    for path in sorted(raw.glob("*.html")) if raw.is_dir() else []:
        docs, _ = convert_source(path, raw.parent)
        for d in docs:
            paras = [esc(b.text) for b in d.blocks if b.kind in ("para", "item", "heading") and b.text.strip()]
            if len(paras) >= 3:
                out.append(paras)
    return out


def topic_paragraphs(i: int, rng: random.Random, documents: list[list[str]]) -> list[str]:
    """Most of one document's paragraphs in order, and a few from another."""
    own = documents[i % len(documents)]
    keep = sorted(rng.sample(range(len(own)), k=max(1, int(len(own) * rng.uniform(0.6, 1.0)))))
    other = documents[rng.randrange(len(documents))]
    return [own[k] for k in keep] + rng.sample(other, k=min(len(other), rng.randrange(0, 4)))


def synthetic_page(i: int, rng: random.Random, pool: list[str], documents: list[list[str]] | None = None) -> tuple[str, str]:
    k = i % len(REGIONS)
    region, prefix = REGIONS[k], PREFIXES[k]
    year = 2010 + rng.randrange(15)
    number = f"{prefix}〔{year}〕{1 + (i // len(REGIONS)) % 400}号"
    issuer = f"{region}人民政府办公厅"
    doc_type = rng.choice(TYPES)
    title = f"{issuer}关于{rng.choice(TOPICS)}的{doc_type}（第{i + 1}号样本）"
    date = f"{year}-{1 + rng.randrange(12):02d}-{1 + rng.randrange(28):02d}"
    paras = topic_paragraphs(i, rng, documents) if documents else rng.sample(pool, k=min(len(pool), rng.randrange(25, 60)))
    meta = {
        "title": title, "doc_number": number, "issuers": [issuer], "written_date": date, "publish_date": None,
        "region": region, "level": "provincial", "doc_type": doc_type, "topics": [],
        "source": {"file": f"synthetic/{i:05d}.txt", "url": None, "sha256": f"{i:064x}"},
    }
    card = [
        '<div class="policy-card" markdown>', "", f"| 标题 | {title} |", "| --- | --- |",
        f"| 发文字号 | {number} |", f"| 发文机关 | {issuer} |", f"| 成文日期 | {date} |", "| 发布日期 | — |",
        f"| 地区/层级 | {region} · 省级 |", f"| 类型 | {doc_type} |", "| 主题 | — |", "| 来源 | — |", "", "</div>", "",
    ]
    body = [f"# {title}", "", *card, number, "{: .doc-number }", ""]
    for j, p in enumerate(paras):
        body += [f"## 第{j // 9 + 1}部分 {{ #s{j // 9 + 1} }}" if j % 9 == 0 else p, ""]
    body += ['??? info record "来源与处理记录"', "", f"    - 源文件：synthetic/{i:05d}.txt", ""]
    front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=10**9)
    return f"s{i:05d}", f"---\n{front}---\n\n" + "\n".join(body) + "\n"


def generate(n: int, out: Path, mix: str = "topics") -> Path:
    docs = out / "docs"
    if docs.exists():
        shutil.rmtree(docs)
    shutil.copytree(ROOT / "docs", docs)  # index pages, assets, and the real samples
    samples = sample_documents(ROOT / "docs")
    pool = [p for doc in samples for p in doc]
    documents = samples + corpus_documents() if mix == "topics" else None
    if documents is not None:
        print(f"topics: {len(documents)} source documents ({len(samples)} samples)")
    rng = random.Random(SEED)
    numbers: dict[str, dict[str, list[dict[str, str]]]] = {}
    for i in range(n):
        slug, text = synthetic_page(i, rng, pool, documents)
        (docs / "policies" / f"{slug}.md").write_text(text, encoding="utf-8")
        meta = yaml.safe_load(text.split("\n---\n", 1)[0][4:])
        shard = numbers.setdefault(doc_number_shard(meta["doc_number"]), {})
        shard.setdefault(meta["doc_number"], []).append({"url": f"policies/{slug}/", "title": meta["title"]})
    # The 文号 tables the converter would write (same shards as converter/search/index.py).
    for name, table in numbers.items():
        path = docs / DOC_NUMBERS / f"{name}.json"
        old = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
        path.write_text(json.dumps({**old, **table}, ensure_ascii=False, sort_keys=True), encoding="utf-8")
    return docs


def truth_counts(docs: Path, queries: list[str]) -> dict[str, int]:
    counts = dict.fromkeys(queries, 0)
    for page in (docs / "policies").glob("*.md"):
        if page.name == "index.md":
            continue
        text = page.read_text(encoding="utf-8").split("\n---\n", 1)[-1]
        m = RECORD.search(text)
        text = text[: m.start()] if m else text
        for q in queries:
            counts[q] += q in text
    return counts


SEARCH_FILES = re.compile(r"/(pagefind|data)/")


def measure(base: str, queries: list[str]) -> list[dict]:
    """Each query in a fresh browser context (cold cache): bytes of the search's files
    (pagefind/ and data/, including what Pagefind's worker fetches) and time to results."""
    rows = []
    with chromium() as browser:
        for q in queries:
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            fetched: list[int] = []
            context.on("response", lambda r, fetched=fetched: fetched.append(int(r.headers.get("content-length") or 0)) if SEARCH_FILES.search(r.url) else None)
            page = context.new_page()
            page.goto(base)
            page.wait_for_load_state("networkidle")
            start = time.perf_counter()
            page.click(".md-search__input")
            page.keyboard.type(q)
            page.wait_for_function("document.querySelector('[data-policy-search]').dataset.results !== undefined", timeout=60_000)
            page.wait_for_function("document.querySelectorAll('.md-search-result__item').length > 0 || document.querySelector('[data-policy-search]').dataset.results === '0'")
            elapsed = time.perf_counter() - start
            shown = int(page.evaluate("document.querySelector('[data-policy-search]').dataset.results"))
            rows.append({"query": q, "seconds": elapsed, "results": shown, "bytes": sum(fetched), "requests": len(fetched)})
            context.close()
    return rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--out", default=str(ROOT / "bench" / "out" / "scale"))
    ap.add_argument("--mix", choices=("topics", "uniform"), default="topics", help="how pages draw their paragraphs (see above)")
    ap.add_argument("--reuse", action="store_true", help="measure an existing build in --out")
    args = ap.parse_args()
    out = Path(args.out).resolve()
    site = out / "site"
    docs = out / "docs"
    if not args.reuse:
        t = time.perf_counter()
        generate(args.n, out, args.mix)
        print(f"generated {args.n} pages in {time.perf_counter() - t:.1f} s")
        if site.exists():
            shutil.rmtree(site)
        t = time.perf_counter()
        build_site(docs, site)
        print(f"mkdocs build + pagefind index: {time.perf_counter() - t:.1f} s")
    pages = sorted((site / "policies").glob("*/index.html"))
    sizes = [p.stat().st_size for p in pages]
    index_bytes = sum(p.stat().st_size for p in (site / "pagefind").rglob("*") if p.is_file())
    print(f"{len(pages)} document pages; HTML per page: median {statistics.median(sizes) / 1024:.1f} KB, "
          f"max {max(sizes) / 1024:.1f} KB; pagefind/ total {index_bytes / 2**20:.1f} MB")
    # A 文号 typed with [] brackets: the search box goes through its year's table.
    some = (docs / "policies" / "s00100.md").read_text(encoding="utf-8")
    number = yaml.safe_load(some.split("\n---\n", 1)[0][4:])["doc_number"]
    doc_numbers = [number.replace("〔", "[").replace("〕", "]")]
    queries = list(QUERIES) + doc_numbers
    truth = truth_counts(docs, list(QUERIES))
    with serve(site) as base:
        rows = measure(base, queries)
    print(f"\n{'query':<18}{'results':>8}{'contain':>8}{'KB fetched':>12}{'requests':>9}{'time s':>8}")
    for r in rows:
        print(f"{r['query']:<18}{r['results']:>8}{truth.get(r['query'], '—'):>8}{r['bytes'] / 1024:>12.1f}{r['requests']:>9}{r['seconds']:>8.2f}")
    worst_kb = max(r["bytes"] for r in rows) / 1024
    worst_s = max(r["seconds"] for r in rows)
    print(f"\nworst query: {worst_kb:.0f} KB fetched, {worst_s:.2f} s to results (budget 1024 KB, 1 s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
