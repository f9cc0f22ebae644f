"""A conversion outcome (documents + problems) as plain JSON data and back, for the cache.

Decoding checks every value's type as it rebuilds the dataclasses, so an entry that is not
exactly what ``encode_outcome`` writes raises (TypeError/ValueError) and is a cache miss: the
later stages only ever see documents of the shape a conversion produces. The few words that
repeat in every document (block kinds, removal rules) are interned, as a conversion shares them.
"""

from __future__ import annotations

from sys import intern
from typing import Any, cast

from converter.messages import Note, note
from converter.model import (
    Block,
    BlockKind,
    BlockRole,
    Cell,
    Citation,
    Clause,
    CleaningRecord,
    PolicyDocument,
    Removal,
    SourceInfo,
)

Outcome = tuple[list[PolicyDocument], list[tuple[str, str, str | None]]]  # (file, reason, kind) problems


def encode_outcome(outcome: Outcome) -> dict[str, Any]:
    docs, problems = outcome
    # A problem's kind: None for a failure, "list"/"image"/"attachment" for a page that is no document.
    return {"docs": [_encode_doc(d) for d in docs], "problems": [[f, _encode_text(r), kind] for f, r, kind in problems]}


def _encode_text(v: str) -> str | dict[str, Any]:
    """A coded message (messages.Note) keeps its code and parameters: the site shows its Chinese."""
    return {"code": v.code, "params": v.params} if isinstance(v, Note) else v


def _encode_doc(d: PolicyDocument) -> dict[str, Any]:
    return {
        "slug": d.slug, "title": d.title, "doc_number": d.doc_number, "issuers": d.issuers,
        "written_date": d.written_date, "publish_date": d.publish_date, "region": d.region,
        "level": d.level, "doc_type": d.doc_type, "source": d.source.as_dict(),
        "cites": [[c.title, c.doc_number] for c in d.cites],
        "blocks": [
            [b.kind, b.text, b.level, b.label, b.anchor, b.lead, b.role, b.rows, b.href, _encode_cells(b.cells), b.target, b.download, b.alt]
            for b in d.blocks
        ],
        "removed": [[r.step, _encode_text(r.reason), r.text, r.line] for r in d.record.removed], "changed": d.record.changed,
        "index_number": d.index_number, "topics": d.topics, "extra": d.extra, "warnings": [_encode_text(w) for w in d.warnings],
        "clauses": [[c.kind, c.quote, c.date, c.start, c.event, c.n, c.unit, [[t.title, t.doc_number] for t in c.targets]] for c in d.clauses],
        "validity": _no_validity(d.validity),
    }


def _encode_cells(cells: list[list[Cell]] | None) -> list[list[list[Any]]] | None:
    return None if cells is None else [[[c.text, c.rowspan, c.colspan, c.header] for c in row] for row in cells]


def _no_validity(v: Any) -> Any:
    """A status is set by the link step, after the cache; a converted document has none."""
    if v is not None:
        raise ValueError("a document's status is not part of its conversion")


# --- decoding, every value checked ---------------------------------------------------------


def _str(v: Any) -> str:
    if type(v) is not str:
        raise TypeError(f"expected text, got {type(v).__name__}")
    return v


def _opt(v: Any) -> str | None:
    return None if v is None else _str(v)


def _scalar(v: Any, depth: int = 3) -> Any:
    """A provenance value: text, a number (an OCR confidence), null, or a small mapping or list
    of those (the file a document was extracted from), nested a few levels at most."""
    if v is None or type(v) in (str, int, float, bool):
        return v
    if depth and type(v) is dict:
        return _map(v, lambda x: _scalar(x, depth - 1))
    if depth and type(v) is list:
        return [_scalar(x, depth - 1) for x in v]
    raise TypeError(f"expected provenance data, got {type(v).__name__}")


def _int(v: Any) -> int:
    if type(v) is not int:
        raise TypeError(f"expected a number, got {type(v).__name__}")
    return v


def _strs(v: Any) -> list[str]:
    if type(v) is not list:
        raise TypeError(f"expected a list, got {type(v).__name__}")
    for x in v:
        _str(x)
    return v


