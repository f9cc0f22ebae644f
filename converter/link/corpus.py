"""The corpus-wide step: the only place that sees every document.

Resolves citations (by 文号 first, then by normalised title, then by the title a 印发/转发
notice wraps), builds backlinks, groups the cited-but-missing documents into stubs, and warns
about two sources claiming one 文号. Every lookup goes through a dict built once, so the step
is linear in the number of documents and citations: no document is compared with every other.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from converter.extract.citations import (
    is_order_number,
    number_key,
    title_key,
    title_keys,
)
from converter.link import status
from converter.link.missing import Missing, stub_id
from converter.model import Citation, PolicyDocument
from converter.read import attachments

__all__ = ["Corpus", "Edge", "Missing", "link", "stub_id", "title_key", "title_keys"]


@dataclass(frozen=True)
class Edge:
    source: str  # citing slug
    target: str | None  # cited slug; None when the cited document is missing or ambiguous
    citation: Citation
    via: str  # how it resolved: doc_number, title, inner-title; or missing, ambiguous
    stub: str | None = None  # id of the missing document's stub page (target is None)
    candidates: tuple[str, ...] = ()  # the documents an ambiguous citation could mean


@dataclass
class Corpus:
    docs: list[PolicyDocument]
    edges: list[Edge] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    missing: dict[str, Missing] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.by_slug = {d.slug: d for d in self.docs}
        self._out: dict[str, list[Edge]] = {}
        self._in: dict[str, list[Edge]] = {}

    def outgoing(self, slug: str) -> list[Edge]:
        return list(self._out.get(slug, []))

    def incoming(self, slug: str) -> list[Edge]:
        return list(self._in.get(slug, []))

    def index_edges(self) -> None:
        self._out = defaultdict(list)
        self._in = defaultdict(list)
        for e in self.edges:
            self._out[e.source].append(e)
            if e.target:
                self._in[e.target].append(e)


def unique_slugs(docs: list[PolicyDocument]) -> None:
    """Two sources whose names sanitise to the same slug never overwrite each other."""
    seen: set[str] = set()  # lower case: "A" and "a" are one file on macOS and Windows
    for d in sorted(docs, key=lambda d: (d.slug, d.source.file, d.source.sha256)):
        if d.slug.lower() in seen:
            base, n = f"{d.slug}-{d.source.sha256[:8]}", 1
            d.slug = base
            while d.slug.lower() in seen:  # identical copies under names that sanitise alike
                n += 1
                d.slug = f"{base}-{n}"
        seen.add(d.slug.lower())


class _Index:
    """文号 -> documents and title key -> documents, built once over the corpus."""

    def __init__(self, docs: list[PolicyDocument]):
        self.by_number: dict[str, list[str]] = defaultdict(list)
        self.by_title: dict[str, list[str]] = defaultdict(list)
        self.number_of = {d.slug: number_key(d.doc_number) for d in docs}
        self.keys_of: dict[str, list[str]] = {}
        for d in docs:
            if d.doc_number:
                self.by_number[number_key(d.doc_number)].append(d.slug)
            self.keys_of[d.slug] = title_keys(d.title)
            for key in self.keys_of[d.slug]:
                if key and d.slug not in self.by_title[key]:
                    self.by_title[key].append(d.slug)

    def resolve(self, c: Citation, own: str) -> tuple[list[str], str]:
        """The documents a citation can mean (never the citing one), and how they were found."""
        if c.doc_number:
            found = [s for s in self.by_number.get(number_key(c.doc_number), []) if s != own]
            if len(found) > 1 and c.title:
                # Two sources claim the 文号; the cited title tells them apart.
                wanted = set(title_keys(c.title))
                found = [s for s in found if wanted & set(self.keys_of[s])] or found
            if found:
                return found, "doc_number"
        keys = title_keys(c.title)
        for i, key in enumerate(keys):
            found = [
                s for s in self.by_title.get(key, [])
                if s != own and not (c.doc_number and self.number_of[s] and self.number_of[s] != number_key(c.doc_number))
            ]
            if len(found) > 1:
                # A document titled so outranks one that only wraps that title (关于修改《X》的决定).
                found = [s for s in found if self.keys_of[s][:1] == [key]] or found
            if found:
                return found, "title" if i == 0 else "inner-title"
        return [], "missing"


def _group_missing(unresolved: list[tuple[str, Citation]]) -> tuple[list[str], dict[str, Missing]]:
    """Which stub each unresolved citation belongs to.

    Citations with a 文号 are grouped by it. A title-only citation joins the 文号 group its
    title was cited with, when exactly one; otherwise it gets a group of its own title, so
    two different documents with the same title and different 文号 are never merged.
    """
    numbers_of_title: dict[str, set[str]] = defaultdict(set)
    for _, c in unresolved:
        if c.doc_number and c.title:
            numbers_of_title[title_key(c.title)].add(number_key(c.doc_number))
    ids: list[str] = []
    groups: dict[str, list[tuple[str, Citation]]] = defaultdict(list)
    number_of_group: dict[str, str | None] = {}  # as first written by a citing document
    for slug, c in unresolved:
        number = c.doc_number
        if not number:
            known = numbers_of_title.get(title_key(c.title), set())
            number = next(iter(known)) if len(known) == 1 else None
        sid = stub_id(number, c.title)
        ids.append(sid)
        groups[sid].append((slug, c))
        if c.doc_number or sid not in number_of_group:
            number_of_group[sid] = number_of_group.get(sid) or number
    missing: dict[str, Missing] = {}
    for sid, members in groups.items():
        titles = Counter(c.title for _, c in members if c.title)
        first_seen: dict[str, int] = {}
        for i, (_, c) in enumerate(members):
            if c.title:
                first_seen.setdefault(c.title, i)
        ordered = sorted(titles, key=lambda t: (-titles[t], first_seen[t]))
        missing[sid] = Missing(
            id=sid,
            title=ordered[0] if ordered else None,
            doc_number=number_of_group[sid],
            cited_by=sorted({slug for slug, _ in members}),
            titles=ordered,
        )
    return ids, dict(sorted(missing.items()))


def duplicate_numbers(docs: list[PolicyDocument], by_number: dict[str, list[str]]) -> list[str]:
    """One warning per 文号 claimed by more than one document, naming every source file."""
    by_slug = {d.slug: d for d in docs}
    out = []
    for slugs in (slugs for _, slugs in sorted(by_number.items()) if len(slugs) > 1):
        files = ", ".join(sorted(by_slug[s].source.file for s in slugs))
        out.append(f"文号 {by_slug[slugs[0]].doc_number} is claimed by {len(slugs)} documents: {files}")
    return out


def link(docs: list[PolicyDocument], as_of: str | None = None) -> Corpus:
    """Resolve citations and validity relations; statuses are as of ``as_of`` (YYYY-MM-DD;
    default: the date recorded for the committed docs/, status.recorded_as_of)."""
    unique_slugs(docs)
    attachments.link_pages(docs)  # slugs are final: 附件 links to the attachments' own pages
    docs = sorted(docs, key=lambda d: d.slug)
    corpus = Corpus(docs)
    index = _Index(docs)
    corpus.warnings += duplicate_numbers(docs, index.by_number)
    resolved: list[tuple[PolicyDocument, Citation, list[str], str]] = []
    for d in docs:
        for c in d.cites:
            found, via = index.resolve(c, d.slug)
            resolved.append((d, c, found, via))
    # A bare decree number (国令第76号) that is not in the library names nothing to collect.
    resolved = [r for r in resolved if r[2] or r[1].title or not is_order_number(r[1].doc_number)]
    unresolved = [(d.slug, c) for d, c, found, _ in resolved if not found]
    stub_ids, corpus.missing = _group_missing(unresolved)
    stubs = iter(stub_ids)
    for d, c, found, via in resolved:
        if len(found) == 1:
            corpus.edges.append(Edge(d.slug, found[0], c, via))
        elif found:
            corpus.warnings.append(
                f"{d.source.file}: citation {c.title or c.doc_number} matches {len(found)} documents "
                f"({', '.join(found)}); not linked"
            )
            corpus.edges.append(Edge(d.slug, None, c, "ambiguous", candidates=tuple(found)))
        else:
            corpus.edges.append(Edge(d.slug, None, c, "missing", stub=next(stubs)))
    corpus.index_edges()
    status.apply(corpus, index, as_of)
    return corpus
