"""Issue 14, items 9-11: servers that stall, ask to slow down, or redirect inward, on 127.0.0.1.

* one deadline per URL bounds connect, headers, body and retries (``--deadline``);
* 429 and 503 are retried after Retry-After (seconds or an HTTP date, capped), and the host's
  politeness delay grows;
* a redirect (or an attachment link) into loopback, private or link-local addresses is refused
  unless the user's start URL is there. Every server a test can start is on 127.0.0.1, so the
  start URL's class is given to the policy (``AddressPolicy(start_is_private=False)``).
"""

from __future__ import annotations

import dataclasses
import email.utils
import time
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from scraper import fetch_to_sources
from scraper.cli import main as scraper_main
from scraper.fetch import Fetcher, FetchError, FetchOptions
from scraper.limits import AddressPolicy, is_private_address
from tests.scraper import scraper_pages as pages
from tests.scraper.scraper_http import PolicyServer, Reply

PUBLIC_START = AddressPolicy(start_is_private=False)


def _trickle(head: bytes, tail: bytes, every: float = 0.2, limit: float = 30.0):
    """A route sending ``head`` at once, then ``tail`` one byte every ``every`` seconds."""

    def handle(handler: BaseHTTPRequestHandler, n: int) -> None:
        handler.wfile.write(head)
        handler.wfile.flush()
        stop = time.monotonic() + limit
        for i in range(len(tail)):
            if time.monotonic() > stop:
                return
            handler.wfile.write(tail[i : i + 1])
            handler.wfile.flush()
            time.sleep(every)

    return handle


# -- item 9: one deadline per URL -------------------------------------------------

def test_headers_sent_one_byte_at_a_time_are_cut_off_at_the_deadline(
    server: PolicyServer, options: FetchOptions
) -> None:
    # Each byte comes well inside the 2 s network timeout, so only a total deadline ends it.
    server.routes["/slow-headers"] = _trickle(b"HTTP/1.0 200 OK\r\n", b"X-Padding: " + b"a" * 1000)
    opts = dataclasses.replace(options, deadline=1.5, retries=3)
    started = time.monotonic()
    with Fetcher(opts) as fetcher, pytest.raises(FetchError) as info:
        fetcher.get(server.url("/slow-headers"))
    assert time.monotonic() - started < 4
    assert "deadline of 1.5 s" in info.value.reason
    assert server.hits["/slow-headers"] == 1  # no retry can fit after the deadline


def test_a_body_sent_one_byte_at_a_time_is_cut_off_at_the_deadline(
    server: PolicyServer, options: FetchOptions
) -> None:
    head = b"HTTP/1.0 200 OK\r\nContent-Type: text/html\r\nContent-Length: 1000\r\n\r\n"
    server.routes["/slow-body"] = _trickle(head, b"x" * 1000, every=0.1)
    opts = dataclasses.replace(options, deadline=1.5)
    started = time.monotonic()
    with Fetcher(opts) as fetcher, pytest.raises(FetchError) as info:
        fetcher.get(server.url("/slow-body"))
    assert time.monotonic() - started < 4
    assert "deadline of 1.5 s" in info.value.reason


def test_the_deadline_covers_all_retries_and_the_waits_between_them(
    server: PolicyServer, options: FetchOptions
) -> None:
    server.routes["/flaky"] = Reply(status=500, delay=0.4)
    opts = dataclasses.replace(options, deadline=1.5, retries=20, backoff=0.01, max_backoff=0.01)
    started = time.monotonic()
    with Fetcher(opts) as fetcher, pytest.raises(FetchError) as info:
        fetcher.get(server.url("/flaky"))
    assert time.monotonic() - started < 3.5
    assert 2 <= server.hits["/flaky"] <= 5
    assert "deadline of 1.5 s" in info.value.reason and "HTTP 500" in info.value.reason


def test_a_retry_that_would_start_after_the_deadline_is_not_waited_for(
    server: PolicyServer, options: FetchOptions
) -> None:
    server.routes["/down"] = Reply(status=500)
    opts = dataclasses.replace(options, deadline=2.0, retries=3, backoff=30.0, max_backoff=60.0)
    started = time.monotonic()
    with Fetcher(opts) as fetcher, pytest.raises(FetchError) as info:
        fetcher.get(server.url("/down"))
    assert time.monotonic() - started < 1.5
    assert "in 30 s" in info.value.reason and "deadline of 2 s" in info.value.reason


