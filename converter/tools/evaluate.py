"""python -m converter eval --truth FILE --raw DIR: accuracy against page-derived truth.

For every page in the truth file the page is converted as the build converts it, and its
first document is scored:

- fields: title, doc_number, issuers, written_date, publish_date, each counted on the
  pages whose truth has a value. Titles compare without whitespace; issuers accept the
  page's short form (省政府办公厅) or the canonical full name (江西省人民政府办公厅).
- body recall: the share of the true body's characters the output keeps.
- leakage: the share of the output body's characters that are not in the true body
  (page furniture).

The true body is the text of the page's known content container (gov.cn ``#UCAP-CONTENT``,
Hanweb ``#zoom`` / ``#zoomcon``); only this module uses those ids, the extractor never does.
Pages without one get no body score.

Ordered coverage: the share of the true body's characters the output holds *in order*
(difflib alignment of the two normalised texts; the output is the documents' blocks in
order; a run that is the title line, shown as the page's title, counts as held). Every run of the
true body the alignment lacks is listed with the CleaningRecord entry that explains it (the
entry holding most of the run); a run no entry explains is a loss nobody recorded.

A truth entry with ``"kind": "list"`` (an index of documents) or ``"image"``/``"attachment"``
expects no document: scored right when the page gives none.

Method (recall, leakage): both texts are NFKC-normalised with all whitespace removed, then compared by
character n-gram containment (n = NGRAM): a true-body character counts as kept when some
n-gram covering it occurs in the output; an output character counts as leaked when no
n-gram covering it occurs in the true body. This is linear in the page size and does not
punish reordering (a title moved ahead of a 令 preamble). The output counted for recall
is the title, every body block and the metadata values moved out of the body (origin,
disclosure); leakage is measured on the body blocks only, since the title is scored as a
field.
"""

from __future__ import annotations

import difflib
import json
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from converter.clean import htmltext
from converter.model import PolicyDocument
from converter.text import places

CONTAINER_IDS = ("UCAP-CONTENT", "zoom", "zoomcon")  # evaluation truth only
NGRAM = 6
FIELDS = ("title", "doc_number", "issuers", "written_date", "publish_date")
TRUTH_KEYS = {"issuers": "issuer"}
# The targets.
FIELD_TARGET = 0.95
RECALL_AVG, RECALL_MIN, LEAK_AVG = 0.995, 0.98, 0.001
ORDERED_AVG, ORDERED_MIN = 0.995, 0.98
RUN_MIN_CHARS = 2  # a lacking run of one character (a repaired punctuation mark) is not listed


def norm(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))


def true_body(page_html: str) -> str | None:
    root = htmltext.parse(page_html)
    htmltext._drop_invisible(root, [])
    for cid in CONTAINER_IDS:
        found = root.xpath(f'//*[@id="{cid}"]')
        if found:
            return norm(found[0].text_content())
    return None


def _grams(text: str, n: int = NGRAM) -> set[str]:
    return {text[i : i + n] for i in range(len(text) - n + 1)}


def _covered(text: str, grams: set[str], n: int = NGRAM) -> int:
    """How many characters of ``text`` lie inside an n-gram found in ``grams``."""
    if len(text) < n:
        return len(text) if any(text in g for g in grams) else 0
    mark = [False] * len(text)
    for i in range(len(text) - n + 1):
        if text[i : i + n] in grams:
            for k in range(i, i + n):
                mark[k] = True
    return sum(mark)


def recall_and_leakage(truth: str, kept: str, body: str) -> tuple[float, float]:
    """(share of ``truth`` found in ``kept``, share of ``body`` not found in ``truth``)."""
    recall = _covered(truth, _grams(kept)) / len(truth) if truth else 1.0
    leak = 1 - _covered(body, _grams(truth)) / len(body) if body else 0.0
    return recall, leak


@dataclass
class Lack:
    text: str  # the lacking run of the true body (normalised)
    explained_by: str | None  # "step: reason" of the record entry that removed it


def ordered_coverage(truth: str, out: str) -> tuple[float, list[str]]:
    """(share of ``truth`` held in order by ``out``, the runs of ``truth`` it lacks)."""
    if not truth:
        return 1.0, []
    blocks = difflib.SequenceMatcher(None, truth, out, autojunk=False).get_matching_blocks()
    held, pos, runs = 0, 0, []
    for b in blocks:
        if b.a > pos:
            runs.append(truth[pos : b.a])
        held += b.size
        pos = b.a + b.size
    return held / len(truth), runs


