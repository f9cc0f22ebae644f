"""The speed-ups of the hot spots (bench/README.md) compute exactly what the plain code did.

Each fast path is checked against a straightforward reference on generated input that
includes the awkward characters (astral, U+0085, brackets, controls)."""

from __future__ import annotations

import re
import unicodedata

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from converter.clean import rules
from converter.read import sidecar
from converter.render import page
from converter.text import docnumber, hanzi, numbering, space
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
    assert page.dump_yaml(data) == expected


@FEW
@given(TEXT)
def test_esc_matches_the_entity_rule(text):
    # Reference: every inline-special character as its entity, after collapsing spaces.
    flat = re.sub(r"\s+", " ", text).strip()
    expected = page._escape_line_start("".join(page._ENTITIES[c] if c in page._INLINE else c for c in flat))
    assert page.esc(text) == expected


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
    assert hanzi.count_changed(a, b, block=4) == sum(1 for x, y in zip(a, b) if x != y)


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

    whole = "\n".join(paras)
    for (_, pattern, _), quick, requires in zip(rules.repairs(), rules.repair_filters(), rules.repair_requires()):
        if quick is not None and any(pattern.search(p) for p in paras):
            assert quick.search(whole)
        for p in paras:
            if requires is not None and pattern.search(p):
                assert any(r.search(p) for r in requires)
    for p in paras:
        if len(p) > rules.longest_furniture():
            assert rules.classify(p) in (None, ("spam", "gambling/porn link farm"))


def test_prefilter_refuses_what_it_cannot_guarantee():

    assert rules.prefilter([r"a(?!b)"]) is None and rules.prefilter([r"\Aa"]) is None
    assert rules.prefilter([r"(a)\1", "b"]) is None and rules.prefilter([r"(?P<x>a)", "b"]) is None
    assert rules.prefilter([r"^a$", "b"]).search("x\na")


# The patterns as they were before the literal or character class was moved to the front.
OLD_PINYIN = re.compile(r"(?<=\S)\((?:[bpmfdtnlgkhjqxrzcsyw]|[zcs]h)?[aeiou" + hanzi._TONED + r"]{1,3}(?:ng|n|r)?\)")
OLD_REPAIRS = {  # reason in repairs.yml -> pattern
    "full stop read as the letter o after a percent sign (85%o)": re.compile(r"(?<=\d%)[oO](?=[^A-Za-z]|$)"),
    "文号 whose opening bracket was lost (国办发2021)18号)": re.compile(r"(?<=[\u4e00-\u9fff][发办函字令规])(\d{4})[)）]\s*(\d{1,4})\s*号"),
}


@FEW
@given(st.lists(st.one_of(CLEAN_TEXT, st.sampled_from(["醫(yī)", " (a)", "(ā)", "85%o", "国办发2021)18号", "字2020） 3号"])), max_size=6).map("".join))
def test_reordered_patterns_match_as_before(text):
    from converter.tables import load

    assert hanzi.PINYIN_ANNOTATION.subn("", text) == OLD_PINYIN.subn("", text)
    by_reason = {rule["reason"]: (new, rule["replace"]) for rule, (_, new, _) in zip(load("repairs")["repairs"], rules.repairs())}
    for reason, old in OLD_REPAIRS.items():
        new, replace = by_reason[reason]
        assert new.subn(replace, text) == old.subn(replace, text)


@FEW
@given(st.one_of(TEXT, st.sampled_from(["2023年4月12日", "（2023年4月12日）", " ( 二〇二三年四月十二日)", "二〇二三年四月十二日", "x2023-01-01"])))
def test_lines_turned_away_as_dates_contain_no_date_line(text):
    from converter.text import dates

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
    assert page.dump_yaml(data) == expected


def test_front_matter_of_the_samples_is_written_directly_and_the_same(sample_docs):
    direct = 0
    for docs in sample_docs.values():
        for d in docs:
            data = yaml.safe_load(page.front_matter(d).strip("-\n"))
            assert page.dump_yaml(data) == yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10**9, default_flow_style=False)
            direct += page._direct_yaml(data) is not None
    assert direct >= 3  # the fast path is the common one on real pages


@FEW
@given(st.lists(st.one_of(TEXT, st.sampled_from([" a\u3000 b ", "\u200bx\ufeff", "a\nb", "\t"])), max_size=6))
def test_spaces_normalised_together_are_normalised_one_by_one(texts):

    assert space.normalise_all(texts) == [space.normalise_space(t) for t in texts]


