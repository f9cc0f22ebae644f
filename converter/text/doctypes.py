"""Document kinds, told by how a title ends. Longest ending first, so 实施意见 wins over 意见."""

from __future__ import annotations

import re

# (title ending, doc_type). Endings map to the kinds readers browse by.
TITLE_ENDINGS: tuple[tuple[str, str], ...] = tuple(
    sorted(
        [
            ("实施意见", "实施意见"), ("指导意见", "意见"), ("若干意见", "意见"), ("意见", "意见"),
            ("实施方案", "方案"), ("工作方案", "方案"), ("方案", "方案"),
            ("通知", "通知"), ("通告", "通告"), ("公告", "公告"), ("决定", "决定"), ("决议", "决议"),
            ("批复", "批复"), ("复函", "函"), ("函", "函"),
            ("实施条例", "条例"), ("条例", "条例"), ("实施细则", "细则"), ("细则", "细则"),
            ("管理办法", "办法"), ("办法", "办法"), ("规定", "规定"), ("规则", "规则"),
            ("规划", "规划"), ("计划", "计划"), ("纲要", "规划"),
            ("工作要点", "要点"), ("要点", "要点"), ("若干措施", "措施"), ("措施", "措施"),
            ("指引", "指南"), ("指南", "指南"), ("章程", "章程"), ("清单", "清单"), ("目录", "目录"),
            ("报告", "报告"), ("纪要", "纪要"), ("统计公报", "统计公报"), ("公报", "公报"),
            ("命令", "令"), ("令", "令"), ("标准", "标准"),
        ],
        key=lambda e: -len(e[0]),
    )
)
_ENDINGS = tuple(e for e, _ in TITLE_ENDINGS)
# Qualifiers that may follow the ending: 办法（试行）, 意见（征求意见稿）.
_QUALIFIER = re.compile(r"[（(](试行|暂行|修订|修正|征求意见稿|草案|送审稿)[)）]$")
# Pages about a document rather than documents.
NON_POLICY = (
    (re.compile(r"^(图解|解读|政策解读)|解读$|答记者问|新闻发布会"), "解读"),
    (re.compile(r"任职|免职|任免"), "任免"),
    (re.compile(r"统计公报$"), "统计公报"),
)


def title_ending(title: str) -> str | None:
    """The doc_type a title's ending names, or None when it names none."""
    core = _QUALIFIER.sub("", title.strip().rstrip("》").strip())
    if not core.endswith(_ENDINGS):  # one C call turns away most lines before the ordered loop
        return None
    for ending, kind in TITLE_ENDINGS:
        if core.endswith(ending):
            return kind
    return None


def classify(title: str) -> str | None:
    for pattern, kind in NON_POLICY:
        if pattern.search(title):
            return kind
    return title_ending(title)


# The site's column name (<meta name="ColumnName">) for pages about a document rather than documents.
COLUMN_TYPES = (
    (re.compile(r"解读"), "解读"),
    (re.compile(r"任免"), "任免"),
    (re.compile(r"统计公报"), "统计公报"),
)


def from_column(column: str | None) -> str | None:
    for pattern, kind in COLUMN_TYPES:
        if column and pattern.search(column):
            return kind
    return None
