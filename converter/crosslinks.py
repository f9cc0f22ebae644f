"""Each document's 本文引用 / 被引用 lists, from the corpus-wide link step."""

from __future__ import annotations

from .link import Corpus, Edge
from .model import PolicyDocument
from .places import LEVEL_NAMES
from .render import esc
from .site import doc_date, sort_key


def _edge_line(e: Edge, corpus: Corpus, other: str) -> str:
    d = corpus.by_slug.get(other)
    if d is None:
        label = e.citation.title or e.citation.doc_number or ""
        number = f"（{esc(e.citation.doc_number)}）" if e.citation.title and e.citation.doc_number else ""
        return f"- {esc(label)}{number} <small>未收录</small>"
    meta = [x for x in ("、".join(d.issuers), LEVEL_NAMES.get(d.level or ""), doc_date(d)) if x]
    return f"- [{esc(d.title)}]({d.slug}.md) <small>{' · '.join(esc(m) for m in meta)}</small>"


def link_section(doc: PolicyDocument, corpus: Corpus) -> list[str]:
    out_edges = corpus.outgoing(doc.slug)
    in_edges = corpus.incoming(doc.slug)
    lines: list[str] = []
    if out_edges:
        lines += ["## 本文引用 { #cites .links }", ""]
        lines += [_edge_line(e, corpus, e.target or "") for e in out_edges] + [""]
    if in_edges:
        lines += ["## 被引用 { #cited-by .links }", ""]
        seen = set()
        for e in sorted(in_edges, key=lambda e: sort_key(corpus.by_slug[e.source])):
            if e.source not in seen:
                seen.add(e.source)
                lines.append(_edge_line(e, corpus, e.source))
        lines.append("")
    return lines
