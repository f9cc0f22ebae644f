"""Sidecars (NAME.meta.yml) and reading files from sources/ safely."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from converter import fields
from converter.model import SourceError, SourceMeta
from converter.names import quote

SIDECAR_SUFFIX = fields.SIDECAR_SUFFIX
SIDECAR_KEYS = fields.READ_KEYS  # mapped to SourceMeta attributes; the other keys stay in its extra


def sidecar_path(path: Path) -> Path:
    return path.with_name(path.stem + SIDECAR_SUFFIX)


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
