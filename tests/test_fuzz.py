"""Never crash: arbitrary text, arbitrary HTML-ish strings, and truncated or mutated sample
pages go through convert_source; every outcome is documents (which link and render, with
the index, cross-link and feed pages, to Markdown with parseable front matter and no raw
markup from the source) or SourceErrors naming
the file for a known reason, never a "converter error" (an exception the pipeline caught).

Sidecars too: random YAML documents (every value type, sizes up to 10,000 characters, anchors,
aliases, tags, deep nesting, bytes that are not UTF-8) next to a good page never crash the
build or `check`.

Budget: HYPOTHESIS_PROFILE=fuzz (make fuzz) runs FUZZ_EXAMPLES cases per property (5
properties: >= 12,500 in all, random each run); the default profile (make test) runs a
small, derandomised budget so CI is stable.
"""

from __future__ import annotations

import atexit
import os
import re
import shutil
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from converter import fields, pipeline
from converter.link.corpus import link
from converter.model import PolicyDocument, SourceError
from converter.pipeline import convert_source
from tests.support import ROOT, SAMPLES, SOURCES

PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "default")
FUZZ_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "2500"))
_common = dict(deadline=None, database=None, suppress_health_check=list(HealthCheck))
PROFILES = {
    "default": {"light": settings(max_examples=40, derandomize=True, **_common), "heavy": settings(max_examples=30, derandomize=True, **_common)},
    "fuzz": {"light": settings(max_examples=FUZZ_EXAMPLES, **_common), "heavy": settings(max_examples=FUZZ_EXAMPLES, **_common)},
}[PROFILE]

SAMPLE_TEXTS = [(SOURCES / name).read_bytes() for name in sorted(SAMPLES.values())]
# Markup the renderer itself writes; anything else raw in the Markdown came from a source.
OWN_TAGS = {"div", "small", "span", "strong", "br"}
_RAW_TAG = re.compile(r"<(/?)([A-Za-z][\w-]*)([^<>]*)>")
_WORK = Path(tempfile.mkdtemp(prefix="fuzz-"))
atexit.register(shutil.rmtree, _WORK, True)
_counter = iter(range(10**9))

HTML_BITS = st.sampled_from(
    [
        "<html>", "</html>", "<body>", "<div>", "</div>", "<p>", "</p>", "<br>", "<table>", "<tr>", "<td>", "</td>",
        "<a href='javascript:alert(1)'>", "</a>", "<script>", "</script>", "<style>", "<!--", "-->", "<![CDATA[",
        "<meta name='ArticleTitle' content='", "'>", "<title>", "</title>", "<h1>", "</h1>", "<span style='display:none'>",
        "&nbsp;", "&#0;", "&#x110000;", "&lt;", "<?xml version='1.0' encoding='gbk'?>", "<!DOCTYPE html>",
        "关于印发实施方案的通知", "各有关单位：", "一、总体要求。", "（一）", "2021年3月5日", "某政发〔2021〕1号",
        "百家乐", "《关于加强管理的意见》", "\n", " ", "\u3000", "\ufeff", "\x00", "\ud7ff", "😀", "\u202e",
    ]
)


def _convert(data: bytes, suffix: str) -> None:
    path = _WORK / f"case{next(_counter)}{suffix}"
    path.write_bytes(data)
    try:
        docs, problems = convert_source(path, ROOT)
    finally:
        path.unlink()
    event("documents" if docs else "error: " + (problems[0].reason.split(":")[0][:40] if problems else "none"))
    for p in problems:
        assert isinstance(p, SourceError)
        assert p.file.endswith(path.name), p.file
        assert "converter error" not in p.reason, p.reason
    for d in docs:
        assert isinstance(d, PolicyDocument) and d.title and d.slug
    if docs:
        corpus = link(docs)
        generated = pipeline.pages(corpus)  # document pages plus index, cross-link and feed pages
        for d in corpus.docs:
            md = generated[f"policies/{d.slug}.md"]
            meta = yaml.safe_load(md[4 : md.index("\n---\n", 3)])
            assert meta["title"] == d.title
            for _closing, tag, attrs in _RAW_TAG.findall(md.split("\n---\n", 1)[1]):
                assert tag.lower() in OWN_TAGS and not re.search(r"(?i)\bon\w+\s*=|style\s*=", attrs), (tag, attrs)
            assert "](javascript:" not in md.lower() and "](data:" not in md.lower()


# Lines of a plain-text page, and the syntax Markdown, YAML and MkDocs give meaning to.
LINE_BITS = st.sampled_from(
    [
        "关于印发实施方案的通知", "《关于加强管理的意见》", "各有关单位：", "一、总体要求", "（二）工作目标。",
        "1.加强领导。", "某某市人民政府办公室", "2021年3月5日", "某政办发〔2021〕12号", "附件：名单.docx",
        "---", "title: x", "]: ", "[x](javascript:alert(1))", "{{ x }}", "{: onclick=x }", "<!--", "-->",
        "<script>alert(1)</script>", "| a | b |", "# ", "    ", "> ", "* ", "???", "!!!", "$$", "\\", "`",
        "作者：x 更新时间：2020-01-02", "来源：某某网", "百家乐|六合彩|老虎机|时时彩|娱乐城", "\ufffd",
    ]
)


@PROFILES["light"]
@given(st.one_of(st.text(max_size=3000), st.lists(st.one_of(LINE_BITS, st.text(max_size=30)), max_size=60).map("\n".join)))
def test_arbitrary_text_never_crashes(text):
    _convert(text.encode("utf-8", "surrogatepass"), ".txt")


