"""The generated pages around the documents: home, browse pages (by year, region, issuer,
type, each with counts), the Atom feed and the 文号 table of the search box.
Chinese interface text lives here."""

from __future__ import annotations

from collections import Counter, defaultdict

from converter.link.corpus import Corpus
from converter.model import PolicyDocument
from converter.render import feed
from converter.render.page import esc, esc_short, status_badge
from converter.search import index
from converter.text import places
from converter.text.places import LEVEL_NAMES

POLICY_DIR = "policies"
LATEST_ON_HOME = 10
# Validity pages (converter/render/statuspages.py writes them; named here for the home page's links).
STATUS_PAGE = "browse/status.md"
EXPIRING_PAGE = "browse/expiring.md"
STATUS_FEED = "status-feed.xml"


def page_path(d: PolicyDocument) -> str:
    """The document's page under docs/."""
    return f"{POLICY_DIR}/{d.slug}.md"


def doc_date(d: PolicyDocument) -> str:
    return d.date or "日期不详"


def sort_key(d: PolicyDocument) -> tuple[str, str]:
    """Newest first, undated last, then by slug for a stable order."""
    return ("0" if d.date else "1", "".join(chr(0x10FFFF - ord(c)) for c in (d.date or "")) + d.slug)


def doc_line(d: PolicyDocument, prefix: str) -> str:
    parts = [f"[{esc_short(d.title)}]({prefix}{d.slug}.md)"]
    meta = [x for x in (d.doc_number, doc_date(d), d.region) if x]
    return "- " + parts[0] + status_badge(d) + (f" <small>{' · '.join(esc_short(m) for m in meta)}</small>" if meta else "")


def _page(title: str, intro: str, body: list[str]) -> str:
    head = f"---\ntitle: {title}\nsearch:\n  exclude: true\n---\n\n# {title}\n\n{intro}\n\n"
    return head + "\n".join(body).rstrip() + "\n"


def year_of(d: PolicyDocument) -> str:
    return d.date[:4] + " 年" if d.date else "日期不详"


def issuer_of(d: PolicyDocument) -> str:
    """The first issuer: a joint document is listed under the body that leads it."""
    return d.issuers[0] if d.issuers else "发文机关不详"


def type_of(d: PolicyDocument) -> str:
    return d.doc_type or "类型不详"


def _newest_first(g) -> list[str]:
    return sorted(g, key=lambda y: (y == "日期不详", "".join(chr(0x10FFFF - ord(c)) for c in y)))


def _largest_first(unknown: str):
    return lambda g: sorted(g, key=lambda k: (k == unknown, -g[k], k))


# (path under docs/, title, intro, grouping, group order): every browse page.
BROWSE = (
    (f"{POLICY_DIR}/index.md", "全部文件", "按年份排列（成文日期，缺失时用发布日期）。", year_of, _newest_first),
    ("browse/issuers.md", "按发文机关浏览", "按第一发文机关排列，文件多的机关在前。", issuer_of, _largest_first("发文机关不详")),
    ("browse/types.md", "按类型浏览", "按文种排列（通知、意见、实施方案……），文件多的类型在前。", type_of, _largest_first("类型不详")),
)


def _contents(groups: list[str], counts: Counter) -> list[str]:
    """A one-line list of the groups with their counts, linking to each section."""
    return ["　".join(f"[{esc(g)}（{counts[g]}）](#{_group_anchor(i)})" for i, g in enumerate(groups)), ""]


def _group_anchor(i: int) -> str:
    return f"g{i + 1}"


def browse_page(path: str, title: str, intro: str, docs: list[PolicyDocument], key, order) -> str:
    prefix = "" if path.startswith(POLICY_DIR + "/") else f"../{POLICY_DIR}/"
    counts = Counter(key(d) for d in docs)
    groups = order(counts)
    body = _contents(groups, counts)
    by_group: dict[str, list[PolicyDocument]] = defaultdict(list)
    for d in docs:
        by_group[key(d)].append(d)
    for i, name in enumerate(groups):
        items = sorted(by_group[name], key=sort_key)
        body += [f"## {esc(name)} <small>（{len(items)}）</small> {{ #{_group_anchor(i)} }}", ""]
        body += [doc_line(d, prefix) for d in items] + [""]
    return _page(title, f"共 {len(docs)} 份文件，{len(groups)} 组。{intro}", body)


REGIONS = "browse/regions.md"
UNKNOWN_REGION = "地区不详"


def region_path(d: PolicyDocument) -> tuple[str, str, str]:
    """(province, city, county) of a document's region; "" where there is none. National
    documents are 全国, documents without a region 地区不详."""
    if d.level == "national":
        return ("全国", "", "")
    if not d.region:
        return (UNKNOWN_REGION, "", "")
    p = places.locate(d.region)
    if not p.province or p.region != d.region:  # a region not from the tables (a sidecar's own)
        return (d.region, "", "")
    return (p.province, p.city or "", p.county or "")


