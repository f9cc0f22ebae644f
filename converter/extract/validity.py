"""Extract stage: the clauses in which a document says when it applies and what it repeals,
amends, extends or interprets (施行日期, 有效期, 同时废止, 关于修改《…》的决定 …).

Patterns are data (data/validity.yml). Each clause keeps the sentence it was read from, so every
status the link step derives (converter/link/status.py) rests on quoted text. Targets are cited
documents (title and/or 文号); resolving them to pages is the link step's work.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from converter.extract import citations
from converter.model import Block, Citation, Clause
from converter.text import dates, docnumber
from converter.text.numbering import cn_to_int

DATA = Path(__file__).parents[1] / "data" / "validity.yml"
RELATION_KINDS = ("repeals", "amends", "amended_by", "extends")
TARGET_MODES = ("before", "after", "first", "list", "title")
DATE_FIELDS = ("written_date", "publish_date")

_DATE = (
    r"(?:(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|(?:19|20)\d{2}[-/.]\d{1,2}[-/.]\d{1,2}"
    r"|[〇零一二三四五六七八九○Ｏ]{4}\s*年\s*[〇零一二三四五六七八九十]{1,3}\s*月\s*[〇零一二三四五六七八九十]{1,3}\s*日)"
)
_NUM = r"(?:\d{1,3}|[一二两三四五六七八九十]{1,3})"
_TITLE = r"[《〈][^《〈》〉]{2,150}[》〉]"
_SENTENCE = re.compile(r"[^。；;！!\n]+[。；;！!]?")
_BRACKETED = re.compile(r"[（(][^（()）]*[)）]")
_BRACKET_AFTER = re.compile(r"\s*[（(]([^（()）]{2,60})[)）]")


class ValidityDataError(ValueError):
    """data/validity.yml is malformed: names the file and the entry."""


@dataclass(frozen=True)
class RelationPattern:
    kind: str
    targets: str
    pattern: re.Pattern[str]


@dataclass(frozen=True)
class Patterns:
    effective: tuple[re.Pattern[str], ...]
    event_dates: dict[str, tuple[str, ...]]
    expiry: tuple[re.Pattern[str], ...]
    period: tuple[re.Pattern[str], ...]
    extension: tuple[re.Pattern[str], ...]
    relations: tuple[RelationPattern, ...]
    basis: tuple[str, ...]
    partial: tuple[str, ...]
    list_item: re.Pattern[str]
    interpretation_types: frozenset[str]
    edits: dict[str, re.Pattern[str]]
    triggers: re.Pattern[str]


def _compile(text: object, where: str) -> re.Pattern[str]:
    if not isinstance(text, str):
        raise ValidityDataError(f"{DATA}: {where}: a pattern must be a string, not {text!r}")
    try:
        return re.compile(text.replace("{date}", _DATE).replace("{num}", _NUM).replace("{title}", _TITLE))
    except re.error as exc:
        raise ValidityDataError(f"{DATA}: {where}: bad pattern {text!r}: {exc}") from exc


def parse_patterns(data: dict, path: Path = DATA) -> Patterns:
    """The typed tables of ``data`` (validity.yml loaded); a wrong entry names itself."""
    if not isinstance(data, dict):
        raise ValidityDataError(f"{path}: expected a mapping at the top level")

    def many(key: str) -> tuple[re.Pattern[str], ...]:
        return tuple(_compile(p, f"{key}[{i}]") for i, p in enumerate(data.get(key) or []))

    relations = []
    for i, entry in enumerate(data.get("relations") or []):
        where = f"relations[{i}]"
        if not isinstance(entry, dict) or entry.get("kind") not in RELATION_KINDS or entry.get("targets") not in TARGET_MODES:
            raise ValidityDataError(f"{path}: {where}: needs kind ({', '.join(RELATION_KINDS)}), targets ({', '.join(TARGET_MODES)}) and pattern")
        relations.append(RelationPattern(entry["kind"], entry["targets"], _compile(entry.get("pattern"), where)))
    events = data.get("event_dates") or {}
    for event, fields in events.items():
        if not fields or any(f not in DATE_FIELDS for f in fields):
            raise ValidityDataError(f"{path}: event_dates.{event}: each entry lists {' / '.join(DATE_FIELDS)}")
    return Patterns(
        effective=many("effective"),
        event_dates={k: tuple(v) for k, v in events.items()},
        expiry=many("expiry"),
        period=many("period"),
        extension=many("extension"),
        relations=tuple(relations),
        basis=tuple(data.get("basis") or ()),
        partial=tuple(data.get("partial") or ()),
        list_item=_compile(data.get("list_item", "^$"), "list_item"),
        interpretation_types=frozenset(data.get("interpretation_types") or ()),
        edits={k: _compile(v, f"edits.{k}") for k, v in (data.get("edits") or {}).items()},
        triggers=re.compile("|".join(re.escape(str(t)) for t in data.get("triggers") or ()) or "(?!)"),
    )


@cache
def patterns() -> Patterns:
    with open(DATA, encoding="utf-8") as fh:
        return parse_patterns(yaml.safe_load(fh))


def count(text: str) -> int | None:
    return int(text) if text.isdigit() else cn_to_int(text.replace("两", "二"))


@dataclass
class _Own:
    """What names the document itself, so that it is never its own target."""

    keys: set[str]
    number: str | None

    def is_own(self, s: citations.Span) -> bool:
        if s.doc_number and citations.same_number(s.doc_number, self.number):
            return True
        return bool(s.title) and citations.title_key(s.title) in self.keys


def _citation(text: str, s: citations.Span) -> Citation:
    """The span as a Citation; a 文号 in the bracket after a title ((2007年…令第161号公布)) joins it."""
    number = s.doc_number
    if not number and s.title:
        m = _BRACKET_AFTER.match(text, s.end)
        found = docnumber.find_all(m.group(1)) if m else []
        number = found[0][2] if found else None
    return Citation(s.title, number)


def _targets(text: str, sentence: tuple[int, int], m: re.Match[str], mode: str, own: _Own, p: Patterns) -> list[Citation]:
    start, end = sentence
    found = [s for s in citations.spans(text) if not own.is_own(s)]
    if mode == "before":
        # Only what stands in the clause (after the last comma before the match), not the basis.
        lo = max(start, text.rfind("，", start, m.start() - 1) + 1)
        chosen = [s for s in found if lo <= s.start and s.end <= m.start() + 1]
        chosen = [s for s in chosen if not any(text[max(start, s.start - 6) : s.start].endswith(b) for b in p.basis)]
        if not chosen:  # 《A》（…号）、《B》同时废止: the whole sentence before the words
            chosen = [s for s in found if start <= s.start and s.end <= m.start() + 1]
            chosen = [s for s in chosen if not any(b in text[start : s.start] for b in p.basis)]
        # 《X》中与本办法不一致的，不再执行: only part of X is meant.
        chosen = [s for s in chosen if not any(w in _BRACKETED.sub("", text[s.end : m.start()]) for w in p.partial)]
    elif mode == "list":  # an inline list runs on past its ； to the paragraph's next 。
        stop = text.find("。", m.end())
        chosen = [s for s in found if m.end() <= s.start and (stop < 0 or s.start < stop)]
    else:
        chosen = [s for s in found if s.start >= m.end() - 1 and s.start < end]
        if mode == "first":
            chosen = chosen[:1]
    out: list[Citation] = []
    for s in chosen:
        c = _citation(text, s)
        # 《A》（…令第161号公布）: the bracket's 文号 is also a bare span, already A's.
        if not c.title and any(o.doc_number == c.doc_number for o in out):
            continue
        out.append(c)
    return out


def _list_targets(texts: list[str], i: int, own: _Own, p: Patterns) -> list[tuple[Citation, str]]:
    """Targets on the numbered lines after line ``i`` (a 废止 or 修改 list), each with its line."""
    out: list[tuple[Citation, str]] = []
    for text in texts[i + 1 :]:
        if not p.list_item.search(text):
            break
        spans = [s for s in citations.spans(text) if not own.is_own(s)]
        if not spans:
            break
        out.append((_citation(text, spans[0]), text.strip()))
    return out


def _sentences(text: str) -> Iterable[tuple[int, int]]:
    for m in _SENTENCE.finditer(text):
        if m.group().strip():
            yield m.start(), m.end()


_SUBJECT = re.compile(r"[《〈](?P<t>[^《〈》〉]{2,150})[》〉]\s*(?:[（(][^（()）]{0,60}[)）])?\s*(?:将|应|须)?\s*$")


def _about_other(text: str, start: int, at: int, own: _Own) -> bool:
    """A 施行 clause whose subject is another document (《X》自…起施行, 《X》（…号）有效期…) is not the document's."""
    m = _SUBJECT.search(text, start, at)
    if not m:
        return False
    return not own.is_own(citations.Span(m.start(), m.end(), citations.normalise_title(m["t"]), None))


