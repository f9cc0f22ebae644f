"""MkDocs hook: what a page says about itself to search engines, link previews and feed readers.

* ``description``: a document's own (标题 · 文号 · 发文机关 · 日期), every other page its title.
* ``og``: OpenGraph values, and ``jsonld``: a schema.org ``Legislation`` for each document,
  printed by overrides/main.html.
* With ``site_url`` (SITE_URL in the environment, set by the deploy workflow) the feed's
  links are made absolute after the build; MkDocs writes the sitemap and canonical links.

Runs after converter/hooks/front_matter.py (mkdocs.yml ``hooks:``): page.meta strings are already
HTML-escaped for the templates, so they are unescaped only for the JSON, which is then written
with <, > and & as \\u escapes (it sits inside a <script> element). Standard library only.
"""

from __future__ import annotations

import html
import json
import os
import re
from pathlib import Path
from typing import Any

_JSON_UNSAFE = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"}


def _list(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v) for v in value if v]
    return [str(value)] if value else []


def description(meta: dict[str, Any]) -> str:
    """标题 · 文号 · 发文机关 · 日期 (already escaped values, joined)."""
    date = meta.get("written_date") or meta.get("publish_date")
    parts = [meta.get("title"), meta.get("doc_number"), "、".join(_list(meta.get("issuers"))), date]
    return " · ".join(str(p) for p in parts if p)


def legislation(meta: dict[str, Any], url: str | None) -> str:
    """The schema.org Legislation of a document page, as JSON safe inside <script>."""
    raw = {k: html.unescape(v) if isinstance(v, str) else v for k, v in meta.items()}
    source = raw.get("source")
    if not isinstance(source, dict):
        source = {}
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Legislation",
        "name": raw.get("title"),
        "legislationIdentifier": raw.get("doc_number"),
        "legislationType": raw.get("doc_type"),
        "legislationDate": raw.get("written_date"),
        "datePublished": raw.get("publish_date"),
        "legislationJurisdiction": raw.get("region"),
        "legislationPassedBy": [
            {"@type": "GovernmentOrganization", "name": html.unescape(i)} for i in _list(meta.get("issuers"))
        ],
        "inLanguage": "zh-CN",
        "url": url,
        "isBasedOn": html.unescape(str(source["url"])) if source.get("url") else None,
    }
    data = {k: v for k, v in data.items() if v}
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    return re.sub("[<>&]", lambda m: _JSON_UNSAFE[m.group()], text)


def on_config(config: Any) -> Any:
    """``site_url`` from SITE_URL (the deploy workflow sets it), with its trailing slash."""
    url = os.environ.get("SITE_URL", "").strip()
    if url:
        config.site_url = url if url.endswith("/") else url + "/"
    return config


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    meta = page.meta
    is_document = bool(meta.get("source"))
    if is_document:
        meta["description"] = description(meta)
    elif not meta.get("description") and not page.is_homepage:
        title = meta.get("title") or page.title
        if title:
            meta["description"] = f"{html.escape(str(title))} · {html.escape(config.site_name)}"
    url = page.canonical_url if config.site_url else None
    meta["og"] = {
        "type": "article" if is_document else "website",
        "title": meta.get("title") or html.escape(config.site_name),
        "description": meta.get("description") or html.escape(config.site_description or ""),
        "url": url,
    }
    if is_document:
        meta["jsonld"] = legislation(meta, url)
    return markdown


_HREF = re.compile(r'(href|xml:base)="(?!https?://)([^"]*)"')


def absolute_feed(text: str, site_url: str) -> str:
    """The feed with every link absolute (some feed readers ignore xml:base)."""
    base = site_url if site_url.endswith("/") else site_url + "/"
    return _HREF.sub(lambda m: f'{m.group(1)}="{base}{m.group(2).removeprefix("./")}"', text)


def on_post_build(config: Any) -> None:
    feed = Path(config.site_dir) / "feed.xml"
    if config.site_url and feed.is_file():
        feed.write_text(absolute_feed(feed.read_text(encoding="utf-8"), config.site_url), encoding="utf-8")
