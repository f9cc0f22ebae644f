"""The split stage on its own: the documents a cleaned page holds and each one's title, from
paragraphs given directly (no HTML, no cleaning), so a failure points at split and nothing else."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from converter.model import CleaningRecord, CleanText, PageMeta, Para, RawSource, SourceMeta
from converter.split.documents import split
from tests.support import NOTICE_BODY as BODY
from tests.support import NOTICE_TITLE as NOTICE


def _clean(lines: list[str], page: dict | None = None) -> CleanText:
    text = "\n".join(lines)
    data = text.encode("utf-8")
    raw = RawSource(Path("page.txt"), "sources/page.txt", data, text, "utf-8", hashlib.sha256(data).hexdigest(), SourceMeta())
    return CleanText(source=raw, paras=[Para(t) for t in lines], page=PageMeta(**(page or {})), record=CleaningRecord())


def test_a_page_with_one_title_line_is_one_document_titled_by_it():
    (doc,) = split(_clean([NOTICE, *BODY]))
    assert doc.title == NOTICE
    assert doc.title_origin == "line"
    assert [p.text for p in doc.paras] == BODY


def test_a_title_the_text_cites_is_an_attachment_not_a_second_document():
    lines = [NOTICE, *BODY, "全民健身计划（2021—2025年）", "一、总体要求", "（一）指导思想。"]
    docs = split(_clean(lines))
    assert len(docs) == 1
    assert "全民健身计划（2021—2025年）" in [p.text for p in docs[0].paras]


def test_a_second_title_after_a_body_that_does_not_cite_it_starts_a_second_document():
    other = "江西省人民政府办公厅关于进一步做好稳就业工作的通知"
    lines = [NOTICE, *BODY, other, "各市、县（区）人民政府，省政府各部门：", "现就有关事项通知如下。"]
    docs = split(_clean(lines))
    assert [d.title for d in docs] == [NOTICE, other]
    assert [d.index for d in docs] == [0, 1]
    # Page-level removals are recorded once, with the first document; the second says where.
    assert docs[1].record is not docs[0].record


def test_short_labels_before_the_first_title_are_recorded_as_furniture():
    docs = split(_clean(["政策文件", "最新文件", NOTICE, *BODY]))
    assert docs[0].paras[0].text == BODY[0]
    removed = [r.text for r in docs[0].record.removed]
    assert removed == ["政策文件", "最新文件"]


def test_a_bracketed_title_line_loses_its_brackets_and_the_change_is_counted():
    (doc,) = split(_clean([f"《{NOTICE}》", *BODY]))
    assert doc.title == NOTICE
    assert doc.record.changed.get("title_label") == 1


def test_a_page_without_a_title_line_takes_the_page_title_then_a_news_lead():
    lines = ["近日，省政府召开全省稳就业工作推进会，部署下一阶段工作。", "会议要求，各地要压实责任。"]
    (doc,) = split(_clean(lines, {"title": "全省稳就业工作推进会召开"}))
    assert (doc.title, doc.title_origin) == ("全省稳就业工作推进会召开", "page")
    (doc,) = split(_clean(lines))
    assert (doc.title, doc.title_origin) == ("省政府召开全省稳就业工作推进会", "lead")


def test_page_metadata_takes_only_its_declared_fields():
    page = PageMeta()
    page.update({"title": "标题", "publish_date": "2021-08-03"})
    assert (page.title, page.publish_date) == ("标题", "2021-08-03")
    with pytest.raises(KeyError, match="no field 'publish_time'"):
        page.set("publish_time", "2021-08-03")