def _date_clauses(text: str, start: int, end: int, own: _Own, p: Patterns) -> list[Clause]:
    sentence, quote = text[start:end], text[start:end].strip()
    out: list[Clause] = []
    for rx in p.effective:
        m = rx.search(sentence)
        if m and not _about_other(text, start, start + m.start(), own):
            d = m.groupdict()
            out.append(Clause("effective", quote, date=dates.parse(d.get("date")), event=d.get("event")))
            break
    for rx in p.extension:
        m = rx.search(sentence)
        if m and not _about_other(text, start, start + m.start(), own):
            out.append(Clause("extension", quote, date=dates.parse(m["date"])))
            return out
    for rx in p.expiry:
        m = rx.search(sentence)
        if m:
            out.append(Clause("expiry", quote, date=dates.parse(m["date"]), start=dates.parse(m.groupdict().get("start"))))
            return out
    for rx in p.period:
        m = rx.search(sentence)
        if m and count(m["n"]):
            out.append(Clause("period", quote, n=count(m["n"]), unit=m["unit"]))
            break
    return out


def _relation_clauses(texts: list[str], i: int, start: int, end: int, own: _Own, p: Patterns, is_title: bool) -> list[Clause]:
    text = texts[i]
    out: list[Clause] = []
    done: set[str] = set()
    for rp in p.relations:
        if rp.kind in done or (rp.targets == "title") != is_title:
            continue
        mode = "after" if rp.targets == "title" else rp.targets
        targets: list[Citation] = []
        lines: list[tuple[Citation, str]] = []
        quote = text[start:end].strip()
        if mode == "first":
            # A history note names each amending decision in turn (often all under one title):
            # each match is its own clause, with its own date and its own words quoted.
            steps = [c for m in rp.pattern.finditer(text, start, end) for c in _step(text, (start, end), m, rp.kind, own, p)]
            out += steps
            if steps:
                done.add(rp.kind)
            continue
        m = rp.pattern.search(text, start, end)
        if m:
            targets = _targets(text, (start, end), m, mode, own, p)
            if rp.targets == "list" and not is_title:
                lines = _list_targets(texts, i, own, p)
        if targets:
            out.append(Clause(rp.kind, quote, targets=targets, date=dates.parse(m.groupdict().get("date")) if m else None))
        # Each listed document's evidence is the sentence and its own line of the list.
        out += [Clause(rp.kind, f"{quote}……{line}", targets=[t]) for t, line in lines]
        if targets or lines:
            done.add(rp.kind)
    return out


