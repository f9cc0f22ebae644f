"""Link stage: each document's status as of a reference date, from the clauses of its own text
and of the documents that name it (converter/extract/validity.py).

Relation targets resolve like citations (by 文号, then title: link._Index); a target not in the
library joins the 待收录 stub of that document with the relation named; a target that matches
several documents, or two documents that each claim to repeal the other, are reported and shown
as unconfirmed, never used for a status. Status is never guessed: no clause and no relation
gives ``unknown``, whatever the document's age or a 暂行/试行 in its title.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from converter import fields
from converter.extract.citations import number_key, title_key
from converter.link import revisions
from converter.model import Citation, Clause, PolicyDocument
from converter.text import dates

if TYPE_CHECKING:
    from converter.link.corpus import Corpus, _Index

CST = dt.timezone(dt.timedelta(hours=8), "CST")
# The reference date of the committed docs/ (`make docs` passes it; `make status-today` moves it).
RECORDED = Path(__file__).resolve().parents[2] / "status-as-of"

LABELS = {
    "in_force": "现行有效", "not_yet_in_force": "尚未生效", "expired": "已失效", "repealed": "已废止", "unknown": "时效不详",
}
AMENDED_NOTE = "已被修改"
# A relation as read in the text of its source, and as seen from its target. ``revised_by``: an
# amendment the document's text already incorporates (its history note, dated before the text):
# 修订沿革, not 已被修改.
INVERSE = {
    "repeals": "repealed_by", "amends": "amended_by", "amended_by": "amends", "revised_by": "amends",
    "extends": "extended_by", "interprets": "interpreted_by",
}
LIST_KINDS = ("repeals", "repealed_by", "amends", "amended_by", "interprets", "interpreted_by")
RELATION_NAMES = {
    "repeals": "废止", "repealed_by": "被废止", "amends": "修改", "amended_by": "被修改", "revised_by": "修订",
    "extends": "延长有效期", "extended_by": "有效期被延长", "interprets": "解读", "interpreted_by": "被解读",
}


def today_cst() -> str:
    return dt.datetime.now(CST).date().isoformat()


def recorded_as_of() -> str:
    """The reference date recorded for the committed docs/; today in China when none is recorded."""
    try:
        found = dates.parse(RECORDED.read_text(encoding="utf-8").strip())
    except OSError:
        found = None
    return found or today_cst()


def check_date(value: str) -> str:
    """``value`` as ISO when it is a real YYYY-MM-DD date; else ValueError naming it."""
    try:
        return dt.date.fromisoformat(value).isoformat()
    except (TypeError, ValueError):
        raise ValueError(f"--as-of: '{value}' is not a date (YYYY-MM-DD)") from None


@dataclass
class Relation:
    kind: str  # a key of RELATION_NAMES, as seen from the document holding it
    title: str | None
    doc_number: str | None
    clause: str  # the sentence that states it
    by: str  # slug of the document whose text states it
    target: str | None = None  # the other document's slug, when in the library
    stub: str | None = None  # its 待收录 stub id, when not
    candidates: tuple[str, ...] = ()  # ambiguous: every document it could mean
    unconfirmed: bool = False
    compare: str | None = None  # the 修订前后对照 page (converter/render/compare.py)
    date: str | None = None  # the amendment's date, when the text gives it (根据2005年12月19日《…》修订)


@dataclass
class Validity:
    status: str
    as_of: str
    evidence: str | None = None  # the clause the status rests on, quoted
    evidence_from: str | None = None  # slug of the document that says it, when not this one
    effective_date: str | None = None
    expiry_date: str | None = None
    relations: dict[str, list[Relation]] = field(default_factory=dict)
    note: str | None = None  # 已被修改, or a repeal still to come
    date_note: str | None = None  # the text's own date and the page's info box disagree: which was used

    @property
    def label(self) -> str:
        return LABELS[self.status]


def add_term(start: str, n: int, unit: str) -> str:
    """The last day of a term of ``n`` years or months from ``start``: 5年 from 2022-03-01 ends 2027-02-28."""
    d = dt.date.fromisoformat(start)
    months = d.month - 1 + (n * 12 if unit == "年" else n)
    y, m = d.year + months // 12, months % 12 + 1
    try:
        anniversary = dt.date(y, m, d.day)
    except ValueError:  # 29 Feb, 31st of a short month: the term runs to the month's last day
        anniversary = dt.date(y + m // 12, m % 12 + 1, 1)
    return (anniversary - dt.timedelta(days=1)).isoformat()


def dates_of(d: PolicyDocument, event_dates: dict[str, tuple[str, ...]]) -> tuple[str | None, str | None, Clause | None, Clause | None]:
    """施行日期 and last day from the document's own clauses, with the clauses they come from."""
    effective = expiry = None
    eff_clause = exp_clause = None
    for c in d.clauses:
        if c.kind == "effective" and effective is None:
            fields = event_dates.get(c.event or "", ())
            effective = c.date or next((getattr(d, f) for f in fields if getattr(d, f)), None)
            eff_clause = c  # quoted even when the act's date is unknown (自印发之日起, no date found)
    for c in d.clauses:
        if c.kind == "expiry" and c.date:
            expiry, exp_clause = c.date, c
            effective = effective or c.start
        elif c.kind == "period" and expiry is None and effective and c.n and c.unit:
            expiry, exp_clause = add_term(effective, c.n, c.unit), c
        elif c.kind == "extension" and c.date and (expiry is None or c.date > expiry):
            expiry, exp_clause = c.date, c
    return effective, expiry, eff_clause, exp_clause


