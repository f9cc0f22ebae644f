"""Metadata a web page states about the document it shows, in order of trust.

1. The 信息公开 table (索引号, 发文机关, 发文字号/文号, 成文日期, 发布日期, 主题分类, 标题):
   label/value pairs in cells, definition lists or one line, found by their labels.
2. ``<meta>`` tags (ArticleTitle, PubDate, ContentSource, SiteName, Url).
3. The ``<title>``, which carries site and column names around the document's title.

The document's own header and 落款 come after these; ``extract`` weighs them all.
Where two page sources disagree the more trusted value is kept and a warning names both.
"""

from __future__ import annotations

import re

from lxml import etree

from converter.messages import Note
from converter.text import dates, docnumber
from converter.text.titles import title_from_html_title

META_NAMES = {
    "articletitle": "title",
    "pubdate": "publish_date",
    "firstpublishedtime": "publish_date",
    "contentsource": "origin",
    "keywords": "keywords",
    "description": "description",
    "sitename": "site_name",
    "columnname": "column",
    "url": "url",
    "og:url": "url",
    "og:title": "og_title",
}

# Label as printed (spaces between characters allowed) -> field.
INFO_LABELS: tuple[tuple[str, str], ...] = (
    ("索引号", "index_number"), ("信息索引号", "index_number"), ("名称", "title"), ("文件名称", "title"),
    ("发文机关", "issuers"), ("发布机构", "issuers"), ("发布机关", "issuers"), ("发文单位", "issuers"), ("发文机构", "issuers"),
    ("制发机关", "issuers"), ("发布单位", "issuers"),
    ("发文字号", "doc_number"), ("文号", "doc_number"), ("发文编号", "doc_number"), ("文件编号", "doc_number"),
    ("成文日期", "written_date"), ("成文时间", "written_date"), ("印发日期", "written_date"), ("生成日期", "written_date"),
    ("发布日期", "publish_date"), ("发布时间", "publish_date"), ("发文日期", "issue_date"),
    ("公开日期", "publish_date"), ("公布日期", "publish_date"),
    ("主题分类", "topics"), ("组配分类", "category"), ("体裁分类", "category"), ("分类", "category"),
    ("标题", "title"), ("公开方式", "disclosure"), ("信息来源", "origin"), ("来源", "origin"),
    ("主题词", "keywords"), ("有效性", "validity"), ("效力状况", "validity"), ("时效", "validity"), ("作者", "author"),
    ("责任部门", "_department"),
    # The rest of a 政府信息公开目录 entry's catalogue fields: read by no field, but they are
    # the box's own labels, so a box that prints them is still recognised as one.
    ("信息分类", "category"), ("关键词", "keywords"), ("关键字", "keywords"), ("语种", "_language"),
    ("信息格式", "_format"), ("载体类型", "_format"), ("记录形式", "_format"),
    ("内容概述", "_summary"), ("内容摘要", "_summary"), ("相关信息", "_related"),
    # Counters and widgets share the byline; their labels end the value before them.
    ("访问量", "_counter"), ("浏览次数", "_counter"), ("阅读次数", "_counter"), ("点击数", "_counter"),
    ("字号", "_widget"), ("字体", "_widget"),
)
_LABEL_RE = re.compile(
    r"(?:^|(?<=[\s\]】|｜:：]))(?P<label>"
    + "|".join(r"\s*".join(map(re.escape, label)) for label, _ in sorted(INFO_LABELS, key=lambda x: -len(x[0])))
    + r")\s*[:：]"
)
_LABEL_KEY = {label: key for label, key in INFO_LABELS}
MAX_INFO_LINE = 200
MIN_BARE_LABELS = 3
MAX_VALUE = 120
EMPTY_VALUES = {"无", "暂无", "/", "-", "—", "－", "空", "null", "none"}


def _squash(text: str) -> str:
    return re.sub(r"[\s\u00a0\u3000\u2002\u2003\u200b\ufeff]+", " ", text).strip()


