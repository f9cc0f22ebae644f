"""Stage 4: DocumentText -> PolicyDocument (metadata and structure).

Metadata comes from every place a page offers it, most trusted first: the sidecar's
human overrides, the page's own metadata (info table, <meta> tags), the document's header
(文号 line) and 落款, the title, and the byline. Where two disagree the more trusted one
is kept and the disagreement becomes a warning.
"""

from __future__ import annotations

import re
from typing import Any

from converter import fields
from converter.extract import citations, structure, validity
from converter.messages import Note
from converter.model import Block, DocumentText, PageMeta, PolicyDocument, SourceError, SourceInfo
from converter.text import dates, docnumber, doctypes, places

# Fields a sidecar's `overrides:` may set, and the levels: declared once, in the schema.
OVERRIDABLE = fields.OVERRIDABLE
LEVEL_VALUES = fields.LEVEL_VALUES
_STEM_SAFE = re.compile(r"[^0-9A-Za-z_\-\u4e00-\u9fff]+")


# Names a page may not take: Windows device names (CON.md cannot exist there, whatever the
# extension) and the folder's own generated index page.
RESERVED_STEMS = frozenset({"con", "prn", "aux", "nul", "index", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))})
# In bytes, so slug + suffixes + ".md.tmp" stays far below the 255-byte file-name limit.
MAX_STEM_BYTES = 120


def slug_for(doc: DocumentText) -> str:
    """A file-system-safe, stable name: the source's stem, plus -2, -3 for later documents."""
    path = doc.source.path
    # An attachment (NAME.attachments/FILE) is named after its page: file names like
    # P020230508.pdf repeat from site to site.
    name = f"{path.parent.name.removesuffix('.attachments')}_{path.stem}" if path.parent.name.endswith(".attachments") else path.stem
    stem = _STEM_SAFE.sub("-", name).strip("-")
    stem = stem.encode("utf-8")[:MAX_STEM_BYTES].decode("utf-8", "ignore").rstrip("-") or doc.source.sha256[:12]
    if stem.lower() in RESERVED_STEMS:
        stem += "_"
    return stem if doc.index == 0 else f"{stem}-{doc.index + 1}"


def _page_place(page: PageMeta, site: str | None) -> places.Place:
    """Where the page's own site is (宜春市人民政府, 江西省人民政府门户网站), from its name or 来源."""
    for name in (page.site_name, site, page.origin):
        place = places.locate(name or "")
        if place.level:
            return place
    return places.Place()


CAPTION_BLOCKS = 4  # a 题注 sits right under the title (after a 文号 line at most)


def _caption_date(blocks: list) -> str | None:
    """The date of a gazette 题注 among the first blocks (the line stays in the text)."""
    for b in blocks[:CAPTION_BLOCKS]:
        if b.kind != "table":
            found = dates.caption_date(f"{b.label}{b.lead}{b.text}")
            if found:
                return found
    return None


def _first(*candidates: tuple[str, Any]) -> tuple[Any, str | None, list[tuple[str, Any]]]:
    """The first non-empty (origin, value); also every non-empty one, for conflict warnings."""
    present = [(o, v) for o, v in candidates if v]
    if not present:
        return None, None, []
    return present[0][1], present[0][0], present


def _conflict(field: str, present: list[tuple[str, Any]], warnings: list[str]) -> None:
    values = {str(v): o for o, v in reversed(present)}
    if len(values) > 1:
        kept_origin, kept = present[0]
        others = [(o, v) for o, v in present[1:] if str(v) != str(kept)]
        warnings.append(Note("warn.conflict", field=field, kept=kept, origin=kept_origin, others=others))


