"""A scriptable HTTP server for the scraper tests (used by conftest.py)."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler


@dataclass
class Reply:
    """A canned response."""

    status: int = 200
    body: bytes = b""
    content_type: str | None = "text/html"
    headers: dict[str, str] = field(default_factory=dict)
    #: Seconds to sleep before sending anything.
    delay: float = 0.0


Handler = Callable[[BaseHTTPRequestHandler, int], None]


@dataclass
class Hit:
    path: str
    at: float
    user_agent: str | None


class PolicyServer:
    """Routes are keyed by request path (including any query string).

    A route is a :class:`Reply`, a list of replies (n-th request gets the n-th
    reply, the last one repeats) or a callable ``(handler, hit_number)``.
    Unknown paths - including ``/robots.txt`` unless set - answer 404.
    """

    def __init__(self) -> None:
        self.routes: dict[str, Reply | list[Reply] | Handler] = {}
        self.hits: Counter[str] = Counter()
        self.log: list[Hit] = []
        self._lock = threading.Lock()
        self.port = 0

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def page(self, path: str, body: bytes, content_type: str | None = "text/html",
             **kw: object) -> str:
        self.routes[path] = Reply(body=body, content_type=content_type, **kw)  # type: ignore[arg-type]
        return self.url(path)

    def redirect(self, path: str, target: str, status: int = 302) -> str:
        self.routes[path] = Reply(status=status, content_type=None, headers={"Location": target})
        return self.url(path)

    def _record(self, handler: BaseHTTPRequestHandler) -> int:
        with self._lock:
            self.hits[handler.path] += 1
            self.log.append(Hit(handler.path, time.monotonic(), handler.headers.get("User-Agent")))
            return self.hits[handler.path]

    def handle(self, handler: BaseHTTPRequestHandler) -> None:
        n = self._record(handler)
        route = self.routes.get(handler.path)
        if route is None:
            route = Reply(status=404, body=b"<h1>404 Not Found</h1>")
        if callable(route):
            route(handler, n)
            return
        if isinstance(route, list):
            route = route[min(n, len(route)) - 1]
        if route.delay:
            time.sleep(route.delay)
        handler.send_response(route.status)
        if route.content_type:
            handler.send_header("Content-Type", route.content_type)
        for key, value in route.headers.items():
            handler.send_header(key, value)
        handler.send_header("Content-Length", str(len(route.body)))
        handler.end_headers()
        handler.wfile.write(route.body)




class RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"

    def do_GET(self) -> None:  # noqa: N802
        try:
            self.server.app.handle(self)  # type: ignore[attr-defined]
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client hung up (size cap, timeout): expected in tests

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass
