"""Bad files: each gives a clear error or warning naming the file, the batch goes on, and
`python -m converter build` exits non-zero. The files are made on the fly (a 100 MB page
is a sparse file, so it costs no disk)."""

from __future__ import annotations

import shutil

import pytest

from converter.clean import sanitize
from converter.cli import main
from converter.pipeline import convert_source
from converter.tables import load
from tests.support import ROOT, SAMPLES, SOURCES

NOTICE = (
    "<h1>关于做好春季农业生产工作的通知</h1><p>各县（市、区）农业农村局：</p>"
    "<p>为切实做好今年春季农业生产工作，确保粮食和重要农产品稳定供给，现将有关事项通知如下。</p>"
    "<p>一、抓好粮食生产。各地要把粮食生产作为头等大事，层层压实责任，确保播种面积稳中有增。</p>"
    "<p>二、强化技术指导。组织农技人员深入田间地头，开展面对面、手把手的技术服务。</p>"
    "<p>某某市农业农村局</p><p>2024年3月1日</p>"
)
PAGE = f"<html><body><div>{NOTICE}</div></body></html>"
KEYWORDS = load("spam")["keywords"]


def _sparse(path, size):
    with open(path, "wb") as fh:
        fh.truncate(size)


# name -> bytes, or a callable writing the file; and what must come of it:
# ("error", words in the reason) or ("warning", words in a warning) or ("ok", None).
BAD_FILES = {
    "empty.html": (b"", "error", "empty file"),
    "png.html": (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "error", "PNG"),
    "pdf.html": (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\n", "error", "PDF"),
    "huge.html": (lambda p: _sparse(p, 100 * 1024 * 1024), "error", "MiB limit"),
    "nul.txt": (b"\x00\x01\x02" * 1000, "error", "binary"),
    "invalid-utf8.html": (PAGE.encode()[:150] + b"\xff\xfe\xc3\x28\x80" + PAGE.encode()[150:], "warning", "could not be decoded"),
    "gbk-undeclared.html": (PAGE.encode("gbk"), "ok", None),
    "utf16-bom.html": (PAGE.encode("utf-16"), "ok", None),
    "nested-10000.html": (("<html><body>" + "<div>" * 10000 + NOTICE + "</div>" * 10000 + "</body></html>").encode(), "warning", "nested"),
    "only-spam.html": (
        ("<html><body><div>" + "".join(f"<p>{k}{KEYWORDS[(i + 5) % len(KEYWORDS)]}</p>" for i, k in enumerate(KEYWORDS)) + "</div></body></html>").encode(),
        "error", "",
    ),
    "whitespace.txt": (b" \n\t\r\n\xe3\x80\x80\n", "error", "no text"),
}


def _write(folder, name):
    data = BAD_FILES[name][0]
    path = folder / name
    if callable(data):
        data(path)
    else:
        path.write_bytes(data)
    return path


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_file_gives_a_clear_error_or_warning(tmp_path, name):
    _, kind, words = BAD_FILES[name]
    docs, problems = convert_source(_write(tmp_path, name), ROOT)
    if kind == "error":
        assert docs == [] and len(problems) == 1
        assert problems[0].file.endswith(name)
        assert words in problems[0].reason
        assert "converter error" not in problems[0].reason  # a known condition, not a crash
    else:
        assert not problems, problems
        assert [d.title for d in docs] == ["关于做好春季农业生产工作的通知"]
        assert "确保粮食和重要农产品稳定供给" in "\n".join(b.text for b in docs[0].blocks)
        if kind == "warning":
            assert any(words in w for w in docs[0].warnings), docs[0].warnings


def test_a_batch_of_bad_files_still_builds_the_good_ones_and_exits_non_zero(tmp_path, capsys):
    src = tmp_path / "sources"
    src.mkdir()
    shutil.copy(SOURCES / SAMPLES["004"], src)
    for name in BAD_FILES:
        _write(src, name)
    code = main(["build", "--sources", str(src), "--out", str(tmp_path / "docs")])
    out = capsys.readouterr().out
    assert code != 0
    errors = [n for n, (_, kind, _) in BAD_FILES.items() if kind == "error"]
    for name in errors:
        assert name in out
    built = {p.stem for p in (tmp_path / "docs" / "policies").glob("*.md")}
    assert SAMPLES["004"][:-4] in built
    assert {n.rsplit(".", 1)[0] for n, (_, kind, _) in BAD_FILES.items() if kind != "error"} <= built


def test_a_page_nested_deeper_than_the_parser_allows_keeps_all_its_paragraphs(tmp_path):
    paras = "".join(f"<p>第{i}段，内容完整保留。</p>" for i in range(5))
    page = "<html><body>" + '<div class="w">' * 3000 + NOTICE + paras + "</div>" * 3000 + "<p>页面结尾说明文字，不能丢失。</p></body></html>"
    path = tmp_path / "deep.html"
    path.write_text(page, encoding="utf-8")
    docs, problems = convert_source(path, ROOT)
    assert not problems
    text = "\n".join(b.text for b in docs[0].blocks)
    assert all(f"第{i}段" in text for i in range(5))


def test_unclosed_paragraphs_and_list_items_do_not_count_as_nesting():
    # Old CMS pages leave <p> and <li> open; a parser closes them, so they are not deep.
    page = "<html><body><div>" + "<p>一段文字。" * 500 + "<ul>" + "<li>一项" * 500 + "</ul></div></body></html>"
    assert sanitize.nesting_depth(page) <= 5
    assert sanitize.flatten_nesting(page) == page


def test_flattening_keeps_text_script_contents_and_shallow_tags():
    page = "<html><body>" + "<div>" * 300 + "<p>深处的文字</p>" + "</div>" * 300 + "<script>if (a<b) {}</script><p>浅处</p></body></html>"
    flat = sanitize.flatten_nesting(page, limit=50)
    assert sanitize.nesting_depth(flat) <= 50
    assert "深处的文字" in flat and "<p>浅处</p>" in flat and "if (a<b) {}" in flat


def test_control_characters_in_a_page_are_dropped_not_fatal(tmp_path):
    path = tmp_path / "controls.html"
    path.write_text(PAGE.replace("现将有关事项", "现将\x08有关\x1b事项\x0c"), encoding="utf-8")
    docs, problems = convert_source(path, ROOT)
    assert not problems
    assert "现将有关事项" in "\n".join(b.text for b in docs[0].blocks)
    assert docs[0].record.changed.get("control_chars") == 3
