"""A document's body as blocks: headings from its numbering, items, the 文号 line, the
addressee, the 落款 (issuer and date), attachment titles and tables.

The numbering scheme is decided per document. In a 第X章/第X条 document (a regulation)
chapters and sections (第X节) are headings, articles are items anchored by their label
(#第三条), and （一）/1. inside an article are list items (#第三条-1), never headings. In a
一、/（一）/1. document each kind renders one way throughout: a heading kind when most of its
paragraphs read as headings (short, or a run-in heading sentence), otherwise items; anchors
are its numbers (#s2-1 is 二、（一）).

Paragraphs go through RULES, named and in order (like Python-Markdown's block processors):
the first rule that takes a paragraph makes its blocks.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from converter.model import Block, Para
from converter.tables import load
from converter.text import dates, docnumber, numbering, places
from converter.text.titles import title_candidate

HEADING_KINDS = ("chapter", "part", "section", "subsection")
# Kinds that make a document a regulation (第X章/第X条), and how many articles it takes.
ARTICLE_KINDS = ("chapter", "part")
MIN_ARTICLES = 2
# Depth of each numbering kind in the anchor path.
RANK = {"chapter": 0, "part": 1, "section": 2, "subsection": 3, "article": 4, "decimal": 4, "item": 5, "subitem": 6}
MAX_LEAD = 40  # a run-in heading longer than this stays in its paragraph
# A paragraph of a heading kind without a run-in heading (a question on a Q&A page) is the
# heading whole up to this length; longer, the heading is its number and the text follows.
HEADING_MAX = 100
HEADING_SHARE = 0.5  # a kind is a heading kind when at least this share of its paragraphs read as headings
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


@lru_cache(maxsize=1)
def _signer_line() -> re.Pattern[str]:
    """A 落款 line naming who signs: an office from issuers.yml, then (or not) a personal name."""
    titles = "|".join(sorted(map(re.escape, load("issuers")["signer_titles"]), key=len, reverse=True))
    return re.compile(rf"^(?:(?:{titles})(?:[ \u3000]*[\u4e00-\u9fff·]{{2,4}})?[ \u3000]*)+$")


def _is_signer_line(text: str) -> bool:
    return len(text) <= 30 and bool(_signer_line().match(text))


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


def _reads_as_heading(num: numbering.Numbered) -> bool:
    return len(num.rest) <= MAX_LEAD or bool(_split_lead(num.rest)[0])


class _Anchors:
    """Anchors a reader can cite: #第一章, #第三条, #第三条-1 (its （一）), #s2-1 (二、（一）), #d1-2;
    a number met twice gets _2, _3; an attachment's anchors start f1-, f2-."""

    def __init__(self) -> None:
        self.used: set[str] = set()
        self.restart("")

    def restart(self, prefix: str) -> None:
        self.path: dict[int, str] = {}
        self.prefix, self.chapter, self.article = prefix, "", ""
        self.items: list[tuple[str, str]] = []  # (kind, number) of the list items open in an article

    def next(self, num: numbering.Numbered) -> str:
        number = str(num.number).replace(".", "-")
        label = re.sub(r"\s+", "", num.label)
        if num.kind in ("chapter", "part", "article"):
            self.items = []
        if num.kind == "chapter":
            self.chapter, self.article, anchor = label, "", label
        elif num.kind == "part":
            self.article, anchor = "", self.chapter + label
        elif num.kind == "article":
            self.article = anchor = label
        elif self.article:
            kinds = [k for k, _ in self.items]
            self.items = self.items[: kinds.index(num.kind)] if num.kind in kinds else self.items
            self.items.append((num.kind, number))
            anchor = self.article + "-" + "-".join(n for _, n in self.items)
        else:
            rank = RANK[num.kind]
            self.path = {r: v for r, v in self.path.items() if r < rank}
            self.path[rank] = number
            first = "d" if num.kind == "decimal" else "s"
            anchor = first + "-".join(v for _, v in sorted(self.path.items()))
        anchor = self.prefix + anchor
        n, base = 1, anchor
        while anchor in self.used:
            n += 1
            anchor = f"{base}_{n}"
        self.used.add(anchor)
        return anchor


