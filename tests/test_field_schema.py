"""The one field schema (converter/fields.py): every place that lists, labels or checks a field
reads it from there, so a field declared once is written, shown and checked everywhere."""

from __future__ import annotations

import dataclasses

import pytest

from converter import fields
from converter.extract import document
from converter.read import sidecar
from converter.render import page
from converter.tools import add, check
from tests.contrib_support import make_project, rebuild
from tests.support import ROOT


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = make_project(tmp_path_factory.mktemp("schema"))
    return root, rebuild(root).docs[0]


def test_every_key_a_page_is_written_with_is_a_declared_field(built):
    root, _ = built
    for folder in (root / "docs" / "policies", ROOT / "docs" / "policies"):
        for md in sorted(folder.glob("*.md")):
            if md.name == "index.md":
                continue
            data = check.front_matter(md.read_text(encoding="utf-8"))
            assert isinstance(data, dict), md
            assert set(data) <= set(fields.FRONT_MATTER_FIELDS), (md, set(data) - set(fields.FRONT_MATTER_FIELDS))


def test_the_front_matter_starts_with_the_document_fields_in_schema_order(built):
    _, doc = built
    data = check.front_matter(page.front_matter(doc))
    assert isinstance(data, dict)
    assert list(data)[: len(fields.DOC_FIELDS)] == [f.key for f in fields.DOC_FIELDS]


def test_check_validates_every_written_field_with_the_schema_validator():
    assert check.FRONT_MATTER == {k: f.written for k, f in fields.FRONT_MATTER_FIELDS.items() if f.written}
    assert set(check.OVERRIDE_RULES) == document.OVERRIDABLE == {f.key for f in fields.DOC_FIELDS if f.overridable}


def test_the_reader_keeps_in_extra_exactly_the_sidecar_keys_the_schema_does_not_map():
    assert sidecar.SIDECAR_KEYS == {k for k, f in fields.SIDECAR_FIELDS.items() if f.read}


def test_a_label_changed_in_the_schema_changes_the_card_and_the_add_summary(built, monkeypatch):
    root, doc = built
    renamed = dataclasses.replace(fields.FRONT_MATTER_FIELDS["doc_number"], label="文件编号")
    monkeypatch.setitem(fields.FRONT_MATTER_FIELDS, "doc_number", renamed)
    assert f"| 文件编号 | {doc.doc_number} |" in page.card(doc)
    assert f"  文件编号：{doc.doc_number}" in add.summary_lines(doc, root / "docs", root)


def test_card_and_add_summary_show_the_same_fields_with_the_same_labels(built):
    root, doc = built
    card_labels = [line.split(" | ")[0].removeprefix("| ") for line in page.card(doc) if line.startswith("| ")]
    summary_labels = [line.strip().split("：")[0] for line in add.summary_lines(doc, root / "docs", root) if "：" in line]
    assert card_labels[0] == summary_labels[0] == "标题"
    assert summary_labels == [fields.row_label(keys) for keys in fields.SUMMARY_ROWS]
    assert card_labels[2 : 2 + len(fields.CARD_ROWS)] == [fields.row_label(keys) for keys in fields.CARD_ROWS]
    assert set(summary_labels) <= set(card_labels)


def test_a_policy_document_without_an_expected_field_is_warned_about(built):
    _, doc = built
    assert fields.EXPECTED == ("doc_number", "issuers", "written_date", "publish_date")
    # The sample page gives no 发布日期: the one expected field it lacks is warned about.
    missing = [w.params.get("field") for w in doc.warnings if getattr(w, "code", "") == "warn.missing"]
    assert missing == ["publish_date"]
    assert missing == [k for k in fields.EXPECTED if not getattr(doc, k)]