# A notice page to put fuzz into, so that many cases get as far as rendering.
PAGE = (
    "<html><head><title>关于加强管理的通知</title>{0}</head><body><div><h1>关于加强管理的通知</h1>"
    "<p>各有关单位：</p>{1}<p>一、总体要求。各单位要高度重视，加强组织领导，确保各项任务落到实处。</p>"
    "<p>二、工作措施。{2}明确责任分工，细化工作措施，按期完成各项任务。</p><p>某某市人民政府</p><p>2021年3月5日</p></div></body></html>"
)
FRAGMENT = st.lists(st.one_of(HTML_BITS, st.text(max_size=20)), max_size=60).map("".join)


@PROFILES["light"]
@given(st.one_of(st.lists(st.one_of(HTML_BITS, st.text(max_size=20)), max_size=200).map("".join), st.tuples(FRAGMENT, FRAGMENT, FRAGMENT).map(lambda f: PAGE.format(*f))))
def test_arbitrary_html_ish_strings_never_crash(page):
    _convert(page.encode("utf-8", "surrogatepass"), ".html")


@PROFILES["heavy"]
@given(st.sampled_from(range(len(SAMPLE_TEXTS))), st.floats(0, 1), st.booleans())
def test_truncated_samples_never_crash(index, fraction, from_the_end):
    data = SAMPLE_TEXTS[index]
    cut = int(len(data) * fraction)
    _convert(data[cut:] if from_the_end else data[:cut], ".txt")


@PROFILES["heavy"]
@given(
    st.sampled_from(range(len(SAMPLE_TEXTS))),
    st.lists(st.tuples(st.floats(0, 1), st.integers(0, 40), st.binary(max_size=40)), min_size=1, max_size=8),
)
def test_mutated_samples_never_crash(index, edits):
    data = bytearray(SAMPLE_TEXTS[index])
    for where, length, replacement in edits:  # splice: delete `length` bytes, insert random ones
        at = int(len(data) * where)
        data[at : at + length] = replacement
    _convert(bytes(data), ".txt")



# --- sidecars: random YAML documents, value types and sizes next to a good page --------------

_SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=40), st.dates(),
    st.sampled_from(["国办发〔2017〕32号", "2017-13-45", "2020-02-30", "national", "city", "", " ", "null", "~", "&a", "*a", "!!str"]),
    st.integers(0, 3).map(lambda k: "长" * (10 ** (k + 1))),  # 10 to 10,000 characters
)
_VALUES = st.recursive(_SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)), max_leaves=12)
_SIDE_KEYS = st.one_of(st.sampled_from(sorted(fields.SIDECAR_FIELDS)), st.text(max_size=10))
_OVERRIDE_KEYS = st.one_of(st.sampled_from(sorted(fields.OVERRIDE_FIELDS)), st.text(max_size=10))
_DOCUMENTS = st.one_of(
    st.dictionaries(_SIDE_KEYS, _VALUES, max_size=6),
    st.dictionaries(_OVERRIDE_KEYS, _VALUES, max_size=6).map(lambda o: {"overrides": o}),
    _VALUES,
)
# YAML syntax the dumper never writes: anchors and aliases, tags, flow nesting, odd indentation.
_YAML_BITS = st.sampled_from([
    "overrides:\n", "  title: ", "  level: ", "  topics: ", "url: ", "&a ", "*a", "&b [*a, *a]", "!!python/object:os.system ",
    "!!binary aGk=", "!!set {a, b}", "!!omap [a: 1]", "? [a, b]\n: c\n", "[" * 50, "]" * 50, "{", "}", "- ", "\n", "  ", "\t",
    "'", '"', "#", "---\n", "...\n", "%YAML 1.1\n", "2017-13-45", "\ufeff", "\x85", "\u2028", "\x00",
])
_SIDECARS = st.one_of(
    _DOCUMENTS.map(lambda d: yaml.safe_dump(d, allow_unicode=True, width=4096).encode("utf-8")),
    st.lists(st.one_of(_YAML_BITS, st.text(max_size=12)), max_size=40).map(lambda bits: "".join(bits).encode("utf-8", "surrogatepass")),
    st.binary(max_size=200),
)
_GOOD_PAGE = PAGE.format("", "<p>某某市人民政府办公室 某政办发〔2021〕12号</p>", "").encode("utf-8")


@PROFILES["light"]
@given(_SIDECARS)
def test_arbitrary_sidecars_never_crash_the_build_or_check(sidecar):
    """A sidecar is a document from anyone: whatever it holds, the page next to it converts or
    fails with a reason naming the sidecar, and `check` reports it without an exception."""
    from converter.tools import check

    n = next(_counter)
    page, side = _WORK / f"side{n}.html", _WORK / f"side{n}.meta.yml"
    page.write_bytes(_GOOD_PAGE)
    side.write_bytes(sidecar)
    try:
        docs, problems = convert_source(page, ROOT)
        found, _ = check.check_sidecar(side, page, ROOT)
    finally:
        page.unlink()
        side.unlink()
    event("documents" if docs else "error: " + (problems[0].reason.split(":")[1][:30] if problems else "none"))
    for p in problems:
        assert "converter error" not in p.reason, p.reason
        assert p.reason.startswith(f"sidecar {side.name}: "), p.reason
        assert "\n" not in p.reason and len(p.reason) < 3000
    for p in found:
        assert "\n" not in str(p) and len(str(p)) < 3000, str(p)[:200]
    if docs:
        corpus = link(docs)
        md = pipeline.pages(corpus)[f"policies/{corpus.docs[0].slug}.md"]
        yaml.safe_load(md[4 : md.index("\n---\n", 3)])
