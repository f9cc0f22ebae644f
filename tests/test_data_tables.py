"""Sanity checks for the static data tables in converter/data/ (regions, issuers)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import yaml

DATA_DIR = Path(__file__).resolve().parents[1] / "converter" / "data"

CITY_ENDINGS = ("市", "地区", "州", "盟")


def _load(name: str):
    with open(DATA_DIR / name, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


@pytest.fixture(scope="module")
def regions():
    return _load("regions.yml")


@pytest.fixture(scope="module")
def issuers():
    return _load("issuers.yml")


@pytest.fixture(scope="module")
def provinces(regions):
    return {p["name"]: p for p in regions["provinces"]}


# ---------------------------------------------------------------- regions


def test_34_provincial_level_entries(regions):
    assert len(regions["provinces"]) == 34


def test_province_names_short_abbr_unique(regions):
    for key in ("name", "short", "abbr"):
        values = [p[key] for p in regions["provinces"]]
        dupes = [v for v, n in Counter(values).items() if n > 1]
        assert not dupes, f"duplicate {key}: {dupes}"


def test_province_fields(regions):
    types = Counter()
    for p in regions["provinces"]:
        assert p["name"].startswith(p["short"]), p["name"]
        assert len(p["abbr"]) == 1, p["name"]
        assert isinstance(p["cities"], list), p["name"]
        types[p["type"]] += 1
    assert types == {"province": 23, "autonomous_region": 5, "municipality": 4, "sar": 2}


def test_municipalities_and_sars_have_no_cities(provinces):
    for name in ("北京市", "天津市", "上海市", "重庆市", "香港特别行政区", "澳门特别行政区"):
        assert provinces[name]["cities"] == []


def test_city_names_end_with_prefecture_suffix(regions):
    bad = [
        c["name"]
        for p in regions["provinces"]
        for c in p["cities"]
        if not c["name"].endswith(CITY_ENDINGS)
    ]
    assert not bad


def test_no_city_under_two_provinces(regions):
    names = [c["name"] for p in regions["provinces"] for c in p["cities"]]
    dupes = [v for v, n in Counter(names).items() if n > 1]
    assert not dupes


def test_prefecture_level_count(regions):
    total = sum(len(p["cities"]) for p in regions["provinces"])
    assert 320 <= total <= 345


def test_prefecture_level_kinds(regions):
    cities = [c["name"] for p in regions["provinces"] for c in p["cities"]]
    assert sum(n.endswith("盟") for n in cities) == 3
    assert sum(n.endswith("地区") for n in cities) == 7
    assert sum(n.endswith("自治州") for n in cities) == 30


def test_city_abbrs_are_short_lists_unique_within_province(regions):
    for p in regions["provinces"]:
        seen = []
        for c in p["cities"]:
            assert isinstance(c["abbrs"], list), c["name"]
            for a in c["abbrs"]:
                assert isinstance(a, str) and 1 <= len(a) <= 2, (c["name"], a)
            seen.extend(c["abbrs"])
        dupes = [v for v, n in Counter(seen).items() if n > 1]
        assert not dupes, (p["name"], dupes)


@pytest.mark.parametrize(
    "city, province",
    [
        ("哈尔滨市", "黑龙江省"),
        ("齐齐哈尔市", "黑龙江省"),
        ("大兴安岭地区", "黑龙江省"),
        ("河源市", "广东省"),
        ("石家庄市", "河北省"),
        ("宜春市", "江西省"),
        ("延边朝鲜族自治州", "吉林省"),
        ("锡林郭勒盟", "内蒙古自治区"),
    ],
)
def test_known_cities(provinces, city, province):
    assert city in {c["name"] for c in provinces[province]["cities"]}


@pytest.mark.parametrize(
    "province, abbr",
    [("黑龙江省", "黑"), ("广东省", "粤"), ("江西省", "赣"), ("河北省", "冀"), ("内蒙古自治区", "内")],
)
def test_province_abbr(provinces, province, abbr):
    assert provinces[province]["abbr"] == abbr


def test_known_city_abbrs(provinces):
    def abbrs(prov, city):
        return next(c["abbrs"] for c in provinces[prov]["cities"] if c["name"] == city)

    assert abbrs("黑龙江省", "哈尔滨市") == ["哈"]
    assert abbrs("江西省", "南昌市") == ["洪"]
    assert abbrs("广东省", "河源市") == ["河源"]


# ---------------------------------------------------------------- issuers


def test_national_issuers_unique(issuers):
    names = [e["name"] for e in issuers["national"]]
    dupes = [v for v, n in Counter(names).items() if n > 1]
    assert not dupes


def test_national_issuer_fields(issuers):
    names = {e["name"] for e in issuers["national"]}
    for e in issuers["national"]:
        assert isinstance(e["name"], str) and e["name"]
        assert isinstance(e.get("short", []), list), e["name"]
        assert isinstance(e.get("prefixes", []), list), e["name"]
        if "successor" in e:
            assert e["successor"] in names, e["name"]


def test_national_issuer_samples(issuers):
    by_name = {e["name"]: e for e in issuers["national"]}
    assert "国办发" in by_name["国务院办公厅"]["prefixes"]
    assert "国发" in by_name["国务院"]["prefixes"]
    assert "国卫" in by_name["国家卫生健康委员会"]["prefixes"]
    assert "国家卫健委" in by_name["国家卫生健康委员会"]["short"]
    assert "国家发改委" in by_name["国家发展和改革委员会"]["short"]
    assert "人社部" in by_name["人力资源和社会保障部"]["short"]
    for name in ("中共中央", "中共中央办公厅", "全国人民代表大会常务委员会", "中央军委",
                 "中央军委办公厅", "国家卫生和计划生育委员会", "国家医疗保障局", "财政部"):
        assert name in by_name, name


def test_local_suffixes(issuers):
    local = issuers["local_suffixes"]
    assert isinstance(local, dict)
    assert local["省政府办公厅"] == "省人民政府办公厅"
    assert local["市政府"] == "市人民政府"
    assert local["县政府办公室"] == "县人民政府办公室"
    assert local["省卫健委"] == "省卫生健康委员会"
    assert local["省统计局"] == "省统计局"


def test_org_suffixes_longest_first(issuers):
    suffixes = issuers["org_suffixes"]
    assert len(suffixes) == len(set(suffixes))
    lengths = [len(s) for s in suffixes]
    assert lengths == sorted(lengths, reverse=True)
    for s in ("人民政府", "办公厅", "委员会", "局", "厅", "部", "委", "院", "署", "办", "会"):
        assert s in suffixes
