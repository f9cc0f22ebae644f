"""Polite HTTP fetching: robots.txt, per-host delay, retries, redirects, size cap."""

from __future__ import annotations

import email.utils
import time
import urllib.robotparser
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpx

from . import USER_AGENT

__all__ = [
    "FetchError",
    "FetchOptions",
    "Fetcher",
    "Response",
    "RobotsDisallowed",
]

_REDIRECT_CODES = {301, 302, 303, 307, 308}
_ROBOTS_MAX_BYTES = 512 * 1024
_ROBOTS_MAX_REDIRECTS = 5


@dataclass
class FetchOptions:
    """Knobs for :class:`Fetcher` and :func:`scraper.api.fetch_to_sources`."""

    #: Minimum seconds between two requests to the same host (robots.txt
    #: ``Crawl-delay`` raises it for that host).
    delay: float = 1.0
    #: Connect/read/write/pool timeout in seconds, per network operation.
    timeout: float = 30.0
    #: Wall-clock limit for receiving one response body (guards against
    #: servers trickling bytes just fast enough to dodge ``timeout``).
    body_deadline: float = 300.0
    #: Responses larger than this are aborted; nothing is written.
    max_bytes: int = 20 * 1024 * 1024
    #: Extra attempts after a 5xx, timeout or connection error (0 = no retry).
    retries: int = 3
    #: First backoff sleep in seconds; doubles each retry, capped by max_backoff.
    backoff: float = 1.0
    max_backoff: float = 60.0
    max_redirects: int = 10
    #: Download attachments listed in pages into ``NAME.attachments/``.
    attachments: bool = False
    user_agent: str = USER_AGENT
    respect_robots: bool = True


