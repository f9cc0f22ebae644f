"""The cleaning rules as data, compiled: furniture lines, page-metadata lines, repairs and spam.

Tables in converter/data (noise.yml, spam.yml, repairs.yml); ``classify`` says whether a line is
furniture or spam and by which rule. Used by the cleaning steps and by the HTML reader's scoring.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from converter.messages import note
from converter.model import PageMeta
from converter.tables import compiled, load


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
    rules = tuple((note(r["reason"]), re.compile(r["pattern"])) for r in load("noise")["meta_rules"])
    for reason, pattern in rules:
        unknown = set(pattern.groupindex) - PageMeta.names()
        if unknown:
            raise ValueError(f"converter/data/noise.yml: meta rule {reason!r} names {sorted(unknown)}, not fields of PageMeta")
    return rules


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


def classify(line: str) -> tuple[str, str] | None:
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