@FEW
@given(st.one_of(TEXT, st.sampled_from(["國務院辦公廳關於", "国务院办公厅关于", "著名的乾燥地區", "abc"])).map(lambda t: t * 3))
def test_traditional_share_is_the_share_of_han_characters_opencc_changes(text):
    han = "".join(c for c in text if "\u4e00" <= c <= "\u9fff")
    converted = hanzi.to_simplified(han)
    expected = sum(1 for a, b in zip(han, converted) if a != b) / len(han) if han else 0.0
    assert hanzi.traditional_share(text) == expected


def test_paths_resolved_through_remembered_folders_are_resolved_paths(tmp_path):
    from converter.runtime import cache

    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "a.md").write_text("x")
    (tmp_path / "link").symlink_to(tmp_path / "real")
    (tmp_path / "real" / "b.md").symlink_to(tmp_path / "real" / "a.md")
    parents: dict = {}
    for p in ("link/a.md", "link/b.md", "real/missing.md", "link/../real/a.md", "new/deeper/c.md", "real/..", "link/."):
        path = tmp_path / p
        assert cache.resolve(path, parents) == path.resolve()


def test_places_looked_up_by_first_character_are_those_of_a_full_scan(sample_docs):
    from converter.text import places

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


# --- third round (issue 7): each fast path against the plain computation it replaces -------------


@FEW
@given(st.one_of(
    TEXT.map(lambda t: t.encode("utf-8")),
    TEXT.map(lambda t: t.encode("gb18030", "replace")),
    st.binary(max_size=60),
    st.sampled_from([b"\xef\xbb\xbf\xe9\x80\x9a\xe7\x9f\xa5", b"\xcd\xa8\xd6\xaa", "国务院办公厅关于印发".encode("gbk")]),
), st.sampled_from([None, "text/html; charset=gbk", "text/html; charset=utf-8"]))
def test_decoding_reuses_the_strict_decoding_of_the_detected_codec(data, content_type):
    name = encoding.detect_encoding(data, content_type)
    try:
        expected = data.decode(name)
    except UnicodeDecodeError:
        expected = data.decode(name, errors="replace")
    assert encoding.decode(data, content_type) == (expected.removeprefix("\ufeff"), name)


def test_weird_share_of_a_long_text_uses_its_first_non_ascii_characters():
    # Over 20,000 non-ASCII characters: the share is of the sample, as before.
    for text in ("通知" * 6000 + "\u0301" * 30000, "\u0301" * 30000 + "通知" * 6000, "a" * 10 + "通知\ue000" * 8000):
        assert encoding._weird_below_half(text) == (encoding._weird_ratio(text) < 0.5)


SIDECAR_VALUES = st.one_of(
    st.text(alphabet=st.sampled_from(list("ab09 国务院:/.")), max_size=12),
    st.text(alphabet=st.sampled_from(list("ab09 国务院:#'-~./?%&*!|>[]{},@`\"\t\x85\u2028\ufeff\u3000")), max_size=12),
    TEXT.filter(lambda t: "\n" not in t),
    st.sampled_from(TRICKY_SCALARS + ["'quoted'", "'it''s'", "''", "'a' b'", "http://x.cn/a#b", "a # c", "'x' # c", "[a]", "{a: 1}", "'"]),
)
# Mostly the usual keys and separator, so that the direct reading is taken often.
SIDECAR_KEYS = st.sampled_from(["url", "site", "fetched_at", "sha256", "encoding"] * 4 + ["y", "null", "on", "Title", "键", "a b", "# note", "  x", "---", "...", "- a", ""])


@settings(max_examples=500, deadline=None)
@given(st.lists(st.tuples(SIDECAR_KEYS, SIDECAR_VALUES, st.sampled_from([": "] * 8 + [":", " : ", ":  "])), max_size=3, unique_by=lambda t: t[0]),
       st.sampled_from(["\n", "", "\n\n"]))
def test_sidecars_read_as_the_pure_python_yaml_loader_reads_them(items, end):

    text = "\n".join(f"{k}{sep}{v}" for k, v, sep in items) + end
    try:
        expected = yaml.safe_load(text)
    except (yaml.YAMLError, ValueError):
        # malformed: libyaml rejects some of it differently (e.g. accepts "url: >#"); a
        # date-shaped value that is no date (0000-00-00) is a ValueError from the resolver
        return
    assert sidecar.load_sidecar_text(text) == expected


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(SIDECAR_KEYS.filter(bool), st.one_of(st.none(), SIDECAR_VALUES), max_size=5))
def test_sidecars_as_the_tools_write_them_read_back_the_same(data):

    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    assert sidecar.load_sidecar_text(text) == yaml.safe_load(text)


