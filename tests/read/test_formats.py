"""Document files (Word, WPS, PDF, OFD, spreadsheets, scans) read into the same pipeline as pages.

Every fixture is generated here from one policy text (tests/formats_support.py); the system
tools they need (LibreOffice, tesseract, Chromium: `make office-deps browser-deps`) are skipped,
saying so, when missing."""

from __future__ import annotations

import difflib
import shutil
from pathlib import Path

import pytest

from converter import pipeline
from converter.pipeline import convert_source
from converter.read import formats
from converter.read.formats import ocr, office, readers
from converter.render.page import render
from tests import formats_support as fx

needs_office = pytest.mark.skipif(fx.soffice() is None, reason="LibreOffice missing: make office-deps")
needs_ocr = pytest.mark.skipif(ocr.tesseract() is None, reason="tesseract with chi_sim missing: make office-deps")
needs_chromium = pytest.mark.skipif(fx.chromium() is None, reason="Chromium missing: make browser-deps")


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> dict[str, Path]:
    """The policy in every format the tools here can make: name -> file."""
    d = tmp_path_factory.mktemp("formats")
    out = {"docx": fx.make_docx(d / "policy.docx"), "ofd": fx.make_ofd(d / "policy.ofd")}
    if fx.soffice():
        out["doc"] = fx.convert(out["docx"], "doc", d)
        out["wps"] = shutil.copy(out["doc"], d / "policy-kingsoft.wps")
        out["pdf"] = fx.convert(out["docx"], "pdf", d)
    if fx.chromium():
        out["chromium-pdf"] = fx.chromium_pdf(d / "printed.pdf")
    return out


def _convert(path: Path):
    docs, problems = convert_source(path, path.parent)
    assert not problems, problems
    assert len(docs) == 1, [x.title for x in docs]
    return docs[0]


def _texts(doc) -> list[str]:
    """Block texts, an item's run-in heading (（一）深化审批制度改革。) joined to its paragraph."""
    out: list[str] = []
    glue = ""
    for b in doc.blocks:
        if b.kind == "heading" and b.level == 3:
            glue += b.label + b.text
            continue
        out.append(glue + b.label + b.lead + b.text)
        glue = ""
    return out


@pytest.mark.parametrize("kind", [
    "docx", "ofd",
    pytest.param("doc", marks=needs_office), pytest.param("wps", marks=needs_office),
    pytest.param("pdf", marks=needs_office), pytest.param("chromium-pdf", marks=needs_chromium),
])
def test_each_format_gives_the_same_document(made, kind):
    doc = _convert(made[kind])
    assert doc.title == fx.TITLE
    assert doc.doc_number == fx.DOC_NUMBER
    assert doc.issuers == [fx.ISSUER]
    assert doc.written_date == fx.ISO_DATE
    headings = [b.label + b.text for b in doc.blocks if b.kind == "heading" and b.level == 2]
    assert headings == fx.SECTIONS
    texts = _texts(doc)
    for para in fx.PARAGRAPHS:  # each paragraph whole: lines broken at the margin are joined again
        assert para in texts, (kind, para, texts)
    assert doc.source.extracted_from["file"] == made[kind].name


@needs_chromium
def test_two_column_pdf_is_read_column_by_column(tmp_path):
    doc = _convert(fx.chromium_pdf(tmp_path / "two-columns.pdf", columns=2))
    assert doc.title == fx.TITLE and doc.doc_number == fx.DOC_NUMBER and doc.written_date == fx.ISO_DATE
    assert [b.label + b.text for b in doc.blocks if b.kind == "heading" and b.level == 2] == fx.SECTIONS
    texts = _texts(doc)
    assert [texts.index(p) for p in fx.PARAGRAPHS] == sorted(texts.index(p) for p in fx.PARAGRAPHS)


@pytest.mark.parametrize("via", ["docx", pytest.param("pdf", marks=needs_office)])
def test_tables_are_kept_as_tables(tmp_path, via):
    path = fx.make_docx(tmp_path / "with-table.docx", table=True)
    if via == "pdf":
        path = fx.convert(path, "pdf", tmp_path)
    doc = _convert(path)
    [table] = [b for b in doc.blocks if b.kind == "table"]
    assert table.rows == fx.TABLE
    texts = _texts(doc)
    assert texts.index(fx.PARAGRAPHS[4]) < doc.blocks.index(table) + 2 and fx.PARAGRAPHS[5] in texts


def test_docx_footnotes_are_kept(tmp_path):
    import zipfile

    src = fx.make_docx(tmp_path / "plain.docx")
    with zipfile.ZipFile(src) as zf:
        files = {n: zf.read(n) for n in zf.namelist()}
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    xml = files["word/document.xml"].decode().replace(
        "百分之十以上。</w:t></w:r>", '百分之十以上。</w:t></w:r><w:r><w:footnoteReference w:id="1"/></w:r>', 1)
    files["word/document.xml"] = xml.encode()
    files["word/footnotes.xml"] = (f'<w:footnotes xmlns:w="{w}"><w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
                                   f'<w:footnote w:id="1"><w:p><w:r><w:t>指本市登记注册的中小微企业。</w:t></w:r></w:p></w:footnote></w:footnotes>').encode()
    out = tmp_path / "notes.docx"
    with zipfile.ZipFile(out, "w") as zf:
        for n, data in files.items():
            zf.writestr(n, data)
    text = "\n".join(_texts(_convert(out)))
    assert "百分之十以上。[注1]" in text and "[注1] 指本市登记注册的中小微企业。" in text


