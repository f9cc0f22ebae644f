"""Per-source conversion cache, so a rebuild re-converts only the sources that changed.

What a source converts to (its PolicyDocuments, or the reasons it failed) depends only on
its bytes, its sidecar, its path (the slug and ``source.file`` come from it) and the
converter itself. The key hashes all of these; the converter's part is a hash of every
file that can change the output: the converter's own source and data tables, the shared
decoder in scraper/, and the versions of the libraries that do the work. Editing any of
them gives every source a new key, so a stale result is never reused. Entries are JSON
under ``.cache/converter/`` (gitignored), never pickles (unpickling a file anyone can write runs
code): a header with the format, the entry's key and a SHA-256 of the body, then the data, which
is checked field by field as it is turned back into documents (converter/runtime/entries.py). A missing,
corrupted, foreign or wrongly shaped entry is a miss: the source is converted and the entry
rewritten.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import secrets
import sys
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

from converter.read.formats import source as formats_source
from converter.read.sidecar import sidecar_path
from converter.runtime import entries

PACKAGE = Path(__file__).resolve().parents[1]
ROOT = PACKAGE.parent
DEFAULT_DIR = ROOT / ".cache" / "converter"
FORMAT = 2  # bump when the shape of a cache entry changes (2: JSON with a checksum, was pickle)
# Code outside converter/ that the conversion runs, and libraries whose version can change output.
EXTRA_CODE = (ROOT / "scraper" / "encoding.py",)
LIBRARIES = (
    "beautifulsoup4", "lxml", "PyYAML", "charset-normalizer", "opencc",
    "pdfplumber", "pdfminer.six", "pypdfium2", "python-calamine", "olefile", "pillow",
    "nh3", "tinycss2",  # merged-cell tables' HTML; styles that hide text
)


def code_files(package: Path = PACKAGE) -> list[Path]:
    """Every file whose content can change what a source converts to."""
    files = [p for p in package.rglob("*") if p.is_file() and p.suffix in (".py", ".yml", ".yaml", ".json", ".txt")]
    files = [p for p in files if "__pycache__" not in p.parts]
    return sorted(files) + [p for p in EXTRA_CODE if p.exists()]


def _library_versions() -> str:
    from converter.read.formats import tools

    out = [tools.signature()]  # LibreOffice or tesseract installed since the last build: convert again
    for name in LIBRARIES:
        try:
            out.append(f"{name}=={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            out.append(f"{name}==absent")
    return ";".join(out)


def version_of(files: list[Path], base: Path = ROOT) -> str:
    h = hashlib.sha256(f"format {FORMAT}; python {sys.version_info[:2]}; {_library_versions()}".encode())
    for path in files:
        try:
            name = path.relative_to(base).as_posix()
        except ValueError:
            name = path.name
        h.update(b"\0" + name.encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def resolve(path: Path, parents: dict[Path, Path]) -> Path:
    """``path.resolve()``, resolving each parent folder only once (``parents`` remembers them):
    a build resolves thousands of paths in a few folders, and each resolve stats every
    component. The file itself is checked: a symlink is resolved in full, as before."""
    name = path.name
    if name in ("", ".", "..") or path.is_symlink():
        return path.resolve()
    parent = parents.get(path.parent)
    if parent is None:
        parent = parents[path.parent] = path.parent.resolve()
    return parent / name


@cache
def converter_version() -> str:
    """One hash of the converter's code, data tables and library versions (computed once per process)."""
    return version_of(code_files())


