"""文号 found in running text: where one ends and the next begins."""

from __future__ import annotations

import pytest

from converter.text import docnumber


@pytest.mark.parametrize(
    "text,expected",
    [
        ("根据国办发〔2017〕32号文件精神", ["国办发〔2017〕32号"]),
        ("见国办发〔2017〕32号和国务院令第707号", ["国办发〔2017〕32号", "国令第707号"]),
        ("(黑卫体改发〔2017〕46号、齐卫发〔2018〕10号和齐卫发〔2018〕5号)", ["黑卫体改发〔2017〕46号", "齐卫发〔2018〕10号", "齐卫发〔2018〕5号"]),
        ("1994年6月28日中华人民共和国国务院令第142号发布", ["国令第142号"]),
        ("2018年国办发〔2018〕1号文件", ["国办发〔2018〕1号"]),
        ("日政发〔2020〕1号", ["日政发〔2020〕1号"]),  # 日照市: a prefix may start with 日
    ],
)
def test_doc_numbers_in_running_text_do_not_swallow_what_precedes_them(text, expected):
    assert [n for _, _, n in docnumber.find_all(text)] == expected
