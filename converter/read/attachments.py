"""A page and its attachments, together.

The scraper stores a page's attachments in ``NAME.attachments/`` beside it (scraper/store.py);
each is converted like any source. Then:

- the page's 附件 links lead to the attachment's own page, with the original file offered for
  download (a copy under docs/attachments/, named and typed by what the file is);
- a page that is only a wrapper (its body is 详见附件, or an image) takes its attachment as its
  document: one page with the page's title, address and date and the attachment's text;
- an attachment that is a list or a form (名单, 申请表, a spreadsheet) stays an attachment.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from converter.model import Block, PolicyDocument
from converter.read.formats import KINDS, sniff
from converter.read.formats.source import ATTACHMENTS_SUFFIX
from converter.read.sidecar import SIDECAR_SUFFIX
from converter.tables import load

if TYPE_CHECKING:
    from converter.pipeline import Result

DOWNLOAD_DIR = "attachments"  # under docs/: the original files offered for download
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")
PUBLISHED_KINDS = frozenset(KINDS) - {"image"} | {"scan"}


@cache
def _rules() -> tuple[int, tuple[re.Pattern[str], ...], re.Pattern[str], frozenset[str], tuple[str, ...]]:
    data = load("attachments")
    return (
        int(data["thin_page_max_chars"]),
        tuple(re.compile(p) for p in data["pointer_lines"]),
        re.compile(data["list_or_form"]),
        frozenset(data["list_formats"]),
        tuple(data["wrapper_failures"]),
    )


def with_attachments(paths: list[Path]) -> list[Path]:
    """``paths`` with each page's attachment files after it (regular files only, never a link)."""
    out: list[Path] = []
    for path in paths:
        out.append(path)
        folder = path.with_name(path.stem + ATTACHMENTS_SUFFIX)
        if folder.is_dir() and not folder.is_symlink():
            out += sorted(
                (f for f in folder.iterdir() if f.is_file() and not f.is_symlink() and not f.name.startswith(".") and not f.name.endswith(SIDECAR_SUFFIX)),
                key=lambda f: f.name,
            )
    return out


def is_attachment_file(rel: str) -> bool:
    """Whether a source path is an attachment (NAME.attachments/FILE)."""
    return Path(rel).parent.name.endswith(ATTACHMENTS_SUFFIX)


def is_list_or_form(doc: PolicyDocument) -> bool:
    _, _, names, formats, _ = _rules()
    ext = doc.source.extracted_from or {}
    return ext.get("format") in formats or bool(names.search(doc.title or "")) or bool(names.search(doc.source.attachment_name or ""))


def _own_text(doc: PolicyDocument) -> int:
    """Characters of the page's own body: attachment links and 详见附件-like lines left out."""
    _, pointers, _, _, _ = _rules()
    return sum(
        len(b.text) for b in doc.blocks
        if b.kind not in ("attachment", "attachment_title", "doc_number", "signature")
        and not any(p.match(b.text.strip()) for p in pointers)
    )


def promote(result: Result) -> None:
    """Put an attachment in its page's place when the page is only a wrapper for it."""
    limit = _rules()[0]
    candidates: dict[str, PolicyDocument] = {}
    pages: dict[str, PolicyDocument] = {}
    for d in result.docs:
        of = d.source.attachment_of
        if of:
            if not is_list_or_form(d):
                candidates.setdefault(of, d)
        else:
            pages.setdefault(d.source.file, d)  # a page's first document
    for d in result.docs:
        if d.source.attachment_of and d.source.attachment_of in pages:
            _as_attachment(d, pages[d.source.attachment_of])
    for page_file, att in candidates.items():
        page = pages.get(page_file)
        if page is None:  # the page had no text at all (only an image): did it fail for that?
            failed = [p for p in result.problems if p.file == page_file and p.reason.startswith(_rules()[4])]
            # A page whose document is only an image or a file (a notice, not a failure) is a
            # wrapper too when that file was saved with it.
            shown_as_file = [n for n in result.notices if n.file == page_file and n.kind in ("image", "attachment")]
            if not failed and not shown_as_file:
                continue
            result.problems = [p for p in result.problems if p not in failed]
            result.notices = [n for n in result.notices if n not in shown_as_file]
            merged = _stand_in(att, page_file)
        elif _own_text(page) <= limit:
            merged = _merge(page, att)
        else:
            continue
        keys = [x.key for x in (page, att) if x is not None]
        # The merged document is rendered anew unless both its parts have a key (replace() copied the page's).
        merged.key = hashlib.sha256("+".join(k for k in keys if k).encode()).hexdigest() if keys and all(keys) else None
        result.docs = [merged if d is (page or att) else d for d in result.docs if d is not att or page is None]


def _as_attachment(d: PolicyDocument, page: PolicyDocument) -> None:
    """An attachment is issued with its page: by its issuers, on its date, under its 文号 (so none
    of those is missing from it); a list or form is typed 附件."""
    d.issuers = d.issuers or list(page.issuers)
    d.publish_date = d.publish_date or page.publish_date or page.written_date
    if is_list_or_form(d):
        d.doc_type = "附件"
    filled = {"doc_number": True, "issuers": d.issuers, "written_date": d.written_date or d.publish_date, "publish_date": d.publish_date}
    d.warnings = [w for w in d.warnings if not (w.endswith(": not found") and filled.get(w.split(":")[0]))]


def _stand_in(att: PolicyDocument, page_file: str) -> PolicyDocument:
    """The attachment as the document of a page that had no text of its own (only an image)."""
    from converter.extract.document import _STEM_SAFE, MAX_STEM_BYTES

    stem = _STEM_SAFE.sub("-", Path(page_file).stem).strip("-").encode()[:MAX_STEM_BYTES].decode("utf-8", "ignore")
    source = replace(
        att.source, file=page_file, url=att.source.page_url or att.source.url,
        extracted_from={**(att.source.extracted_from or {}), "file": att.source.file},
    )
    return replace(att, slug=stem or att.slug, source=source, extra={**att.extra, "attachment_is_document": True})