def meta_tags(root: etree._Element) -> dict[str, str]:
    meta: dict[str, str] = {}
    for el in root.iter("meta"):
        name = (el.get("name") or el.get("property") or "").strip().lower()
        key = META_NAMES.get(name)
        content = _squash(el.get("content") or "")
        if key and content and key not in meta:
            meta[key] = content
    title = root.find(".//title")
    if title is not None and _squash(title.text_content()):
        meta["html_title"] = _squash(title.text_content())
    return meta


def info_fields(lines: list[str]) -> tuple[dict[str, str], set[int]]:
    """Label/value pairs from the page's text lines (outside the main text); the first
    value of each field wins. Returns the raw values and the lines they came from."""
    found: dict[str, str] = {}
    used: set[int] = set()
    # Label cells without a colon (索引号 | value) count only in a block of them, not as a
    # lone word that happens to be a label (a search form's 标题).
    bare = {_LABEL_KEY[k] for k in (re.sub(r"\s+", "", x) for x in lines) if k in _LABEL_KEY}
    bare_ok = len(bare) >= MIN_BARE_LABELS
    for i, line in enumerate(lines):
        if len(line) > MAX_INFO_LINE:
            continue
        matches = list(_LABEL_RE.finditer(line))
        if not matches:
            key = _LABEL_KEY.get(re.sub(r"\s+", "", line))
            if bare_ok and key and i + 1 < len(lines) and not _is_label(lines[i + 1]) and len(lines[i + 1]) <= MAX_VALUE:
                used.update((i, i + 1))
                value = _squash(lines[i + 1])
                if value and key not in found:
                    found[key] = value
            continue
        for k, m in enumerate(matches):
            key = _LABEL_KEY[re.sub(r"\s+", "", m.group("label"))]
            end = matches[k + 1].start() if k + 1 < len(matches) else len(line)
            value = _squash(line[m.end() : end])
            # A label alone in its cell: the value is the next cell.
            if not value and k == len(matches) - 1 and i + 1 < len(lines) and not _is_label(lines[i + 1]):
                value = _squash(lines[i + 1])
                if len(value) <= MAX_VALUE:
                    used.add(i + 1)
                else:
                    value = ""
            if len(value) > MAX_VALUE:
                continue
            used.add(i)
            if value and key not in found:
                found[key] = value
    return found, used


_SPACES = re.compile(r"\s+")


def _is_label(line: str) -> bool:
    # Every match of _LABEL_RE ends with a colon; its lookbehind, tried at every position, is
    # slow, and most lines have no colon.
    if ("：" in line or ":" in line) and _LABEL_RE.search(line):
        return True
    return _SPACES.sub("", line) in _LABEL_KEY


def is_bare_label(text: str) -> bool:
    """A page-field label alone, with no colon (名称, 索引号, 发 布 日 期)."""
    return _SPACES.sub("", text) in _LABEL_KEY


def is_label_line(line: str) -> bool:
    """A line holding a labelled page field (发布日期：…, 来源：…) or a bare label cell (文号)."""
    return _is_label(line)


def _issuers(value: str) -> list[str]:
    """Issuers in a page field: separated by 、 or commas; by spaces only where each side is
    an organ (财政部 税务总局, not 江西省 人民政府)."""
    from converter.text.places import (
        split_orgs,  # places reads data tables; imported when used
    )

    out: list[str] = []
    for part in re.split(r"[、，,；;]+", value):
        out += split_orgs(part)
    return out


def _topics(value: str) -> list[str]:
    # gov.cn writes category\subcategory; a category name itself may contain 、.
    return [p.strip() for p in re.split(r"[\\/|｜]+", value) if p.strip()]


