"""Stage 5: PolicyDocument -> Markdown with YAML front matter.

Scraped text is untrusted: every piece of it goes through ``esc`` (or into YAML through
safe_dump), so no markup from a source can reach the site as HTML, and no Markdown or
MkDocs syntax in a title or paragraph can change the page's structure.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from typing import Any
from urllib.parse import urljoin, urlsplit

import yaml

from converter import fields, messages
from converter.clean import htmltable
from converter.clean.rules import classify as _classify
from converter.extract.citations import normalise_title
from converter.link.status import validity_meta
from converter.model import Block, Cell, PolicyDocument, Removal
from converter.read.formats import KINDS, READ_METHODS, SCAN_NOTE
from converter.text.places import LEVEL_NAMES

# Characters that carry meaning in Markdown, its extensions or HTML, as numeric
# character references: they render as themselves and are never parsed as syntax.
_ENTITIES = {c: f"&#{ord(c)};" for c in "&<>\\`*_[]{}|~#!?=+-:^$\"'"}
_ESC = re.compile("|".join(re.escape(c) for c in _ENTITIES))
# Only these are special everywhere; the rest only at the start of a line.
_INLINE = set("&<>\\`*_[]{}|~$")


# Only the inline-special characters are matched (str.translate would look up every
# character of a Chinese paragraph in a dict: three times slower).
_INLINE_CHARS = re.compile("[" + re.escape("".join(sorted(_INLINE))) + "]")
_SPACES = re.compile(r"\s+")


def _entity(m: re.Match[str]) -> str:
    return _ENTITIES[m.group()]


# A text with no whitespace and no inline-special character (most Chinese paragraphs) is
# unchanged by both substitutions in ``esc``. Whitespace other than " " is unprintable, and the
# special characters and " " are ASCII: str.isprintable and a bytes.translate of the text's
# ASCII characters tell, cheaper than a regex scan (and than the two substitutions).
_ESC_ASCII = bytes(sorted({ord(c) for c in _INLINE} | {ord(" ")}))


def esc(text: str) -> str:
    """Escape scraped text for use inside a Markdown paragraph, heading, table cell or link text."""
    text = str(text)
    if text.isprintable():
        ascii_part = text.encode("ascii", "ignore")
        if len(ascii_part.translate(None, _ESC_ASCII)) == len(ascii_part):
            return _escape_line_start(text)
    text = _SPACES.sub(" ", text).strip()
    return _escape_line_start(_INLINE_CHARS.sub(_entity, text))


# Titles, dates and regions are escaped again on every page that lists their document
# (timelines, 被引用, index pages): the same few thousand strings, remembered.
esc_short = lru_cache(maxsize=1 << 15, typed=True)(esc)


_NUMBERED_START = re.compile(r"^(\d+)([.)])(\s)")


def _escape_line_start(out: str) -> str:
    if not out:
        return out
    if out[0] in "#!?=+-:^\"'":
        return _ENTITIES[out[0]] + out[1:]
    if not out[0].isdecimal():  # \d is a decimal digit (category Nd), as isdecimal tells
        return out
    m = _NUMBERED_START.match(out)
    if m:
        return f"{m.group(1)}&#{ord(m.group(2))};{out[m.end(2):]}"
    return out


def safe_url(url: str | None) -> str | None:
    """Only http(s) links leave a source; anything else (javascript:, data:) is dropped."""
    if not url:
        return None
    url = url.strip()
    if not re.match(r"^https?://[^\s<>\"'`]+$", url, re.I):
        return None
    return url.replace("(", "%28").replace(")", "%29")


_YAML_OPTIONS: dict[str, Any] = dict(allow_unicode=True, sort_keys=False, width=10**9, default_flow_style=False)
# libyaml's emitter writes the same YAML as PyYAML's pure-Python one, about five times faster,
# except for U+0085, U+2028/2029 and characters outside the BMP (it escapes them) and long or
# empty keys; data holding any of those goes through the pure-Python emitter.
_C_DUMPER = getattr(yaml, "CSafeDumper", None)
_PYTHON_ONLY = re.compile("[\x85\u2028\u2029\U00010000-\U0010ffff]")


def _c_dumper_safe(value: Any) -> bool:
    if isinstance(value, str):
        return not _PYTHON_ONLY.search(value)
    if isinstance(value, dict):
        return all(
            isinstance(k, str) and 0 < len(k) <= 40 and k.isascii() and _c_dumper_safe(v) for k, v in value.items()
        )
    if isinstance(value, (list, tuple)):
        return all(_c_dumper_safe(v) for v in value)
    return value is None or isinstance(value, (bool, int, float))


# Even libyaml's emitter spends most of its time in PyYAML's Python representer and resolver.
# Front matter is nearly always a flat mapping of short strings, numbers and lists, so it is
# written directly when every value is of a shape (below) whose YAML is certain: keys of
# lowercase ASCII, and strings of CJK, full-width and ASCII letters, digits, inner spaces and
# ._/-:, written plain unless a ": " (a mapping indicator) or the resolver (a date, a number,
# null) forbids it, then single-quoted. Anything else goes through an emitter.
_SAFE_SCALAR = re.compile(
    r"[\u3001-\u303f\u4e00-\u9fff\uff01-\uff5e0-9A-Za-z/](?:[\u3001-\u303f\u4e00-\u9fff\uff01-\uff5e0-9A-Za-z._/:\- ]*"
    r"[\u3001-\u303f\u4e00-\u9fff\uff01-\uff5e0-9A-Za-z._/\-])?"
)
_SAFE_KEY = re.compile(r"[a-z_][a-z0-9_]{0,39}")
_STR_TAG = "tag:yaml.org,2002:str"


@lru_cache(maxsize=1 << 14)
def _plain_scalar(value: str) -> str | None:
    """The YAML of a string value in block context, or None when it is not of the safe shape."""
    if not _SAFE_SCALAR.fullmatch(value):
        return None
    if ": " not in value and yaml.resolver.Resolver().resolve(yaml.ScalarNode, value, (True, False)) == _STR_TAG:
        return value
    return f"'{value}'"  # no quote or line break inside: single-quoted as is


def _scalar(value: Any) -> str | None:
    if value is None:
        return "null"
    if value is True or value is False:
        return "true" if value else "false"
    if type(value) is int:
        return str(value)
    if type(value) is str:
        return _plain_scalar(value)
    return None


@lru_cache(maxsize=1 << 10, typed=True)  # the same few dozen keys on every page
def _key(key: Any) -> str | None:
    return key if type(key) is str and _SAFE_KEY.fullmatch(key) and _plain_scalar(key) == key else None


def _direct_yaml(data: dict[str, Any]) -> str | None:
    """``data`` as block YAML, or None when a value is not of a shape written here."""
    if not data or type(data) is not dict:
        return None
    out: list[str] = []
    seen: set[int] = set()  # a container met twice would be written as an anchor and alias

    def container(value: Any) -> bool:
        if id(value) in seen:
            return False
        seen.add(id(value))
        return True

    for key, value in data.items():
        k = _key(key)
        if k is None:
            return None
        if type(value) is list:
            if not container(value):
                return None
            if not value:
                out.append(f"{k}: []")
                continue
            out.append(f"{k}:")
            for item in value:
                if type(item) is dict:
                    if not item or not container(item):
                        return None
                    first = "- "
                    for ik, iv in item.items():
                        ik, iv = _key(ik), _scalar(iv)
                        if ik is None or iv is None:
                            return None
                        out.append(f"{first}{ik}: {iv}")
                        first = "  "
                else:
                    v = _scalar(item)
                    if v is None:
                        return None
                    out.append(f"- {v}")
        elif type(value) is dict:
            if not container(value):
                return None
            if not value:
                out.append(f"{k}: {{}}")
                continue
            out.append(f"{k}:")
            for ik, iv in value.items():
                ik, iv = _key(ik), _scalar(iv)
                if ik is None or iv is None:
                    return None
                out.append(f"  {ik}: {iv}")
        else:
            v = _scalar(value)
            if v is None:
                return None
            out.append(f"{k}: {v}")
    return "\n".join(out) + "\n"


def dump_yaml(data: dict[str, Any]) -> str:
    """Front matter YAML; byte-identical whichever way it is written."""
    direct = _direct_yaml(data)
    if direct is not None:
        return direct
    if _C_DUMPER is not None and _c_dumper_safe(data):
        return yaml.dump(data, Dumper=_C_DUMPER, **_YAML_OPTIONS)
    return yaml.safe_dump(data, **_YAML_OPTIONS)


def front_matter(doc: PolicyDocument, extra: dict[str, Any] | None = None) -> str:
    data: dict[str, Any] = {f.key: getattr(doc, f.key) for f in fields.DOC_FIELDS}
    data.update({
        "source": doc.source.as_dict(),
        "cites": [c.as_dict() for c in doc.cites],
        "cleaning": doc.record.counts(),
        "warnings": [messages.zh(w) for w in doc.warnings],
    })
    data.update(validity_meta(doc))
    data.update(doc.extra)
    if extra:
        data.update(extra)
    body = dump_yaml(data)
    return f"---\n{body}---\n"


def _level_name(level: str | None) -> str | None:
    return LEVEL_NAMES.get(level or "")


def card(doc: PolicyDocument) -> list[str]:
    """The metadata card at the top of a document page."""
    url = safe_url(doc.source.url)
    origin = doc.source.origin or doc.source.site or (urlsplit(url).hostname if url else None)
    source = f"[{esc(origin or url)}]({url})" if url else esc(origin or "")
    rows = [(fields.row_label(keys), fields.row_text(doc, keys, _level_name)) for keys in fields.CARD_ROWS]
    lines = ['<div class="policy-card" markdown>', "", f"| {fields.row_label(('title',))} | " + esc(doc.title) + " |", "| --- | --- |"]
    lines += [f"| {k} | {esc(v) if v else '—'} |" for k, v in rows]
    lines += [f"| 来源 | {source or '—'} |"]
    lines += extraction_rows(doc.source.extracted_from)
    return lines + ["", "</div>", ""]


def extraction_rows(ext: dict[str, Any] | None) -> list[str]:
    """Which file and tool a document's text came from; a scan says its text may be wrong."""
    if not ext:
        return []
    kind = KINDS.get(ext.get("format", ""), ("", ext.get("format", "")))[1]
    name = ext.get("file", "").rsplit("/", 1)[-1]
    method = READ_METHODS.get(ext.get("format", ""), "")
    rows = [f"| 文本来自 | {esc(name)}（{'，'.join(esc(x) for x in (kind, method) if x)}） |"]
    if ext.get("ocr_confidence") is not None:
        rows.append(f"| 识别说明 | {SCAN_NOTE}（识别置信度 {ext['ocr_confidence']:.0f}%） |")
    return rows


