"""Whitespace and invisible characters: the normalisers every stage shares."""

from __future__ import annotations

import re

SPACE = re.compile(r"[ \t\r\f\v\u00a0\u3000\u2002\u2003\u2009]+")
INVISIBLE = re.compile(r"[\u200b-\u200f\u2060\ufeff\u00ad]")


def normalise_space(text: str) -> str:
    return SPACE.sub(" ", INVISIBLE.sub("", text)).strip()


def normalise_all(texts: list[str]) -> list[str]:
    """``normalise_space`` of each text. Neither pattern matches a line break, so texts without
    one are done as one string joined by line breaks (two substitutions, not two per text)."""
    joined = "\n".join(texts)
    if joined.count("\n") != len(texts) - 1:
        return [normalise_space(t) for t in texts]
    # Every character either substitution changes, but " ", is unprintable (format, control or
    # separator): texts that are all printable, with no double space, are left as they are. One
    # C pass per text instead of two regex scans of the page.
    if not (all(map(str.isprintable, texts)) and "  " not in joined):
        joined = SPACE.sub(" ", INVISIBLE.sub("", joined))
    return [t.strip() for t in joined.split("\n")]


ANY_SPACE = re.compile(r"[\s\u00a0\u3000\u200b\ufeff]+")
INLINE_SPACE = re.compile(r"[ \t\r\f\v\u00a0\u3000\u200b\ufeff]+")


# Every character _SQUASH and _WS change, the space aside, is unprintable (tests/test_fast_paths.py
# checks all of Unicode): a printable text without the spaces they touch is returned as it is,
# after one C pass instead of a regex scan.


def squash(text: str) -> str:
    if text.isprintable() and "  " not in text:
        return text
    return INLINE_SPACE.sub(" ", text)


def dense(text: str) -> str:
    if text.isprintable() and " " not in text:
        return text
    return ANY_SPACE.sub("", text)


_CJK = r"\u3000-\u303f\u4e00-\u9fff\uff00-\uffef"


# A source line break inside a paragraph: dropped between Chinese characters, a space elsewhere.
# Letter-spaced words (总　则, 几 个 问 题 的 通 知, names aligned as 汤 涛): single Chinese
# characters separated by spaces are one word.
SPACED_CHARS = re.compile(r"(?:(?<=^)|(?<=[\s：:，,、；;。]))([\u4e00-\u9fff])(?:[ \u00a0\u3000]+(?=[\u4e00-\u9fff](?:[\s：:，,、；;。]|$)))")
SOFT_BREAK_CJK = re.compile(rf"(?<=[{_CJK}])[ \t\r\f\v\u00a0]*\n[\s\u00a0]*(?=[{_CJK}])")


def unspace(text: str) -> str:
    return SPACED_CHARS.sub(r"\1", text) if " " in text else text
