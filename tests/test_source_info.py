"""SourceInfo, the typed source of a document: the front matter's ``source:`` keeps its key order
and its nulls (the four always-known keys, null when unknown; the others only when set)."""

from __future__ import annotations

import dataclasses
import json

import pytest

from converter.model import SourceInfo
from converter.render.page import dump_yaml
from converter.runtime import entries
from tests.contrib_support import make_project, rebuild


def test_the_four_known_keys_come_first_and_are_null_when_unknown():
    assert SourceInfo(file="sources/a.txt").as_dict() == {"file": "sources/a.txt", "url": None, "site": None, "sha256": ""}
    assert dump_yaml({"source": SourceInfo(file="a.txt", sha256="0" * 64).as_dict()}) == (
        "source:\n  file: a.txt\n  url: null\n  site: null\n  sha256: '" + "0" * 64 + "'\n"
    )


def test_optional_keys_are_written_in_declared_order_only_when_set():
    info = SourceInfo(file="f", url="u", site="s", sha256="h", page_url="p", origin="o", fetched_at=None,
                      attachment_of="", extracted_from={"file": "x.pdf"})
    assert list(info.as_dict()) == ["file", "url", "site", "sha256", "origin", "extracted_from", "page_url"]


def test_a_source_round_trips_through_the_render_cache(tmp_path):
    doc = rebuild(make_project(tmp_path)).docs[0]
    info = SourceInfo(file="sources/a.attachments/b.pdf", url="http://x/b.pdf", site="x", sha256="1" * 64,
                      fetched_at="2024-01-01T00:00:00Z", extracted_from={"file": "b.pdf", "format": "pdf", "tool": "pdfplumber"},
                      attachment_of="sources/a.html", attachment_name="附件1", page_url="http://x/a.html")
    assert SourceInfo.from_dict(info.as_dict()) == info
    doc = dataclasses.replace(doc, source=info, validity=None)  # a converted document: before the link step
    (back,), _ = entries.decode_outcome(json.loads(json.dumps(entries.encode_outcome(([doc], [])))))
    assert back.source == info


def test_a_cached_source_with_an_unknown_key_is_refused():
    with pytest.raises(TypeError):
        SourceInfo.from_dict({"file": "a", "url": None, "site": None, "sha256": "", "colour": "red"})
