"""What a document cites: 《title》 with or without a following (文号), and bare 文号.

Also the title keys used to compare titles across the corpus (``title_key``/``title_keys``),
so that extraction (skipping self-references) and resolution (``link``) agree on what
"the same title" means.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from converter.model import Citation
from converter.tables import load
from converter.text import docnumber

# 《…》 allowing one level of nesting, written 〈…〉 (correct) or 《…》 (common on scraped
# pages), and a single line end inside (a title broken by the layout). A blank line, 。 or ；
# ends the search, so an unclosed 《 never swallows the rest of the text.
_PLAIN = r"[^《》。；\n]"
_TITLE = re.compile(rf"《(?P<t>(?:{_PLAIN}|\n(?!\n)|《{_PLAIN}{{1,150}}》){{2,200}})》")
# What may stand between 》 and its 文号: spaces and an opening bracket of any shape.
_AFTER = re.compile(r"\s*[（(【\[〔［]?\s*")
MIN_KEY = 4
# Short names that refer back to a document rather than cite one: 按照《意见》要求, 《实施方案》印发后.
ANAPHORA = frozenset({
    "意见", "通知", "方案", "办法", "规定", "细则", "决定", "规划", "纲要", "指南", "条例",
    "实施意见", "指导意见", "实施方案", "工作方案", "实施细则", "管理办法", "暂行办法", "行动计划",
    "若干意见", "若干措施", "若干规定", "指导原则",
})
# 本《意见》, 该《方案》, 此《办法》: the document (or one just named) referring to itself.
_SELF_BEFORE = ("本", "该", "此")
# A title cited without a 文号 must end like a policy document (optionally with a year span),
# so the books, songs and slogans a 统计公报 quotes in 《》 (《明月山的崽》) do not become stubs.
DOC_ENDINGS = (
    "法", "条例", "规定", "办法", "细则", "意见", "通知", "方案", "规划", "纲要", "计划", "决定", "决议",
    "目录", "指引", "指南", "规范", "标准", "报告", "公报", "批复", "函", "措施", "举措", "要点", "制度",
    "规则", "准则", "指标", "公告", "通告", "令", "请示", "章程", "清单", "战略", "路线图",
)
_YEAR_TAIL = re.compile(r"[0-9年至到]+$")
# 中华人民共和国国务院令第707号 and 国令第707号 are one 文号; so are 江西省人民政府令 and 省政府令.
_NUMBER_ALIASES = (("中华人民共和国", ""), ("人民政府", "政府"), ("国务院令", "国令"))
_ORDER = re.compile(r"令第\d+号$")

# A title written without 《》 right before its bracketed 文号, as sample 003 does:
# 为贯彻落实国务院办公厅关于推动公立医院高质量发展的意见(国办发〔2021〕18号).
# Only "…关于…<document type>" counts, so ordinary prose before a bracket is never taken.
_UNQUOTED = re.compile(
    r"(?P<t>[\u4e00-\u9fff“”]{2,40}?关于[\u4e00-\u9fff“”、0-9]{2,80}?"
    r"(?:意见|通知|方案|办法|规定|决定|规划|细则|纲要|计划|措施|条例|批复|公告|通告))\s*[（(【\[]\s*$"
)
_LEAD_IN = re.compile(
    r"^(?:为了?|贯彻|落实|根据|按照|依照|遵照|依据|参照|执行|结合|学习|认真|深入|进一步|现将|现就|经|和|及|以及|与|并|同时|对)+"
)

# Titles compare equal across brackets, quotes, punctuation and spacing.
_NOISE = re.compile(r"[\s《》〈〉“”\"'‘’（）()【】\[\]〔〕［］,，、。:：;；·•\-—_]")
# 关于印发〈X〉的通知 / 转发 / 批转: the notice wraps X; a citation of either names the same text.
_WRAPPER = re.compile(r"^(?P<outer>.{0,60}?)(?:关于)?(?:印发|转发|批转|公布)(?P<inner>.+?)的?(?:通知|决定|函)$")
_NESTED = re.compile(r"[〈《](?P<inner>[^〈〉《》]{4,})[〉》]")
MIN_INNER = 6


def number_key(number: str | None) -> str:
    """The comparison key of a 文号: order numbers written in full or short compare equal."""
    key = number or ""
    for long, short in _NUMBER_ALIASES:
        key = key.replace(long, short)
    return key


def same_number(cited: str | None, own: str | None) -> bool:
    """Whether a cited 文号 is ``own``; an order number may omit its province (省政府令第232号)."""
    if not cited or not own:
        return False
    a, b = number_key(cited), number_key(own)
    return a == b or bool(_ORDER.search(a) and _ORDER.search(b) and (a.endswith(b) or b.endswith(a)))


def is_document_title(key: str) -> bool:
    """Whether a title key ends like a policy document's title (see DOC_ENDINGS)."""
    return _YEAR_TAIL.sub("", key).endswith(DOC_ENDINGS)


def own_keys(title: str | None) -> set[str]:
    """Keys under which a document may name itself: its title, what it wraps, and the title
    without its issuer (江西省人民政府关于X的实施意见 calls itself 《关于X的实施意见》 or 《X的实施意见》).
    Only for skipping self-references: resolution never drops an issuer."""
    keys = set(title_keys(title))
    for key in list(keys):
        at = key.rfind("关于")
        if at > 0:
            keys.add(key[at:])
        if at >= 0 and len(key) - at - 2 >= MIN_INNER:
            keys.add(key[at + 2 :])
    return keys