def _map(v: Any, value: Any) -> dict[str, Any]:
    if type(v) is not dict:
        raise TypeError(f"expected a mapping, got {type(v).__name__}")
    for k, x in v.items():
        _str(k)
        value(x)
    return v


def _rows(v: Any) -> list[list[str]] | None:
    if v is None:
        return None
    if type(v) is not list:
        raise TypeError("expected table rows")
    for row in v:
        _strs(row)
    return v


def _bool(v: Any) -> bool:
    if type(v) is not bool:
        raise TypeError(f"expected true/false, got {type(v).__name__}")
    return v


def _cells(v: Any) -> list[list[Cell]] | None:
    if v is None:
        return None
    if type(v) is not list or not all(type(row) is list for row in v):
        raise TypeError("expected rows of cells")
    return [[_cell(*c) for c in row] for row in v]


def _cell(text: Any, rowspan: Any, colspan: Any, header: Any) -> Cell:
    return Cell(_str(text), _int(rowspan), _int(colspan), _bool(header))


def _block(v: Any) -> Block:
    kind, text, level, label, anchor, lead, role, rows, href, cells, target, download, alt = v
    return Block(
        cast(BlockKind, intern(_str(kind))), _str(text), _int(level), _str(label), _str(anchor), _str(lead),
        cast(BlockRole, intern(_str(role))), _rows(rows), _opt(href),
        _cells(cells), _opt(target), _opt(download), _str(alt),
    )


def _clause(v: Any) -> Clause:
    kind, quote, date, start, event, n, unit, targets = v
    return Clause(
        _str(kind), _str(quote), _opt(date), _opt(start), _opt(event), None if n is None else _int(n), _opt(unit),
        [_citation(t) for t in targets],
    )


def _citation(v: Any) -> Citation:
    title, number = v
    return Citation(_opt(title), _opt(number))


def _text(v: Any) -> str:
    """Text, or a Note rebuilt from its code (which must be in the table) and parameters."""
    if type(v) is not dict:
        return _str(v)
    if set(v) != {"code", "params"} or type(v["params"]) is not dict:
        raise TypeError("expected a message code and its parameters")
    return Note(_str(v["code"]), **_map(v["params"], lambda x: x))


def _removal(v: Any) -> Removal:
    step, reason, text, line = v
    reason = _text(reason)
    # A reason is always a Note (CleaningRecord.remove makes it one); a plain text becomes one the same way.
    reason = reason if isinstance(reason, Note) else note(intern(reason))
    return Removal(intern(_str(step)), reason, _str(text), None if line is None else _int(line))


def _doc(v: Any) -> PolicyDocument:
    if type(v) is not dict:
        raise TypeError("expected a document")
    return PolicyDocument(
        slug=_str(v["slug"]), title=_str(v["title"]), doc_number=_opt(v["doc_number"]),
        issuers=_strs(v["issuers"]), written_date=_opt(v["written_date"]), publish_date=_opt(v["publish_date"]),
        region=_opt(v["region"]), level=_opt(v["level"]), doc_type=_opt(v["doc_type"]),
        source=SourceInfo.from_dict(_map(v["source"], _scalar)),
        cites=[_citation(c) for c in v["cites"]],
        blocks=[_block(b) for b in v["blocks"]],
        record=CleaningRecord([_removal(r) for r in v["removed"]], _map(v["changed"], _int)),
        index_number=_opt(v["index_number"]), topics=_strs(v["topics"]),
        extra=_map(v["extra"], _scalar), warnings=[_text(w) for w in v["warnings"]],
        clauses=[_clause(c) for c in v["clauses"]], validity=_no_validity(v["validity"]),
    )


def decode_outcome(v: Any) -> Outcome:
    if type(v) is not dict or set(v) != {"docs", "problems"} or type(v["docs"]) is not list or type(v["problems"]) is not list:
        raise TypeError("expected an outcome")
    docs = [_doc(d) for d in v["docs"]]
    problems = []
    for p in v["problems"]:
        file, reason, kind = p
        problems.append((_str(file), _text(reason), None if kind is None else _str(kind)))
    return docs, problems
