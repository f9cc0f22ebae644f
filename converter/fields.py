"""The sidecar schema: every field of ``NAME.meta.yml`` declared once (key, what it must be,
whether ``overrides:`` may set it, its Chinese label), and the one way sidecars are loaded.

Sidecars are small, flat data written by the scraper or by hand, and anyone can put one in a
pull request, so they are loaded defensively: size capped before parsing, YAML aliases refused
(a 365-byte alias bomb expands to gigabytes), nesting bounded, and every value checked against
this schema before any stage uses it. ``read`` (the build) and ``check`` both use it, so they
agree on what a good sidecar is.
"""

from __future__ import annotations

import codecs
import datetime as dt
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import yaml

from converter.text import dates

SIDECAR_SUFFIX = ".meta.yml"
MAX_SIDECAR_BYTES = 256 * 1024  # the scraper's largest (hundreds of attachments) is a few KB
MAX_KEYS = 64  # top-level keys, and fields under overrides:
MAX_TEXT = 1000  # characters of one text value of an override (titles run to ~100)
MAX_LINE = 4096  # characters of a provenance value (a URL, a hash, a note's line)
MAX_NOTES = 20_000
MAX_ITEMS = 1000  # entries of a list (attachments, history, issuers, topics)
# libyaml composes nested collections recursively in C and overflows the stack somewhere past
# 10,000 levels (a segfault, not an exception); texts up to this size cannot nest that deep.
# Longer ones go through PyYAML's Python composer, which raises RecursionError instead.
LIBYAML_MAX_CHARS = 4096
LEVEL_VALUES = {"national", "provincial", "municipal", "county", None}
LEVELS = ", ".join(sorted(str(v) for v in LEVEL_VALUES if v is not None)) + ", null"