def explain(run: str, removed: list[tuple[str, str]]) -> str | None:
    """The record entry (step, reason, normalised text) that holds most of ``run``: a run
    whose characters lie inside the entry's text, at least half of them, or the entry
    inside the run."""
    best, best_share = None, 0.0
    for label, text in removed:
        if run in text or (text and text in run and len(text) >= len(run) / 2):
            return label
        n = min(NGRAM, len(run))
        share = _covered(run, _grams(text, n), n) / len(run) if len(run) >= 2 else 0.0
        if share > best_share:
            best, best_share = label, share
    return best if best_share >= 0.5 else None


TITLE_MOVED = "title: shown as the page's title (moved ahead of its preamble)"


def ordered_texts(docs: list[PolicyDocument]) -> str:
    """The output for the ordered measure: the blocks of each document in order, later
    documents' titles before theirs (the first title is scored as a field)."""
    out = []
    for i, d in enumerate(docs):
        if i:
            out.append(d.title)
        for b in d.blocks:
            out.append("".join("".join(r) for r in b.rows or []) if b.kind == "table" else f"{b.label}{b.lead}{b.text}")
    return norm("".join(out))


def ordered_score(truth: str, docs: list[PolicyDocument]) -> tuple[float, list[str]]:
    """Ordered coverage of ``truth`` by the documents; the source's title line, which the
    output shows as the title (ahead of a 令 preamble too), is held."""
    coverage, runs = ordered_coverage(truth, ordered_texts(docs))
    title = norm(docs[0].title) if docs else ""
    if title in runs:
        runs.remove(title)
        coverage += len(title) / len(truth)
    return coverage, runs


def doc_texts(docs: list[PolicyDocument]) -> tuple[str, str]:
    """(everything the output keeps of the page, the body blocks alone), normalised."""
    kept, body = [], []
    for d in docs:
        parts = []
        for b in d.blocks:
            if b.kind == "table":
                parts.append("".join("".join(r) for r in b.rows or []))
            else:
                parts.append(f"{b.label}{b.lead}{b.text}")
        body += parts
        kept += [d.title, *parts, *(str(v) for v in d.extra.values()), d.source.origin or ""]
    return norm("".join(kept)), norm("".join(body))


def _issuer_ok(truth: str, got: list[str], doc: PolicyDocument) -> bool:
    want = [p for p in re.split(r"[、，,\s]+", truth) if p]
    if len(want) != len(got):
        return False
    place = places.locate(doc.region or "") if doc.region else places.Place()
    for w, g in zip(want, got):
        accepted = {norm(w), norm(places.expand(w, place))}
        if place.province and w.startswith("省"):  # 省粮食和物资储备局 -> 江西省粮食和物资储备局
            accepted.add(norm(re.sub(r"省$", "", place.province) + w))
        if norm(g) not in accepted:
            return False
    return True


def field_ok(name: str, truth, doc: PolicyDocument) -> bool:
    if name == "title":
        return norm(doc.title) == norm(truth)
    if name == "issuers":
        return _issuer_ok(truth, doc.issuers, doc)
    got = getattr(doc, name)
    return (norm(got) if got else None) == norm(truth)


@dataclass
class PageScore:
    file: str
    fields: dict[str, bool | None] = field(default_factory=dict)  # None: truth has no value
    spurious: list[str] = field(default_factory=list)  # fields given where truth has none
    recall: float | None = None
    leakage: float | None = None
    error: str | None = None
    values: dict[str, object] = field(default_factory=dict)
    theirs: dict[str, Any] | None = None  # trafilatura's figures
    ordered: float | None = None
    lacking: list[Lack] = field(default_factory=list)
    kind: str = "document"  # what the truth says the page is
    notice: str | None = None  # why no document was made (a list page, an image)


def score_page(entry: dict, raw_dir: Path, root: Path, compare: bool) -> PageScore:
    path = raw_dir / entry["file"]
    page_html = path.read_text(encoding="utf-8", errors="replace")
    # A generated page (the template zoo) states its body; a real one has it in its container.
    body = entry["body"] if "body" in entry else true_body(page_html)
    return score_html(entry, path, page_html, body, root, compare)


