"""The ``python -m scraper fetch`` command line."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import yaml

from scraper.cli import main
from tests.scraper import scraper_pages as pages
from tests.scraper.scraper_http import PolicyServer

REPO_ROOT = Path(__file__).resolve().parents[2]
FAST = ["--delay", "0", "--timeout", "2", "--retries", "0"]


def _run(argv: list[str], stdin: str = "") -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(argv, stdout=out, stderr=err, stdin=io.StringIO(stdin))
    return code, out.getvalue(), err.getvalue()


def test_help_via_python_dash_m() -> None:
    proc = subprocess.run([sys.executable, "-m", "scraper", "fetch", "--help"], cwd=REPO_ROOT,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0
    for flag in ("--list", "--out", "--attachments", "--delay", "--timeout", "--max-bytes",
                 "--retries"):
        assert flag in proc.stdout


def test_successful_fetch_exits_zero_and_writes_into_out_dir(
    server: PolicyServer, tmp_path: Path
) -> None:
    url = server.page("/zhengce/a.htm", pages.GBK_META)
    out = tmp_path / "sources"
    code, stdout, stderr = _run(["fetch", url, "--out", str(out), *FAST])
    assert code == 0, stderr
    assert "created" in stdout and url in stdout
    meta = yaml.safe_load((out / f"127.0.0.1_{server.port}_zhengce_a.meta.yml").read_text("utf-8"))
    assert meta["url"] == url


def test_each_failure_is_one_line_naming_url_and_reason_and_exit_is_nonzero(
    server: PolicyServer, tmp_path: Path
) -> None:
    server.page("/robots.txt", b"User-agent: *\nDisallow: /private/\n", "text/plain")
    good = server.page("/ok.html", pages.GBK_META)
    missing = server.url("/missing.html")
    private = server.page("/private/x.html", pages.GBK_META)
    code, stdout, stderr = _run(["fetch", missing, private, good, "--out", str(tmp_path), *FAST])
    assert code == 1
    failures = [line for line in stderr.splitlines() if line.startswith("FAILED ")]
    assert failures == [
        f"FAILED {missing}: HTTP 404 Not Found",
        f"FAILED {private}: disallowed by http://127.0.0.1:{server.port}/robots.txt",
    ]
    assert good in stdout  # the batch went on


def test_urls_can_come_from_a_list_file_and_stdin(server: PolicyServer, tmp_path: Path) -> None:
    a = server.page("/a.html", pages.GBK_META)
    b = server.page("/b.html", pages.UTF8_BOM)
    c = server.page("/c.html", pages.GBK_HEADER, "text/html; charset=gbk")
    listing = tmp_path / "urls.txt"
    listing.write_text(f"# policy pages\n\n{a}   # first\n{b}\n", encoding="utf-8")
    out = tmp_path / "out"
    code, stdout, stderr = _run(["fetch", "--list", str(listing), "--list", "-",
                                 "--out", str(out), *FAST], stdin=f"{c}\n")
    assert code == 0, stderr
    assert len(list(out.glob("*.meta.yml"))) == 3


def test_no_urls_is_a_usage_error(tmp_path: Path) -> None:
    code, _, stderr = _run(["fetch", "--out", str(tmp_path)])
    assert code == 2 and "no URLs" in stderr


def test_invalid_option_value_is_a_usage_error() -> None:
    code, _, _ = _run(["fetch", "http://x/", "--delay", "-1"])
    assert code == 2
