"""site/data/documents.json is described by a published JSON Schema (docs/data/documents.schema.json)."""

from __future__ import annotations

import copy
import dataclasses
import json

import jsonschema

from converter import pipeline
from converter.link import graph
from converter.messages import Note
from tests.support import ROOT


def _schema() -> dict:
    return json.loads((ROOT / "docs" / "data" / "documents.schema.json").read_text(encoding="utf-8"))


def test_committed_documents_json_follows_the_published_schema():
    data = json.loads((ROOT / "docs" / "data" / "documents.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(_schema()).validate(data)


def test_documents_json_carries_index_number_and_coded_warnings(sample_docs):
    # Shared by the session: linking sets their status, so the test links copies.
    docs = [copy.deepcopy(d) for ds in sample_docs.values() for d in ds]
    docs[0] = dataclasses.replace(docs[0], index_number="000014349/2018-00206", warnings=[Note("warn.missing", field="publish_date")])
    data = graph.graph(pipeline.link(docs))
    jsonschema.Draft202012Validator(_schema()).validate(data)
    first = next(d for d in data["documents"] if d["slug"] == docs[0].slug)
    assert first["index_number"] == "000014349/2018-00206"
    assert first["warnings"] == [{"code": "warn.missing", "text": "未找到发布日期"}]


def test_schema_rejects_a_document_without_its_fields():
    data = json.loads((ROOT / "docs" / "data" / "documents.json").read_text(encoding="utf-8"))
    del data["documents"][0]["index_number"]
    try:
        jsonschema.Draft202012Validator(_schema()).validate(data)
    except jsonschema.ValidationError:
        return
    raise AssertionError("a document without index_number passed the schema")


def test_validity_relations_follow_the_schema():
    # The validity fixtures repeal, amend and interpret one another (and missing documents).
    paths = sorted(p for p in (ROOT / "tests" / "fixtures" / "validity").iterdir() if p.suffix in (".html", ".txt"))
    result = pipeline.convert_many(paths, ROOT)
    data = graph.graph(pipeline.link(result.docs))
    assert any(d["repeals"] or d["repealed_by"] for d in data["documents"])
    jsonschema.Draft202012Validator(_schema()).validate(data)
