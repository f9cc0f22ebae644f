"""The conversion cache: unchanged sources are not converted again, and anything that can
change a source's output (its bytes, its sidecar, the converter's code or data) is a miss."""

from __future__ import annotations

import shutil

from tests.support import ROOT, SAMPLES, SOURCES

from converter import cache, pipeline
from converter.link import link


def _sources(tmp_path, keys=("000", "004")):
    src = tmp_path / "sources"
    src.mkdir()
    for key in keys:
        shutil.copy(SOURCES / SAMPLES[key], src / SAMPLES[key])
    return src


def _convert(src, cache_dir):
    from converter.read import list_sources

    return pipeline.convert_many(list_sources(src), ROOT, cache_dir=cache_dir)


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
    for entry in store.rglob("*.pickle"):
        entry.write_bytes(b"not a pickle")
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
