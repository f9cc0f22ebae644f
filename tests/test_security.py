"""No script reaches the site: hostile pages are built into a real MkDocs site and every HTML
file of it is scanned. Whatever a source carries (script, event handlers, javascript:/data:
URLs, frames, styles, markup in titles and metadata, Markdown/YAML/attr_list injection) may
only appear as text; every script, style attribute and element kind in the site must also
occur in the site built from the bundled samples (i.e. come from the theme)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import lxml.html
import pytest
import yaml

from converter import pipeline
from converter.clean import sanitize
from converter.hooks import front_matter as _front_matter
from tests.support import ROOT, SOURCES

HOSTILE = ROOT / "tests" / "fixtures" / "hostile"
XSS = HOSTILE / "xss"
XSS_FIXTURES = sorted(p for p in XSS.iterdir() if p.suffix in {".html", ".txt"})

URL_ATTRS = {"href", "src", "action", "formaction", "data", "poster", "background", "cite", "srcset", "xlink:href", "codebase"}
BAD_SCHEMES = ("javascript:", "vbscript:", "data:")
# Attributes whose value is inert text (a byline in <meta content>, a tooltip): source text
# may appear there, escaped; anywhere else a payload's `alert(` means it became markup.
TEXT_ATTRS = {"content", "title", "alt", "aria-label", "data-pagefind-meta", "data-pagefind-filter"}
EPOCH = "1656633600"


# The project's mkdocs.yml with another docs_dir and site_dir; its other relative paths
# (theme overrides, hooks) stay relative to the project, as in `make site`.
_BUILD = """
import sys
from mkdocs.commands.build import build
from mkdocs.config import load_config
build(load_config(config_file=sys.argv[1], docs_dir=sys.argv[2], site_dir=sys.argv[3], strict=True))
"""


def build_site(docs: Path, site: Path, epoch: str = EPOCH) -> None:
    """A strict MkDocs build of ``docs`` into ``site``, as `make site` does it."""
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", SOURCE_DATE_EPOCH=epoch)
    proc = subprocess.run(
        [sys.executable, "-c", _BUILD, str(ROOT / "mkdocs.yml"), str(docs), str(site)],
        capture_output=True, text=True, env=env, cwd=docs.parent,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert (site / "index.html").exists()


def front_matter(md: str) -> dict:
    assert md.startswith("---\n")
    return yaml.safe_load(md[4 : md.index("\n---\n", 3)])


# ---------------------------------------------------------------- the scan


def _root_rel(site: Path, page: Path) -> str:
    return os.path.relpath(site, page.parent).replace(os.sep, "/")


def _norm_script(text: str, rel: str) -> str:
    """An inline theme script with the page's relative path to the site root taken out."""
    return text.replace(f'"{rel}"', '"ROOT"').replace(f'"{rel}/', '"ROOT/').strip()


def _clean_url(value: str) -> str:
    # Browsers ignore whitespace and control characters inside a scheme (java\tscript:).
    return re.sub(r"[\x00-\x20\x7f]+", "", value).lower()


def scan(site: Path) -> dict:
    """Everything in a built site that could run or style: scripts, handlers, URLs, styles, tags."""
    found = {"tags": set(), "scripts": set(), "inline": set(), "styles": set(), "handlers": [], "bad_urls": [], "alert_attrs": [], "jsonld": []}
    for page in sorted(site.rglob("*.html")):
        rel = _root_rel(site, page)
        root = lxml.html.parse(str(page)).getroot()
        if root is None:
            continue
        where = page.relative_to(site).as_posix()
        for el in root.iter():
            if not isinstance(el.tag, str):
                continue
            found["tags"].add(el.tag.lower())
            if el.tag == "script":
                if el.get("src"):
                    found["scripts"].add(os.path.normpath(os.path.join(os.path.dirname(where), el.get("src"))))
                if el.get("type") == "application/ld+json":
                    found["jsonld"].append((where, el.text or ""))  # data, never run: checked below
                elif (el.text or "").strip():
                    found["inline"].add(_norm_script(el.text, rel))
            for name, value in el.attrib.items():
                name = name.lower()
                if name.startswith("on"):
                    found["handlers"].append((where, el.tag, name, value))
                if name in URL_ATTRS and _clean_url(value).startswith(BAD_SCHEMES):
                    found["bad_urls"].append((where, el.tag, name, value))
                if name == "style":
                    found["styles"].add((el.tag, value))
                if "alert(" in value.lower() and name not in TEXT_ATTRS:
                    found["alert_attrs"].append((where, el.tag, name, value))
    return found


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    """(baseline site from the bundled docs/, hostile site, hostile docs/, build result)."""
    work = tmp_path_factory.mktemp("xss")
    base_docs = work / "base" / "docs"
    shutil.copytree(ROOT / "docs", base_docs)
    build_site(base_docs, work / "base" / "site")

    src = work / "hostile" / "sources"
    shutil.copytree(XSS, src)
    shutil.copy(SOURCES / sorted(p.name for p in SOURCES.glob("*.txt"))[1], src)  # one real page among them
    docs = work / "hostile" / "docs"
    shutil.copytree(ROOT / "docs", docs)
    result = pipeline.build(src, docs, ROOT)
    build_site(docs, work / "hostile" / "site")
    return work / "base" / "site", work / "hostile" / "site", docs, result


