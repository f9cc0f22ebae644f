"""Timelines: each document's chain (what it cites, what cites it, a few hops each way),
and the site-wide timeline page by year and month.

Plain Markdown tables rather than a diagram: they render offline, in search results and in
print, and need no JavaScript from a CDN.
"""

from __future__ import annotations

from collections import defaultdict

from converter.link.corpus import Corpus
from converter.model import PolicyDocument
from converter.render.page import esc_short, status_badge
from converter.text.places import LEVEL_NAMES

POLICY_DIR = "policies"  # same folder as site.POLICY_DIR; not imported to keep site.py free to import us
TIMELINE_PAGE = "timeline.md"
HOPS = 3  # how far up and down a document's chain is followed
MAX_EACH_WAY = 40  # a national document cited by thousands keeps a readable table; 被引用 lists them all


def chain(doc: PolicyDocument, corpus: Corpus, hops: int = HOPS, limit: int = MAX_EACH_WAY) -> list[tuple[PolicyDocument, int]]:
    """Documents on ``doc``'s chain with their distance: -k for k hops upstream (cited by it,
    directly or through others), +k downstream (citing it), 0 for ``doc`` itself. Each document
    appears once, at its nearest distance (upstream wins a tie, which only a cycle can make);
    at most ``limit`` each way, nearest first, so the work per page is bounded."""
    depth: dict[str, int] = {doc.slug: 0}
    for sign, step in ((-1, lambda s: [e.target for e in corpus.outgoing(s) if e.target]),
                       (1, lambda s: [e.source for e in corpus.incoming(s)])):
        frontier, count = [doc.slug], 0
        for k in range(1, hops + 1):
            nxt = []
            for slug in frontier:
                for other in step(slug):
                    if other not in depth and count < limit:
                        depth[other] = sign * k
                        nxt.append(other)
                        count += 1
            frontier = sorted(nxt)
    return sorted(((corpus.by_slug[s], k) for s, k in depth.items()), key=lambda p: _chrono(p[0]))


def _chrono(d: PolicyDocument) -> tuple[int, str, str]:
    """Oldest first; undated documents last."""
    return (0 if d.date else 1, d.date or "", d.slug)


def relation(k: int) -> str:
    if k == 0:
        return "**本文**"
    if k == -1:
        return "本文引用"
    if k == 1:
        return "引用本文"
    return f"上游第 {-k} 层" if k < 0 else f"下游第 {k} 层"


def _level(d: PolicyDocument) -> str:
    return LEVEL_NAMES.get(d.level or "", "—")


def chain_section(doc: PolicyDocument, corpus: Corpus) -> list[str]:
    """The 政策脉络 table on a document page; nothing when the document is not linked."""
    members = chain(doc, corpus)
    if len(members) < 2:
        return []
    lines = [
        "## 政策脉络 { #chain .links }",
        "",
        f"本文所引用的文件（上游）和引用本文的文件（下游），各追溯 {HOPS} 层（每个方向最多 {MAX_EACH_WAY} 份），按日期排列。",
        "",
        OPEN,
        "",
        "| 日期 | 层级 | 地区 | 文件 | 关系 |",
        "| --- | --- | --- | --- | --- |",
    ]
    for d, k in members:
        name = (f"**{esc_short(d.title)}**" if k == 0 else f"[{esc_short(d.title)}]({d.slug}.md)") + status_badge(d)
        lines.append(f"| {esc_short(d.date or '日期不详')} | {_level(d)} | {esc_short(d.region or '—')} | {name} | {relation(k)} |")
    return lines + ["", CLOSE, ""]


# Timeline tables in a wrapper the stylesheet turns into one card per row on a phone, so the
# title column is never cut off at 390 px (assets/policy.css).
OPEN = '<div class="policy-timeline" markdown>'
CLOSE = "</div>"


def timeline_page(corpus: Corpus) -> str:
    """docs/timeline.md: every document by year and month, oldest first."""
    groups: dict[str, dict[str, list[PolicyDocument]]] = defaultdict(lambda: defaultdict(list))
    for d in corpus.docs:
        if d.date:
            groups[d.date[:4]][d.date[5:7]].append(d)
        else:
            groups[""][""].append(d)
    lines = [
        "---",
        "title: 时间线",
        "search:",
        "  exclude: true",
        "---",
        "",
        "# 时间线",
        "",
        "全部文件按日期（成文日期，缺失时用发布日期）排列，可以看到一项政策从国家到省、市、县逐级落实的过程。",
        "",
    ]
    header = ["| 日期 | 层级 | 地区 | 文件 |", "| --- | --- | --- | --- |"]
    for year in sorted(groups, key=lambda y: (y == "", y)):
        lines += [f"## {year} 年" if year else "## 日期不详", ""]
        for month in sorted(groups[year]):
            if month:
                lines += [f"### {year} 年 {int(month)} 月", ""]
            lines += [OPEN, "", *header]
            for d in sorted(groups[year][month], key=_chrono):
                link = f"[{esc_short(d.title)}]({POLICY_DIR}/{d.slug}.md){status_badge(d)}"
                lines.append(f"| {esc_short(d.date or '—')} | {_level(d)} | {esc_short(d.region or '—')} | {link} |")
            lines += ["", CLOSE, ""]
    return "\n".join(lines).rstrip() + "\n"


def pages(corpus: Corpus) -> dict[str, str]:
    return {TIMELINE_PAGE: timeline_page(corpus)}
