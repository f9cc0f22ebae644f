"""MkDocs hook: the search dictionary's terms each document page contains.

Sets ``page.meta.search_terms`` (terms of converter/data/search_terms.yml found in the page's
Markdown by plain substring), which overrides/main.html writes as Pagefind filters. The
Markdown in docs/ is untouched: the terms are a property of the built site's index.

Loaded by MkDocs as a hook file by path (``hooks:`` in mkdocs.yml), so standard library and
PyYAML only, no package-relative imports.
"""

from __future__ import annotations

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


def indexed_markdown(markdown: str) -> str:
    m = _RECORD.search(markdown)
    return markdown[: m.start()] if m else markdown


def terms_in(markdown: str, terms: list[str] = TERMS) -> list[str]:
    text = indexed_markdown(markdown)
    return sorted(t for t in terms if t in text)


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    if page.meta.get("source"):
        page.meta["search_terms"] = terms_in(markdown)
    return markdown
