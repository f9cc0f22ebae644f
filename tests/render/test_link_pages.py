"""What the link step puts on the site: in-text links, stubs, the 待收录 list, the graph as
data, and a stub turning into a real page when the cited document's source is added."""

from __future__ import annotations

import json
import re
import shutil

import pytest

from converter import pipeline
from converter.link import graph
from converter.link.corpus import link
from converter.model import Block, Citation
from converter.render import crosslinks
from converter.render.page import esc, render
from tests.linked_corpus import copy_sources, doc
from tests.support import ROOT

NATIONAL = "gov_2017_32.txt"  # 国办发〔2017〕32号, cited by sample 002
S002 = "002_8c0b7b7d79472d22"


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory):
    """docs/ built without and with the national document's source."""
    out = {}
    for name, without in (("without", (NATIONAL,)), ("with", ())):
        work = tmp_path_factory.mktemp(name)
        shutil.copytree(ROOT / "docs", work / "docs")
        result = pipeline.build(copy_sources(work / "src", without), work / "docs", work)
        assert not result.problems
        out[name] = (work / "docs", result)
    return out


def _pages(docs):
    return {p.relative_to(docs).as_posix(): p.read_text(encoding="utf-8") for p in sorted(docs.rglob("*.md"))}


def test_adding_the_cited_source_turns_its_stub_into_the_page(two_builds):
    before, r0 = two_builds["without"]
    after, r1 = two_builds["with"]
    (stub,) = [m.id for m in r0.corpus.missing.values() if m.doc_number == "国办发〔2017〕32号"]
    assert (before / "cited" / f"{stub}.md").exists() and not (after / "cited" / f"{stub}.md").exists()
    assert (after / "policies" / "gov_2017_32.md").exists()
    old, new = _pages(before), _pages(after)
    # The citing page's body is the same but for where its link points.
    def body(text: str) -> str:
        return text.split("## 本文引用")[0]

    assert f"](../cited/{stub}.md)" in body(old[f"policies/{S002}.md"])
    assert body(old[f"policies/{S002}.md"]).replace(f"../cited/{stub}.md", "gov_2017_32.md") == body(new[f"policies/{S002}.md"])
    # Every page that neither cites nor is cited by the added document is untouched.
    touched = {f"policies/{e.source}.md" for e in r1.corpus.incoming("gov_2017_32")}
    chain = {f"policies/{s}.md" for s in r1.corpus.by_slug if "gov_2017_32.md" in new.get(f"policies/{s}.md", "")}
    for rel in old.keys() & new.keys():
        if rel.startswith("policies/") and rel not in touched | chain and rel != "policies/index.md":
            assert old[rel] == new[rel], rel
    # Stubs go only where the new document is what they meant; new stubs are only what it cites.
    gone = {f"cited/{m.id}.md" for m in r0.corpus.missing.values() if m.id not in r1.corpus.missing}
    assert set(old) - set(new) == gone and f"cited/{stub}.md" in gone
    for e in r1.corpus.incoming("gov_2017_32"):
        r0_edge = [x for x in r0.corpus.outgoing(e.source) if x.citation == e.citation]
        assert r0_edge and f"cited/{r0_edge[0].stub}.md" in gone
    added = {f"cited/{m.id}.md" for m in r1.corpus.missing.values() if m.cited_by == ["gov_2017_32"]}
    assert set(new) - set(old) == added | {"policies/gov_2017_32.md"}


def test_stub_page_names_the_document_and_who_cites_it(two_builds):
    docs, result = two_builds["with"]
    (m,) = [m for m in result.corpus.missing.values() if m.doc_number == "国办发〔2015〕38号"]
    page = (docs / "cited" / f"{m.id}.md").read_text(encoding="utf-8")
    assert "国务院办公厅关于城市公立医院综合改革试点的指导意见" in page and "国办发〔2015〕38号" in page
    for slug in m.cited_by:
        assert f"](../policies/{slug}.md)" in page


def test_missing_list_is_most_cited_first(two_builds):
    docs, result = two_builds["with"]
    page = (docs / "cited" / "index.md").read_text(encoding="utf-8")
    counts = [int(n) for n in re.findall(r"^\| (\d+) \|", page, re.MULTILINE)]
    assert counts == sorted(counts, reverse=True) and counts[0] == 3
    assert len(counts) == len(result.corpus.missing)


def test_stale_stubs_are_removed_when_their_document_arrives(tmp_path):
    docs = tmp_path / "docs"
    pipeline.build(copy_sources(tmp_path / "a", (NATIONAL,)), docs, tmp_path)
    result = pipeline.build(copy_sources(tmp_path / "b"), docs, tmp_path)
    assert any(p.parent.name == "cited" for p in result.removed)
    linked = {f"{e.stub}.md" for e in result.corpus.edges if e.stub} | {"index.md"}
    assert {p.name for p in (docs / "cited").glob("*.md")} == linked


def test_every_page_shows_both_directions(two_builds):
    docs, _ = two_builds["with"]
    national = (docs / "policies" / "gov_2017_32.md").read_text(encoding="utf-8")
    provincial = (docs / "policies" / f"{S002}.md").read_text(encoding="utf-8")
    cited_by = national.split("## 被引用")[1].split("##")[0]
    assert f"]({S002}.md)" in cited_by and "省级" in cited_by and "2017-06-30" in cited_by
    assert "](gov_2017_32.md)" in provincial.split("## 本文引用")[1].split("##")[0]