def normalise_title(title: str) -> str:
    """The title as cited: line breaks and spaces removed, a nested 《》 written 〈〉."""
    title = re.sub(r"\s+", "", title)
    return title.replace("《", "〈").replace("》", "〉").strip()


def title_key(title: str | None) -> str:
    """The comparison key of a title: no brackets, punctuation or spaces."""
    return _NOISE.sub("", title or "")


def title_keys(title: str | None) -> list[str]:
    """The title's key, then the key of what it wraps (印发/转发 notices, a nested 〈title〉)."""
    if not title:
        return []
    keys = [title_key(title)]
    inner = [m.group("inner") for m in _NESTED.finditer(title)]
    m = _WRAPPER.match(keys[0])
    if m:
        inner.append(m.group("inner"))
    for i in inner:
        k = title_key(i)
        if len(k) >= MIN_INNER and k not in keys:
            keys.append(k)
    return keys


@dataclass(frozen=True)
class Span:
    """Where a citation was found in a text: [start, end) and what it cites."""

    start: int
    end: int
    title: str | None
    doc_number: str | None


def spans(text: str) -> list[Span]:
    """Every citation-shaped thing in ``text`` in reading order, self-references included."""
    if "《" not in text and "号" not in text:  # a title starts with 《, a 文号 ends with 号
        return []
    found: list[Span] = []
    taken: list[tuple[int, int]] = []
    for m in _TITLE.finditer(text):
        taken.append((m.start(), m.end()))
        title = normalise_title(m.group("t"))
        key = title_key(title)
        if len(key) < MIN_KEY or key in ANAPHORA or text[max(0, m.start() - 1) : m.start()] in _SELF_BEFORE:
            continue
        number, end = None, m.end()
        lead = _AFTER.match(text, m.end())
        offset = lead.end() if lead else m.end()
        following = docnumber.find_all(text[offset : offset + 40])
        if following and following[0][0] == 0:
            number = following[0][2]
            end = offset + following[0][1]
            taken.append((m.end(), end))
        if number or is_document_title(key):
            found.append(Span(m.start(), m.end(), title, number))
    for start, end, dn in docnumber.find_all(text):
        if any(s <= start < e for s, e in taken):
            continue
        before = _UNQUOTED.search(text, max(0, start - 130), start)
        named = _LEAD_IN.sub("", before.group("t")) if before else ""
        if before and named and len(title_key(named)) >= MIN_KEY * 2:
            t_start = before.end("t") - len(named)
            found.append(Span(t_start, before.end("t"), normalise_title(named), dn))
        else:
            found.append(Span(start, end, None, dn))
    return sorted(found, key=lambda s: s.start)


# 附件：三级公立医院绩效考核指标 / 附件1．…: a line naming one of the document's attachments.
_ATTACHMENT_LINE = re.compile(r"^附件\s*[0-9一二三四五六七八九十]*\s*[:：．.、]?\s*(?P<t>[^\n：:。]{4,80})$", re.M)


@cache
def _tables() -> tuple[frozenset[str], re.Pattern[str]]:
    """data/citations.yml: title keys of generic titles, and the own-attachment marker."""
    table = load("citations")
    return frozenset(title_key(t) for t in table["generic_titles"]), re.compile(table["own_attachment_after"])


def is_order_number(number: str | None) -> bool:
    """国令第76号, 省政府令第161号: a decree number, which alone names no title to collect."""
    return bool(number and _ORDER.search(number))


def extract(
    text: str,
    own_number: str | None = None,
    own_title: str | None = None,
    attachments: list[str] | tuple[str, ...] = (),
) -> list[Citation]:
    """The documents ``text`` cites, in reading order, each once.

    Skips the document itself: its own 文号, its own title (or what its 印发 notice wraps),
    and its own attachments (现将《…实施方案》印发给你们 names the attachment, not another document).
    """
    own = own_keys(own_title)
    for a in [*attachments, *_ATTACHMENT_LINE.findall(text)]:
        own.update(title_keys(a))
    out: list[Citation] = []
    by_number: dict[str, Citation] = {}
    by_key: dict[str, Citation] = {}
    for s in spans(text):
        if same_number(s.doc_number, own_number):
            continue
        key = title_key(s.title) if s.title else None
        if key and key in own:
            continue
        if not s.doc_number and (key in _tables()[0] or _tables()[1].match(text, s.end)):
            continue  # a generic title (《政府工作报告》) or the document's own attachment (（见附件）)
        # The same document named twice (《A》（X号） then X号, or 《A》 again) is one citation.
        known = (s.doc_number and by_number.get(s.doc_number)) or (key and by_key.get(key))
        if known:
            if s.doc_number and not known.doc_number and not (key and known.title and title_key(known.title) != key):
                known.doc_number = s.doc_number
                by_number[s.doc_number] = known
            continue
        c = Citation(s.title, s.doc_number)
        out.append(c)
        if s.doc_number:
            by_number[s.doc_number] = c
        if key:
            by_key[key] = c
    return out
