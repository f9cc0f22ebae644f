"""python -m tests.zoo --corpus ../shared/corpus --out DIR: write the zoo (DIR/raw/*.html and
DIR/truth.json) for `python -m converter eval --truth DIR/truth.json --raw DIR/raw`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .build import write


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m tests.zoo")
    p.add_argument("--corpus", default="../shared/corpus")
    p.add_argument("--out", required=True)
    args = p.parse_args(argv)
    corpus = Path(args.corpus)
    if not (corpus / "truth.json").is_file():
        print(f"zoo: no reference corpus at {corpus}", file=sys.stderr)
        return 1
    n = write(corpus, Path(args.out))
    print(f"zoo: {n} pages written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
