"""How the rendered page speaks to its readers (converter/render/page.py)."""

from __future__ import annotations

import pytest

from converter.messages import Note


@pytest.mark.parametrize("note, shown", [
    (Note("warn.missing", field="doc_number"), "未找到发文字号"),
    (Note("warn.missing", field="publish_date"), "未找到发布日期"),
    (Note("warn.conflict", field="title", kept="关于印发实施方案的通知", origin="信息公开表", others=[("meta ArticleTitle", "实施方案")]),
     "标题：采用“关于印发实施方案的通知”（信息公开表），另见 页面元数据 ArticleTitle：实施方案"),
    (Note("warn.title_from_lead"), "页面没有标题行，标题取自导语首句"),
    (Note("warn.shared_record", title="关于深化人才发展体制机制改革的实施意见"),
     "本页有多份文件，整页清理删除的内容记录在本页第一份文件《关于深化人才发展体制机制改革的实施意见》的来源与处理记录中"),
    (Note("warn.undecodable", n=3, encoding="gb18030"), "3 个字符无法按 gb18030 解码，显示为 \ufffd"),
])
def test_warnings_are_shown_to_readers_in_chinese(note, shown):
    assert note.zh == shown
    assert str(note) == note.en and note.en != shown  # the CLI's English, from the same table entry
