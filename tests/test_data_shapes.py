"""The rule tables in converter/data load only in their declared shape: a misspelt key in a
rule (`patern:`) or at the top of a table is an error naming the file, not a rule silently
ignored."""

from __future__ import annotations

import pytest

from converter import tables


@pytest.mark.parametrize("name", sorted(tables.SHAPES))
def test_every_rule_table_loads_in_its_declared_shape(name):
    tables.check_shape(name, tables.load(name))


def test_a_misspelt_key_in_a_rule_is_rejected_naming_the_file_and_the_key():
    data = {"line_rules": [{"step": "furniture", "reason": "x", "patern": "^打印$"}], "meta_rules": []}
    with pytest.raises(ValueError, match=r"converter/data/noise\.yml: line_rules\[0\] has unknown key 'patern'"):
        tables.check_shape("noise", data)


def test_an_unknown_top_level_key_is_rejected():
    with pytest.raises(ValueError, match=r"spam\.yml: unknown key 'keyword'"):
        tables.check_shape("spam", {"threshold": 2, "keyword": ["x"]})


def test_a_table_without_a_declared_shape_is_not_checked():
    tables.check_shape("messages", {"anything": 1})
