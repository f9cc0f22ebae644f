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
# What follows the prefix. find_all scans for these and takes the prefix from the Han run
# before each one; YEAR_FORM and ORDER_FORM above are the same rules as single patterns
# (kept as the reference the tests compare against; run over text they are slow, because a
# lazy Han prefix is tried at every character).
_YEAR_TAIL = re.compile(
    rf"[{re.escape(OPEN)}]\s*(?P<year>(?:19|20)\d{{2}})\s*[{re.escape(CLOSE)}]\s*第?\s*(?P<num>\d{{1,5}})\s*号"
)
_ORDER_TAIL = re.compile(r"令\s*第\s*(?P<num>\d{1,5})\s*号")


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


def find_all(text: str) -> list[tuple[int, int, str]]:
    """Every 文号 in ``text`` as (start, end, normalised)."""
    out: list[tuple[int, int, str]] = []
    if "号" not in text:
        return out
    for m in _YEAR_TAIL.finditer(text):
        bracket = m.start()
        while bracket > 0 and text[bracket - 1].isspace():
            bracket -= 1
        prefix = _clean_prefix(_prefix_before(text, bracket))
        if prefix:
            out.append((bracket - len(prefix), m.end(), f"{prefix}〔{m.group('year')}〕{int(m.group('num'))}号"))
    for m in _ORDER_TAIL.finditer(text):
        ling = m.start() + 1
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
