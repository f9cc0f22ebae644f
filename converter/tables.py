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


@cache
def load(name: str) -> Any:
    with open(DATA_DIR / f"{name}.yml", encoding="utf-8") as fh:
        return yaml.load(fh, Loader=_LOADER)


@cache
def compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)
