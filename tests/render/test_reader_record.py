"""What the 来源与处理记录 box and the rest of the published site say to a reader: removed spam
is counted, never repeated; every message comes from the one table, in Chinese."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from converter import messages, pipeline
from converter.cli import print_removed
from tests.support import CORPUS, ROOT, SOURCES
from tests.test_build import _mkdocs
from tests.test_security_spam import FARM, page_with

HOSTILE = ROOT / "tests" / "fixtures" / "hostile"
# A hidden link farm whose words are in no keyword list, and a keyword-stuffed farm line.
HIDDEN_FARM = page_with(before=f'<div style="display:none">{FARM}</div>')
KEYWORD_FARM = page_with(before="<p>国产精品免费视频|老司机福利在线|无码AV在线观看|欧美精品一区二区|澳门赌场在线投注</p>")


@pytest.fixture(scope="session")
def hostile_build(tmp_path_factory):
    """Samples, hostile fixtures, two injected farms (and the reference corpus when present)
    converted into a copy of docs/ and built into a site."""
    work = tmp_path_factory.mktemp("reader")
    sources = work / "sources"
    shutil.copytree(SOURCES, sources)
    for page in HOSTILE.rglob("*"):
        if page.suffix in (".html", ".txt"):
            shutil.copy(page, sources / f"hostile_{page.name}")
    (sources / "farm_hidden.html").write_text(HIDDEN_FARM, encoding="utf-8")
    (sources / "farm_keywords.html").write_text(KEYWORD_FARM, encoding="utf-8")
    if (CORPUS / "raw").is_dir():
        for page in sorted((CORPUS / "raw").iterdir())[:12]:
            shutil.copy(page, sources / page.name)
    shutil.copytree(ROOT / "docs", work / "docs")
    result = pipeline.build(sources, work / "docs", ROOT)
    proc = _mkdocs(work / "docs", work / "site")
    assert proc.returncode == 0, proc.stderr[-3000:]
    return work, result


def _published_files(work: Path) -> dict[str, str]:
    out = {}
    for folder in (work / "docs", work / "site"):
        for p in folder.rglob("*"):
            if p.is_file() and p.suffix in (".md", ".html", ".json", ".xml", ".txt", ".js"):
                out[p.relative_to(work).as_posix()] = p.read_text(encoding="utf-8", errors="replace")
    return out


def _pieces(text: str) -> set[str]:
    """The farm's items (split where link farms separate them), long enough to be telling."""
    return {s.strip() for s in re.split(r"[|｜,，\s]+", text) if len(s.strip()) >= 6}


def test_removed_spam_and_hidden_text_appear_nowhere_under_docs_or_site(hostile_build):
    work, result = hostile_build
    secret = [
        r for d in result.docs for r in d.record.removed if not messages.step_public(r.step)
    ]
    assert any("老司机" in r.text for r in secret) and any("bet007" in r.text for r in secret)
    assert any("优惠活动入口" in r.text for r in secret)
    pieces = set().union(*(_pieces(r.text) for r in secret))
    leaks = [(name, piece) for name, text in _published_files(work).items() for piece in pieces if piece in text]
    assert not leaks, leaks[:10]


def test_record_box_counts_spam_with_its_rule_and_source_line(hostile_build):
    work, _ = hostile_build
    page = (work / "docs" / "policies" / "002_8c0b7b7d79472d22.md").read_text(encoding="utf-8")
    row = next(line for line in page.splitlines() if "赌博、色情链接" in line)
    assert "第 1 行" in row and "不公开：1 处" in row


def test_check_removed_prints_every_removed_line_with_its_rule(capsys):
    assert print_removed(SOURCES / "002_8c0b7b7d79472d22.txt", ROOT) == 0
    out = capsys.readouterr().out.splitlines()
    spam = next(line for line in out if line.split("\t")[1] == "spam")
    assert spam.startswith("line 1\t") and "spam.link_farm: gambling/porn link farm" in spam and "老司机" in spam
    assert out[-1].startswith(f"{len(out) - 1} removed from ")


def _english_messages() -> set[str]:
    t = messages.table()
    texts = [e.en for e in (*t.messages.values(), *t.steps.values())]
    # The fixed part of each English text, where it is English words (a name like 落款 is not).
    return {part.strip() for en in texts for part in re.split(r"\{\w+\}", en) if re.search(r"[a-z]{4,} [a-z]{2,}", part)}


def test_no_english_message_reaches_docs_or_site(hostile_build):
    work, _ = hostile_build
    english = _english_messages() | {"(page)", "header:"}
    assert {"outside the main text", "hidden element", "moved to metadata:"} & english
    found = [(name, en) for name, text in _published_files(work).items() if name.endswith((".md", ".html"))
             for en in english if en in text]
    assert not found, found[:10]


def test_notes_sit_above_the_removals_table_never_inside_it(hostile_build):
    work, _ = hostile_build
    for page in (work / "docs" / "policies").glob("*.md"):
        box = page.read_text(encoding="utf-8").split('"来源与处理记录"', 1)[-1].splitlines()
        table = [i for i, line in enumerate(box) if line.startswith("    |")]
        notes = [i for i, line in enumerate(box) if "提示：" in line]
        assert not table or not notes or max(notes) < min(table), page.name


