"""Bad sources are reported with their path and reason; the batch goes on."""

from __future__ import annotations

import shutil

from converter import pipeline
from converter.cli import main
from tests.support import ROOT, SAMPLES, SOURCES


def _folder(tmp_path, files: dict[str, bytes]):
    src = tmp_path / "sources"
    src.mkdir()
    shutil.copy(SOURCES / SAMPLES["001"], src / SAMPLES["001"])
    for name, data in files.items():
        (src / name).write_bytes(data)
    return src


def test_bad_sources_are_reported_and_the_rest_is_built(tmp_path):
    src = _folder(
        tmp_path,
        {
            "empty.html": b"",
            "image.html": b"\x89PNG\r\n\x1a\n" + bytes(range(256)),
            "report.txt": b"%PDF-1.7\n...",
            "spam.html": "国产91精品免费久久看|亚洲精品自慰出水AV|老司机在线精品视频播放|吃瓜黑料网51|婷婷久久精品一区".encode(),
            "notitle.txt": "本市各单位要认真做好相关工作。\n请各单位按时报送材料。".encode(),
        },
    )
    result = pipeline.build(src, tmp_path / "docs", ROOT)
    reasons = {p.file.split("/")[-1]: p.reason for p in result.problems}
    assert reasons["empty.html"] == "empty file"
    assert "PNG" in reasons["image.html"]
    assert "PDF" in reasons["report.txt"]
    assert "no text left" in reasons["spam.html"]
    assert "no title found" in reasons["notitle.txt"]
    assert [d.slug for d in result.docs] == ["001_d2b59fd790b2730b"]


def test_build_exits_non_zero_when_a_source_failed(tmp_path, capsys):
    src = _folder(tmp_path, {"empty.html": b""})
    code = main(["build", "--sources", str(src), "--out", str(tmp_path / "docs")])
    out = capsys.readouterr().out
    assert code == 1
    assert "empty.html" in out and "empty file" in out
    assert (tmp_path / "docs" / "policies" / "001_d2b59fd790b2730b.md").exists()


def test_convert_writes_given_files_into_a_folder(tmp_path, capsys):
    code = main(["convert", str(SOURCES / SAMPLES["004"]), "--out", str(tmp_path / "out")])
    assert code == 0
    assert (tmp_path / "out" / "policies" / "004_0395a73e19e4f75c.md").exists()
    assert "004_0395a73e19e4f75c" in capsys.readouterr().out


def test_a_converter_error_names_the_file_by_its_path_under_the_sources(tmp_path, monkeypatch):
    # Two attachments of different pages may share a file name: only the path tells them apart.
    path = tmp_path / "page.html.attachments" / "附件1.pdf"
    path.parent.mkdir()
    path.write_bytes(b"%PDF-1.4")

    def broken(*_args, **_kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(pipeline, "read_source", broken)
    docs, problems = pipeline._convert_source(path, tmp_path)
    assert docs == [] and [p.file for p in problems] == ["page.html.attachments/附件1.pdf"]
    assert "converter error: RuntimeError: a bug" in problems[0].reason
