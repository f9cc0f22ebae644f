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


def _long_table_page(n_rows: int) -> str:
    rows = "".join(
        f"<tr><td>{i}</td><td>示范市第{i}人民医院</td><td>三级甲等</td><td>2021-03-{i % 28 + 1:02d}</td></tr>" for i in range(1, n_rows + 1)
    )
    return (
        "<html><head><meta charset='utf-8'><title>示范市卫生健康委员会关于公布定点医疗机构名单的通知</title></head><body>"
        "<div class='nav'><a href='/'>首页</a> <a href='/a'>机构概况</a> <a href='/b'>政务公开</a></div>"
        "<div class='main'><h1>示范市卫生健康委员会关于公布定点医疗机构名单的通知</h1><div class='con'>"
        "<p>各区县卫生健康局：</p><p>现将全市定点医疗机构名单予以公布，请遵照执行。</p>"
        f"<table><tr><th>序号</th><th>医院名称</th><th>等级</th><th>认定日期</th></tr>{rows}</table>"
        "<p>示范市卫生健康委员会</p><p>2021年3月2日</p></div></div>"
        "<div class='foot'>版权所有：示范市卫生健康委员会 ICP备12345678号</div></body></html>"
    )


@pytest.mark.parametrize("n_rows", [20, 100, 400])
def test_a_body_with_a_long_table_keeps_the_table_the_signature_and_the_date(tmp_path, n_rows):
    path = tmp_path / "list.html"
    path.write_text(_long_table_page(n_rows), encoding="utf-8")
    (doc,), _ = convert_source(path, ROOT)
    tables = [b for b in doc.blocks if b.kind == "table"]
    assert len(tables) == 1 and len(tables[0].rows) == n_rows + 1
    assert "示范市卫生健康委员会" in body_text(doc) and doc.written_date == "2021-03-02"
    assert not [r for r in doc.record.removed if "人民医院" in r.text]