def extract_title(doc: DocumentText, overrides: dict[str, Any], warnings: list) -> str:
    """The sidecar's override, else the page's own title (信息公开 table, ArticleTitle), else the
    title line; the <title> element, which carries site and column names, only stands in for a
    missing one."""
    page = doc.page
    first_doc = doc.index == 0
    title, _, present = _first(
        ("override", overrides.get("title")),
        ("page", page.title if first_doc else None),
        ("line", doc.title),
    )
    if title and len(present) > 1 and re.sub(r"\s+", "", str(present[1][1])) != re.sub(r"\s+", "", str(title)):
        _conflict("title", present, warnings)
    title = title or (page.html_title if first_doc else None)
    warnings += [w for w in page.page_warnings if first_doc]
    if not title:
        raise SourceError(doc.source.rel, f"document {doc.index + 1}: no title found (add `overrides: {{title: …}}` to the sidecar)")
    if doc.title_origin == "lead" and "title" not in overrides:
        warnings.append(Note("warn.title_from_lead"))
    return title


def extract_doc_number(page: PageMeta, overrides: dict[str, Any], header: structure.Header, warnings: list) -> str | None:
    doc_number, _, present = _first(
        ("override", overrides.get("doc_number") and docnumber.normalise(str(overrides["doc_number"]))),
        ("page", page.doc_number and docnumber.normalise(page.doc_number)),
        ("header", header.doc_number),
    )
    _conflict("doc_number", present, warnings)
    return doc_number


def extract_issuers(page: PageMeta, overrides: dict[str, Any], header: structure.Header, title: str) -> list[str]:
    """As written: the override, the page's 发文机关, the 落款, a 令's issuer, the title."""
    signed = [s for s in header.signatures if s[0]]
    issuers, _, _ = _first(
        ("override", overrides.get("issuers")),
        ("page", page.issuers),
        ("落款", signed[0][0] if signed else []),
        ("令", [header.decree_issuer] if header.decree_issuer else []),
        ("title", places.issuers_from_title(title)),
        # The page's 来源 (<meta name="ContentSource">, 信息来源) when it names an organ and the
        # title is a policy document's (通知, 意见…): the site publishing its own document
        # states no issuer anywhere else. A news item's 来源 published it, issued nothing.
        ("来源", [page.origin] if page.origin and places.is_org(page.origin) and doctypes.classify(title) not in (None, "新闻", "解读") else []),
    )
    return [issuers] if isinstance(issuers, str) else list(issuers or [])


def expand_issuers(doc: DocumentText, issuers: list[str], place: places.Place) -> list[str]:
    """Short names in full (省政府 -> 江西省人民政府) by the document's place."""
    issuers = [places.expand(i, place) for i in issuers]
    if any(places.is_short_local(i) for i in issuers):
        # 市政府 with no city in the document: the page's own site or 来源 says where it is.
        here = _page_place(doc.page, doc.source.meta.site)
        issuers = [places.expand(i, here) for i in issuers]
    return issuers


def extract_dates(
    page: PageMeta, overrides: dict[str, Any], header: structure.Header, blocks: list[Block], warnings: list,
) -> tuple[str | None, str | None]:
    """(written date, publish date)."""
    written, _, present = _first(
        ("override", dates.parse(overrides.get("written_date"))),
        ("page", dates.parse(page.written_date)),
        ("落款", header.signatures[0][1] if header.signatures else None),
        ("题注", _caption_date(blocks)),
    )
    _conflict("written_date", present, warnings)
    published, _, _ = _first(
        ("override", dates.parse(overrides.get("publish_date"))),
        ("page", dates.parse(page.publish_date)),
    )
    return written, published


def extract_place(doc: DocumentText, issuers: list[str], title: str, doc_number: str | None) -> places.Place:
    """Where: the issuer or title says it plainly; the 文号 prefix is weaker evidence."""
    for name in [*issuers, title]:
        place = places.locate(name)
        if place.level:
            return place
    place = places.locate_doc_number(doc_number)
    # Weakest: the body that published the page (来源 line, the site's name: 江西省人民政府)
    # places a 解读 or bulletin that names no issuer.
    for origin in (doc.page.origin, doc.source.meta.site or doc.page.site_name):
        if origin and not place.level:
            place = places.locate(str(origin))
    return place


def extract_doc_type(doc: DocumentText, overrides: dict[str, Any], title: str) -> str | None:
    # A page whose title had to be taken from its lead sentence is a news item.
    doc_type = overrides.get("doc_type") or ("新闻" if doc.title_origin == "lead" else doctypes.classify(title))
    if doc.index == 0 and "doc_type" not in overrides:
        # The page's column (解读材料, 领导干部任免) says what a title alone may not (一图读懂…).
        doc_type = doctypes.from_column(doc.page.column) or doc_type
    return doc_type