def block_md(b: Block, linker: Callable[[str], str] | None = None, home: str | None = None) -> list[str]:
    """``linker`` (from crosslinks) escapes a paragraph's text like ``esc`` and links its citations;
    ``home``: the host of the document's own page (links elsewhere are marked external)."""
    text_md = linker or esc
    if b.kind == "para":  # most blocks: before the other kinds' tests
        return [text_md(b.text), ""]
    if b.kind == "heading":
        return [f"{'#' * b.level} {esc(b.label)}{_gap(b.label)}{esc(b.text)} {{ #{b.anchor} }}", ""]
    if b.kind == "attachment_title":
        return [f"## {esc(b.text)} {{ #{b.anchor} .attachment-title }}", ""]
    if b.kind == "item":
        if b.role == "article":  # only the label bold, the text after a full-width space
            return [f"**{esc(b.label)}**{_gap(b.label)}{text_md(b.text)}", f"{{: #{b.anchor} .item .article }}", ""]
        if b.role == "list":  # （一）/1. inside an article: a list item, its label as written
            return [f"{esc(b.label)}{text_md(b.text)}", f"{{: #{b.anchor} .item .list .depth-{min(b.level, 3)} }}", ""]
        lead = f"**{esc(b.label + b.lead)}**" if b.lead else f"**{esc(b.label)}**"
        return [f"{lead}{text_md(b.text)}", f"{{: #{b.anchor} .item }}", ""]
    if b.kind == "doc_number":
        return [esc(b.text), "{: .doc-number }", ""]
    if b.kind == "addressee":
        return [esc(b.text), "{: .addressee }", ""]
    if b.kind == "signature":
        return ["  \n".join(esc(line) for line in b.text.split("\n")), "{: .signature }", ""]
    if b.kind == "table":
        return table_md(b.rows or [], b.cells) + [""]
    if b.kind in ("attachment", "parent", "download"):
        return [attachment_md(b, home), ""]
    if b.kind == "figure":
        return figure_md(b)
    return [text_md(b.text), ""]


