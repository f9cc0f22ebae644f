"""Structure beyond 一、 on HTML pages: decimal plans (1 / 1.1 / 1.1.1) and the numbering
they use, with anchors a reader can cite."""

from __future__ import annotations

from converter.extract import structure
from converter.model import Para
from converter.text import numbering


def test_decimal_numbers_at_every_depth():
    assert numbering.match("1.1 总体要求") == numbering.Numbered("decimal", "1.1", "1.1", "总体要求")
    assert numbering.match("1.1.2 加强组织领导") == numbering.Numbered("decimal", "1.1.2", "1.1.2", "加强组织领导")
    assert numbering.match("2 主要任务") == numbering.Numbered("decimal", "2", "2", "主要任务")


def test_numbers_in_running_text_are_not_decimal_headings():
    assert numbering.match("3 个工作日内完成审核，并告知申请人。") is None
    assert numbering.match("2.3%的增长率") is None
    assert numbering.match("2020年全省粮食工作要点") is None


def test_a_decimal_plan_gets_anchors_from_its_numbers():
    paras = [Para(t) for t in (
        "1 总体要求", "1.1 指导思想", "以习近平新时代中国特色社会主义思想为指导，推动高质量发展。",
        "1.2 基本原则", "1.2.1 坚持问题导向", "2 主要任务", "2.1 加强基础设施建设",
    )]
    blocks, _ = structure.build(paras)
    numbered = [(b.label, b.anchor) for b in blocks if b.label]
    assert numbered == [
        ("1", "d1"), ("1.1", "d1-1"), ("1.2", "d1-2"), ("1.2.1", "d1-2-1"), ("2", "d2"), ("2.1", "d2-1"),
    ]
