"""The speed-ups of the hot spots (bench/README.md) compute exactly what the plain code did.

Each fast path is checked against a straightforward reference on generated input that
includes the awkward characters (astral, U+0085, brackets, controls)."""

from __future__ import annotations

import re
import unicodedata

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from converter import citations, docnumber, hanzi, numbering, render
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


def _doc_numbers_by_full_patterns(text: str) -> list[tuple[int, int, str]]:
    """The plain reference: YEAR_FORM and ORDER_FORM run over the whole text."""
    out = []
    for m in docnumber.YEAR_FORM.finditer(text):
        bracket = m.end("prefix")
        prefix = docnumber._clean_prefix(docnumber._prefix_before(text, bracket))
        if prefix:
            out.append((bracket - len(prefix), m.end(), f"{prefix}〔{m.group('year')}〕{int(m.group('num'))}号"))
    for m in docnumber.ORDER_FORM.finditer(text):
        ling = m.end("prefix")
        prefix = docnumber._clean_prefix(docnumber._prefix_before(text, ling))
        if prefix and prefix.endswith("令"):
            out.append((ling - len(prefix), m.end(), f"{docnumber.ORDER_ALIASES.get(prefix, prefix)}第{int(m.group('num'))}号"))
    return sorted(out)


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


SENTENCES = st.lists(
    st.one_of(TEXT, st.sampled_from(["按照冀政办发〔2017〕32号", "省政府令第232号", "2018年5月1日国令第707号", "号", "。", "国办发 [2019] 3 号"])),
    max_size=8,
).map("".join)


@FEW
@given(SENTENCES)
def test_doc_numbers_found_from_their_tails_are_those_of_the_full_patterns(text):
    assert docnumber.find_all(text) == _doc_numbers_by_full_patterns(text)


def test_doc_numbers_of_real_bodies_are_those_of_the_full_patterns(sample_docs):
    from tests.support import body_text

    texts = [body_text(d) for docs in sample_docs.values() for d in docs]
    assert sum(len(docnumber.find_all(t)) for t in texts) >= 5  # the samples cite by 文号
    for text in texts:
        assert docnumber.find_all(text) == _doc_numbers_by_full_patterns(text)


def test_no_never_weird_character_is_in_a_weird_category():
    chars = (chr(c) for c in range(0x80, 0x10000))
    assert not [c for c in chars if encoding._NEVER_WEIRD.match(c) and unicodedata.category(c) in encoding._WEIRD_CATEGORIES]


@FEW
@given(st.one_of(TEXT, st.lists(st.sampled_from(["通知", "\u0301", "\ue000", "abc", "，", "\u0378"]), max_size=30).map("".join)))
def test_weird_share_under_half_is_decided_like_the_full_count(text):
    assert encoding._weird_below_half(text) == (encoding._weird_ratio(text) < 0.5)


CLEAN_TEXT = st.text(
    alphabet=st.one_of(st.characters(codec="utf-8"), st.sampled_from(list("，,、。；：%oO0123456789)）号发办令字首页>版权所有ICP备 \n"))),
    max_size=30,
)


@FEW
@given(st.lists(CLEAN_TEXT, min_size=1, max_size=5))
def test_rule_prefilters_match_wherever_a_rule_does(paras):
    from converter import clean

    whole = "\n".join(paras)
    for (_, pattern, _), quick, requires in zip(clean.repairs(), clean.repair_filters(), clean.repair_requires()):
        if quick is not None and any(pattern.search(p) for p in paras):
            assert quick.search(whole)
        for p in paras:
            if requires is not None and pattern.search(p):
                assert requires.search(p)
    for p in paras:
        if len(p) > clean.longest_furniture():
            assert clean._classify(p) in (None, ("spam", "gambling/porn link farm"))


def test_prefilter_refuses_what_it_cannot_guarantee():
    from converter import clean

    assert clean.prefilter([r"a(?!b)"]) is None and clean.prefilter([r"\Aa"]) is None
    assert clean.prefilter([r"(a)\1", "b"]) is None and clean.prefilter([r"(?P<x>a)", "b"]) is None
    assert clean.prefilter([r"^a$", "b"]).search("x\na")


# The patterns as they were before the literal or character class was moved to the front.
OLD_PINYIN = re.compile(r"(?<=\S)\((?:[bpmfdtnlgkhjqxrzcsyw]|[zcs]h)?[aeiou" + hanzi._TONED + r"]{1,3}(?:ng|n|r)?\)")
OLD_REPAIRS = {  # reason in repairs.yml -> pattern
    "full stop read as the letter o after a percent sign (85%o)": re.compile(r"(?<=\d%)[oO](?=[^A-Za-z]|$)"),
    "文号 whose opening bracket was lost (国办发2021)18号)": re.compile(r"(?<=[\u4e00-\u9fff][发办函字令规])(\d{4})[)）]\s*(\d{1,4})\s*号"),
}


@FEW
@given(st.lists(st.one_of(CLEAN_TEXT, st.sampled_from(["醫(yī)", " (a)", "(ā)", "85%o", "国办发2021)18号", "字2020） 3号"])), max_size=6).map("".join))
def test_reordered_patterns_match_as_before(text):
    from converter import clean
    from converter.tables import load

    assert hanzi.PINYIN_ANNOTATION.subn("", text) == OLD_PINYIN.subn("", text)
    by_reason = {rule["reason"]: (new, rule["replace"]) for rule, (_, new, _) in zip(load("repairs")["repairs"], clean.repairs())}
    for reason, old in OLD_REPAIRS.items():
        new, replace = by_reason[reason]
        assert new.subn(replace, text) == old.subn(replace, text)


