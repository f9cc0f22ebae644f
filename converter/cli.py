"""python -m converter build | convert FILE… --out DIR"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from converter import __version__, pipeline
from converter.model import SourceError
from converter.names import quote
from converter.runtime import cache, executors, lock

ROOT = Path(__file__).resolve().parent.parent


def _summary(result: pipeline.Result, out=None, only: set[str] | None = None) -> None:
    """The conversion table (only the documents of the sources in ``only``, when given), then
    warnings, problems and counts."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = Console(file=out or sys.stdout, width=120, highlight=False, soft_wrap=False)
    shown = [d for d in result.docs if only is None or d.source.file in only]
    caption = f"{len(result.docs) - len(shown)} documents of unchanged sources not listed" if len(shown) < len(result.docs) else None
    table = Table(title="转换结果 / conversion summary", show_lines=False, caption=caption)
    for col in ("page", "title", "文号", "date", "warnings"):
        table.add_column(col, overflow="fold")
    for d in shown:
        table.add_row(d.slug, d.title, d.doc_number or "—", d.date or "—", "\n".join(d.warnings) or "")
    console.print(table)
    for w in result.corpus.warnings if result.corpus else []:
        console.print(f"[yellow]warning:[/] {w}")
    for p in result.attachment_problems:
        console.print(f"[yellow]warning:[/] {p.file}: {p.reason} (an attachment: its page links to the original address)")
    for p in result.notices:
        console.print(f"[cyan]notice:[/] {p.file}: {p.reason}")
    for p in result.problems:
        # One line per problem (never wrapped), the file quoted when its name is odd, and no
        # text from a file name or a source read as rich markup.
        console.print(f"[red]error:[/] {escape(quote(p.file))}: {escape(p.reason)}", soft_wrap=True)
    edges = result.corpus.edges if result.corpus else []
    console.print(
        f"{len(result.docs)} documents, {len(result.problems)} problems, "
        + (f"{len(result.notices)} pages that are no document, " if result.notices else "")
        + f"{sum(1 for e in edges if e.target)} resolved citations, "
        f"{len(result.written)} pages written, {len(result.removed)} removed"
    )


def _rel(path: Path, names: Path) -> str:
    """A source's ``source.file``: its path relative to the folder it is named from (pipeline.names_root)."""
    return path.resolve().relative_to(names).as_posix()


def _as_of(args: argparse.Namespace) -> str:
    """The reference date of statuses: --as-of, else today in China Standard Time."""
    from converter.link import status

    return status.check_date(args.as_of) if args.as_of else status.today_cst()


def cmd_build(args: argparse.Namespace) -> int:
    from converter.link import status

    cache_dir = Path(args.cache)  # --no-cache reads nothing from it but rewrites what it converts
    try:
        as_of = _as_of(args)
        executors.require(args.executor)
    except executors.MissingDask as exc:
        print(exc, file=sys.stderr)
        return 2
    except ValueError as exc:  # a bad date, an --executor that names none
        print(f"error: {exc}", file=sys.stderr)
        return 2
    # -j: worker processes here, or of a local Dask cluster (default: one per core).
    jobs = args.jobs if args.jobs is not None else (os.cpu_count() or 1) if args.executor == executors.DASK else 1
    try:
        result = pipeline.build(
            Path(args.sources), Path(args.out), ROOT, jobs=jobs, cache_dir=cache_dir, as_of=as_of,
            budget=args.time_budget or None, refresh=args.no_cache, executor=args.executor,
        )
    except lock.Busy as exc:
        print(f"error: {exc}", file=sys.stderr)
        return lock.BUSY_EXIT
    except executors.Unavailable as exc:  # Dask missing, the scheduler unreachable, its workers' converter another
        print(exc if isinstance(exc, executors.MissingDask) else f"error: {exc}", file=sys.stderr)
        return 2
    recorded = status.recorded_as_of()
    if as_of != recorded and Path(args.out).resolve() == (ROOT / "docs").resolve():
        print(
            f"note: statuses are as of {as_of}; the committed docs/ are as of {recorded} ({status.RECORDED.name}). "
            "`make docs` builds them as of the recorded date; `make status-today` moves it to today."
        )
    # With the cache, list what this run converted: a table of 10,000 unchanged rows helps nobody.
    names = pipeline.names_root([Path(args.sources)], ROOT)
    _summary(result, only={_rel(p, names) for p in result.converted} if result.cached else None)
    print(f"{len(result.converted)} sources converted, {result.cached} unchanged (from {cache_dir})")
    return 1 if result.problems else 0