def test_in_text_links_escape_the_text_and_point_only_at_our_pages():
    a = doc("a", "国务院办公厅关于推进医疗联合体建设和发展的指导意见", "国办发〔2017〕32号")
    hostile = "<script>alert(1)</script>《国务院办公厅关于推进医疗联合体建设和发展的指导意见》](javascript:x) *强调* 国办发〔2099〕1号"
    b = doc("b", "乙", None, [Citation("国务院办公厅关于推进医疗联合体建设和发展的指导意见", None), Citation(None, "国办发〔2099〕1号")])
    b.blocks = [Block("para", hostile)]
    c = link([a, b])
    md = render(c.by_slug["b"], linker=crosslinks.linker_for(c.by_slug["b"], c)).split("---\n", 2)[2]
    assert "<script" not in md and "*强调*" not in md
    targets = re.findall(r"\]\(([^)]*)\)", md)
    assert "a.md" in targets and any(re.match(r"\.\./cited/[a-z]+-2099-1-", t) for t in targets)
    assert all(re.fullmatch(r"(\.\./cited/)?[\w\-]+\.md", t) for t in targets), targets


def test_spaces_between_two_links_are_kept():
    a = doc("a", "国务院办公厅关于推进医疗联合体建设和发展的指导意见")
    b = doc("b", "乙", None, [Citation("国务院办公厅关于推进医疗联合体建设和发展的指导意见", None), Citation("某省医疗卫生服务体系规划", None)])
    c = link([a, b])
    out = crosslinks.linker_for(c.by_slug["b"], c)("《国务院办公厅关于推进医疗联合体建设和发展的指导意见》 《某省医疗卫生服务体系规划》")
    assert re.fullmatch(r"\[《[^》]+》\]\(a\.md\) \[《某省医疗卫生服务体系规划》\]\(\.\./cited/[\w\-]+\.md\)", out), out


def test_text_without_citations_renders_exactly_as_before():
    d = doc("d", "丙")
    text = "按照 本《意见》要求 <b>粗体</b> 1. 第一"
    c = link([d])
    assert crosslinks.linker_for(c.by_slug["d"], c)(text) == esc(text)


def test_documents_json_is_the_graph_and_deterministic(two_builds):
    docs, result = two_builds["with"]
    text = (docs / "data" / "documents.json").read_text(encoding="utf-8")
    assert text == graph.documents_json(result.corpus)
    data = json.loads(text)
    assert graph.dumps(data) == text
    # One line per document (its keys sorted: the validity fields come first).
    assert sum(line.startswith('{"amended_by":') and '"slug":' in line for line in text.splitlines()) == len(data["documents"])
    by_slug = {d["slug"]: d for d in data["documents"]}
    assert set(by_slug) == set(result.corpus.by_slug)
    assert by_slug["gov_2017_32"]["url"] == "policies/gov_2017_32/"
    assert sorted(by_slug["gov_2017_32"]["cited_by"]) == [S002, "hlj_wsjs_2017_46", "qqhr_2017_10"]
    resolved = {(e["source"], e["target"]) for e in data["edges"] if "target" in e}
    assert resolved == {(e.source, e.target) for e in result.corpus.edges if e.target}
    assert {m["id"] for m in data["missing"]} == set(result.corpus.missing)


def test_strict_site_build_of_the_linked_corpus(two_builds, tmp_path):
    from tests.test_build import _mkdocs

    docs, _ = two_builds["with"]
    proc = _mkdocs(docs, tmp_path / "site")
    assert proc.returncode == 0, proc.stderr[-3000:]
    html = (tmp_path / "site" / "policies" / S002 / "index.html").read_text(encoding="utf-8")
    assert 'href="../gov_2017_32/"' in html
    assert (tmp_path / "site" / "cited" / "index.html").exists()
    assert (tmp_path / "site" / "timeline" / "index.html").exists()
    assert (tmp_path / "site" / "data" / "documents.json").exists()


def test_title_broken_across_two_paragraphs_is_linked_in_both(two_builds):
    # hlj_wsjs_2017_46 breaks 《国务院办公厅关于城市公立医院 / 综合改革试点的指导意见》 over two lines
    docs, result = two_builds["with"]
    (m,) = [m for m in result.corpus.missing.values() if m.doc_number == "国办发〔2015〕38号"]
    page = (docs / "policies" / "hlj_wsjs_2017_46.md").read_text(encoding="utf-8")
    assert f"[《国务院办公厅关于城市公立医院](../cited/{m.id}.md)" in page
    assert f"[综合改革试点的指导意见》](../cited/{m.id}.md)" in page


def test_a_years_doc_number_table_is_removed_when_its_last_document_goes(tmp_path):
    sources = tmp_path / "sources"
    shutil.copytree(ROOT / "sources", sources)
    docs = tmp_path / "docs"
    pipeline.build(sources, docs, tmp_path)
    table = docs / "data" / "doc-numbers" / "2017.json"
    assert table.exists()
    for numbered in ("001_d2b59fd790b2730b", S002):  # the samples with a 〔2017〕 文号
        for p in sources.glob(f"{numbered}.*"):
            p.unlink()
    result = pipeline.build(sources, docs, tmp_path)
    assert table in result.removed and not table.exists()
    assert (docs / "data" / "documents.json").exists()  # only the owned tables go
