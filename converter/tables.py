"""Loads the data tables in converter/data/ once (spam words, noise lines, regions, issuers)."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import yaml

DATA_DIR = Path(__file__).with_name("data")


# libyaml's parser when present: the tables load the same, in a tenth of the time (each worker
# process of a parallel build loads them again).
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


# The shape of the rule tables: their top-level keys and, for a list of rules, the keys a rule
# may have (None: any value). A key not declared here is a typo or a rule no code reads, and
# is rejected when the table loads, naming the file and the key.
SHAPES: dict[str, dict[str, frozenset[str] | None]] = {
    "noise": {
        "line_rules": frozenset({"step", "reason", "pattern", "max_len"}),
        "meta_rules": frozenset({"reason", "pattern"}),
    },
    "repairs": {"repairs": frozenset({"step", "reason", "pattern", "replace", "requires"})},
    "spam": {"threshold": None, "keywords": None, "patterns": None, "farm_min_items": None, "farm_max_item_len": None},
    "regions": {"provinces": frozenset({"name", "short", "abbr", "alt_abbrs", "type", "cities"})},
    "issuers": {
        "national": frozenset({"name", "short", "aliases", "prefixes", "successor"}),
        "local_suffixes": None,
        "org_suffixes": None,
        "signer_titles": None,
    },
}


def check_shape(name: str, data: Any) -> None:
    """Raise ValueError naming data/NAME.yml and the first key its shape does not declare."""
    shape = SHAPES.get(name)
    if shape is None:
        return
    where = f"converter/data/{name}.yml"
    if not isinstance(data, dict):
        raise ValueError(f"{where}: must be a mapping of {', '.join(shape)}")
    for key, value in data.items():
        if key not in shape:
            raise ValueError(f"{where}: unknown key {key!r} (known: {', '.join(shape)})")
        allowed = shape[key]
        if allowed is None:
            continue
        for i, rule in enumerate(value or []):
            if not isinstance(rule, dict):
                raise ValueError(f"{where}: {key}[{i}] must be a mapping")
            unknown = sorted(set(rule) - allowed)
            if unknown:
                raise ValueError(f"{where}: {key}[{i}] has unknown key {unknown[0]!r} (known: {', '.join(sorted(allowed))})")


@cache
def load(name: str) -> Any:
    with open(DATA_DIR / f"{name}.yml", encoding="utf-8") as fh:
        data = yaml.load(fh, Loader=_LOADER)
    check_shape(name, data)
    return data


@cache
def compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)