DATE_NAMES = {"written_date": "成文日期", "publish_date": "发布日期"}


def date_note(d: PolicyDocument, clause: Clause | None, event_dates: dict[str, tuple[str, ...]]) -> str | None:
    """When a 施行 clause counted from the document's own act (自公布之日起) took the date its text
    is signed with and the page's info box gives another, say so: the box may be a posting date."""
    if clause is None or not (clause.event and clause.date):
        return None
    for f in event_dates.get(clause.event, ()):
        value = getattr(d, f)
        if value and value != clause.date:
            return f"施行日期按正文所署日期 {clause.date} 计；网页所标{DATE_NAMES[f]}为 {value}，两者不一致。"
        if value:
            return None
    return None


def is_history(amended_on: str | None, d: PolicyDocument) -> bool:
    """An amendment dated no later than the document's own text is already in it (修订沿革)."""
    return bool(amended_on and d.date and amended_on <= d.date)


class _Stubs:
    """The 待收录 stub a relation target not in the library belongs to: the stub its citation
    made (by 文号, else by a title it was cited under), else a new one. Lookups are dicts built
    once, so the step stays linear in the number of targets."""

    def __init__(self, corpus: Corpus):
        self.corpus = corpus
        self.by_number: dict[str, str] = {}
        self.by_title: dict[str, str] = {}
        for m in corpus.missing.values():
            self._index(m)

    def _index(self, m) -> None:
        if m.doc_number:
            self.by_number.setdefault(number_key(m.doc_number), m.id)
        for t in m.titles:
            self.by_title.setdefault(title_key(t), m.id)

    def stub(self, slug: str, c: Citation, kind: str) -> str:
        from converter.link.missing import Missing, stub_id

        sid = self.by_number.get(number_key(c.doc_number)) if c.doc_number else self.by_title.get(title_key(c.title))
        if sid is None:
            sid = stub_id(c.doc_number, c.title)
            if sid not in self.corpus.missing:
                self.corpus.missing[sid] = Missing(sid, c.title, c.doc_number, [], [c.title] if c.title else [])
                self._index(self.corpus.missing[sid])
        m = self.corpus.missing[sid]
        if c.title and c.title not in m.titles:  # a stub cited by bare 文号 learns its title
            m.titles.append(c.title)
            m.title = m.title or c.title
            self.by_title.setdefault(title_key(c.title), sid)
        if slug not in m.cited_by:
            m.cited_by = sorted([*m.cited_by, slug])
        if (kind, slug) not in m.relations:
            m.relations.append((kind, slug))
        return sid


