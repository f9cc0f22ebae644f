"""End-to-end fetching against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import dataclasses
import time
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
import yaml

from scraper import USER_AGENT, fetch_to_sources
from scraper.encoding import decode
from scraper.fetch import Fetcher, FetchError, FetchOptions
from scraper.store import attachment_filenames
from tests.scraper import scraper_pages as pages
from tests.scraper.scraper_http import PolicyServer, Reply

SIDECAR_KEYS = ["url", "final_url", "site", "status", "fetched_at", "content_type",
                "encoding", "sha256", "attachments", "history"]


def _meta(result) -> dict:
    return yaml.safe_load(result.meta_path.read_text(encoding="utf-8"))


def _files(directory: Path) -> list[str]:
    if not directory.exists():
        return []
    return sorted(str(p.relative_to(directory)) for p in directory.rglob("*"))


# -- saving and encodings --------------------------------------------------------

@pytest.mark.parametrize(
    ("body", "content_type", "encoding", "phrase"),
    [
        pytest.param(pages.GBK_HEADER, "text/html; charset=GBK", "gb18030", pages.TITLE,
                     id="gbk-header-charset"),
        pytest.param(pages.GBK_META, "text/html", "gb18030", pages.BODY, id="gbk-meta-only"),
        pytest.param(pages.GBK_UNDECLARED, None, "gb18030", pages.BODY, id="gbk-undeclared"),
        pytest.param(pages.GBK_DECLARED_UTF8, "text/html; charset=utf-8", "gb18030",
                     pages.TITLE, id="gbk-wrongly-declared-utf8"),
        pytest.param(pages.GB18030_DECLARED_GB2312, "text/html; charset=gb2312", "gb18030",
                     pages.RARE, id="gb18030-only-chars"),
        pytest.param(pages.UTF8_BOM, "text/html", "utf-8-sig", pages.TITLE, id="utf8-bom"),
    ],
)
def test_page_saved_as_exact_bytes_with_detected_encoding(
    server: PolicyServer, out_dir: Path, options: FetchOptions,
    body: bytes, content_type: str | None, encoding: str, phrase: str,
) -> None:
    url = server.page("/zhengce/content/2020-07/15/content_5527000.htm", body, content_type)
    [result] = fetch_to_sources([url], out_dir, options)
    assert result.ok, result.error
    assert result.outcome == "created"
    assert result.path.name == f"127.0.0.1_{server.port}_zhengce_content_2020-07_15_content_5527000.html"
    assert result.path.read_bytes() == body
    meta = _meta(result)
    assert list(meta) == SIDECAR_KEYS
    assert meta["encoding"] == encoding
    assert meta["content_type"] == content_type
    assert meta["url"] == meta["final_url"] == url
    assert meta["site"] == "127.0.0.1"
    assert meta["status"] == 200
    assert meta["fetched_at"].endswith("Z")
    assert meta["history"] == [] and meta["attachments"] == []
    assert phrase in decode(result.path.read_bytes(), content_type)[0]


def test_user_agent_names_the_project(server: PolicyServer, out_dir: Path,
                                      options: FetchOptions) -> None:
    url = server.page("/a.html", pages.GBK_META)
    fetch_to_sources([url], out_dir, options)
    assert {hit.user_agent for hit in server.log} == {USER_AGENT}
    assert USER_AGENT.startswith("policy-library-scraper/")


def test_pdf_content_type_gets_pdf_extension_and_no_encoding(
    server: PolicyServer, out_dir: Path, options: FetchOptions
) -> None:
    url = server.page("/files/P0202007.pdf", b"%PDF-1.4 fake", "application/pdf")
    [result] = fetch_to_sources([url], out_dir, options)
    assert result.path.name.endswith("_files_P0202007.pdf")
    assert _meta(result)["encoding"] is None


# -- redirects -------------------------------------------------------------------

def test_redirect_chain_is_followed_and_final_url_recorded(
    server: PolicyServer, out_dir: Path, options: FetchOptions
) -> None:
    start = server.redirect("/old/notice.htm", "/tmp/notice.htm", status=301)
    server.redirect("/tmp/notice.htm", server.url("/new/notice.html"), status=302)
    final = server.page("/new/notice.html", pages.GBK_META)
    [result] = fetch_to_sources([start], out_dir, options)
    assert result.ok, result.error
    meta = _meta(result)
    assert meta["url"] == start and meta["final_url"] == final
    assert result.path.name == f"127.0.0.1_{server.port}_old_notice.html"
    assert result.path.read_bytes() == pages.GBK_META


def test_redirect_loop_is_detected_and_reported(
    server: PolicyServer, out_dir: Path, options: FetchOptions
) -> None:
    a = server.redirect("/loop/a", "/loop/b")
    server.redirect("/loop/b", "/loop/a")
    [result] = fetch_to_sources([a], out_dir, options)
    assert not result.ok
    assert "redirect loop" in result.error and "/loop/b" in result.error
    assert server.hits["/loop/a"] == 1 and server.hits["/loop/b"] == 1
    assert _files(out_dir) == []


def test_too_many_redirects_are_reported(
    server: PolicyServer, out_dir: Path, options: FetchOptions
) -> None:
    def endless(handler: BaseHTTPRequestHandler, n: int) -> None:
        step = int(handler.path.rsplit("/", 1)[-1])
        handler.send_response(302)
        handler.send_header("Location", f"/hop/{step + 1}")
        handler.end_headers()

    for i in range(10):
        server.routes[f"/hop/{i}"] = endless
    opts = dataclasses.replace(options, max_redirects=3)
    [result] = fetch_to_sources([server.url("/hop/0")], out_dir, opts)
    assert "too many redirects" in result.error
    assert server.hits["/hop/4"] == 0


# -- retries and errors ----------------------------------------------------------

def test_server_error_then_success_is_retried(
    server: PolicyServer, out_dir: Path, options: FetchOptions
) -> None:
    server.routes["/flaky.html"] = [Reply(status=500), Reply(body=pages.GBK_META)]
    [result] = fetch_to_sources([server.url("/flaky.html")], out_dir, options)
    assert result.ok, result.error
    assert server.hits["/flaky.html"] == 2
    assert result.path.read_bytes() == pages.GBK_META


def test_persistent_server_error_gives_up_after_retries(
    server: PolicyServer, out_dir: Path, options: FetchOptions
) -> None:
    server.routes["/down.html"] = Reply(status=503, body=b"busy")
    [result] = fetch_to_sources([server.url("/down.html")], out_dir,
                                dataclasses.replace(options, retries=2))
    assert not result.ok
    assert server.hits["/down.html"] == 3
    assert "HTTP 503" in result.error and "3 attempts" in result.error
    assert _files(out_dir) == []


def test_not_found_is_not_retried(
    server: PolicyServer, out_dir: Path, options: FetchOptions
) -> None:
    [result] = fetch_to_sources([server.url("/missing.html")], out_dir, options)
    assert "HTTP 404" in result.error
    assert server.hits["/missing.html"] == 1
    assert _files(out_dir) == []


def test_slow_response_times_out(
    server: PolicyServer, out_dir: Path, options: FetchOptions
) -> None:
    server.routes["/slow.html"] = Reply(body=pages.GBK_META, delay=3.0)
    opts = dataclasses.replace(options, timeout=0.3, retries=1)
    started = time.monotonic()
    [result] = fetch_to_sources([server.url("/slow.html")], out_dir, opts)
    assert time.monotonic() - started < 2.0
    assert "timed out" in result.error
    assert server.hits["/slow.html"] == 2  # timeouts are retried, boundedly
    assert _files(out_dir) == []


def test_connection_refused_is_reported(out_dir: Path, options: FetchOptions) -> None:
    import socket

    with socket.socket() as sock:  # find a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    opts = dataclasses.replace(options, retries=1)
    [result] = fetch_to_sources([f"http://127.0.0.1:{port}/x.html"], out_dir, opts)
    assert not result.ok
    assert "connection error" in result.error or "robots.txt unreachable" in result.error


def test_huge_streamed_body_is_aborted_and_nothing_written(
    server: PolicyServer, out_dir: Path, options: FetchOptions
) -> None:
    sent = {"bytes": 0}

    def fifty_megabytes(handler: BaseHTTPRequestHandler, n: int) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")  # no Content-Length: streamed
        handler.end_headers()
        chunk = b"<p>" + "通知".encode("gbk") * 16381 + b"</p>\n"
        while sent["bytes"] < 50 * 1024 * 1024:
            handler.wfile.write(chunk)
            sent["bytes"] += len(chunk)

    server.routes["/huge.html"] = fifty_megabytes
    [result] = fetch_to_sources([server.url("/huge.html")], out_dir, options)
    assert not result.ok
    assert "exceeds limit of 20971520 bytes" in result.error
    assert server.hits["/huge.html"] == 1  # not retried
    assert sent["bytes"] < 50 * 1024 * 1024  # the client hung up early
    assert _files(out_dir) == []


def test_declared_oversize_body_is_refused_before_download(
    server: PolicyServer, out_dir: Path, options: FetchOptions
) -> None:
    server.routes["/big.pdf"] = Reply(body=b"x" * 2000, content_type="application/pdf")
    [result] = fetch_to_sources([server.url("/big.pdf")], out_dir,
                                dataclasses.replace(options, max_bytes=1000))
    assert "Content-Length 2000 exceeds limit of 1000 bytes" in result.error
    assert _files(out_dir) == []


def test_batch_continues_after_failures(
    server: PolicyServer, out_dir: Path, options: FetchOptions
) -> None:
    good1 = server.page("/1.html", pages.GBK_META)
    good2 = server.page("/2.html", pages.UTF8_BOM)
    results = fetch_to_sources([good1, server.url("/404.html"), "ftp://x/y", good2, good1],
                               out_dir, options)
    assert [r.ok for r in results] == [True, False, False, True]  # duplicate dropped
    assert "unsupported URL scheme" in results[2].error
    assert all(r.path.exists() for r in results if r.ok)


def test_malformed_urls_are_reported_not_raised(
    server: PolicyServer, out_dir: Path, options: FetchOptions
) -> None:
    good = server.page("/ok.html", pages.GBK_META)
    bad = ["http://[::1/x", "http://127.0.0.1:99999/x", "not a url", "http:///nohost"]
    results = fetch_to_sources([*bad, good], out_dir, options)
    assert [r.ok for r in results] == [False] * len(bad) + [True]
    assert all(r.error for r in results[:-1])


# -- politeness ------------------------------------------------------------------

def test_robots_disallowed_url_is_skipped_and_reported(
    server: PolicyServer, out_dir: Path, options: FetchOptions
) -> None:
    server.page("/robots.txt", b"User-agent: *\nDisallow: /private/\n", "text/plain")
    allowed = server.page("/public/a.html", pages.GBK_META)
    forbidden = server.page("/private/b.html", pages.GBK_META)
    results = fetch_to_sources([forbidden, allowed], out_dir, options)
    assert not results[0].ok and "robots.txt" in results[0].error
    assert results[1].ok
    assert server.hits["/private/b.html"] == 0
    assert server.hits["/robots.txt"] == 1  # fetched once per host


def test_robots_rules_for_our_user_agent_apply(
    server: PolicyServer, out_dir: Path, options: FetchOptions
) -> None:
    server.page("/robots.txt",
                b"User-agent: policy-library-scraper\nDisallow: /\n\nUser-agent: *\nAllow: /\n",
                "text/plain")
    [result] = fetch_to_sources([server.page("/a.html", pages.GBK_META)], out_dir, options)
    assert "robots.txt" in result.error
    assert server.hits["/a.html"] == 0


def test_redirect_into_forbidden_path_is_blocked(
    server: PolicyServer, out_dir: Path, options: FetchOptions
) -> None:
    server.page("/robots.txt", b"User-agent: *\nDisallow: /private/\n", "text/plain")
    start = server.redirect("/go", "/private/secret.html")
    server.page("/private/secret.html", pages.GBK_META)
    [result] = fetch_to_sources([start], out_dir, options)
    assert "robots.txt" in result.error and "redirect target" in result.error
    assert server.hits["/private/secret.html"] == 0


def test_unreachable_robots_txt_means_do_not_fetch(
    server: PolicyServer, out_dir: Path, options: FetchOptions
) -> None:
    server.routes["/robots.txt"] = Reply(status=500)
    [result] = fetch_to_sources([server.page("/a.html", pages.GBK_META)], out_dir,
                                dataclasses.replace(options, retries=0))
    assert "robots.txt unreachable" in result.error
    assert server.hits["/a.html"] == 0


def test_requests_to_the_same_host_are_spaced_by_the_delay(
    server: PolicyServer, out_dir: Path, options: FetchOptions
) -> None:
    urls = [server.page(f"/p{i}.html", pages.GBK_META) for i in range(3)]
    fetch_to_sources(urls, out_dir, dataclasses.replace(options, delay=0.2))
    times = [hit.at for hit in server.log]
    assert [hit.path for hit in server.log] == ["/robots.txt", "/p0.html", "/p1.html", "/p2.html"]
    gaps = [b - a for a, b in zip(times, times[1:])]
    assert min(gaps) >= 0.18, gaps


def test_crawl_delay_from_robots_is_honoured(server: PolicyServer, options: FetchOptions) -> None:
    server.page("/robots.txt", b"User-agent: *\nCrawl-delay: 5\n", "text/plain")
    slept: list[float] = []
    with Fetcher(options, sleep=slept.append) as fetcher:
        fetcher.get(server.page("/a.html", b"a"))
        fetcher.get(server.page("/b.html", b"b"))
    assert slept and slept[-1] > 4.0


def test_backoff_doubles_between_retries(server: PolicyServer, options: FetchOptions) -> None:
    server.routes["/down.html"] = Reply(status=500)
    slept: list[float] = []
    opts = dataclasses.replace(options, retries=3, backoff=1.0, max_backoff=60.0)
    with Fetcher(opts, sleep=slept.append) as fetcher, pytest.raises(FetchError):
        fetcher.get(server.url("/down.html"))
    assert slept == [1.0, 2.0, 4.0]


# -- attachments -----------------------------------------------------------------

EXPECTED_NAMES = ["1. 优化营商环境重点任务分工表.pdf", "政策解读", "附件3：统计表",
                  "附件4：通知（WPS版）"]


def _other_origin(server: PolicyServer) -> str:
    # Same server, different host name: exercises cross-host absolute links.
    return f"http://localhost:{server.port}"


def _attachment_page(server: PolicyServer) -> str:
    links = pages.attachment_links(_other_origin(server))
    body = pages.html(extra=links, meta=pages.META_GBK).encode("gbk")
    return server.page("/zhengce/2020/notice.htm", body, "text/html")


def test_attachments_are_listed_with_absolute_urls_and_link_text(
    server: PolicyServer, out_dir: Path, options: FetchOptions
) -> None:
    url = _attachment_page(server)
    [result] = fetch_to_sources([url], out_dir, options)
    attachments = _meta(result)["attachments"]
    assert [a["name"] for a in attachments] == EXPECTED_NAMES
    assert [a["url"] for a in attachments] == [
        server.url("/zhengce/2020/P020200715591839387391.pdf"),
        server.url("/files/P020200715591839399999.docx"),
        f"{_other_origin(server)}/up/%E9%99%84%E4%BB%B6.xlsx",
        server.url("/zhengce/2020/download.jsp?filename=notice.wps"),
    ]
    # Listed only: nothing downloaded without --attachments.
    assert not any(p.name.endswith(".attachments") for p in out_dir.iterdir())
    assert server.hits["/zhengce/2020/P020200715591839387391.pdf"] == 0


def test_attachments_are_downloaded_next_to_the_page_when_requested(
    server: PolicyServer, out_dir: Path, options: FetchOptions
) -> None:
    url = _attachment_page(server)
    server.page("/zhengce/2020/P020200715591839387391.pdf", b"%PDF-1.7 a", "application/pdf")
    server.page("/files/P020200715591839399999.docx", b"PK docx", "application/octet-stream")
    server.page("/zhengce/2020/download.jsp?filename=notice.wps", b"wps", "application/kswps")
    # The cross-host attachment answers 404: reported, the others still saved.
    opts = dataclasses.replace(options, attachments=True)
    [result] = fetch_to_sources([url], out_dir, opts)
    assert result.error is None
    directory = result.path.with_name(result.path.stem + ".attachments")
    saved = sorted(p.name for p in result.attachment_paths)
    assert sorted(p.name for p in directory.iterdir()) == saved
    assert len(saved) == 3
    urls = [a["url"] for a in _meta(result)["attachments"]]
    names = attachment_filenames(urls)
    assert (directory / names[0]).read_bytes() == b"%PDF-1.7 a"
    assert (directory / names[1]).read_bytes() == b"PK docx"
    assert (directory / names[3]).read_bytes() == b"wps"
    assert [u for u, _ in result.attachment_errors] == [urls[2]]
    assert not result.ok  # a failed attachment makes the URL count as failed
    # Re-running does not download existing attachments again.
    fetch_to_sources([url], out_dir, dataclasses.replace(opts, attachments=True))
    assert server.hits["/zhengce/2020/P020200715591839387391.pdf"] == 1


# -- re-fetching -----------------------------------------------------------------

def test_refetching_unchanged_content_changes_nothing_on_disk(
    server: PolicyServer, out_dir: Path, options: FetchOptions
) -> None:
    url = server.page("/same.html", pages.GBK_META)
    [first] = fetch_to_sources([url], out_dir, options)
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in out_dir.iterdir()}
    time.sleep(0.02)
    [second] = fetch_to_sources([url], out_dir, options)
    assert second.outcome == "unchanged"
    after = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in out_dir.iterdir()}
    assert after == before


def test_refetching_changed_content_records_history(
    server: PolicyServer, out_dir: Path, options: FetchOptions
) -> None:
    url = server.page("/changing.html", pages.GBK_META)
    [first] = fetch_to_sources([url], out_dir, options)
    old = _meta(first)
    first.meta_path.write_text(first.meta_path.read_text(encoding="utf-8")
                               + "overrides:\n  title: 人工校对标题  # fixed by hand\n",
                               encoding="utf-8")
    server.page("/changing.html", pages.GB18030_DECLARED_GB2312)
    [second] = fetch_to_sources([url], out_dir, options)
    assert second.outcome == "updated"
    assert second.path == first.path
    assert second.path.read_bytes() == pages.GB18030_DECLARED_GB2312
    meta = _meta(second)
    assert meta["history"] == [{"sha256": old["sha256"], "fetched_at": old["fetched_at"]}]
    assert meta["sha256"] != old["sha256"]
    assert meta["overrides"] == {"title": "人工校对标题"}
    assert "# fixed by hand" in second.meta_path.read_text(encoding="utf-8")


def test_failure_while_writing_leaves_no_partial_file(
    server: PolicyServer, out_dir: Path, options: FetchOptions, monkeypatch: pytest.MonkeyPatch
) -> None:
    from scraper import store

    url = server.page("/a.html", pages.GBK_META)
    real_fdopen = store.os.fdopen

    class HalfWriter:
        def __init__(self, fh):
            self.fh = fh

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.fh.close()

        def write(self, data: bytes) -> None:
            self.fh.write(data[: len(data) // 2])
            raise OSError("No space left on device (simulated)")

        def __getattr__(self, name):
            return getattr(self.fh, name)

    monkeypatch.setattr(store.os, "fdopen", lambda fd, mode: HalfWriter(real_fdopen(fd, mode)))
    [result] = fetch_to_sources([url], out_dir, options)
    assert not result.ok and "No space left" in result.error
    assert _files(out_dir) == []
