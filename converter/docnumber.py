"""文号 (document numbers): find them in every bracket shape, normalise to 〔〕.

国办发〔2017〕32号, 国办发[2017]32号, 国办发(2017)32号, 国办发【2017】32号,
国办发明电〔2018〕15号, 赣府厅字〔2020〕14号, 国令第707号, 省政府令第232号.
"""

from __future__ import annotations

import re

OPEN = "〔[(（【［〖﹝"
CLOSE = "〕])）】］〗﹞"
_HAN = r"[\u4e00-\u9fff]"

# Words that precede a 文号 in running text but are not part of its prefix.
_LEADING_WORDS = re.compile(
    r"^(?:根据|依据|按照|参照|对照|贯彻|落实|执行|印发|转发|关于|详见|参见|见|按|据|依|和|及|与|或|即|以|的|了|是|为|经|由|对|将|把|在|文件|通知|意见)+"
)

YEAR_FORM = re.compile(
    rf"(?P<prefix>{_HAN}{{1,14}}?)\s*[{re.escape(OPEN)}]\s*(?P<year>(?:19|20)\d{{2}})\s*[{re.escape(CLOSE)}]\s*第?\s*(?P<num>\d{{1,5}})\s*号"
)
ORDER_FORM = re.compile(rf"(?P<prefix>{_HAN}{{0,14}}?令)\s*第\s*(?P<num>\d{{1,5}})\s*号")
_PREFIX_RUN = re.compile(rf"{_HAN}+$")
# A decree's header names its issuer in full; its 文号 is written short (国令第707号).
ORDER_ALIASES = {"中华人民共和国国务院令": "国令", "国务院令": "国令"}
# The forms without their lazy Han prefix: one fast scan finds the first place a 文号 can
# be, and the full patterns (slow: they try a prefix at every Han character) start there.
_YEAR_TAIL = re.compile(rf"[{re.escape(OPEN)}]\s*(?:19|20)\d{{2}}\s*[{re.escape(CLOSE)}]\s*第?\s*\d{{1,5}}\s*号")
_ORDER_TAIL = re.compile(r"令\s*第\s*\d{1,5}\s*号")
_MAX_PREFIX = 14  # the {1,14} / {0,14} of the prefixes above


def _clean_prefix(prefix: str) -> str | None:
    prefix = _LEADING_WORDS.sub("", prefix)
    return prefix if 1 <= len(prefix) <= 12 else None


def _prefix_before(text: str, start: int, limit: int = 14) -> str:
    """The run of Han characters right before ``start`` (regex prefixes are lazy), cut after
    the end of whatever precedes it: another 文号 (…10号和齐卫发〔2018〕5号) or a date
    (…28日中华人民共和国国务院令第142号). No prefix contains 号."""
    window_start = max(0, start - limit)
    m = _PREFIX_RUN.search(text[window_start:start])
    if not m:
        return ""
    run = m.group()
    run = run[run.rfind("号") + 1 :]
    run_start = start - len(run)
    if run[:1] in "年月日" and run_start > 0 and text[run_start - 1].isdigit():
        run = run[1:]
    return run


def _scan_start(tail: re.Pattern[str], text: str) -> int | None:
    """No match of a full form starts before this (None: there is none): its prefix is at most
    _MAX_PREFIX Han characters, plus spaces, before the first match of its tail."""
    m = tail.search(text)
    if not m:
        return None
    k = m.start()
    while k > 0 and text[k - 1].isspace():
        k -= 1
    return max(0, k - _MAX_PREFIX)


def find_all(text: str) -> list[tuple[int, int, str]]:
    """Every 文号 in ``text`` as (start, end, normalised)."""
    out: list[tuple[int, int, str]] = []
    start = _scan_start(_YEAR_TAIL, text)
    for m in YEAR_FORM.finditer(text, start) if start is not None else ():
        bracket = m.start("prefix") + len(m.group("prefix"))
        prefix = _clean_prefix(_prefix_before(text, bracket))
        if prefix:
            out.append((bracket - len(prefix), m.end(), f"{prefix}〔{m.group('year')}〕{int(m.group('num'))}号"))
    start = _scan_start(_ORDER_TAIL, text)
    for m in ORDER_FORM.finditer(text, start) if start is not None else ():
        ling = m.start("prefix") + len(m.group("prefix"))
        prefix = _clean_prefix(_prefix_before(text, ling))
        if prefix and prefix.endswith("令"):
            short = ORDER_ALIASES.get(prefix, prefix)
            out.append((ling - len(prefix), m.end(), f"{short}第{int(m.group('num'))}号"))
    return sorted(out)


def parse(text: str) -> str | None:
    """The 文号 when ``text`` is one (a 文号 line, a table cell), normalised; else None."""
    text = text.strip().strip("()（）")
    found = find_all(text)
    if len(found) == 1 and found[0][0] <= 1 and found[0][1] >= len(text) - 1:
        return found[0][2]
    return None


def normalise(value: str) -> str:
    """Normalise a 文号 given by a person or a metadata table; unknown shapes are kept."""
    return parse(value) or value.strip()
