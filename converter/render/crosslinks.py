"""Cross-links on the site: in-text citation links, each document's 本文引用 / 被引用 lists,
the stub page of every cited-but-missing document and the 待收录 list of them.

Every link written here points at one of our own generated pages (a slug or a stub id), never
at anything taken from a source; every piece of scraped text goes through ``esc``.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import yaml

from converter.extract import citations
from converter.link.corpus import Corpus, Edge
from converter.link.missing import Missing
from converter.model import PolicyDocument
from converter.render import timeline
from converter.render.page import esc, esc_short, status_badge
from converter.render.sitepages import POLICY_DIR, doc_date, sort_key
from converter.text.places import LEVEL_NAMES

CITED_DIR = "cited"
LINKED_BLOCKS = ("para", "item")  # the blocks render passes through the linker


def page_of(e: Edge) -> str | None:
    """Where a citation links, relative to a document page (docs/policies/)."""
    if e.target:
        return f"{e.target}.md"
    if e.stub:
        return f"../{CITED_DIR}/{e.stub}.md"
    return None


def doc_meta(d: PolicyDocument) -> str:
    """The citing/cited document's issuer, level and date, as a small grey note."""
    meta = [x for x in ("、".join(d.issuers), LEVEL_NAMES.get(d.level or ""), doc_date(d)) if x]
    return status_badge(d) + (f" <small>{' · '.join(esc_short(m) for m in meta)}</small>" if meta else "")


def cited_name(title: str | None, number: str | None) -> str:
    """《title》（文号）, 《title》 or 文号, escaped."""
    if title and number:
        return f"《{esc(title)}》（{esc(number)}）"
    return f"《{esc(title)}》" if title else esc(number or "")


# --- in-text links ------------------------------------------------------------------------


def _esc_part(text: str) -> str:
    """``esc`` for a piece of a paragraph: the spaces at its ends belong to the paragraph."""
    out = esc(text)
    if not out:
        return " " if text else ""
    if text[:1].isspace():
        out = " " + out
    if text[-1:].isspace():
        out += " "
    return out


_SPACE_RUN = re.compile(r"\s+")


def _norm(text: str) -> str:
    return _SPACE_RUN.sub(" ", str(text)).strip()


def _broken_titles(
    doc: PolicyDocument, url_of: Callable[[citations.Span], str | None], norm: Callable[[str], str] = _norm,
) -> dict[str, list[tuple[int, int, str]]]:
    """Link pieces for titles the layout broke across two paragraphs (《…城市公立医院 / 综合改革…》):
    paragraph text -> [(start, end, url)] for its half of such a title."""
    texts = [norm(b.text) for b in doc.blocks if b.kind in LINKED_BLOCKS]
    out: dict[str, list[tuple[int, int, str]]] = {}
    for a, b in zip(texts, texts[1:]):
        if a.rfind("《") <= a.rfind("》") or "》" not in b:
            continue
        for s in citations.spans(a + b):
            url = url_of(s)
            if url and s.start < len(a) < s.end:
                out.setdefault(a, []).append((s.start, len(a), url))
                out.setdefault(b, []).append((0, s.end - len(a), url))
    return out


def linker_for(doc: PolicyDocument, corpus: Corpus) -> Callable[[str], str]:
    """A ``render`` linker: escapes a paragraph like ``esc`` and turns each of the document's
    citations in it into a link to the cited page (or its stub)."""
    targets: dict[tuple[str, str], str] = {}
    for e in corpus.outgoing(doc.slug):
        url = page_of(e)
        if not url:
            continue
        if e.citation.doc_number:
            targets.setdefault(("n", e.citation.doc_number), url)
        if e.citation.title:
            targets.setdefault(("t", citations.title_key(e.citation.title)), url)

    def url_of(s: citations.Span) -> str | None:
        return (s.doc_number and targets.get(("n", s.doc_number))) or (
            s.title and targets.get(("t", citations.title_key(s.title)))
        ) or None

    normed: dict[str, str] = {}  # the same paragraphs are normalised here and in linker()

    def norm(text: str) -> str:
        out = normed.get(text)
        if out is None:
            out = normed[text] = _norm(text)
        return out

    broken = _broken_titles(doc, url_of, norm) if targets else {}

    def linker(text: str) -> str:
        if not targets:
            return esc(text)
        text = norm(text)
        found = [(s.start, s.end, url) for s in citations.spans(text) for url in [url_of(s)] if url]
        out, pos = [], 0
        for start, end, url in sorted(found + broken.get(text, [])):
            if start < pos:
                continue
            out.append(_esc_part(text[pos:start]))
            out.append(f"[{_esc_part(text[start:end])}]({url})")
            pos = end
        if not out:
            return esc(text)
        out.append(_esc_part(text[pos:]))
        return "".join(out)

    return linker


# --- 本文引用 / 被引用 -------------------------------------------------------------------------


def _out_line(e: Edge, corpus: Corpus) -> str:
    c = e.citation
    if e.target:
        d = corpus.by_slug[e.target]
        return f"- [{esc_short(d.title)}]({e.target}.md){doc_meta(d)}"
    if e.stub:
        return f"- [{cited_name(c.title, c.doc_number)}](../{CITED_DIR}/{e.stub}.md) <small>待收录</small>"
    options = "、".join(f"[{esc(corpus.by_slug[s].title)}]({s}.md)" for s in e.candidates)
    return f"- {cited_name(c.title, c.doc_number)} <small>对应多份文件，未链接：{options}</small>"


