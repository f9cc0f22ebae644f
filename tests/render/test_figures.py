"""Figures keep their words: an image in the body with alt text or a caption is a figure block
(caption as text, alt text kept); the image itself only from a safe http(s) address."""

from __future__ import annotations

from pathlib import Path

from converter import pipeline
from converter.render.page import render
from tests.support import ROOT

PAGE = ROOT / "tests" / "fixtures" / "figures" / "figure_page.html"


def _markdown(path: Path) -> str:
    docs, errors = pipeline._convert_source(path, path.parent)
    assert not errors and len(docs) == 1
    return render(docs[0])


def test_figure_keeps_its_caption_and_alt_text_and_a_safe_image():
    md = _markdown(PAGE)
    assert "![审批流程图：受理、审查、决定](https://www.example.gov.cn/zwgk/2024/images/flow.png)" in md
    lines = md.splitlines()
    caption = next(i for i, line in enumerate(lines) if line.startswith("图1"))
    assert lines[caption + 1] == "{: .figure-caption }"
    assert md.index("flow.png") < md.index("图1") < md.index("第二条")  # in the source's order


def test_figure_with_an_unsafe_address_keeps_its_words_without_the_image():
    md = _markdown(PAGE)
    assert "javascript" not in md
    assert "［图片未收录：组织结构图］" in md


def test_image_inside_a_line_of_text_does_not_break_the_line(tmp_path):
    page = PAGE.read_text(encoding="utf-8").replace(
        "<p>第三条", '<p>第三条　本办法的附图<img src="https://x.example/a.png" alt="附图">另行印发。</p><p>第四条')
    (tmp_path / "inline.html").write_text(page, encoding="utf-8")
    md = _markdown(tmp_path / "inline.html")
    assert "本办法的附图另行印发。" in md and "a.png" not in md
