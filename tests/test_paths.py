"""Safe paths: whatever a source's file name or title holds (../, separators, control
characters, reserved device names, 250 characters, emoji), every page is written inside
docs/, under a portable name, and no two documents overwrite each other."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
import yaml

from converter import pipeline
from converter.extract.document import MAX_STEM_BYTES, RESERVED_STEMS
from converter.link.corpus import unique_slugs
from tests.support import ROOT

NOTICE = (
    "关于做好{n}工作的通知\n各有关单位：\n为做好相关工作，现将有关事项通知如下。\n"
    "一、提高认识。各单位要高度重视，加强组织领导，确保各项任务落到实处。\n某某市人民政府办公室\n2021年5月{d}日\n"
)
# File names Linux allows that are hostile elsewhere or to a naive path join.
HOSTILE_NAMES = [
    # (names starting with "." are hidden files, which the reader skips by design)
    "x..%2F..%2Fetc%2Fpasswd.txt",
    "x....txt",
    "a\\..\\..\\b.txt",
    "CON.txt",
    "nul.txt",
    "Com1.txt",
    "LPT9.txt",
    "index.txt",
    "INDEX.html.txt",
    "x" * 240 + ".txt",
    "政" * 80 + ".txt",
    "📄政策🚀.txt",
    "🚀🚀🚀.txt",
    "a\x01b\x7fc.txt",
    "line\nbreak.txt",
    "\u202egnp.txt",
    "a／b∕c.txt",
    " lead space .txt",
    "-dash-.txt",
    "%00null.txt",
]
# Names that sanitise alike, with identical bytes (so even the content hash cannot tell them apart).
TWINS = ["twin a.txt", "twin+a.txt", "twin&a.txt", "twin-a.txt", "TWIN-A.txt"]
SAFE_SLUG = re.compile(r"^[0-9A-Za-z\u4e00-\u9fff][0-9A-Za-z_\-\u4e00-\u9fff]*$")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    work = tmp_path_factory.mktemp("paths")
    src = work / "sources"
    src.mkdir()
    for i, name in enumerate(HOSTILE_NAMES):
        (src / name).write_text(NOTICE.format(n=f"第{i}项", d=i % 28 + 1), encoding="utf-8")
    for name in TWINS:
        (src / name).write_text(NOTICE.format(n="同名", d=1), encoding="utf-8")
    # Two documents in one source (slug, slug-2) next to a source already named slug-2.
    (src / "pair.txt").write_text(NOTICE.format(n="甲", d=1) + "\n" + NOTICE.format(n="乙", d=2), encoding="utf-8")
    (src / "pair-2.txt").write_text(NOTICE.format(n="丙", d=3), encoding="utf-8")
    # A hostile title (sidecar override) must not steer the file name.
    (src / "titled.txt").write_text(NOTICE.format(n="丁", d=4), encoding="utf-8")
    title = "../../../etc/passwd/" + "🚀" * 10 + "\\CON\x00" + "长" * 500
    (src / "titled.meta.yml").write_text(yaml.safe_dump({"overrides": {"title": title}}, allow_unicode=True), encoding="utf-8")
    docs = work / "docs"
    result = pipeline.build(src, docs, ROOT)
    return work, src, docs, result


def test_every_hostile_name_becomes_a_document(built):
    _, src, _, result = built
    assert not result.problems, [f"{p.file}: {p.reason}" for p in result.problems]
    files = {Path(d.source.file).name for d in result.docs}
    assert files == {p.name for p in src.iterdir() if not p.name.endswith(".meta.yml")}


def test_nothing_is_written_outside_docs(built):
    work, _, docs, result = built
    assert sorted(p.name for p in work.iterdir()) == ["docs", "sources"]
    for path in result.written:
        assert path.resolve().is_relative_to(docs.resolve())


def test_slugs_are_portable_file_names(built):
    _, _, _, result = built
    for d in result.docs:
        assert SAFE_SLUG.match(d.slug), d.slug
        assert d.slug.lower() not in RESERVED_STEMS
        assert len(d.slug.encode("utf-8")) <= MAX_STEM_BYTES + 20


def test_no_two_documents_share_a_page(built):
    _, _, docs, result = built
    slugs = [d.slug.lower() for d in result.docs]
    assert len(slugs) == len(set(slugs))
    for d in result.docs:
        page = (docs / "policies" / f"{d.slug}.md").read_text(encoding="utf-8")
        meta = yaml.safe_load(page.split("\n---\n", 1)[0][4:])
        assert meta["source"]["file"] == d.source.file
        assert meta["title"] == d.title


def test_a_title_never_steers_the_file_name(built):
    _, _, _, result = built
    doc = next(d for d in result.docs if d.source.file.endswith("/titled.txt"))
    assert doc.title.startswith("../../../etc/passwd/")
    assert doc.slug == "titled"


def test_disambiguation_does_not_depend_on_input_order(built):
    _, _, _, result = built
    for seed in range(5):
        docs = list(result.docs)
        originals = {id(d): d.slug for d in docs}
        for d in docs:  # back to the names slug_for gave before disambiguation
            d.slug = re.sub(r"-[0-9a-f]{8}(-\d+)?$", "", d.slug)
        random.Random(seed).shuffle(docs)
        unique_slugs(docs)
        assert {id(d): d.slug for d in docs} == originals


@pytest.mark.parametrize("rel", ["../evil.md", "policies/../../evil.md", "/tmp/evil.md", "policies/../../../etc/x.md"])
def test_write_pages_refuses_a_path_that_climbs_out(tmp_path, rel):
    out = tmp_path / "docs"
    out.mkdir()
    with pytest.raises(ValueError):
        pipeline.write_pages(out, {rel: "x"})
    assert not (tmp_path / "evil.md").exists()


def test_write_pages_does_not_follow_a_symlink_out_of_docs(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    out = tmp_path / "docs"
    out.mkdir()
    (out / "policies").symlink_to(outside, target_is_directory=True)
    with pytest.raises(ValueError):
        pipeline.write_pages(out, {"policies/a.md": "x"})
    assert list(outside.iterdir()) == []
