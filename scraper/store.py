"""On-disk layout: file naming, atomic writes, sidecar metadata and history.

For a page saved as ``OUT/NAME.EXT`` the metadata lives in
``OUT/NAME.meta.yml`` and downloaded attachments in ``OUT/NAME.attachments/``.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import yaml

__all__ = [
    "MAX_NAME_LENGTH",
    "OWNED_KEYS",
    "SaveOutcome",
    "SidecarError",
    "attachment_filenames",
    "attachments_dir_for",
    "extension_for",
    "load_sidecar",
    "page_filename",
    "render_sidecar",
    "save_page",
    "sha256_hex",
    "sidecar_path_for",
    "write_atomic",
]

MAX_NAME_LENGTH = 150
_HASH_LEN = 10

#: Sidecar keys written by the scraper, in output order.  Every other key
#: (notably ``overrides``) belongs to humans and is preserved verbatim.
OWNED_KEYS = (
    "url",
    "final_url",
    "site",
    "status",
    "fetched_at",
    "content_type",
    "encoding",
    "sha256",
    "attachments",
    "history",
)

SIDECAR_SUFFIX = ".meta.yml"
ATTACHMENTS_SUFFIX = ".attachments"

_MIME_EXT = {
    "text/html": ".html",
    "application/xhtml+xml": ".html",
    "text/plain": ".txt",
    "text/xml": ".xml",
    "application/xml": ".xml",
    "application/json": ".json",
    "application/pdf": ".pdf",
    "application/msword": ".doc",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.ms-excel": ".xls",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "application/zip": ".zip",
    "application/x-zip-compressed": ".zip",
    "application/x-rar-compressed": ".rar",
    "application/vnd.rar": ".rar",
    "application/x-rar": ".rar",
    "application/ofd": ".ofd",
    "application/kswps": ".wps",
    "application/wps-office.wps": ".wps",
    "application/vnd.ms-works": ".wps",
}
# Extensions trusted from the URL when the content type is generic/unknown.
_URL_EXTS = {
    ".html", ".htm", ".txt", ".xml", ".json", ".pdf", ".doc", ".docx", ".xls",
    ".xlsx", ".zip", ".rar", ".ofd", ".wps", ".csv", ".jpg", ".jpeg", ".png", ".gif",
}
# Extensions of dynamic/static page URLs that are dropped from the name
# (``content_5365945.htm`` -> ``content_5365945.html``).
_PAGE_EXTS = {
    ".htm", ".html", ".shtml", ".shtm", ".xhtml", ".jsp", ".jspx", ".php", ".asp",
    ".aspx", ".do", ".action", ".cgi", ".cfm",
}
_UNSAFE_RUN = re.compile(r"[^A-Za-z0-9._-]+")
_CLEAN_PATH = re.compile(r"^[A-Za-z0-9._~/-]*$")


class SidecarError(Exception):
    """An existing sidecar cannot be read; it is left untouched."""


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _mime(content_type: str | None) -> str:
    return (content_type or "").split(";", 1)[0].strip().lower()


def _url_ext(url: str) -> str:
    last = urlsplit(url).path.rsplit("/", 1)[-1]
    _, dot, ext = last.rpartition(".")
    return f".{ext.lower()}" if dot and ext else ""


def extension_for(content_type: str | None, url: str = "") -> str:
    """File extension (with dot) for a response: ``.html`` unless the content
    type says otherwise; generic types fall back to a known URL extension."""
    mime = _mime(content_type)
    if not mime:
        return ".html"
    if mime in _MIME_EXT:
        return _MIME_EXT[mime]
    url_ext = _url_ext(url)
    if url_ext in _URL_EXTS:
        return ".html" if url_ext == ".htm" else url_ext
    if mime.startswith("text/"):
        return ".txt"
    if mime.endswith("+xml"):
        return ".xml"
    return ".bin"


def _url_hash(url: str) -> str:
    parts = urlsplit(url)
    canonical = urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path, parts.query, ""))
    return hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()[:_HASH_LEN]


def _ascii_host(host: str) -> str:
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return host.encode("ascii", "replace").decode("ascii")


def _sanitize(raw: str) -> str:
    safe = _UNSAFE_RUN.sub("_", raw)
    safe = re.sub(r"\.{2,}", ".", safe)
    return safe.strip("._-")


def _finish(stem: str, ext: str, url: str, with_hash: bool, limit: int = MAX_NAME_LENGTH) -> str:
    digest = _url_hash(url)
    if not stem:
        stem = digest
        with_hash = False
    if with_hash:
        stem = f"{stem}_{digest}"
    if len(stem) + len(ext) > limit:
        keep = max(1, limit - len(ext) - _HASH_LEN - 1)
        stem = f"{stem[:keep].rstrip('._-')}_{digest}"
    return stem + ext


def page_filename(url: str, content_type: str | None = None, *, force_hash: bool = False) -> str:
    """Deterministic, ASCII-only, separator-free file name for ``url``.

    ``https://www.gov.cn/zhengce/content/2019-02/15/content_5365945.htm``
    becomes ``www.gov.cn_zhengce_content_2019-02_15_content_5365945.html``.
    A short URL hash is appended when the mapping loses information (query
    string, characters outside ``[A-Za-z0-9._~-]``), when the name has to be
    truncated to :data:`MAX_NAME_LENGTH`, or when ``force_hash`` is set.
    The fragment is ignored.
    """
    parts = urlsplit(url)
    host = _ascii_host((parts.hostname or "").lower()) or "unknown-host"
    try:
        port = parts.port
    except ValueError:
        port = None
    default_port = {"http": 80, "https": 443}.get(parts.scheme.lower())
    if port is not None and port != default_port:
        host = f"{host}_{port}"
    ext = extension_for(content_type, url)
    path = parts.path
    segments = [s for s in path.split("/") if s]
    if not segments or path.endswith("/"):
        segments.append("index")
    else:
        base, dot, last_ext = segments[-1].rpartition(".")
        if dot and base and (f".{last_ext.lower()}" in _PAGE_EXTS or f".{last_ext.lower()}" == ext):
            segments[-1] = base
    raw = "_".join([host, *segments])
    lossy = force_hash or bool(parts.query) or not _CLEAN_PATH.match(path)
    if parts.query:
        raw = f"{raw}_{parts.query}"
    return _finish(_sanitize(raw), ext, url, lossy)


def attachment_filenames(urls: Iterable[str]) -> list[str]:
    """Safe, unique file names for attachment URLs (same order as input).

    Uses the last path segment (``P020190215.pdf``); adds a URL hash when the
    segment is not plain ASCII, has a query, or collides with an earlier one.
    """
    names: list[str] = []
    seen: set[str] = set()
    for url in urls:
        parts = urlsplit(url)
        last = parts.path.rsplit("/", 1)[-1]
        base, dot, ext = last.rpartition(".")
        if not dot:
            base, ext = last, ""
        ext = _sanitize(ext)[:10].lower()
        suffix = f".{ext}" if ext else ""
        lossy = bool(parts.query) or not _CLEAN_PATH.match(last)
        name = _finish(_sanitize(base), suffix, url, lossy, limit=100)
        if name.lower() in seen:
            name = _finish(_sanitize(base), suffix, url, True, limit=100)
        seen.add(name.lower())
        names.append(name)
    return names


def sidecar_path_for(page_path: Path) -> Path:
    return page_path.with_name(page_path.stem + SIDECAR_SUFFIX)


def attachments_dir_for(page_path: Path) -> Path:
    return page_path.with_name(page_path.stem + ATTACHMENTS_SUFFIX)


def _fsync_dir(directory: Path) -> None:
    if os.name != "posix":  # pragma: no cover
        return
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:  # pragma: no cover
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)


def _file_mode(path: Path) -> int:
    """Mode of the file being replaced, else 0666 minus the process umask."""
    try:
        return path.stat().st_mode & 0o7777
    except OSError:
        pass
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old or the new file,
    never a partial one: temp file in the same directory, fsync, os.replace.
    On any error (including KeyboardInterrupt) the temp file is removed."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    tmp = Path(tmp_name)
    try:
        # mkstemp creates 0600 files; give the result normal permissions.
        with contextlib.suppress(OSError, AttributeError):
            os.fchmod(fd, _file_mode(path))
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    _fsync_dir(path.parent)


def load_sidecar(path: Path) -> tuple[dict[str, Any], str] | None:
    """Return ``(data, raw_text)`` of an existing sidecar, ``None`` if absent.

    Raises :class:`SidecarError` if it exists but is not a YAML mapping.
    """
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise SidecarError(f"cannot read {path}: {exc}") from exc
    from converter.fields import MAX_SIDECAR_BYTES, load_text
    from converter.fields import SidecarError as Refused

    if len(text) > MAX_SIDECAR_BYTES:
        raise SidecarError(f"{path} is over the {MAX_SIDECAR_BYTES // 1024} KiB limit for a sidecar")
    try:  # the converter's loader: no aliases (an alias bomb), nesting bounded
        data = load_text(text)
    except yaml.YAMLError as exc:
        raise SidecarError(f"invalid YAML in {path}: {exc}") from exc
    except Refused as exc:
        raise SidecarError(f"{path}: {exc.message}") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise SidecarError(f"{path} is not a YAML mapping")
    return data, text


_TOP_KEY_RE = re.compile(r"""^(?:"([^"]*)"|'([^']*)'|([^\s#'"\-?:][^:#]*?))\s*:(?:\s|$)""")


def _raw_blocks(text: str, keys: set[str]) -> tuple[str, str] | None:
    """Split off the verbatim text of the top-level blocks for ``keys``.

    Returns ``(header, blocks)``: the comment lines before the first key and
    the blocks themselves, each with the column-0 comment lines right above
    it.  ``None`` if the file is not simple block-style YAML.
    """
    header: list[str] = []
    blocks: list[str] = []
    pending: list[str] = []
    current: str | None = None
    seen_key = False
    for line in text.splitlines(keepends=True):
        if line.startswith(("---", "...", "%")):
            return None
        stripped = line.strip()
        if not seen_key:
            if stripped and not stripped.startswith("#"):
                if not _TOP_KEY_RE.match(line):
                    return None
            else:
                header.append(line)
                continue
        m = _TOP_KEY_RE.match(line)
        if m:
            key = next(g for g in m.groups() if g is not None)
            current = key if key in keys else None
            seen_key = True
            if current is not None:
                blocks.extend(pending)
            pending = []
            if current is not None:
                blocks.append(line)
        elif not stripped or (line.startswith("#")):
            pending.append(line)
        else:
            if current is not None:
                blocks.extend(pending)
                blocks.append(line)
            pending = []
    if current is not None:
        blocks.extend(pending)
    out = "".join(blocks)
    if out and not out.endswith("\n"):
        out += "\n"
    return "".join(header), out


def _dump(data: dict[str, Any]) -> str:
    return yaml.safe_dump(
        data, allow_unicode=True, sort_keys=False, default_flow_style=False, width=4096
    )


def render_sidecar(
    owned: dict[str, Any], old: tuple[dict[str, Any], str] | None = None
) -> str:
    """Sidecar text for ``owned`` keys plus every human key from ``old``.

    Human blocks are copied verbatim (comments included) when the old file is
    simple block-style YAML; otherwise they are re-serialized.
    """
    body = _dump({k: owned.get(k) for k in OWNED_KEYS})
    if old is None:
        return body
    old_data, old_text = old
    extras = {k: v for k, v in old_data.items() if k not in OWNED_KEYS}
    if not extras:
        return body
    expected = {**{k: owned.get(k) for k in OWNED_KEYS}, **extras}
    raw = _raw_blocks(old_text, {str(k) for k in extras})
    if raw is not None:
        header, blocks = raw
        candidate = header + body + blocks
        try:
            if yaml.safe_load(candidate) == expected:
                return candidate
        except yaml.YAMLError:
            pass
    return _dump(expected)


@dataclass
class SaveOutcome:
    path: Path
    meta_path: Path
    #: "created", "updated" (content changed) or "unchanged"
    outcome: str
    attachments: list[dict[str, str]] = field(default_factory=list)


def _resolve_page_path(out_dir: Path, url: str, content_type: str | None) -> tuple[Path, tuple[dict[str, Any], str] | None]:
    """Pick the page path for ``url``; fall back to a hashed name if the
    plain name is already taken by a different URL."""
    for force_hash in (False, True):
        name = page_filename(url, content_type, force_hash=force_hash)
        path = out_dir / name
        if path.resolve().parent != out_dir.resolve():  # pragma: no cover - defensive
            raise ValueError(f"refusing to write outside {out_dir}: {name}")
        old = load_sidecar(sidecar_path_for(path))
        if old is None or old[0].get("url") in (None, url):
            return path, old
    taken_by = old[0].get("url") if old is not None else None
    raise ValueError(f"file name for {url} is taken by {taken_by}")


def save_page(
    out_dir: Path,
    *,
    url: str,
    final_url: str,
    status: int,
    content_type: str | None,
    encoding: str | None,
    content: bytes,
    attachments: list[dict[str, str]],
    fetched_at: str,
) -> SaveOutcome:
    """Store a fetched page and its sidecar under ``out_dir``.

    Unchanged content (same sha256 as the sidecar) touches nothing on disk
    (it only restores the page file if it went missing).  Changed content
    replaces the page and appends the previous ``{sha256, fetched_at}`` to
    ``history``.  Human keys in the sidecar are preserved.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    path, old = _resolve_page_path(out_dir, url, content_type)
    meta_path = sidecar_path_for(path)
    digest = sha256_hex(content)
    old_data = old[0] if old else {}

    if old is not None and old_data.get("sha256") == digest:
        try:
            on_disk = path.read_bytes()
        except FileNotFoundError:
            on_disk = None
        if on_disk is None or sha256_hex(on_disk) != digest:
            write_atomic(path, content)
        recorded = old_data.get("attachments")
        return SaveOutcome(path, meta_path, "unchanged", recorded if isinstance(recorded, list) else attachments)

    history = list(old_data.get("history") or [])
    if old_data.get("sha256"):
        history.append({"sha256": old_data["sha256"], "fetched_at": old_data.get("fetched_at")})
    owned = {
        "url": url,
        "final_url": final_url,
        "site": (urlsplit(final_url).hostname or "").lower(),
        "status": status,
        "fetched_at": fetched_at,
        "content_type": content_type,
        "encoding": encoding,
        "sha256": digest,
        "attachments": attachments,
        "history": history,
    }
    text = render_sidecar(owned, old)
    # The sidecar first: stopped between the two, a re-run finds the sidecar's sha256 and
    # restores the page (above); the other order would leave a page with no recorded URL.
    write_atomic(meta_path, text.encode("utf-8"))
    write_atomic(path, content)
    # The content type (hence extension) may have changed: drop the stale file.
    if old is not None:
        stale = path.with_name(path.stem + extension_for(old_data.get("content_type"), url))
        if stale != path and stale.exists():
            with contextlib.suppress(OSError):
                stale.unlink()
    return SaveOutcome(path, meta_path, "updated" if old is not None else "created", attachments)
