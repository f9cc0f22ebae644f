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


@dataclass(frozen=True)
class Field:
    key: str
    label: str  # the field as a reader sees it (Chinese)
    check: Callable[[Any], str | None]  # what is wrong with a value, naming the expected type
    overridable: bool = False  # may be set under overrides:


# Fields `overrides:` may set: they replace what the converter found in the page.
OVERRIDE_FIELDS: dict[str, Field] = {f.key: f for f in (
    Field("title", "标题", text, True),
    Field("doc_number", "发文字号", text_or_null, True),
    Field("issuers", "发文机关", names_or_empty, True),
    Field("written_date", "成文日期", date, True),
    Field("publish_date", "发布日期", date, True),
    Field("region", "地区", text_or_null, True),
    Field("level", "层级", level, True),
    Field("doc_type", "类型", text_or_null, True),
    Field("index_number", "索引号", text_or_null, True),
    Field("topics", "主题", names_or_empty, True),
)}
# Top-level keys: provenance the scraper writes (scraper.store.OWNED_KEYS), notes, overrides.
SIDECAR_FIELDS: dict[str, Field] = {f.key: f for f in (
    Field("url", "网址", line_or_null),
    Field("final_url", "跳转后网址", line_or_null),
    Field("site", "来源网站", line_or_null),
    Field("status", "HTTP 状态码", status),
    Field("fetched_at", "抓取时间", time_or_null),
    Field("content_type", "内容类型", line_or_null),
    Field("encoding", "编码", encoding),
    Field("sha256", "SHA-256 校验值", line_or_null),
    Field("attachments", "附件", records),
    Field("history", "历史版本", records),
    Field("notes", "备注", notes),
    Field("overrides", "人工更正", mapping),
)}
OVERRIDABLE = frozenset(OVERRIDE_FIELDS)


def problems(data: dict) -> list[tuple[str, str]]:
    """(field, what is wrong) for each known field of a loaded sidecar with a bad value; unknown
    keys are not judged here (``check`` reports them, the build ignores them)."""
    out = []
    for key, f in SIDECAR_FIELDS.items():
        if key in data:
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
            wrong = spec.check(value) if spec else None
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
