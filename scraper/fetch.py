"""Polite HTTP fetching: robots.txt, per-host delay, retries, redirects, size cap; one deadline
per URL, Retry-After honoured, no redirects into private networks (scraper/limits.py)."""

from __future__ import annotations

import email.utils
import time
import urllib.robotparser
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpx

from . import USER_AGENT
from .limits import (
    AddressPolicy,
    DeadlineBackend,
    PrivateAddressRefused,
    install_backend,
)

__all__ = [
    "FetchError",
    "FetchOptions",
    "Fetcher",
    "Response",
    "RobotsDisallowed",
]

_REDIRECT_CODES = {301, 302, 303, 307, 308}
# "Slow down" answers: retried after the server's Retry-After, and the host's delay grows.
_SLOW_DOWN_CODES = {429, 503}
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
    #: Wall-clock limit in seconds for one URL: connecting, headers and body, across redirects
    #: and retries and the waits between them (pauses for politeness not counted).
    deadline: float = 300.0
    #: Longest wait a server's Retry-After can ask for (429/503); longer asks are cut to this.
    max_retry_after: float = 120.0
    #: Longest per-host delay that 429/503 answers can grow the politeness delay to.
    max_delay: float = 60.0
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
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _private_reason(url: str, address: str) -> str:
    host = urlsplit(url).hostname or ""
    shown = f"{host} is" if host == address else f"{host} is {address},"
    return (f"{shown} a loopback, private or link-local address, and the start URL is not in such a network")


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
        address_policy: AddressPolicy | None = None,
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
        self.address_policy = address_policy or AddressPolicy()
        # Bounds every network operation by the current URL's deadline (only on our own client).
        self._backend = DeadlineBackend(clock)
        if self._own_client:
            install_backend(self._client, self._backend)
        self._deadline: float | None = None
        self._policy_start = ""  # the URL whose network redirects may lead into (set by get)
        self._allow_private: bool | None = None
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
    def get(self, url: str, *, referrer: str | None = None) -> Response:
        """GET ``url`` following redirects; raise :class:`FetchError` on failure.

        Every hop is checked against robots.txt and paced per host. All of it must end within
        ``options.deadline``. A redirect into a private network is refused unless the start URL
        (``referrer``, the user's page, when ``url`` was found on it) is in one.
        """
        self._check_url(url, url.strip())
        start = _strip_fragment(url.strip())
        self._policy_start, self._allow_private = referrer or start, None
        if referrer is not None:
            self._check_private(url, start)
        self._deadline = self._clock() + self.options.deadline if self.options.deadline else None
        try:
            return self._follow(url, start, checked=referrer is not None)
        finally:
            self._deadline = self._backend.deadline = None
            self._backend.refuse_private = False

    def _follow(self, url: str, start: str, checked: bool) -> Response:
        chain = [start]
        current = start
        for _ in range(self.options.max_redirects + 1):
            # The peer of every connection after the start is checked too (DNS may answer
            # differently when connecting than when the redirect was checked).
            self._backend.refuse_private = checked and not self._private_allowed()
            self._check_robots(url, current)
            raw = self._request_with_retries(url, current)
            location = raw.headers.get("location")
            if raw.status in _REDIRECT_CODES and location:
                nxt = _strip_fragment(urljoin(current, location.strip()))
                self._check_url(url, nxt)
                self._check_private(url, nxt)
                checked = True
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

    def _private_allowed(self) -> bool:
        """Whether this fetch may go to private addresses: decided (a DNS look-up) at the
        first redirect, since most fetches have none."""
        if self._allow_private is None:
            self._allow_private = self.address_policy.allows_private(self._policy_start)
        return self._allow_private

    def _check_private(self, original: str, url: str) -> None:
        if self._private_allowed():
            return
        address = self.address_policy.private_address(url)
        if address is not None:
            raise FetchError(original, f"refused redirect to {url}: {_private_reason(url, address)}")

    def _wait_turn(self, host: str) -> None:
        last = self._last_request.get(host)
        if last is None:
            return
        delay = max(self.options.delay, self._host_delay.get(host, 0.0))
        remaining = last + delay - self._clock()
        if remaining > 0:
            self._sleep(remaining)
            if self._deadline is not None:
                self._deadline += remaining  # politeness is ours, not the server's slowness

    def _slow_down(self, host: str, hinted: float | None) -> None:
        """A 429 or 503: this host gets at least twice the delay it had (and what it asked)."""
        current = max(self.options.delay, self._host_delay.get(host, 0.0))
        grown = max(current * 2, 1.0, min(hinted or 0.0, self.options.max_retry_after))
        self._host_delay[host] = min(self.options.max_delay, grown)

    def _remaining(self) -> float | None:
        return None if self._deadline is None else self._deadline - self._clock()

    def _request_once(self, url: str, max_bytes: int, *, truncate: bool = False) -> _Raw:
        host = _host_key(url)
        self._wait_turn(host)
        self._backend.deadline = self._deadline
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
                    remaining = self._remaining()
                    if remaining is not None and remaining <= 0:
                        raise httpx.ReadTimeout("deadline passed")
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
            except PrivateAddressRefused as exc:
                raise FetchError(original, f"refused redirect to {url}: {exc}") from None
            except httpx.TransportError as exc:
                if isinstance(exc, httpx.UnsupportedProtocol):
                    raise FetchError(original, f"unsupported URL: {url}") from None
                remaining = self._remaining()
                if remaining is not None and remaining <= 0:
                    cut = "cut off while still waiting for the server" + (f" (before: {last_reason})" if last_reason else "")
                    raise FetchError(original, self._deadline_reason(url, cut, attempt + 1)) from None
                last_reason = _describe_transport_error(exc)
            except httpx.HTTPError as exc:  # e.g. DecodingError: not transient
                raise FetchError(original, f"{type(exc).__name__}: {exc}") from None
            except httpx.InvalidURL as exc:
                raise FetchError(original, f"invalid URL: {exc}") from None
            else:
                if raw.status < 500 and raw.status != 429:
                    return raw
                last_reason = f"HTTP {raw.status} {raw.reason}".strip()
                hinted = _retry_after(raw.headers)
                if raw.status in _SLOW_DOWN_CODES:
                    self._slow_down(_host_key(url), hinted)
                    if hinted is not None:  # the server said when: that, capped, not our guess
                        wait = min(self.options.max_retry_after, max(wait, hinted))
                elif hinted is not None:
                    wait = min(self.options.max_backoff, max(wait, hinted))
                if attempt + 1 == attempts:
                    break
            if attempt + 1 < attempts:
                remaining = self._remaining()
                if remaining is not None and wait >= remaining:
                    raise FetchError(original, self._deadline_reason(url, last_reason, attempt + 1, wait))
                self._sleep(wait)
        where = f" for {url}" if url != original else ""
        suffix = f" (gave up after {attempts} attempts)" if attempts > 1 else ""
        raise FetchError(original, f"{last_reason}{where}{suffix}")

    def _deadline_reason(self, url: str, last: str, attempts: int, wait: float | None = None) -> str:
        where = f" for {url}" if wait is None else f"; the next try (in {wait:g} s) would come after it"
        return (f"no complete response within the deadline of {self.options.deadline:g} s (--deadline)"
                f" after {attempts} attempt(s): {last}{where}")

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
                if not self._private_allowed() and self.address_policy.private_address(current):
                    break  # robots.txt redirected into a private network: not followed
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
