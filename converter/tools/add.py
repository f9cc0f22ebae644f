"""``python -m converter add --url URL | --file FILE``: the contributor's first step.

Puts one page into sources/ (fetched by the scraper, or copied from a page saved by hand, with
a sidecar recording what is known), rebuilds docs/, and prints what the converter made of the
page and which generated page to review. The source, its sidecar and docs/ are then committed.
"""

from __future__ import annotations

import hashlib
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO
from urllib.parse import urlsplit

from converter import fields, pipeline
from converter.model import PolicyDocument, SourceError
from converter.names import quote
from converter.read.sidecar import SIDECAR_SUFFIX
from converter.read.source import list_sources, read_source
from converter.render import sitepages as site
from converter.runtime import lock
from converter.text.places import LEVEL_NAMES

_ASCII_STEM = re.compile(r"[^A-Za-z0-9_-]+")
MAX_STEM = 60
HASH_LEN = 10


@dataclass
class Added:
    """What ``add`` did: the source in sources/ (None when nothing was added) and what it says."""

    source: Path | None = None
    sidecar: Path | None = None
    outcome: str = "failed"  # created, updated, unchanged, failed
    error: str | None = None
    notes: list[str] = field(default_factory=list)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _is_html(text: str) -> bool:
    from converter.clean.htmltext import is_html

    return is_html(text)


def _document_ext(data: bytes) -> str | None:
    from converter.read import formats

    kind = formats.sniff(data)
    if kind == "image":
        return {"PNG": ".png", "JPEG": ".jpg", "GIF": ".gif", "TIFF": ".tif", "BMP": ".bmp"}[formats.image_format(data)]
    return formats.KINDS[kind][0] if kind in formats.KINDS else None


def safe_name(original: Path, data: bytes, text: str, url: str | None, sources: Path) -> str:
    """A file name for a hand-saved page: the scraper's name for its URL when known, else its own
    name when it is plain ASCII letters, digits, - and _, else what is left of it plus a content
    hash. A name already taken by other bytes gets the hash too, so nothing is ever overwritten."""
    doc_ext = _document_ext(data)  # a Word/PDF/OFD file keeps an extension that says what it is
    ext = doc_ext or (".html" if _is_html(text) else ".txt")
    digest = _sha(data)[:HASH_LEN]
    if url:
        from scraper.store import page_filename

        name = page_filename(url, "text/html" if ext == ".html" else "text/plain")
        alt = page_filename(url, "text/html" if ext == ".html" else "text/plain", force_hash=True)
        if doc_ext:
            name, alt = Path(name).stem + doc_ext, Path(alt).stem + doc_ext
    else:
        stem = _ASCII_STEM.sub("-", original.stem)
        stem = re.sub(r"[-_]{2,}", lambda m: m.group()[0], stem).strip("-_")[:MAX_STEM].strip("-_")
        alt = f"{stem or 'page'}_{digest}{ext}"
        # A name that lost characters (Chinese, spaces) would be ambiguous: add the hash, as the scraper does.
        name = f"{stem}{ext}" if stem == original.stem else alt
    target = sources / name
    if target.exists() and _sha(target.read_bytes()) != _sha(data) and not (url and _recorded_url(target) == url):
        return alt
    return name  # free, or a newer copy of the same address: replaced, the old sha256 kept in history


def _recorded_url(page: Path) -> str | None:
    from scraper.store import SidecarError, load_sidecar, sidecar_path_for

    try:
        old = load_sidecar(sidecar_path_for(page))
    except SidecarError:  # an unreadable sidecar is reported by `check`; here it just does not match
        return None
    return old[0].get("url") if old else None


def _same_bytes(sources: Path, data: bytes) -> Path | None:
    digest = _sha(data)
    for p in list_sources(sources) if sources.is_dir() else []:
        if not p.is_symlink() and p.stat().st_size == len(data) and _sha(p.read_bytes()) == digest:
            return p
    return None


def add_file(file: Path, sources: Path, root: Path, url: str | None = None) -> Added:
    """Copy a page saved by hand into ``sources`` with a sidecar (sha256; url only when given;
    fetched_at unknown). A page already there (same bytes) is not copied twice."""
    from scraper.store import (
        load_sidecar,
        render_sidecar,
        sidecar_path_for,
        write_atomic,
    )

    if not file.is_file():
        return Added(error=f"{quote(str(file))}: no such file")
    file = file.resolve()  # the user's own file, wherever a link of theirs points (sources/ take no links)
    try:
        raw = read_source(file, file.parent)  # the same checks the build makes: empty, binary, encoding
    except SourceError as exc:
        return Added(error=f"{quote(str(file))}: {exc.reason}; nothing was added")
    same = _same_bytes(sources, raw.data)
    if same is not None and sidecar_path_for(same).exists():
        side = sidecar_path_for(same)
        note = "already in sources/" if same.resolve() == file.resolve() else f"the same page is already in sources/ as {quote(same.name)}; nothing was copied"
        return Added(same, side, "unchanged", notes=[note])
    # (A page without its sidecar: an earlier `add` was stopped between the two; written again.)
    sources.mkdir(parents=True, exist_ok=True)
    target = same or sources / safe_name(file, raw.data, raw.text, url, sources)
    side = sidecar_path_for(target)
    old = load_sidecar(side)
    history = list(old[0].get("history") or []) if old else []
    if old and old[0].get("sha256") and old[0]["sha256"] != raw.sha256:
        history.append({"sha256": old[0]["sha256"], "fetched_at": old[0].get("fetched_at")})
    owned = {
        "url": url,
        "final_url": None,
        "site": ((urlsplit(url).hostname or "").lower() or None) if url else None,
        "status": None,
        "fetched_at": None,  # saved by hand: when is not known
        "content_type": None,
        "encoding": raw.encoding,
        "sha256": raw.sha256,
        "attachments": _attachments(raw.text, url),
        "history": history,
    }
    # The sidecar first: stopped between the two, a re-run finds no page and writes both; the
    # other order would leave a page whose URL nothing records, which a re-run took as "unchanged".
    write_atomic(side, render_sidecar(owned, old).encode("utf-8"))
    write_atomic(target, raw.data)
    return Added(target, side, "updated" if old else "created")