def test_the_deadline_is_set_on_the_command_line(server: PolicyServer, tmp_path: Path, capsys) -> None:
    server.routes["/slow-headers"] = _trickle(b"HTTP/1.0 200 OK\r\n", b"X-Padding: " + b"a" * 1000)
    started = time.monotonic()
    rc = scraper_main(["fetch", server.url("/slow-headers"), "--out", str(tmp_path), "--delay", "0",
                       "--deadline", "1"])
    assert rc == 1 and time.monotonic() - started < 4
    assert "deadline of 1 s" in capsys.readouterr().err


# -- item 10: 429 and 503 ----------------------------------------------------------

def test_429_is_retried_after_the_seconds_retry_after_asks_for(
    server: PolicyServer, options: FetchOptions
) -> None:
    server.routes["/busy"] = [Reply(status=429, headers={"Retry-After": "2"}), Reply(body=b"ok")]
    slept: list[float] = []
    with Fetcher(options, sleep=slept.append) as fetcher:
        assert fetcher.get(server.url("/busy")).content == b"ok"
    assert slept[0] == 2.0


def test_retry_after_as_an_http_date_is_honoured(server: PolicyServer, options: FetchOptions) -> None:
    when = email.utils.formatdate(time.time() + 4, usegmt=True)
    server.routes["/busy"] = [Reply(status=503, headers={"Retry-After": when}), Reply(body=b"ok")]
    slept: list[float] = []
    with Fetcher(options, sleep=slept.append) as fetcher:
        assert fetcher.get(server.url("/busy")).content == b"ok"
    assert 2.0 <= slept[0] <= 4.5


def test_a_huge_retry_after_is_capped(server: PolicyServer, options: FetchOptions) -> None:
    server.routes["/busy"] = [Reply(status=429, headers={"Retry-After": "86400"}), Reply(body=b"ok")]
    slept: list[float] = []
    opts = dataclasses.replace(options, max_retry_after=5.0)
    with Fetcher(opts, sleep=slept.append) as fetcher:
        assert fetcher.get(server.url("/busy")).content == b"ok"
    assert slept[0] == 5.0


def test_a_retry_after_beyond_the_deadline_gives_up_at_once(
    server: PolicyServer, options: FetchOptions
) -> None:
    server.routes["/busy"] = Reply(status=429, headers={"Retry-After": "100"})
    opts = dataclasses.replace(options, deadline=10.0, max_retry_after=120.0)
    slept: list[float] = []
    with Fetcher(opts, sleep=slept.append) as fetcher, pytest.raises(FetchError) as info:
        fetcher.get(server.url("/busy"))
    assert slept == [] and "HTTP 429" in info.value.reason and "deadline" in info.value.reason


def test_a_host_answering_429_is_asked_less_often_afterwards(
    server: PolicyServer, options: FetchOptions
) -> None:
    # Real waiting: the retry comes after Retry-After, and the next page after the grown delay.
    server.routes["/a"] = [Reply(status=429, headers={"Retry-After": "1"}), Reply(body=b"a")]
    server.page("/b", b"b")
    with Fetcher(dataclasses.replace(options, delay=0.0)) as fetcher:
        fetcher.get(server.url("/a"))
        fetcher.get(server.url("/b"))
    times = {hit.path: hit.at for hit in server.log if hit.path != "/robots.txt"}
    first_a = next(h.at for h in server.log if h.path == "/a")
    assert times["/a"] - first_a >= 0.9  # Retry-After: 1
    assert times["/b"] - times["/a"] >= 0.9  # delay 0 grew to at least 1 s for this host


def test_503_without_retry_after_also_slows_the_host(server: PolicyServer, options: FetchOptions) -> None:
    server.routes["/a"] = [Reply(status=503), Reply(body=b"a")]
    server.page("/b", b"b")
    slept: list[float] = []
    with Fetcher(dataclasses.replace(options, delay=0.0), sleep=slept.append) as fetcher:
        fetcher.get(server.url("/a"))
        before = len(slept)
        fetcher.get(server.url("/b"))
    assert max(slept[before:], default=0) >= 0.9


# -- item 11: no redirects into private networks ----------------------------------