def source_info(doc: DocumentText) -> SourceInfo:
    """Where the document came from: file, address, site, digest; fetch time, origin, the
    document file and the page of an attachment when known."""
    src, page = doc.source, doc.page
    extra = src.meta.extra  # an attachment: its page, and the link text there

    def text(key: str) -> str | None:
        return str(extra[key]) if extra.get(key) else None

    return SourceInfo(
        file=src.rel,
        url=src.meta.url or page.url,
        site=src.meta.site or page.site_name,
        sha256=src.sha256,
        fetched_at=src.meta.fetched_at or None,
        origin=page.origin or None,
        # which file and tool the text came from
        extracted_from=src.document.provenance(src.rel, src.sha256, src.meta.url) if src.document is not None else None,
        attachment_of=text("attachment_of"),
        attachment_name=text("attachment_name"),
        page_url=text("page_url"),
    )


def _check_complete(doc: DocumentText, doc_type: str | None, values: dict[str, Any], warnings: list) -> None:
    """Warnings for the fields a policy document should have, and for override keys no field has."""
    for missing, value in values.items():
        if not value and doc_type not in ("新闻", "解读"):
            warnings.append(Note("warn.missing", field=missing))
    unknown = sorted(set(doc.source.meta.overrides) - OVERRIDABLE)
    if unknown:
        warnings.append(Note("warn.unknown_overrides", keys=", ".join(unknown)))


def extract(doc: DocumentText) -> PolicyDocument:
    page = doc.page
    warnings = list(doc.warnings)
    overrides = {k: v for k, v in doc.source.meta.overrides.items() if k in OVERRIDABLE}
    blocks, header = structure.build(doc.paras)
    title = extract_title(doc, overrides, warnings)
    doc_number = extract_doc_number(page, overrides, header, warnings)
    issuers = extract_issuers(page, overrides, header, title)
    written, published = extract_dates(page, overrides, header, blocks, warnings)
    place = extract_place(doc, issuers, title, doc_number)
    issuers = expand_issuers(doc, issuers, place)
    region = overrides.get("region") or place.region
    level = overrides.get("level") or place.level
    if level not in LEVEL_VALUES:
        warnings.append(Note("warn.bad_level", value=level))
    doc_type = extract_doc_type(doc, overrides, title)

    body = "\n".join(b.lead + b.text for b in blocks if b.kind not in ("doc_number", "signature"))
    cites = citations.extract(body, own_number=doc_number, own_title=title, attachments=header.attachments)
    if doc_type == "解读" and doc_number and "doc_number" not in overrides:
        # A 解读 page names the document it interprets; that 文号 is a citation, not its own.
        cites.insert(0, citations.Citation(None, doc_number))
        doc_number = None
    found = {"doc_number": doc_number, "issuers": issuers, "written_date": written, "publish_date": published}
    _check_complete(doc, doc_type, {k: found[k] for k in fields.EXPECTED}, warnings)
    topics = overrides.get("topics") or page.topics or []
    # The date the text itself is signed or captioned with, whatever the page's info box says:
    # 自公布之日起施行 counts from it (an info box's 成文日期 may be the date the page was posted).
    text_date = (header.signatures[0][1] if header.signatures else None) or _caption_date(blocks)
    return PolicyDocument(
        slug=slug_for(doc),
        title=title,
        doc_number=doc_number,
        issuers=issuers,
        written_date=written,
        publish_date=published,
        region=region,
        level=level,
        doc_type=doc_type,
        source=source_info(doc),
        cites=cites,
        blocks=blocks,
        record=doc.record,
        index_number=overrides.get("index_number") or page.index_number,
        topics=[topics] if isinstance(topics, str) else list(topics),
        extra={k: v for k, v in (("disclosure", page.disclosure), ("author", page.author)) if v},
        warnings=warnings,
        clauses=validity.extract(title, blocks, doc_number, doc_type, cites, header.attachments, text_date),
    )
