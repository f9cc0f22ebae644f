"""The conversion cache: unchanged sources are not converted again, and anything that can
change a source's output (its bytes, its sidecar, the converter's code or data) is a miss."""

from __future__ import annotations

import hashlib
import os
import shutil
import time
from pathlib import Path

import pytest

from converter import pipeline
from converter.link.corpus import link
from converter.runtime import cache
from tests.support import ROOT, SAMPLES, SOURCES


def _sources(tmp_path, keys=("000", "004")):
    src = tmp_path / "sources"
    src.mkdir()
    for key in keys:
        shutil.copy(SOURCES / SAMPLES[key], src / SAMPLES[key])
    return src


def _convert(src, cache_dir):
    from converter.read.source import list_sources

    return pipeline.convert_many(list_sources(src), pipeline.names_root([src], ROOT), cache_dir=cache_dir)


def _pages(result):
    return pipeline.pages(link(result.docs))


def test_second_run_takes_every_source_from_the_cache_with_identical_pages(tmp_path):
    src, store = _sources(tmp_path), tmp_path / "cache"
    first = _convert(src, store)
    second = _convert(src, store)
    assert len(first.converted) == 2 and first.cached == 0
    assert second.converted == [] and second.cached == 2
    assert _pages(second) == _pages(first) == _pages(_convert(src, None))


def test_changed_source_is_the_only_one_converted_again(tmp_path):
    src, store = _sources(tmp_path), tmp_path / "cache"
    _convert(src, store)
    changed = src / SAMPLES["004"]
    changed.write_bytes(changed.read_bytes().replace("会议".encode(), "会 议".encode(), 1))
    again = _convert(src, store)
    assert [p.name for p in again.converted] == [changed.name]
    assert again.cached == 1


def test_added_source_is_the_only_one_converted(tmp_path):
    src, store = _sources(tmp_path), tmp_path / "cache"
    _convert(src, store)
    shutil.copy(SOURCES / SAMPLES["001"], src / SAMPLES["001"])
    again = _convert(src, store)
    assert [p.name for p in again.converted] == [SAMPLES["001"]]
    assert again.cached == 2


def test_sidecar_edit_invalidates_its_source(tmp_path):
    src, store = _sources(tmp_path), tmp_path / "cache"
    _convert(src, store)
    side = src / (SOURCES / SAMPLES["000"]).with_suffix(".meta.yml").name
    side.write_text("overrides:\n  title: 河北省关于深化人才发展体制机制改革的实施意见\n", encoding="utf-8")
    again = _convert(src, store)
    assert [p.name for p in again.converted] == [SAMPLES["000"]]
    assert again.docs[0].title == "河北省关于深化人才发展体制机制改革的实施意见"


def test_converter_version_change_invalidates_every_entry(tmp_path, monkeypatch):
    src, store = _sources(tmp_path), tmp_path / "cache"
    _convert(src, store)
    monkeypatch.setattr(cache, "converter_version", lambda: "a-different-converter")
    again = _convert(src, store)
    assert len(again.converted) == 2 and again.cached == 0


def test_converter_version_covers_code_data_tables_and_decoder():
    files = {p.relative_to(ROOT).as_posix() for p in cache.code_files()}
    package = {p.relative_to(ROOT).as_posix() for p in (ROOT / "converter").glob("*.py")}
    tables = {p.relative_to(ROOT).as_posix() for p in (ROOT / "converter" / "data").glob("*.yml")}
    assert package <= files and tables <= files
    assert "scraper/encoding.py" in files


def test_editing_a_code_file_changes_the_version(tmp_path):
    code = tmp_path / "clean.py"
    code.write_text("RULE = 1\n", encoding="utf-8")
    before = cache.version_of([code], tmp_path)
    code.write_text("RULE = 2\n", encoding="utf-8")
    assert cache.version_of([code], tmp_path) != before


def test_unreadable_cache_entry_is_a_miss(tmp_path):
    src, store = _sources(tmp_path, ("004",)), tmp_path / "cache"
    first = _convert(src, store)
    entries = [p for p in store.rglob("*") if p.is_file()]
    assert entries
    for entry in entries:
        entry.write_bytes(b"not an entry")
    again = _convert(src, store)
    assert len(again.converted) == 1
    assert _pages(again) == _pages(first)