def link_section(doc: PolicyDocument, corpus: Corpus) -> list[str]:
    """本文引用, 被引用 and the document's 政策脉络 timeline, as Markdown lines."""
    lines: list[str] = []
    seen: set[str] = set()
    out_lines = []
    for e in corpus.outgoing(doc.slug):
        key = e.target or e.stub or f"{e.citation.title}|{e.citation.doc_number}"
        if key not in seen:
            seen.add(key)
            out_lines.append(_out_line(e, corpus))
    if out_lines:
        lines += ["## 本文引用 { #cites .links }", ""] + out_lines + [""]
    citing = sorted({e.source for e in corpus.incoming(doc.slug)}, key=lambda s: sort_key(corpus.by_slug[s]))
    if citing:
        lines += ["## 被引用 { #cited-by .links }", ""]
        lines += [f"- [{esc_short(corpus.by_slug[s].title)}]({s}.md){doc_meta(corpus.by_slug[s])}" for s in citing]
        lines.append("")
    return lines + timeline.chain_section(doc, corpus)


# --- stubs and 待收录 --------------------------------------------------------------------------


def _front(title: str) -> str:
    body = yaml.safe_dump({"title": title, "search": {"exclude": True}}, allow_unicode=True, sort_keys=False, width=10**9)
    return f"---\n{body}---\n\n"


def most_cited(corpus: Corpus) -> list[Missing]:
    """Missing documents, most cited first; ties by name so the order is stable."""
    return sorted(corpus.missing.values(), key=lambda m: (-len(m.cited_by), m.title or m.doc_number or "", m.id))


def stub_page(m: Missing, corpus: Corpus) -> str:
    name = m.title or m.doc_number or m.id
    lines = [f"# {esc(name)}", "", "本库尚未收录这份文件，下列文件引用了它。收录它的来源后，这里会换成文件全文，引用它的页面也会自动链接过去。", ""]
    lines += ['<div class="policy-stub" markdown>', "", "| 标题 | 文号 |", "| --- | --- |",
              f"| {esc(m.title) if m.title else '—'} | {esc(m.doc_number) if m.doc_number else '—'} |", "", "</div>", ""]
    if len(m.titles) > 1:
        lines += ["引用时使用的其他名称：" + "；".join(f"《{esc(t)}》" for t in m.titles[1:]), ""]
    lines += _stub_relations(m, corpus)
    citing = sorted(m.cited_by, key=lambda s: sort_key(corpus.by_slug[s]))
    lines += [f"## 引用它的文件 <small>（{len(citing)}）</small>", ""]
    lines += [f"- [{esc(corpus.by_slug[s].title)}](../{POLICY_DIR}/{s}.md){doc_meta(corpus.by_slug[s])}" for s in citing]
    return _front(name) + "\n".join(lines).rstrip() + "\n"


def _stub_relations(m: Missing, corpus: Corpus) -> list[str]:
    """What library documents say of the missing one (废止, 修改…): its status is known from them."""
    from converter.link.status import RELATION_NAMES

    if not m.relations:
        return []
    lines = ["## 本库文件的效力说明", ""]
    for kind, slug in sorted(m.relations, key=lambda x: (x[1], x[0])):
        d = corpus.by_slug[slug]
        lines.append(f"- [{esc(d.title)}](../{POLICY_DIR}/{slug}.md) {RELATION_NAMES[kind]}了这份文件")
    return lines + [""]


def missing_index(corpus: Corpus) -> str:
    items = most_cited(corpus)
    lines = [
        "# 待收录",
        "",
        (
            f"被本库文件引用、但本库尚未收录的文件共 {len(items)} 份，按被引用次数排列。"
            "这是贡献者的待办清单：找到其中一份的原文页面，按“贡献指南”中添加文件的步骤把它加入 `sources/` 即可。"
        ),
        "",
    ]
    if items:
        # The wrapper keeps each 文号 on one line (assets/policy.css).
        lines += ['<div class="policy-cited" markdown>', "", "| 被引用 | 文件 | 文号 |", "| --- | --- | --- |"]
        for m in items:
            name = f"[{esc(m.title or m.doc_number or m.id)}]({m.id}.md)"
            named = "、".join(sorted({_RELATION_NOTES[k] for k, _ in m.relations}))
            name += f" <small>{named}</small>" if named else ""
            lines.append(f"| {len(m.cited_by)} | {name} | {esc(m.doc_number) if m.doc_number else '—'} |")
        lines += ["", "</div>"]
    return _front("待收录") + "\n".join(lines).rstrip() + "\n"


# A missing document as the relation its citing text names makes it.
_RELATION_NOTES = {"repeals": "已被废止", "amends": "已被修改", "amended_by": "修改了本库文件", "extends": "有效期已延长", "interprets": "有解读"}


def pages(corpus: Corpus) -> dict[str, str]:
    """docs/cited/: one stub per missing document, and the 待收录 list."""
    out = {f"{CITED_DIR}/{m.id}.md": stub_page(m, corpus) for m in corpus.missing.values()}
    out[f"{CITED_DIR}/index.md"] = missing_index(corpus)
    return out