def test_every_hostile_fixture_becomes_a_document(sites):
    # A fixture that stopped converting would silently stop testing its payloads.
    _, _, _, result = sites
    assert not result.problems, [f"{p.file}: {p.reason}" for p in result.problems]
    files = {Path(d.source.file).name for d in result.docs}
    assert {p.name for p in XSS_FIXTURES} <= files


def test_no_event_handler_or_script_url_anywhere_in_the_site(sites):
    _, site, _, _ = sites
    found = scan(site)
    assert found["handlers"] == []
    assert found["bad_urls"] == []
    assert found["alert_attrs"] == []


def test_every_script_in_the_site_comes_from_the_theme(sites):
    base, site, _, _ = sites
    theirs, ours = scan(base), scan(site)
    assert ours["scripts"] <= theirs["scripts"]
    assert ours["inline"] <= theirs["inline"]
    assert not any("alert" in s for s in ours["inline"])


def test_structured_data_is_json_that_cannot_close_its_script_element(sites):
    _, site, _, _ = sites
    found = scan(site)["jsonld"]
    assert found
    for where, text in found:
        assert "<" not in text, where
        assert json.loads(text)["@type"] == "Legislation", where


def test_no_element_kind_or_style_attribute_comes_from_a_source(sites):
    base, site, _, _ = sites
    theirs, ours = scan(base), scan(site)
    assert ours["tags"] - theirs["tags"] == set()
    assert not ours["tags"] & {"iframe", "object", "embed", "frame", "frameset", "applet", "base", "img", "math"}
    assert ours["styles"] <= theirs["styles"]


def test_markup_in_a_title_is_shown_as_text_in_title_header_and_heading(sites):
    _, site, docs, result = sites
    doc = next(d for d in result.docs if d.source.file.endswith("title_is_markup.txt"))
    assert "<script>" in doc.title  # the page really is titled with markup text
    root = lxml.html.parse(str(site / "policies" / doc.slug / "index.html")).getroot()
    shown = [
        root.find(".//title").text_content(),
        root.find_class("md-header__topic")[-1].text_content(),
        root.find(".//h1").text_content(),
    ]
    for text in shown:
        assert "<script>alert('txt-title')</script>" in text, shown


def test_front_matter_keeps_the_true_title_and_cannot_be_broken_out_of(sites):
    _, _, docs, result = sites
    for d in result.docs:
        meta = front_matter((docs / "policies" / f"{d.slug}.md").read_text(encoding="utf-8"))
        assert meta["title"] == d.title
        assert "template" not in meta and "hide" not in meta
    yaml_doc = next(d for d in result.docs if d.source.file.endswith("yaml_title.txt"))
    assert "---\ntemplate" in yaml_doc.title  # the sidecar's hostile title, kept as data


def test_author_from_a_byline_cannot_break_out_of_the_meta_tag(sites):
    _, site, _, result = sites
    doc = next(d for d in result.docs if d.source.file.endswith("title_is_markup.txt"))
    assert '">' in doc.extra.get("author", "")  # the byline really carries a quote
    root = lxml.html.parse(str(site / "policies" / doc.slug / "index.html")).getroot()
    authors = [m.get("content") for m in root.iter("meta") if m.get("name") == "author"]
    assert authors == [doc.extra["author"]]


def test_markup_in_page_metadata_is_reduced_to_its_text(sites):
    _, _, _, result = sites
    doc = next(d for d in result.docs if d.source.file.endswith("metadata.html"))
    assert doc.title == "关于推进政务公开工作的意见"
    assert doc.record.changed.get("meta_markup", 0) >= 1


# ---------------------------------------------------------------- the helpers


@pytest.mark.parametrize(
    "value, text",
    [
        ("<img src=x onerror=alert(1)>关于印发方案的通知", "关于印发方案的通知"),
        ("关于<b>加强</b>管理的通知", "关于 加强 管理的通知"),
        ("<!-- x -->关于开展工作的通知", "关于开展工作的通知"),
        ("关于<<十四五>>规划的通知", "关于<<十四五>>规划的通知"),  # book-title marks, not tags
        ("x < y 且 y > z", "x < y 且 y > z"),
        ("<script>alert(1)</script>", "alert(1)"),
    ],
)
def test_strip_markup_keeps_text_and_drops_tags(value, text):
    assert sanitize.strip_markup(value) == text


def test_mkdocs_hook_escapes_every_front_matter_string():
    class Page:
        meta = {"title": "<script>x</script>", "author": '"><b>', "search": {"exclude": True}, "topics": ["a&b"]}

    page = Page()
    assert _front_matter.on_page_markdown("body", page, None, None) == "body"
    assert page.meta == {
        "title": "&lt;script&gt;x&lt;/script&gt;",
        "author": "&quot;&gt;&lt;b&gt;",
        "search": {"exclude": True},
        "topics": ["a&amp;b"],
    }


def test_the_site_config_loads_the_escaping_hook():
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8").replace("!!python", "#"))
    assert "converter/hooks/front_matter.py" in config.get("hooks", [])


def test_feeds_and_xml_files_stay_well_formed_with_only_their_own_elements(sites):
    from lxml import etree

    _, site, _, _ = sites
    xml_files = sorted(p for p in site.rglob("*.xml"))
    assert xml_files
    for path in xml_files:
        root = etree.parse(str(path)).getroot()  # raises on markup injected into the XML
        tags = {etree.QName(el).localname for el in root.iter() if isinstance(el.tag, str)}
        assert not tags & {"script", "img", "svg", "iframe", "a", "style"}, (path.name, tags)
