"""修订前后对照: a clause-by-clause comparison of a document and the one that amends or replaces it,
when both are in the library (docs/compare/<id>.md).

Articles (第X条) are matched by number, then the rest by text (difflib ratio); a 修改决定's edits
(将第X条修改为：“…”, 删去第X条, 增加一条，作为第X条：“…”, data/validity.yml `edits`) are applied
to the amended text to give the text after. Changed words are marked <del>/<ins>. Every piece of
scraped text is escaped; the only markup is ours.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from dataclasses import dataclass

from .link import Corpus
from .model import PolicyDocument
from .numbering import cn_to_int
from .render import _INLINE_CHARS, _entity, esc
from .validity import block_texts, patterns

COMPARE_DIR = "compare"
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
            n = _number(m["n"]) if m else None
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
                rows[n] = (rows[n][0], Unit(n, rows[n][0].label if rows[n][0] else f"第{cn_number(n)}条", m["text"]))
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


def _piece(text: str) -> str:
    return _INLINE_CHARS.sub(_entity, re.sub(r"\s+", " ", text))


def marked(a: str, b: str) -> tuple[str, str]:
    """``a`` and ``b`` escaped, with what only one of them has marked <del> / <ins>."""
    left, right = [], []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            left.append(_piece(a[i1:i2]))
            right.append(_piece(b[j1:j2]))
            continue
        if i2 > i1:
            left.append(f"<del>{_piece(a[i1:i2])}</del>")
        if j2 > j1:
            right.append(f"<ins>{_piece(b[j1:j2])}</ins>")
    return "".join(left), "".join(right)


def _row(o: Unit | None, n: Unit | None) -> tuple[str, str]:
    label = esc((n or o).label) if (n or o).label else "—"  # type: ignore[union-attr]
    if o and n:
        if o.text == n.text:
            return "same", f"| {label} | {_piece(o.text)} | {_piece(n.text)} | 未改 |"
        a, b = marked(o.text, n.text)
        return "changed", f"| {label} | {a} | {b} | 修改 |"
    if o:
        return "deleted", f"| {label} | <del>{_piece(o.text)}</del> | — | 删除 |"
    return "added", f"| {label} | — | <ins>{_piece(n.text)}</ins> | 新增 |"  # type: ignore[union-attr]


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


def page(old: PolicyDocument, new: PolicyDocument, kind: str) -> str:
    """The comparison page; ``kind`` is amends or repeals (how ``new`` relates to ``old``)."""
    pairs, by_edits = aligned(old, new, kind)
    how = "按修改决定逐条修改后的文本" if by_edits else "新文件的条文"
    rows = [_row(o, n) for o, n in pairs]
    counts = {k: sum(1 for s, _ in rows if s == k) for k in ("changed", "added", "deleted", "same")}
    verb = "修改" if kind == "amends" else "废止并取代"
    title = f"修订前后对照：{old.title}"
    lines = [
        f"# 修订前后对照 <small>{esc(old.title)}</small>", "",
        (f"修订前：[{esc(old.title)}](../policies/{old.slug}.md)（{esc(old.doc_number or '无文号')}）。"
         f"修订后：{how}，依据 [{esc(new.title)}](../policies/{new.slug}.md)（{esc(new.doc_number or '无文号')}），它{verb}了前者。"), "",
        (f"共 {len(rows)} 条：修改 {counts['changed']}，新增 {counts['added']}，删除 {counts['deleted']}，未改 {counts['same']}。"
         "条文按编号对应，没有编号的按文字相似度对应；删去的文字标为<del>删除线</del>，新增的文字标为<ins>下划线</ins>。"), "",
        "| 条 | 修订前 | 修订后 | 变化 |", "| --- | --- | --- | --- |",
    ]
    lines += [r for _, r in rows]
    front = f"---\ntitle: {_yaml_str(title)}\nsearch:\n  exclude: true\n---\n\n"
    return front + "\n".join(lines) + "\n"


def _yaml_str(text: str) -> str:
    import json

    return json.dumps(text, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


def pages(corpus: Corpus) -> dict[str, str]:
    """docs/compare/: one page per (old, new) pair both in the library."""
    out: dict[str, str] = {}
    for d in corpus.docs:
        for kind, rels in (d.validity.relations.items() if d.validity else ()):
            for r in rels:
                if not r.compare or r.by != d.slug or r.target not in corpus.by_slug:
                    continue
                old, new = (d, corpus.by_slug[r.target]) if kind == "amended_by" else (corpus.by_slug[r.target], d)
                out.setdefault(f"{COMPARE_DIR}/{r.compare}.md", page(old, new, "repeals" if kind == "repeals" else "amends"))
    return dict(sorted(out.items()))