def figure_md(b: Block, page_url: str | None = None) -> list[str]:
    """A figure: the image only from an http(s) address (relative ones resolved against the
    page's own, then through safe_url), its alt text kept; the caption as text below it.
    Without a usable address the words stay, with a note."""
    caption = b.text if b.text != b.alt else ""
    url = safe_url(urljoin(page_url, b.href) if page_url and b.href else b.href)
    if url:
        image = f'![{esc(b.alt)}]({url}){{: loading="lazy" referrerpolicy="no-referrer" }}'
    else:
        image = f"［图片未收录：{esc(b.alt)}］" if b.alt else "［图片未收录］"
    out = [image, "{: .figure }", ""]
    if caption:
        out += [esc(caption), "{: .figure-caption }", ""]
    return out


def _host(url: str | None) -> str | None:
    return (urlsplit(url).hostname or None) if url else None


def attachment_md(b: Block, home: str | None = None) -> str:
    """An attachment line: its own page when converted, else its address, and the original to
    download; an address on another host than the page's (a file anyone may have put there)
    says so: its host is shown and the link carries rel="noopener nofollow"."""
    if b.kind == "parent":
        return f"- 所属页面：[{esc(b.text)}]({b.target}.md)"
    if b.kind == "download":
        return f"- 原件下载：[{esc(b.text)}]({b.download})"
    download = f"（[下载原件]({b.download})）" if b.download else ""
    if b.target:
        return f"- 附件：[{esc(b.text)}]({b.target}.md){download}"
    url = safe_url(b.href)
    if url is None:
        return f"- 附件：{esc(b.text)}"
    host = _host(url)
    if host is None or host == home:
        return f"- 附件：[{esc(b.text)}]({url})"
    return f'- 附件：[{esc(b.text)}]({url}){{: rel="noopener nofollow" .external-link }}（外部网站：{esc(host)}）'


