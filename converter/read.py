"""Stage 1: bytes on disk -> RawSource (decoded text plus provenance)."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import yaml

from . import formats
from .formats import source as formats_source
from .model import RawSource, SourceError, SourceMeta

SIDECAR_SUFFIX = ".meta.yml"
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
    name = path.name
    return (
        path.is_file()
        and not name.startswith(".")
        and not name.endswith(SIDECAR_SUFFIX)
        and name.lower() not in {"readme.md", "readme.txt"}
    )


def sidecar_path(path: Path) -> Path:
    return path.with_name(path.stem + SIDECAR_SUFFIX)


def list_sources(folder: Path) -> list[Path]:
    """Every source file directly in ``folder``, in a stable order."""
    return sorted((p for p in folder.iterdir() if is_source_file(p)), key=lambda p: p.name)


# Sidecars through libyaml's parser when present, a tenth of the time of PyYAML's pure-Python
# loader. The two read some rare text differently (U+0085 and U+2028/9 as line breaks, a tab or
# a bare "!" as a value), so a sidecar holding any character outside this set goes to the pure
# loader (tests/test_fast_paths.py checks they agree on the rest).
_SIDECAR_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_LIBYAML_SAFE = re.compile("[\n\x20\x22-\x7e\u00a0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd]*")


def load_sidecar_text(text: str) -> object:
    loader = _SIDECAR_LOADER if _LIBYAML_SAFE.fullmatch(text) else yaml.SafeLoader
    return yaml.load(text, Loader=loader)


def read_sidecar(path: Path, rel: str) -> SourceMeta:
    side = sidecar_path(path)
    if not side.exists():
        return SourceMeta()
    try:
        data = load_sidecar_text(side.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise SourceError(rel, f"sidecar {side.name} is not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise SourceError(rel, f"sidecar {side.name} must be a mapping")
    overrides = data.get("overrides") or {}
    if not isinstance(overrides, dict):
        raise SourceError(rel, f"sidecar {side.name}: 'overrides' must be a mapping")
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
    path = path.resolve()
    root = root.resolve()  # once: each resolve stats every folder of the path
    try:
        rel = path.relative_to(root).as_posix()
    except ValueError:
        rel = path.as_posix()
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise SourceError(rel, f"cannot read: {exc.strerror}") from exc
    if size == 0:
        raise SourceError(rel, "empty file")
    if size > MAX_SOURCE_BYTES:
        raise SourceError(rel, f"file is {size / 1e6:.0f} MB, over the {MAX_SOURCE_BYTES // 2**20} MiB limit for a page")
    data = path.read_bytes()
    kind = formats.sniff(data)
    if kind is not None:  # a document file, not a page: its format's reader (converter/formats)
        side = sidecar_path(path)
        side_rel = side.relative_to(root).as_posix() if side.exists() and side.is_relative_to(root) else None
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
        sidecar=side.relative_to(root).as_posix() if side.exists() and side.is_relative_to(root) else None,
    )