def _read_relations(corpus: Corpus, index: _Index) -> list[Relation]:
    """Every relation clause's targets, resolved; ambiguous ones reported."""
    out: list[Relation] = []
    seen: set[tuple[str, str, str | None, str | None, str | None]] = set()
    stubs = _Stubs(corpus)
    for d in corpus.docs:
        for c in d.clauses:
            if c.kind not in INVERSE:
                continue
            history = c.kind == "amended_by" and is_history(c.date, d)
            for t in c.targets:
                found, _ = index.resolve(t, d.slug)
                r = Relation("revised_by" if history else c.kind, t.title, t.doc_number, c.quote, d.slug, date=c.date)
                if history:
                    # One title for several decisions: only the one of that date is this step;
                    # one not in the library stays a dated entry (its citation has its stub).
                    dated = [s for s in found if corpus.by_slug[s].date == c.date]
                    r.target = dated[0] if len(dated) == 1 else None
                elif len(found) == 1:
                    r.target = found[0]
                elif found:
                    r.candidates, r.unconfirmed = tuple(found), True
                    corpus.warnings.append(
                        f"{d.source.file}: {c.kind} {t.title or t.doc_number} matches {len(found)} documents "
                        f"({', '.join(found)}); shown as unconfirmed"
                    )
                else:
                    r.stub = stubs.stub(d.slug, t, c.kind)
                key = (r.kind, r.by, r.target, r.stub, r.date)
                if not (r.target or r.stub) or key not in seen:  # one document named twice by one text
                    seen.add(key)
                    out.append(r)
    return out


def _mutual(corpus: Corpus, relations: list[Relation]) -> None:
    """Two documents each claiming to repeal (or amend) the other: neither claim is confirmed."""
    pairs = {(r.kind, r.by, r.target) for r in relations if r.target}
    for r in relations:
        if r.target and (r.kind, r.target, r.by) in pairs and r.kind in ("repeals", "amends") and not r.unconfirmed:
            r.unconfirmed = True
            if r.by < r.target:
                files = sorted(corpus.by_slug[s].source.file for s in (r.by, r.target))
                corpus.warnings.append(f"{files[0]} and {files[1]} each say it {r.kind} the other; shown as unconfirmed")


def _by_document(relations: list[Relation]) -> dict[str, list[Relation]]:
    """slug -> the relations it states or is the target of, in the order they were read."""
    out: dict[str, list[Relation]] = {}
    for r in relations:
        out.setdefault(r.by, []).append(r)
        if r.target:
            out.setdefault(r.target, []).append(r)
    return out


def _lists(doc: PolicyDocument, relations: list[Relation], by_slug: dict[str, PolicyDocument]) -> dict[str, list[Relation]]:
    """The document's relation lists, both directions; a document in the library is named by its
    own title and 文号, one cited from outside by what the citing text says."""
    out: dict[str, list[Relation]] = {}
    for r in relations:  # the relations stated by the document or naming it (see _by_document)
        if r.by == doc.slug:
            seen = Relation(r.kind, r.title, r.doc_number, r.clause, r.by, r.target, r.stub, r.candidates, r.unconfirmed, r.compare, r.date)
        elif r.target == doc.slug:
            seen = Relation(INVERSE[r.kind], None, None, r.clause, r.by, r.by, None, (), r.unconfirmed, r.compare, r.date)
        else:
            continue
        amended_on = seen.date or (by_slug[seen.target].date if seen.target else None)
        if seen.kind == "amended_by" and is_history(amended_on, doc):  # a decision the text already took in
            seen.kind, seen.date, seen.compare = "revised_by", amended_on, None
        if seen.target:
            seen.title, seen.doc_number = by_slug[seen.target].title, by_slug[seen.target].doc_number
        out.setdefault(seen.kind, []).append(seen)
    # amended_by read in the amended text and amends read in the decision name one fact twice.
    for kind, items in out.items():
        unique: list[Relation] = []
        for r in items:
            if not (r.target and any(u.target == r.target for u in unique)):
                unique.append(r)
        out[kind] = sorted(unique, key=lambda r: r.date or "") if kind == "revised_by" else unique
    return dict(sorted(out.items()))


def _in_effect(d: PolicyDocument, effective: str | None) -> str:
    """When a document's act (a repeal, an amendment) takes effect: its 施行日期, else its own date."""
    return effective or d.date or ""


def _extended(expiry: str | None, clause: Clause | None, rels: list[Relation]) -> tuple[str | None, str | None, str | None]:
    """The last day after extensions by other documents: (date, clause, slug of the extending one)."""
    quote, by = (clause.quote if clause else None), None
    for r in rels:
        # The date the extension words name (validity.yml's group `date`), not any date of the
        # sentence: 有效期延长至2025年12月31日，自2023年1月1日起施行 ends on 2025-12-31.
        if r.date and not r.unconfirmed and (expiry is None or r.date > expiry):
            expiry, quote, by = r.date, r.clause, r.target
    return expiry, quote, by