def test_the_format_comes_from_the_bytes_not_the_name(made, tmp_path):
    misnamed = shutil.copy(made["docx"], tmp_path / "notice.pdf")
    doc = _convert(Path(misnamed))
    assert doc.source.extracted_from["format"] == "docx"
    assert doc.title == fx.TITLE


def test_card_and_record_say_which_file_and_tool_the_text_came_from(made):
    page = render(_convert(made["ofd"]))
    assert "| 文本来自 | policy.ofd（OFD 版式文档，" in page
    assert "文本提取：policy.ofd" in page


def test_ofd_page_numbers_are_removed_and_recorded(made):
    doc = _convert(made["ofd"])
    assert not any("- 1 -" in t for t in _texts(doc))
    assert any(r.reason == "page number" and r.text == "- 1 -" for r in doc.record.removed)


@needs_office
def test_pdf_running_header_is_removed_and_recorded(tmp_path):
    header = "某某市人民政府办公室文件"
    pdf = fx.convert(fx.make_docx(tmp_path / "headed.docx", header=header), "pdf", tmp_path)
    doc = _convert(pdf)
    assert doc.title == fx.TITLE
    assert not any(t == header for t in _texts(doc))
    assert any(r.text == header and "running header" in r.reason for r in doc.record.removed)


def test_spreadsheet_becomes_a_table(tmp_path):
    rows = [["附件1：2023年度专精特新中小企业名单"], ["序号", "企业名称", "所在区县"], ["1", "某某科技有限公司", "甲区"], ["2", "某某制造有限公司", "乙县"]]
    path = fx.make_xlsx(tmp_path / "名单.xlsx", rows)
    result = readers.extract(path.read_bytes(), "名单.xlsx")
    assert result.tool == "python-calamine"
    assert result.paras[0].text == "附件1：2023年度专精特新中小企业名单"
    assert result.paras[1].rows == rows[1:]


def test_docx_list_numbering_is_written_out(tmp_path):
    """Word's automatic numbering (一、 as list formatting) is not in the text; the label is restored."""
    import zipfile

    src = fx.make_docx(tmp_path / "plain.docx")
    with zipfile.ZipFile(src) as zf:
        files = {n: zf.read(n) for n in zf.namelist()}
    xml = files["word/document.xml"].decode()
    xml = xml.replace("<w:t>一、总体要求</w:t>", "<w:t>总体要求</w:t>", 1)
    i = xml.index("<w:t>总体要求</w:t>")
    p_start = xml.rindex("<w:p>", 0, i) if "<w:p>" in xml[:i] else xml.rindex("<w:p ", 0, i)
    p_open_end = xml.index(">", p_start) + 1
    xml = xml[:p_open_end] + '<w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="7"/></w:numPr></w:pPr>' + xml[p_open_end:]
    files["word/document.xml"] = xml.encode()
    files["word/numbering.xml"] = (
        '<w:numbering xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        '<w:abstractNum w:abstractNumId="3"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>'
        '<w:lvlText w:val="%1、"/></w:lvl></w:abstractNum><w:num w:numId="7"><w:abstractNumId w:val="3"/></w:num></w:numbering>'
    ).encode()
    out = tmp_path / "numbered.docx"
    with zipfile.ZipFile(out, "w") as zf:
        for n, data in files.items():
            zf.writestr(n, data)
    doc = _convert(out)
    assert next(b.label + b.text for b in doc.blocks if b.kind == "heading" and b.level == 2) == "一、总体要求"


# ------------------------------------------------------------------ scans and OCR

def char_accuracy(got: str, truth: str) -> float:
    """1 - character error rate, over the text without spaces and line breaks."""
    a, b = "".join(got.split()), "".join(truth.split())
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


@needs_ocr
@needs_office
def test_scan_is_recognised_and_marked_as_such(made, tmp_path):
    scan = fx.image_pdf(made["pdf"], tmp_path / "scan.pdf")
    doc = _convert(scan)
    ext = doc.source.extracted_from
    assert ext["format"] == "scan" and ext["tool"].startswith("tesseract")
    assert 0 < ext["ocr_confidence"] <= 100
    assert char_accuracy(doc.title, fx.TITLE) > 0.85  # the title line is found; a character may be misread
    assert doc.written_date == fx.ISO_DATE
    assert [b.label + b.text for b in doc.blocks if b.kind == "heading" and b.level == 2] == fx.SECTIONS
    text = "\n".join([doc.title, *_texts(doc)])
    assert char_accuracy(text, fx.FULL_TEXT) > 0.9
    page = render(doc)
    assert "本文由扫描件识别，可能有误" in page