def collect(tags: dict[str, str], info: dict[str, str]) -> dict:
    """The page-level metadata ``extract`` reads, most trusted source first, with warnings
    where the page's own sources disagree."""
    out: dict = {}
    warnings: list[str] = []

    def pick(field: str, *candidates: tuple[str, object]) -> None:
        present = [(o, v) for o, v in candidates if v]
        if not present:
            return
        origin, value = present[0]
        out[field] = value
        for o, v in present[1:]:
            if str(v) != str(value):
                warnings.append(Note("warn.conflict", field=field, kept=value, origin=origin, others=[(o, v)]))
                break

    html_title = title_from_html_title(tags.get("html_title"), tags.get("site_name"), tags.get("column"))
    pick("title", ("信息公开表", info.get("title")), ("meta ArticleTitle", tags.get("title")))
    if html_title:
        out["html_title"] = html_title
    raw_number = info.get("doc_number")
    if raw_number and raw_number.strip() not in EMPTY_VALUES:
        out["doc_number"] = docnumber.normalise(raw_number)
    if info.get("issuers") and info["issuers"] not in EMPTY_VALUES:
        out["issuers"] = _issuers(info["issuers"])
    # 发文日期 is the date the document was issued: its written date in a box that also has a
    # 发布日期 (Hanweb: 发布机构/发文日期 … 发布日期), else the only date the box gives.
    issued = dates.parse(info.get("issue_date"))
    both = bool(info.get("publish_date"))
    pick("written_date", ("信息公开表", dates.parse(info.get("written_date"))), ("信息公开表 发文日期", issued if both else None))
    pick(
        "publish_date",
        ("信息公开表", dates.parse(info.get("publish_date"))),
        ("信息公开表 发文日期", None if both else issued),
        ("meta PubDate", dates.parse(tags.get("publish_date"))),
    )
    if info.get("index_number"):
        out["index_number"] = info["index_number"]
    if info.get("topics"):
        out["topics"] = _topics(info["topics"])
    pick("origin", ("meta ContentSource", tags.get("origin")), ("信息来源", info.get("origin")))
    for key in ("url", "site_name", "column"):
        if tags.get(key):
            out[key] = tags[key]
    if info.get("disclosure"):
        out["disclosure"] = info["disclosure"]
    if warnings:
        out["page_warnings"] = warnings
    return out


# The page's own address, for a page saved without one (no sidecar URL, no Url/og:url tag):
# its canonical link, else the link its print/favourite widgets make to the page itself
# (href="PATH#", an empty fragment, at least twice), resolved against the site's host.
_CANONICAL = re.compile(r"<link\b(?=[^>]*\brel\s*=\s*[\"']?canonical)[^>]*\bhref\s*=\s*[\"']([^\"'\s>]+)", re.I)
_SELF_LINK = re.compile(r"\bhref\s*=\s*[\"']([^\"'\s>#]+\.(?:s?html?|jsp|php|aspx?))#[\"']", re.I)
_ABSOLUTE = re.compile(r"\b(?:href|src)\s*=\s*[\"']https?://([a-z0-9.-]+\.[a-z]{2,})[/:\"']", re.I)
_SITE_DOMAIN = re.compile(r"<meta\b(?=[^>]*\bname\s*=\s*[\"']?SiteDomain)[^>]*\bcontent\s*=\s*[\"']([a-z0-9.-]+)", re.I)


def page_address(text: str) -> str | None:
    """The address a saved HTML page gives for itself, or None (only http(s) addresses)."""
    m = _CANONICAL.search(text)
    candidates = [m.group(1)] if m else []
    counts: dict[str, int] = {}
    for href in _SELF_LINK.findall(text):
        counts[href] = counts.get(href, 0) + 1
    selfish = [h for h, n in counts.items() if n >= 2]
    if len(selfish) == 1:
        candidates.append(selfish[0])
    for href in candidates:
        if href.startswith(("http://", "https://")):
            return href
        host = _site_host(text)
        if host and href.startswith("/"):
            return f"http://{host}{href}"
    return None


def _site_host(text: str) -> str | None:
    m = _SITE_DOMAIN.search(text)
    if m:
        return m.group(1).lower()
    hosts: dict[str, int] = {}
    for h in _ABSOLUTE.findall(text):
        hosts[h.lower()] = hosts.get(h.lower(), 0) + 1
    return max(sorted(hosts), key=hosts.__getitem__) if hosts else None
