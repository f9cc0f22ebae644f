"""How the rendered page speaks to its readers (converter/render.py)."""

from __future__ import annotations

import pytest

from converter import render


@pytest.mark.parametrize("warning, shown", [
    ("doc_number: not found", "未找到发文字号"),
    ("publish_date: not found", "未找到发布日期"),
    ("title: kept 关于印发实施方案的通知 (信息公开表); also found 实施方案 (meta ArticleTitle)",
     "标题：采用“关于印发实施方案的通知”（信息公开表），另见 实施方案 (meta ArticleTitle)"),
    ("title taken from the lead sentence (the page has no title line)", "页面没有标题行，标题取自导语首句"),
    ("page-level cleaning is recorded with the first document on this page: 关于深化人才发展体制机制改革的实施意见",
     "本页有多份文件，整页清理删除的内容记录在本页第一份文件《关于深化人才发展体制机制改革的实施意见》的来源与处理记录中"),
    ("3 character(s) could not be decoded as gb18030 and are shown as \ufffd", "3 个字符无法按 gb18030 解码，显示为 \ufffd"),
    ("something new", "something new"),
])
def test_warnings_are_shown_to_readers_in_chinese(warning, shown):
    assert render.reader_note(warning) == shown