@needs_ocr
@needs_office
def test_pdf_whose_text_is_cid_codes_is_recognised(made, tmp_path):
    """A PDF whose fonts have no map back to characters: pdfminer gives (cid:12); the pages are OCR'd."""
    data = made["pdf"].read_bytes()
    assert b"/ToUnicode" in data
    broken = tmp_path / "cid.pdf"
    broken.write_bytes(data.replace(b"/ToUnicode", b"/Xxxxxxxxx"))  # same length: the offsets stay right
    doc = _convert(broken)
    assert doc.source.extracted_from["tool"].startswith("tesseract")
    assert any("(cid:NNN)" in w for w in doc.warnings)
    assert char_accuracy("\n".join([doc.title, *_texts(doc)]), fx.FULL_TEXT) > 0.9


@needs_ocr
@needs_office
def test_image_file_is_recognised(made, tmp_path):
    image = fx.page_image(made["pdf"], tmp_path / "通知.png")
    result = readers.extract(image.read_bytes(), "通知.png")
    assert result.kind == "image" and result.ocr_confidence is not None
    assert char_accuracy("".join(p.text for p in result.paras), fx.FULL_TEXT) > 0.6  # the first page only


# ------------------------------------------------------------------ bad files

def test_zip_bomb_posing_as_docx_is_refused(tmp_path):
    bomb = fx.zip_bomb_docx(tmp_path / "bomb.docx")
    assert bomb.stat().st_size < 2 * 2**20
    docs, problems = convert_source(bomb, tmp_path)
    assert not docs and "zip bomb" in problems[0].reason and problems[0].file == "bomb.docx"


def test_two_thousand_page_pdf_is_refused(tmp_path):
    big = fx.long_pdf(tmp_path / "book.pdf", 2000)
    docs, problems = convert_source(big, tmp_path)
    assert not docs and "2000 pages" in problems[0].reason


def test_corrupt_docx_and_pdf_are_reported(made, tmp_path):
    (tmp_path / "cut.docx").write_bytes(made["docx"].read_bytes()[:3000])
    (tmp_path / "cut.pdf").write_bytes(b"%PDF-1.7\n" + b"\x00garbage" * 100)
    for name in ("cut.docx", "cut.pdf"):
        docs, problems = convert_source(tmp_path / name, tmp_path)
        assert not docs and "corrupt" in problems[0].reason, problems


def test_encrypted_pdf_is_reported(tmp_path):
    pdf = (b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
           b"3 0 obj\n<< /Filter /Standard /V 2 /R 3 /Length 128 /P -4 /O <" + b"41" * 32 + b"> /U <" + b"42" * 32 + b"> >>\nendobj\n"
           b"trailer\n<< /Root 1 0 R /Encrypt 3 0 R /ID [<0123456789abcdef0123456789abcdef> <0123456789abcdef0123456789abcdef>] >>\n%%EOF\n")
    (tmp_path / "locked.pdf").write_bytes(pdf)
    docs, problems = convert_source(tmp_path / "locked.pdf", tmp_path)
    assert not docs and "encrypted" in problems[0].reason, problems


@needs_office
def test_scan_without_ocr_engine_says_what_to_install(made, tmp_path, monkeypatch):
    scan = fx.image_pdf(made["pdf"], tmp_path / "scan.pdf", dpi=50)
    monkeypatch.setattr(ocr, "tesseract", lambda: None)
    docs, problems = convert_source(scan, tmp_path)
    assert not docs and "tesseract-ocr-chi-sim" in problems[0].reason


@needs_office
def test_word_97_without_libreoffice_says_what_to_install(made, monkeypatch):
    monkeypatch.setattr(office, "soffice", lambda: None)
    docs, problems = convert_source(made["doc"], made["doc"].parent)
    assert not docs and "libreoffice" in problems[0].reason.lower(), problems


@needs_office
def test_slow_conversion_stops_at_the_time_limit(made, tmp_path, monkeypatch):
    monkeypatch.setattr(formats, "MAX_SECONDS", 0.3)
    docs, problems = convert_source(made["doc"], made["doc"].parent)
    assert not docs and "time limit" in problems[0].reason, problems


@needs_office
def test_bad_files_do_not_stop_the_batch(made, tmp_path):
    src = tmp_path / "sources"
    src.mkdir()
    shutil.copy(made["docx"], src / "good.docx")
    fx.zip_bomb_docx(src / "bomb.docx", 120)
    fx.long_pdf(src / "book.pdf", 2000)
    result = pipeline.build(src, tmp_path / "docs", tmp_path)
    assert [d.title for d in result.docs] == [fx.TITLE]
    assert sorted(p.file for p in result.problems) == ["sources/bomb.docx", "sources/book.pdf"]


def test_document_files_get_the_readers_time_budget_pages_keep_theirs(made, tmp_path):
    page = tmp_path / "page.html"
    page.write_text("<p>通知</p>", encoding="utf-8")
    assert formats.budget_for(made["docx"], 60) == formats.MAX_SECONDS
    assert formats.budget_for(page, 60) == 60
    assert formats.budget_for(made["docx"], None) is None
