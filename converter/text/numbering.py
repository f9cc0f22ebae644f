"""Heading and item numbering of Chinese policy documents, as data.

一、 sections, （一） subsections, 1. items, （1） sub-items, 第X章 chapters, 第X节 and 第X条
articles, and decimal 1.1 clauses. Used both to reflow a flattened OCR text and to give
a document its structure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
CN_UNITS = {"十": 10, "百": 100, "千": 1000}
CN_NUM = "零〇一二两三四五六七八九十百千"


def cn_to_int(s: str) -> int | None:
    """一 -> 1, 十二 -> 12, 二十三 -> 23, 一百零五 -> 105; None if not a numeral."""
    if not s or any(c not in CN_DIGITS and c not in CN_UNITS for c in s):
        return None
    total, digit = 0, 0
    for c in s:
        if c in CN_DIGITS:
            digit = CN_DIGITS[c]
        else:
            total += (digit or 1) * CN_UNITS[c]
            digit = 0
    return total + digit


@dataclass(frozen=True)
class Marker:
    kind: str  # chapter, part, article, section, subsection, item, subitem, decimal
    pattern: re.Pattern[str]
    numeral: str  # "cn" or "arabic"


# Order matters: the first pattern that matches the start of a paragraph wins.
MARKERS: tuple[Marker, ...] = (
    Marker("chapter", re.compile(rf"^第(?P<n>[{CN_NUM}]+)章"), "cn"),
    Marker("part", re.compile(rf"^第(?P<n>[{CN_NUM}]+)节"), "cn"),
    Marker("article", re.compile(rf"^第(?P<n>[{CN_NUM}]+)条"), "cn"),
    Marker("section", re.compile(rf"^(?P<n>[{CN_NUM}]+)\s*[、，,．.]"), "cn"),
    Marker("subsection", re.compile(rf"^[（(]\s*(?P<n>[{CN_NUM}]+)\s*[)）]"), "cn"),
    # Decimal plans: 1.1 / 1.1.1 clauses, and a bare "1 总体要求" heading line (short, no punctuation).
    Marker("decimal", re.compile(r"^(?P<n>\d{1,2}(?:\.\d{1,2}){1,2})(?![\d%.])(?=\s*[\u4e00-\u9fff])"), "arabic"),
    Marker("decimal", re.compile(r"^(?P<n>\d{1,2})\s+(?=[\u4e00-\u9fff][^，。；：,;:！？!?]{1,24}$)"), "arabic"),
    Marker("item", re.compile(r"^(?P<n>\d{1,3})\s*[.．、](?![\d%])"), "arabic"),
    Marker("subitem", re.compile(r"^[（(]\s*(?P<n>\d{1,3})\s*[)）]"), "arabic"),
)


@dataclass(frozen=True)
class Numbered:
    kind: str
    number: int | str
    label: str  # the marker as written, e.g. "一、" or "（一）"
    rest: str  # the paragraph after the marker


# Every marker starts with one of these or a decimal digit: most paragraphs are turned away
# by one look at their first character instead of a try of every pattern.
_FIRST_CHARS = frozenset("第（(" + CN_NUM)


def may_be_numbered(text: str) -> bool:
    return bool(text) and (text[0] in _FIRST_CHARS or text[0].isdecimal())


@lru_cache(maxsize=1 << 14)  # asked for each paragraph by split and by structure; Numbered is frozen
def match(text: str) -> Numbered | None:
    if not may_be_numbered(text):
        return None
    for m in MARKERS:
        found = m.pattern.match(text)
        if not found:
            continue
        raw = found.group("n")
        if m.numeral == "cn":
            number: int | str | None = cn_to_int(raw)
            if number is None:
                continue
        elif m.kind == "decimal":
            number = raw
        else:
            number = int(raw)
        return Numbered(m.kind, number, found.group(0).strip(), text[found.end():].strip())
    return None


# ---------------------------------------------------------------- reflowing flattened text

# Common section titles, used to split a title glued to its first sentence by OCR
# (一、总体目标以习近平… -> 一、总体目标 / 以习近平…).
SECTION_TITLES = (
    "总体要求", "总体目标", "主要目标", "工作目标", "发展目标", "目标任务", "指导思想", "基本原则",
    "重点任务", "主要任务", "工作任务", "重点工作", "主要措施", "工作措施", "政策措施", "保障措施",
    "组织实施", "组织保障", "组织领导", "实施步骤", "工作步骤", "进度安排", "工作要求", "职责分工",
    "适用范围", "总则", "附则", "工作原则", "主要内容", "实施范围",
)

_BOUNDARY = set("。；;！？!?)）")
# Where a flattened text may start a new paragraph: a numbering marker (with OCR
# confusables for items: L for 1., IL for 11., 2L for 21., 28, for 28.) or a trailing
# metadata label.
_SPLIT = re.compile(
    rf"(?P<section>[{CN_NUM}]{{1,3}}、)"
    rf"|(?P<subsection>[（(][{CN_NUM}]{{1,3}}[)）])"
    r"|(?P<item>[0-9Il|]{0,2}L(?![A-Za-z])|[0-9Il|]{1,3}\s*[.．,，、](?![\d%]))"
    r"|(?P<label>(公开方式|公开属性|抄送|附件)\s*[:：])"
)
_OCR_DIGITS = str.maketrans({"I": "1", "l": "1", "|": "1", "L": "1"})

# A text is flattened when one paragraph this long holds nearly all of it.
FLATTENED_MIN_CHARS = 1500


def _item_number(token: str) -> int | None:
    digits = re.sub(r"\s*[.．,，、]$", "", token).translate(_OCR_DIGITS)
    return int(digits) if digits.isdigit() else None


def reflow(text: str) -> tuple[list[str], int]:
    """Split a one-line text at its numbering; returns (paragraphs, OCR labels repaired).

    Sequence-guided: a marker only starts a paragraph when it is the next number of its
    level (or a restart at 1), which is what tells 'L' meaning '1.' from a stray letter.
    """
    cuts: list[tuple[int, int, str]] = []  # (start, end of marker, normalised label)
    section = subsection = item = 0
    repaired = 0
    for m in _SPLIT.finditer(text):
        start = m.start()
        kind = m.lastgroup
        if start and text[start - 1] not in _BOUNDARY and not (kind == "subsection" and _after_heading(text, cuts, start)):
            continue
        token = m.group()
        if kind == "section":
            n = cn_to_int(token[:-1])
            if n != section + 1:
                continue
            section, subsection = n, 0
            cuts.append((start, m.end(), token))
        elif kind == "subsection":
            n = cn_to_int(token[1:-1])
            if n not in (subsection + 1, 1):
                continue
            subsection = n
            cuts.append((start, m.end(), token))
        elif kind == "item":
            n = _item_number(token)
            if n is None or n not in (item + 1, 1):
                continue
            item = n
            label = f"{n}."
            if token != label:
                repaired += 1
            cuts.append((start, m.end(), label))
        else:
            cuts.append((start, m.end(), token))
    if not cuts:
        return [text], 0
    paras = [text[: cuts[0][0]]] if cuts[0][0] else []
    for i, (_start, end, label) in enumerate(cuts):
        stop = cuts[i + 1][0] if i + 1 < len(cuts) else len(text)
        paras.extend(_split_glued_title(label, text[end:stop]))
    return [p.strip() for p in paras if p.strip()], repaired


def _after_heading(text: str, cuts: list[tuple[int, int, str]], start: int) -> bool:
    """二、重点任务(一)… : a subsection may follow a section title with no punctuation between."""
    if not cuts or not re.match(rf"^[{CN_NUM}]+、$", cuts[-1][2]):
        return False
    title = text[cuts[-1][1] : start]
    return 0 < len(title) <= 20 and not re.search(r"[。；;，,：:！？]", title)


def _split_glued_title(label: str, rest: str) -> list[str]:
    """一、总体目标以习近平… -> [一、总体目标, 以习近平…] when the title is a known one."""
    if re.match(rf"^[{CN_NUM}]+、$", label):
        for title in sorted(SECTION_TITLES, key=len, reverse=True):
            if rest.startswith(title) and len(rest) > len(title) and rest[len(title)] not in "。，,；;：:":
                return [label + title, rest[len(title):]]
    return [label + rest]
