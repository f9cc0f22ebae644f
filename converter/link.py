"""The corpus-wide step: the only place that sees every document.

Resolves citations (by 文号 first, then by normalised title), builds backlinks, and warns
about two sources claiming one 文号. Every lookup goes through a dict built once, so the
step is linear in the number of documents and citations.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from .model import Citation, PolicyDocument

_WRAPPER = re.compile(r"^(.{2,60}?)(?:关于)?(?:印发|转发|批转)[《〈]?(?P<inner>.+?)[》〉]?的?通知$")
_NOISE = re.compile(r"[\s《》〈〉“”\"'‘’（）()【】\[\]〔〕,，、。:：;；·\-—]")


def title_key(title: str) -> str:
    """Titles compare equal across brackets, punctuation and spacing."""
    return _NOISE.sub("", title or "")


def title_keys(title: str) -> list[str]:
    """The title's key, plus the key of what an 印发/转发 notice wraps."""
    keys = [title_key(title)]
    m = _WRAPPER.match(title_key(title))
    if m and len(m.group("inner")) >= 6:
        keys.append(m.group("inner"))
    return keys


@dataclass(frozen=True)
class Edge:
    source: str  # citing slug
    target: str | None  # cited slug, None when the cited document is not in the corpus
    citation: Citation
    via: str  # "doc_number" or "title"


@dataclass
class Corpus:
    docs: list[PolicyDocument]
    edges: list[Edge] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.by_slug = {d.slug: d for d in self.docs}

    def outgoing(self, slug: str) -> list[Edge]:
        return [e for e in self._out.get(slug, [])]

    def incoming(self, slug: str) -> list[Edge]:
        return [e for e in self._in.get(slug, [])]

    def index_edges(self) -> None:
        self._out: dict[str, list[Edge]] = defaultdict(list)
        self._in: dict[str, list[Edge]] = defaultdict(list)
        for e in self.edges:
            self._out[e.source].append(e)
            if e.target:
                self._in[e.target].append(e)


def unique_slugs(docs: list[PolicyDocument]) -> None:
    """Two sources whose names sanitise to the same slug never overwrite each other."""
    seen: dict[str, int] = {}
    for d in sorted(docs, key=lambda d: (d.slug, d.source["file"])):
        if d.slug.lower() in seen:
            d.slug = f"{d.slug}-{d.source['sha256'][:8]}"
        seen[d.slug.lower()] = 1


def link(docs: list[PolicyDocument]) -> Corpus:
    unique_slugs(docs)
    docs = sorted(docs, key=lambda d: d.slug)
    corpus = Corpus(docs)
    by_number: dict[str, list[str]] = defaultdict(list)
    by_title: dict[str, list[str]] = defaultdict(list)
    for d in docs:
        if d.doc_number:
            by_number[d.doc_number].append(d.slug)
        for key in title_keys(d.title):
            if key and d.slug not in by_title[key]:
                by_title[key].append(d.slug)
    for number, slugs in sorted(by_number.items()):
        if len(slugs) > 1:
            files = ", ".join(corpus.by_slug[s].source["file"] for s in slugs)
            corpus.warnings.append(f"文号 {number} is claimed by {len(slugs)} documents: {files}")
    for d in docs:
        for c in d.cites:
            target, via = None, "doc_number" if c.doc_number else "title"
            candidates: list[str] = []
            if c.doc_number:
                candidates = [s for s in by_number.get(c.doc_number, []) if s != d.slug]
            if not candidates and c.title:
                via = "title"
                candidates = [s for s in by_title.get(title_key(c.title), []) if s != d.slug]
            if len(candidates) == 1:
                target = candidates[0]
            elif len(candidates) > 1:
                corpus.warnings.append(
                    f"{d.source['file']}: citation {c.title or c.doc_number} matches {len(candidates)} documents "
                    f"({', '.join(candidates)}); not linked"
                )
            corpus.edges.append(Edge(d.slug, target, c, via))
    corpus.index_edges()
    return corpus
