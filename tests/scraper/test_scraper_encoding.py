"""Encoding detection: declarations are hints that must survive verification."""

from __future__ import annotations

import codecs

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scraper.encoding import (
    declared_encodings,
    decode,
    detect_encoding,
    normalize_label,
)
from tests.scraper import scraper_pages as pages


def test_gbk_with_header_charset_is_read_as_gb18030() -> None:
    assert detect_encoding(pages.GBK_HEADER, "text/html; charset=GBK") == "gb18030"
    assert pages.TITLE in decode(pages.GBK_HEADER, "text/html; charset=GBK")[0]


def test_gbk_with_only_meta_declaration() -> None:
    assert detect_encoding(pages.GBK_META, "text/html") == "gb18030"
    assert pages.BODY in decode(pages.GBK_META)[0]


def test_gbk_without_any_declaration_is_detected() -> None:
    text, enc = decode(pages.GBK_UNDECLARED, None)
    assert enc == "gb18030"
    assert pages.BODY in text


def test_wrong_utf8_meta_on_gbk_bytes_does_not_garble() -> None:
    text, enc = decode(pages.GBK_DECLARED_UTF8, "text/html")
    assert enc == "gb18030"
    assert pages.TITLE in text


def test_wrong_utf8_http_header_on_gbk_bytes_does_not_garble() -> None:
    text, enc = decode(pages.GBK_META, "text/html; charset=UTF-8")
    assert enc == "gb18030"
    assert pages.TITLE in text


def test_latin1_http_header_on_gbk_page_is_overridden() -> None:
    text, enc = decode(pages.GBK_META, "text/html; charset=ISO-8859-1")
    assert enc == "gb18030"
    assert pages.TITLE in text


def test_gb2312_declaration_with_gb18030_only_characters_decodes_losslessly() -> None:
    text, enc = decode(pages.GB18030_DECLARED_GB2312, "text/html; charset=gb2312")
    assert enc == "gb18030"
    assert pages.RARE in text
    assert "\ufffd" not in text


def test_utf8_bom_wins_over_stale_declarations() -> None:
    assert detect_encoding(pages.UTF8_BOM, "text/html; charset=gbk") == "utf-8-sig"
    text, _ = decode(pages.UTF8_BOM, "text/html; charset=gbk")
    assert text.startswith("<!DOCTYPE html>")  # BOM not part of the text
    assert pages.TITLE in text


def test_utf8_bytes_wrongly_declared_gb2312_are_read_as_utf8() -> None:
    text, enc = decode(pages.UTF8_DECLARED_GB2312, "text/html")
    assert enc == "utf-8"
    assert pages.BODY in text


@pytest.mark.parametrize(
    ("bom", "encoding", "codec"),
    [
        (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16"),
        (codecs.BOM_UTF32_LE, "utf-32-le", "utf-32"),
    ],
)
def test_utf16_and_utf32_boms_are_honoured(bom: bytes, encoding: str, codec: str) -> None:
    data = bom + pages.html().encode(encoding)
    text, enc = decode(data)
    assert enc == codec
    assert pages.TITLE in text


def test_short_gbk_text_that_is_accidentally_valid_utf8_is_read_as_gbk() -> None:
    data = "通知".encode("gbk")  # CD A8 D6 AA is also valid UTF-8 (combining marks)
    data.decode("utf-8")
    assert decode(data)[0] == "通知"


def test_ascii_only_page_keeps_declared_charset() -> None:
    data = b'<html><head><meta charset="gb2312"></head><body>2020</body></html>'
    assert detect_encoding(data) == "gb18030"
    assert detect_encoding(b"<p>plain</p>") == "utf-8"


def test_declared_encodings_in_priority_order() -> None:
    data = (b'<?xml version="1.0" encoding="GB2312"?><html><head>'
            b'<meta http-equiv="content-type" content="text/html;charset=UTF-8">'
            b'<meta charset="big5"></head></html>')
    assert declared_encodings(data, "text/html; charset=iso-8859-1") == [
        "cp1252", "gb18030", "utf-8", "big5",
    ]


@pytest.mark.parametrize(
    ("label", "expected"),
    [("GB2312", "gb18030"), ("gbk", "gb18030"), ("x-gbk", "gb18030"), ("cp936", "gb18030"),
     ("UTF8", "utf-8"), ("iso-8859-1", "cp1252"), ("no-such-charset", None), ("", None)],
)
def test_normalize_label(label: str, expected: str | None) -> None:
    assert normalize_label(label) == expected


def test_unknown_declared_charset_is_ignored() -> None:
    data = pages.html(meta='<meta charset="klingon">').encode("gbk")
    assert decode(data)[1] == "gb18030"


# -- properties ---------------------------------------------------------------

def _in_gb2312(char: str) -> bool:
    return char.encode("gb2312", "ignore") != b""


_GB2312_HANZI = st.sampled_from([chr(cp) for cp in range(0x4E00, 0x9FA6) if _in_gb2312(chr(cp))])
_CHINESE_TEXT = st.lists(
    st.one_of(_GB2312_HANZI, st.sampled_from("，。、；：“”《》（）0123456789 ")),
    min_size=30, max_size=200,
).map("".join).filter(lambda s: sum("\u4e00" <= c <= "\u9fff" for c in s) >= 20)
_DECLARATIONS = st.sampled_from(
    [None, "text/html", "text/html; charset=utf-8", "text/html; charset=gb2312",
     "text/html; charset=GBK", "text/html; charset=ISO-8859-1"]
)


@settings(max_examples=60, deadline=None)
@given(data=st.binary(max_size=400), content_type=_DECLARATIONS)
def test_detection_never_crashes_and_returns_a_usable_codec(
    data: bytes, content_type: str | None
) -> None:
    enc = detect_encoding(data, content_type)
    codecs.lookup(enc)
    text, enc2 = decode(data, content_type)
    assert enc2 == enc and isinstance(text, str)


@settings(max_examples=60, deadline=None)
@given(text=_CHINESE_TEXT, content_type=_DECLARATIONS)
def test_chinese_text_round_trips_whatever_the_declaration(
    text: str, content_type: str | None
) -> None:
    for encoding in ("utf-8", "gbk"):
        data = pages.html(text).encode(encoding)
        assert text in decode(data, content_type)[0], encoding
