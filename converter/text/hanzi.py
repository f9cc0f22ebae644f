"""Chinese script handling: Traditional -> Simplified (OpenCC) and pinyin annotations."""

from __future__ import annotations

import re
from functools import cache
from itertools import islice

# A tone-marked (or plain) pinyin syllable in parentheses right after a Han character,
# as written by "pinyin-annotated" mirror sites: 醫(yī)療(liáo).
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü"
# The "(" comes first and the check of the character before it second (same matches): a
# pattern that starts with a literal is searched by a fast scan for it, not tried everywhere.
PINYIN_ANNOTATION = re.compile(
    r"\((?<=\S\()(?:[bpmfdtnlgkhjqxrzcsyw]|[zcs]h)?[aeiou" + _TONED + r"]{1,3}(?:ng|n|r)?\)"
)
# Mirror sites that add pinyin also mangle some characters into runs like ?yàn)橹攸c or
# ??傤~: a '?' then a few bytes of garbage ending in a Latin letter before Han text.
# The original characters cannot be recovered; the run becomes □, the customary mark
# for an illegible character, and the run itself is kept in the cleaning record.
DAMAGED_RUN = re.compile(r"\?+[^\s，,。、]{0,10}?[A-Za-z~" + _TONED + r"](?=[\u4e00-\u9fff(（])")
MIN_DAMAGED_RUNS = 3
ILLEGIBLE = "□"
_HAS_TONE = re.compile(f"[{_TONED}]")
_HAN = re.compile(r"[\u4e00-\u9fff]")
_HAN_RUN = re.compile(r"[\u4e00-\u9fff]+")

# A page is pinyin-annotated when it has many annotations; a stray "(a)" is not one.
MIN_ANNOTATIONS = 5
# A text is Traditional when OpenCC would change at least this share of its Han characters.
# Simplified text has a few characters t2s changes wrongly (著名 -> 着名), far below this.
TRADITIONAL_SHARE = 0.03


@cache
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """The one place OpenCC is called."""
    return _t2s().convert(text)


def to_simplified_each(texts: list[str]) -> list[str]:
    """``to_simplified`` of each text, in one OpenCC call for texts without line breaks: no
    dictionary entry holds a line break, so no conversion reaches across one, and the texts
    joined by line breaks convert to their conversions joined the same way."""
    joined = "\n".join(texts)
    if joined.count("\n") == len(texts) - 1:
        converted = to_simplified(joined).split("\n")
        if len(converted) == len(texts):
            return converted
    return [to_simplified(t) for t in texts]


def traditional_share(text: str) -> float:
    # Runs on every page: the Han characters are picked out and compared in C (sub, map),
    # not one by one in Python.
    sample = "".join(_HAN_RUN.findall(text))  # the Han characters (faster than deleting the rest)
    if not sample:
        return 0.0
    converted = to_simplified(sample)
    if converted == sample:  # Simplified text: one comparison instead of the count
        return 0.0
    return count_changed(sample, converted) / len(sample)


def count_changed(a: str, b: str, block: int = 64) -> int:
    """Positions where ``a`` and ``b`` differ (up to the shorter one's length). Blocks that are
    equal, nearly all of them in Simplified text, are skipped by one C comparison each."""
    n = min(len(a), len(b))
    changed = 0
    for i in range(0, n, block):
        x, y = a[i : min(i + block, n)], b[i : min(i + block, n)]
        if x != y:
            changed += sum(map(str.__ne__, x, y))
    return changed


def is_traditional(text: str) -> bool:
    return traditional_share(text) >= TRADITIONAL_SHARE


def mark_damage(text: str) -> tuple[str, list[str]]:
    """Replace mis-encoded runs with □ when a page shows the pattern repeatedly."""
    if "?" not in text:  # every run starts with one; a substring test is far faster than the scan
        return text, []
    runs = DAMAGED_RUN.findall(text)
    if len(runs) < MIN_DAMAGED_RUNS:
        return text, []
    return DAMAGED_RUN.sub(ILLEGIBLE, text), runs


def strip_pinyin(text: str) -> tuple[str, int]:
    """Remove pinyin annotations when the text is annotated throughout; returns (text, count)."""
    # Only whether there are MIN_ANNOTATIONS matters: the scan stops at that many.
    toned = (m for m in PINYIN_ANNOTATION.finditer(text) if _HAS_TONE.search(m.group()))
    if sum(1 for _ in islice(toned, MIN_ANNOTATIONS)) < MIN_ANNOTATIONS:
        return text, 0
    return PINYIN_ANNOTATION.subn("", text)
