"""Title rules: what a title line looks like, and a title out of a page's <title> element."""

from __future__ import annotations

import re
from functools import lru_cache

from converter.text import docnumber, doctypes, numbering

_BRACKETED = re.compile(r"^《(?P<t>[^《》]{4,120})》$")
_TAG_PREFIX = re.compile(r"^[【\[]\s*(文件|政策|通知|公告|转载|原创|政策文件|最新)\s*[】\]]\s*")
CLAUSE_PUNCT = re.compile(r"[。；;：:！？!?，,]")


@lru_cache(maxsize=1 << 14)  # asked for each paragraph by split and again by structure
def title_candidate(text: str) -> str | None:
    """The title when a line is one: a 《…》 line, or a line that ends like a document."""
    text = _TAG_PREFIX.sub("", text).strip()
    if numbering.match(text):  # （三）实施方案 is a heading, not a title
        return None
    m = _BRACKETED.match(text)
    if m:
        return m.group("t").strip()
    if 6 <= len(text) <= 120 and not CLAUSE_PUNCT.search(text) and doctypes.title_ending(text):
        if docnumber.parse(text):
            return None
        return text
    return None


# <title> parts are separated by these; the document's title is the longest title-like part.
_TITLE_SEP = re.compile(r"\s*(?:[|｜_]|--|—|－|-\s| -|\s{2,}|\s)\s*")


def title_from_html_title(html_title: str | None, site_name: str | None = None, column: str | None = None) -> str | None:
    """江西省人民政府 领导干部任免 江西省人民政府关于…的通知 -> 江西省人民政府关于…的通知."""
    if not html_title:
        return None
    drop = {s for s in (site_name, column) if s}
    parts = [p for p in _TITLE_SEP.split(html_title) if p and p not in drop]
    if not parts:
        return None
    best = max(parts, key=len)
    return best if len(best) >= 6 else None