@pytest.mark.skipif(not (CORPUS / "raw").is_dir(), reason="reference corpus not present")
def test_information_table_is_one_row_per_field(hostile_build):
    work, _ = hostile_build
    page = (work / "docs" / "policies" / "govcn_content_5341736.md").read_text(encoding="utf-8")
    rows = [line for line in page.splitlines() if "移入元数据：信息公开表" in line]
    assert any(row.endswith("| 发文字号：国令第706号 |") for row in rows)
    assert not any(row.endswith("| 索引号： |") for row in rows)


def test_every_message_has_chinese_and_english_and_unknown_keys_are_rejected():
    t = messages.table()
    for code, entry in t.messages.items():
        assert entry.zh and entry.en, code
    with pytest.raises(messages.MessageTableError, match="unknown key"):
        messages.parse_table({"messages": {"x.y": {"zh": "甲", "en": "a", "fr": "un"}}})
    with pytest.raises(messages.MessageTableError, match="different parameters"):
        messages.parse_table({"messages": {"x.y": {"zh": "甲{a}", "en": "a"}}})


def test_every_reason_and_warning_the_pipeline_produces_is_in_the_table(hostile_build):
    _, result = hostile_build
    used = {r.reason.code for d in result.docs for r in d.record.removed}
    used |= {messages.note(w).code for d in result.docs for w in d.warnings}
    assert "unlisted" not in used
    assert used <= set(messages.table().messages)
    steps = {r.step for d in result.docs for r in d.record.removed} | {s for d in result.docs for s in d.record.changed}
    assert steps <= set(messages.table().steps)


def test_front_matter_warnings_are_chinese(hostile_build):
    work, _ = hostile_build
    for page in (work / "docs" / "policies").glob("*.md"):
        head = page.read_text(encoding="utf-8").split("---\n")[1]
        for w in yaml.safe_load(head).get("warnings") or []:
            assert re.search(r"[\u4e00-\u9fff]", w) and not re.search(r"[a-z]{4,} [a-z]{3,}", w), (page.name, w)


def _record_box(path: Path) -> list[str]:
    from converter.pipeline import _convert_source
    from converter.render.page import record_md

    docs, _ = _convert_source(path, path.parent)
    return record_md(docs[0])


def _summary_and_rows(box: list[str]) -> tuple[dict[str, int], list[list[str]]]:
    summary = next(line for line in box if "清洗统计：" in line).split("清洗统计：", 1)[1]
    counts = {name: int(n) for name, n in (part.rsplit(" ", 1) for part in summary.split("，"))}
    rows = [[c.strip() for c in line.strip().strip("|").split("|")] for line in box[box.index("    | --- | --- | --- | --- |") + 1:] if line.startswith("    |")]
    return counts, rows


def _agree(counts: dict[str, int], rows: list[list[str]]) -> None:
    listed: dict[str, int] = {}
    for row in rows:
        hidden = re.search(r"不公开：(\d+) 处", row[3])
        listed[row[0]] = listed.get(row[0], 0) + (int(hidden.group(1)) if hidden else 1)
    assert {k: v for k, v in counts.items() if k in listed} == listed
    assert set(counts) - set(listed) <= {k for k in counts if k.startswith("修改")}  # in-place edits: no rows


@pytest.mark.skipif(not (CORPUS / "raw").is_dir(), reason="reference corpus not present")
def test_record_summary_counts_the_fields_the_table_lists_and_qr_prompt_is_furniture():
    counts, rows = _summary_and_rows(_record_box(CORPUS / "raw" / "govcn_content_5341736.html"))
    _agree(counts, rows)
    assert counts["移出元数据行"] == len([r for r in rows if r[1] == "移入元数据：信息公开表"]) <= 9
    qr = next(r for r in rows if r[3] == "扫一扫在手机打开当前页")
    assert qr[:2] == ["删除页面控件", "二维码提示"]


def test_record_summary_and_table_tell_the_same_story_each_removal_once():
    counts, rows = _summary_and_rows(_record_box(SOURCES / "002_8c0b7b7d79472d22.txt"))
    _agree(counts, rows)
    damaged = [r for r in rows if "以 □ 代替" in r[1]]
    assert damaged and all(r[0] == "修改损坏字符行" for r in damaged)  # kept with □, not deleted
    assert len({tuple(r) for r in rows}) == len(rows)
    assert {r[2] for r in damaged} >= {"第 35 行", "第 81 行"}  # the same garbled run, twice in the source


@pytest.mark.parametrize("kind, tool", [("pdf", "pdfplumber"), ("xlsx", "python-calamine"), ("doc", "LibreOffice → Word XML"),
                                        ("ofd", "lxml（OFD XML）"), ("scan", "tesseract chi_sim（OCR）")])
def test_the_card_and_record_box_say_how_the_text_was_read_in_chinese(kind, tool):
    from converter.render.page import render
    from tests.linked_corpus import doc

    d = doc("a", "某某市人民政府关于做好某项工作的通知")
    d.source.extracted_from = {"file": f"sources/a.attachments/f.{kind}", "format": kind, "tool": tool, "sha256": "0" * 64}
    md = render(d)
    [row] = [line for line in md.splitlines() if line.startswith("| 文本来自 |")]
    [record] = [line for line in md.splitlines() if "文本提取：" in line]
    assert not re.search(r"[A-Za-z]{3,}", row.replace(f"f.{kind}", "").replace("PDF", "").replace("Word", "").replace("OFD", "").replace("Excel", ""))
    assert record.split("（程序：")[0].count(tool) == 0 and re.search(r"(读取|识别)", record)
