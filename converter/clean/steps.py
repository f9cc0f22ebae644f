"""Stage 2: RawSource -> CleanText.

Every step is accountable: a removed line goes into the CleaningRecord with the rule that
removed it, and an in-place repair is counted under its step. The rules themselves are
data (converter/data/noise.yml, spam.yml, repairs.yml).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from itertools import islice

from converter.clean import htmltext, pagemeta, sanitize
from converter.clean.rules import (
    classify,
    is_spam,
    meta_rules,
    meta_rules_filter,
    repair_filters,
    repair_requires,
    repairs,
)
from converter.messages import Note
from converter.model import CleaningRecord, CleanText, PageMeta, Para, RawSource, SourceError
from converter.read.formats import source as formats_source
from converter.text import hanzi, numbering
from converter.text.space import normalise_all

_LABEL_PUNCT = re.compile(r"[。；;，,：:！？]")
_HAN = re.compile(r"[\u4e00-\u9fff]")


def _extract_html(text: str, raw: RawSource, warnings: list[str]) -> htmltext.HtmlPage:
    try:
        parsed = htmltext.extract(text, raw.meta.url)
        if parsed.paras:
            return parsed
        problem: Exception = SourceError(raw.rel, "no text in the page")
    except htmltext.NotADocument as exc:
        raise SourceError(raw.rel, str(exc), kind=exc.kind) from exc
    except htmltext.NoBody as exc:
        problem = SourceError(raw.rel, str(exc))
    # The HTML parser returns an empty document for elements nested too deep; only then is
    # the (slow) nesting count worth doing.
    depth = sanitize.nesting_depth(text)
    if depth <= sanitize.MAX_NESTING:
        raise problem
    warnings.append(Note("warn.nesting", depth=depth, limit=sanitize.MAX_NESTING))
    try:
        return htmltext.extract(sanitize.flatten_nesting(text), raw.meta.url)
    except htmltext.NoBody as exc:
        raise SourceError(raw.rel, f"{exc} (after flattening {depth} nested elements)") from exc


def _source_paras(raw: RawSource, record: CleaningRecord, page: PageMeta, warnings: list[str]) -> list[Para]:
    if raw.document is not None:  # a Word/PDF/OFD/scan file, already read into paragraphs
        return formats_source.clean_paras(raw, record, page, warnings)
    text = raw.text.replace("\r\n", "\n").replace("\r", "\n")
    lines: list[str] | None = text.split("\n")
    # Every control character removed here is unprintable: lines that are all printable (as
    # a text page's are) have none, and one C pass per line is cheaper than the regex scan.
    if all(map(str.isprintable, lines)):  # type: ignore[arg-type]
        n = 0
    else:
        text, n = sanitize.CONTROL.subn("", text)
        lines = None
    record.change("control_chars", n)
    if "\ufffd" in text and "\ufffd" not in raw.data.decode("utf-8", "ignore"):
        bad = text.count("\ufffd")
        warnings.append(Note("warn.undecodable", n=bad, encoding=raw.encoding))
    if htmltext.is_html(text):
        parsed = _extract_html(text, raw, warnings)
        for step, reason, removed in parsed.removed:
            record.remove(step, reason, removed)
        # Metadata is attribute text: markup inside it is an injection, never part of a title.
        meta = {k: sanitize.strip_markup(v) for k, v in parsed.meta.items()}
        record.change("meta_markup", sum(1 for k in meta if meta[k] != parsed.meta[k]))
        for key, value in sorted(meta.items()):
            # Hacked pages stuff <title> and <meta> with spam: it must not become a title or origin.
            if isinstance(value, str) and is_spam(value):
                record.remove("spam", Note("spam.page_meta", key=key), value)
                meta[key] = None
        page.update({k: v for k, v in meta.items() if v})
        page.body_by_structure = parsed.body_found
        if not page.url and not raw.meta.url:
            address = pagemeta.page_address(text)
            if address:
                page.url = address
        return parsed.paras
    # Empty lines would be dropped after normalisation anyway: no paragraph is made for them.
    return [Para(line) for line in (text.split("\n") if lines is None else lines) if line]


def _script_repairs(paras: list[Para], record: CleaningRecord) -> None:
    """Mis-encoded runs, pinyin annotations and Traditional characters, decided page-wide."""
    texts = [p for p in paras if p.kind == "text"]
    whole = "\n".join(p.text for p in texts)
    _, runs = hanzi.mark_damage(whole)
    if runs:
        for p in texts:
            p.text = hanzi.DAMAGED_RUN.sub(hanzi.ILLEGIBLE, p.text)
        for run in runs:
            record.remove("damaged", "mis-encoded characters replaced by □", run)
        whole = "\n".join(p.text for p in texts)
    _, n = hanzi.strip_pinyin(whole)
    if n:
        total = 0
        for p in texts:
            p.text, k = hanzi.PINYIN_ANNOTATION.subn("", p.text)
            total += k
        record.change("pinyin", total)
        whole = "\n".join(p.text for p in texts)
    if hanzi.is_traditional(whole):
        changed = 0
        for p, new in zip(paras, hanzi.to_simplified_each([p.text for p in paras])):
            changed += hanzi.count_changed(p.text, new)
            p.text = new
            if p.rows:
                p.map_cells(hanzi.to_simplified)
        record.change("traditional", changed)


def _repair(paras: list[Para], record: CleaningRecord) -> None:
    whole = None
    for (step, pattern, replace), quick, requires in zip(repairs(), repair_filters(), repair_requires()):
        if quick is not None or requires is not None:
            if whole is None:
                whole = "\n".join(p.text for p in paras if p.kind == "text")
            found = any(r.search(whole) for r in requires) if requires else quick.search(whole)  # type: ignore[union-attr]
            if not found:
                continue
            whole = None  # this rule may change the text
        for p in paras:
            if p.kind == "text":
                p.text, n = pattern.subn(replace, p.text)
                record.change(step, n)


def _reflow(paras: list[Para], record: CleaningRecord) -> list[Para]:
    """Re-paragraph a text flattened into one line (an OCR'd .docx) at its numbering."""
    total = sum(len(p.text) for p in paras if p.kind == "text")
    out: list[Para] = []
    for p in paras:
        if p.kind == "text" and len(p.text) >= numbering.FLATTENED_MIN_CHARS and len(p.text) >= 0.8 * total:
            parts, repaired = numbering.reflow(p.text)
            record.change("reflow", len(parts) - 1)
            record.change("ocr", repaired)
            out.extend(Para(t) for t in parts)
        else:
            out.append(p)
    return out


def _split_file_title(paras: list[Para], page: PageMeta, record: CleaningRecord) -> list[Para]:
    """A title glued to the first sentence (方案为贯彻落实…) is split off at the file name."""
    title = page.file_title
    if not title:
        return paras
    for i, p in enumerate(paras):
        if p.kind == "text" and p.text.startswith(title) and len(p.text) > len(title):
            record.change("title_split")
            return paras[:i] + [Para(title), Para(p.text[len(title):].strip())] + paras[i + 1 :]
    return paras


def _harvest(line: str, page: PageMeta) -> str | None:
    """Move a metadata line (byline, origin, disclosure, file name) into ``page``."""
    quick = meta_rules_filter()
    if quick is not None and not quick.search(line):
        return None
    for reason, pattern in meta_rules():
        m = pattern.search(line)
        if m:
            for key, value in m.groupdict().items():
                if value and not page.has(key):
                    page.set(key, value)
            return reason
    return None


def _is_label(line: str) -> bool:
    """A short line with no sentence punctuation: a column name, site name or menu item."""
    return len(line) <= 16 and not _LABEL_PUNCT.search(line)


def _drop_isolated_labels(paras: list[Para], removed_at: set[int], record: CleaningRecord) -> list[Para]:
    """A label sandwiched between removed furniture lines is furniture too (固安广播电视台)."""
    keep = []
    n = len(paras)
    for i, p in enumerate(paras):
        if i not in removed_at and p.kind == "text" and _is_label(p.text):
            before = i > 0 and (i - 1) in removed_at
            after = i + 1 < n and (i + 1) in removed_at
            if before and after:
                record.remove("furniture", "label between furniture lines", p.text)
                continue
        if i not in removed_at:
            keep.append(p)
    return keep


MIN_DUPLICATE_CHARS = 40
# A repeated *block* is a duplicate (the body, or a part of it, pasted twice); one sentence
# recurring elsewhere (the same answer to two questions, a clause repeated in two articles)
# is the text itself. A block: this many paragraphs in a row, or this share of the page.
DUPLICATE_MIN_PARAS = 3
DUPLICATE_MIN_SHARE = 0.25


def _drop_duplicates(paras: list[Para], record: CleaningRecord) -> list[Para]:
    """Remove a block of paragraphs repeating an earlier block (a body pasted twice)."""
    seen: dict[str, int] = {}
    out: list[Para] = []
    total = sum(len(p.text) for p in paras if p.kind == "text")
    i = 0
    while i < len(paras):
        p = paras[i]
        j = seen.get(p.text) if p.kind == "text" and len(p.text) >= 8 else None
        if j is not None:
            # Extend the repeated run as far as it matches the earlier one.
            k = 0
            while i + k < len(paras) and j + k < len(out) and paras[i + k].text == out[j + k].text:
                k += 1
            run = paras[i : i + k]
            chars = sum(len(x.text) for x in run)
            if chars >= MIN_DUPLICATE_CHARS and (k >= DUPLICATE_MIN_PARAS or chars >= DUPLICATE_MIN_SHARE * total):
                for x in run:
                    record.remove("duplicate", "paragraph repeated from earlier in the page", x.text)
                i += k
                continue
        if p.kind == "text":
            seen.setdefault(p.text, len(out))
        out.append(p)
        i += 1
    return out


_PROBE = re.compile(r"[^\s<>&]{2,24}")


def locate_removals(source: str, record: CleaningRecord) -> None:
    """Give each removal the source line its text starts on, so the site can say where a
    removed line was without repeating it. The probe is the text's first run of characters
    that markup cannot have split (up to 24); a text not found keeps line None. The same text
    removed again is looked for after its previous place (a garbled run met twice is two lines)."""
    after: dict[str, int] = {}
    newlines: list[int] | None = None  # offsets of the source's line ends, found once when needed
    for r in record.removed:
        if r.line is not None:
            continue
        at = -1
        for m in islice(_PROBE.finditer(r.text), 4):  # a run rewritten by cleaning: try the next
            probe = m.group()
            at = source.find(probe, after.get(probe, -1) + 1)
            if at < 0 and probe in after:  # recorded more often than the source has it
                at = after[probe]
            if at >= 0:
                after[probe] = at
                break
        if at < 0:
            continue
        if newlines is None:
            newlines = [m.start() for m in re.finditer("\n", source)]
        r.line = bisect_left(newlines, at) + 1


SPAM_REASON = "gambling/porn link farm"


def _spam_outside_lines(p: Para, record: CleaningRecord) -> bool:
    """Spam in an image's alt text or caption, an attachment link's name or a table cell is
    removed like a spam line (hacked pages stuff them too). True: the whole paragraph goes."""
    if p.kind in ("figure", "attachment") and is_spam(p.text):
        record.remove("spam", SPAM_REASON, p.text)
        return True
    if p.kind == "figure" and p.alt and is_spam(p.alt):
        record.remove("spam", SPAM_REASON, p.alt)
        p.alt = ""
    if p.kind == "table" and p.rows is not None:
        spam = dict.fromkeys(c for row in p.rows for c in row if c and is_spam(c))
        for text in spam:
            record.remove("spam", SPAM_REASON, text)
        if spam:
            p.map_cells(lambda c: "" if c in spam else c)
            rows = p.rows or []
            p.text = " ".join(" ".join(r) for r in rows).replace("\n", " ")[:200].strip()
            return not any(c.strip() for row in rows for c in row)
    return False


def clean(raw: RawSource) -> CleanText:
    record = CleaningRecord()
    page = PageMeta()
    warnings: list[str] = []
    paras = _source_paras(raw, record, page, warnings)
    for p, text in zip(paras, normalise_all([p.text for p in paras])):
        p.text = text
    paras = [p for p in paras if p.text or p.kind != "text"]
    if not paras:
        raise SourceError(raw.rel, "no text in the page")
    _script_repairs(paras, record)
    _repair(paras, record)
    paras = _reflow(paras, record)

    removed_at: set[int] = set()
    for i, p in enumerate(paras):
        if p.kind != "text":
            if _spam_outside_lines(p, record):
                removed_at.add(i)
            continue
        reason = _harvest(p.text, page) if not is_spam(p.text) else None
        if reason:
            record.remove("metadata", reason, p.text)
            removed_at.add(i)
            continue
        verdict = classify(p.text)
        if verdict:
            record.remove(verdict[0], verdict[1], p.text)
            removed_at.add(i)
    paras = _drop_isolated_labels(paras, removed_at, record)
    paras = _split_file_title(paras, page, record)
    paras = _drop_duplicates(paras, record)
    if not any(p.kind != "text" or _HAN.search(p.text) for p in paras):
        raise SourceError(raw.rel, "no text left after cleaning (the page is only furniture or spam)")
    locate_removals(raw.text, record)
    return CleanText(source=raw, paras=paras, page=page, record=record, warnings=warnings)