_STEP_END = re.compile(r"[》〉]\s*(?:第[一二三四五六七八九十]+次)?修(?:订|正)")


def _step(text: str, sentence: tuple[int, int], m: re.Match[str], kind: str, own: _Own, p: Patterns) -> list[Clause]:
    """One step of a history note (根据2005年12月19日《…的决定》第一次修订): its target and date."""
    targets = _targets(text, sentence, m, "first", own, p)
    if not targets:
        return []
    close = _STEP_END.search(text, m.end(), sentence[1])
    quote = text[m.start() : close.end() if close else sentence[1]].strip()
    return [Clause(kind, quote, date=dates.parse(m.groupdict().get("date")), targets=targets)]


def _interprets(title: str, doc_type: str | None, cites: list[Citation], own: _Own, p: Patterns) -> list[Clause]:
    """A 解读 interprets the document its title names (《X》解读), else the first it cites."""
    if doc_type not in p.interpretation_types:
        return []
    spans = [s for s in citations.spans(title) if not own.is_own(s) and s.title]
    if spans:
        # The body usually cites the same title with its 文号: 印发了《X》（…号）.
        key = citations.title_key(spans[0].title)
        number = next((c.doc_number for c in cites if c.doc_number and c.title and citations.title_key(c.title) == key), None)
        number = number or next((c.doc_number for c in cites[:1] if c.doc_number and not c.title), None)
        target = Citation(spans[0].title, spans[0].doc_number or number)
    elif cites:
        target = Citation(cites[0].title, cites[0].doc_number)
    else:
        return []
    return [Clause("interprets", title, targets=[target])]