def scheme(numbered: list[tuple[Para, numbering.Numbered | None]]) -> dict[str, str]:
    """Each numbering kind's role in this document: heading, article or item (an item inside
    an article is a list item, decided as it comes)."""
    nums = [n for _, n in numbered if n]
    articles = sum(1 for n in nums if n.kind == "article") >= MIN_ARTICLES
    roles: dict[str, str] = {}
    # Outermost kinds first: a kind below an item kind cannot be a heading (no heading nests in a paragraph).
    for kind in sorted(dict.fromkeys(n.kind for n in nums), key=RANK.__getitem__):
        of_kind = [n for n in nums if n.kind == kind]
        below_item = any(role in ("item", "article") and RANK[k] < RANK[kind] for k, role in roles.items())
        if kind == "article":
            roles[kind] = "article"
        elif articles:
            # A regulation: chapters and sections (第X节) head it; everything else is an item
            # (a list item inside an article).
            roles[kind] = "heading" if kind in ARTICLE_KINDS else "item"
        elif (kind in HEADING_KINDS and not below_item
              and sum(map(_reads_as_heading, of_kind)) >= HEADING_SHARE * len(of_kind)):
            roles[kind] = "heading"
        else:
            roles[kind] = "item"
    return roles


def _lead_kinds(numbered: list[tuple[Para, numbering.Numbered | None]], roles: dict[str, str]) -> frozenset[str]:
    """Item kinds that run a heading sentence in (（一）指导思想。…): those where most items
    open with a short sentence. Elsewhere a short first sentence is just text, so one kind never
    has some items with a bold sentence and others without."""
    kinds = set()
    for kind, role in roles.items():
        of_kind = [n for _, n in numbered if n and n.kind == kind]
        if role == "item" and sum(bool(_split_lead(n.rest)[0]) for n in of_kind) >= HEADING_SHARE * len(of_kind):
            kinds.add(kind)
    return frozenset(kinds)


@dataclass
class _State:
    numbered: list[tuple[Para, numbering.Numbered | None]]
    roles: dict[str, str]
    level_of: dict[str, int]
    lead_kinds: frozenset[str] = frozenset()  # item kinds whose items run a bold heading sentence in
    header: Header = field(default_factory=Header)
    anchors: _Anchors = field(default_factory=_Anchors)
    blocks: list[Block] = field(default_factory=list)
    body_text: str = ""
    i: int = 0  # the paragraph after the one a rule is given

    def text_at(self, j: int) -> str | None:
        """The text of paragraph j when it is a text paragraph."""
        if j < len(self.numbered) and self.numbered[j][0].kind == "text":
            return self.numbered[j][0].text
        return None


# ---------------------------------------------------------------- the rules, in order


def _table(st: _State, p: Para, num) -> bool:
    if p.kind != "table":
        return False
    st.blocks.append(Block("table", p.text, rows=p.rows, cells=p.cells))
    return True


def _attachment(st: _State, p: Para, num) -> bool:
    if p.kind != "attachment":
        return False
    st.blocks.append(Block("attachment", p.text, href=p.href))
    return True


def _figure(st: _State, p: Para, num) -> bool:
    if p.kind != "figure":
        return False
    st.blocks.append(Block("figure", p.text, href=p.href, alt=p.alt))
    return True


def _decree_header(st: _State, p: Para, num) -> bool:
    """中华人民共和国国务院令 / 第707号 on two lines."""
    nxt = st.text_at(st.i)
    if not (st.i <= _HEADER_ZONE and st.header.doc_number is None and nxt is not None
            and _DECREE_HEAD.search(p.text) and _DECREE_NUMBER.match(nxt)):
        return False
    joined = docnumber.parse(p.text + nxt)
    if not joined:
        return False
    st.header.doc_number = joined
    st.header.decree_issuer = places.national_body(p.text[:-1]) or p.text[:-1]
    st.blocks.append(Block("doc_number", f"{p.text}\n{nxt}"))
    st.i += 1
    return True


def _doc_number(st: _State, p: Para, num) -> bool:
    if st.i > _HEADER_ZONE or st.header.doc_number is not None or not (number := docnumber.parse(p.text)):
        return False
    st.header.doc_number = number
    st.blocks.append(Block("doc_number", p.text))
    return True


def _addressee(st: _State, p: Para, num) -> bool:
    if st.i <= _HEADER_ZONE and not st.body_text and p.text.endswith(("：", ":")) and _ADDRESSEE.match(p.text):
        st.blocks.append(Block("addressee", p.text))
        return True
    return False


def _signature(st: _State, p: Para, num) -> bool:
    """落款: issuer lines and the signer's line (总理　李克强), then the date line."""
    if not (_is_org_line(p.text) or _is_signer_line(p.text) or dates.is_date_line(p.text)):
        return False
    j, lines = st.i - 1, []
    while (t := st.text_at(j)) is not None and (_is_org_line(t) or _is_signer_line(t)):
        lines.append(t)
        j += 1
    t = st.text_at(j)
    if t is None or not dates.is_date_line(t):
        return False
    lines.append(t)
    # A signer is a person, not an issuing body: only the organisation lines name issuers.
    orgs = [o for line in lines[:-1] if _is_org_line(line) for o in _ORG_SEP.split(line) if o]
    st.header.signatures.append((orgs, dates.parse(lines[-1])))
    st.blocks.append(Block("signature", "\n".join(lines)))
    st.i = j + 1
    return True