def score_html(entry: dict, path: Path, page_html: str, truth_body: str | None, root: Path, compare: bool) -> PageScore:
    """Score the conversion of the page at ``path`` (whose text is ``page_html``)."""
    from converter.pipeline import convert_source

    s = PageScore(entry["file"], kind=entry.get("kind", "document"))
    docs, problems = convert_source(path, root)
    if compare:
        s.theirs = _trafilatura(page_html, entry, truth_body)
    if s.kind != "document":
        # No document expected: right when none was made (the notice says why).
        s.notice = "; ".join(p.reason for p in problems) or None
        if docs:
            s.error = f"a {s.kind} page gave {len(docs)} document(s): {docs[0].title}"
        return s
    if not docs:
        s.error = "; ".join(p.reason for p in problems) or "no document"
        s.fields = {f: (False if entry.get(TRUTH_KEYS.get(f, f)) else None) for f in FIELDS}
        return s
    doc = docs[0]
    for f in FIELDS:
        truth = entry.get(TRUTH_KEYS.get(f, f))
        got = getattr(doc, f)
        s.values[f] = "、".join(got) if isinstance(got, list) else got
        if truth:
            s.fields[f] = field_ok(f, truth, doc)
        else:
            s.fields[f] = None
            if got and f != "title":
                s.spurious.append(f)
    if truth_body:
        kept, body = doc_texts(docs)
        s.recall, s.leakage = recall_and_leakage(truth_body, kept, body)
        s.ordered, runs = ordered_score(truth_body, docs)
        removed = [(f"{r.step}: {r.reason}", norm(r.text)) for d in docs for r in d.record.removed]
        removed += [(f"metadata: {k}", norm(str(v))) for d in docs for k, v in d.extra.items()]
        removed += [("metadata: origin", norm(doc.source.origin or ""))]
        s.lacking = [Lack(r, explain(r, removed)) for r in runs if len(r) >= RUN_MIN_CHARS]
    return s


def _trafilatura(page_html: str, entry: dict, truth_body: str | None) -> dict | None:
    try:
        import trafilatura
    except ImportError:
        return None
    got = trafilatura.bare_extraction(page_html, with_metadata=True)  # its defaults
    if got is None:
        return {"title": False, "recall": 0.0 if truth_body else None, "leakage": None}
    title = getattr(got, "title", None) if not isinstance(got, dict) else got.get("title")
    text = getattr(got, "text", None) if not isinstance(got, dict) else got.get("text")
    out: dict = {"title": bool(entry.get("title")) and norm(title or "") == norm(entry["title"])}
    if truth_body:
        t = norm((text or "").replace("|", ""))  # its table cell markup is not text
        out["recall"], out["leakage"] = recall_and_leakage(truth_body, norm(title or "") + t, t)
        out["ordered"] = ordered_coverage(truth_body, norm(title or "") + t)[0]
    return out


def _pct(n: int, d: int) -> str:
    return f"{n}/{d} {100 * n / d:5.1f}%" if d else "—"


def _mark(v: bool | None) -> str:
    return "—" if v is None else ("ok" if v else "XX")


def _num(v: float | None) -> str:
    return "—" if v is None else f"{v:.3f}"


def _row(s: PageScore, w: int, compare: bool) -> str:
    row = f"{s.file:<{w}}  " + "  ".join(f"{_mark(s.fields.get(f)):>7}" for f in FIELDS)
    row += f"  {_num(s.recall):>7}  {_num(s.ordered):>7}  {_num(s.leakage):>7}"
    if compare and s.theirs is not None:
        t = s.theirs
        row += f"  | {_mark(t.get('title')):>7}  {_num(t.get('recall')):>8}  {_num(t.get('ordered')):>9}  {_num(t.get('leakage')):>7}"
    return row


def _details(s: PageScore, out) -> None:
    if s.kind != "document":
        print(f"    {s.kind} page: " + (s.error or f"no document (right); notice: {s.notice}"), file=out)
        return
    if s.error:
        print(f"    error: {s.error}", file=out)
    for f in FIELDS:
        if s.fields.get(f) is False:
            print(f"    {f}: got {s.values.get(f)!r}", file=out)
    if s.spurious:
        print(f"    given where the truth has none: {', '.join(s.spurious)}", file=out)
    for lack in s.lacking:
        why = lack.explained_by or "UNEXPLAINED (no record entry)"
        print(f"    lacking {len(lack.text)} chars «{lack.text[:40]}{'…' if len(lack.text) > 40 else ''}» <- {why}", file=out)


def _avg_min(values: list[float]) -> str:
    return f"avg {sum(values) / len(values):.4f}  min {min(values):.4f}" if values else "—"