def regions_page(docs: list[PolicyDocument]) -> str:
    """按地区浏览: province › city › county, each with its count; a level's own documents first."""
    tree: dict[str, dict[str, dict[str, list[PolicyDocument]]]] = defaultdict(lambda: defaultdict(lambda: defaultdict(list)))
    for d in docs:
        prov, city, county = region_path(d)
        tree[prov][city][county].append(d)
    provinces = sorted(tree, key=lambda r: (r != "全国", r == UNKNOWN_REGION, r))

    def count(node) -> int:
        return sum(count(v) for v in node.values()) if isinstance(node, dict) else len(node)

    contents, body = [], []
    for i, prov in enumerate(provinces):
        anchor = _group_anchor(i)
        cities = tree[prov]
        contents.append(f"[{esc(prov)}（{count(cities)}）](#{anchor})")
        body += [f"## {esc(prov)} <small>（{count(cities)}）</small> {{ #{anchor} }}", ""]
        subs = [c for c in sorted(cities) if c]
        if subs:
            body += ["　".join(f"[{esc(c)}（{count(cities[c])}）](#{anchor}-{j + 1})" for j, c in enumerate(subs)), ""]
        body += _region_docs(cities.get("", {}), "###")
        for j, city in enumerate(subs):
            body += [f"### {esc(prov)} › {esc(city)} <small>（{count(cities[city])}）</small> {{ #{anchor}-{j + 1} }}", ""]
            body += _region_docs(cities[city], "####", f"{esc(prov)} › {esc(city)}")
    intro = f"共 {len(docs)} 份文件，{len(provinces)} 个省级地区。按省、市、县逐级排列，国家级文件列在“全国”，各级自己的文件在前。"
    return _page("按地区浏览", intro, ["　".join(contents), "", *body])


def _region_docs(counties: dict[str, list[PolicyDocument]], level: str, above: str = "") -> list[str]:
    """A place's own documents, then each county under it with a heading of the whole path."""
    prefix = f"../{POLICY_DIR}/"
    out = [doc_line(d, prefix) for d in sorted(counties.get("", []), key=sort_key)]
    out += [""] if out else []
    for county in sorted(c for c in counties if c):
        items = sorted(counties[county], key=sort_key)
        path = f"{above} › {esc(county)}" if above else esc(county)
        out += [f"{level} {path} <small>（{len(items)}）</small>", ""]
        out += [doc_line(d, prefix) for d in items] + [""]
    return out


def index_pages(corpus: Corpus) -> dict[str, str]:
    """Relative path under docs/ -> text, for every generated page other than documents."""
    docs = corpus.docs
    pages = {path: browse_page(path, title, intro, docs, key, order) for path, title, intro, key, order in BROWSE}
    pages[REGIONS] = regions_page(docs)
    pages["index.md"] = home(corpus)
    pages[feed.FEED] = feed.atom(docs, POLICY_DIR)
    pages.update(index.doc_numbers(docs, POLICY_DIR))
    return pages


def home(corpus: Corpus) -> str:
    docs = corpus.docs
    levels = Counter(LEVEL_NAMES.get(d.level or "", "层级不详") for d in docs)
    dated = [d.date for d in docs if d.date]
    span = f"{min(dated)[:4]}–{max(dated)[:4]}" if dated else "—"
    resolved = sum(1 for e in corpus.edges if e.target)
    # Figures that say something: what is known (unknown regions and issuers are not counted),
    # and the links only when there are some; else how many cited documents are still missing.
    figures = [
        (len(docs), "份文件"),
        (len({d.issuers[0] for d in docs if d.issuers}), "个发文机关"),
        (len({d.region for d in docs if d.region}), "个地区"),
        (span, "年"),
        (resolved, "处文件间引用") if resolved else (len(corpus.missing), "份被引用文件待收录"),
    ]
    figures = [(n, label) for n, label in figures if n and n != "—"]
    lines = [
        "---", "title: 政策文件库", "---", "",
        "# 政策文件库", "",
        "从政府网站抓取的政策文件，经过清洗、结构化和相互链接后发布。每份文件都保留来源与处理记录，可以核对原文。", "",
        # Raw HTML (numbers and fixed labels only): one flex row of figures.
        '<div class="policy-figures">' + "".join(f"<span><strong>{n}</strong>{label}</span>" for n, label in figures) + "</div>", "",
        "按层级：" + "，".join(f"{k} {levels[k]}" for k in (*LEVEL_NAMES.values(), "层级不详") if levels[k]) + "。", "",
        "## 最新文件", "",
    ]
    lines += [doc_line(d, f"{POLICY_DIR}/") for d in sorted(docs, key=sort_key)[:LATEST_ON_HOME]]
    lines += ["", "## 浏览", ""]
    browse = [(path, title) for path, title, *_ in BROWSE]
    browse.insert(1, (REGIONS, "按地区浏览"))
    lines += [f"- [{title}]({path})" for path, title in browse]
    lines += [f"- [按时效浏览]({STATUS_PAGE})", f"- [90 天内到期的文件]({EXPIRING_PAGE})"]
    lines += [f"- [订阅最新文件（Atom）]({feed.FEED})", f"- [订阅时效变化（Atom）]({STATUS_FEED})", ""]
    return "\n".join(lines)