class SidecarError(ValueError):
    """A sidecar that cannot be used: ``field`` is where (``(file)`` for the whole file)."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def show(v: Any, limit: int = 60) -> str:
    """``repr`` of a value for a message, cut short: a 6 MB value must not become a 6 MB line."""
    if isinstance(v, (str, bytes)) and len(v) > limit:
        return repr(v[:limit]) + f"… ({len(v):,} characters)"
    if isinstance(v, (list, dict)) and len(v) > 20:
        return f"a {type(v).__name__} of {len(v):,} entries"
    text = repr(v)
    return text if len(text) <= limit else text[:limit] + "…"


# --- validators: a value -> what is wrong with it (naming the expected type), or None ---------


def _too_long(v: str, limit: int) -> str | None:
    return f"is {len(v):,} characters, over the limit of {limit:,}" if len(v) > limit else None


def text(v: Any, limit: int = MAX_TEXT) -> str | None:
    if isinstance(v, str) and v.strip():
        return _too_long(v, limit)
    if v is None or v == "":
        return "must not be empty"
    hint = " (put it in quotes)" if isinstance(v, (int, float, dt.date)) else ""
    return f"must be text, got {show(v)}{hint}"


def text_or_null(v: Any, limit: int = MAX_TEXT) -> str | None:
    return None if v is None else text(v, limit)


def names(v: Any) -> str | None:
    if isinstance(v, str) and v.strip():
        return _too_long(v, MAX_TEXT)
    if isinstance(v, list) and all(isinstance(x, str) and x.strip() for x in v):
        if len(v) > MAX_ITEMS:
            return f"has {len(v):,} names, over the limit of {MAX_ITEMS:,}"
        return next((f"a name {w}" for w in (_too_long(x, MAX_TEXT) for x in v) if w), None)
    return f"must be a name or a list of names, got {show(v)}"


def names_or_empty(v: Any) -> str | None:
    return None if v == [] else names(v)


def date(v: Any) -> str | None:
    if v is None or isinstance(v, dt.date):
        return None
    if isinstance(v, str) and len(v) <= 40 and dates.parse(v):
        return None
    return f"{show(v)} is not a date; write YYYY-MM-DD, or null"


def level(v: Any) -> str | None:
    return None if (v is None or isinstance(v, str)) and v in LEVEL_VALUES else f"{show(v)} is not one of {LEVELS}"


def line_or_null(v: Any) -> str | None:
    if v is None:
        return None
    if isinstance(v, str):
        return _too_long(v, MAX_LINE)
    return f"must be text or null, got {show(v)}"


def time_or_null(v: Any) -> str | None:
    return None if isinstance(v, dt.date) else line_or_null(v)


def encoding(v: Any) -> str | None:
    wrong = line_or_null(v)
    if wrong or v is None or v == "binary":  # binary: a document file (Word, PDF…), not text; `add` records it
        return wrong
    try:
        codecs.lookup(v)
    except LookupError:
        return f"unknown encoding {show(v)}; use utf-8, gb18030 or remove the line"
    return None


def status(v: Any) -> str | None:
    return None if v is None or (isinstance(v, int) and not isinstance(v, bool)) else f"must be an HTTP status number or null, got {show(v)}"


def records(v: Any) -> str | None:
    """attachments, history: lists of small mappings the scraper writes."""
    if v is None:
        return None
    if not isinstance(v, list) or not all(isinstance(x, dict) for x in v):
        return f"must be a list of mappings, got {show(v)}"
    if len(v) > MAX_ITEMS:
        return f"has {len(v):,} entries, over the limit of {MAX_ITEMS:,}"
    for x in v:
        for key, value in x.items():
            if not isinstance(key, str) or not (value is None or isinstance(value, (str, int, dt.date))):
                return f"each entry maps names to text, got {show(x)}"
            if isinstance(value, str) and len(value) > MAX_LINE:
                return f"an entry's {key} is {len(value):,} characters, over the limit of {MAX_LINE:,}"
    return None


def notes(v: Any) -> str | None:
    return None if v is None else text(v, MAX_NOTES)


def mapping(v: Any) -> str | None:
    if v is None or isinstance(v, dict):
        return None
    return "must be a mapping of `field: value` lines, indented under `overrides:`"


# --- validators of what the converter writes in a page's front matter (``check`` reads docs/) ---

_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SHA = re.compile(r"^[0-9a-f]{64}$")


def written_date(v: Any) -> str | None:
    if v is None:
        return None
    if isinstance(v, str) and _ISO.match(v):
        try:
            dt.date.fromisoformat(v)
            return None
        except ValueError:
            return f"{show(v)} is not a real date"
    return f"must be a quoted 'YYYY-MM-DD' string or null, got {show(v)}"


def written_text(v: Any) -> str | None:
    return text(v, limit=sys.maxsize)  # what the converter wrote: no override size limit


def written_text_or_null(v: Any) -> str | None:
    return None if v is None else written_text(v)


def written_text_list(v: Any) -> str | None:
    if isinstance(v, list) and all(isinstance(x, str) for x in v):
        return None
    return f"must be a list of text, got {show(v)}"


def written_source(v: Any) -> str | None:
    if not isinstance(v, dict):
        return f"must be a mapping with file, url, site, sha256, got {show(v)}"
    missing = [k for k in ("file", "url", "site", "sha256") if k not in v]
    if missing:
        return "missing " + ", ".join(missing)
    if not isinstance(v["file"], str) or not v["file"]:
        return f"file must be the source path, got {show(v['file'])}"
    for k in ("url", "site"):
        if v[k] is not None and not isinstance(v[k], str):
            return f"{k} must be text or null, got {show(v[k])}"
    if not isinstance(v["sha256"], str) or not _SHA.match(v["sha256"]):
        return f"sha256 must be 64 hex digits, got {show(v['sha256'])}"
    return None


def written_cites(v: Any) -> str | None:
    if not isinstance(v, list):
        return f"must be a list, got {show(v)}"
    for c in v:
        if not isinstance(c, dict) or not c or set(c) - {"title", "doc_number"} or not all(isinstance(x, str) for x in c.values()):
            return f"each citation is a mapping of title and/or doc_number, got {show(c)}"
    return None


def written_counts(v: Any) -> str | None:
    if isinstance(v, dict) and all(isinstance(k, str) and isinstance(n, int) and not isinstance(n, bool) and n >= 0 for k, n in v.items()):
        return None
    return f"must be a mapping of step: count, got {show(v)}"


def written_relations(v: Any) -> str | None:
    """repeals, amended_by…: lists of mappings naming the related document (title, doc_number, page…)."""
    if isinstance(v, list) and all(isinstance(x, dict) and isinstance(x.get("title", ""), (str, type(None))) for x in v):
        return None
    return f"must be a list of mappings with title and doc_number, got {show(v)}"


# --- the schema ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    """One field, declared once: its key (in the sidecar, under ``overrides:``, in the front
    matter and as the attribute of PolicyDocument), its Chinese label, and its validators."""

    key: str
    label: str  # the field as a reader sees it (Chinese): the card, `add`'s summary
    check: Callable[[Any], str | None] | None  # what is wrong with a sidecar value (None: not in sidecars)
    overridable: bool = False  # may be set under overrides:
    written: Callable[[Any], str | None] | None = None  # what is wrong with its front-matter value (None: not written)
    always: bool = True  # written on every page: `check` reports it missing (else only checked when present)
    joiner: str = ""  # how a list value is shown as one line of text
    expected: bool = False  # a policy document should have it: extract warns, `check` reports when not found
    read: bool = False  # the reader maps it to a SourceMeta attribute (other sidecar keys stay in its extra)


# The document's fields, in front-matter order; `overrides:` may set each (replacing what the
# converter found in the page).
DOC_FIELDS: tuple[Field, ...] = (
    Field("title", "标题", text, True, written_text),
    Field("doc_number", "发文字号", text_or_null, True, written_text_or_null, expected=True),
    Field("issuers", "发文机关", names_or_empty, True, written_text_list, joiner="、", expected=True),
    Field("written_date", "成文日期", date, True, written_date, expected=True),
    Field("publish_date", "发布日期", date, True, written_date, expected=True),
    Field("region", "地区", text_or_null, True, written_text_or_null),
    Field("level", "层级", level, True, level),
    Field("doc_type", "类型", text_or_null, True, written_text_or_null),
    Field("index_number", "索引号", text_or_null, True, written_text_or_null),
    # gov.cn's 主题分类 is a path (卫生、体育\卫生): category › subcategory.
    Field("topics", "主题", names_or_empty, True, written_text_list, joiner=" › "),
)
# What the converter adds after them: provenance and the record of its work.
RECORD_FIELDS: tuple[Field, ...] = (
    Field("source", "来源", None, written=written_source),
    Field("cites", "引用", None, written=written_cites),
    Field("cleaning", "清理记录", None, written=written_counts),
    Field("warnings", "提示", None, written=written_text_list),
)
# The document's status and relations, set by the link step (converter/link/status.py).
RELATIONS = ("repeals", "repealed_by", "amends", "amended_by", "revised_by", "interprets", "interpreted_by")
VALIDITY_FIELDS: tuple[Field, ...] = (
    Field("effective_date", "施行日期", None, written=written_date, always=False),
    Field("expiry_date", "失效日期", None, written=written_date, always=False),
    Field("status", "效力状态", None, written=written_text_or_null, always=False),
    Field("status_as_of", "状态日期", None, written=written_date, always=False),
    Field("status_evidence", "状态依据", None, written=written_text_or_null, always=False),
    Field("effective_date_note", "施行日期说明", None, written=written_text_or_null, always=False),
    *(Field(key, label, None, written=written_relations, always=False) for key, label in zip(RELATIONS, (
        "废止", "被废止", "修改", "被修改", "被修订", "解读", "被解读"))),
)
# What some pages' info boxes add (PolicyDocument.extra).
PAGE_FIELDS: tuple[Field, ...] = (
    Field("disclosure", "公开方式", None, written=written_text_or_null, always=False),
    Field("author", "作者", None, written=written_text_or_null, always=False),
)
FRONT_MATTER_FIELDS: dict[str, Field] = {f.key: f for f in (*DOC_FIELDS, *RECORD_FIELDS, *VALIDITY_FIELDS, *PAGE_FIELDS)}
OVERRIDE_FIELDS: dict[str, Field] = {f.key: f for f in DOC_FIELDS if f.overridable}
OVERRIDABLE = frozenset(OVERRIDE_FIELDS)
EXPECTED = tuple(f.key for f in DOC_FIELDS if f.expected)
# Top-level keys: provenance the scraper writes (scraper.store.OWNED_KEYS), notes, overrides.
SIDECAR_FIELDS: dict[str, Field] = {f.key: f for f in (
    Field("url", "网址", line_or_null, read=True),
    Field("final_url", "跳转后网址", line_or_null),
    Field("site", "来源网站", line_or_null, read=True),
    Field("status", "HTTP 状态码", status),
    Field("fetched_at", "抓取时间", time_or_null, read=True),
    Field("content_type", "内容类型", line_or_null),
    Field("encoding", "编码", encoding, read=True),
    Field("sha256", "SHA-256 校验值", line_or_null, read=True),
    Field("attachments", "附件", records),
    Field("history", "历史版本", records),
    Field("notes", "备注", notes),
    Field("overrides", "人工更正", mapping, read=True),
)}
READ_KEYS = frozenset(k for k, f in SIDECAR_FIELDS.items() if f.read)

# The rows of the metadata card on a page, in reading order; region and level share a row.
CARD_ROWS: tuple[tuple[str, ...], ...] = (
    ("doc_number",), ("issuers",), ("written_date",), ("publish_date",), ("region", "level"), ("doc_type",),
    ("topics",), ("index_number",),
)
# The rows `add` prints for the document it converted.
SUMMARY_ROWS: tuple[tuple[str, ...], ...] = (("title",), *CARD_ROWS[:6])


def row_label(keys: tuple[str, ...]) -> str:
    return "/".join(FRONT_MATTER_FIELDS[k].label for k in keys)


def row_text(doc: Any, keys: tuple[str, ...], level_shown: Callable[[str | None], str | None]) -> str:
    """A row's value as one line: lists joined with their field's joiner, the level as
    ``level_shown`` names it, several fields joined with " · " (empty ones left out)."""
    parts = []
    for key in keys:
        v = getattr(doc, key)
        if key == "level":
            v = level_shown(v)
        elif isinstance(v, list):
            v = FRONT_MATTER_FIELDS[key].joiner.join(v)
        if v:
            parts.append(v)
    return " · ".join(parts)


def problems(data: dict) -> list[tuple[str, str]]:
    """(field, what is wrong) for each known field of a loaded sidecar with a bad value; unknown
    keys are not judged here (``check`` reports them, the build ignores them)."""
    out = []
    for key, f in SIDECAR_FIELDS.items():
        if key in data and f.check:
            wrong = f.check(data[key])
            if wrong:
                out.append((key, wrong))
    overrides = data.get("overrides")
    if isinstance(overrides, dict):
        if len(overrides) > MAX_KEYS:
            return out + [("overrides", f"has {len(overrides):,} fields, over the limit of {MAX_KEYS}")]
        for key, value in overrides.items():
            if not isinstance(key, str):
                out.append((f"overrides.{key}", f"a field name must be text, got {show(key)}"))
                continue
            spec = OVERRIDE_FIELDS.get(key)
            wrong = spec.check(value) if spec and spec.check else None
            if wrong:
                out.append((f"overrides.{key}", wrong))
    return out


# --- loading ---------------------------------------------------------------------------------


def _timestamp_or_text(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    """An unquoted date that is not one (2017-13-45) stays text, for the schema to report with
    its field, instead of PyYAML's ValueError for the whole file."""
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError:
        return loader.construct_scalar(node)


