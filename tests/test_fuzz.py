"""Never crash: arbitrary text, arbitrary HTML-ish strings, and truncated or mutated sample
pages go through convert_source; every outcome is documents (which link and render, with
the index, cross-link and feed pages, to Markdown with parseable front matter and no raw
markup from the source) or SourceErrors naming
the file for a known reason, never a "converter error" (an exception the pipeline caught).

Budget: HYPOTHESIS_PROFILE=fuzz (make fuzz) runs FUZZ_EXAMPLES cases per property (4
properties: >= 10,000 in all, random each run); the default profile (make test) runs a
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

from tests.support import ROOT, SAMPLES, SOURCES

from converter import pipeline
from converter.link import link
from converter.model import PolicyDocument, SourceError
from converter.pipeline import convert_source

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
            for closing, tag, attrs in _RAW_TAG.findall(md.split("\n---\n", 1)[1]):
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