def report(scores: list[PageScore], out=None) -> bool:
    """Print the per-file table and the summary; True when every target holds."""
    out = out or sys.stdout
    compare = any(s.theirs is not None for s in scores)
    w = max(len(s.file) for s in scores)
    short = {"title": "title", "doc_number": "文号", "issuers": "issuer", "written_date": "written", "publish_date": "publish"}
    head = f"{'file':<{w}}  " + "  ".join(f"{short[f]:>7}" for f in FIELDS) + f"  {'recall':>7}  {'ordered':>7}  {'leak':>7}"
    if compare:
        head += f"  | {'t.title':>7}  {'t.recall':>8}  {'t.ordered':>9}  {'t.leak':>7}"
    print(head, file=out)
    print("-" * len(head), file=out)
    for s in scores:
        print(_row(s, w, compare), file=out)
        _details(s, out)

    ok = True
    docs = [s for s in scores if s.kind == "document"]
    print("", file=out)
    print("summary (ours" + (" | trafilatura 2.3)" if compare else ")"), file=out)
    for f in FIELDS:
        marks = [s.fields.get(f) for s in docs if s.fields.get(f) is not None]
        good = sum(1 for m in marks if m)
        ok &= not marks or good / len(marks) >= FIELD_TARGET
        line = f"  {f:<14} {_pct(good, len(marks)):>14}"
        if compare and f == "title":
            tt = [s.theirs.get("title") for s in docs if s.theirs is not None and s.fields.get(f) is not None]
            line += f"   | {_pct(sum(1 for t in tt if t), len(tt))}"
        elif compare:
            line += "   | —  (not extracted)"
        print(line, file=out)
    spurious = sum(len(s.spurious) for s in docs)
    print(f"  {'spurious':<14} {spurious:>14}   (a field given where the truth has none)", file=out)
    rec = [s.recall for s in docs if s.recall is not None]
    orde = [s.ordered for s in docs if s.ordered is not None]
    leak = [s.leakage for s in docs if s.leakage is not None]
    if rec:
        ok &= sum(rec) / len(rec) >= RECALL_AVG and min(rec) >= RECALL_MIN and sum(leak) / len(leak) <= LEAK_AVG
        ok &= sum(orde) / len(orde) >= ORDERED_AVG and min(orde) >= ORDERED_MIN
        lines = {
            "body recall": (_avg_min(rec), "recall"),
            "ordered": (_avg_min(orde), "ordered"),
            "leakage": (f"avg {sum(leak) / len(leak):.4f}  max {max(leak):.4f}", "leakage"),
        }
        for name, (mine, key) in lines.items():
            line = f"  {name:<14} {mine}"
            theirs = [s.theirs[key] for s in docs if s.theirs and s.theirs.get(key) is not None]
            if compare and theirs:
                line += "   | " + (f"avg {sum(theirs) / len(theirs):.4f}  max {max(theirs):.4f}" if key == "leakage" else _avg_min(theirs))
            if name == "body recall":
                line += f"   ({len(rec)} pages with a known body container)"
            print(line, file=out)
    runs = [lk for s in docs for lk in s.lacking]
    unexplained = [lk for lk in runs if lk.explained_by is None]
    ok &= not unexplained
    print(f"  {'lacking runs':<14} {len(runs):>14}   ({len(unexplained)} with no record entry)", file=out)
    others = [s for s in scores if s.kind != "document"]
    if others:
        right = sum(1 for s in others if not s.error)
        ok &= right == len(others)
        print(f"  {'no-doc pages':<14} {_pct(right, len(others)):>14}   (list/image pages given no document)", file=out)
    errors = sum(1 for s in docs if s.error)
    print(f"  {'pages':<14} {len(scores):>14}   ({errors} not converted)", file=out)
    print(
        f"targets (fields >= {FIELD_TARGET:.0%}, recall avg >= {RECALL_AVG} and min >= {RECALL_MIN}, "
        f"ordered avg >= {ORDERED_AVG} and min >= {ORDERED_MIN}, every lacking run explained, "
        f"leakage avg <= {LEAK_AVG}, list pages no document): {'MET' if ok else 'NOT MET'}",
        file=out,
    )
    return ok


def evaluate(truth_file: Path, raw_dir: Path, root: Path, compare: bool = True) -> list[PageScore]:
    entries = json.loads(truth_file.read_text(encoding="utf-8"))
    return [score_page(e, raw_dir, root, compare) for e in sorted(entries, key=lambda e: e["file"])]


def main(truth_file: Path, raw_dir: Path, root: Path, compare: bool = True, check: bool = False) -> int:
    scores = evaluate(truth_file, raw_dir, root, compare)
    ok = report(scores)
    return 0 if ok or not check else 1
