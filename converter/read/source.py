"""Stage 1: bytes on disk -> RawSource (decoded text plus provenance)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from converter.model import RawSource, SourceError
from converter.read import formats
from converter.read.formats import source as formats_source
from converter.read.sidecar import (
    SIDECAR_SUFFIX,
    _os_reason,
    read_regular,
    read_sidecar,
    sidecar_path,
)

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


def list_sources(folder: Path) -> list[Path]:
    """Every source file directly in ``folder``, in a stable order."""
    return sorted((p for p in folder.iterdir() if is_source_file(p)), key=lambda p: p.name)


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