def test_failed_source_is_cached_with_its_reason(tmp_path):
    src, store = _sources(tmp_path, ("004",)), tmp_path / "cache"
    (src / "empty.html").write_bytes(b"")
    _convert(src, store)
    again = _convert(src, store)
    assert again.converted == []
    assert [(p.file.split("/")[-1], p.reason) for p in again.problems] == [("empty.html", "empty file")]


def test_build_command_uses_the_cache_and_lists_only_what_it_converted(tmp_path, capsys):
    from converter.cli import main

    src, store = _sources(tmp_path), tmp_path / "cache"
    args = ["build", "--sources", str(src), "--out", str(tmp_path / "docs"), "--cache", str(store)]
    assert main(args) == 0
    capsys.readouterr()
    shutil.copy(SOURCES / SAMPLES["001"], src / SAMPLES["001"])
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "1 sources converted, 2 unchanged" in out
    assert "001_d2b59fd790b2730b" in out and "004_0395a73e19e4f75c" not in out.split("unchanged sources not listed")[0]
    assert (tmp_path / "docs" / "policies" / "004_0395a73e19e4f75c.md").exists()


def test_cache_that_cannot_be_written_does_not_fail_the_build(tmp_path):
    src = _sources(tmp_path, ("004",))
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder would be", encoding="utf-8")
    result = _convert(src, blocked)
    assert len(result.docs) == 1 and not result.problems


# --- hostile or damaged entries (issue 14, item 5) -------------------------------------------


def _entry(src, store, name):
    from converter.read.source import list_sources

    path = next(p for p in list_sources(src) if p.name == name)
    return cache.entry_path(store, cache.source_key(path, pipeline.names_root([src], ROOT)))


def _swap_same_length(entry, old: str, new: str) -> None:
    """Change text inside an entry without changing its length: the entry still parses."""
    data = entry.read_bytes()
    assert old.encode() in data and len(old.encode()) == len(new.encode())
    entry.write_bytes(data.replace(old.encode(), new.encode(), 1))


def test_a_changed_byte_inside_an_entry_never_reaches_the_pages(tmp_path):
    src, store = _sources(tmp_path, ("004",)), tmp_path / "cache"
    plain = _pages(_convert(src, None))
    _convert(src, store)
    _swap_same_length(_entry(src, store, SAMPLES["004"]), "医共体", "医共休")
    again = _convert(src, store)
    assert len(again.converted) == 1  # a miss ...
    assert _pages(again) == plain
    assert _convert(src, store).converted == []  # ... and the entry was rewritten


def test_an_entry_of_the_wrong_shape_is_a_miss_not_a_crash(tmp_path):
    from converter.runtime import entries

    src, store = _sources(tmp_path, ("004",)), tmp_path / "cache"
    plain = _pages(_convert(src, None))
    _convert(src, store)
    entry = _entry(src, store, SAMPLES["004"])
    key = entry.stem
    good = entries.encode_outcome(cache.load(store, key))
    bad_title = {**good, "docs": [{**good["docs"][0], "title": 123}]}
    for payload in (42, [], {"docs": 1, "problems": []}, bad_title, {**good, "docs": [{**good["docs"][0], "blocks": [["para"]]}]}):
        cache.write_entry(entry, key, payload)  # a valid checksum: only the shape is wrong
        again = _convert(src, store)
        assert len(again.converted) == 1, payload
        assert _pages(again) == plain


def test_an_entry_copied_under_another_key_is_a_miss(tmp_path):
    src, store = _sources(tmp_path), tmp_path / "cache"
    _convert(src, store)
    a, b = _entry(src, store, SAMPLES["000"]), _entry(src, store, SAMPLES["004"])
    shutil.copy(a, b)
    again = _convert(src, store)
    assert [p.name for p in again.converted] == [SAMPLES["004"]]
    assert _pages(again) == _pages(_convert(src, None))


