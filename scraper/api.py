"""High-level entry point used by the CLI and the contributor tooling."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from .encoding import decode, detect_encoding
from .fetch import Fetcher, FetchError, FetchOptions, Response
from .links import find_attachments
from .store import (
    SidecarError,
    attachment_filenames,
    attachments_dir_for,
    save_page,
    write_atomic,
)

__all__ = ["FetchResult", "fetch_to_sources", "utc_now_iso"]

_HTML_TYPES = ("text/html", "application/xhtml+xml")


@dataclass
class FetchResult:
    """Outcome for one requested URL."""

    url: str
    #: Saved page file (``None`` on failure).
    path: Path | None = None
    #: Its sidecar ``NAME.meta.yml``.
    meta_path: Path | None = None
    final_url: str | None = None
    #: "created", "updated", "unchanged" or "failed".
    outcome: str = "failed"
    #: Reason the page failed, ``None`` on success.
    error: str | None = None
    #: Attachment files present on disk after this run (with ``--attachments``).
    attachment_paths: list[Path] = field(default_factory=list)
    #: ``(attachment_url, reason)`` for attachments that could not be downloaded.
    attachment_errors: list[tuple[str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True if the page and all requested attachments were fetched."""
        return self.error is None and not self.attachment_errors

    @property
    def paths(self) -> list[Path]:
        """Every file this result refers to (page, sidecar, attachments)."""
        return [p for p in (self.path, self.meta_path) if p is not None] + self.attachment_paths


def utc_now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _is_html(content_type: str | None, content: bytes) -> bool:
    mime = (content_type or "").split(";", 1)[0].strip().lower()
    if mime:
        return mime in _HTML_TYPES
    head = content[:1024].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<html" in head


def _is_text(content_type: str | None, content: bytes) -> bool:
    mime = (content_type or "").split(";", 1)[0].strip().lower()
    if not mime:
        return _is_html(content_type, content)
    return (
        mime.startswith("text/")
        or mime in _HTML_TYPES
        or mime in ("application/json", "application/xml", "application/javascript")
        or mime.endswith("+xml")
    )


def _dedupe(urls: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    out: list[str] = []
    for url in urls:
        url = url.strip()
        if url and url not in seen:
            seen.add(url)
            out.append(url)
    return out


def _download_attachments(
    fetcher: Fetcher, page_path: Path, attachments: list[dict[str, str]], result: FetchResult
) -> None:
    if not attachments:
        return
    directory = attachments_dir_for(page_path)
    urls = [a["url"] for a in attachments]
    for url, name in zip(urls, attachment_filenames(urls)):
        target = directory / name
        if target.exists():  # attachments are immutable in practice: no re-download
            result.attachment_paths.append(target)
            continue
        try:
            # The link came from the page: it may not lead where the user's URL does not.
            resp = fetcher.get(url, referrer=result.url)
            write_atomic(target, resp.content)
        except FetchError as exc:
            result.attachment_errors.append((url, exc.reason))
            continue
        except OSError as exc:
            result.attachment_errors.append((url, f"cannot write {target}: {exc}"))
            continue
        result.attachment_paths.append(target)


def _process(fetcher: Fetcher, url: str, out_dir: Path, options: FetchOptions) -> FetchResult:
    result = FetchResult(url=url)
    try:
        resp: Response = fetcher.get(url)
    except FetchError as exc:
        result.error = exc.reason
        return result
    result.final_url = resp.final_url

    encoding: str | None = None
    attachments: list[dict[str, str]] = []
    if _is_text(resp.content_type, resp.content):
        encoding = detect_encoding(resp.content, resp.content_type)
    if _is_html(resp.content_type, resp.content):
        text, encoding = decode(resp.content, resp.content_type)
        attachments = find_attachments(text, resp.final_url)

    try:
        saved = save_page(
            out_dir,
            url=url,
            final_url=resp.final_url,
            status=resp.status,
            content_type=resp.content_type,
            encoding=encoding,
            content=resp.content,
            attachments=attachments,
            fetched_at=utc_now_iso(),
        )
    except SidecarError as exc:
        result.error = f"existing sidecar kept untouched: {exc}"
        return result
    except (OSError, ValueError) as exc:
        result.error = f"cannot save: {exc}"
        return result

    result.path = saved.path
    result.meta_path = saved.meta_path
    result.outcome = saved.outcome
    if options.attachments:
        _download_attachments(fetcher, saved.path, attachments or saved.attachments, result)
    return result


def fetch_to_sources(
    urls: Iterable[str],
    out_dir: str | Path = "sources",
    options: FetchOptions | None = None,
    *,
    on_result: Callable[[FetchResult], None] | None = None,
    fetcher: Fetcher | None = None,
) -> list[FetchResult]:
    """Fetch every URL (duplicates dropped, order kept) into ``out_dir``.

    Never raises for per-URL problems: each failure is recorded in its
    :class:`FetchResult` and the batch continues.  ``on_result`` is called
    after each URL (for progress output).  ``fetcher`` lets callers share or
    customise the HTTP client.
    """
    options = options or FetchOptions()
    out = Path(out_dir)
    results: list[FetchResult] = []
    own = fetcher is None
    fetcher = fetcher or Fetcher(options)
    try:
        for url in _dedupe(urls):
            try:
                result = _process(fetcher, url, out, options)
            except Exception as exc:  # noqa: BLE001 - one bad URL must not stop the batch
                result = FetchResult(url=url, error=f"unexpected error: {type(exc).__name__}: {exc}")
            results.append(result)
            if on_result is not None:
                on_result(result)
    finally:
        if own:
            fetcher.close()
    return results
