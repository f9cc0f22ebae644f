"""Documents the corpus cites but does not hold: their record and their stub's stable name."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from converter.extract.citations import number_key, title_key

_YEAR_NUMBER = re.compile(r"〔(\d{4})〕(\d+)号$")


# A 文号 with no year: 国令第707号, 江西省人民政府令第161号.
_NUMBER_ONLY = re.compile(r"第?(\d+)号$")


@dataclass
class Missing:
    """A document cited by the corpus but not in it: the page that waits for its source."""

    id: str
    title: str | None
    doc_number: str | None
    cited_by: list[str]  # citing slugs, sorted, each once
    titles: list[str] = field(default_factory=list)  # every title it was cited under
    relations: list[tuple[str, str]] = field(default_factory=list)  # (repeals/amends/…, slug that says so)


def stub_id(doc_number: str | None, title: str | None) -> str:
    """A stable, readable ASCII name for a missing document: the pinyin of its 文号's prefix,
    year and number (guobanfa-2017-32-…), else of its title's start (zhengfugongzuobaogao-…);
    a short digest of the whole keeps two names that read alike apart."""
    if doc_number:
        digest = hashlib.sha1(number_key(doc_number).encode("utf-8")).hexdigest()[:6]
        m = _YEAR_NUMBER.search(doc_number) or _NUMBER_ONLY.search(doc_number)
        prefix = _ascii(doc_number[: m.start()] if m else doc_number, 32)
        return "-".join(x for x in (prefix, *(m.groups() if m else ()), digest) if x)
    key = title_key(title)
    return "-".join(x for x in (_ascii(key, 40), hashlib.sha1(key.encode("utf-8")).hexdigest()[:6]) if x)


def _ascii(text: str, limit: int) -> str:
    """Han characters as toneless pinyin, letters and digits kept, the rest dropped; cut to
    ``limit`` at a syllable's end (jiangxishengrenminzhengfu, not …zhengf)."""
    from pypinyin import lazy_pinyin  # loaded when a stub is named, not on every import

    out = ""
    for piece in lazy_pinyin(text):
        piece = re.sub(r"[^a-z0-9]+", "", piece.lower())
        if len(out) + len(piece) > limit:
            # A run of Latin letters or digits (no syllable: longer than any) may be cut.
            out += piece[: limit - len(out)] if len(piece) > 6 or not out else ""
            break
        out += piece
    return out
