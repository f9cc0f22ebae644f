"""Dates in every form pages use: 2019年01月27日, 2019-01-27, 2019/1/27, 2019.01.27,
二〇一九年一月二十七日. Output is ISO YYYY-MM-DD, and only for real calendar dates."""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

from converter.text.numbering import cn_to_int

_CN = "〇零一二三四五六七八九十"
ARABIC = re.compile(r"(?P<y>(?:19|20)\d{2})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})(?!\d)\s*日?")
CHINESE = re.compile(rf"(?P<y>[{_CN}○Ｏ]{{4}})\s*年\s*(?P<m>[{_CN}]{{1,3}})\s*月\s*(?P<d>[{_CN}]{{1,3}})\s*日")
_CN_YEAR_DIGITS = str.maketrans({
    "〇": "0", "零": "0", "○": "0", "Ｏ": "0", "一": "1", "二": "2", "三": "3", "四": "4", "五": "5", "六": "6", "七": "7",
    "八": "8", "九": "9",
})


def _iso(y: int, m: int, d: int) -> str | None:
    try:
        return dt.date(y, m, d).isoformat()
    except ValueError:
        return None


def find(text: str) -> list[tuple[int, int, str]]:
    """Every date in ``text`` as (start, end, ISO)."""
    out = []
    for m in ARABIC.finditer(text):
        iso = _iso(int(m["y"]), int(m["m"]), int(m["d"]))
        if iso:
            out.append((m.start(), m.end(), iso))
    for m in CHINESE.finditer(text):
        year = m["y"].translate(_CN_YEAR_DIGITS)
        month, day = cn_to_int(m["m"]), cn_to_int(m["d"])
        if year.isdigit() and month and day:
            iso = _iso(int(year), month, day)
            if iso:
                out.append((m.start(), m.end(), iso))
    return sorted(out)


def parse(text: str | None) -> str | None:
    """The first date in ``text``, as ISO; None when there is none."""
    if not text:
        return None
    found = find(str(text))
    return found[0][2] if found else None


# A date starts with 19/20 or with four Chinese year digits: a line that does not, inside an
# opening bracket or not, is turned away without trying the patterns.
_CN_YEAR_CHARS = frozenset(_CN + "○Ｏ")
_BRACKETED_LINE = re.compile(r"^\s*[（(](.*)[)）]\s*$")


def _starts_with_year(text: str) -> bool:
    return text[:2] in ("19", "20") or (
        text[:1] in _CN_YEAR_CHARS and len(text) >= 4 and all(c in _CN_YEAR_CHARS for c in text[1:4])
    )


def _may_be_date_line(text: str) -> bool:
    if _starts_with_year(text):
        return True
    t = text.lstrip()
    return t[:1] in ("（", "(") and _starts_with_year(t[1:].lstrip())


@lru_cache(maxsize=1 << 14)  # asked for each paragraph by split and by structure, some twice
def is_date_line(text: str) -> bool:
    """A line that is only a date (the date line of a 落款), bracketed or not: （2023年4月12日）."""
    if not _may_be_date_line(text):
        return False
    text = _BRACKETED_LINE.sub(r"\1", text)
    found = find(text)
    return bool(found) and found[0][0] == 0 and found[0][1] >= len(text.rstrip()) - 1


# A gazette's 题注 under the title: （2007年6月29日第十届全国人民代表大会常务委员会第二十八次
# 会议通过）, （2019年1月27日国务院印发）. Its first date is when the text was adopted or issued.
CAPTION_VERBS = ("通过", "公布", "发布", "印发", "批准", "修订", "修正", "施行", "签署", "制定")
CAPTION_MAX = 200


def caption_date(line: str) -> str | None:
    """The adopted/issued date of a 题注 line (the whole line in brackets, opening with a date
    and naming how the text was made), else None."""
    m = _BRACKETED_LINE.match(line)
    if not m or len(line) > CAPTION_MAX or not _may_be_date_line(line):
        return None
    inner = m.group(1)
    found = find(inner)
    if not found or found[0][0] != 0 or not any(v in inner for v in CAPTION_VERBS):
        return None
    return found[0][2]
