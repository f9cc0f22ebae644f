"""`python -m converter check`: each rule passes on a good corpus and fails with its one-line message."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
import yaml

from converter.extract.document import OVERRIDABLE
from converter.render import guide
from converter.tools import check
from tests.contrib_support import (
    BODY,
    PAGE_A,
    PAGE_B,
    PAGE_BARE,
    make_project,
    policy_text,
    rebuild,
    run_cli,
)
from tests.support import ROOT


def _check(root: Path, *extra: str) -> tuple[int, list[str]]:
    code, out = run_cli("check", "--root", str(root), *extra)
    return code, out.splitlines()


def test_a_freshly_built_corpus_passes(tmp_path):
    root = make_project(tmp_path)
    code, lines = _check(root)
    assert code == 0
    assert lines == ["check OK: 0 errors, 0 warnings; 2 sources, 2 documents"]


def test_the_committed_project_passes_the_check():
    report = check.run(ROOT)
    assert report.errors == [], "\n".join(map(str, report.errors))


def test_every_overridable_field_has_a_value_rule():
    assert set(check.OVERRIDE_RULES) == OVERRIDABLE


def _sidecar(root: Path, name: str, text: str, build: bool = True) -> None:
    (root / "sources" / name).write_text(text, encoding="utf-8")
    if build:
        rebuild(root)  # so that only the sidecar itself is wrong, not docs/


# (what the contributor did, the line check must print)
SIDECAR_CASES = {
    "override typo": (
        "overrides:\n  titel: 正确的标题\n",
        "sources/a.meta.yml: overrides.titel: unknown field (did you mean 'title'?)",
    ),
    "unknown override without a near name": (
        "overrides:\n  colour: red\n",
        "sources/a.meta.yml: overrides.colour: unknown field (allowed: " + ", ".join(sorted(OVERRIDABLE)) + ")",
    ),
    "top-level typo": (
        "overide:\n  title: 正确的标题\n",
        "sources/a.meta.yml: overide: unknown key (did you mean 'overrides'?)",
    ),
    "overrides not a mapping": (
        "overrides: 国办发〔2017〕32号\n",
        "sources/a.meta.yml: overrides: must be a mapping of `field: value` lines, indented under `overrides:`",
    ),
    "level outside the list": (
        "overrides:\n  level: city\n",
        "sources/a.meta.yml: overrides.level: 'city' is not one of county, municipal, national, provincial, null",
    ),
    "a date that is not one": (
        "overrides:\n  written_date: soon\n",
        "sources/a.meta.yml: overrides.written_date: 'soon' is not a date; write YYYY-MM-DD, or null",
    ),
    "issuers of the wrong type": (
        "overrides:\n  issuers: {name: 国务院}\n",
        "sources/a.meta.yml: overrides.issuers: must be a name or a list of names, got {'name': '国务院'}",
    ),
    "empty title": (
        "overrides:\n  title: ''\n",
        "sources/a.meta.yml: overrides.title: must not be empty",
    ),
    "index number read as a number": (
        "overrides:\n  index_number: 12345\n",
        "sources/a.meta.yml: overrides.index_number: must be text, got 12345 (put it in quotes)",
    ),
    "unknown encoding": (
        "encoding: gbk2\n",
        "sources/a.meta.yml: encoding: unknown encoding 'gbk2'; use utf-8, gb18030 or remove the line",
    ),
}


@pytest.mark.parametrize("case", sorted(SIDECAR_CASES))
def test_a_wrong_sidecar_fails_with_one_line_naming_file_field_and_fix(tmp_path, case):
    text, expected = SIDECAR_CASES[case]
    root = make_project(tmp_path)
    _sidecar(root, "a.meta.yml", text)
    code, lines = _check(root)
    assert code == 1
    assert lines[:-1] == [expected]
    assert lines[-1].startswith("check FAILED: 1 errors")


def test_a_sidecar_that_is_not_yaml_is_one_problem_not_two(tmp_path):
    root = make_project(tmp_path)
    _sidecar(root, "a.meta.yml", "overrides:\n  title: [unclosed\n", build=False)
    code, lines = _check(root)
    assert code == 1
    problems = [line for line in lines[:-1] if line.startswith("sources/")]
    assert len(problems) == 1
    assert problems[0].startswith("sources/a.meta.yml: (file): not valid YAML (")
    assert problems[0].endswith("; check the indentation and quoting")


def test_a_sidecar_without_its_page_fails(tmp_path):
    root = make_project(tmp_path)
    _sidecar(root, "gone.meta.yml", "overrides:\n  title: 标题\n")
    code, lines = _check(root)
    assert code == 1
    assert lines[0] == (
        "sources/gone.meta.yml: (file): no page next to it (expected gone.html or .txt); remove the sidecar or add the page"
    )


def test_two_pages_sharing_one_sidecar_fail(tmp_path):
    text_b = policy_text("浙江省卫生健康委员会关于做好家庭医生签约服务的通知", "浙卫发〔2021〕7号", "浙江省卫生健康委员会", "2021年4月9日")
    root = make_project(tmp_path, {"a.html": PAGE_A, "a.txt": text_b})
    _sidecar(root, "a.meta.yml", "notes: 同名的两个页面\n")
    code, lines = _check(root)
    assert code == 1
    assert "sources/a.meta.yml: (file): shared by sources/a.html and sources/a.txt; rename one page (and its sidecar) so each page has its own" in lines


def test_a_page_changed_after_saving_fails_the_sha256_check(tmp_path):
    root = make_project(tmp_path)
    page = root / "sources" / "a.html"
    _sidecar(root, "a.meta.yml", f"sha256: {hashlib.sha256(page.read_bytes()).hexdigest()}\n")
    assert _check(root)[0] == 0
    page.write_text(PAGE_A.replace("加强组织领导", "加强领导"), encoding="utf-8")
    rebuild(root)
    code, lines = _check(root)
    actual = hashlib.sha256(page.read_bytes()).hexdigest()
    assert code == 1
    assert lines[:-1] == [
        ("sources/a.meta.yml: sha256: does not match sources/a.html (the page changed after it was saved): "
        f"fetch it again with `make add URL=…`, or set sha256: {actual} if the new bytes are right")
    ]


def test_a_source_that_does_not_convert_fails(tmp_path):
    root = make_project(tmp_path, {"a.html": PAGE_A, "empty.html": b""})
    code, lines = _check(root)
    assert code == 1
    assert lines[:-1] == ["sources/empty.html: (source): cannot convert: empty file (save the page again)"]


def test_a_source_without_a_title_fails_until_the_sidecar_gives_one(tmp_path):
    root = make_project(tmp_path, {"a.html": PAGE_A, "notitle.txt": "\n".join(BODY[1:])})
    code, lines = _check(root)
    assert code == 1
    assert lines[:-1] == [
        "sources/notitle.txt: (source): cannot convert: document 1: no title found (add `overrides: {title: …}` to the sidecar)"
    ]
    _sidecar(root, "notitle.meta.yml", "overrides:\n  title: 浙江省基层医疗卫生服务实施意见\n  doc_number: null\n  issuers: []\n  written_date: null\n")
    assert _check(root, "--strict")[0] == 0


def test_two_documents_with_one_doc_number_fail_naming_both_files(tmp_path):
    twin = PAGE_B.replace("浙卫发〔2021〕7号", "浙政办发〔2020〕12号")
    root = make_project(tmp_path, {"a.html": PAGE_A, "b.html": twin})
    code, lines = _check(root)
    assert code == 1
    assert lines[:-1] == [
        ("sources/a.html: doc_number: 浙政办发〔2020〕12号 is also the 文号 of sources/b.html (docs/policies/b.md); "
        "if it is the same document remove one source, else correct the wrong one with `overrides: {doc_number: …}` in its sidecar")
    ]
    _sidecar(root, "b.meta.yml", "overrides:\n  doc_number: 浙卫发〔2021〕7号\n")
    assert _check(root)[0] == 0


def test_missing_required_fields_are_warnings_that_strict_counts(tmp_path):
    root = make_project(tmp_path, {"bare.html": PAGE_BARE})
    code, lines = _check(root)
    assert code == 0
    assert lines == [
        "sources/bare.html: doc_number: warning: not found in docs/policies/bare.md; add `overrides: {doc_number: …}` to sources/bare.meta.yml, or `doc_number: null` if the page has none",
        "sources/bare.html: issuers: warning: not found in docs/policies/bare.md; add `overrides: {issuers: [发文机关]}` to sources/bare.meta.yml, or `issuers: []` if the page names none",
        "sources/bare.html: written_date: warning: no written_date or publish_date in docs/policies/bare.md; add `overrides: {written_date: YYYY-MM-DD}` to sources/bare.meta.yml, or `written_date: null` if the page gives no date",
        "check OK: 0 errors, 3 warnings; 1 sources, 1 documents",
    ]
    code, lines = _check(root, "--strict")
    assert code == 1
    assert lines[-1] == "check FAILED: 0 errors, 3 warnings (counted as errors: --strict); 1 sources, 1 documents"


def test_an_override_satisfies_a_required_field(tmp_path):
    root = make_project(tmp_path, {"bare.html": PAGE_BARE})
    _sidecar(root, "bare.meta.yml", "overrides:\n  doc_number: 杭政办函〔2021〕3号\n  issuers: [杭州市人民政府办公厅]\n  written_date: null\n")
    code, lines = _check(root, "--strict")
    assert code == 0, lines
    page = (root / "docs" / "policies" / "bare.md").read_text(encoding="utf-8")
    assert "doc_number: 杭政办函〔2021〕3号" in page


def test_news_needs_no_doc_number_issuer_or_date(tmp_path):
    news = "杭州市召开社区卫生工作推进会\n\n6月20日，杭州市召开社区卫生工作推进会，部署下一阶段重点工作。会议要求各区县加快推进社区卫生服务中心建设。"
    root = make_project(tmp_path, {"news.txt": news}, {"news.meta.yml": "overrides:\n  doc_type: 新闻\n"})
    code, lines = _check(root, "--strict")
    assert code == 0, lines


def _front_matter_edit(root: Path, name: str, edit) -> None:
    page = root / "docs" / "policies" / name
    text = page.read_text(encoding="utf-8")
    end = text.index("\n---\n", 3)
    data = yaml.safe_load(text[4:end])
    edit(data)
    page.write_text("---\n" + yaml.safe_dump(data, allow_unicode=True, sort_keys=False) + text[end + 1 :], encoding="utf-8")


FRONT_MATTER_CASES = {
    "level": (lambda d: d.update(level="city"), "'city' is not one of county, municipal, national, provincial, null"),
    "written_date": (lambda d: d.update(written_date="2020-13-05"), "'2020-13-05' is not a real date"),
    "issuers": (lambda d: d.update(issuers="浙江省人民政府办公厅"), "must be a list of text, got '浙江省人民政府办公厅'"),
    "title": (lambda d: d.pop("title"), "missing"),
    "source": (lambda d: d["source"].pop("sha256"), "missing sha256"),
    "cites": (lambda d: d.update(cites=[{"name": "x"}]), "each citation is a mapping of title and/or doc_number, got {'name': 'x'}"),
    "cleaning": (lambda d: d.update(cleaning={"removed_spam": "two"}), "must be a mapping of step: count, got {'removed_spam': 'two'}"),
    "doc_number": (lambda d: d.update(doc_number=12), "must be text, got 12 (put it in quotes)"),
    # Declared in the schema (converter/fields.py) with the fields above: checked like them.
    "index_number": (lambda d: d.update(index_number=12), "must be text, got 12 (put it in quotes)"),
    "effective_date": (lambda d: d.update(effective_date="2020-02-30"), "'2020-02-30' is not a real date"),
    "repeals": (lambda d: d.update(repeals="某办法"), "must be a list of mappings with title and doc_number, got '某办法'"),
}


@pytest.mark.parametrize("field", sorted(FRONT_MATTER_CASES))
def test_invalid_front_matter_fails_naming_the_field(tmp_path, field):
    edit, message = FRONT_MATTER_CASES[field]
    root = make_project(tmp_path)
    _front_matter_edit(root, "a.md", edit)
    code, lines = _check(root)
    assert code == 1
    assert f"docs/policies/a.md: front matter.{field}: {message}; {check.FIX_GENERATED}" in lines
    # A hand edit also makes docs/ differ from what the build writes.
    assert any(x.startswith("docs/policies/a.md: (content): out of date with sources/") for x in lines)


def test_a_page_without_front_matter_fails(tmp_path):
    root = make_project(tmp_path)
    page = root / "docs" / "policies" / "a.md"
    page.write_text(page.read_text(encoding="utf-8").removeprefix("---\n"), encoding="utf-8")
    _, lines = _check(root)
    assert f"docs/policies/a.md: front matter: missing: the page must start with a --- line; {check.FIX_GENERATED}" in lines


def test_docs_edited_by_hand_are_out_of_date(tmp_path):
    root = make_project(tmp_path)
    page = root / "docs" / "policies" / "b.md"
    lines_before = page.read_text(encoding="utf-8").splitlines()
    n = next(i for i, x in enumerate(lines_before, 1) if "确保各项任务落到实处" in x)
    page.write_text(page.read_text(encoding="utf-8").replace("确保各项任务落到实处", "确保落实"), encoding="utf-8")
    code, lines = _check(root)
    assert code == 1
    assert lines[:-1] == [
        (f"docs/policies/b.md: (content): out of date with sources/ (first difference at line {n}): "
        "run `make docs` and commit docs/; do not edit docs/ by hand")
    ]


def test_a_new_source_without_rebuilt_docs_is_reported(tmp_path):
    root = make_project(tmp_path, {"a.html": PAGE_A})
    (root / "sources" / "b.html").write_text(PAGE_B, encoding="utf-8")
    code, lines = _check(root)
    assert code == 1
    assert "docs/policies/b.md: (file): missing: run `make docs` and commit docs/" in lines


def test_a_page_whose_source_is_gone_is_reported(tmp_path):
    root = make_project(tmp_path)
    (root / "sources" / "b.html").unlink()
    code, lines = _check(root)
    assert code == 1
    assert "docs/policies/b.md: (file): no source produces this page: run `make docs` and commit docs/ (it deletes the page)" in lines
    rebuild(root)
    assert _check(root)[0] == 0


def test_every_problem_is_one_line(tmp_path):
    root = make_project(tmp_path, {"a.html": PAGE_A, "bare.html": PAGE_BARE, "empty.txt": b""})
    _sidecar(root, "a.meta.yml", "overrides:\n  titel: |\n    两行\n    标题\n", build=False)
    report = check.run(root)
    assert len(report.problems) >= 4
    for p in report.problems:
        assert "\n" not in str(p) and re.match(r"^[^:]+: [^:]+: ", str(p)), str(p)


# --- the guide on the site -------------------------------------------------------------------


def test_the_site_guide_is_generated_from_contributing_and_checked(tmp_path):
    root = make_project(tmp_path, {"a.html": PAGE_A})
    (root / "CONTRIBUTING.md").write_text("# 贡献指南\n\n第一版。\n", encoding="utf-8")
    assert _check(root)[1][0] == "docs/contributing.md: (file): missing: run `make docs` and commit docs/"
    rebuild(root)
    assert "第一版。" in (root / "docs" / "contributing.md").read_text(encoding="utf-8")
    assert _check(root)[0] == 0
    (root / "CONTRIBUTING.md").write_text("# 贡献指南\n\n第二版。\n", encoding="utf-8")
    code, lines = _check(root)
    assert code == 1 and lines[0].startswith("docs/contributing.md: (content): out of date")


def test_the_committed_guide_is_contributing_md():
    assert (ROOT / "docs" / guide.PAGE).read_text(encoding="utf-8") == guide.pages(ROOT)[guide.PAGE]
    assert f"\n  - 贡献指南: {guide.PAGE}\n" in (ROOT / "mkdocs.yml").read_text(encoding="utf-8")


def test_the_pull_request_checklist_is_the_one_in_the_guide():
    template = (ROOT / ".github" / "pull_request_template.md").read_text(encoding="utf-8")
    items = [x for x in template.splitlines() if x.startswith("- [ ] ")]
    assert len(items) >= 5
    guide_text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    assert all(item in guide_text for item in items)


def test_the_guide_explains_every_overridable_field_and_check_message():
    guide_text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    assert all(f"| `{key}` |" in guide_text for key in OVERRIDABLE)
    for marker in ("unknown field", "unknown key", "not valid YAML", "no page next to it", "does not match",
                   "is also the 文号 of", "front matter.", "out of date", "no source produces this page",
                   "cannot convert", "warning: not found", "make add URL=", "make add FILE=", "来源与处理记录"):
        assert marker in guide_text, marker


def test_stale_index_pages_are_one_line(tmp_path):
    root = make_project(tmp_path)
    (root / "docs" / "index.md").unlink()
    (root / "docs" / "policies" / "index.md").write_text("# 手工改过\n", encoding="utf-8")
    code, lines = _check(root)
    assert code == 1
    assert lines[:-1] == [
        ("docs/: (index pages): 2 generated index/data files out of date, missing or left over "
        "(docs/index.md, docs/policies/index.md): run `make docs` and commit docs/")
    ]


def test_the_cleaning_error_issue_template_asks_for_page_removed_line_and_fix():
    template = (ROOT / ".github" / "ISSUE_TEMPLATE" / "cleaning-error.md").read_text(encoding="utf-8")
    assert yaml.safe_load(template.split("---")[1])["name"] == "清洗错误"
    for asked in ("源文件", "原网址", "来源与处理记录", "应该是什么样"):
        assert asked in template
