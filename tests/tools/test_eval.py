"""The accuracy evaluation: field scoring, body recall and leakage, the `eval` command,
and the targets on the reference corpus (skipped when ../shared/corpus is absent)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from converter.cli import main
from converter.tools import evaluate
from tests.support import CORPUS, ROOT

FIXTURES = Path(__file__).parents[1] / "fixtures" / "html"


def test_recall_counts_the_share_of_the_true_body_kept():
    truth = "为做好春季农业生产工作现将有关事项通知如下请认真贯彻执行"
    kept = truth[: len(truth) // 2]
    recall, leak = evaluate.recall_and_leakage(truth, kept, kept)
    assert recall == pytest.approx(len(kept) / len(truth))
    assert leak == 0.0


def test_leakage_counts_the_share_of_output_that_is_furniture():
    truth = "为做好春季农业生产工作现将有关事项通知如下请认真贯彻执行"
    furniture = "扫一扫在手机打开当前页"
    recall, leak = evaluate.recall_and_leakage(truth, truth + furniture, truth + furniture)
    assert recall == 1.0
    assert leak == pytest.approx(len(furniture) / len(truth + furniture))


def test_comparison_ignores_whitespace_and_width():
    assert evaluate.norm(" 国办发（2018） 15号\n") == evaluate.norm("国办发(2018)15号")


def test_true_body_comes_from_a_known_container_and_skips_scripts():
    page = '<div id="zoom"><p>正文第一段。</p><script>var x="脚本";</script></div><div>页脚</div>'
    assert evaluate.true_body(page) == "正文第一段。"
    assert evaluate.true_body("<div><p>没有已知容器的页面。</p></div>") is None


def _mini_corpus(tmp_path: Path) -> tuple[Path, Path]:
    raw = tmp_path / "raw"
    raw.mkdir()
    page = (FIXTURES / "city_notice.html").read_text(encoding="utf-8")
    # The evaluator (only it) knows the container id; the page gets one for body truth.
    (raw / "notice.html").write_text(page.replace('<div class="content">', '<div class="content" id="zoom">'), encoding="utf-8")
    shutil.copy(FIXTURES / "interpretation.html", raw / "jiedu.html")
    truth = [
        {"file": "notice.html", "title": "示范市人民政府办公室关于做好2021年春季农业生产工作的通知",
         "doc_number": "示政办〔2021〕3号", "issuer": "市政府办公室", "written_date": "2021-02-26", "publish_date": "2021-03-02"},
        {"file": "jiedu.html", "title": "解读《关于调整2019年部分节假日安排的通知》",
         "doc_number": None, "issuer": None, "written_date": None, "publish_date": "2019-01-03"},
    ]
    (tmp_path / "truth.json").write_text(json.dumps(truth, ensure_ascii=False), encoding="utf-8")
    return tmp_path / "truth.json", raw


def test_eval_command_prints_per_file_and_summary(tmp_path, capsys):
    truth, raw = _mini_corpus(tmp_path)
    code = main(["eval", "--truth", str(truth), "--raw", str(raw), "--no-compare", "--check"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "notice.html" in out and "jiedu.html" in out
    assert "doc_number" in out and "2/2 100.0%" in out  # title right on both pages
    assert "body recall" in out and "targets" in out and "MET" in out


def test_eval_marks_a_wrong_field(tmp_path, capsys):
    truth, raw = _mini_corpus(tmp_path)
    entries = json.loads(truth.read_text(encoding="utf-8"))
    entries[0]["doc_number"] = "示政办〔2021〕4号"
    truth.write_text(json.dumps(entries, ensure_ascii=False), encoding="utf-8")
    scores = evaluate.evaluate(truth, raw, ROOT, compare=False)
    notice = next(s for s in scores if s.file == "notice.html")
    assert notice.fields["doc_number"] is False and notice.fields["title"] is True


@pytest.mark.skipif(not (CORPUS / "truth.json").exists(), reason="reference corpus ../shared/corpus not present")
def test_reference_corpus_meets_the_targets():
    scores = evaluate.evaluate(CORPUS / "truth.json", CORPUS / "raw", ROOT, compare=False)
    assert all(s.error is None for s in scores), [(s.file, s.error) for s in scores if s.error]
    for f in evaluate.FIELDS:
        marks = [s.fields[f] for s in scores if s.fields[f] is not None]
        assert sum(marks) / len(marks) >= evaluate.FIELD_TARGET, (f, [s.file for s in scores if s.fields[f] is False])
    recall = [s.recall for s in scores if s.recall is not None]
    leak = [s.leakage for s in scores if s.leakage is not None]
    assert len(recall) == len(scores)
    assert sum(recall) / len(recall) >= evaluate.RECALL_AVG
    assert min(recall) >= evaluate.RECALL_MIN, [(s.file, s.recall) for s in scores if s.recall < evaluate.RECALL_MIN]
    assert sum(leak) / len(leak) <= evaluate.LEAK_AVG


def test_ordered_coverage_counts_text_held_in_order_only():
    truth = "第一条总则内容第二条适用范围第三条施行日期"
    shuffled = "第二条适用范围第一条总则内容第三条施行日期"
    cov, runs = evaluate.ordered_coverage(truth, shuffled)
    assert cov < 1.0 and runs  # containment would give 1.0
    assert evaluate.ordered_coverage(truth, truth) == (1.0, [])


def test_a_lost_item_number_is_a_lacking_run():
    truth = "要求如下（一）加强领导（二）明确责任"
    cov, runs = evaluate.ordered_coverage(truth, "要求如下加强领导（二）明确责任")
    assert runs == ["（一）"]
    assert cov == pytest.approx(1 - 3 / len(truth))


def test_a_lacking_run_is_explained_by_the_record_entry_that_removed_it():
    removed = [("furniture: outside the main text", "扫一扫在手机打开当前页"), ("hidden: hidden element", "（一）")]
    assert evaluate.explain("（一）", removed) == "hidden: hidden element"
    assert evaluate.explain("扫一扫在手机打开", removed) == "furniture: outside the main text"
    assert evaluate.explain("加强组织领导", removed) is None


def test_report_fails_when_a_lacking_run_has_no_record_entry(capsys):
    s = evaluate.PageScore("p.html", fields={f: None for f in evaluate.FIELDS}, recall=1.0, leakage=0.0, ordered=1.0)
    s.lacking = [evaluate.Lack("加强组织领导", None)]
    assert evaluate.report([s]) is False
    assert "UNEXPLAINED" in capsys.readouterr().out


@pytest.mark.skipif(not (CORPUS / "truth.json").exists(), reason="reference corpus ../shared/corpus not present")
def test_reference_corpus_keeps_the_body_in_order_and_explains_every_lacking_run():
    scores = evaluate.evaluate(CORPUS / "truth.json", CORPUS / "raw", ROOT, compare=False)
    ordered = [s.ordered for s in scores if s.ordered is not None]
    assert sum(ordered) / len(ordered) >= evaluate.ORDERED_AVG
    assert min(ordered) >= evaluate.ORDERED_MIN, [(s.file, s.ordered) for s in scores if s.ordered < evaluate.ORDERED_MIN]
    assert not [(s.file, lk.text) for s in scores for lk in s.lacking if lk.explained_by is None]
