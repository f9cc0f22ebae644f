"""A document's body as blocks: headings from its numbering, items, the 文号 line, the
addressee, the 落款 (issuer and date), attachment titles and tables.

一、 and （一） (and 第X章/第X节) become headings, at H2, H3, H4 in the order the kinds
appear; 1. and （1） items and 第X条 articles become paragraphs led by their number in
bold, each with an anchor a reader can cite (#s2-3-5 is 二、（三）5.).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from . import dates, docnumber, numbering, places
from .model import Block, Para
from .split import title_candidate

HEADING_KINDS = ("chapter", "part", "section", "subsection")
# Depth of each numbering kind in the anchor path.
RANK = {"chapter": 0, "part": 1, "section": 2, "subsection": 3, "article": 4, "decimal": 4, "item": 5, "subitem": 6}
ANCHOR_PREFIX = {"chapter": "c", "part": "p", "article": "a", "section": "s", "decimal": "d"}
MAX_LEAD = 40  # a run-in heading longer than this stays in its paragraph
_LEAD = re.compile(r"^(?P<lead>[^。；;！？]{1,80}?[。；;！？])(?P<rest>.+)$")
_ADDRESSEE = re.compile(r"^(各|[\u4e00-\u9fff]{2,20}[:：]$)")
_HEADER_ZONE = 8  # the 文号 line and addressee come in the first few paragraphs
_DECREE_HEAD = re.compile(r"^[\u4e00-\u9fff]{2,20}令$")
_DECREE_NUMBER = re.compile(r"^第\s*\d{1,5}\s*号$")
_ORG_SEP = re.compile(r"[ 、]+")


@dataclass
class Header:
    doc_number: str | None = None
    signatures: list[tuple[list[str], str | None]] = field(default_factory=list)  # (issuers, ISO date)
    attachments: list[str] = field(default_factory=list)
    decree_issuer: str | None = None  # 中华人民共和国国务院令 -> 国务院


@lru_cache(maxsize=1 << 14)  # asked for nearly every paragraph, and again for 落款 runs
def _is_org_line(text: str) -> bool:
    if not 0 < len(text) <= 60:
        return False
    # The last part is what is left of the line's end once separators are stripped: it must
    # end like an organisation, or not every part can be one.
    if not text.rstrip(" 、").endswith(places.geo().org_suffixes):
        return False
    parts = [p for p in _ORG_SEP.split(text) if p]
    return bool(parts) and all(places.is_org(p) for p in parts)


def _split_lead(rest: str) -> tuple[str, str]:
    m = _LEAD.match(rest)
    if m and len(m.group("lead")) <= MAX_LEAD:
        return m.group("lead"), m.group("rest").strip()
    return "", rest


class _Anchors:
    def __init__(self) -> None:
        self.path: dict[int, str] = {}
        self.prefix = ""
        self.used: set[str] = set()

    def restart(self, prefix: str) -> None:
        self.path, self.prefix = {}, prefix

    def next(self, kind: str, number: int | str) -> str:
        rank = RANK[kind]
        self.path = {r: v for r, v in self.path.items() if r < rank}
        self.path[rank] = str(number).replace(".", "-")
        if kind in ("article", "chapter"):
            anchor = ANCHOR_PREFIX[kind] + self.path[rank]
        else:
            ranks = sorted(self.path)
            first = ANCHOR_PREFIX.get(kind if len(ranks) == 1 else _kind_at(ranks[0]), "n")
            anchor = first + "-".join(self.path[r] for r in ranks)
        anchor = self.prefix + anchor
        while anchor in self.used:
            anchor += "x"
        self.used.add(anchor)
        return anchor


_KIND_AT: dict[int, str] = {}
for _kind, _rank in RANK.items():
    _KIND_AT.setdefault(_rank, _kind)  # the first kind of each rank, as a search of RANK finds


def _kind_at(rank: int) -> str:
    return _KIND_AT[rank]


def build(paras: list[Para]) -> tuple[list[Block], Header]:
    header = Header()
    numbered = [(p, numbering.match(p.text) if p.kind == "text" else None) for p in paras]
    kinds = {n.kind for _, n in numbered if n}
    present = [k for k in HEADING_KINDS if k in kinds]
    level_of = {k: 2 + i for i, k in enumerate(present)}
    anchors = _Anchors()
    blocks: list[Block] = []
    body_text = ""
    i = 0
    while i < len(numbered):
        p, num = numbered[i]
        i += 1
        text = p.text
        if p.kind == "table":
            blocks.append(Block("table", text, rows=p.rows, cells=p.cells))
            continue
        if p.kind == "attachment":
            blocks.append(Block("attachment", text, href=p.href))
            continue
        if (
            i <= _HEADER_ZONE and header.doc_number is None and i < len(numbered)
            and _DECREE_HEAD.search(text) and _DECREE_NUMBER.match(numbered[i][0].text)
        ):
            # A decree's header: 中华人民共和国国务院令 / 第707号 on two lines.
            joined = docnumber.parse(text + numbered[i][0].text)
            if joined:
                header.doc_number = joined
                header.decree_issuer = places.national_body(text[:-1]) or text[:-1]
                blocks.append(Block("doc_number", f"{text}\n{numbered[i][0].text}"))
                i += 1
                continue
        if i <= _HEADER_ZONE and header.doc_number is None and (number := docnumber.parse(text)):
            header.doc_number = number
            blocks.append(Block("doc_number", text))
            continue
        if i <= _HEADER_ZONE and not body_text and text.endswith(("：", ":")) and _ADDRESSEE.match(text):
            blocks.append(Block("addressee", text))
            continue
        if _is_org_line(text) or dates.is_date_line(text):
            # 落款: one or more issuer lines, then the date line.
            j = i - 1
            lines = []
            while j < len(numbered) and numbered[j][0].kind == "text" and _is_org_line(numbered[j][0].text):
                lines.append(numbered[j][0].text)
                j += 1
            if j < len(numbered) and numbered[j][0].kind == "text" and dates.is_date_line(numbered[j][0].text):
                lines.append(numbered[j][0].text)
                orgs = [o for line in lines[:-1] for o in _ORG_SEP.split(line) if o]
                header.signatures.append((orgs, dates.parse(lines[-1])))
                blocks.append(Block("signature", "\n".join(lines)))
                i = j + 1
                continue
        cand = title_candidate(text) if body_text else None
        if cand and (f"《{cand}》" in body_text or cand in body_text):
            header.attachments.append(cand)
            anchors.restart(f"f{len(header.attachments)}-")
            blocks.append(Block("attachment_title", cand, level=2, anchor=f"f{len(header.attachments)}"))
            continue
        body_text += text
        if num is None:
            blocks.append(Block("para", text))
            continue
        anchor = anchors.next(num.kind, num.number)
        if num.kind in level_of:
            lead, rest = _split_lead(num.rest)
            if len(num.rest) <= MAX_LEAD or lead:
                heading = lead if lead else num.rest
                blocks.append(Block("heading", heading, level=level_of[num.kind], label=num.label, anchor=anchor))
                if lead and rest:
                    blocks.append(Block("para", rest))
                continue
            # A long run-in "heading" is a paragraph that happens to be numbered.
            blocks.append(Block("item", num.rest, label=num.label, anchor=anchor))
            continue
        lead, rest = _split_lead(num.rest)
        blocks.append(Block("item", rest if lead else num.rest, label=num.label, anchor=anchor, lead=lead))
    _closing_issuer(blocks, header)
    return blocks, header


def _closing_issuer(blocks: list[Block], header: Header) -> None:
    """A last line naming only the issuer, with no date (（万载县统计局）), is a 落款 too."""
    if header.signatures or not blocks or blocks[-1].kind != "para":
        return
    text = blocks[-1].text.strip()
    inner = re.sub(r"^[（(](.*)[)）]$", r"\1", text).strip()
    if _is_org_line(inner):
        header.signatures.append(([o for o in _ORG_SEP.split(inner) if o], None))
        blocks[-1] = Block("signature", text)
