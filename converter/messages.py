"""Every message a reader sees, by code, from one table (converter/data/messages.yml).

A ``Note`` is a message with its parameters. It is a ``str`` whose value is the English text
(the build log, the CLI, contributors' tests read it as before); the site shows ``note.zh``,
made from the code and parameters, never from the English.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from functools import cache
from typing import Any

from converter.tables import DATA_DIR, load

LANGS = ("zh", "en")


class MessageTableError(ValueError):
    """converter/data/messages.yml is malformed: names the entry and the problem."""


@dataclass(frozen=True)
class Text:
    zh: str
    en: str
    public: bool = True  # steps only: whether removed text may be shown on the site
    action: str = "removed"  # steps only: what the step did to its lines (a key of ACTIONS)


# What a cleaning step does to the lines it records, as the record box says it: most remove
# them; some replace characters in place (the line stays) or move the line into the metadata.
ACTIONS = {"removed": Text("删除", "removed"), "replaced": Text("修改", "replaced"), "moved": Text("移出", "moved out")}


@dataclass(frozen=True)
class Table:
    steps: dict[str, Text]
    terms: dict[str, Text]
    messages: dict[str, Text]


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def _entry(section: str, code: str, value: Any, allowed: set[str]) -> Text:
    where = f"{DATA_DIR / 'messages.yml'}: {section}.{code}"
    if not isinstance(value, dict):
        raise MessageTableError(f"{where}: expected a mapping with zh and en")
    unknown = set(value) - allowed
    if unknown:
        raise MessageTableError(f"{where}: unknown key(s) {', '.join(sorted(map(str, unknown)))}")
    for lang in LANGS:
        if not isinstance(value.get(lang), str) or not value[lang].strip():
            raise MessageTableError(f"{where}: missing {lang} text")
    if _fields(value["zh"]) != _fields(value["en"]):
        raise MessageTableError(f"{where}: zh and en name different parameters")
    public = value.get("public", True)
    if not isinstance(public, bool):
        raise MessageTableError(f"{where}: public must be true or false")
    action = value.get("action", "removed")
    if action not in ACTIONS:
        raise MessageTableError(f"{where}: action must be one of {', '.join(ACTIONS)}")
    return Text(value["zh"], value["en"], public, action)


def parse_table(data: Any) -> Table:
    if not isinstance(data, dict) or set(data) - {"steps", "terms", "messages"}:
        raise MessageTableError(f"{DATA_DIR / 'messages.yml'}: top-level keys must be steps, terms, messages")
    keys = {"steps": {"zh", "en", "public", "action"}, "terms": {"zh", "en"}, "messages": {"zh", "en"}}
    sections = {
        name: {str(code): _entry(name, str(code), v, allowed) for code, v in (data.get(name) or {}).items()}
        for name, allowed in keys.items()
    }
    return Table(**sections)


@cache
def table() -> Table:
    return parse_table(load("messages"))


def _localise(name: str, value: Any, lang: str) -> str:
    terms = table().terms
    if name in ("field", "origin") and str(value) in terms:
        return getattr(terms[str(value)], lang)
    if name == "others" and isinstance(value, (list, tuple)):
        sep, colon = ("；", "：") if lang == "zh" else ("; ", ": ")
        return sep.join(f"{_localise('origin', o, lang)}{colon}{v}" for o, v in value)
    return str(value)


def text(code: str, params: dict[str, Any], lang: str) -> str:
    entry = table().messages.get(code)
    if entry is None:
        raise KeyError(f"message code {code!r} is not in {DATA_DIR / 'messages.yml'}")
    return getattr(entry, lang).format(**{k: _localise(k, v, lang) for k, v in params.items()})


class Note(str):
    """A coded message with parameters; its ``str`` value is the English text."""

    code: str
    params: dict[str, Any]

    def __new__(cls, code: str, **params: Any) -> Note:
        obj = super().__new__(cls, text(code, params, "en"))
        obj.code = code
        obj.params = params
        return obj

    def __reduce__(self) -> tuple[Any, ...]:  # pickled by code and parameters (cache, workers)
        return (_rebuild, (self.code, self.params))

    @property
    def zh(self) -> str:
        return text(self.code, self.params, "zh")

    @property
    def en(self) -> str:
        return str.__str__(self)


def _rebuild(code: str, params: dict[str, Any]) -> Note:
    return Note(code, **params)


def note(value: str) -> Note:
    """``value`` as a Note: itself, the message of that code, or an unlisted text (shown as
    such; tests/test_messages.py fails on any unlisted message the samples produce)."""
    if isinstance(value, Note):
        return value
    code = value if value in table().messages else _by_english().get(value)
    if code and not _fields(table().messages[code].en):
        return Note(code)
    return Note("unlisted", text=value)


@cache
def _by_english() -> dict[str, str]:
    """Code of each parameterless message by its English text: the HTML extractor records its
    fixed reasons in English (one dict lookup; nothing is parsed)."""
    return {t.en: code for code, t in table().messages.items() if not _fields(t.en)}


def zh(value: str) -> str:
    return note(value).zh


UNLISTED_STEP = "其他处理"  # a step missing from messages.yml: never its English key on the site


def step_name(step: str, lang: str = "zh") -> str:
    entry = table().steps.get(step)
    if entry:
        return str(getattr(entry, lang))
    return UNLISTED_STEP if lang == "zh" else step


def step_label(step: str, lang: str = "zh") -> str:
    """The step with what it did to its lines (删除导航, 修改损坏字符行, 移出元数据行)."""
    entry = table().steps.get(step)
    action = ACTIONS[entry.action if entry else "removed"]
    return f"{getattr(action, lang)}{step_name(step, lang)}" if lang == "zh" else f"{step_name(step, lang)} ({action.en})"


def step_public(step: str) -> bool:
    entry = table().steps.get(step)
    return entry.public if entry else True