class _PureLoader(yaml.SafeLoader):
    pass


_PureLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_or_text)
_FastLoader: type[Any] = _PureLoader
if hasattr(yaml, "CSafeLoader"):
    class _FastLoader(yaml.CSafeLoader):  # type: ignore[no-redef]
        pass

    _FastLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_or_text)

# Sidecars through libyaml's parser when present, a tenth of the time of PyYAML's pure-Python
# loader. The two read some rare text differently (U+0085 and U+2028/9 as line breaks, a tab or
# a bare "!" as a value), so a sidecar holding any character outside this set goes to the pure
# loader (tests/test_fast_paths.py checks they agree on the rest).
LIBYAML_SAFE = re.compile("[\n\x20\x22-\x7e\u00a0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd]*")


def _refuse_aliases(root: yaml.Node) -> None:
    """An alias makes two places share one node: seen twice while walking, it is refused
    (linear in the nodes, however far the aliases would expand)."""
    seen: set[int] = set()
    todo = [root]
    while todo:
        node = todo.pop()
        if id(node) in seen:
            raise SidecarError("(file)", "uses YAML anchors and aliases (&name / *name); write each value out")
        seen.add(id(node))
        if isinstance(node, yaml.SequenceNode):
            todo += node.value
        elif isinstance(node, yaml.MappingNode):
            todo += [x for pair in node.value for x in pair]