_ARTICLE_LABEL = re.compile(r"^第[零〇一二两三四五六七八九十百千\d]+[章节条]$")


def _gap(label: str) -> str:
    """The full-width space a regulation puts after 第X章, 第X节 and 第X条 (第一章　总则)."""
    return "\u3000" if _ARTICLE_LABEL.match(label) else ""


def table_md(rows: list[list[str]], cells: list[list[Cell]] | None = None) -> list[str]:
    """A pipe table for a simple grid; a table with merged cells or several header rows as
    sanitised HTML in a box that scrolls on its own when wider than the screen."""
    if cells is not None and not htmltable.is_simple(cells):
        return ['<div class="policy-table">', htmltable.to_html(cells), "</div>"]
    if not rows:
        return []
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    out = ["| " + " | ".join(_cell_md(c) for c in rows[0]) + " |", "|" + " --- |" * width]
    out += ["| " + " | ".join(_cell_md(c) for c in r) + " |" for r in rows[1:]]
    return out


def _cell_md(text: str) -> str:
    """A pipe-table cell: escaped, its lines joined by <br> (our markup, not the source's)."""
    return "<br>".join(esc(line) for line in text.split("\n"))


@lru_cache(maxsize=1 << 10)  # a few dozen keys, on every page
def _count_label(key: str) -> str:
    action, _, step = key.partition("_")
    verb = {"removed": "删除", "changed": "修改"}.get(action)
    name = messages.step_name(step)
    return f"{verb}{name}" if verb and name != step else key


# Label lines of a page information table (索引号：) read with the value line after them.
_LABEL_END = ("：", ":")


def _record_rows(removed: list[Removal]) -> Iterator[tuple[str, str, list[int | None], str, int]]:
    """Rows of the removals table: (step, reason, lines, content, how many lines it stands for).
    Text of a step that is not public (spam, hidden link farms) is never shown: a run of them is
    one row with its count, rule and lines. An information-table label and its value are one
    row (one field). A removal recorded twice at the same source line is one row."""
    i, seen = 0, set()
    while i < len(removed):
        r = removed[i]
        if not messages.step_public(r.step):
            j = i
            while j < len(removed) and (removed[j].step, removed[j].reason) == (r.step, r.reason):
                j += 1
            run = removed[i:j]
            chars = sum(len(x.text) for x in run)
            yield r.step, r.reason, [x.line for x in run], f"（不公开：{len(run)} 处，共 {chars} 字，见源文件）", len(run)
            i = j
            continue
        nxt = removed[i + 1] if i + 1 < len(removed) else None
        if (
            nxt is not None and r.reason.code == "meta.info_table" == nxt.reason.code
            and r.text.endswith(_LABEL_END) and not nxt.text.endswith(_LABEL_END)
            and _classify(nxt.text) is None  # an empty 主题词： before the table's QR-code prompt
        ):
            row = (r.step, r.reason, [r.line], f"{r.text}{nxt.text}", 1)
            i += 2
        else:
            row = (r.step, r.reason, [r.line], r.text, 1)
            i += 1
        key = (r.step, r.reason.code, r.line, row[3])
        if r.line is None or key not in seen:  # a place unknown: cannot tell it is the same one
            seen.add(key)
            yield row


