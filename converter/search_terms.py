"""MkDocs hook: the search dictionary's terms each document page contains, and each term's
first page of results.

Sets ``page.meta.search_terms`` (the dictionary's terms found in the page's Markdown by plain
substring), which overrides/main.html writes as Pagefind filters. The dictionary is the one
the converter wrote for the search box, docs/data/search-terms.json (the curated
converter/data/search_terms.yml plus headings the corpus shares), so the box and the index
agree; without it, the curated list alone.

After the build it writes site/data/terms/<i>.json for the i-th term of that list: how many
pages contain the term and the newest ``FIRST_PAGE`` of them (title, 文号, date and the passage
around the term's first occurrence). The search box shows a dictionary term's first page from
that one small file, without running Pagefind: Pagefind's cost grows with the number of
matching pages (~0.6 s for a term on 10,000 pages), the file's does not. Later pages come from
the term's Pagefind filter, sorted the same way.

Loaded by MkDocs as a hook file by path (``hooks:`` in mkdocs.yml), so standard library and
PyYAML only, no package-relative imports.
"""

from __future__ import annotations

import heapq
import html
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
TERM_PAGES = "data/terms"
FIRST_PAGE = 10  # assets/search.js shows results ten at a time
# The passage shown under a result: this many characters before the term and after it.
BEFORE, AFTER = 24, 60
UNDATED = "0000-00-00"  # sorts last, as in overrides/main.html's Pagefind sort key

# The published dictionary, in the order of search-terms.json (a term's file is named by its
# position there), and what the build has seen of each term so far.
PUBLISHED: list[str] = []
_newest: dict[str, list[tuple[tuple[str, str], dict[str, str]]]] = {}
_counts: dict[str, int] = {}


def on_config(config: Any) -> Any:
    """Use the dictionary the converter wrote into docs/, when there is one."""
    global TERMS, PUBLISHED
    path = Path(config["docs_dir"]) / GENERATED
    if path.exists():
        PUBLISHED = list(dict.fromkeys(json.loads(path.read_text(encoding="utf-8"))))
        TERMS = sorted(set(PUBLISHED), key=lambda t: (-len(t), t))
    else:
        TERMS = load_terms()
        PUBLISHED = sorted(TERMS)
    return config


def on_pre_build(config: Any) -> None:
    _newest.clear()  # `mkdocs serve` builds again in the same process
    _counts.clear()


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


# ------------------------------------------------------------------ first page per term

# The record box is left out of the index (converter/search.EXCLUDE), and so are permalinks.
_RECORD_BOX = re.compile(r'<details class="[^"]*\brecord\b')
_HEADERLINK = re.compile(r'<a class="headerlink"[^>]*>.*?</a>', re.S)
# Block elements' edges become spaces; inline tags vanish, so a linked 《title》 reads on.
_BLOCK_TAG = re.compile(r"</?(?:p|div|li|ul|ol|h[1-6]|table|thead|tbody|tr|td|th|br|hr|details|summary|blockquote|pre)\b[^>]*>", re.I)
_TAG = re.compile(r"<[^>]*>")
_SPACES = re.compile(r"\s+")


def page_text(content: str) -> str:
    """The text of a page's rendered Markdown, as the index sees it."""
    m = _RECORD_BOX.search(content)
    content = content[: m.start()] if m else content
    content = _TAG.sub("", _BLOCK_TAG.sub(" ", _HEADERLINK.sub("", content)))
    return _SPACES.sub(" ", html.unescape(content)).strip()


def passage(text: str, term: str) -> str:
    """The text around the term's first occurrence, with … where it was cut."""
    i = text.find(term)
    if i < 0:
        return ""
    start, end = max(0, i - BEFORE), min(len(text), i + len(term) + AFTER)
    return ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")


def _text(value: Any) -> str:
    """A front-matter value as text (a hand-written date may be a YAML date, not a string)."""
    return html.unescape(value) if isinstance(value, str) else "" if value is None else str(value)


def on_page_content(content: str, page: Any, config: Any, files: Any) -> str:
    """Keep, for each term on the page, the page if it is among the term's newest so far."""
    found = page.meta.get("search_terms")
    if not found:
        return content
    meta = page.meta  # HTML-escaped by the sanitize hook; the files hold the text itself
    date = _text(meta.get("written_date") or meta.get("publish_date"))
    key = (date or UNDATED, page.url)  # newest first; the URL orders a day's documents
    text = None
    for term in found:
        _counts[term] = _counts.get(term, 0) + 1
        heap = _newest.setdefault(term, [])
        if len(heap) < FIRST_PAGE or key > heap[0][0]:
            text = page_text(content) if text is None else text
            entry = {
                "url": page.url,
                "title": _text(meta.get("title")) or page.url,
                "number": _text(meta.get("doc_number")),
                "date": date,
                "passage": passage(text, term),
            }
            (heapq.heappush if len(heap) < FIRST_PAGE else heapq.heapreplace)(heap, (key, entry))
    return content


def term_files() -> dict[str, str]:
    """Path under the site -> JSON for every published term: {term, count, first}."""
    out = {}
    for i, term in enumerate(PUBLISHED):
        first = [entry for _, entry in sorted(_newest.get(term, []), key=lambda e: e[0], reverse=True)]
        body = {"term": term, "count": _counts.get(term, 0), "first": first}
        out[f"{TERM_PAGES}/{i}.json"] = json.dumps(body, ensure_ascii=False, separators=(",", ":")) + "\n"
    return out


def on_post_build(config: Any) -> None:
    site = Path(config["site_dir"])
    listing = site / GENERATED
    if not listing.exists():  # no dictionary in docs/: publish the curated one the files follow
        listing.parent.mkdir(parents=True, exist_ok=True)
        listing.write_text(json.dumps(PUBLISHED, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    folder = site / TERM_PAGES
    if folder.exists():
        for old in folder.glob("*.json"):
            old.unlink()
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in term_files().items():
        (site / name).write_text(text, encoding="utf-8")