@pytest.mark.parametrize("address", [
    "127.0.0.1", "10.1.2.3", "172.16.5.4", "192.168.1.1", "169.254.169.254", "100.64.0.1",
    "0.0.0.0", "::1", "fe80::1", "fd00::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1",
])
def test_loopback_private_and_link_local_addresses_are_private(address: str) -> None:
    assert is_private_address(address)


@pytest.mark.parametrize("address", ["1.1.1.1", "114.114.114.114", "2400:3200::1"])
def test_public_addresses_are_not_private(address: str) -> None:
    assert not is_private_address(address)


def test_a_redirect_from_a_public_start_into_loopback_is_refused(
    server: PolicyServer, options: FetchOptions
) -> None:
    server.page("/secret", b"internal")
    start = server.redirect("/go", server.url("/secret"))
    with Fetcher(options, address_policy=PUBLIC_START) as fetcher, pytest.raises(FetchError) as info:
        fetcher.get(start)
    assert "refused redirect" in info.value.reason and "127.0.0.1" in info.value.reason
    assert server.hits["/secret"] == 0


@pytest.mark.parametrize("target", ["http://169.254.169.254/latest/meta-data/", "http://[::1]:9/", "http://10.0.0.1/"])
def test_redirects_to_metadata_and_private_hosts_are_refused_without_a_request(
    server: PolicyServer, options: FetchOptions, target: str
) -> None:
    start = server.redirect("/go", target)
    started = time.monotonic()
    with Fetcher(options, address_policy=PUBLIC_START) as fetcher, pytest.raises(FetchError) as info:
        fetcher.get(start)
    assert "refused redirect" in info.value.reason
    assert time.monotonic() - started < 1.5  # refused, not attempted and timed out


def test_a_redirect_to_a_name_resolving_to_loopback_is_refused(
    server: PolicyServer, options: FetchOptions
) -> None:
    server.page("/secret", b"internal")
    start = server.redirect("/go", f"http://localhost:{server.port}/secret")
    with Fetcher(options, address_policy=PUBLIC_START) as fetcher, pytest.raises(FetchError) as info:
        fetcher.get(start)
    assert "localhost is" in info.value.reason
    assert server.hits["/secret"] == 0


def test_a_name_that_resolves_public_when_checked_but_connects_to_loopback_is_refused(
    server: PolicyServer, options: FetchOptions
) -> None:
    # DNS answering differently at check and connect time: the connection's peer decides.
    policy = AddressPolicy(start_is_private=False, resolve=lambda host: ["93.184.216.34"])
    server.page("/secret", b"internal")
    start = server.redirect("/go", f"http://localhost:{server.port}/secret")
    opts = dataclasses.replace(options, respect_robots=False)
    with Fetcher(opts, address_policy=policy) as fetcher, pytest.raises(FetchError) as info:
        fetcher.get(start)
    assert "refused" in info.value.reason
    assert server.hits["/secret"] == 0


def test_redirects_inside_the_users_own_private_network_are_followed(
    server: PolicyServer, options: FetchOptions
) -> None:
    server.page("/intranet/page", b"ok")
    start = server.redirect("/go", f"http://localhost:{server.port}/intranet/page")
    with Fetcher(options) as fetcher:  # the start URL is on 127.0.0.1: the user's own network
        assert fetcher.get(start).content == b"ok"


def test_an_attachment_link_into_a_private_network_is_not_downloaded(
    server: PolicyServer, options: FetchOptions, out_dir: Path
) -> None:
    body = pages.html(extra=f'<p>附件：<a href="{server.url("/up/a.pdf")}">附件1.pdf</a></p>').encode()
    page = server.page("/notice.htm", body, "text/html; charset=utf-8")
    server.page("/up/a.pdf", b"%PDF-1.4 internal", "application/pdf")
    opts = dataclasses.replace(options, attachments=True)
    with Fetcher(opts, address_policy=PUBLIC_START) as fetcher:
        [result] = fetch_to_sources([page], out_dir, opts, fetcher=fetcher)
    assert result.path is not None  # the page itself is the user's
    assert [url for url, _ in result.attachment_errors] == [server.url("/up/a.pdf")]
    assert "refused" in result.attachment_errors[0][1]
    assert server.hits["/up/a.pdf"] == 0
