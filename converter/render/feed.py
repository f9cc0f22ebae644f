"""The Atom feed of the newest documents (docs/feed.xml).

Dates come from the documents (publish date, else written date), never from the clock, so the
feed is byte-identical across builds of the same sources. Links are relative to the feed's
own URL (xml:base is the feed's folder), so the feed works under any site path.
"""

from __future__ import annotations

import html
from xml.sax.saxutils import escape, quoteattr

from converter.model import PolicyDocument

FEED = "feed.xml"
FEED_SIZE = 50
TITLE = "政策文件库：最新文件"
EPOCH = "1970-01-01"


def feed_date(d: PolicyDocument) -> str | None:
    """When the document became public: the publish date, else the date it was written."""
    return d.publish_date or d.written_date


def newest(docs: list[PolicyDocument], n: int = FEED_SIZE) -> list[PolicyDocument]:
    dated = [d for d in docs if feed_date(d)]
    return sorted(dated, key=lambda d: (feed_date(d), d.slug), reverse=True)[:n]


def _stamp(date: str) -> str:
    return f"{date}T00:00:00Z"


def summary(text: str) -> str:
    """An entry's ``<summary>`` of scraped text. Readers render a summary as HTML whatever it
    says; declared HTML and escaped as HTML (then as XML), a 文号 or clause holding "<b>" or
    "<script>" shows as text in every reader."""
    return f'<summary type="html">{escape(html.escape(text, quote=False))}</summary>'


def _entry(d: PolicyDocument, policy_dir: str) -> list[str]:
    href = f"{policy_dir}/{d.slug}/"
    facts = [x for x in (d.doc_number, "、".join(d.issuers), d.written_date and f"成文日期 {d.written_date}", d.region) if x]
    lines = [
        "  <entry>",
        f"    <title>{escape(d.title)}</title>",
        f"    <link rel=\"alternate\" type=\"text/html\" href={quoteattr(href)}/>",
        f"    <id>urn:policy-library:{escape(d.slug)}</id>",
        f"    <updated>{_stamp(feed_date(d) or EPOCH)}</updated>",
        f"    <published>{_stamp(feed_date(d) or EPOCH)}</published>",
    ]
    if d.issuers:
        lines.append(f"    <author><name>{escape(d.issuers[0])}</name></author>")
    if d.doc_type:
        lines.append(f"    <category term={quoteattr(d.doc_type)}/>")
    lines += [f"    {summary(' · '.join(facts))}", "  </entry>"]
    return lines


def atom(docs: list[PolicyDocument], policy_dir: str) -> str:
    items = newest(docs)
    updated = (feed_date(items[0]) if items else None) or EPOCH
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="zh-CN" xml:base="./">',
        f"  <title>{escape(TITLE)}</title>",
        "  <id>urn:policy-library:feed</id>",
        f"  <updated>{_stamp(updated)}</updated>",
        '  <link rel="self" type="application/atom+xml" href="feed.xml"/>',
        '  <link rel="alternate" type="text/html" href="./"/>',
        "  <author><name>政策文件库</name></author>",
    ]
    for d in items:
        lines += _entry(d, policy_dir)
    lines.append("</feed>")
    return "\n".join(lines) + "\n"