def decide(d: PolicyDocument, rels: dict[str, list[Relation]], as_of: str, in_effect: dict[str, str],
           own: tuple[str | None, str | None, Clause | None, Clause | None]) -> Validity:
    """The status of ``d`` on ``as_of`` and the clause it rests on."""
    effective, expiry, eff_clause, exp_clause = own
    expiry, exp_quote, exp_by = _extended(expiry, exp_clause, rels.get("extended_by", []))
    v = Validity("unknown", as_of, effective_date=effective, expiry_date=expiry, relations=rels)
    amended = [r for r in rels.get("amended_by", []) if not r.unconfirmed]
    if amended:
        v.note = AMENDED_NOTE
    for r in rels.get("repealed_by", []):
        if r.unconfirmed:
            continue
        when = in_effect.get(r.target or "", "")
        if when <= as_of:
            v.status, v.evidence, v.evidence_from = "repealed", r.clause, r.target
            return v
        v.note = f"将于 {when} 起废止"
    if expiry and expiry < as_of:
        v.status, v.evidence, v.evidence_from = "expired", exp_quote, exp_by
    elif effective and effective > as_of:
        v.status, v.evidence = "not_yet_in_force", eff_clause.quote if eff_clause else None
    elif effective or expiry:
        quote = eff_clause.quote if eff_clause else exp_quote
        v.status, v.evidence, v.evidence_from = "in_force", quote, None if eff_clause else exp_by
    elif amended:  # amended, so in force when amended; it says so itself or the decision does
        v.status, v.evidence, v.evidence_from = "in_force", amended[0].clause, None if amended[0].by == d.slug else amended[0].target
    elif eff_clause:  # 自印发之日起施行 with no date to count from: quoted, status unknown
        v.evidence = eff_clause.quote
    return v


def apply(corpus: Corpus, index: _Index, as_of: str | None = None) -> None:
    """Resolve every relation and set each document's ``validity`` as of ``as_of``."""
    from converter.extract.validity import patterns

    as_of = as_of or recorded_as_of()
    relations = _read_relations(corpus, index)
    _mutual(corpus, relations)
    for r in relations:
        if r.target and not r.unconfirmed and r.kind in ("repeals", "amends", "amended_by"):
            old, new = (r.by, r.target) if r.kind == "amended_by" else (r.target, r.by)
            kind = "repeals" if r.kind == "repeals" else "amends"
            if kind == "amends" and is_history(corpus.by_slug[new].date, corpus.by_slug[old]):
                continue  # the amended text already incorporates the decision: nothing to apply
            if revisions.comparable(corpus.by_slug[old], corpus.by_slug[new], kind):
                r.compare = revisions.page_id(old, new)
    event_dates = patterns().event_dates
    own = {d.slug: dates_of(d, event_dates) for d in corpus.docs}
    in_effect = {d.slug: _in_effect(d, own[d.slug][0]) for d in corpus.docs}
    touching = _by_document(relations)
    for d in corpus.docs:
        d.validity = decide(d, _lists(d, touching.get(d.slug, []), corpus.by_slug), as_of, in_effect, own[d.slug])
        d.validity.date_note = date_note(d, own[d.slug][2], event_dates)
    corpus.missing = dict(sorted(corpus.missing.items()))


META_LISTS = fields.RELATIONS


def _relation_entry(r: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {"title": r.title, "doc_number": r.doc_number}
    if r.date:
        entry["date"] = r.date
    if r.target:
        entry["page"] = f"policies/{r.target}/"
    elif r.stub:
        entry["pending"] = f"cited/{r.stub}/"
    if r.candidates:
        entry["candidates"] = [f"policies/{c}/" for c in r.candidates]
    if r.unconfirmed:
        entry["unconfirmed"] = True
    entry["clause"] = r.clause
    return entry


def validity_meta(doc: PolicyDocument) -> dict[str, Any]:
    """The front-matter fields of the document's status and relations (empty before linking)."""
    v = doc.validity
    if v is None:
        return {}
    data: dict[str, Any] = {
        "effective_date": v.effective_date,
        "expiry_date": v.expiry_date,
        "status": v.status,
        "status_as_of": v.as_of,
        "status_evidence": v.evidence,
    }
    if v.date_note:
        data["effective_date_note"] = v.date_note
    for key in META_LISTS:
        data[key] = [_relation_entry(r) for r in v.relations.get(key, [])]
    return data