def _attachments(text: str, url: str | None) -> list[dict[str, str]]:
    if not url or not _is_html(text):
        return []  # relative links cannot be resolved without the page's address
    from scraper.links import find_attachments

    return find_attachments(text, url)


def add_url(url: str, sources: Path, root: Path, delay: float = 1.0) -> Added:
    """Fetch a page with the scraper. A page that can never be a source (a PDF, an empty body)
    is not left behind in sources/."""
    from scraper import FetchOptions, fetch_to_sources

    result = fetch_to_sources([url], sources, FetchOptions(delay=delay))[0]
    if result.error or result.path is None:
        return Added(error=f"{url}: {result.error or 'not fetched'}")
    added = Added(result.path, result.meta_path, result.outcome)
    if result.attachment_errors:
        added.notes += [f"attachment {u}: {why}" for u, why in result.attachment_errors]
    try:
        read_source(result.path, root)
    except SourceError as exc:
        if result.outcome == "created":
            for p in (result.path, result.meta_path):
                if p is not None:
                    p.unlink(missing_ok=True)
            return Added(error=f"{url}: {exc.reason}; nothing was added")
        added.error = exc.reason
    return added


# --- the summary ---------------------------------------------------------------------------


def _rel(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def _level_shown(level: str | None) -> str | None:
    """The level's key and its Chinese name: municipal（市级）."""
    return f"{level}（{LEVEL_NAMES[level]}）" if level in LEVEL_NAMES else level


def summary_lines(doc: PolicyDocument, docs_dir: Path, root: Path) -> list[str]:
    lines = [f"  {fields.row_label(keys)}：{fields.row_text(doc, keys, _level_shown) or '—'}" for keys in fields.SUMMARY_ROWS]
    lines += [f"  warning: {w}" for w in doc.warnings]
    lines.append(f"  review: {_rel(docs_dir / site.POLICY_DIR / f'{doc.slug}.md', root)}")
    return lines


def report(added: Added, result: pipeline.Result | None, docs_dir: Path, root: Path, out: TextIO) -> int:
    if added.source is None:
        print(f"error: {added.error}", file=out)
        return 1
    src = _rel(added.source, root)
    side = _rel(added.sidecar, root) if added.sidecar else None
    print(f"{added.outcome}: {src}" + (f" + {side}" if side else ""), file=out)
    for n in added.notes:
        print(f"note: {n}", file=out)
    if result is None:
        return 1
    print(f"docs/ rebuilt: {len(result.written)} pages written, {len(result.removed)} removed", file=out)
    failed = [p for p in result.problems if p.file == src]
    if added.error and not failed:
        failed = [SourceError(src, added.error)]
    for p in failed:
        print(f"error: {p.file}: {p.reason}", file=out)
    for p in result.notices:
        if p.file == src:
            print(f"notice: {p.file}: {p.reason}", file=out)
    mine = [d for d in result.docs if d.source.file == src]
    print(f"\n{src} -> {len(mine)} document{'s' if len(mine) != 1 else ''}", file=out)
    for d in mine:
        print("\n".join(summary_lines(d, docs_dir, root)), file=out)
    for w in result.corpus.warnings if result.corpus else []:
        if src in w:
            print(f"warning: {w}", file=out)
    others = [p for p in result.problems if p.file != src]
    if others:
        print(f"note: {len(others)} other sources do not convert; run `make check`", file=out)
    side_name = side or src.rsplit(".", 1)[0] + SIDECAR_SUFFIX
    print(
        f"\nnext: read the page(s) above. Correct a wrong field under `overrides:` in {side_name} and run "
        f"`make docs`; then run `make check` and commit {src}, {side_name} and docs/.",
        file=out,
    )
    return 1 if failed or not mine else 0


def main(url: str | None, file: str | None, root: Path, sources: Path | None = None, docs: Path | None = None,
         jobs: int = 1, delay: float = 1.0, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    root = root.resolve()
    sources = (sources or root / "sources").resolve()
    docs_dir = (docs or root / "docs").resolve()
    try:
        with lock.folder_lock(sources), lock.folder_lock(docs_dir):
            _sweep_temporaries(sources)
            added = add_file(Path(file), sources, root, url) if file else add_url(str(url), sources, root, delay)
            # The same conversion cache as `make docs` (cache.DEFAULT_DIR for this project), so adding one
            # page to a large corpus converts only that page.
            cache_dir = root / ".cache" / "converter"
            result = pipeline.build(sources, docs_dir, root, jobs=jobs, cache_dir=cache_dir) if added.source is not None else None
    except lock.Busy as exc:
        print(f"error: {exc}", file=out)
        return lock.BUSY_EXIT
    return report(added, result, docs_dir, root, out)


def _sweep_temporaries(sources: Path) -> None:
    """Temporary files (scraper.store.write_atomic's ``.NAME.XXXX.tmp``) of an `add` that was
    killed mid-write; with the folder's lock held, nothing else is writing them."""
    for tmp in sources.glob(".*.tmp") if sources.is_dir() else []:
        if tmp.is_file() and not tmp.is_symlink():
            tmp.unlink(missing_ok=True)
