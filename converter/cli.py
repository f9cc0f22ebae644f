"""python -m converter build | convert FILE… --out DIR"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from . import __version__, pipeline
from .model import SourceError

ROOT = Path(__file__).resolve().parent.parent


def _summary(result: pipeline.Result, out=None) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(file=out or sys.stdout, width=120, highlight=False, soft_wrap=False)
    table = Table(title="转换结果 / conversion summary", show_lines=False)
    for col in ("page", "title", "文号", "date", "warnings"):
        table.add_column(col, overflow="fold")
    for d in result.docs:
        table.add_row(d.slug, d.title, d.doc_number or "—", d.date or "—", "\n".join(d.warnings) or "")
    console.print(table)
    for w in result.corpus.warnings if result.corpus else []:
        console.print(f"[yellow]warning:[/] {w}")
    for p in result.problems:
        console.print(f"[red]error:[/] {p.file}: {p.reason}")
    edges = result.corpus.edges if result.corpus else []
    console.print(
        f"{len(result.docs)} documents, {len(result.problems)} problems, "
        f"{sum(1 for e in edges if e.target)} resolved citations, "
        f"{len(result.written)} pages written, {len(result.removed)} removed"
    )


def cmd_build(args: argparse.Namespace) -> int:
    result = pipeline.build(Path(args.sources), Path(args.out), ROOT, jobs=args.jobs)
    _summary(result)
    return 1 if result.problems else 0


def cmd_convert(args: argparse.Namespace) -> int:
    paths = [Path(f) for f in args.files]
    missing = [p for p in paths if not p.is_file()]
    result = pipeline.convert_many([p for p in paths if p.is_file()], ROOT, jobs=args.jobs)
    result.problems += [SourceError(str(p), "no such file") for p in missing]
    corpus = pipeline.link(result.docs)
    result.docs, result.corpus = corpus.docs, corpus
    result.written, result.removed = pipeline.write_pages(Path(args.out), pipeline.pages(corpus), owned=())
    _summary(result)
    return 1 if result.problems else 0


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m converter", description="Scraped policy pages -> Markdown.")
    parser.add_argument("--version", action="version", version=__version__)
    sub = parser.add_subparsers(dest="command", required=True)
    jobs = dict(type=int, default=1, help="worker processes (default 1; 0 = all cores)")

    p = sub.add_parser("build", help="convert sources/ into docs/ (pages plus index pages)")
    p.add_argument("--sources", default=str(ROOT / "sources"))
    p.add_argument("--out", default=str(ROOT / "docs"))
    p.add_argument("-j", "--jobs", **jobs)
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("convert", help="convert the given files into DIR")
    p.add_argument("files", nargs="+")
    p.add_argument("--out", required=True)
    p.add_argument("-j", "--jobs", **jobs)
    p.set_defaults(func=cmd_convert)

    p = sub.add_parser("epoch", help="print the newest document date in docs/ as a Unix time")
    p.add_argument("--docs", default=str(ROOT / "docs"))
    p.set_defaults(func=cmd_epoch)

    args = parser.parse_args(argv)
    if getattr(args, "jobs", 1) == 0:
        args.jobs = os.cpu_count() or 1
    return args.func(args)