def test_sidecars_in_the_usual_shapes_are_read_by_libyaml():

    text = "url: http://www.example.gov.cn/zwgk/0.html\nsite: 池州市人民政府门户网站\nfetched_at: '2024-05-01T08:00:00Z'\n"
    assert sidecar._LIBYAML_SAFE.fullmatch(text)
    assert sidecar.load_sidecar_text(text) == yaml.safe_load(text)


LINES = st.one_of(
    CLEAN_TEXT,
    st.sampled_from([
        "来源：市政府办公室", "发布时间：2023-04-12 10:00", "作者：张三 发布日期：2023-04-12", "公开方式：主动公开",
        "方案.docx", "欢迎转载，原文链接：http://x.cn/a", "在线投注|百家乐|葡京|太阳城|老虎机", "BET365 入口", "bet88",
        "88精品", "AV", "首页 > 政策", "版权所有 © 2024", "打印 | 关闭", "1.", "——————", "xxx porn",
    ]),
)


@FEW
@given(st.lists(LINES, min_size=1, max_size=3).map("".join))
def test_line_rule_unions_and_length_tables_decide_like_the_rules_one_by_one(line):
    from converter.tables import load

    meta_hit = any(p.search(line) for _, p in rules.meta_rules())
    assert bool(rules.meta_rules_filter().search(line)) == meta_hit
    table = load("spam")
    keywords = sum(1 for k in table["keywords"] if k in line)
    patterns = sum(1 for p in table["patterns"] if re.search(p, line))
    any_keyword, any_pattern = rules._spam_filters()
    assert bool(any_keyword.search(line)) == (keywords > 0) and bool(any_pattern.search(line)) == (patterns > 0)
    items = [s for s in re.split(r"[|｜,，]", line) if s.strip()]
    farm = len(items) >= table["farm_min_items"] and max(len(s) for s in items) <= table["farm_max_item_len"]
    assert rules.spam_score(line) == keywords + patterns + farm
    plain = next(((r.step, r.reason) for r in rules.line_rules() if len(line) <= r.max_len and r.pattern.search(line)), None)
    assert rules.classify(line) == (("spam", "gambling/porn link farm") if rules.is_spam(line) else plain)


def test_rule_union_makes_leading_flags_local():

    union = rules.line_filter(["(?i)abc", "x(?P<n>y)", "^z"])
    assert union.search("xABC") and union.search("xy") and union.search("z") and not union.search("az")
    assert rules.line_filter([r"(a)\1"]) is None and rules.line_filter(["a(?i)b"]) is None


REPAIR_TEXT = st.lists(
    st.one_of(CLEAN_TEXT, st.sampled_from(["国办发2021)18号", "政字2020） 3号", "令1999)\n7号", "发202)1号", "x2021)18号", "国办发2021）  123 号"])),
    max_size=6,
).map("".join)


@FEW
@given(st.lists(REPAIR_TEXT, min_size=1, max_size=4))
def test_repair_requirements_are_found_in_the_page_wherever_a_rule_matches(paras):

    whole = "\n".join(paras)
    for (_, pattern, _), requires in zip(rules.repairs(), rules.repair_requires()):
        for p in paras:
            if requires is not None and pattern.search(p):
                assert any(r.search(p) for r in requires) and any(r.search(whole) for r in requires)


@FEW
@given(st.one_of(TEXT, st.sampled_from(["国务院关于印发方案的通知", "关于…的实施意见（试行）", "《条例》", "工作要点 ", "通知》"])))
def test_title_endings_turned_away_at_once_name_no_kind(text):
    from converter.text import doctypes

    core = doctypes._QUALIFIER.sub("", text.strip().rstrip("》").strip())
    assert doctypes.title_ending(text) == next((kind for ending, kind in doctypes.TITLE_ENDINGS if core.endswith(ending)), None)


@FEW
@given(st.one_of(TEXT, st.lists(st.sampled_from(["国务院办公厅", "河北省人民政府", "财政部", " ", "、", "通知", "局"]), max_size=5).map("".join)))
def test_org_lines_turned_away_by_their_ending_are_not_org_lines(text):
    from converter.extract import structure
    from converter.text import places

    parts = [p for p in re.split(r"[ 、]+", text) if p]
    expected = 0 < len(text) <= 60 and bool(parts) and all(places.is_org(p) for p in parts)
    assert structure._is_org_line(text) == expected


