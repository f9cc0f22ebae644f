"""Fixtures for scraper tests: a real HTTP server on 127.0.0.1 (random port)."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest

# Make `scraper` and `tests.scraper.*` importable under any pytest import
# mode and without installing the project.
_REPO_ROOT = str(Path(__file__).resolve().parents[2])
if _REPO_ROOT not in sys.path:
    sys.path.insert(0, _REPO_ROOT)

from scraper.fetch import FetchOptions  # noqa: E402
from tests.scraper.scraper_http import PolicyServer, RequestHandler  # noqa: E402


@pytest.fixture
def server() -> Iterator[PolicyServer]:
    app = PolicyServer()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), RequestHandler)
    httpd.daemon_threads = True
    httpd.app = app  # type: ignore[attr-defined]
    app.port = httpd.server_address[1]
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    try:
        yield app
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


@pytest.fixture
def options() -> FetchOptions:
    """Fast but otherwise realistic options."""
    return FetchOptions(delay=0.0, timeout=2.0, retries=2, backoff=0.01, max_backoff=0.05)


@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    return tmp_path / "sources"


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy",
                 "all_proxy"):
        monkeypatch.delenv(name, raising=False)
