"""The speed-ups of the hot spots (bench/README.md) compute exactly what the plain code did.

Each fast path is checked against a straightforward reference on generated input that
includes the awkward characters (astral, U+0085, brackets, controls)."""

from __future__ import annotations

import re
import unicodedata

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from converter import docnumber, hanzi, numbering, render
from scraper import encoding

FEW = settings(max_examples=300, deadline=None)
TEXT = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8"),
        st.sampled_from(list("〔〕[]()（）【】令第号国办发政府2017 \n\t\x85\u2028\ufeff😀𠀀&<>*_#:-'\"")),
    ),
    max_size=40,
)


@FEW
@given(TEXT, st.lists(TEXT, max_size=3))
def test_front_matter_yaml_is_the_same_from_either_emitter(title, issuers):
    data = {"title": title, "issuers": issuers, "source": {"file": title, "sha256": None}, "cleaning": {"removed_spam": 2}}
    expected = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10**9, default_flow_style=False)
    assert render.dump_yaml(data) == expected


@FEW
@given(TEXT)
def test_esc_matches_the_entity_rule(text):
    # Reference: every inline-special character as its entity, after collapsing spaces.
    flat = re.sub(r"\s+", " ", text).strip()
    expected = render._escape_line_start("".join(render._ENTITIES[c] if c in render._INLINE else c for c in flat))
    assert render.esc(text) == expected


@FEW
@given(TEXT)
def test_doc_number_scan_starts_before_every_match(text):
    for form, tail in ((docnumber.YEAR_FORM, docnumber._YEAR_TAIL), (docnumber.ORDER_FORM, docnumber._ORDER_TAIL)):
        start = docnumber._scan_start(tail, text)
        full = [m.span() for m in form.finditer(text)]
        assert full == ([m.span() for m in form.finditer(text, start)] if start is not None else [])


def test_doc_number_scan_keeps_a_long_prefix_and_spaces():
    text = "按照冀政办发  〔2017〕32号，省政府令第232号执行。" * 3
    found = [n for _, _, n in docnumber.find_all(text)]
    assert found == ["冀政办发〔2017〕32号", "省政府令第232号"] * 3


@FEW
@given(TEXT, TEXT)
def test_changed_characters_are_counted_like_a_pairwise_comparison(a, b):
    assert hanzi._count_changed(a, b, block=4) == sum(1 for x, y in zip(a, b) if x != y)


@FEW
@given(TEXT)
def test_encoding_ratios_match_a_character_by_character_count(text):
    non_ascii = [c for c in text if c >= "\x80"]
    common = sum(1 for c in non_ascii[:20000] if encoding._is_common_char(c))
    assert encoding._cjk_score(text) == (common / len(non_ascii[:20000]) if non_ascii else 1.0)
    weird = sum(1 for c in non_ascii[:20000] if unicodedata.category(c) in ("Mn", "Mc", "Me", "Cn", "Co", "Cc", "Cs"))
    assert encoding._weird_ratio(text) == (weird / len(non_ascii[:20000]) if non_ascii else 0.0)
    controls = sum(1 for c in text if c < "\x20" and c not in "\t\n\r\f\v")
    bad = sum(1 for c in non_ascii if ord(c) <= 0x9F or 0xE000 <= ord(c) <= 0xF8FF or c == "\ufffd")
    expected = max(controls / len(text) if text else 0.0, bad / len(non_ascii) if non_ascii else 0.0)
    assert encoding._bad_ratio(text) == expected


@FEW
@given(TEXT)
def test_text_turned_away_by_its_first_character_matches_no_numbering_marker(text):
    if not numbering.may_be_numbered(text):
        assert not any(m.pattern.match(text) for m in numbering.MARKERS)
    for sample in ("一、总体要求", "（三）加强领导", "第二章 总则", "１．全角", "12. 条目", "(1)小项"):
        assert numbering.may_be_numbered(sample)
