"""python -m converter.publish SITE_DIR [-j N] [--shard-size N]: build the site and its search indexes."""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path

from converter.publish.builder import BuildFailed, publish


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m converter.publish", description=__doc__)
    p.add_argument("site", help="output folder (site/)")
    p.add_argument("-f", "--config", default="mkdocs.yml", help="MkDocs configuration (default mkdocs.yml)")
    p.add_argument("--docs", help="docs folder (default: docs/ beside the configuration)")
    p.add_argument("-j", "--jobs", type=int, default=1, help="MkDocs shard builds at once (default 1)")
    p.add_argument("--shard-size", help="documents per shard (default: SHARD_SIZE, else 5000)")
    p.add_argument("--cache", help="where shard builds are kept (default .cache/site-shards beside the configuration)")
    p.add_argument("--no-index", action="store_true", help="MkDocs only, no search indexes")
    p.add_argument("--report", help="write what was built and its times to this JSON file (benchmarks)")
    args = p.parse_args(argv)
    try:
        report = publish(Path(args.site), Path(args.config), Path(args.docs) if args.docs else None, args.jobs,
                         args.shard_size, Path(args.cache) if args.cache else None, index=not args.no_index)
    except (BuildFailed, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if args.report:
        Path(args.report).write_text(json.dumps(dataclasses.asdict(report), indent=1) + "\n", encoding="utf-8")
    if len(report.shards) > 1:
        built = ", ".join(f"{n}: {report.pages[n]} pages" if n in report.pages else n for n in report.built)
        print(f"{len(report.shards) - 1} document shards + main: built {len(report.built)} ({built or 'none changed'}), "
              f"MkDocs {sum(report.seconds.values()):.1f} s, search index {report.index_seconds:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