def test_cache_entries_are_checksummed_json_not_pickles(tmp_path):
    import json

    src, store = _sources(tmp_path, ("004",)), tmp_path / "cache"
    _convert(src, store)
    data = _entry(src, store, SAMPLES["004"]).read_bytes()
    head, _, body = data.partition(b"\n")
    assert json.loads(head)["sha256"] == hashlib.sha256(body).hexdigest()
    assert json.loads(body)["docs"][0]["title"] == "石家庄市召开紧密型县域医共体建设推进会"
    assert "import pickle" not in Path(cache.__file__).read_text(encoding="utf-8")


def test_a_cached_outcome_reads_back_equal_field_for_field(sample_docs):
    import dataclasses

    from converter.model import PolicyDocument
    from converter.runtime import entries

    names = {f.name for f in dataclasses.fields(PolicyDocument)}
    from converter.model import Block, Cell, Clause

    docs = [d for key in sorted(sample_docs) for d in sample_docs[key]]
    encoded = entries.encode_outcome((docs[:1], []))["docs"][0]
    assert names <= set(encoded) | {"record", "key"}  # key: set from the cache key on load, not stored
    assert len(encoded["blocks"][0]) == len(dataclasses.fields(Block))  # a new field must be cached too
    assert len(entries._encode_cells([[Cell("a")]])[0][0]) == len(dataclasses.fields(Cell))
    from converter.model import Citation

    table = Block("table", "", rows=[["甲", "乙"]], cells=[[Cell("甲", 2, 1, True), Cell("乙")]])
    clause = Clause("repeals", "《某办法》同时废止", date="2020-01-01", n=2, unit="年", targets=[Citation("某办法", None)])
    docs.append(dataclasses.replace(docs[0], blocks=[*docs[0].blocks, table], clauses=[clause]))
    assert len(entries.encode_outcome((docs[-1:], []))["docs"][0]["clauses"][0]) == len(dataclasses.fields(Clause))
    for d in docs:
        problems = [("x", "y", None), ("list.html", "not a document: a list page", "list")]
        assert entries.decode_outcome(json_round_trip(entries.encode_outcome(([d], problems)))) == ([d], problems)


def json_round_trip(v):
    import json

    return json.loads(json.dumps(v, ensure_ascii=False))


def test_no_cache_rewrites_the_entries_it_converts(tmp_path):
    from converter.cli import main

    src, store = _sources(tmp_path, ("004",)), tmp_path / "cache"
    args = ["build", "--sources", str(src), "--out", str(tmp_path / "docs"), "--cache", str(store)]
    assert main(args) == 0
    entry = _entry(src, store, SAMPLES["004"])
    entry.write_bytes(b"damaged")
    assert main([*args, "--no-cache"]) == 0
    assert cache.load(store, entry.stem) is not None


def test_a_damaged_page_manifest_renders_every_page_again(tmp_path):
    src, store, docs = _sources(tmp_path, ("004",)), tmp_path / "cache", tmp_path / "docs"
    pipeline.build(src, docs, ROOT, cache_dir=store)
    page = docs / "policies" / "004_0395a73e19e4f75c.md"
    before = page.read_bytes()
    manifest = store / cache.MANIFEST_FILE
    assert "004_0395a73e19e4f75c.md" in manifest.read_text(encoding="utf-8")
    manifest.write_bytes(manifest.read_bytes().replace(b"004_", b"005_"))  # the checksum no longer holds
    page.write_bytes(b"damaged")
    assert cache.load_manifest(store, docs) == {}
    pipeline.build(src, docs, ROOT, cache_dir=store)
    assert page.read_bytes() == before


def test_a_page_edited_in_docs_by_hand_is_rendered_again_and_an_unchanged_one_is_not_read(tmp_path, monkeypatch):
    src, store, docs = _sources(tmp_path, ("004", "002")), tmp_path / "cache", tmp_path / "docs"
    pipeline.build(src, docs, ROOT, cache_dir=store)
    pages = sorted((docs / "policies").glob("0*.md"))
    assert len(pages) >= 2
    edited, untouched = pages[0], pages[1]
    before = edited.read_bytes()
    edited.write_bytes(before + "\n手工改动\n".encode())
    stamp = untouched.stat()
    rendered: list[str] = []
    real = pipeline.render_page
    monkeypatch.setattr(pipeline, "render_page", lambda d, corpus, links=None: rendered.append(d.slug) or real(d, corpus, links))
    pipeline.build(src, docs, ROOT, cache_dir=store)
    assert rendered == [edited.stem]
    assert edited.read_bytes() == before
    assert untouched.stat().st_mtime_ns == stamp.st_mtime_ns and untouched.stat().st_ino == stamp.st_ino


