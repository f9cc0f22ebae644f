"""MkDocs hook: the search dictionary's terms each document page contains.

Sets ``page.meta.search_terms`` (the dictionary's terms found in the page's Markdown by plain
substring), which overrides/main.html writes as Pagefind filters. The dictionary is the one
the converter wrote for the search box, docs/data/search-terms.json (the curated
converter/data/search_terms.yml plus headings the corpus shares), so the box and the index
agree; without it, the curated list alone.

Loaded by MkDocs as a hook file by path (``hooks:`` in mkdocs.yml), so standard library and
PyYAML only, no package-relative imports.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml

TERMS_FILE = Path(__file__).resolve().parent / "data" / "search_terms.yml"
# The 来源与处理记录 box is not indexed (converter/search.EXCLUDE), so it adds no terms.
_RECORD = re.compile(r"^\?\?\? info record ", re.M)


def load_terms(path: Path = TERMS_FILE) -> list[str]:
    """The dictionary, longest first, each term once."""
    terms = yaml.safe_load(path.read_text(encoding="utf-8"))["terms"]
    return sorted({str(t).strip() for t in terms if str(t).strip()}, key=lambda t: (-len(t), t))


TERMS = load_terms()
GENERATED = "data/search-terms.json"


def on_config(config: Any) -> Any:
    """Use the dictionary the converter wrote into docs/, when there is one."""
    global TERMS
    path = Path(config["docs_dir"]) / GENERATED
    if path.exists():
        words = json.loads(path.read_text(encoding="utf-8"))
        TERMS = sorted(set(words), key=lambda t: (-len(t), t))
    else:
        TERMS = load_terms()
    return config


def indexed_markdown(markdown: str) -> str:
    m = _RECORD.search(markdown)
    return markdown[: m.start()] if m else markdown


def terms_in(markdown: str, terms: list[str] | None = None) -> list[str]:
    text = indexed_markdown(markdown)
    return sorted(t for t in (TERMS if terms is None else terms) if t in text)


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    if page.meta.get("source"):
        page.meta["search_terms"] = terms_in(markdown)
    return markdown