def load_text(text: str) -> object:
    """A sidecar's YAML text -> data, refusing aliases; YAML errors raise yaml.YAMLError, a
    document nested too deeply SidecarError."""
    fast = len(text) <= LIBYAML_MAX_CHARS and LIBYAML_SAFE.fullmatch(text)
    loader = (_FastLoader if fast else _PureLoader)(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _refuse_aliases(node)
        return loader.construct_document(node)
    except RecursionError:
        raise SidecarError("(file)", "is nested too deeply; a sidecar is flat `key: value` lines") from None
    finally:
        loader.dispose()


def load_bytes(data: bytes, size: int | None = None) -> dict:
    """A sidecar file's bytes -> its mapping (empty for an empty file). Raises SidecarError
    naming what is wrong: too large, not UTF-8, not YAML, aliases, not a mapping, too many keys.
    ``size``: the file's size, when only its start was read."""
    if len(data) > MAX_SIDECAR_BYTES:
        raise SidecarError("(file)", f"is {max(size or 0, len(data)):,} bytes, over the {MAX_SIDECAR_BYTES // 1024} KiB limit for a sidecar")
    try:
        loaded = load_text(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise SidecarError("(file)", f"is not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except yaml.YAMLError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise SidecarError("(file)", f"not valid YAML ({first}); check the indentation and quoting") from None
    if loaded is None:
        return {}
    if not isinstance(loaded, dict):
        raise SidecarError("(file)", "must be a YAML mapping of `key: value` lines")
    if len(loaded) > MAX_KEYS:
        raise SidecarError("(file)", f"has {len(loaded):,} keys, over the limit of {MAX_KEYS}")
    return loaded
