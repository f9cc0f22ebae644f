"""File naming, atomic writes, sidecars and history."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from scraper import store
from scraper.store import (
    MAX_NAME_LENGTH,
    attachment_filenames,
    page_filename,
    save_page,
    sidecar_path_for,
    write_atomic,
)

# -- naming -------------------------------------------------------------------

def test_page_filename_for_gov_cn_url() -> None:
    url = "https://www.gov.cn/zhengce/content/2019-02/15/content_5365945.htm"
    assert page_filename(url, "text/html; charset=utf-8") == (
        "www.gov.cn_zhengce_content_2019-02_15_content_5365945.html"
    )


def test_page_filename_is_deterministic_and_ignores_fragment() -> None:
    url = "http://www.beijing.gov.cn/zhengce/zfwj/202007/t20200715_1948521.html"
    assert page_filename(url) == page_filename(url + "#top") == page_filename(url)
    assert page_filename(url) == "www.beijing.gov.cn_zhengce_zfwj_202007_t20200715_1948521.html"


def test_sidecar_shares_the_stem_of_the_page() -> None:
    assert sidecar_path_for(Path("out/foo.html")) == Path("out/foo.meta.yml")
    assert sidecar_path_for(Path("out/a.b.pdf")) == Path("out/a.b.meta.yml")


@pytest.mark.parametrize(
    ("content_type", "ext"),
    [(None, ".html"), ("text/html; charset=gbk", ".html"), ("application/pdf", ".pdf"),
     ("application/msword", ".doc"), ("text/plain", ".txt"),
     ("application/octet-stream", ".pdf")],
)
def test_extension_follows_content_type(content_type: str | None, ext: str) -> None:
    name = page_filename("http://example.gov.cn/a/file.pdf", content_type)
    assert name.endswith(ext)
    assert ".pdf.pdf" not in name


def test_query_strings_get_distinct_hashed_names() -> None:
    a = page_filename("http://www.xx.gov.cn/art.jsp?id=1")
    b = page_filename("http://www.xx.gov.cn/art.jsp?id=2")
    assert a != b
    assert a.startswith("www.xx.gov.cn_art_id_1_")


def test_non_default_port_and_trailing_slash() -> None:
    assert page_filename("http://127.0.0.1:8080/zhengce/") == "127.0.0.1_8080_zhengce_index.html"
    assert page_filename("https://www.gov.cn") == "www.gov.cn_index.html"


def test_long_url_is_truncated_with_hash_suffix() -> None:
    url = "https://www.gov.cn/" + "/".join([f"segment{i:02d}" for i in range(40)]) + ".htm"
    name = page_filename(url)
    assert len(name) <= MAX_NAME_LENGTH
    assert name.endswith(".html")
    other = page_filename(url.replace("segment39", "segment38x"))
    assert name != other and name[:100] == other[:100]


def test_chinese_and_traversal_urls_stay_ascii_and_inside(tmp_path: Path) -> None:
    for url in ("http://xx.gov.cn/../../etc/passwd", "http://xx.gov.cn/政策/通知.html",
                "http://政府.cn/%2e%2e/%2F..%5c..", "http://xx.gov.cn/a\\..\\..\\b"):
        name = page_filename(url)
        assert name.isascii() and "/" not in name and "\\" not in name
        assert not name.startswith(".")
        assert (tmp_path / name).resolve().parent == tmp_path.resolve()


@settings(max_examples=150, deadline=None)
@given(path=st.text(max_size=300), query=st.text(max_size=50),
       content_type=st.sampled_from([None, "text/html", "application/pdf", "x/y"]))
def test_any_url_maps_to_a_safe_name(path: str, query: str, content_type: str | None) -> None:
    url = f"http://www.gov.cn/{path}" + (f"?{query}" if query else "")
    name = page_filename(url, content_type)
    assert name.isascii()
    assert 0 < len(name) <= MAX_NAME_LENGTH
    assert "/" not in name and "\\" not in name and "\x00" not in name
    assert not name.startswith(".") and ".." not in name
    assert name == page_filename(url, content_type)


def test_attachment_filenames_are_safe_and_unique() -> None:
    names = attachment_filenames([
        "http://a.gov.cn/x/P020200715.pdf",
        "http://a.gov.cn/y/P020200715.pdf",
        "http://a.gov.cn/up/%E9%99%84%E4%BB%B6.xlsx",
        "http://a.gov.cn/download.jsp?filename=notice.wps",
    ])
    assert names[0] == "P020200715.pdf"
    assert names[1] != names[0] and names[1].endswith(".pdf")
    assert names[2].endswith(".xlsx") and names[2].isascii()
    assert len(set(names)) == 4
    assert all(n.isascii() and "/" not in n and not n.startswith(".") for n in names)


# -- atomic writes --------------------------------------------------------------

def _leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.endswith(".tmp"))


def test_failed_write_leaves_no_partial_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(fd: int) -> None:
        raise OSError("disk full (simulated)")

    monkeypatch.setattr(store.os, "fsync", boom)
    target = tmp_path / "page.html"
    with pytest.raises(OSError, match="simulated"):
        write_atomic(target, b"<html>" + b"x" * 100_000)
    assert not target.exists()
    assert _leftovers(tmp_path) == []


def test_interrupted_rewrite_keeps_the_old_file_intact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "page.html"
    write_atomic(target, b"old complete content")

    real_replace = os.replace

    def interrupted(src: str, dst: str) -> None:
        raise KeyboardInterrupt  # Ctrl-C between writing and renaming

    monkeypatch.setattr(store.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(target, b"new content")
    monkeypatch.setattr(store.os, "replace", real_replace)
    assert target.read_bytes() == b"old complete content"
    assert _leftovers(tmp_path) == []


def test_atomic_write_gives_normal_permissions(tmp_path: Path) -> None:
    old_mask = os.umask(0o022)
    try:
        write_atomic(tmp_path / "a.html", b"a")
    finally:
        os.umask(old_mask)
    assert (tmp_path / "a.html").stat().st_mode & 0o777 == 0o644


# -- sidecar ----------------------------------------------------------------------

def _save(out: Path, content: bytes, fetched_at: str, url: str = "http://www.gov.cn/a.htm"):
    return save_page(
        out, url=url, final_url=url, status=200, content_type="text/html; charset=utf-8",
        encoding="utf-8", content=content, attachments=[], fetched_at=fetched_at,
    )


def test_sidecar_has_exactly_the_documented_keys(tmp_path: Path) -> None:
    saved = _save(tmp_path, b"<p>v1</p>", "2024-01-01T00:00:00Z")
    data = yaml.safe_load(saved.meta_path.read_text(encoding="utf-8"))
    assert list(data) == ["url", "final_url", "site", "status", "fetched_at", "content_type",
                          "encoding", "sha256", "attachments", "history"]
    assert data["fetched_at"] == "2024-01-01T00:00:00Z"
    assert data["site"] == "www.gov.cn"


def test_changed_content_appends_history_and_preserves_human_overrides(tmp_path: Path) -> None:
    first = _save(tmp_path, b"<p>v1</p>", "2024-01-01T00:00:00Z")
    human = (
        "# Reviewed by the editors; do not remove.\n"
        "overrides:\n"
        "  title: 关于进一步优化营商环境的通知  # corrected title\n"
        "  date: '2020-07-15'\n"
        "notes: keep me\n"
    )
    first.meta_path.write_text(first.meta_path.read_text(encoding="utf-8") + human,
                               encoding="utf-8")
    second = _save(tmp_path, b"<p>v2</p>", "2024-02-01T00:00:00Z")
    assert second.outcome == "updated"
    text = second.meta_path.read_text(encoding="utf-8")
    assert human in text  # verbatim, comments included
    data = yaml.safe_load(text)
    assert data["history"] == [{"sha256": store.sha256_hex(b"<p>v1</p>"),
                                "fetched_at": "2024-01-01T00:00:00Z"}]
    assert data["overrides"]["title"] == "关于进一步优化营商环境的通知"
    assert data["notes"] == "keep me"
    third = _save(tmp_path, b"<p>v3</p>", "2024-03-01T00:00:00Z")
    data = yaml.safe_load(third.meta_path.read_text(encoding="utf-8"))
    assert [h["fetched_at"] for h in data["history"]] == ["2024-01-01T00:00:00Z",
                                                           "2024-02-01T00:00:00Z"]
    assert human in third.meta_path.read_text(encoding="utf-8")


def test_flow_style_human_keys_survive_rewrite(tmp_path: Path) -> None:
    first = _save(tmp_path, b"<p>v1</p>", "2024-01-01T00:00:00Z")
    data = yaml.safe_load(first.meta_path.read_text(encoding="utf-8"))
    data["overrides"] = {"title": "标题"}
    first.meta_path.write_text(yaml.safe_dump(data, default_flow_style=True, allow_unicode=True),
                               encoding="utf-8")
    second = _save(tmp_path, b"<p>v2</p>", "2024-02-01T00:00:00Z")
    assert yaml.safe_load(second.meta_path.read_text(encoding="utf-8"))["overrides"] == {
        "title": "标题"}


def test_broken_sidecar_is_not_overwritten(tmp_path: Path) -> None:
    first = _save(tmp_path, b"<p>v1</p>", "2024-01-01T00:00:00Z")
    first.meta_path.write_text("overrides: [unclosed\n", encoding="utf-8")
    with pytest.raises(store.SidecarError):
        _save(tmp_path, b"<p>v2</p>", "2024-02-01T00:00:00Z")
    assert first.meta_path.read_text(encoding="utf-8") == "overrides: [unclosed\n"
    assert first.path.read_bytes() == b"<p>v1</p>"


def test_name_collision_with_another_url_uses_hashed_name(tmp_path: Path) -> None:
    a = _save(tmp_path, b"a", "2024-01-01T00:00:00Z", url="http://www.gov.cn/a/b.htm")
    b = _save(tmp_path, b"b", "2024-01-01T00:00:00Z", url="http://www.gov.cn/a_b.htm")
    assert a.path != b.path
    assert a.path.read_bytes() == b"a" and b.path.read_bytes() == b"b"
