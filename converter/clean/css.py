"""Is an element hidden from a visitor? Read from its style and the page's style sheet.

Hidden means, and only means: ``display:none``, ``visibility:hidden``, zero size (a zero
font size, or a zero width/height box that clips its overflow, or a zero opacity, clip or
scale), positioned off-screen (far negative offsets or text indent), or the ``hidden``
attribute. Declarations are parsed with tinycss2, so a property is matched by its whole name
(``-webkit-text-stroke-width: 0`` is not ``width: 0``) and ``display: inline !important`` is
a visible element. Injected link farms use exactly these techniques; policy text that a
CMS styled oddly stays.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import tinycss2
from tinycss2 import ast

# A length at or beyond this many pixels to the left/top is off every screen.
OFF_SCREEN_PX = -999
_PX_PER = {
    "px": 1.0, "em": 16.0, "rem": 16.0, "pt": 4 / 3, "pc": 16.0, "in": 96.0,
    "cm": 96 / 2.54, "mm": 96 / 25.4, "vw": 19.2, "vh": 10.8, "%": 10.0,
}
_OFFSETS = ("left", "top", "right", "bottom")
_MARGINS = ("margin-left", "margin-top", "text-indent")


@dataclass(frozen=True)
class Decl:
    value: tuple  # the value's tokens, whitespace and comments dropped
    important: bool


Decls = dict[str, Decl]


def parse_declarations(text: str | list) -> Decls:
    """Declarations of a style attribute or a rule's block; a later one overrides an earlier
    one unless that one is ``!important`` and it is not (the cascade within one block)."""
    out: Decls = {}
    for d in tinycss2.parse_declaration_list(text, skip_comments=True, skip_whitespace=True):
        if d.type != "declaration":
            continue
        value = tuple(t for t in d.value if t.type not in ("whitespace", "comment"))
        old = out.get(d.lower_name)
        if old is None or d.important or not old.important:
            out[d.lower_name] = Decl(value, d.important)
    return out


@lru_cache(maxsize=4096)
def inline(style: str) -> Decls:
    return parse_declarations(style)


def _ident(d: Decl | None) -> str:
    if d and d.value and d.value[0].type == "ident":
        return d.value[0].lower_value
    return ""


def _px(tok) -> float | None:
    """A length token in pixels (unitless numbers as pixels, as quirks-mode pages use them)."""
    if tok.type == "number":
        return float(tok.value)
    if tok.type == "dimension":
        return float(tok.value) * _PX_PER.get(tok.lower_unit, 1.0)
    if tok.type == "percentage":
        return float(tok.value) * _PX_PER["%"]
    return None


def _length(d: Decl | None) -> float | None:
    return _px(d.value[0]) if d and len(d.value) == 1 else None


def _zero(d: Decl | None) -> bool:
    v = _length(d)
    return v is not None and v == 0


def _far_left(d: Decl | None) -> bool:
    v = _length(d)
    return v is not None and v <= OFF_SCREEN_PX


def _zero_function(d: Decl | None, name: str) -> bool:
    """rect(0 0 0 0) / scale(0) / inset(50%): a function whose every numeric argument is
    zero (or, for inset, at least half the box, which leaves nothing)."""
    if not d or not d.value or not isinstance(d.value[0], ast.FunctionBlock) or d.value[0].lower_name != name:
        return False
    args = [t for t in d.value[0].arguments if t.type in ("number", "dimension", "percentage")]
    if not args:
        return False
    if name == "inset":
        return all(t.type == "percentage" and t.value >= 50 for t in args)
    return all(_px(t) == 0 for t in args)


def hides(decls: Decls) -> str | None:
    """The technique by which these declarations hide an element, or None when they do not."""
    if _ident(decls.get("display")) == "none":
        return "display:none"
    if _ident(decls.get("visibility")) in ("hidden", "collapse"):
        return "visibility:hidden"
    if _zero(decls.get("font-size")) or _zero(decls.get("opacity")):
        return "zero size"
    clips = _ident(decls.get("overflow")) in ("hidden", "clip") or _ident(decls.get("overflow-y")) == "hidden"
    if clips and any(_zero(decls.get(p)) for p in ("width", "height", "max-width", "max-height")):
        return "zero size"
    if _zero_function(decls.get("clip"), "rect") or _zero_function(decls.get("clip-path"), "inset"):
        return "zero size"
    if _zero_function(decls.get("transform"), "scale"):
        return "zero size"
    positioned = _ident(decls.get("position")) in ("absolute", "fixed", "relative")
    if positioned and any(_far_left(decls.get(p)) for p in _OFFSETS):
        return "off-screen"
    if any(_far_left(decls.get(p)) for p in _MARGINS):
        return "off-screen"
    return None


# ---------------------------------------------------------------- the page's style sheet


def _target(selector: str) -> tuple[str, str] | None:
    """('.', class) or ('#', id) when a selector's last compound is a class or id (a tag
    before it allowed: ``div.x``); None for bare tags, attribute and state selectors
    (``a:hover``): those are about the page's look, not about hiding one block."""
    parts = selector.replace(">", " ").replace("+", " ").replace("~", " ").split()
    if not parts:
        return None
    last = parts[-1]
    if ":" in last or "[" in last:
        return None
    for mark in ("#", "."):
        head, sep, name = last.rpartition(mark)
        if sep and name and "." not in name and "#" not in name and (name[0].isalpha() or name[0] in "_-"):
            if "." in head or "#" in head:
                return None  # .a.b: needs both classes; not a single name
            return mark, name
    return None


@dataclass
class StyleSheet:
    """Declarations the page's top-level rules give to single classes and ids. At-rule
    blocks (@media and the like) are left out: they style some screens only."""

    by_name: dict[tuple[str, str], Decls]

    @classmethod
    def parse(cls, css: str) -> StyleSheet:
        by_name: dict[tuple[str, str], Decls] = {}
        for rule in tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True):
            if rule.type != "qualified-rule":
                continue
            decls = parse_declarations(rule.content)
            if not decls:
                continue
            for sel in tinycss2.serialize(rule.prelude).split(","):
                target = _target(sel.strip())
                if target:
                    by_name.setdefault(target, {}).update(decls)
        return cls(by_name)

    def hidden_names(self) -> tuple[frozenset[str], frozenset[str]]:
        """Classes and ids whose rules alone hide an element."""
        hidden = [k for k, d in self.by_name.items() if hides(d)]
        return frozenset(n for m, n in hidden if m == "."), frozenset(n for m, n in hidden if m == "#")

    def computed(self, classes: list[str], id_: str | None, style: str | None) -> Decls:
        """The element's declarations: its class and id rules, then its own style on top
        (unless a rule's declaration is ``!important`` and the style's is not)."""
        out: Decls = {}
        for key in [*((".", c) for c in classes), *([("#", id_)] if id_ else [])]:
            for name, d in self.by_name.get(key, {}).items():
                if name not in out or d.important or not out[name].important:
                    out[name] = d
        for name, d in (inline(style) if style else {}).items():
            if name not in out or d.important or not out[name].important:
                out[name] = d
        return out
