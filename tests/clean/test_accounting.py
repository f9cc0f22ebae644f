"""No text lost: the converter never writes to sources/, and every line of a sample is
either in the output (body, title, metadata) or in the cleaning record's removed lines.

Text is compared as its "skeleton" (Han characters and digits, Simplified), after the
character-level transforms the record lists: tags gone (HTML pages), damaged runs replaced,
pinyin annotations dropped (they are Latin letters, not in the skeleton), Traditional ->
Simplified, punctuation repaired (punctuation is not in the skeleton), list markers
renumbered (numerals compare as digits). A line the cleaner
splits (a flattened page re-paragraphed, a byline moved to metadata) is matched piecewise:
each of its skeleton characters must lie in a run of MIN_RUN that is found in the output."""

from __future__ import annotations

import hashlib
import re

import lxml.html
import pytest

from converter import pipeline
from converter.clean import sanitize
from converter.pipeline import convert_source
from converter.read.source import read_source
from converter.text import hanzi, titles
from tests.support import CORPUS, ROOT, SAMPLES, SOURCES

MIN_RUN = 6
_TAG = re.compile(r"<[^>]*>")


# OCR repair rewrites a list marker (2) as （二）: numerals compare equal to digits.
_NUMERALS = str.maketrans("〇一二三四五六七八九", "0123456789", "十")


def skeleton(text: str) -> str:
    return "".join(re.findall(r"[\u4e00-\u9fff0-9]", hanzi.to_simplified(text))).translate(_NUMERALS)


def uncovered(line: str, pool: str) -> list[str]:
    """The pieces of ``line`` (a skeleton) not found in ``pool``: a character is covered when
    some run of MIN_RUN characters around it occurs in the pool. Digits alone may go
    uncovered (the OCR repair renumbers list markers: 2L -> 21.)."""
    if len(line) <= MIN_RUN:
        return [] if line in pool else [line]
    covered = [False] * len(line)
    for start in range(len(line) - MIN_RUN + 1):
        if line[start : start + MIN_RUN] in pool:
            covered[start : start + MIN_RUN] = [True] * MIN_RUN
    return [line[max(0, k - 2) : k + 3] for k, ok in enumerate(covered) if not ok and not line[k].isdigit()]


def output_pool(docs) -> str:
    parts = []
    for d in docs:
        parts += [d.title, d.doc_number or "", d.written_date or "", d.publish_date or "", "".join(d.issuers)]
        parts += [str(v) for v in (*d.source.as_dict().values(), *d.extra.values())]
        for b in d.blocks:
            # With and without the numbering label: an OCR repair may write a label the text lacked.
            parts += [b.label + b.lead + b.text, b.lead + b.text]
            parts += ["".join(row) for row in b.rows or []]
        parts += [r.text for r in d.record.removed]
    return skeleton("".join(parts))


def _input_lines(raw, docs) -> list[str]:
    runs = [r.text for d in docs for r in d.record.removed if r.step == "damaged"]
    lines = []
    for line in raw.text.splitlines():
        line = _TAG.sub("", line).strip()
        if any(d.record.changed.get("title_label") for d in docs):
            line = titles._TAG_PREFIX.sub("", line)
        for run in runs:
            line = line.replace(run, "")
        if skeleton(line):
            lines.append(line)
    return lines


@pytest.mark.parametrize("key", sorted(SAMPLES))
def test_kept_plus_removed_text_covers_every_input_line(key):
    docs, problems = convert_source(SOURCES / SAMPLES[key], ROOT)
    assert not problems
    raw = read_source(SOURCES / SAMPLES[key], ROOT)
    pool = output_pool(docs)
    lines = _input_lines(raw, docs)
    assert lines
    lost = {line[:60]: uncovered(skeleton(line), pool) for line in lines}
    assert {k: v for k, v in lost.items() if v} == {}


CORPUS_PAGES = sorted((CORPUS / "raw").glob("*.htm*")) if (CORPUS / "raw").is_dir() else []


def visible_lines(raw) -> list[str]:
    """The text a browser would show of an HTML page (no script, style or head), by line."""
    root = lxml.html.document_fromstring(sanitize.CONTROL.sub("", re.sub(r"^\s*<\?xml[^>]*>", "", raw.text)))
    body = root.find("body")
    if body is None:
        return []
    for el in list(body.iter("script", "style", "noscript", "template")):
        if el.getparent() is not None:
            el.drop_tree()
    return [line for line in body.text_content().splitlines() if skeleton(line)]


@pytest.mark.skipif(not CORPUS_PAGES, reason="the shared reference corpus is not next to the project")
def test_kept_plus_removed_text_covers_every_visible_line_of_the_real_pages():
    lost = {}
    for path in CORPUS_PAGES:
        docs, problems = convert_source(path, ROOT)
        assert not problems, problems
        pool = output_pool(docs)
        lines = visible_lines(read_source(path, ROOT))
        assert lines
        gaps = [line.strip()[:60] for line in lines if uncovered(skeleton(line), pool)]
        if gaps:
            lost[path.name] = gaps[:5]
    assert lost == {}


def test_the_coverage_check_notices_a_lost_line():
    docs, _ = convert_source(SOURCES / SAMPLES["001"], ROOT)
    raw = read_source(SOURCES / SAMPLES["001"], ROOT)
    victim = max(docs[0].blocks, key=lambda b: len(b.text))
    pool = output_pool(docs).replace(skeleton(victim.text), "")
    lost = [line for line in _input_lines(raw, docs) if uncovered(skeleton(line), pool)]
    assert lost


def test_every_removed_line_is_recorded_with_a_step_and_reason(sample_docs):
    for docs in sample_docs.values():
        for d in docs:
            for r in d.record.removed:
                assert r.step and r.reason and r.text.strip()
            counts = d.record.counts()
            assert sum(v for k, v in counts.items() if k.startswith("removed_")) == len(d.record.removed)


def _checksums(folder):
    return {p.relative_to(folder).as_posix(): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns) for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_build_never_writes_to_sources(tmp_path):
    before = _checksums(SOURCES)
    pipeline.build(SOURCES, tmp_path / "docs", ROOT)
    assert _checksums(SOURCES) == before


def _located(source: str, texts: list[str]) -> list[int | None]:
    from converter.clean.steps import locate_removals
    from converter.model import CleaningRecord

    record = CleaningRecord()
    for t in texts:
        record.remove("furniture", "label between furniture lines", t)
    locate_removals(source, record)
    return [r.line for r in record.removed]


def test_removed_lines_are_located_on_their_source_lines_repeats_in_order():
    source = "<p>正文第一行</p>\n<p>返回顶部</p>\n<p>正文</p>\n<p>返回顶部</p>\n<p>打印本页</p>"
    assert _located(source, ["打印本页", "返回顶部", "返回顶部", "不在源文件中"]) == [5, 2, 4, None]


def test_locating_many_removals_in_a_long_page_takes_linear_time():
    import time

    n = 30000  # a page with a furniture line repeated on every row (a long table of 打印 links)
    source = "<p>返回顶部</p>\n" * n
    start = time.perf_counter()
    lines = _located(source, ["返回顶部"] * n)
    elapsed = time.perf_counter() - start
    assert lines == list(range(1, n + 1))
    assert elapsed < 1.0, f"{elapsed:.2f} s for {n} removals"