@FEW
@given(TEXT)
def test_texts_without_their_first_characters_hold_no_citation_or_damaged_run(text):
    from converter.extract import citations

    if "《" not in text and "号" not in text:
        assert not list(citations._TITLE.finditer(text)) and not docnumber.find_all(text)
        assert citations.spans(text) == []
    if "?" not in text:
        assert hanzi.DAMAGED_RUN.findall(text) == [] and hanzi.mark_damage(text) == (text, [])


ALL_CHARS = "".join(map(chr, range(0x110000)))


def test_every_character_the_whitespace_and_control_rules_change_is_unprintable():
    # The gates in clean.normalise_all, clean._source_paras, html._squash, html._dense and
    # render.esc rest on this: a text that is all printable holds none of these characters
    # (a space aside).
    from converter.clean import sanitize

    for pattern in (space.INVISIBLE, space.SPACE, sanitize.CONTROL, page._SPACES, space.INLINE_SPACE, space.ANY_SPACE):
        changed = set("".join(pattern.findall(ALL_CHARS))) - {" "}
        assert changed and not [c for c in changed if c.isprintable()]
    assert set(page._INLINE) | {" "} == {chr(b) for b in page._ESC_ASCII}


def test_a_decimal_digit_is_what_the_regex_digit_class_matches():
    assert set(re.findall(r"\d", ALL_CHARS)) == {c for c in ALL_CHARS if c.isdecimal()}


def test_bad_characters_are_among_the_maybe_weird_ones_and_counted_per_text():
    assert set(encoding._BAD_CHARS.findall(ALL_CHARS)) <= set(encoding._MAYBE_WEIRD.findall(ALL_CHARS))
    texts = ["通知\ue000\x85abc", "国务院\ufffd", "通知\ue000\x85abc"[:-1], "\u0301" * 3 + "通", ""]
    for text in texts * 2:  # the remembered scan must follow the text it was made for
        non_ascii = [c for c in text if c >= "\x80"]
        bad = sum(1 for c in non_ascii if ord(c) <= 0x9F or 0xE000 <= ord(c) <= 0xF8FF or c == "\ufffd")
        assert encoding._bad_ratio(text) == (bad / len(non_ascii) if non_ascii else 0.0)
        assert encoding._weird_below_half(text) == (encoding._weird_ratio(text) < 0.5)


@FEW
@given(st.lists(st.one_of(TEXT, st.sampled_from(["通知", "a  b", "a b", " x", "\u00ad", "\ue000", "\u3000"])), max_size=6))
def test_printable_texts_without_double_spaces_are_normalised_as_they_are(texts):

    assert space.normalise_all(texts) == [space.normalise_space(t) for t in texts]


@FEW
@given(st.one_of(TEXT, st.sampled_from(["国务院 通知", "a  b", "\u3000通知", "x\u200by", "\n a \n"])))
def test_html_text_squashed_and_densed_like_the_substitutions(text):

    assert space.squash(text) == space.INLINE_SPACE.sub(" ", text)
    assert space.dense(text) == space.ANY_SPACE.sub("", text)


def test_furniture_rules_anchored_at_the_start_are_told_apart():

    for pattern in ("^a", "^(a|b)c", "^[|]a", r"^a\|b", "^[]|]x", "^[^]|]x", "^((a|b)|c)$"):
        assert rules.anchored_whole(pattern), pattern
    for pattern in ("a", "^a|b", "(^a)", r"^a\\|b", "^(a)|b", "^[a]|b"):
        assert not rules.anchored_whole(pattern), pattern
    union = rules.line_filter(["^ab", "^(c|d)e"])
    assert union.pattern.startswith("^(?:") and union.search("de") and not union.search("xab")


TRADITIONAL = st.lists(
    st.one_of(TEXT, st.sampled_from(["乾", "淨", "乾淨", "著名", "頭髮", "髮", "後", "後來", "國務院辦公廳", "關於", "發", "理髮店", "鐘錶", "\n"])),
    max_size=8,
).map("".join)


@FEW
@given(st.lists(TRADITIONAL, max_size=6))
def test_texts_converted_in_one_call_are_each_converted_alone(texts):
    assert hanzi.to_simplified_each(texts) == [hanzi.to_simplified(t) for t in texts]
