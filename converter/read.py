"""Stage 1: bytes on disk -> RawSource (decoded text plus provenance)."""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

from . import fields, formats
from .formats import source as formats_source
from .model import RawSource, SourceError, SourceMeta
from .names import quote

SIDECAR_SUFFIX = fields.SIDECAR_SUFFIX
MAX_SOURCE_BYTES = 20 * 1024 * 1024  # larger "pages" are dumps or attacks, not policy pages

# Magic numbers of binary formats that get saved with a .html/.txt name by mistake.
BINARY_MAGIC = {
    b"\x89PNG": "PNG image",
    b"%PDF": "PDF document",
    b"PK\x03\x04": "ZIP/Office document",
    b"\xd0\xcf\x11\xe0": "legacy Office document",
    b"GIF8": "GIF image",
    b"\xff\xd8\xff": "JPEG image",
}

SIDECAR_KEYS = {"url", "site", "fetched_at", "sha256", "encoding", "overrides"}


def is_source_file(path: Path) -> bool:
    """A page in sources/; a symbolic link (to a file, a folder or nothing) is listed too, so
    that reading it fails naming it, rather than being skipped or followed out of sources/."""
    name = path.name
    return (
        (path.is_symlink() or path.is_file())
        and not name.startswith(".")
        and not name.endswith(SIDECAR_SUFFIX)
        and name.lower() not in {"readme.md", "readme.txt"}
    )


def sidecar_path(path: Path) -> Path:
    return path.with_name(path.stem + SIDECAR_SUFFIX)


def list_sources(folder: Path) -> list[Path]:
    """Every source file directly in ``folder``, in a stable order."""
    return sorted((p for p in folder.iterdir() if is_source_file(p)), key=lambda p: p.name)


# Sidecars are loaded and checked by the schema (converter/fields.py); these names stay for callers.
_LIBYAML_SAFE = fields.LIBYAML_SAFE
load_sidecar_text = fields.load_text


class NotRegular(OSError):
    """A path that is a symbolic link or not a regular file."""


def _os_reason(exc: OSError) -> str:
    if isinstance(exc, NotRegular):
        return str(exc)
    return f"cannot read: {exc.strerror or exc}"


def read_regular(path: Path, limit: int = -1) -> bytes:
    """The bytes of a regular file (at most ``limit``), never through a symbolic link: a link in
    sources/ could point at any file the build can read and publish it. O_NOFOLLOW, so a link
    swapped in after a check is refused too."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        if path.is_symlink():
            raise NotRegular("is a symbolic link; sources must be regular files inside sources/ (copy the page itself)") from exc
        raise
    with os.fdopen(fd, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise NotRegular("is not a regular file")
        return fh.read(limit)


def file_size(path: Path) -> int | None:
    try:
        return path.lstat().st_size
    except OSError:
        return None


def read_sidecar(path: Path, rel: str) -> SourceMeta:
    """The sidecar of ``path``, every field checked against the schema: a sidecar that is too
    large, not YAML, a link, uses aliases or holds a value of the wrong type fails this source only."""
    side = sidecar_path(path)
    try:
        data = fields.load_bytes(read_regular(side, fields.MAX_SIDECAR_BYTES + 1), file_size(side))
    except FileNotFoundError:
        if side.is_symlink():  # dangling
            raise SourceError(rel, f"sidecar {quote(side.name)}: is a symbolic link; sidecars must be regular files") from None
        return SourceMeta()
    except OSError as exc:
        raise SourceError(rel, f"sidecar {quote(side.name)}: {_os_reason(exc)}") from None
    except fields.SidecarError as exc:
        raise SourceError(rel, f"sidecar {quote(side.name)}: {exc}") from None
    wrong = fields.problems(data)
    if wrong:
        raise SourceError(rel, f"sidecar {quote(side.name)}: " + "; ".join(f"{k}: {w}" for k, w in wrong))
    overrides = data.get("overrides") or {}
    extra = {k: v for k, v in data.items() if k not in SIDECAR_KEYS}
    return SourceMeta(
        url=_str_or_none(data.get("final_url") or data.get("url")),
        site=_str_or_none(data.get("site")),
        fetched_at=_str_or_none(data.get("fetched_at")),
        sha256=_str_or_none(data.get("sha256")),
        encoding=_str_or_none(data.get("encoding")),
        overrides=overrides,
        extra=extra,
    )


def _str_or_none(v: object) -> str | None:
    return None if v is None else str(v)


def decode(data: bytes, hint: str | None = None) -> tuple[str, str]:
    """Decode page bytes; see scraper.encoding for the rules (shared with the scraper)."""
    from scraper.encoding import decode as decode_bytes

    # A recorded encoding is passed as a declared charset: still verified, never trusted blindly.
    return decode_bytes(data, f"text/html; charset={hint}" if hint else None)


def read_source(path: Path, root: Path) -> RawSource:
    # The folder is resolved, the file itself is not: a symbolic link is refused, not followed.
    path = path.parent.resolve() / path.name
    root = root.resolve()  # once: each resolve stats every folder of the path
    try:
        rel = path.relative_to(root).as_posix()
    except ValueError:
        rel = path.as_posix()
    try:
        data = read_regular(path, MAX_SOURCE_BYTES + 1)
    except OSError as exc:
        raise SourceError(rel, _os_reason(exc)) from None
    if not data:
        raise SourceError(rel, "empty file")
    if len(data) > MAX_SOURCE_BYTES:
        size = path.stat().st_size
        raise SourceError(rel, f"file is {size / 1e6:.0f} MB, over the {MAX_SOURCE_BYTES // 2**20} MiB limit for a page")
    kind = formats.sniff(data)
    if kind is not None:  # a document file, not a page: its format's reader (converter/formats)
        side = sidecar_path(path)
        side_rel = side.relative_to(root).as_posix() if side.is_file() and side.is_relative_to(root) else None
        return formats_source.read_document(path, root, rel, data, kind, read_sidecar(path, rel), side_rel)
    for magic, kind in BINARY_MAGIC.items():
        if data.startswith(magic):
            raise SourceError(rel, f"binary file ({kind}), not a web page")
    meta = read_sidecar(path, rel)
    try:
        text, encoding = decode(data, meta.encoding)
    except UnicodeDecodeError as exc:
        raise SourceError(rel, f"cannot decode text: {exc.reason}") from exc
    if "\x00" in text:
        raise SourceError(rel, "binary file (contains NUL bytes), not a web page")
    side = sidecar_path(path)
    return RawSource(
        path=path,
        rel=rel,
        data=data,
        text=text,
        encoding=encoding,
        sha256=hashlib.sha256(data).hexdigest(),
        meta=meta,
        sidecar=side.relative_to(root).as_posix() if side.is_file() and side.is_relative_to(root) else None,
    )
