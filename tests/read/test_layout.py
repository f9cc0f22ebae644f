"""Fixed-layout lines (PDF, OFD, OCR) back into paragraphs: converter/read/formats/layout.py."""

from __future__ import annotations

import pytest

from converter.read import formats
from converter.read.formats.layout import Line, Page, paragraphs, strip_furniture

CW = 10.0  # one character is 10 units wide; the text block runs from x=100 to x=400 (30 characters)


def _line(text: str, y: float, indent: int = 0, size: float = CW, column: int = 0) -> Line:
    x0 = 100 + indent * CW
    return Line(text, x0, x0 + len(text) * CW, y, y + size, size, column)


def _wrap(text: str, y: float, width: int = 30) -> list[Line]:
    """A paragraph set like a printed page: two characters of indent, then full lines."""
    lines = [_line(text[: width - 2], y, indent=2)]
    rest = text[width - 2 :]
    while rest:
        y += 20
        lines.append(_line(rest[:width], y))
        rest = rest[width:]
    return lines


P1 = "为深入贯彻落实国家和省关于优化营商环境的决策部署，进一步激发市场主体活力，促进中小企业健康发展，经市政府同意，现将有关事项通知如下。"
P2 = "坚持以市场主体需求为导向，以深化简政放权、放管结合、优化服务改革为抓手，持续降低制度性交易成本。"


def test_lines_broken_at_the_margin_are_joined_and_an_indent_starts_a_paragraph():
    lines = _wrap(P1, 100) + _wrap(P2, 200)
    assert paragraphs([Page(lines, 500, 800)]) == [P1, P2]


def test_a_numbered_line_starts_a_paragraph_even_after_a_full_line():
    lines = [_line("坚持以市场主体需求为导向以深化简政放权放管结合优化服务改革为抓手持续降", 100), _line("一、总体要求", 120)]
    assert len(paragraphs([Page(lines, 500, 800)])) == 2


def test_a_paragraph_runs_on_across_a_page_break():
    first, second = _wrap(P1, 700)[:2], _wrap(P1, 700)[2:]
    for ln in second:
        ln.top, ln.bottom = ln.top - 650, ln.bottom - 650
    assert paragraphs([Page(first, 500, 800), Page(second, 500, 800)]) == [P1]


def test_a_title_wrapped_over_centred_lines_is_one_line_and_the_body_is_not_joined_to_it():
    big = 2 * CW
    t1, t2 = "某某市人民政府办公室关于进一步", "优化营商环境的通知"
    lines = [
        Line(t1, 100, 100 + len(t1) * big, 50, 50 + big, big),
        Line(t2, 250 - len(t2) * big / 2, 250 + len(t2) * big / 2, 80, 80 + big, big),
        *_wrap(P1, 120),
    ]
    assert paragraphs([Page(lines, 500, 800)]) == [t1 + t2, P1]


def test_two_columns_each_use_their_own_margins():
    left = [Line(t, 50, 50 + len(t) * CW, y, y + CW, CW, 1) for t, y in (("甲乙丙丁戊己庚辛壬癸子丑寅卯辰", 100), ("巳午未申酉。", 120))]
    right = [Line(t, 260, 260 + len(t) * CW, y, y + CW, CW, 2) for t, y in (("天地玄黄宇宙洪荒日月盈昃辰宿列", 100), ("张寒来暑往。", 120))]
    assert paragraphs([Page(left + right, 500, 800)]) == ["甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉。", "天地玄黄宇宙洪荒日月盈昃辰宿列张寒来暑往。"]


@pytest.mark.parametrize("number", ["- 3 -", "— 3 —", "3", "3/12", "第3页", "第3页 共12页", "Page 3 of 12"])
def test_page_numbers_at_the_foot_are_removed_and_recorded(number):
    pages = [Page([*_wrap(P1, 100), _line(number, 780)], 500, 800)]
    removed = strip_furniture(pages)
    assert removed == [("page number", number)]
    assert paragraphs(pages) == [P1]


def test_a_running_header_is_removed_only_when_it_repeats():
    header = "某某市人民政府办公室文件"
    pages = [Page([_line(header, 20), *_wrap(P1, 100)], 500, 800) for _ in range(3)]
    assert len(strip_furniture(pages)) == 3
    single = [Page([_line(header, 20), *_wrap(P1, 100)], 500, 800)]
    assert strip_furniture(single) == []


def test_body_numbers_are_not_page_numbers():
    pages = [Page([_line("2023年", 780), _line("第三条", 790)], 500, 800)]
    assert strip_furniture(pages) == []


@pytest.mark.parametrize("data, kind", [
    (b"%PDF-1.7\n", "pdf"), (b"\xef\xbb\xbf%PDF-1.4", "pdf"), (b"PK\x03\x04garbage", "zip?"),
    (formats.OLE_MAGIC + b"\x00" * 100, "ole?"), (b"\x89PNG\r\n\x1a\n....", "image"), (b"<html>", None), ("通知".encode(), None),
])
def test_the_format_is_named_by_its_magic_bytes(data, kind):
    assert formats.sniff(data) == kind


def test_item_labels_misread_by_ocr_are_repaired_in_sequence():
    from converter.model import Para
    from converter.read.formats.ocr import repair_labels

    paras = [Para(t) for t in (
        "一、总体要求", "L 加强组织领导。", "2, 明确责任分工。", "3．细化工作措施。", "L型钢材不在此列。",
        "二、保障措施", "L 强化督查。", "Lucas 说明。",
    )]
    assert repair_labels(paras) == 3
    assert [p.text for p in paras] == [
        "一、总体要求", "1.加强组织领导。", "2.明确责任分工。", "3．细化工作措施。", "L型钢材不在此列。",
        "二、保障措施", "1.强化督查。", "Lucas 说明。",
    ]
