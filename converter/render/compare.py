"""修订前后对照: a clause-by-clause comparison of a document and the one that amends or replaces it,
when both are in the library (docs/compare/<id>.md).

Articles (第X条) are matched by number, then the rest by text (difflib ratio); a 修改决定's edits
(将第X条修改为：“…”, 删去第X条, 增加一条，作为第X条：“…”, data/validity.yml `edits`) are applied
to the amended text to give the text after. Changed words are marked <del>/<ins>. Every piece of
scraped text is escaped; the only markup is ours.
"""

from __future__ import annotations

import difflib
import re

from converter.link.corpus import Corpus
from converter.link.revisions import Unit, aligned
from converter.model import PolicyDocument
from converter.render.page import _INLINE_CHARS, _entity, esc

COMPARE_DIR = "compare"


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