def source_key(path: Path, root: Path, version: str | None = None, parents: dict[Path, Path] | None = None) -> str:
    """The cache key of one source: converter version + its path + its bytes + its sidecar's bytes.
    ``parents``: resolved folders to reuse across calls (see ``resolve``)."""
    parents = {} if parents is None else parents
    original, link = path, path.is_symlink()
    path = resolve(path.parent, parents) / path.name if link else resolve(path, parents)
    try:
        rel = path.relative_to(resolve(root, parents)).as_posix()
    except ValueError:
        rel = path.as_posix()
    h = hashlib.sha256((version or converter_version()).encode())
    h.update(b"\0" + rel.encode() + b"\0")
    # A symbolic link is never followed (it could point at /dev/zero): read_source refuses it.
    try:
        h.update(b"link" if link else hashlib.sha256(original.read_bytes()).digest())
    except OSError as exc:  # unreadable: never cached under a content key; read_source reports it
        h.update(f"unreadable {exc.errno}".encode())
    side = sidecar_path(original)
    if side.is_symlink():
        h.update(b"linked sidecar")
    else:
        h.update(hashlib.sha256(side.read_bytes()).digest() if side.is_file() else b"no sidecar")
    page_side = formats_source.page_sidecar(original)  # an attachment takes its name and address from its page's
    if page_side is not None and page_side.is_file() and not page_side.is_symlink():
        h.update(hashlib.sha256(page_side.read_bytes()).digest())
    return h.hexdigest()


def entry_path(cache_dir: Path, key: str) -> Path:
    return cache_dir / key[:2] / f"{key}.json"


def load(cache_dir: Path, key: str) -> Any | None:
    """The outcome stored under ``key``, or None: a missing, truncated, corrupted (checksum),
    foreign (another key's entry) or wrongly shaped entry is a miss, converted and rewritten."""
    payload = read_entry(entry_path(cache_dir, key), key)
    if payload is None:
        return None
    try:
        return entries.decode_outcome(payload)
    except (TypeError, ValueError, KeyError, IndexError):
        return None


def store(cache_dir: Path, key: str, value: Any) -> None:
    """Write an entry; a cache that cannot be written (read-only checkout, full disk) only
    means the next build converts again, so the error is not the build's."""
    write_entry(entry_path(cache_dir, key), key, entries.encode_outcome(value))


def write_entry(target: Path, key: str, payload: Any) -> None:
    """A header line (format, key, SHA-256 of the body), then the body: JSON data, never code."""
    try:
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    except (TypeError, ValueError):  # a value JSON cannot hold: not cached, converted next time
        return
    head = json.dumps({"format": FORMAT, "key": key, "sha256": hashlib.sha256(body).hexdigest()}).encode()
    tmp = target.with_name(f"{target.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(head + b"\n" + body)
        tmp.replace(target)  # atomic: a concurrent reader sees the old entry or the new one
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink()


def read_entry(target: Path, key: str) -> Any | None:
    """The body of an entry written by ``write_entry`` for ``key``, or None."""
    try:
        data = target.read_bytes()
        head_bytes, sep, body = data.partition(b"\n")
        del data  # the body is a copy: do not hold both while parsing (pages.json is the size of docs/)
        head = json.loads(head_bytes)
        if not sep or not isinstance(head, dict) or head.get("format") != FORMAT or head.get("key") != key:
            return None
        if head.get("sha256") != hashlib.sha256(body).hexdigest():
            return None  # a flipped byte, a truncated write: never served
        return json.loads(body.decode("utf-8"))
    except (OSError, ValueError, RecursionError):
        return None


PAGES_FILE = "pages.json"  # rendered document pages of the last build: page key -> Markdown


def load_pages(cache_dir: Path) -> dict[str, str]:
    """The last build's rendered pages by page key (pipeline.page_key); empty when unreadable."""
    pages = read_entry(cache_dir / PAGES_FILE, PAGES_FILE)
    if not isinstance(pages, dict) or not all(isinstance(t, str) for t in pages.values()):
        return {}  # missing, corrupted or foreign: every page is rendered again
    return pages


def store_pages(cache_dir: Path, pages: dict[str, str]) -> None:
    """Replace the rendered pages (only the current build's, so the file does not grow)."""
    write_entry(cache_dir / PAGES_FILE, PAGES_FILE, pages)
