"""Remove only with evidence: pages from ../shared/corpus whose policy text was lost, and the
general rules that keep it (hidden means hidden; a duplicate is a repeated block)."""

from __future__ import annotations

from pathlib import Path

import pytest

from converter import clean
from converter.model import CleaningRecord, Para
from converter.pipeline import convert_source
from tests.support import CORPUS, ROOT, body_text

needs_corpus = pytest.mark.skipif(not (CORPUS / "raw").is_dir(), reason="reference corpus ../shared/corpus not present")


def corpus_doc(name: str):
    docs, problems = convert_source(CORPUS / "raw" / name, ROOT)
    assert docs, problems
    return docs[0]


@needs_corpus
def test_item_numbers_in_spans_styled_display_inline_important_are_kept():
    # govcn 5345397 (国务院工作规则) wraps （一）（二）（三） of articles 36-37 in spans whose
    # style has "-webkit-text-stroke-width: 0px; display: inline !important": visible text.
    doc = corpus_doc("govcn_content_5345397.html")
    text = body_text(doc)
    assert "（二）部署国务院的重要工作" in text
    assert "（三）通报国内外形势" in text
    assert not [r for r in doc.record.removed if r.step == "hidden"]


@needs_corpus
def test_a_sentence_answering_two_questions_is_not_a_duplicate():
    # jxgov 14236_1505204 question 5, item 2 repeats a sentence of question 1's answer.
    doc = corpus_doc("jxgov_art_14236_1505204.html")
    text = body_text(doc)
    q5 = text[text.index("五、中小微企业如何申请"):]
    assert "2.按照本《十问十答》第六条所述流程" in q5[: q5.index("六、")]
    assert not [r for r in doc.record.removed if r.step == "duplicate"]


def _paras(*texts: str) -> list[Para]:
    return [Para(t) for t in texts]


def test_one_recurring_paragraph_among_many_is_kept():
    same = "各地要按照本通知要求，结合实际制定具体实施办法并抓好落实。"
    others = [f"第{i}项工作由有关部门负责组织实施，按期报送进展情况和存在问题。" for i in range(8)]
    paras = _paras(*others[:4], same, *others[4:], same)
    record = CleaningRecord()
    assert len(clean._drop_duplicates(paras, record)) == len(paras)
    assert not record.removed


def test_a_block_of_paragraphs_pasted_again_is_removed_and_recorded():
    block = [f"第{i}段正文内容较长，用来说明具体的工作要求和保障措施，确保落实到位。" for i in range(3)]
    other = [f"其他段落{i}，说明另外的事项和要求，内容并不重复。" for i in range(6)]
    paras = _paras(*block, *other, *block)
    record = CleaningRecord()
    out = clean._drop_duplicates(paras, record)
    assert [p.text for p in out] == [*block, *other]
    assert [r.step for r in record.removed] == ["duplicate"] * 3
