"""Command line: ``python -m scraper fetch URL... [options]``."""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from . import USER_AGENT, __version__

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2

_TRAILING_COMMENT = re.compile(r"\s+#.*$")


def _non_negative_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError("must be >= 0")
    return value


def _positive_float(text: str) -> float:
    value = _non_negative_float(text)
    if value == 0:
        raise argparse.ArgumentTypeError("must be > 0")
    return value


def _non_negative_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError("must be >= 0")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m scraper",
        description="Politely fetch policy pages and store them as raw sources.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    fetch = sub.add_parser(
        "fetch",
        help="fetch URLs into the sources folder",
        description=(
            "Save each page as the exact bytes received, plus NAME.meta.yml "
            "(url, final_url, site, status, fetched_at, content_type, encoding, "
            "sha256, attachments, history). Respects robots.txt and waits between "
            f"requests to the same host. User-Agent: {USER_AGENT}"
        ),
        epilog="Exit status: 0 if every URL succeeded, 1 if any failed, 2 on usage errors.",
    )
    fetch.add_argument("urls", nargs="*", metavar="URL", help="page URL(s) to fetch")
    fetch.add_argument("--list", dest="list_files", action="append", default=[], metavar="FILE",
                       type=Path,
                       help="read URLs from FILE, one per line; blank lines and # comments "
                            "ignored; '-' reads stdin (repeatable)")
    fetch.add_argument("--out", default=Path("sources"), type=Path, metavar="DIR",
                       help="output folder (default: sources)")
    fetch.add_argument("--attachments", action="store_true",
                       help="also download linked attachments into NAME.attachments/")
    fetch.add_argument("--delay", type=_non_negative_float, default=1.0, metavar="SECONDS",
                       help="minimum pause between requests to the same host (default: 1.0)")
    fetch.add_argument("--timeout", type=_positive_float, default=30.0, metavar="S",
                       help="network timeout in seconds (default: 30)")
    fetch.add_argument("--max-bytes", type=_non_negative_int, default=20 * 1024 * 1024,
                       metavar="N", help="abort responses larger than N bytes (default: 20 MB)")
    fetch.add_argument("--retries", type=_non_negative_int, default=3, metavar="N",
                       help="retries on 429/5xx/timeouts/connection errors (default: 3)")
    fetch.add_argument("--deadline", type=_positive_float, default=300.0, metavar="S",
                       help="give up on a URL not completely received within S seconds, "
                            "connecting, headers, body and retries included (default: 300)")
    return parser


def _read_list(path: Path, stdin: TextIO) -> list[str]:
    text = stdin.read() if str(path) == "-" else path.read_text(encoding="utf-8-sig")
    urls = []
    for line in text.splitlines():
        # Full-line comments and " # trailing" comments; a '#' glued to a URL
        # is a fragment and stays.
        line = _TRAILING_COMMENT.sub("", line).strip()
        if line and not line.startswith("#"):
            urls.append(line)
    return urls


def _run_fetch(args: argparse.Namespace, stdout: TextIO, stderr: TextIO, stdin: TextIO) -> int:
    from .api import FetchResult, fetch_to_sources
    from .fetch import FetchOptions

    urls = list(args.urls)
    for list_file in args.list_files:
        try:
            urls.extend(_read_list(list_file, stdin))
        except OSError as exc:
            print(f"error: cannot read URL list {list_file}: {exc}", file=stderr)
            return EXIT_USAGE
    if not urls:
        print("error: no URLs given (pass URL arguments or --list FILE)", file=stderr)
        return EXIT_USAGE

    options = FetchOptions(
        delay=args.delay,
        timeout=args.timeout,
        max_bytes=args.max_bytes,
        retries=args.retries,
        deadline=args.deadline,
        attachments=args.attachments,
    )

    def report(result: FetchResult) -> None:
        if result.error is not None:
            print(f"FAILED {result.url}: {result.error}", file=stderr)
        else:
            print(f"{result.outcome:<9} {result.url} -> {result.path}", file=stdout)
        for url, reason in result.attachment_errors:
            print(f"FAILED {url}: {reason} (attachment of {result.url})", file=stderr)
        stdout.flush()
        stderr.flush()

    results = fetch_to_sources(urls, args.out, options, on_result=report)
    failed = sum(1 for r in results if not r.ok)
    if failed:
        print(f"{failed} of {len(results)} URL(s) failed", file=stderr)
        return EXIT_FAILED
    return EXIT_OK


def main(argv: Sequence[str] | None = None, *, stdout: TextIO | None = None,
         stderr: TextIO | None = None, stdin: TextIO | None = None) -> int:
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    stdin = stdin or sys.stdin
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits on --help / usage errors
        return int(exc.code or 0)
    if args.command == "fetch":
        return _run_fetch(args, stdout, stderr, stdin)
    return EXIT_USAGE  # pragma: no cover - argparse enforces a command