def _lines_cell(lines: list[int | None]) -> str:
    known = sorted({n for n in lines if n is not None})
    if not known:
        return "—"
    shown = "、".join(str(n) for n in known[:10]) + ("等" if len(known) > 10 else "")
    return f"第 {shown} 行"


def record_md(doc: PolicyDocument) -> list[str]:
    """The collapsible 来源与处理记录 box: provenance, notes, and every removal with its rule."""
    src = doc.source
    # The `record` class keeps the box out of the search index (converter/search.EXCLUDE).
    lines = ['??? info record "来源与处理记录"', ""]
    facts = [
        ("源文件", src.file),
        ("原始网址", src.url),
        ("网站", src.site),
        ("抓取时间", src.fetched_at),
        ("SHA-256", src.sha256),
    ]
    for k, v in facts:
        if v:
            lines.append(f"    - {k}：{esc(v)}")
    ext = src.extracted_from
    if ext:
        method = READ_METHODS.get(ext.get("format", ""), "")
        tool = f"（程序：{esc(ext['tool'])}）" if ext.get("tool") else ""  # secondary: the method says it in Chinese
        lines.append(f"    - 文本提取：{esc(ext.get('file', ''))}，{esc(method)}{tool}")
        if ext.get("ocr_confidence") is not None:
            lines.append(f"    - 识别置信度：{ext['ocr_confidence']:.0f}%（{SCAN_NOTE}）")
    rows = list(_record_rows(doc.record.removed))
    # The summary counts what the table lists (a field, not its label and value apart), under
    # the same names, and then the in-place edits, which have no rows.
    summary: dict[str, int] = {}
    for step, _, _, _, n in rows:
        summary[messages.step_label(step)] = summary.get(messages.step_label(step), 0) + n
    for step, n in sorted(doc.record.changed.items()):
        summary[_count_label(f"changed_{step}")] = n
    if summary:
        lines.append("    - 清洗统计：" + "，".join(f"{esc(k)} {v}" for k, v in summary.items()))
    for w in doc.warnings:
        lines.append(f"    - 提示：{esc(messages.zh(w))}")
    if rows:
        lines += ["", "    | 处理 | 原因 | 源文件位置 | 原文 |", "    | --- | --- | --- | --- |"]
        for step, reason, at, text, _ in rows:
            text = text if len(text) <= 500 else text[:500] + f"…（共 {len(text)} 字）"
            lines.append(
                f"    | {esc(messages.step_label(step))} | {esc(messages.zh(reason))} | {_lines_cell(at)} | {esc(text)} |"
            )
    return lines + [""]


def render(
    doc: PolicyDocument, links: Iterable[str] = (), extra_meta: dict[str, Any] | None = None,
    linker: Callable[[str], str] | None = None,
) -> str:
    """Markdown for one document page. ``links`` are extra Markdown lines from the corpus-wide step."""
    lines = [front_matter(doc, extra_meta), f"# {esc(doc.title)}", ""]
    lines += card(doc)
    lines += status_md(doc)
    home = _host(safe_url(doc.source.url))
    page_url = safe_url(doc.source.url)
    for b in doc.blocks:
        lines += figure_md(b, page_url) if b.kind == "figure" else block_md(b, linker, home)
    lines += relations_md(doc)
    lines += list(links)
    lines += record_md(doc)
    return "\n".join(lines).rstrip() + "\n"


# --- validity: status badge, banner, relation lists (converter/link/status.py sets doc.validity) ----

RELATION_LISTS = (  # (front-matter key, heading on the page)
    ("repeals", "本文废止的文件"), ("repealed_by", "废止本文的文件"),
    ("amends", "本文修改的文件"), ("amended_by", "修改本文的文件"), ("revised_by", "修订沿革"),
    ("extends", "本文延长有效期的文件"), ("extended_by", "延长本文有效期的文件"),
    ("interprets", "本文解读的文件"), ("interpreted_by", "政策解读"),
)


