"""Site pages about validity: browse by status, documents expiring soon, and the Atom feed of
status changes (a document taking effect, expiring, being repealed), all as of the build's
reference date, so the same sources and date give the same pages."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from xml.sax.saxutils import escape, quoteattr

from converter.link.corpus import Corpus
from converter.link.status import LABELS
from converter.model import PolicyDocument
from converter.render import feed
from converter.render.page import esc, esc_short
from converter.render.sitepages import (
    EXPIRING_PAGE,
    POLICY_DIR,
    STATUS_FEED,
    STATUS_PAGE,
    doc_line,
    sort_key,
)

EXPIRING_DAYS = 90
FEED_SIZE = 50
ORDER = ("in_force", "not_yet_in_force", "expired", "repealed", "unknown")


def _head(title: str) -> str:
    return f"---\ntitle: {title}\nsearch:\n  exclude: true\n---\n\n# {title}\n\n"


def _as_of(corpus: Corpus) -> str:
    return next((d.validity.as_of for d in corpus.docs if d.validity), "")


def status_page(corpus: Corpus) -> str:
    groups: dict[str, list[PolicyDocument]] = defaultdict(list)
    for d in corpus.docs:
        groups[d.validity.status if d.validity else "unknown"].append(d)
    lines = [
        (f"状态截至 {_as_of(corpus)}（北京时间）。状态依据文件自身写明的施行日期、有效期，以及本库其他文件废止、修改它的条文；"
         "没有这些条文的文件列为“时效不详”，不按发文年份或“暂行”“试行”推测。"), "",
        "　".join(f"[{LABELS[s]}（{len(groups[s])}）](#{s.replace('_', '-')})" for s in ORDER), "",
    ]
    for s in ORDER:
        lines += [f"## {LABELS[s]} <small>（{len(groups[s])}）</small> {{ #{s.replace('_', '-')} }}", ""]
        lines += [doc_line(d, f"../{POLICY_DIR}/") for d in sorted(groups[s], key=sort_key)] + [""]
    return _head("按时效浏览") + "\n".join(lines).rstrip() + "\n"


def expiring(corpus: Corpus, days: int = EXPIRING_DAYS) -> list[PolicyDocument]:
    """In force on the reference date and ending within ``days`` of it, soonest first."""
    as_of = _as_of(corpus)
    if not as_of:
        return []
    until = (dt.date.fromisoformat(as_of) + dt.timedelta(days=days)).isoformat()
    found = [d for d in corpus.docs if d.validity and d.validity.status == "in_force"
             and d.validity.expiry_date and as_of <= d.validity.expiry_date <= until]
    return sorted(found, key=lambda d: (d.validity.expiry_date, d.slug))


def expiring_page(corpus: Corpus) -> str:
    items = expiring(corpus)
    lines = [f"状态截至 {_as_of(corpus)}：{EXPIRING_DAYS} 天内有效期届满的现行有效文件共 {len(items)} 份，按届满日期排列。", ""]
    if items:
        lines += ["| 有效期至 | 文件 | 文号 |", "| --- | --- | --- |"]
        lines += [
            f"| {d.validity.expiry_date} | [{esc_short(d.title)}](../{POLICY_DIR}/{d.slug}.md) | {esc(d.doc_number) if d.doc_number else '—'} |"
            for d in items
        ]
    return _head(f"{EXPIRING_DAYS} 天内到期") + "\n".join(lines).rstrip() + "\n"


def changes(corpus: Corpus) -> list[tuple[str, PolicyDocument, str, str]]:
    """Status changes up to the reference date: (date, document, new status, clause), newest first."""
    as_of = _as_of(corpus)
    out = []
    for d in corpus.docs:
        v = d.validity
        if v is None:
            continue
        if v.effective_date and v.effective_date <= as_of:
            out.append((v.effective_date, d, "in_force", v.evidence if v.status == "in_force" else ""))
        if v.status == "expired" and v.expiry_date:
            day = (dt.date.fromisoformat(v.expiry_date) + dt.timedelta(days=1)).isoformat()
            out.append((day, d, "expired", v.evidence or ""))
        if v.status == "repealed" and v.evidence_from:
            other = corpus.by_slug[v.evidence_from]
            when = other.validity.effective_date if other.validity and other.validity.effective_date else other.date
            out.append((when or as_of, d, "repealed", v.evidence or ""))
    return sorted(out, key=lambda x: (x[0], x[1].slug, x[2]), reverse=True)[:FEED_SIZE]


def status_feed(corpus: Corpus) -> str:
    items = changes(corpus)
    updated = items[0][0] if items else "1970-01-01"
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="zh-CN" xml:base="./">',
        "  <title>政策文件库：时效变化</title>",
        "  <id>urn:policy-library:status-feed</id>",
        f"  <updated>{updated}T00:00:00+08:00</updated>",
        f'  <link rel="self" type="application/atom+xml" href="{STATUS_FEED}"/>',
        "  <author><name>政策文件库</name></author>",
    ]
    for day, d, status, clause in items:
        lines += [
            "  <entry>",
            f"    <title>{escape(LABELS[status])}：{escape(d.title)}</title>",
            f"    <link rel=\"alternate\" type=\"text/html\" href={quoteattr(f'{POLICY_DIR}/{d.slug}/')}/>",
            f"    <id>urn:policy-library:status:{escape(d.slug)}:{status}:{day}</id>",
            f"    <updated>{day}T00:00:00+08:00</updated>",
            f"    <category term={quoteattr(LABELS[status])}/>",
            f"    {feed.summary(clause or LABELS[status])}",
            "  </entry>",
        ]
    lines.append("</feed>")
    return "\n".join(lines) + "\n"


def pages(corpus: Corpus) -> dict[str, str]:
    return {STATUS_PAGE: status_page(corpus), EXPIRING_PAGE: expiring_page(corpus), STATUS_FEED: status_feed(corpus)}