@FEW
@given(st.one_of(TEXT, st.sampled_from(["2023年4月12日", "（2023年4月12日）", " ( 二〇二三年四月十二日)", "二〇二三年四月十二日", "x2023-01-01"])))
def test_lines_turned_away_as_dates_contain_no_date_line(text):
    from converter import dates

    if not dates._may_be_date_line(text):
        inner = re.sub(r"^\s*[（(](.*)[)）]\s*$", r"\1", text)
        found = dates.find(inner)
        assert not (found and found[0][0] == 0 and found[0][1] >= len(inner.rstrip()) - 1)


TRICKY_SCALARS = [
    "2017-06-30", "2024-05-01T08:00:00Z", "null", "Null", "~", "yes", "No", "on", "y", "1e3", "0x1F", "1_000", ".inf",
    "12:30", "1:20:30", "=", "<<", "a: b", "a:b", "a:", "a #b", "a  b", " lead", "trail ", "/abs/path", "-x", "x-",
    "http://x.cn/a.html", "国办发〔2017〕32号", "publish_date: not found", "ｙｅｓ", "关于（2021-2025年）的通知", "", "0", "007",
]
KEYS = st.sampled_from(["title", "doc_number", "y", "null", "on", "a" * 41, "Title", "_x", "x1", "", "键", "a b"])
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6), TEXT, st.sampled_from(TRICKY_SCALARS))
SHAPES = st.one_of(
    SCALARS,
    st.lists(SCALARS, max_size=3),
    st.dictionaries(KEYS, SCALARS, max_size=3),
    st.lists(st.dictionaries(KEYS, SCALARS, max_size=2), max_size=2),
)


@settings(max_examples=600, deadline=None)
@given(st.dictionaries(KEYS, SHAPES, max_size=6), st.booleans())
def test_front_matter_written_directly_is_what_an_emitter_writes(data, share):
    if share and len(data) >= 2:  # one list or dict under two keys: an emitter writes an alias
        keys = list(data)
        data[keys[1]] = data[keys[0]]
    expected = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10**9, default_flow_style=False)
    assert render.dump_yaml(data) == expected


def test_front_matter_of_the_samples_is_written_directly_and_the_same(sample_docs):
    direct = 0
    for docs in sample_docs.values():
        for d in docs:
            data = yaml.safe_load(render.front_matter(d).strip("-\n"))
            assert render.dump_yaml(data) == yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10**9, default_flow_style=False)
            direct += render._direct_yaml(data) is not None
    assert direct >= 3  # the fast path is the common one on real pages


@FEW
@given(st.lists(st.one_of(TEXT, st.sampled_from([" a\u3000 b ", "\u200bx\ufeff", "a\nb", "\t"])), max_size=6))
def test_spaces_normalised_together_are_normalised_one_by_one(texts):
    from converter import clean

    assert clean.normalise_all(texts) == [clean.normalise_space(t) for t in texts]


@FEW
@given(st.one_of(TEXT, st.sampled_from(["國務院辦公廳關於", "国务院办公厅关于", "著名的乾燥地區", "abc"])).map(lambda t: t * 3))
def test_traditional_share_is_the_share_of_han_characters_opencc_changes(text):
    han = "".join(c for c in text if "\u4e00" <= c <= "\u9fff")
    converted = hanzi.to_simplified(han)
    expected = sum(1 for a, b in zip(han, converted) if a != b) / len(han) if han else 0.0
    assert hanzi.traditional_share(text) == expected


def test_paths_resolved_through_remembered_folders_are_resolved_paths(tmp_path):
    from converter import cache

    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "a.md").write_text("x")
    (tmp_path / "link").symlink_to(tmp_path / "real")
    (tmp_path / "real" / "b.md").symlink_to(tmp_path / "real" / "a.md")
    parents: dict = {}
    for p in ("link/a.md", "link/b.md", "real/missing.md", "link/../real/a.md", "new/deeper/c.md", "real/..", "link/."):
        path = tmp_path / p
        assert cache.resolve(path, parents) == path.resolve()


def test_places_looked_up_by_first_character_are_those_of_a_full_scan(sample_docs):
    from converter import places

    def reference(text):  # the scan over every name, as before
        g = places.geo()
        province = city = None
        rest = text
        for spelling, prov, c in g.names:
            if rest.startswith(spelling):
                province, city, rest = prov, c, rest[len(spelling):]
                break
        if province and not city:
            for spelling, prov, c in g.names:
                if c and prov == province and rest.startswith(spelling):
                    city, rest = c, rest[len(spelling):]
                    break
        m = places._COUNTY.match(rest)
        return places.Place(province=province, city=city, county=m.group(0) if m and (province or city) else None)

    names = [n for n, _, _ in places.geo().names]
    texts = [d.title for docs in sample_docs.values() for d in docs] + [n + "人民政府办公厅" for n in names]
    texts += [n + m for n in names[::7] for m in names[::53]] + ["黑龙江省哈尔滨市道里区", "省政府"]
    for text in texts:
        if not (places.national_body(text) or text.startswith(("国务院", "中共中央", "国家"))):
            assert places.locate(text) == reference(text), text
