"""A deterministic synthetic corpus of N scraped policy pages, built from the bundled samples.

Document i depends only on (seed, i), so the corpus of 1,000 holds the corpus of 100 and
adding document N to a corpus of N is "one more source". Bodies recombine the samples'
cleaned paragraphs under generated titles, 文号, issuers, regions, levels and dates; later
documents cite earlier ones by 《title》（文号）. Noise is injected in the kinds the samples
show: link-farm spam lines, breadcrumbs, bylines, widgets, footers, a body pasted twice,
Traditional characters with pinyin after them, text flattened into one line, and HTML
pages with navigation and footers (see NOISE for the shares).
"""

from __future__ import annotations

import html
import random
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sources"
SEED = 20171

# Share of documents that get each kind of noise.
NOISE = {
    "spam": 0.25,
    "breadcrumb": 0.5,
    "byline": 0.5,
    "widget": 0.3,
    "footer": 0.6,
    "duplicate": 0.05,
    "traditional": 0.04,
    "flattened": 0.04,
    "html": 0.15,
    "sidecar": 0.2,
}
MAX_CITES = 3

DOC_TYPES = ("实施意见", "实施方案", "通知", "指导意见", "工作方案", "管理办法", "若干措施", "行动计划")
SUBJECTS = (
    "深化医药卫生体制改革", "推进医疗联合体建设", "促进人才发展", "加强基层医疗卫生服务", "推动公立医院高质量发展",
    "完善养老服务体系", "加快发展现代农业", "优化营商环境", "推进城市更新", "加强生态环境保护",
    "支持小微企业发展", "促进就业创业", "推进数字政府建设", "加强安全生产", "深化教育综合改革",
    "完善社会救助制度", "推进乡村振兴", "加强食品药品监管", "促进文化旅游融合", "推进新型城镇化",
)
HEAD_NUMS = "一二三四五六七八九十"
SPAM = (
    "欢迎登录bet007体育在线投注门户网站",
    "国产91精品免费久久看|亚洲精品在线观看|老司机在线精品视频播放|婷婷久久精品一区|91久久精品国产二区",
    "澳门葡京娱乐城|百家乐在线|真人娱乐平台|体育投注|在线投注|六合彩开奖",
)
WIDGETS = ("【字体：大 中 小】", "【打印本页】【关闭窗口】", "标准版|无障碍", "扫一扫在手机打开当前页", "浏览次数：1024")
FOOTERS = (
    "关于本网|网站声明|网站地图|联系我们",
    "{site}版权所有",
    "冀ICP备06000020号-1 网站标识码:1301000003",
    "主办单位：{site}",
    "欢迎转载,转载请注明原文网址:http://www.example.gov.cn/zwgk/{n}.html",
    "------分隔线----------------------------",
)
_HAN_PINYIN = re.compile(r"([\u4e00-\u9fff])\(([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,7})\)")


@dataclass(frozen=True)
class Meta:
    """What document i is: enough for later documents to cite it."""

    title: str
    doc_number: str
    issuer: str
    site: str
    year: int
    month: int
    day: int


@cache
def _regions() -> list[dict]:
    from converter.tables import load

    return [p for p in load("regions")["provinces"] if p.get("type") in ("province", "municipality", "autonomous_region")]


@cache
def _national() -> list[dict]:
    from converter.tables import load

    return [b for b in load("issuers")["national"] if b.get("prefixes") and "successor" not in b]


@cache
def paragraph_pool() -> tuple[str, ...]:
    """Body paragraphs of the samples, as the converter cleans them (spam and furniture gone)."""
    from converter.pipeline import convert_source
    from converter.read.source import list_sources

    out: list[str] = []
    for path in list_sources(SAMPLES):
        docs, _ = convert_source(path, ROOT)
        for d in docs:
            for b in d.blocks:
                text = (b.lead + b.text).strip()
                if b.kind in ("para", "item") and len(text) >= 30 and "《" not in text and "〔" not in text:
                    out.append(text)
    return tuple(sorted(set(out)))


@cache
def pinyin_map() -> dict[str, str]:
    """Traditional character -> pinyin, as the pinyin-annotated sample writes it."""
    out: dict[str, str] = {}
    for path in sorted(SAMPLES.iterdir()):
        for han, py in _HAN_PINYIN.findall(path.read_text(encoding="utf-8", errors="replace")):
            out.setdefault(han, py)
    return out


@cache
def _s2t():
    import opencc

    return opencc.OpenCC("s2t")


def meta(i: int, seed: int = SEED) -> Meta:
    rng = random.Random(f"{seed}-meta-{i}")
    year = rng.randint(2010, 2024)
    month, day = rng.randint(1, 12), rng.randint(1, 28)
    level = rng.choices(("national", "provincial", "municipal"), (1, 3, 4))[0]
    subject, kind = rng.choice(SUBJECTS), rng.choice(DOC_TYPES)
    n = rng.randint(1, 199)
    if level == "national":
        body = rng.choice(_national())
        issuer, prefix, site = body["name"], body["prefixes"][0], body["name"] + "网站"
    else:
        prov = rng.choice(_regions())
        cities = [c for c in prov.get("cities") or [] if c.get("abbrs")]
        if level == "municipal" and cities:
            city = rng.choice(cities)
            issuer, prefix = city["name"] + "人民政府办公室", city["abbrs"][0] + "政办发"
        else:
            issuer, prefix = prov["name"] + "人民政府办公厅", prov["abbr"] + "政办发"
        site = issuer.replace("办公厅", "").replace("办公室", "") + "门户网站"
    title = f"{issuer}关于{year}年{subject}的{kind}" if kind != "通知" else f"{issuer}关于做好{year}年{subject}工作的通知"
    return Meta(title, f"{prefix}〔{year}〕{n + 1000 * (i // 199)}号", issuer, site, year, month, day)