def _same(a: Clause, b: Clause) -> bool:
    if a.kind != b.kind:
        return False
    if a.kind in RELATION_KINDS:
        return a.date == b.date and [(t.title, t.doc_number) for t in a.targets] == [(t.title, t.doc_number) for t in b.targets]
    return (a.date, a.start, a.event, a.n, a.unit) == (b.date, b.start, b.event, b.n, b.unit)


def block_texts(blocks: list[Block]) -> list[str]:
    """The text of each block a clause can be in, as a reader sees it (number and lead included)."""
    return [f"{b.label}{_GAP if _ARTICLE_LABEL.match(b.label) else ''}{b.lead}{b.text}" for b in blocks if b.kind in _TEXT_BLOCKS]


_TEXT_BLOCKS = ("para", "item", "heading", "attachment_title")
_ARTICLE_LABEL = re.compile(r"^第.+[条章节]$")
_GAP = "\u3000"  # 第五条　本办法…: the space a 条 number is written with


def _merge(found: list[Clause]) -> list[Clause]:
    """Each clause once, and each target once per relation kind: a title-only target named again
    with its 文号 (the title, then the body's 决定废止《…》（…号）) is one target, with the 文号.
    Dated steps of a history note stay apart: three decisions may share one title."""
    out: list[Clause] = []
    seen: dict[tuple[str, str | None, str], Citation] = {}
    for c in found:
        if any(_same(c, o) for o in out):
            continue
        if c.kind in RELATION_KINDS or c.kind == "interprets":
            kept = []
            for t in c.targets:
                keys = [(c.kind, c.date, k) for k in (t.doc_number and "#" + t.doc_number, t.title and citations.title_key(t.title)) if k]
                known = next((seen[k] for k in keys if k in seen), None)
                if known is None:
                    kept.append(t)
                    known = t
                elif t.doc_number and not known.doc_number:
                    known.doc_number = t.doc_number
                elif t.title and not known.title:
                    known.title = t.title
                seen.update((k, known) for k in keys)
            if not kept:
                continue
            c.targets = kept
        out.append(c)
    return out


def extract(
    title: str, blocks: list[Block], own_number: str | None = None, doc_type: str | None = None,
    cites: list[Citation] | None = None, attachments: Iterable[str] = (), text_date: str | None = None,
) -> list[Clause]:
    """Every validity clause of a document, in reading order, each once (the body is read before
    the title, so a target's evidence is the sentence of the body that names it when there is one).
    ``text_date``: the date the document's own text is signed or captioned with (落款, 令, 题注);
    a clause counted from the document's own act (自公布之日起施行) takes it as its date."""
    p = patterns()
    own_keys = citations.own_keys(title)
    names_target = any(rp.targets == "title" and rp.pattern.search(title) for rp in p.relations)
    if names_target or doc_type in p.interpretation_types:
        # 关于修改《X》的决定, 《X》解读: X is the target, not the document itself (title_keys
        # counts a nested title as the document's own, as it is for 关于印发《X》的通知).
        own_keys -= {citations.title_key(s.title) for s in citations.spans(title) if s.title}
        own_keys.add(citations.title_key(title))
    for a in attachments:
        own_keys.update(citations.title_keys(a))
    own = _Own(own_keys, own_number)
    texts = block_texts(blocks)
    found: list[Clause] = []
    for i, text in enumerate(texts):
        if not p.triggers.search(text):
            continue
        for start, end in _sentences(text):
            if not p.triggers.search(text, start, end):
                continue
            found += _date_clauses(text, start, end, own, p)
            found += _relation_clauses(texts, i, start, end, own, p, False)
    found += _relation_clauses([title], 0, 0, len(title), own, p, True)
    found += _interprets(title, doc_type, cites or [], own, p)
    for c in found:
        if c.kind == "effective" and c.event and not c.date:
            c.date = text_date
    return _merge(found)