def cmd_convert(args: argparse.Namespace) -> int:
    paths = [Path(f) for f in args.files]
    missing = [p for p in paths if not p.is_file()]
    try:
        as_of = _as_of(args)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    found = [p for p in paths if p.is_file()]
    names = pipeline.names_root([p.parent for p in found], ROOT)
    result = pipeline.convert_many(found, names, jobs=args.jobs, budget=args.time_budget or None)
    result.problems += [SourceError(str(p), "no such file") for p in missing]
    corpus = pipeline.link(result.docs, as_of)
    result.docs, result.corpus = corpus.docs, corpus
    try:
        with lock.folder_lock(Path(args.out)):
            result.written, result.removed = pipeline.write_pages(Path(args.out), pipeline.pages(corpus), owned=())
    except lock.Busy as exc:
        print(f"error: {exc}", file=sys.stderr)
        return lock.BUSY_EXIT
    _summary(result)
    return 1 if result.problems else 0


def cmd_eval(args: argparse.Namespace) -> int:
    from converter.tools import evaluate

    return evaluate.main(Path(args.truth), Path(args.raw), ROOT, compare=not args.no_compare, check=args.check)


def cmd_epoch(args: argparse.Namespace) -> int:
    """The newest document date in docs/, as a Unix time: SOURCE_DATE_EPOCH for MkDocs,
    so the sitemap's dates come from the sources, not the clock."""
    import calendar
    import re

    newest = "1970-01-01"
    for page in sorted((Path(args.docs) / "policies").glob("*.md")):
        head = page.read_text(encoding="utf-8")[:4000]
        for found in re.findall(r"^(?:written_date|publish_date): '(\d{4}-\d{2}-\d{2})'", head, re.M):
            newest = max(newest, found)
    y, m, d = (int(x) for x in newest.split("-"))
    print(calendar.timegm((y, m, d, 0, 0, 0)))
    return 0


def cmd_add(args: argparse.Namespace) -> int:
    from converter.tools import add

    if not (args.url or args.file):
        print("add: give --url URL (fetch the page) or --file FILE (a page saved by hand)", file=sys.stderr)
        return 2
    root = Path(args.root)
    return add.main(args.url, args.file, root, _under(root, args.sources), _under(root, args.docs), args.jobs, args.delay)


def cmd_check(args: argparse.Namespace) -> int:
    from converter.tools import check

    root = Path(args.root)
    if args.removed:
        return print_removed(Path(args.removed), root)
    return check.main(root, _under(root, args.sources), _under(root, args.docs), args.jobs, args.strict)


def print_removed(path: Path, root: Path, out=None) -> int:
    """Every line the cleaner removed from one source, with its step, rule and source line: the
    text the site does not publish (spam, hidden link farms) included, for reviewers."""
    out = out or sys.stdout
    if not path.is_file():
        print(f"{path}: no such file", file=sys.stderr)
        return 2
    docs, problems = pipeline.convert_source(path, root)
    for p in problems:
        print(f"error: {p.file}: {p.reason}", file=sys.stderr)
    n = 0
    for d in docs:
        for r in d.record.removed:
            line = f"line {r.line}" if r.line is not None else "line ?"
            print(f"{line}\t{r.step}\t{r.reason.code}: {r.reason.en}\t{r.text}", file=out)
            n += 1
    print(f"{n} removed from {path} ({len(docs)} documents)", file=out)
    return 1 if problems else 0


def _under(root: Path, path: str | None) -> Path | None:
    return None if path is None else root / path