def body(rng: random.Random, cites: list[Meta]) -> list[str]:
    pool = paragraph_pool()
    lines: list[str] = []
    if cites:
        refs = "、".join(f"《{c.title}》（{c.doc_number}）" for c in cites)
        lines.append(f"为贯彻落实{refs}等文件精神，结合实际，制定本方案。")
    for h in range(rng.randint(3, 6)):
        lines.append(f"{HEAD_NUMS[h]}、{rng.choice(('总体要求', '主要任务', '重点工作', '保障措施', '组织实施', '工作目标'))}")
        for k in range(rng.randint(2, 5)):
            lines.append(f"（{HEAD_NUMS[k]}）{rng.choice(pool)}")
        if rng.random() < 0.5:
            lines.append(rng.choice(pool))
    return lines


def _traditional_pinyin(rng: random.Random, lines: list[str]) -> list[str]:
    table = pinyin_map()
    out = []
    for line in lines:
        t = _s2t().convert(line)
        out.append("".join(f"{c}({table[c]})" if c in table and rng.random() < 0.6 else c for c in t))
    return out


def page(i: int, seed: int = SEED) -> tuple[str, str, str | None]:
    """(file name, page text, sidecar YAML or None) for document i."""
    m = meta(i, seed)
    rng = random.Random(f"{seed}-page-{i}")
    noise = {k: rng.random() < share for k, share in NOISE.items()}
    cites = [meta(j, seed) for j in sorted(rng.sample(range(i), min(i, rng.randint(0, MAX_CITES))))] if i else []
    date = f"{m.year}年{m.month}月{m.day}日"
    head: list[str] = []
    if noise["spam"]:
        head.append(rng.choice(SPAM))
    if noise["breadcrumb"]:
        head.append(f"您现在所在位置: 首页 >> 政务信息公开>> {rng.choice(('政策解读', '政策文件', '通知公告'))}")
    if noise["widget"]:
        head.append(rng.choice(WIDGETS))
    title = [rng.choice((f"【文件】{m.title}", f"《{m.title}》", m.title))]
    if noise["byline"]:
        head.append(f"作者:{m.site[:6]}信息中心 更新时间:{m.year}-{m.month:02d}-{min(m.day + 2, 28):02d}")
    doc = [m.doc_number, "各有关单位：", *body(rng, cites), m.issuer, date]
    if noise["duplicate"]:
        doc += doc
    tail = [rng.choice(FOOTERS).format(site=m.site, n=i) for _ in range(2)] if noise["footer"] else []
    if noise["flattened"]:
        # An OCR'd .docx: the file name, then title and body run together in one line.
        head, title, doc = [f"{m.title}.docx"], [], [m.title + "".join(doc)]
    doc = title + doc
    if noise["traditional"]:
        doc = _traditional_pinyin(rng, doc)
    name = f"{i:05d}_{random.Random(f'{seed}-name-{i}').getrandbits(32):08x}"
    side = None
    if noise["sidecar"]:
        side = f"url: http://www.example.gov.cn/zwgk/{i}.html\nsite: {m.site}\nfetched_at: '2024-05-0{1 + i % 9}T08:00:00Z'\n"
    if noise["html"] and not noise["flattened"]:
        return name + ".html", html_page(m.title, head, doc, tail), side
    return name + ".txt", "\n\n".join(head + doc + tail) + "\n", side


def html_page(title: str, head: list[str], doc: list[str], tail: list[str]) -> str:
    e = html.escape
    nav = "".join(f'<div class="nav">{e(x)}</div>' for x in head)
    main = "".join(f"<p>{e(x)}</p>" for x in doc)
    foot = "".join(f"<div>{e(x)}</div>" for x in tail)
    return (
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{e(title)}</title>'
        '<style>.nav{color:#333}</style><script>var _hmt=_hmt||[];</script></head>'
        f'<body><div class="header">{nav}</div><div class="content">{main}</div>'
        f'<div class="footer">{foot}</div></body></html>\n'
    )


def as_html(name: str, text: str) -> str:
    """The page as HTML for trafilatura: HTML pages as they are, text pages one <p> a line."""
    if name.endswith(".html"):
        return text
    paras = "".join(f"<p>{html.escape(x)}</p>" for x in text.split("\n") if x.strip())
    return f'<!DOCTYPE html><html><head><meta charset="utf-8"></head><body><article>{paras}</article></body></html>'


def write_corpus(folder: Path, n: int, seed: int = SEED, start: int = 0) -> list[Path]:
    """Write documents start..n-1 into ``folder`` (files already there with the same bytes are kept)."""
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i in range(start, n):
        name, text, side = page(i, seed)
        path = folder / name
        data = text.encode("utf-8")
        if not path.exists() or path.read_bytes() != data:
            path.write_bytes(data)
        if side is not None:
            (folder / (Path(name).stem + ".meta.yml")).write_text(side, encoding="utf-8")
        out.append(path)
    return out


if __name__ == "__main__":
    import argparse

    ap = argparse.ArgumentParser(description="write a synthetic corpus of N pages")
    ap.add_argument("n", type=int)
    ap.add_argument("out")
    ap.add_argument("--seed", type=int, default=SEED)
    args = ap.parse_args()
    print(len(write_corpus(Path(args.out), args.n, args.seed)), "pages written to", args.out)
