"""Hostile or broken things in sources/ (issue 14): symbolic links, alias bombs, wrongly typed
or oversized sidecar fields, odd file names. Each is an error naming the file (and field),
fast, and the other sources still build."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest

from converter import fields
from converter.tools import check
from tests.contrib_support import PAGE_A, PAGE_B, make_project, rebuild, run_cli
from tests.support import ROOT


def _build(root: Path) -> tuple[int, str]:
    return run_cli("build", "--sources", str(root / "sources"), "--out", str(root / "docs"), "--no-cache", "--cache", str(root.parent / "cache"))


def _check(root: Path) -> tuple[int, list[str]]:
    code, out = run_cli("check", "--root", str(root))
    return code, out.splitlines()


def _limited(argv: list[str], cwd: Path, timeout: float = 60) -> tuple[int, str, float]:
    """Run ``python -m converter ARGV`` with 2 GB of address space at most: a build that blows
    up fails here instead of taking the machine with it."""
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))

    start = time.perf_counter()
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "converter", *argv], cwd=cwd, capture_output=True, text=True, check=False,
            timeout=timeout, preexec_fn=limit, env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
    except subprocess.TimeoutExpired:
        return -1, "timed out", time.perf_counter() - start
    return proc.returncode, proc.stdout + proc.stderr, time.perf_counter() - start


# --- 1: symbolic links -------------------------------------------------------------------------


def _secret(tmp_path: Path) -> Path:
    secret = tmp_path / "secret.txt"
    secret.write_text("关于机密事项的通知\n国办发〔2020〕99号\n机密内容：口令是 hunter2。\n国务院办公厅\n2020年1月1日\n", encoding="utf-8")
    return secret


@pytest.mark.parametrize("kind", ["file", "dir", "dangling"])
def test_a_symbolic_link_in_sources_is_an_error_naming_it_and_nothing_is_published(tmp_path, kind):
    root = make_project(tmp_path)
    secret = _secret(tmp_path)
    target = {"file": secret, "dir": tmp_path, "dangling": tmp_path / "gone.txt"}[kind]
    (root / "sources" / "leak.txt").symlink_to(target)
    code, out = _build(root)
    assert code == 1
    assert "leak.txt: is a symbolic link" in out
    published = "\n".join(p.read_text(encoding="utf-8") for p in (root / "docs").rglob("*") if p.is_file())
    assert "hunter2" not in published and "secret.txt" not in published
    assert (root / "docs" / "policies" / "a.md").is_file()  # the other sources still build
    code, lines = _check(root)
    assert code == 1
    assert any(line.startswith("sources/leak.txt: (source): cannot convert: is a symbolic link") for line in lines), lines


def test_a_symbolically_linked_sidecar_is_refused_in_build_and_check(tmp_path):
    root = make_project(tmp_path)
    outside = tmp_path / "outside.yml"
    outside.write_text("overrides:\n  title: 外部文件的标题\n", encoding="utf-8")
    (root / "sources" / "a.meta.yml").symlink_to(outside)
    code, out = _build(root)
    assert code == 1 and "a.meta.yml: is a symbolic link" in out
    assert "外部文件的标题" not in "".join(p.read_text(encoding="utf-8") for p in (root / "docs").rglob("*.md"))
    code, lines = _check(root)
    assert code == 1 and any(line.startswith("sources/a.meta.yml: (file): is a symbolic link") for line in lines), lines


# --- 2, 12: alias bombs, sizes ---------------------------------------------------------------

ALIAS_BOMB = (
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    + "".join(f"{y}: &{y} [{','.join(['*' + x] * 9)}]\n" for x, y in zip("abcdefgh", "bcdefghi"))
    + "overrides: {title: *i}\n"
)


@pytest.mark.parametrize("command", ["build", "check"])
def test_a_yaml_alias_bomb_fails_fast_with_a_clear_error(tmp_path, command):
    root = make_project(tmp_path)
    (root / "sources" / "a.meta.yml").write_text(ALIAS_BOMB, encoding="utf-8")
    assert len(ALIAS_BOMB.encode()) < 1000
    argv = ["build", "--sources", str(root / "sources"), "--out", str(root / "docs"), "--no-cache", "--cache", str(root.parent / "cache")] if command == "build" else ["check", "--root", str(root)]
    code, out, seconds = _limited(argv, root)
    assert code == 1, out[-2000:]
    assert "uses YAML anchors and aliases" in out
    assert seconds < 30


def test_a_sidecar_nested_a_hundred_thousand_levels_deep_is_an_error_not_a_crash(tmp_path):
    root = make_project(tmp_path)
    (root / "sources" / "a.meta.yml").write_text("notes: " + "[" * 100_000 + "]" * 100_000 + "\n", encoding="utf-8")
    code, out, _ = _limited(["build", "--sources", str(root / "sources"), "--out", str(root / "docs"), "--no-cache", "--cache", str(root.parent / "cache")], root)
    assert code == 1, out[-2000:]
    assert "is nested too deeply" in out


def test_a_six_megabyte_title_is_refused_in_a_moment(tmp_path):
    root = make_project(tmp_path)
    (root / "sources" / "a.meta.yml").write_text("overrides:\n  title: " + "标" * 2_000_000 + "\n", encoding="utf-8")
    start = time.perf_counter()
    code, out = _build(root)
    assert time.perf_counter() - start < 10
    assert code == 1 and "a.meta.yml: (file): is 6,000,0" in out and "KiB limit for a sidecar" in out
    assert (root / "docs" / "policies" / "b.md").is_file()


def test_a_title_over_the_field_limit_names_the_field(tmp_path):
    root = make_project(tmp_path)
    (root / "sources" / "a.meta.yml").write_text("overrides:\n  title: " + "标" * 5000 + "\n", encoding="utf-8")
    code, lines = _check(root)
    assert code == 1
    assert "sources/a.meta.yml: overrides.title: is 5,000 characters, over the limit of 1,000" in lines


def test_a_hundred_thousand_unknown_keys_are_one_fast_error(tmp_path):
    root = make_project(tmp_path)
    rebuild(root)
    text = "".join(f"k{i}: {i}\n" for i in range(100_000))
    (root / "sources" / "a.meta.yml").write_text(text, encoding="utf-8")
    start = time.perf_counter()
    code, lines = _check(root)
    assert time.perf_counter() - start < 10
    assert code == 1
    side_lines = [line for line in lines if line.startswith("sources/a.meta.yml")]
    assert len(side_lines) == 1 and "KiB limit for a sidecar" in side_lines[0]


def test_too_many_keys_within_the_size_limit_are_one_error(tmp_path):
    root = make_project(tmp_path)
    (root / "sources" / "a.meta.yml").write_text("".join(f"k{i}: 1\n" for i in range(5000)), encoding="utf-8")
    code, lines = _check(root)
    assert code == 1
    assert "sources/a.meta.yml: (file): has 5,000 keys, over the limit of 64" in lines


# --- 3: one schema, per-source errors ----------------------------------------------------------

BAD_FIELDS = {
    "region: 123": ("overrides:\n  region: 123\n", "overrides.region", "must be text, got 123"),
    "doc_type: [a]": ("overrides:\n  doc_type: [a]\n", "overrides.doc_type", "must be text, got ['a']"),
    "topics: [[1,2]]": ("overrides:\n  topics: [[1, 2]]\n", "overrides.topics", "must be a name or a list of names, got [[1, 2]]"),
    "level: {x: 1}": ("overrides:\n  level: {x: 1}\n", "overrides.level", "{'x': 1} is not one of county, municipal, national, provincial, null"),
    "written_date: 2017-13-45": ("overrides:\n  written_date: 2017-13-45\n", "overrides.written_date", "'2017-13-45' is not a date; write YYYY-MM-DD, or null"),
    "url: [1]": ("url: [1]\n", "url", "must be text or null, got [1]"),
    "overrides: {1: x}": ("overrides:\n  1: x\n", "overrides.1", "a field name must be text, got 1"),
}


@pytest.mark.parametrize("case", sorted(BAD_FIELDS))
def test_a_wrongly_typed_sidecar_field_fails_its_source_only_naming_file_field_and_type(tmp_path, case):
    text, field, message = BAD_FIELDS[case]
    root = make_project(tmp_path)
    (root / "sources" / "a.meta.yml").write_text(text, encoding="utf-8")
    code, out = _build(root)
    assert code == 1
    assert f"sources/a.html: sidecar a.meta.yml: {field}: {message}" in out, out
    assert "Traceback" not in out and "converter error" not in out
    assert (root / "docs" / "policies" / "b.md").is_file()
    assert not (root / "docs" / "policies" / "a.md").exists()
    code, lines = _check(root)
    assert code == 1
    assert any(line.startswith(f"sources/a.meta.yml: {field}: {message}") for line in lines), lines
    assert not any(line.startswith("sources/a.html") for line in lines), lines  # reported once, at the sidecar


def test_build_and_check_share_one_schema_with_chinese_labels():
    assert set(check.OVERRIDE_RULES) == fields.OVERRIDABLE == {k for k, f in fields.OVERRIDE_FIELDS.items() if f.overridable}
    from scraper.store import OWNED_KEYS

    assert set(OWNED_KEYS) <= set(fields.SIDECAR_FIELDS)
    for f in [*fields.OVERRIDE_FIELDS.values(), *fields.SIDECAR_FIELDS.values()]:
        assert any("\u4e00" <= c <= "\u9fff" for c in f.label), f.key


def test_a_good_sidecar_with_every_override_still_builds(tmp_path):
    side = (
        "url: http://www.zj.gov.cn/art/2020/3/5/a.html\nfetched_at: 2024-05-01T08:00:00Z\nnotes: 人工核对\n"
        "overrides:\n  title: 更正的标题\n  doc_number: 浙政办发〔2020〕12号\n  issuers: [浙江省人民政府办公厅]\n"
        "  written_date: 2020-03-05\n  publish_date: '2020-03-06'\n  region: 浙江省\n  level: provincial\n"
        "  doc_type: 通知\n  index_number: '002482410/2020-00012'\n  topics: 卫生\n"
    )
    root = make_project(tmp_path, {"a.html": PAGE_A, "b.html": PAGE_B}, {"a.meta.yml": side})
    code, lines = _check(root)
    assert code == 0, lines
    assert "更正的标题" in (root / "docs" / "policies" / "a.md").read_text(encoding="utf-8")


# --- 13: odd file names ------------------------------------------------------------------------


def test_a_file_name_with_a_newline_is_quoted_in_one_line_messages(tmp_path):
    root = make_project(tmp_path)
    (root / "sources" / "bad\nname.html").write_bytes(b"")
    code, lines = _check(root)
    assert code == 1
    assert "'sources/bad\\nname.html': (source): cannot convert: empty file (save the page again)" in lines, lines
    assert not any(line.startswith("name.html") for line in lines)
    code, out = _build(root)
    assert "sources/bad\\nname.html': empty file" in out


@pytest.mark.parametrize("target", ["/dev/zero", "/proc/self/environ"])
def test_a_link_to_a_device_or_a_private_file_is_refused_without_reading_it(tmp_path, target):
    root = make_project(tmp_path)
    (root / "sources" / "z.html").symlink_to(target)
    code, out, _ = _limited(["build", "--sources", str(root / "sources"), "--out", str(root / "docs"), "--cache", str(tmp_path / "cache")], root, timeout=30)
    assert code == 1 and "z.html: is a symbolic link" in out, out[-2000:]


def test_an_alias_bomb_in_a_docs_page_front_matter_is_one_line_from_check(tmp_path):
    root = make_project(tmp_path)
    page = root / "docs" / "policies" / "a.md"
    page.write_text("---\n" + ALIAS_BOMB.replace("overrides: {title: *i}", "title: *i") + "---\n# 标题\n", encoding="utf-8")
    code, out, seconds = _limited(["check", "--root", str(root)], root)
    assert code == 1 and seconds < 30
    assert "docs/policies/a.md: front matter: uses YAML anchors and aliases" in out, out[-2000:]


def test_add_next_to_an_alias_bomb_sidecar_refuses_it_quickly(tmp_path):
    root = make_project(tmp_path)
    page = tmp_path / "a.html"
    page.write_text(PAGE_A.replace("12号", "13号"), encoding="utf-8")
    (root / "sources" / "a.meta.yml").write_text(ALIAS_BOMB, encoding="utf-8")
    _, out, seconds = _limited(["add", "--root", str(root), "--file", str(page)], root)
    assert seconds < 30 and "Traceback" not in out and "MemoryError" not in out, out[-2000:]