class FetchError(Exception):
    """A URL could not be fetched; ``str(exc)`` is the human-readable reason."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(reason)
        self.url = url
        self.reason = reason


class RobotsDisallowed(FetchError):
    pass


@dataclass
class Response:
    url: str
    final_url: str
    status: int
    content_type: str | None
    content: bytes
    redirects: list[str] = field(default_factory=list)


@dataclass
class _Raw:
    status: int
    reason: str
    headers: httpx.Headers
    content: bytes | None = None


class _TooLarge(Exception):
    pass


class _RobotsVerdict:
    """robots.txt policy for one origin."""

    def __init__(self, parser: urllib.robotparser.RobotFileParser | None, *, allow_all: bool,
                 reason: str = "") -> None:
        self.parser = parser
        self.allow_all = allow_all
        self.reason = reason

    def allows(self, user_agent: str, url: str) -> bool:
        if self.parser is None:
            return self.allow_all
        return self.parser.can_fetch(user_agent, url)

    def crawl_delay(self, user_agent: str) -> float | None:
        if self.parser is None:
            return None
        value = self.parser.crawl_delay(user_agent)
        return float(value) if value is not None else None


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


def _host_key(url: str) -> str:
    return urlsplit(url).netloc.lower()


def _strip_fragment(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, parts.query, ""))


def _retry_after(headers: httpx.Headers) -> float | None:
    value = headers.get("retry-after")
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


def _describe_transport_error(exc: httpx.HTTPError) -> str:
    if isinstance(exc, httpx.TimeoutException):
        kind = type(exc).__name__.replace("Timeout", " timeout").lower().strip()
        return f"timed out ({kind})"
    detail = str(exc) or type(exc).__name__
    return f"connection error: {detail}"


class Fetcher:
    """Sequential, polite HTTP client.  Use as a context manager.

    ``sleep`` and ``clock`` are injectable for tests.
    """

    def __init__(
        self,
        options: FetchOptions | None = None,
        *,
        client: httpx.Client | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.options = options or FetchOptions()
        self._own_client = client is None
        self._client = client or httpx.Client(
            headers={"User-Agent": self.options.user_agent},
            timeout=httpx.Timeout(self.options.timeout),
            follow_redirects=False,
        )
        self._sleep = sleep
        self._clock = clock
        self._last_request: dict[str, float] = {}
        self._host_delay: dict[str, float] = {}
        self._robots: dict[str, _RobotsVerdict] = {}

    # -- context management -------------------------------------------------
    def close(self) -> None:
        if self._own_client:
            self._client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- public API ------------------------------------------------------------
    def get(self, url: str) -> Response:
        """GET ``url`` following redirects; raise :class:`FetchError` on failure.

        Every hop is checked against robots.txt and paced per host.
        """
        self._check_url(url, url.strip())
        start = _strip_fragment(url.strip())
        chain = [start]
        current = start
        for _ in range(self.options.max_redirects + 1):
            self._check_robots(url, current)
            raw = self._request_with_retries(url, current)
            location = raw.headers.get("location")
            if raw.status in _REDIRECT_CODES and location:
                nxt = _strip_fragment(urljoin(current, location.strip()))
                self._check_url(url, nxt)
                if nxt in chain:
                    hops = " -> ".join([*chain, nxt])
                    raise FetchError(url, f"redirect loop detected: {hops}")
                chain.append(nxt)
                current = nxt
                continue
            if not 200 <= raw.status < 300:
                raise FetchError(url, f"HTTP {raw.status} {raw.reason}".strip())
            assert raw.content is not None
            return Response(
                url=url,
                final_url=current,
                status=raw.status,
                content_type=raw.headers.get("content-type"),
                content=raw.content,
                redirects=chain[1:],
            )
        raise FetchError(
            url, f"too many redirects (more than {self.options.max_redirects}): "
            + " -> ".join(chain[:3] + ["..."] + chain[-2:] if len(chain) > 5 else chain)
        )

    # -- internals ------------------------------------------------------------
    @staticmethod
    def _check_url(original: str, url: str) -> None:
        try:
            parts = urlsplit(url)
            parts.port  # noqa: B018 - raises ValueError for a malformed port
        except ValueError as exc:
            raise FetchError(original, f"invalid URL: {exc}") from None
        if parts.scheme.lower() not in ("http", "https"):
            raise FetchError(original, f"unsupported URL scheme: {url}")
        if not parts.hostname:
            raise FetchError(original, f"URL has no host: {url}")

    def _wait_turn(self, host: str) -> None:
        last = self._last_request.get(host)
        if last is None:
            return
        delay = max(self.options.delay, self._host_delay.get(host, 0.0))
        remaining = last + delay - self._clock()
        if remaining > 0:
            self._sleep(remaining)

    def _request_once(self, url: str, max_bytes: int, *, truncate: bool = False) -> _Raw:
        host = _host_key(url)
        self._wait_turn(host)
        try:
            with self._client.stream("GET", url) as resp:
                raw = _Raw(resp.status_code, resp.reason_phrase or "", resp.headers)
                if not 200 <= resp.status_code < 300:
                    return raw  # redirects and errors: body not needed
                declared = resp.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > max_bytes and not truncate:
                    raise _TooLarge(f"Content-Length {declared} exceeds limit of {max_bytes} bytes")
                buf = bytearray()
                started = self._clock()
                for chunk in resp.iter_bytes():
                    buf += chunk
                    if len(buf) > max_bytes:
                        if truncate:
                            del buf[max_bytes:]
                            break
                        raise _TooLarge(f"response exceeds limit of {max_bytes} bytes; aborted")
                    if self._clock() - started > self.options.body_deadline:
                        raise httpx.ReadTimeout(
                            f"body not received within {self.options.body_deadline:g} s"
                        )
                raw.content = bytes(buf)
                return raw
        finally:
            self._last_request[host] = self._clock()

    def _request_with_retries(self, original: str, url: str, *, max_bytes: int | None = None,
                              truncate: bool = False) -> _Raw:
        attempts = max(0, self.options.retries) + 1
        limit = self.options.max_bytes if max_bytes is None else max_bytes
        last_reason = ""
        for attempt in range(attempts):
            wait = min(self.options.max_backoff, self.options.backoff * (2 ** attempt))
            try:
                raw = self._request_once(url, limit, truncate=truncate)
            except _TooLarge as exc:
                raise FetchError(original, str(exc)) from None
            except httpx.TransportError as exc:
                if isinstance(exc, httpx.UnsupportedProtocol):
                    raise FetchError(original, f"unsupported URL: {url}") from None
                last_reason = _describe_transport_error(exc)
            except httpx.HTTPError as exc:  # e.g. DecodingError: not transient
                raise FetchError(original, f"{type(exc).__name__}: {exc}") from None
            except httpx.InvalidURL as exc:
                raise FetchError(original, f"invalid URL: {exc}") from None
            else:
                if raw.status < 500:
                    return raw
                last_reason = f"HTTP {raw.status} {raw.reason}".strip()
                hinted = _retry_after(raw.headers)
                if hinted is not None:
                    wait = min(self.options.max_backoff, max(wait, hinted))
                if attempt + 1 == attempts:
                    break
            if attempt + 1 < attempts:
                self._sleep(wait)
        where = f" for {url}" if url != original else ""
        suffix = f" (gave up after {attempts} attempts)" if attempts > 1 else ""
        raise FetchError(original, f"{last_reason}{where}{suffix}")

    def _check_robots(self, original: str, url: str) -> None:
        if not self.options.respect_robots:
            return
        origin = _origin(url)
        verdict = self._robots.get(origin)
        if verdict is None:
            verdict = self._load_robots(original, origin)
            self._robots[origin] = verdict
            delay = verdict.crawl_delay(self.options.user_agent)
            if delay:
                self._host_delay[_host_key(url)] = delay
        if not verdict.allows(self.options.user_agent, url):
            why = verdict.reason or f"disallowed by {origin}/robots.txt"
            hop = f" (redirect target {url})" if url != _strip_fragment(original.strip()) else ""
            raise RobotsDisallowed(original, f"{why}{hop}")

    def _load_robots(self, original: str, origin: str) -> _RobotsVerdict:
        """Fetch and parse robots.txt once per origin (RFC 9309 semantics:
        4xx = no restrictions; 5xx or unreachable = assume full disallow)."""
        robots_url = f"{origin}/robots.txt"
        current = robots_url
        for _ in range(_ROBOTS_MAX_REDIRECTS + 1):
            try:
                raw = self._request_with_retries(
                    original, current, max_bytes=_ROBOTS_MAX_BYTES, truncate=True
                )
            except FetchError as exc:
                return _RobotsVerdict(
                    None, allow_all=False,
                    reason=f"robots.txt unreachable ({exc.reason}); not fetching per RFC 9309",
                )
            location = raw.headers.get("location")
            if raw.status in _REDIRECT_CODES and location:
                current = urljoin(current, location.strip())
                if urlsplit(current).scheme not in ("http", "https"):
                    break
                continue
            if 200 <= raw.status < 300:
                text = (raw.content or b"").decode("utf-8", errors="replace")
                parser = urllib.robotparser.RobotFileParser(robots_url)
                parser.parse(text.splitlines())
                return _RobotsVerdict(parser, allow_all=True)
            if 400 <= raw.status < 500:
                return _RobotsVerdict(None, allow_all=True)
            break
        # Too many redirects or an unexpected status: treat as unavailable (allow).
        return _RobotsVerdict(None, allow_all=True)