def status_badge(doc: PolicyDocument) -> str:
    """The status as a small badge for lists (empty before linking); 已被修改 as a note."""
    v = doc.validity
    if v is None:
        return ""
    note = f' <span class="status-note">{AMENDED}</span>' if v.note == AMENDED else ""
    return f' <span class="status-badge status-{v.status}">{v.label}</span>{note}'


AMENDED = "已被修改"


def _relation_link(r: Any) -> str:
    name = f"《{esc(normalise_title(r.title))}》" if r.title else esc(r.doc_number or "")
    number = f"（{esc(r.doc_number)}）" if r.title and r.doc_number else ""
    if r.target:
        return f"[{name}]({r.target}.md){number}"
    if r.stub:
        return f"[{name}](../cited/{r.stub}.md){number} <small>待收录</small>"
    return name + number


def status_md(doc: PolicyDocument) -> list[str]:
    """The status line under the card (badge, dates, the clause quoted) and, on a repealed or
    expired document, a banner naming what replaced it."""
    v = doc.validity
    if v is None:
        return []
    facts = [f'<span class="status-badge status-{v.status}">{v.label}</span>']
    if v.note:
        facts.append(f'<span class="status-note">{esc(v.note)}</span>')
    facts += [f"施行日期：{v.effective_date or '—'}", f"有效期至：{v.expiry_date or '—'}", f"状态截至：{v.as_of}"]
    lines = ['<div class="policy-status" markdown>', "", " · ".join(facts), ""]
    if v.evidence and v.status == "unknown":
        lines += [f"本文写明“{esc(v.evidence)}”，但本库没有它的成文或发布日期：时效不详。", "{: .status-evidence }", ""]
    elif v.evidence:
        where = f"（见[{esc(_title_of(v, v.evidence_from))}]({v.evidence_from}.md)）" if v.evidence_from else ""
        lines += [f"依据：“{esc(v.evidence)}”{where}", "{: .status-evidence }", ""]
        if v.date_note:
            lines += [esc(v.date_note), "{: .status-evidence }", ""]
    elif v.status == "unknown":
        lines += ["本文没有写明施行日期或有效期，本库也没有文件废止或修改它：时效不详，请以发文机关公布的为准。", "{: .status-evidence }", ""]
    lines += ["</div>", ""]
    return _banner(v) + lines


def _title_of(v: Any, slug: str) -> str:
    for rels in v.relations.values():
        for r in rels:
            if r.target == slug and r.title:
                return r.title
    return slug


def _banner(v: Any) -> list[str]:
    if v.status not in ("repealed", "expired"):
        return []
    by = [r for r in v.relations.get("repealed_by", []) if not r.unconfirmed]
    head = "本文件已废止" if v.status == "repealed" else f"本文件已于 {v.expiry_date} 失效"
    body = f"{head}。"
    if by:
        body += "废止它的文件：" + "；".join(_relation_link(r) for r in by) + "。"
        compare = [r for r in by if r.compare]
        if compare:
            body += f"[修订前后对照](../compare/{compare[0].compare}.md)。"
    return [f'!!! danger "{LABELS_ZH[v.status]}"', "", f"    {body}", ""]


LABELS_ZH = {"repealed": "已废止", "expired": "已失效"}


def relations_md(doc: PolicyDocument) -> list[str]:
    """效力关系: what the document repeals, amends, extends, interprets, and what does so to it."""
    v = doc.validity
    if v is None or not any(v.relations.get(k) for k, _ in RELATION_LISTS):
        return []
    lines = ["## 效力关系 { #relations .links }", ""]
    for key, heading in RELATION_LISTS:
        rels = v.relations.get(key, [])
        if not rels:
            continue
        lines += [f"**{heading}**", ""]
        for r in rels:
            if key in ("extends", "extended_by"):  # its date is the new last day, not the act's date
                line = f"- {_relation_link(r)}" + (f"（有效期延长至 {r.date}）" if r.date else "")
            else:
                line = f"- {r.date} {_relation_link(r)}" if r.date else f"- {_relation_link(r)}"
            if r.unconfirmed:
                options = "、".join(f"[{esc(c)}]({c}.md)" for c in r.candidates)
                line += " <small>未确认" + (f"：可能是 {options}" if options else "：两份文件互相声称废止或修改对方") + "</small>"
            if r.compare:
                line += f" · [修订前后对照](../compare/{r.compare}.md)"
            lines += [line, f"    <small>“{esc(r.clause)}”</small>" if len(r.clause) < 300 else f"    <small>“{esc(r.clause[:300])}…”</small>"]
        lines.append("")
    return lines