def _attachment_title(st: _State, p: Para, num) -> bool:
    """A title the body has named (《…》 or plainly) starts an attachment; its anchors restart."""
    cand = title_candidate(p.text) if st.body_text else None
    if not (cand and (f"《{cand}》" in st.body_text or cand in st.body_text)):
        return False
    st.header.attachments.append(cand)
    n = len(st.header.attachments)
    st.anchors.restart(f"f{n}-")
    st.blocks.append(Block("attachment_title", cand, level=2, anchor=f"f{n}"))
    return True


def _numbered(st: _State, p: Para, num) -> bool:
    if num is None:
        return False
    st.body_text += p.text
    role = st.roles[num.kind]
    anchor = st.anchors.next(num)
    if role == "article":
        st.blocks.append(Block("item", num.rest, label=num.label, anchor=anchor, role="article"))
    elif st.anchors.article and num.kind not in ARTICLE_KINDS:
        # （一）/1. inside an article: a list item, whatever the kind is elsewhere.
        depth = len(st.anchors.items)
        st.blocks.append(Block("item", num.rest, level=depth, label=num.label, anchor=anchor, role="list"))
    elif role == "heading":
        # 第X章 and 第X节 name their title whole; 一、 and （一） may run a heading into its text.
        lead, rest = ("", num.rest) if num.kind in ARTICLE_KINDS else _split_lead(num.rest)
        heading = lead or (num.rest if len(num.rest) <= HEADING_MAX or num.kind in ARTICLE_KINDS else "")
        st.blocks.append(Block("heading", heading, level=st.level_of[num.kind], label=num.label, anchor=anchor))
        tail = rest if lead else ("" if heading else num.rest)
        if tail:
            st.blocks.append(Block("para", tail))
    else:
        lead, rest = _split_lead(num.rest) if num.kind in st.lead_kinds else ("", num.rest)
        st.blocks.append(Block("item", rest if lead else num.rest, label=num.label, anchor=anchor, lead=lead))
    return True


def _para(st: _State, p: Para, num) -> bool:
    st.body_text += p.text
    st.blocks.append(Block("para", p.text))
    return True


Rule = Callable[[_State, Para, "numbering.Numbered | None"], bool]
RULES: tuple[tuple[str, Rule], ...] = (
    ("table", _table),
    ("attachment", _attachment),
    ("figure", _figure),
    ("decree_header", _decree_header),
    ("doc_number", _doc_number),
    ("addressee", _addressee),
    ("signature", _signature),
    ("attachment_title", _attachment_title),
    ("numbered", _numbered),
    ("para", _para),
)


def rule_for(paras: list[Para], index: int) -> str:
    """The name of the rule that takes paragraph ``index`` (for tests and debugging)."""
    return _run(paras, stop_at=index)[2] or ""


def build(paras: list[Para]) -> tuple[list[Block], Header]:
    blocks, header, _ = _run(paras)
    return blocks, header


def _run(paras: list[Para], stop_at: int | None = None) -> tuple[list[Block], Header, str | None]:
    numbered = [(p, numbering.match(p.text) if p.kind == "text" else None) for p in paras]
    roles = scheme(numbered)
    present = [k for k in HEADING_KINDS if roles.get(k) == "heading"]
    st = _State(numbered, roles, {k: 2 + i for i, k in enumerate(present)}, _lead_kinds(numbered, roles))
    while st.i < len(numbered):
        p, num = numbered[st.i]
        at = st.i
        st.i += 1
        for name, rule in RULES:
            if rule(st, p, num):
                if at == stop_at:
                    return st.blocks, st.header, name
                break
    _closing_issuer(st.blocks, st.header)
    return st.blocks, st.header, None


def _closing_issuer(blocks: list[Block], header: Header) -> None:
    """A last line naming only the issuer, with no date (（万载县统计局）), is a 落款 too."""
    if header.signatures or not blocks or blocks[-1].kind != "para":
        return
    text = blocks[-1].text.strip()
    inner = re.sub(r"^[（(](.*)[)）]$", r"\1", text).strip()
    if _is_org_line(inner):
        header.signatures.append(([o for o in _ORG_SEP.split(inner) if o], None))
        blocks[-1] = Block("signature", text)
