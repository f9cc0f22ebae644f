"""What a document cites: 《title》 with or without a following (文号), and bare 文号."""

from __future__ import annotations

import re

from . import docnumber
from .model import Citation

# 《…》 with nested 〈…〉 allowed inside; an optional (文号) right after it.
_TITLE = re.compile(r"《(?P<t>[^《》]{4,150})》")
_AFTER = re.compile(r"^\s*[（(【\[]?\s*")
MIN_TITLE = 4


def normalise_title(title: str) -> str:
    """Titles broken by line ends or spaces compare equal; nested 〈〉 become 《》-free."""
    return re.sub(r"\s+", "", title).strip()


def extract(text: str, own_number: str | None = None, own_title: str | None = None) -> list[Citation]:
    """Citations in reading order, each once."""
    found: list[tuple[int, Citation]] = []
    used_numbers: set[tuple[int, int]] = set()
    for m in _TITLE.finditer(text):
        title = normalise_title(m.group("t"))
        if len(title) < MIN_TITLE or text[max(0, m.start() - 1) : m.start()] == "本":
            continue
        number = None
        tail = text[m.end() : m.end() + 40]
        lead = _AFTER.match(tail)
        offset = m.end() + (lead.end() if lead else 0)
        for start, end, dn in docnumber.find_all(text[offset : offset + 30]):
            if start == 0:
                number = dn
                used_numbers.add((offset + start, offset + end))
            break
        found.append((m.start(), Citation(title, number)))
    for start, end, dn in docnumber.find_all(text):
        if not any(s <= start < e for s, e in used_numbers):
            found.append((start, Citation(None, dn)))
    out: list[Citation] = []
    seen: set[tuple[str | None, str | None]] = set()
    for _, c in sorted(found, key=lambda f: f[0]):
        if c.doc_number and c.doc_number == own_number:
            continue
        if c.title and own_title and normalise_title(c.title) == normalise_title(own_title):
            continue
        key = (c.title, c.doc_number)
        if key not in seen:
            seen.add(key)
            out.append(c)
    return out
