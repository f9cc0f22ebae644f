"""Discovery of attachment links (PDF, Word, Excel, WPS, OFD, archives)."""

from __future__ import annotations

import re
import warnings
from urllib.parse import unquote, urljoin, urlsplit, urlunsplit

from bs4 import BeautifulSoup

__all__ = ["ATTACHMENT_EXTENSIONS", "find_attachments", "is_attachment_url"]

ATTACHMENT_EXTENSIONS = ("pdf", "doc", "docx", "xls", "xlsx", "wps", "zip", "rar", "ofd")

_EXT_RE = re.compile(r"\.(" + "|".join(ATTACHMENT_EXTENSIONS) + r")$", re.IGNORECASE)
# Download scripts often carry the real file name in the query string:
# download.jsp?filename=xxx.pdf
_QUERY_EXT_RE = re.compile(
    r"\.(" + "|".join(ATTACHMENT_EXTENSIONS) + r")(?:$|&)", re.IGNORECASE
)
_WS_RE = re.compile(r"\s+")


def is_attachment_url(url: str) -> bool:
    """True if the URL's path (or, failing that, its query) names a file
    with one of :data:`ATTACHMENT_EXTENSIONS`."""
    parts = urlsplit(url)
    if _EXT_RE.search(unquote(parts.path)):
        return True
    return bool(_QUERY_EXT_RE.search(unquote(parts.query)))


def _clean_text(text: str) -> str:
    return _WS_RE.sub(" ", text.replace("\u3000", " ")).strip()


def find_attachments(html: str, base_url: str) -> list[dict[str, str]]:
    """Attachment links in ``html`` as ``[{"name": ..., "url": ...}]``.

    URLs are made absolute against ``base_url`` (or ``<base href>``),
    fragments are dropped, duplicates are merged (first occurrence wins, but
    an empty name is filled in by a later link).  ``name`` is the link text,
    falling back to the ``title`` attribute, then the file name in the URL.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        soup = BeautifulSoup(html, "lxml")
    base = base_url
    base_tag = soup.find("base", href=True)
    if base_tag is not None:
        href = str(base_tag["href"]).strip()
        if href:
            base = urljoin(base_url, href)

    found: dict[str, dict[str, str]] = {}
    for a in soup.find_all(["a", "area"], href=True):
        href = str(a["href"]).strip()
        if not href or href.startswith("#"):
            continue
        absolute = urljoin(base, href)
        parts = urlsplit(absolute)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            continue
        absolute = urlunsplit((parts.scheme, parts.netloc, parts.path, parts.query, ""))
        if not is_attachment_url(absolute):
            continue
        name = _clean_text(a.get_text(" "))
        if not name:
            name = _clean_text(str(a.get("title") or ""))
        if absolute in found:
            if not found[absolute]["name"]:
                found[absolute]["name"] = name
            continue
        found[absolute] = {"name": name, "url": absolute}

    for item in found.values():
        if not item["name"]:
            item["name"] = unquote(urlsplit(item["url"]).path.rsplit("/", 1)[-1])
    return list(found.values())
