"""The generated pages around the documents: home, all documents by year, by region,
and each document's 本文引用 / 被引用 lists. Chinese interface text lives here."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Callable

from .link import Corpus
from .model import PolicyDocument
from .places import LEVEL_NAMES
from .render import esc

POLICY_DIR = "policies"
LATEST_ON_HOME = 10


def doc_date(d: PolicyDocument) -> str:
    return d.date or "日期不详"


def sort_key(d: PolicyDocument) -> tuple[str, str]:
    """Newest first, undated last, then by slug for a stable order."""
    return ("0" if d.date else "1", "".join(chr(0x10FFFF - ord(c)) for c in (d.date or "")) + d.slug)


def doc_line(d: PolicyDocument, prefix: str) -> str:
    parts = [f"[{esc(d.title)}]({prefix}{d.slug}.md)"]
    meta = [x for x in (d.doc_number, doc_date(d), d.region) if x]
    return "- " + parts[0] + (f" <small>{' · '.join(esc(m) for m in meta)}</small>" if meta else "")


def _page(title: str, intro: str, body: list[str]) -> str:
    head = f"---\ntitle: {title}\nsearch:\n  exclude: true\n---\n\n# {title}\n\n{intro}\n\n"
    return head + "\n".join(body).rstrip() + "\n"


def grouped(docs: list[PolicyDocument], key: Callable[[PolicyDocument], str], prefix: str, order=None) -> list[str]:
    groups: dict[str, list[PolicyDocument]] = defaultdict(list)
    for d in docs:
        groups[key(d)].append(d)
    names = order(groups) if order else sorted(groups)
    out: list[str] = []
    for name in names:
        items = sorted(groups[name], key=sort_key)
        out += [f"## {esc(name)} <small>（{len(items)}）</small>", ""]
        out += [doc_line(d, prefix) for d in items] + [""]
    return out


def year_of(d: PolicyDocument) -> str:
    return d.date[:4] + " 年" if d.date else "日期不详"


def province_of(d: PolicyDocument) -> str:
    if d.level == "national":
        return "全国"
    return d.region or "地区不详"


def index_pages(corpus: Corpus) -> dict[str, str]:
    """Relative path under docs/ -> Markdown, for every generated index page."""
    docs = corpus.docs
    years = lambda g: sorted(g, key=lambda y: (y == "日期不详", "".join(chr(0x10FFFF - ord(c)) for c in y)))
    pages = {
        f"{POLICY_DIR}/index.md": _page(
            "全部文件", f"共收录 {len(docs)} 份文件，按年份排列（成文日期，缺失时用发布日期）。",
            grouped(docs, year_of, "", years),
        ),
        "browse/regions.md": _page(
            "按地区浏览", "按发文地区排列，国家级文件列在“全国”。",
            grouped(docs, province_of, f"../{POLICY_DIR}/", lambda g: sorted(g, key=lambda r: (r != "全国", r == "地区不详", r))),
        ),
    }
    pages["index.md"] = home(corpus)
    return pages


def home(corpus: Corpus) -> str:
    docs = corpus.docs
    levels = Counter(LEVEL_NAMES.get(d.level or "", "层级不详") for d in docs)
    dated = [d.date for d in docs if d.date]
    span = f"{min(dated)[:4]}–{max(dated)[:4]} 年" if dated else "—"
    resolved = sum(1 for e in corpus.edges if e.target)
    lines = [
        "---", "title: 政策文件库", "search:", "  exclude: true", "---", "",
        "# 政策文件库", "",
        "从政府网站抓取的政策文件，经过清洗、结构化和相互链接后发布。每份文件都保留来源与处理记录，可以核对原文。", "",
        "| 文件 | 地区 | 时间跨度 | 文件间引用 |", "| --- | --- | --- | --- |",
        f"| {len(docs)} | {len({province_of(d) for d in docs})} | {span} | {resolved} |", "",
        "按层级：" + "，".join(f"{k} {v}" for k, v in sorted(levels.items())), "",
        "## 最新文件", "",
    ]
    lines += [doc_line(d, f"{POLICY_DIR}/") for d in sorted(docs, key=sort_key)[:LATEST_ON_HOME]]
    lines += ["", "## 浏览", "", f"- [全部文件（按年份）]({POLICY_DIR}/index.md)", "- [按地区浏览](browse/regions.md)", ""]
    return "\n".join(lines)
