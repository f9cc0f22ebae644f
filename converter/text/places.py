"""Issuing bodies, regions and levels, from the tables in data/regions.yml and issuers.yml."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from converter.tables import load

LEVELS = ("national", "provincial", "municipal", "county")
LEVEL_NAMES = {"national": "国家级", "provincial": "省级", "municipal": "市级", "county": "县级"}
_PRC = "中华人民共和国"
_CITY_SUFFIX = re.compile(r"(市|地区|自治州|州|盟)$")
_COUNTY = re.compile(r"^[\u4e00-\u9fff]{1,8}?(县|自治县|旗|区)(?=人民政府|政府|委员会|办公室|[\u4e00-\u9fff]*局|$)")


@dataclass(frozen=True)
class Place:
    province: str | None = None
    city: str | None = None
    county: str | None = None
    national: bool = False

    @property
    def level(self) -> str | None:
        if self.national:
            return "national"
        if self.county:
            return "county"
        if self.city:
            return "municipal"
        if self.province:
            return "provincial"
        return None

    @property
    def region(self) -> str | None:
        if self.national:
            return "全国"
        parts = [p for p in (self.province, self.city, self.county) if p]
        return "".join(parts) or None


@dataclass(frozen=True)
class _Geo:
    names: tuple[tuple[str, str, str | None], ...]  # (spelling, province, city), longest first
    province_abbr: dict[str, str]
    city_abbr: dict[str, tuple[str, str]]
    national_names: dict[str, str]  # any spelling -> canonical name
    national_prefixes: tuple[tuple[str, str], ...]  # (文号 prefix, name), longest first
    local_suffixes: tuple[tuple[str, str], ...]
    org_suffixes: tuple[str, ...]


@cache
def geo() -> _Geo:
    regions = load("regions")["provinces"]
    names: list[tuple[str, str, str | None]] = []
    province_abbr: dict[str, str] = {}
    city_abbr: dict[str, tuple[str, str]] = {}
    for prov in regions:
        pname = prov["name"]
        names += [(pname, pname, None), (prov["short"], pname, None)]
        province_abbr[prov["abbr"]] = pname
        for city in prov.get("cities") or []:
            cname = city["name"]
            names.append((cname, pname, cname))
            bare = _CITY_SUFFIX.sub("", cname)
            if len(bare) >= 2:
                names.append((bare, pname, cname))
            for a in city.get("abbrs") or []:
                city_abbr.setdefault(a, (pname, cname))
    issuers = load("issuers")
    national_names: dict[str, str] = {}
    prefixes: list[tuple[str, str]] = []
    for body in issuers["national"]:
        canonical = body["name"]
        for spelling in [body["name"], *(body.get("short") or []), *(body.get("aliases") or [])]:
            national_names.setdefault(spelling, canonical)
        for p in body.get("prefixes") or []:
            if len(p) >= 2:  # one-character prefixes (财, 教) match too much
                prefixes.append((p, canonical))
    return _Geo(
        names=tuple(sorted(names, key=lambda n: -len(n[0]))),
        province_abbr=province_abbr,
        city_abbr=city_abbr,
        national_names=national_names,
        national_prefixes=tuple(sorted(prefixes, key=lambda p: -len(p[0]))),
        local_suffixes=tuple(sorted(issuers["local_suffixes"].items(), key=lambda kv: -len(kv[0]))),
        org_suffixes=tuple(sorted(issuers["org_suffixes"], key=len, reverse=True)),
    )


def national_body(name: str) -> str | None:
    """The canonical name of a central body, or None."""
    name = name.removeprefix(_PRC) if name != _PRC else name
    return geo().national_names.get(name)


def is_org(name: str) -> bool:
    return 2 <= len(name) <= 40 and name.endswith(geo().org_suffixes)


@cache
def _names_by_first() -> dict[str, tuple[tuple[str, str, str | None], ...]]:
    """geo().names grouped by first character, each group in the order of geo().names: a name
    can only start a text that starts with its first character."""
    groups: dict[str, list[tuple[str, str, str | None]]] = {}
    for entry in geo().names:
        if not entry[0]:
            raise ValueError("regions.yml: a place name is empty")
        groups.setdefault(entry[0][:1], []).append(entry)
    return {k: tuple(v) for k, v in groups.items()}


@lru_cache(maxsize=1 << 14)  # issuer names repeat across documents; Place is frozen
def locate(text: str) -> Place:
    """Where a name that starts with a place (an issuer, a title) belongs."""
    if not text:
        return Place()
    if national_body(text) or any(text.startswith(n) for n in ("国务院", "中共中央", "国家")):
        return Place(national=True)
    by_first = _names_by_first()
    province = city = None
    rest = text
    for spelling, prov, c in by_first.get(rest[:1], ()):
        if rest.startswith(spelling):
            province, city = prov, c
            rest = rest[len(spelling):]
            break
    if province and not city:
        for spelling, prov, c in by_first.get(rest[:1], ()):
            if c and prov == province and rest.startswith(spelling):
                city = c
                rest = rest[len(spelling):]
                break
    county = None
    m = _COUNTY.match(rest)
    if m and (province or city):
        county = m.group(0)
    if not city:
        # A county named alone (万载县统计局) or under its province only: the county table.
        found = _county_at(rest)
        if found and province in (None, found[0]):
            province, city, county = found[0], found[1] or None, found[2]
    return Place(province=province, city=city, county=county)


@cache
def _counties() -> dict[str, tuple[str, str, str]]:
    """County-level name -> (province, city or "", name), from data/counties.yml (names
    unique in the country only, so a name alone tells its place)."""
    out: dict[str, tuple[str, str, str]] = {}
    for prov, cities in (load("counties")["counties"] or {}).items():
        for city, names in cities.items():
            for name in names:
                out[name] = (prov, "" if city == _DIRECT else city, name)
    return out


_DIRECT = "直辖"  # counties.yml: a municipality's districts, counties a province governs directly


def _county_at(text: str) -> tuple[str, str, str] | None:
    """The county whose name starts ``text`` (the longest name that does)."""
    table = _counties()
    for n in range(min(len(text), 8), 1, -1):
        hit = table.get(text[:n])
        if hit:
            return hit
    return None


def locate_doc_number(doc_number: str | None) -> Place:
    """Weak evidence: the place a 文号 prefix belongs to (国办发 -> national, 黑政办规 -> 黑龙江省)."""
    if not doc_number:
        return Place()
    g = geo()
    for prefix, _name in g.national_prefixes:
        if doc_number.startswith(prefix):
            return Place(national=True)
    for abbr, (prov, city) in sorted(g.city_abbr.items(), key=lambda kv: -len(kv[0])):
        if len(abbr) >= 2 and doc_number.startswith(abbr):
            return Place(province=prov, city=city)
    first = doc_number[:1]
    if first in g.province_abbr:
        return Place(province=g.province_abbr[first])
    if first in g.city_abbr:
        prov, city = g.city_abbr[first]
        return Place(province=prov, city=city)
    return Place()


def expand(name: str, place: Place) -> str:
    """省政府办公厅 -> 江西省人民政府办公厅 when the page tells the province."""
    if national_body(name):
        return national_body(name) or name
    full = _local_suffix_of().get(name)
    if full is not None:
        short = name
        if short.startswith("省") and place.province:
            return _stem(place.province) + full
        if short.startswith("市") and place.city:
            return _stem(place.city) + full
    return name


def is_short_local(name: str) -> bool:
    """A short local organ name (市政府, 省政府办公厅) that needs its place to be complete."""
    return name in _local_suffix_of()


@cache
def _local_suffix_of() -> dict[str, str]:
    """geo().local_suffixes as a mapping; the first entry of a repeated short name wins, as in
    a scan of the list."""
    out: dict[str, str] = {}
    for short, full in geo().local_suffixes:
        out.setdefault(short, full)
    return out


def _stem(name: str) -> str:
    """黑龙江省 -> 黑龙江, 哈尔滨市 -> 哈尔滨 (the part a 省/市 suffix is added to)."""
    return re.sub(r"(省|市)$", "", name)


_TITLE_ISSUERS = re.compile(r"^(?P<orgs>[^，。；：《》]{2,80}?)(?:印发|转发|批转)?关于")


def issuers_from_title(title: str) -> list[str]:
    """国务院办公厅、中央军委办公厅关于… -> [国务院办公厅, 中央军委办公厅]."""
    m = _TITLE_ISSUERS.match(title or "")
    if not m:
        return []
    orgs: list[str] = []
    for part in re.split(r"[、，,]", m.group("orgs")):
        orgs += split_orgs(part)
    return orgs if orgs and all(is_org(o) for o in orgs) else []


# Units that belong to the organ named before them: 国家发展改革委 办公厅 is one issuer.
SUB_UNITS = ("办公厅", "办公室")


def split_orgs(text: str) -> list[str]:
    """Issuers separated by spaces (财政部 税务总局); a piece that is no organ by itself
    (江西省 人民政府) or a sub-unit (… 办公厅) joins the one before it."""
    out: list[str] = []
    for piece in re.split(r"[\s\u3000]+", text.strip()):
        if not piece:
            continue
        if out and (not is_org(out[-1]) or piece.startswith(SUB_UNITS)):
            out[-1] += piece
        else:
            out.append(piece)
    return out
