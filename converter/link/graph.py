"""The citation graph as data: docs/data/documents.json (MkDocs copies it to site/data/).

Every document's metadata, its URL and its edges, and every cited-but-missing document, so
others can reuse the graph without scraping the site. Sorted keys and lists, no timestamps:
the file is byte-identical across builds of the same sources.
"""

from __future__ import annotations

import json
from typing import Any

from converter.link.corpus import Corpus, Edge
from converter.messages import note

DATA_FILE = "data/documents.json"
POLICY_DIR = "policies"
CITED_DIR = "cited"
FORMAT = 1  # bump when a field changes meaning


def _edge(e: Edge) -> dict[str, Any]:
    out: dict[str, Any] = {"source": e.source, "via": e.via, **e.citation.as_dict()}
    if e.target:
        out["target"] = e.target
    if e.stub:
        out["stub"] = e.stub
    if e.candidates:
        out["candidates"] = list(e.candidates)
    return out


def validity_fields(d: Any) -> dict[str, Any]:
    """Status, its dates and evidence, and the relation lists, as in the page's front matter."""
    from converter.link.status import validity_meta

    data = validity_meta(d)
    if d.validity is not None:
        data["status_label"] = d.validity.label
        data["status_note"] = d.validity.note
    return data


def graph(corpus: Corpus) -> dict[str, Any]:
    cited_by: dict[str, set[str]] = {}
    for e in corpus.edges:
        if e.target:
            cited_by.setdefault(e.target, set()).add(e.source)
    documents = []
    for d in corpus.docs:
        documents.append({
            "slug": d.slug,
            "url": f"{POLICY_DIR}/{d.slug}/",
            "title": d.title,
            "doc_number": d.doc_number,
            "issuers": list(d.issuers),
            "written_date": d.written_date,
            "publish_date": d.publish_date,
            "region": d.region,
            "level": d.level,
            "doc_type": d.doc_type,
            "topics": list(d.topics),
            "index_number": d.index_number,
            "warnings": [{"code": n.code, "text": n.zh} for n in map(note, d.warnings)],
            "source": {"file": d.source.file, "url": d.source.url, "sha256": d.source.sha256},
            "cites": [_edge(e) for e in corpus.outgoing(d.slug)],
            "cited_by": sorted(cited_by.get(d.slug, ())),
            **validity_fields(d),
        })
    missing = [
        {
            "id": m.id,
            "url": f"{CITED_DIR}/{m.id}/",
            "title": m.title,
            "doc_number": m.doc_number,
            "titles": m.titles,
            "cited_by": m.cited_by,
            "relations": [{"kind": k, "by": s} for k, s in m.relations],
        }
        for m in corpus.missing.values()
    ]
    return {
        "format": FORMAT,
        "documents": sorted(documents, key=lambda d: d["slug"]),
        "missing": sorted(missing, key=lambda m: m["id"]),
        "edges": [_edge(e) for e in corpus.edges],
    }


def dumps(data: dict[str, Any]) -> str:
    """``data`` as JSON with sorted keys, one line per item of its top-level lists.

    json's C encoder only runs without ``indent`` (indent=1: 2.5 times slower at 5,000 documents);
    a line per document still keeps diffs of the file readable."""
    one = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode
    parts = []
    for key in sorted(data):
        value = data[key]
        if isinstance(value, list) and value:
            body = ",\n".join(one(item) for item in value)
            parts.append(f"{one(key)}:[\n{body}\n]")
        else:
            parts.append(f"{one(key)}:{one(value)}")
    return "{\n" + ",\n".join(parts) + "\n}\n"


def documents_json(corpus: Corpus) -> str:
    return dumps(graph(corpus))


def pages(corpus: Corpus) -> dict[str, str]:
    return {DATA_FILE: documents_json(corpus)}
