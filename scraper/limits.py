"""What a hostile or broken server cannot make the scraper do: wait without end, or reach inside.

* ``DeadlineBackend``: httpx's per-operation timeouts reset on every byte, so a server sending
  one header byte a second is never timed out. This network backend (under httpx's transport)
  bounds every connect, read and write by what is left of the current URL's deadline, so one
  deadline covers connect, headers and body, whatever the server trickles.
* ``AddressPolicy``: a page on a public site must not send the scraper to the machine it runs
  on or to the network it sits in (127.0.0.1, 10.x, 169.254.169.254 …). Redirect targets are
  refused when their resolved addresses are loopback, private or link-local, unless the user's
  own start URL is there; the connection's actual peer is checked again (DNS can change).
"""

from __future__ import annotations

import ipaddress
import socket
import time
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlsplit

import httpcore
import httpx

__all__ = ["AddressPolicy", "DeadlineBackend", "PrivateAddressRefused", "install_backend", "is_private_address"]


class PrivateAddressRefused(Exception):
    """A connection to a private address was refused (a redirect or attachment led there)."""

    def __init__(self, host: str, address: str) -> None:
        super().__init__(f"{host} is {address}, a loopback, private or link-local address")
        self.host = host
        self.address = address


def is_private_address(address: str) -> bool:
    """Anything not globally routable: loopback, RFC 1918, link-local, CGNAT, unique-local,
    unspecified, multicast, reserved; an IPv4 address written as IPv6 counts as itself."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not ip.is_global or ip.is_multicast


def _resolve(host: str) -> list[str]:
    try:
        return sorted({str(info[4][0]) for info in socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)})
    except (OSError, UnicodeError):
        return []  # unresolvable: the request itself will fail and say so


class AddressPolicy:
    """Whether a URL's host is private, and whether a fetch may go to private hosts.

    ``start_is_private`` fixes the class of the start URL's host (None: resolve it); ``resolve``
    maps a host name to its addresses. Both exist so that the rule is testable offline, where
    every server a test can start is on 127.0.0.1.
    """

    def __init__(self, start_is_private: bool | None = None, resolve: Callable[[str], list[str]] = _resolve) -> None:
        self.start_is_private = start_is_private
        self.resolve = resolve

    def private_address(self, url: str) -> str | None:
        """The first private address ``url``'s host resolves to, or None."""
        host = (urlsplit(url).hostname or "").strip("[]")
        addresses = [host] if _is_ip(host) else self.resolve(host)
        return next((a for a in addresses if is_private_address(a)), None)

    def allows_private(self, start_url: str) -> bool:
        """Private targets are allowed when the user's own start URL is private."""
        if self.start_is_private is not None:
            return self.start_is_private
        return self.private_address(start_url) is not None


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return False
    return True


class _Expired(httpcore.TimeoutException):
    """The URL's deadline passed during a network operation."""


class DeadlineBackend(httpcore.NetworkBackend):
    """httpcore's sync backend, with every operation bounded by ``deadline`` (a ``clock()``
    time, None: no bound) and connections to private peers refused when ``refuse_private``."""

    def __init__(self, clock: Callable[[], float] = time.monotonic, inner: httpcore.NetworkBackend | None = None) -> None:
        self._clock = clock
        self._inner = inner or httpcore.SyncBackend()
        self.deadline: float | None = None
        self.refuse_private = False

    def limit(self, timeout: float | None) -> float | None:
        if self.deadline is None:
            return timeout
        remaining = self.deadline - self._clock()
        if remaining <= 0:
            raise _Expired("deadline passed")
        return remaining if timeout is None else min(timeout, remaining)

    def connect_tcp(
        self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        stream = self._inner.connect_tcp(host, port, self.limit(timeout), local_address, socket_options)
        if self.refuse_private:
            sock = stream.get_extra_info("socket")
            peer = sock.getpeername()[0] if sock is not None else ""
            if is_private_address(peer):
                stream.close()
                raise PrivateAddressRefused(host, peer)
        return _DeadlineStream(stream, self)

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        return _DeadlineStream(self._inner.connect_unix_socket(path, self.limit(timeout), socket_options), self)

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


class _DeadlineStream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream, backend: DeadlineBackend) -> None:
        self._inner = inner
        self._backend = backend

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, self._backend.limit(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, self._backend.limit(timeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(self, ssl_context: Any, server_hostname: str | None = None, timeout: float | None = None) -> httpcore.NetworkStream:
        return _DeadlineStream(self._inner.start_tls(ssl_context, server_hostname, self._backend.limit(timeout)), self._backend)

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


def install_backend(client: httpx.Client, backend: DeadlineBackend) -> None:
    """Put ``backend`` under every transport of ``client`` (the default one and any proxy's).
    httpx has no public way to choose httpcore's network backend; its pools keep it here."""
    transports = [client._transport, *client._mounts.values()]
    for transport in filter(None, transports):
        pool = getattr(transport, "_pool", None)
        if pool is None or not hasattr(pool, "_network_backend"):
            raise RuntimeError(f"cannot bound the time of {type(transport).__name__}: httpx/httpcore changed")
        pool._network_backend = backend