def _merge(page: PolicyDocument, att: PolicyDocument) -> PolicyDocument:
    """The page's title, address and dates; the attachment's text and what it says of itself."""
    record = page.record.copy()
    record.removed += att.record.removed
    for step, n in att.record.changed.items():
        record.change(step, n)
    source = replace(page.source, extracted_from=att.source.extracted_from)
    filled: dict[str, Any] = {
        "doc_number": page.doc_number or att.doc_number,
        "issuers": page.issuers or att.issuers,
        "written_date": page.written_date or att.written_date,
    }
    filled["publish_date"] = page.publish_date
    warnings = [
        w for w in dict.fromkeys([*page.warnings, *att.warnings])
        if not (w.endswith(": not found") and filled.get(w.split(":")[0]))
    ]
    links = [b for b in page.blocks if b.kind == "attachment"]
    return replace(
        page, doc_number=filled["doc_number"], issuers=filled["issuers"], written_date=filled["written_date"],
        cites=att.cites or page.cites, blocks=[*att.blocks, *links], record=record, source=source,
        region=page.region or att.region, level=page.level or att.level,
        warnings=warnings,
        extra={**page.extra, "attachment_is_document": True},
    )


def download_path(ext: dict, page_file: str) -> str | None:
    """Where the original of an attachment is published under docs/ (None: not published).
    The name is made safe and its extension is the format's, never the one it was saved with."""
    kind = ext.get("format", "")
    file = ext.get("file") or ""
    if kind == "image":
        suffix: str | None = Path(file).suffix.lower()
        suffix = suffix if suffix in (".png", ".jpg", ".jpeg", ".gif") else None
    else:
        suffix = KINDS[kind][0] if kind in PUBLISHED_KINDS else None
    if suffix is None or not file:
        return None
    # The folder is the page's: its relative path's hash keeps two pages apart (附件.html in two
    # folders, or names that are all Chinese). A file keeps its name when that is already safe
    # and typed right; otherwise its bytes' hash tells 附件1.pdf from 附表1.pdf (scraper/store.py).
    folder = _finish(Path(page_file).stem, _hash(page_file.encode()), lossy=True)
    name = _finish(Path(file).stem, ext.get("sha256") or _hash(file.encode()), Path(file).suffix.lower() != suffix)
    return f"{DOWNLOAD_DIR}/{folder}/{name}{suffix}"


_HASH_LEN = 10  # as scraper/store.py's


def _hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _finish(stem: str, digest: str, lossy: bool) -> str:
    """``stem`` made safe, with the digest's prefix appended when making it safe lost something."""
    safe = _SAFE_NAME.sub("_", stem).strip("._-")[:60]
    if not safe:
        return digest[:_HASH_LEN]
    return f"{safe}_{digest[:_HASH_LEN]}" if lossy or safe != stem else safe


def _attachment_files(doc: PolicyDocument) -> dict[str, str] | None:
    ext = doc.source.extracted_from
    if not ext or ATTACHMENTS_SUFFIX + "/" not in ext.get("file", ""):
        return None
    page_file = doc.source.attachment_of or doc.source.file
    return {"page": page_file, "download": download_path(ext, page_file) or "", "url": ext.get("url") or ""}


def link_pages(docs: list[PolicyDocument]) -> None:
    """After linking (slugs are final): each 附件 link of a page points at the attachment's own
    page and its published original; each attachment's page says where it came from."""
    by_url: dict[tuple[str, str], tuple[PolicyDocument | None, str]] = {}
    page_of: dict[str, PolicyDocument] = {}
    for d in docs:
        if not d.source.attachment_of:
            page_of.setdefault(d.source.file, d)
    for d in docs:
        files = _attachment_files(d)
        if files is None:
            continue
        own_page = d if not d.source.attachment_of else None  # the attachment became the page
        by_url[(files["page"], files["url"])] = (None if own_page else d, files["download"])
        extra = []
        parent = page_of.get(files["page"]) if own_page is None else None
        if parent is not None:
            extra.append(Block("parent", parent.title, target=parent.slug))
        if files["download"]:
            extra.append(Block("download", Path((d.source.extracted_from or {})["file"]).name, download=f"../{files['download']}"))
        d.blocks = [b for b in d.blocks if b.kind not in ("parent", "download")] + extra
    for d in docs:
        for b in d.blocks:
            if b.kind == "attachment" and b.href:
                found = by_url.get((d.source.attachment_of or d.source.file, b.href))
                if found:
                    target, download = found
                    b.target = target.slug if target is not None else None
                    b.download = f"../{download}" if download else None


def downloads(docs: list[PolicyDocument], root: Path) -> dict[str, bytes]:
    """The published originals: path under docs/ -> bytes. Only a regular file inside ``root``
    whose bytes are still those converted (same SHA-256) and still of the converted format."""
    out: dict[str, bytes] = {}
    root = root.resolve()
    for d in docs:
        files = _attachment_files(d)
        if not files or not files["download"]:
            continue
        ext = d.source.extracted_from or {}  # set: _attachment_files found it
        path = root / ext["file"]
        if path.is_symlink() or not path.resolve().is_relative_to(root) or not path.is_file():
            continue
        data = path.read_bytes()
        found = sniff(data)
        same_kind = found == ext["format"] or (found == "pdf" and ext["format"] == "scan") or (found == "doc" and ext["format"] == "wps")
        if hashlib.sha256(data).hexdigest() == ext.get("sha256") and same_kind:
            out[files["download"]] = data
    return out