def test_the_page_manifest_of_another_docs_folder_is_not_used(tmp_path):
    src, store = _sources(tmp_path, ("004",)), tmp_path / "cache"
    pipeline.build(src, tmp_path / "docs", ROOT, cache_dir=store)
    assert cache.load_manifest(store, tmp_path / "docs")
    assert cache.load_manifest(store, tmp_path / "other") == {}
    pipeline.build(src, tmp_path / "other", ROOT, cache_dir=store)
    assert (tmp_path / "other" / "policies" / "004_0395a73e19e4f75c.md").read_bytes() == (
        tmp_path / "docs" / "policies" / "004_0395a73e19e4f75c.md").read_bytes()


def test_document_files_read_back_from_the_cache_equal(tmp_path):
    """Word and OFD files carry provenance pages do not (extracted_from: format, tool): cached too."""
    from tests.formats_support import make_docx, make_ofd

    src, store = tmp_path / "sources", tmp_path / "cache"
    src.mkdir()
    make_docx(src / "notice.docx", table=True)
    make_ofd(src / "scan.ofd")
    first = _convert(src, store)
    assert first.docs and len(first.converted) == 2
    again = _convert(src, store)
    assert again.converted == [] and again.docs == first.docs


def test_every_library_the_conversion_imports_is_part_of_the_cache_key():
    # A new version of any of them can change what a source converts to: the cache must notice.
    import ast
    import sys
    from importlib import metadata

    dists = metadata.packages_distributions()
    used: set[str] = set()
    for stage in ("read", "clean", "split", "extract", "text"):
        for path in (ROOT / "converter" / stage).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
                if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                    names = [node.module]
                for name in names:
                    top = name.split(".")[0]
                    if top not in sys.stdlib_module_names and top not in ("converter", "scraper"):
                        used.update(d.lower() for d in dists.get(top, [top]))
    assert used and used - {name.lower() for name in cache.LIBRARIES} == set()


def test_a_file_unchanged_since_the_last_build_is_hashed_from_the_record_not_read(tmp_path, monkeypatch):
    monkeypatch.setattr(cache, "RACY_NS", -(10**18))  # every reading remembered at once
    page = tmp_path / "a.html"
    page.write_bytes("<p>国务院</p>".encode())
    first = cache.Digests(tmp_path / "c")
    digest = first.of(page)
    assert digest == hashlib.sha256(page.read_bytes()).digest()
    first.save()
    real = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail("read again") if self == page else real(self))
    assert cache.Digests(tmp_path / "c").of(page) == digest


def test_a_file_rewritten_with_its_size_and_mtime_kept_is_read_again(tmp_path, monkeypatch):
    monkeypatch.setattr(cache, "RACY_NS", -(10**18))
    page = tmp_path / "a.html"
    page.write_bytes(b"<p>one</p>")
    digests = cache.Digests(tmp_path / "c")
    digests.of(page)
    digests.save()
    before = page.stat()
    time.sleep(0.05)  # the change time moves on, whatever the modification time says
    page.write_bytes(b"<p>two</p>")
    os.utime(page, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert cache.Digests(tmp_path / "c").of(page) == hashlib.sha256(b"<p>two</p>").digest()


def test_a_file_read_just_after_it_changed_is_not_remembered(tmp_path):
    page = tmp_path / "a.html"
    page.write_bytes(b"<p>one</p>")
    digests = cache.Digests(tmp_path / "c")
    digests.of(page)
    digests.save()
    assert cache.read_entry(tmp_path / "c" / cache.DIGESTS_FILE, cache.DIGESTS_FILE) == {}


def test_a_build_from_the_cache_gives_the_same_keys_with_and_without_the_record(tmp_path):
    src, store = _sources(tmp_path, ("000", "004")), tmp_path / "cache"
    paths = sorted(p for p in src.iterdir() if p.suffix != ".yml")
    plain = [cache.source_key(p, ROOT) for p in paths]
    digests = cache.Digests(store)
    assert [cache.source_key(p, ROOT, digests=digests) for p in paths] == plain
