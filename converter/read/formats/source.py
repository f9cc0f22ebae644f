"""Document files as sources: the read-stage hook (RawSource with paragraphs already read) and
the clean-stage hook (those paragraphs, with what the reader removed, into the record).

An attachment lives in ``NAME.attachments/`` beside its page ``NAME.html`` (scraper/store.py);
the page's sidecar lists each attachment's link text and URL, which give the attachment its
address and a title to fall back on."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from converter.messages import Note
from converter.model import CleaningRecord, PageMeta, Para, RawSource, SourceMeta
from converter.read.formats.readers import extract

ATTACHMENTS_SUFFIX = ".attachments"
_HAN = re.compile(r"[\u4e00-\u9fff]")
MAX_LOW_CONFIDENCE_NOTES = 20


def page_of(path: Path) -> Path | None:
    """The page whose attachment ``path`` is (NAME.attachments/FILE -> NAME.*), else None."""
    folder = path.parent
    if not folder.name.endswith(ATTACHMENTS_SUFFIX):
        return None
    stem = folder.name[: -len(ATTACHMENTS_SUFFIX)]
    pages = sorted(p for p in folder.parent.glob(f"{glob_escape(stem)}.*") if p.is_file() and not p.name.endswith(".meta.yml"))
    return pages[0] if pages else None


def glob_escape(text: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", text)


def page_sidecar(path: Path) -> Path | None:
    """The sidecar that describes ``path``: its page's, for an attachment."""
    folder = path.parent
    if not folder.name.endswith(ATTACHMENTS_SUFFIX):
        return None
    return folder.with_name(folder.name[: -len(ATTACHMENTS_SUFFIX)] + ".meta.yml")


def attachment_entry(path: Path, page_meta: SourceMeta) -> dict[str, str]:
    """The page sidecar's ``{name, url}`` for the attachment file ``path`` (names as the scraper gives them)."""
    from scraper.store import attachment_filenames

    listed = page_meta.extra.get("attachments")
    entries = [a for a in listed if isinstance(a, dict) and isinstance(a.get("url"), str)] if isinstance(listed, list) else []
    for entry, name in zip(entries, attachment_filenames([a["url"] for a in entries])):
        if name == path.name:
            return {"name": str(entry.get("name") or ""), "url": entry["url"]}
    return {}


def meta_for(path: Path, rel: str, meta: SourceMeta, root: Path) -> SourceMeta:
    """An attachment's provenance: its own URL, the page's site and fetch time, and the page it belongs to."""
    side = page_sidecar(path)
    if side is None or not side.is_file():
        return meta
    from converter.read.sidecar import read_sidecar

    page_meta = read_sidecar(side.with_name(side.name.replace(".meta.yml", ".html")), rel)
    entry = attachment_entry(path, page_meta)
    page = page_of(path)
    extra = {
        "attachment_of": page.relative_to(root).as_posix() if page and page.is_relative_to(root) else None,
        "attachment_name": entry.get("name"), "page_url": page_meta.url,
    }
    return SourceMeta(
        url=entry.get("url"), site=page_meta.site, fetched_at=page_meta.fetched_at, sha256=None, encoding=None,
        overrides=meta.overrides, extra={k: v for k, v in extra.items() if v},
    )


def read_document(path: Path, root: Path, rel: str, data: bytes, kind: str, meta: SourceMeta, sidecar: str | None) -> RawSource:
    """The read stage for a document file: its text read by the format's reader."""
    meta = meta_for(path, rel, meta, root)
    doc = extract(data, rel, kind)
    # A title to fall back on: the attachment's link text (附件1：…), else a Chinese file name.
    fallback = meta.extra.get("attachment_name") or (path.stem if _HAN.search(path.stem) else None)
    if fallback:
        doc.page.setdefault("html_title", re.sub(r"^附件\s*\d*\s*[:：.、]?\s*", "", str(fallback)).strip() or fallback)
    return RawSource(
        path=path, rel=rel, data=data, text="\n".join(p.text for p in doc.paras), encoding="binary",
        sha256=hashlib.sha256(data).hexdigest(), meta=meta, sidecar=sidecar, document=doc,
    )


def clean_paras(raw: RawSource, record: CleaningRecord, page: PageMeta, warnings: list[str]) -> list[Para]:
    """The clean stage's start for a document file: copies of its paragraphs (cleaning edits
    them in place), the reader's removals recorded, its metadata and notes passed on."""
    doc = raw.document
    for reason, text in doc.removed:
        record.remove("furniture", reason, text)
    page.update(doc.page)
    warnings += doc.warnings
    if doc.ocr_confidence is not None:
        warnings.append(Note("warn.ocr", confidence=f"{doc.ocr_confidence:.0f}"))
        warnings += [Note("warn.ocr_low", text=line) for line in doc.low_confidence[:MAX_LOW_CONFIDENCE_NOTES]]
    paras = [Para(p.text, p.kind, [list(r) for r in p.rows] if p.rows else None, p.href) for p in doc.paras]
    if doc.ocr_confidence is not None:
        from converter.read.formats.ocr import repair_labels

        record.change("ocr", repair_labels(paras))
    return paras
