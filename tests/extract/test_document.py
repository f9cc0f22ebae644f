"""The extract stage on its own: each field of a PolicyDocument from a DocumentText built by
hand (paragraphs, page metadata, sidecar overrides), so a failure points at the rule that
chose the value: most trusted source first, a disagreement kept as a warning."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from converter.extract.document import extract
from converter.model import CleaningRecord, DocumentText, PageMeta, Para, RawSource, SourceError, SourceMeta
from tests.support import NOTICE_BODY as BODY
from tests.support import NOTICE_TITLE as TITLE


def _doc(paras=BODY, title=TITLE, page=None, overrides=None, origin="line", index=0) -> DocumentText:
    text = "\n".join([title or "", *paras])
    data = text.encode("utf-8")
    meta = SourceMeta(overrides=dict(overrides or {}))
    raw = RawSource(Path("page.txt"), "sources/page.txt", data, text, "utf-8", hashlib.sha256(data).hexdigest(), meta)
    return DocumentText(source=raw, index=index, title=title, title_origin=origin, paras=[Para(t) for t in paras],
                        page=PageMeta(**(page or {})), record=CleaningRecord())


def _codes(doc) -> list[str]:
    return [getattr(w, "code", str(w)) for w in doc.warnings]


def test_fields_come_from_the_header_and_the_signature_of_the_text():
    d = extract(_doc())
    assert d.title == TITLE
    assert d.doc_number == "国办发〔2021〕23号"
    assert d.issuers == ["国务院办公厅"]
    assert d.written_date == "2021-07-18"
    assert (d.region, d.level) == ("全国", "national")
    assert d.doc_type == "通知"


def test_the_sidecar_override_outranks_the_page_which_outranks_the_title_line():
    page = {"title": "全民健身计划（2021—2025年）的通知"}
    assert extract(_doc(page=page)).title == page["title"]
    assert extract(_doc(page=page, overrides={"title": "人工核对的标题"})).title == "人工核对的标题"


def test_a_page_doc_number_that_disagrees_with_the_header_wins_and_warns():
    d = extract(_doc(page={"doc_number": "国办发[2021]24号"}))
    assert d.doc_number == "国办发〔2021〕24号"
    assert "warn.conflict" in _codes(d)


def test_a_missing_doc_number_on_a_policy_document_is_a_warning():
    d = extract(_doc(paras=BODY[1:]))
    assert d.doc_number is None
    assert "warn.missing" in _codes(d)


def test_a_document_without_any_title_is_an_error_naming_the_source():
    with pytest.raises(SourceError, match="sources/page.txt"):
        extract(_doc(title=None, origin="none"))


def test_the_page_column_names_the_type_a_title_alone_does_not():
    d = extract(_doc(page={"column": "政策解读"}))
    assert d.doc_type == "解读"
    # A 解读 names the document it interprets: that 文号 is a citation, not its own.
    assert d.doc_number is None
    assert d.cites[0].doc_number == "国办发〔2021〕23号"


def test_the_source_block_records_file_digest_and_address():
    d = extract(_doc(page={"url": "https://www.gov.cn/zhengce/content/2021-08/03/content_5629218.htm"}))
    assert d.source.file == "sources/page.txt"
    assert d.source.url.endswith("content_5629218.htm")
    assert len(d.source.sha256) == 64