AS_OF_HELP = "reference date of statuses, YYYY-MM-DD (default: today in China Standard Time)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m converter", description="Scraped policy pages -> Markdown.")
    parser.add_argument("--version", action="version", version=__version__)
    sub = parser.add_subparsers(dest="command", required=True)
    jobs: dict[str, Any] = dict(type=int, default=1, help="worker processes (default 1; 0 = all cores)")
    budget: dict[str, Any] = dict(
        type=float, default=pipeline.TIME_BUDGET, metavar="SECONDS",
        help=f"a source taking longer to convert is reported as an error (default {pipeline.TIME_BUDGET:g}; 0 = no limit)",
    )

    p = sub.add_parser("build", help="convert sources/ into docs/ (pages plus index pages)")
    p.add_argument("--sources", default=str(ROOT / "sources"))
    p.add_argument("--out", default=str(ROOT / "docs"))
    p.add_argument("-j", "--jobs", **{
        **jobs, "default": None,
        "help": "worker processes (default 1; with --executor dask the Dask workers, default one per core; 0 = all cores)",
    })
    p.add_argument(
        "--executor", default=executors.LOCAL, metavar="local|dask|tcp://HOST:PORT",
        help="where sources are converted: local (default: this machine, -j processes), dask (a local Dask cluster of -j workers), "
        "or the address of a running Dask scheduler (tcp://HOST:8786, tls://…), whose workers must see this repository and "
        "the sources at the same paths (a shared filesystem). Output is byte-identical to -j 1. Needs pip install '.[dask]'",
    )
    p.add_argument("--cache", default=str(cache.DEFAULT_DIR), help="conversion cache folder (default .cache/converter)")
    p.add_argument("--no-cache", action="store_true", help="convert every source without reading the cache (and rewrite its entries)")
    p.add_argument("--as-of", help=AS_OF_HELP)
    p.add_argument("--time-budget", **budget)
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("convert", help="convert the given files into DIR")
    p.add_argument("files", nargs="+")
    p.add_argument("--out", required=True)
    p.add_argument("-j", "--jobs", **jobs)
    p.add_argument("--as-of", help=AS_OF_HELP)
    p.add_argument("--time-budget", **budget)
    p.set_defaults(func=cmd_convert)

    p = sub.add_parser("epoch", help="print the newest document date in docs/ as a Unix time")
    p.add_argument("--docs", default=str(ROOT / "docs"))
    p.set_defaults(func=cmd_epoch)

    p = sub.add_parser("eval", help="score conversion of saved pages against page-derived truth (fields, body recall, leakage)")
    p.add_argument("--truth", required=True, help="truth.json: one object per file (title, doc_number, issuer, dates)")
    p.add_argument("--raw", required=True, help="folder holding the pages named in the truth file")
    p.add_argument("--no-compare", action="store_true", help="do not run trafilatura beside the converter")
    p.add_argument("--check", action="store_true", help="exit 1 when a target is not met")
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser("add", help="put one page into sources/ (--url fetches it, --file copies a saved page), rebuild docs/, print its summary")
    p.add_argument("--url", help="the page's address (with --file: recorded in the sidecar, nothing is fetched)")
    p.add_argument("--file", help="a page saved by hand (HTML or text)")
    p.add_argument("--delay", type=float, default=1.0, help="seconds between requests to one host (default 1)")
    p.add_argument("--root", default=str(ROOT), help="project folder (default: this project)")
    p.add_argument("--sources", help="sources folder, relative to --root (default sources)")
    p.add_argument("--docs", help="docs folder, relative to --root (default docs)")
    p.add_argument("-j", "--jobs", **jobs)
    p.set_defaults(func=cmd_add)

    p = sub.add_parser("check", help="validate sources/, sidecars and docs/ for a pull request; exit 1 on any error")
    p.add_argument("--strict", action="store_true", help="count warnings (missing 文号/发文机关/date) as errors")
    p.add_argument("--removed", metavar="FILE", help="print every line removed from one source, with its rule and line")
    p.add_argument("--root", default=str(ROOT), help="project folder (default: this project)")
    p.add_argument("--sources", help="sources folder, relative to --root (default sources)")
    p.add_argument("--docs", help="docs folder, relative to --root (default docs)")
    p.add_argument("-j", "--jobs", **jobs)
    p.set_defaults(func=cmd_check)

    args = parser.parse_args(argv)
    if getattr(args, "jobs", 1) == 0:
        args.jobs = os.cpu_count() or 1
    return args.func(args)
