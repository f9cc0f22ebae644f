"""Stage 2: RawSource -> CleanText.

Every step is accountable: a removed line goes into the CleaningRecord with the rule that
removed it, and an in-place repair is counted under its step. The rules themselves are
data (converter/data/noise.yml, spam.yml, repairs.yml).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import islice

from . import hanzi, html, numbering, pagemeta, sanitize
from .formats import source as formats_source
from .messages import Note, note
from .model import CleaningRecord, CleanText, Para, RawSource, SourceError
from .tables import compiled, load

_SPACE = re.compile(r"[ \t\r\f\v\u00a0\u3000\u2002\u2003\u2009]+")
_INVISIBLE = re.compile(r"[\u200b-\u200f\u2060\ufeff\u00ad]")
_LABEL_PUNCT = re.compile(r"[。；;，,：:！？]")
_HAN = re.compile(r"[\u4e00-\u9fff]")


@dataclass(frozen=True)
class LineRule:
    step: str
    reason: str
    pattern: re.Pattern[str]
    max_len: int


@cache
def line_rules() -> tuple[LineRule, ...]:
    return tuple(
        LineRule(r["step"], note(r["reason"]), re.compile(r["pattern"]), r.get("max_len", 80))
        for r in load("noise")["line_rules"]
    )


@cache
def meta_rules() -> tuple[tuple[str, re.Pattern[str]], ...]:
    return tuple((note(r["reason"]), re.compile(r["pattern"])) for r in load("noise")["meta_rules"])


@cache
def repairs() -> tuple[tuple[str, re.Pattern[str], str], ...]:
    return tuple((r["step"], re.compile(r["pattern"]), r["replace"]) for r in load("repairs")["repairs"])


# Prefilters: most paragraphs match no rule, and trying each rule on each paragraph is a
# Python call per pair. A prefilter matches wherever one of its rules would (and maybe more),
# so a miss proves no rule matches; a hit falls back to the rules themselves, in their order.
# Searched over paragraphs joined by "\n" in MULTILINE mode, a pattern finds every match it
# finds in a single paragraph: "\n" looks like a text edge to ^, $, \b and \B. Patterns whose
# match could depend on what lies beyond the edge (negative lookarounds, \A, \Z) get no
# prefilter, nor do named groups or back-references once several patterns are combined.
_EDGE_SENSITIVE = ("(?!", "(?<!", "\\A", "\\Z")  # as text, escaped or not: a false alarm only costs speed
_GROUP_REFERENCE = re.compile(r"\(\?P[=<>]|\\\d")


def _edge_safe(pattern: str) -> bool:
    return not any(x in pattern for x in _EDGE_SENSITIVE)


def prefilter(patterns: list[str] | tuple[str, ...]) -> re.Pattern[str] | None:
    """One MULTILINE pattern matching wherever any of ``patterns`` does; None when that cannot
    be guaranteed by combining them."""
    if not patterns or not all(_edge_safe(p) for p in patterns):
        return None
    if len(patterns) == 1:
        return re.compile(patterns[0], re.MULTILINE)
    if any(_GROUP_REFERENCE.search(p) for p in patterns):
        return None
    try:
        return re.compile("|".join(f"(?:{p})" for p in patterns), re.MULTILINE)
    except re.error:  # e.g. a pattern with global inline flags
        return None


_NAMED_GROUP = re.compile(r"\(\?P<\w+>")
_BACK_REFERENCE = re.compile(r"\(\?P=|\(\?\(|\\\d")
_LEADING_FLAGS = re.compile(r"^\(\?([aiLmsux]+)\)")  # (?i) at the start of a pattern


def _alternative(pattern: str) -> str:
    """``pattern`` as one alternative of a union: group names dropped, leading global flags
    made local to it ((?i)x -> (?i:x), the same matches)."""
    pattern = _NAMED_GROUP.sub("(?:", pattern)
    m = _LEADING_FLAGS.match(pattern)
    if m:
        return f"(?{m.group(1)}:{pattern[m.end():]})"
    return f"(?:{pattern})"


def line_filter(patterns: list[str] | tuple[str, ...]) -> re.Pattern[str] | None:
    """One pattern that a single line matches (``search``) exactly when one of ``patterns``
    does; None when combining them could change that. Every line is tried against the meta
    rules, the furniture rules and the spam keywords and patterns; this tries a group of them
    in one C call, and only a hit goes through them one by one. (Only rules anchored at the
    line's start are worth it: a union of unanchored furniture rules, tried at every position,
    was slower than the rules one by one.) Group names are dropped (the rules themselves give
    the groups); back-references and conditionals would change meaning: no filter."""
    if not patterns or any(_BACK_REFERENCE.search(p) for p in patterns):
        return None
    try:
        if all(anchored_whole(p) for p in patterns):
            # ^(?:a|b) is tried at the start only; (?:^a)|(?:^b) would be tried everywhere.
            return re.compile("^(?:" + "|".join(_alternative(p[1:]) for p in patterns) + ")")
        return re.compile("|".join(_alternative(p) for p in patterns))
    except re.error:  # e.g. a pattern with global inline flags
        return None


_line_filter_of = cache(line_filter)  # per tuple of patterns: the length table repeats a few


@cache
def meta_rules_filter() -> re.Pattern[str] | None:
    return line_filter([r["pattern"] for r in load("noise")["meta_rules"]])


@cache
def repair_filters() -> tuple[re.Pattern[str] | None, ...]:
    return tuple(prefilter([r["pattern"]]) for r in load("repairs")["repairs"])


@cache
def repair_requires() -> tuple[tuple[re.Pattern[str], ...] | None, ...]:
    """Per repair rule, its ``requires`` patterns, one of which a match needs (None: not declared)."""
    out = []
    for r in load("repairs")["repairs"]:
        need = r.get("requires")
        out.append(tuple(re.compile(p) for p in ([need] if isinstance(need, str) else need)) if need else None)
    return tuple(out)


@cache
def longest_furniture() -> int:
    return max((r.max_len for r in line_rules()), default=0)


@cache
def rules_by_length() -> tuple[tuple[LineRule, ...], ...]:
    """For each line length up to ``longest_furniture()``, the rules whose ``max_len`` admits
    it, in their order: the length test is done once per rule here, not once per line."""
    rules = line_rules()
    return tuple(tuple(r for r in rules if n <= r.max_len) for n in range(longest_furniture() + 1))


def anchored_whole(pattern: str) -> bool:
    """True when ``pattern`` is ^ then a sequence with no top-level |: it can only match at the
    start of the text, and without its ^ it is one alternative of ^(?:…|…)."""
    if not pattern.startswith("^"):
        return False
    depth, i, n = 0, 1, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "\\":
            i += 2
            continue
        if c == "[":  # skip the class; a ] right after [ or [^ is a literal
            i += 1
            if pattern[i : i + 1] == "^":
                i += 1
            if pattern[i : i + 1] == "]":
                i += 1
            while i < n and pattern[i] != "]":
                i += 2 if pattern[i] == "\\" else 1
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "|" and depth == 0:
            return False
        i += 1
    return True


@cache
def rules_split_by_length() -> tuple[tuple[re.Pattern[str] | None, tuple[LineRule, ...]], ...]:
    """Per line length: the union of the applicable rules anchored at the line's start (one
    C call instead of one per rule; most furniture rules are) and the applicable other rules,
    in their order. A line the union does not match can only match one of the others."""
    out = []
    for rules in rules_by_length():
        anchored = tuple(r for r in rules if anchored_whole(r.pattern.pattern) and not r.pattern.flags & re.MULTILINE)
        union = _line_filter_of(tuple(r.pattern.pattern for r in anchored))
        out.append((union, tuple(r for r in rules if r not in anchored) if union is not None else rules))
    return tuple(out)


@cache
def _spam_tables() -> tuple[tuple[str, ...], tuple[re.Pattern[str], ...]]:
    table = load("spam")
    return tuple(table["keywords"]), tuple(compiled(p) for p in table["patterns"])


_FARM_SEPARATORS = "|｜,，"
_FARM_SPLIT = re.compile(f"[{_FARM_SEPARATORS}]")


@cache
def _spam_filters() -> tuple[re.Pattern[str] | None, re.Pattern[str] | None]:
    """Unions of the spam keywords and of the spam patterns (``line_filter``): a line that
    matches neither union, nearly every line, scores 0 on them without the per-item loops."""
    table = load("spam")
    return line_filter([re.escape(k) for k in table["keywords"]]), line_filter(table["patterns"])


def spam_score(line: str) -> int:
    table = load("spam")
    keywords, patterns = _spam_tables()
    any_keyword, any_pattern = _spam_filters()
    score = 0
    if any_keyword is None or any_keyword.search(line):
        score += sum(map(line.__contains__, keywords))  # the keyword loop in C
    if any_pattern is None or any_pattern.search(line):
        score += sum(1 for p in patterns if p.search(line))
    if 1 + sum(map(line.count, _FARM_SEPARATORS)) < table["farm_min_items"]:
        return score  # too few pieces to be a link farm, however they are split
    items = [s for s in _FARM_SPLIT.split(line) if s.strip()]
    if len(items) >= table["farm_min_items"] and max(len(s) for s in items) <= table["farm_max_item_len"]:
        score += 1
    return score


@lru_cache(maxsize=1 << 16)  # asked twice per line, and furniture lines repeat across pages
def is_spam(line: str) -> bool:
    return spam_score(line) >= load("spam")["threshold"]


def normalise_space(text: str) -> str:
    return _SPACE.sub(" ", _INVISIBLE.sub("", text)).strip()


def normalise_all(texts: list[str]) -> list[str]:
    """``normalise_space`` of each text. Neither pattern matches a line break, so texts without
    one are done as one string joined by line breaks (two substitutions, not two per text)."""
    joined = "\n".join(texts)
    if joined.count("\n") != len(texts) - 1:
        return [normalise_space(t) for t in texts]
    # Every character either substitution changes, but " ", is unprintable (format, control or
    # separator): texts that are all printable, with no double space, are left as they are. One
    # C pass per text instead of two regex scans of the page.
    if not (all(map(str.isprintable, texts)) and "  " not in joined):
        joined = _SPACE.sub(" ", _INVISIBLE.sub("", joined))
    return [t.strip() for t in joined.split("\n")]


def _extract_html(text: str, raw: RawSource, warnings: list[str]) -> html.HtmlPage:
    try:
        parsed = html.extract(text, raw.meta.url)
        if parsed.paras:
            return parsed
        problem: Exception = SourceError(raw.rel, "no text in the page")
    except html.NotADocument as exc:
        raise SourceError(raw.rel, str(exc), kind=exc.kind) from exc
    except html.NoBody as exc:
        problem = SourceError(raw.rel, str(exc))
    # The HTML parser returns an empty document for elements nested too deep; only then is
    # the (slow) nesting count worth doing.
    depth = sanitize.nesting_depth(text)
    if depth <= sanitize.MAX_NESTING:
        raise problem
    warnings.append(Note("warn.nesting", depth=depth, limit=sanitize.MAX_NESTING))
    try:
        return html.extract(sanitize.flatten_nesting(text), raw.meta.url)
    except html.NoBody as exc:
        raise SourceError(raw.rel, f"{exc} (after flattening {depth} nested elements)") from exc


def _source_paras(raw: RawSource, record: CleaningRecord, page: dict, warnings: list[str]) -> list[Para]:
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
    if html.is_html(text):
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
        if not page.get("url") and not raw.meta.url:
            address = pagemeta.page_address(text)
            if address:
                page["url"] = address
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


def _split_file_title(paras: list[Para], page: dict, record: CleaningRecord) -> list[Para]:
    """A title glued to the first sentence (方案为贯彻落实…) is split off at the file name."""
    title = page.get("file_title")
    if not title:
        return paras
    for i, p in enumerate(paras):
        if p.kind == "text" and p.text.startswith(title) and len(p.text) > len(title):
            record.change("title_split")
            return paras[:i] + [Para(title), Para(p.text[len(title):].strip())] + paras[i + 1 :]
    return paras


def _classify(line: str) -> tuple[str, str] | None:
    """(step, reason) when the line is furniture, else None."""
    if is_spam(line):
        return ("spam", "gambling/porn link farm")
    n = len(line)
    if n > longest_furniture():
        return None
    union, others = rules_split_by_length()[n]
    rules = rules_by_length()[n] if union is not None and union.match(line) else others
    for rule in rules:
        if rule.pattern.search(line):
            return (rule.step, rule.reason)
    return None


def _harvest(line: str, page: dict) -> str | None:
    """Move a metadata line (byline, origin, disclosure, file name) into ``page``."""
    quick = meta_rules_filter()
    if quick is not None and not quick.search(line):
        return None
    for reason, pattern in meta_rules():
        m = pattern.search(line)
        if m:
            for key, value in m.groupdict().items():
                if value and key not in page:
                    page[key] = value
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
    that markup cannot have split (up to 24); a text not found keeps line None."""
    for r in record.removed:
        if r.line is not None:
            continue
        at = -1
        for m in islice(_PROBE.finditer(r.text), 4):  # a run rewritten by cleaning: try the next
            at = source.find(m.group())
            if at >= 0:
                break
        if at < 0:
            continue
        r.line = source.count("\n", 0, at) + 1


def clean(raw: RawSource) -> CleanText:
    record = CleaningRecord()
    page: dict = {}
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
            continue
        reason = _harvest(p.text, page) if not is_spam(p.text) else None
        if reason:
            record.remove("metadata", reason, p.text)
            removed_at.add(i)
            continue
        verdict = _classify(p.text)
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
