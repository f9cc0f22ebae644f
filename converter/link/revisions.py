"""修订前后对照 by units: the articles (or numbered items, or paragraphs) of a document
and of the one that amends or replaces it, paired; whether a comparison says anything.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from dataclasses import dataclass

from converter.extract.validity import block_texts, patterns
from converter.model import PolicyDocument
from converter.text.numbering import cn_to_int

_ARTICLE = re.compile(r"^第(?P<n>[0-9一二两三四五六七八九十百零〇]+)条")
MATCH_RATIO = 0.5  # unnumbered units this alike are one unit, changed


def page_id(old: str, new: str) -> str:
    """The comparison page of ``old`` as changed by ``new`` (the new slug hashed: names stay short)."""
    return f"{old}-{hashlib.sha1(new.encode('utf-8')).hexdigest()[:8]}"


@dataclass
class Unit:
    key: int | str | None  # article number, else the numbering label, else None
    label: str
    text: str


def _number(text: str) -> int | None:
    return int(text) if text.isdigit() else cn_to_int(text)


def units(doc: PolicyDocument) -> list[Unit]:
    """The document's articles (第X条); else its numbered items and headings; else its paragraphs."""
    out = []
    for b in doc.blocks:
        m = _ARTICLE.match(b.label or "")
        if b.kind == "item" and m:
            out.append(Unit(_number(m["n"]), b.label, f"{b.lead}{b.text}"))
    if out:
        return out
    numbered = [Unit(b.label, b.label, f"{b.lead}{b.text}") for b in doc.blocks if b.kind in ("item", "heading") and b.label]
    if numbered:
        return numbered
    return [Unit(None, "", b.text) for b in doc.blocks if b.kind == "para"]


def cn_number(n: int) -> str:
    """1..999 in Chinese numerals, as articles are numbered (第十二条, 第一百零五条)."""
    digits = "零一二三四五六七八九"
    h, t, u = n // 100, n // 10 % 10, n % 10
    out = f"{digits[h]}百" if h else ""
    if t:
        out += ("" if t == 1 and not h else digits[t]) + "十"
    elif h and u:
        out += "零"
    return out + (digits[u] if u else "") if n else "零"


def edited(old: list[Unit], decision: PolicyDocument) -> list[tuple[Unit | None, Unit | None]] | None:
    """``old`` beside itself with a 修改决定's edits applied, in the new numbering, or None when
    the decision has no edits of numbered articles (each edit names the article as numbered
    before the decision; an added article moves the ones from its place down by one)."""
    rx = patterns().edits
    rows: dict[int, tuple[Unit | None, Unit | None]] = {u.key: (u, u) for u in old if isinstance(u.key, int)}
    deleted: list[Unit] = []
    changed = False
    for text in block_texts(decision.blocks):
        for kind, pattern in rx.items():
            m = pattern.search(text)
            if m is None:
                continue
            n = _number(m["n"])
            if not n:
                continue
            changed = True
            if kind == "delete" and n in rows:
                before = rows.pop(n)[0]
                deleted += [before] if before else []
            elif kind == "add":
                rows = {(k + 1 if k >= n else k): r for k, r in rows.items()}
                rows[n] = (None, Unit(n, f"第{cn_number(n)}条", m["text"]))
            elif n in rows:
                was = rows[n][0]
                rows[n] = (was, Unit(n, was.label if was else f"第{cn_number(n)}条", m["text"]))
            break
    if not changed:
        return None
    out: list[tuple[Unit | None, Unit | None]] = []
    for k in sorted(rows):
        before, after = rows[k]
        if after is not None and after.key != k:  # moved down by an added article
            after = Unit(k, f"第{cn_number(k)}条（原{after.label}）", after.text)
        out.append((before, after))
    return out + [(u, None) for u in deleted]


def pair(old: list[Unit], new: list[Unit]) -> list[tuple[Unit | None, Unit | None]]:
    """Old and new units side by side, in the new text's order (a deleted unit where it stood)."""
    match: dict[int, int] = {}
    by_key = {u.key: i for i, u in enumerate(old) if u.key is not None}
    for j, u in enumerate(new):
        i = by_key.get(u.key) if u.key is not None else None
        if i is not None and i not in match.values():
            match[j] = i
    for j, u in enumerate(new):
        if j in match:
            continue
        best, best_ratio = None, MATCH_RATIO
        for i, o in enumerate(old):
            if i in match.values():
                continue
            r = difflib.SequenceMatcher(None, o.text, u.text, autojunk=False).ratio()
            if r > best_ratio:
                best, best_ratio = i, r
        if best is not None:
            match[j] = best
    out: list[tuple[Unit | None, Unit | None]] = []
    used = set(match.values())
    pending = [i for i in range(len(old)) if i not in used]
    for j, u in enumerate(new):
        if j in match:
            while pending and pending[0] < match[j]:
                out.append((old[pending.pop(0)], None))
        out.append((old[match[j]] if j in match else None, u))
    out += [(old[i], None) for i in pending]
    return out


def aligned(old: PolicyDocument, new: PolicyDocument, kind: str) -> tuple[list[tuple[Unit | None, Unit | None]], bool]:
    """The units of ``old`` and of the text after ``new`` side by side, and whether that text
    is ``old`` with a 修改决定's edits applied (else it is ``new``'s own)."""
    before = units(old)
    rows = edited(before, new) if kind == "amends" else None
    return (rows, True) if rows is not None else (pair(before, units(new)), False)


def comparable(old: PolicyDocument, new: PolicyDocument, kind: str) -> bool:
    """Whether a comparison says anything: at least one unit of each text matched to the other
    (a 废止决定's list of titles matches nothing of the document it repeals)."""
    rows, _ = aligned(old, new, kind)
    return any(o is not None and n is not None for o, n in rows)
