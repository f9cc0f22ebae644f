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
import time
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


DIGESTS_FILE = "digests.json"  # file -> its size, times, inode and SHA-256 when the last build read it
RACY_NS = 2_000_000_000  # a file changed this close to its reading may change again unseen in the same tick


class Digests:
    """SHA-256 of files, reusing the last build's for a file whose size, modification and change
    times and inode are unchanged (as git's index does): a rebuild over 100,000 unchanged
    sources stats them instead of reading 1.7 GB. A file read within RACY_NS of its last change
    is not remembered (it could change again within the same timestamp)."""

    def __init__(self, cache_dir: Path | None, fresh: bool = False):
        self.cache_dir = cache_dir
        self.known: dict[str, list] = {}
        if cache_dir is not None and not fresh:
            data = read_entry(cache_dir / DIGESTS_FILE, DIGESTS_FILE)
            if isinstance(data, dict):
                self.known = data
        self.seen: dict[str, list] = {}

    def of(self, path: Path) -> bytes:
        """The SHA-256 of ``path``'s bytes (OSError when it cannot be read)."""
        st = os.stat(path, follow_symlinks=False)
        name = str(path)
        now = [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]
        was = self.known.get(name)
        if isinstance(was, list) and len(was) == 5 and was[:4] == now and isinstance(was[4], str):
            with contextlib.suppress(ValueError):
                digest = bytes.fromhex(was[4])
                self.seen[name] = was
                return digest
        digest = hashlib.sha256(path.read_bytes()).digest()
        if time.time_ns() - max(st.st_mtime_ns, st.st_ctime_ns) > RACY_NS:
            self.seen[name] = [*now, digest.hex()]
        return digest

    def save(self) -> None:
        """Remember the files read by this build (only those, so the file does not grow)."""
        if self.cache_dir is not None:
            write_entry(self.cache_dir / DIGESTS_FILE, DIGESTS_FILE, dict(sorted(self.seen.items())))


def source_key(
    path: Path, root: Path, version: str | None = None, parents: dict[Path, Path] | None = None,
    digests: Digests | None = None,
) -> str:
    """The cache key of one source: converter version + its path + its bytes + its sidecar's bytes.
    ``parents``: resolved folders to reuse across calls (see ``resolve``); ``digests``: the
    files' hashes remembered from the last build."""
    parents = {} if parents is None else parents
    digest = digests.of if digests is not None else (lambda p: hashlib.sha256(p.read_bytes()).digest())
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
        h.update(b"link" if link else digest(original))
    except OSError as exc:  # unreadable: never cached under a content key; read_source reports it
        h.update(f"unreadable {exc.errno}".encode())
    side = sidecar_path(original)
    if side.is_symlink():
        h.update(b"linked sidecar")
    else:
        h.update(digest(side) if side.is_file() else b"no sidecar")
    page_side = formats_source.page_sidecar(original)  # an attachment takes its name and address from its page's
    if page_side is not None and page_side.is_file() and not page_side.is_symlink():
        h.update(digest(page_side))
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
        del data  # the body is a copy: do not hold both while parsing
        head = json.loads(head_bytes)
        if not sep or not isinstance(head, dict) or head.get("format") != FORMAT or head.get("key") != key:
            return None
        if head.get("sha256") != hashlib.sha256(body).hexdigest():
            return None  # a flipped byte, a truncated write: never served
        return json.loads(body.decode("utf-8"))
    except (OSError, ValueError, RecursionError):
        return None


MANIFEST_FILE = "page-manifest.json"  # the document pages the last build left in docs/
OLD_PAGES_FILE = "pages.json"  # format of earlier builds: every page's text (the size of docs/)

PageStamp = tuple[str, int, int, int]  # path under docs/, then its size, mtime_ns and inode there


def stamp(out_dir: Path, rel: str) -> PageStamp | None:
    """What ``out_dir/rel`` is on disk (None: missing): a file rewritten or edited since has
    another size, modification time or inode."""
    try:
        st = (out_dir / rel).stat()
    except OSError:
        return None
    return rel, st.st_size, st.st_mtime_ns, st.st_ino


def load_manifest(cache_dir: Path, out_dir: Path) -> dict[str, PageStamp]:
    """Page key (pipeline.page_key) -> the stamp of the page the last build wrote for it into
    ``out_dir``; empty when missing, damaged, or written for another folder."""
    data = read_entry(cache_dir / MANIFEST_FILE, MANIFEST_FILE)
    if not isinstance(data, dict) or data.get("out") != str(out_dir.resolve()) or not isinstance(data.get("pages"), dict):
        return {}
    out: dict[str, PageStamp] = {}
    for key, v in data["pages"].items():
        if not (isinstance(v, list) and len(v) == 4 and isinstance(v[0], str) and all(type(x) is int for x in v[1:])):
            return {}  # wrongly shaped: every page is rendered again
        out[key] = (v[0], v[1], v[2], v[3])
    return out


def store_manifest(cache_dir: Path, out_dir: Path, pages: dict[str, PageStamp]) -> None:
    """Replace the manifest (only the current build's pages, so it does not grow); the text
    cache of earlier builds goes (docs/ itself holds the pages now)."""
    write_entry(cache_dir / MANIFEST_FILE, MANIFEST_FILE,
                {"out": str(out_dir.resolve()), "pages": {k: list(v) for k, v in sorted(pages.items())}})
    with contextlib.suppress(OSError):
        (cache_dir / OLD_PAGES_FILE).unlink()
