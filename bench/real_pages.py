"""Real pages from site templates the rules were not tuned on, measured against trafilatura.

The pages have no licence, so none is committed: ``rebuild`` writes them from the public snapshot
(repository + commit + path, as ../shared/corpus records its sources) into a folder outside the
repo, and ``measure`` prints, per page, what the converter made of it beside trafilatura.

    python bench/real_pages.py rebuild --mirrors /work/.mirror --out /work/realpages/src
    python bench/real_pages.py measure /work/realpages/src [--before REF]

``--before REF`` also measures the converter as it was at git REF (from ``git archive``), so
one command prints the before/after table.
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
import subprocess
import sys
import tempfile
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# (name, repository, commit, path): pages of five templates (a county government's news, a
# provincial portal, a 国务院公报 page, a law on a college site, a city bureau's 信息公开 page).
PAGES = [
    ("gne_gzggw", "GeneralNewsExtractor/GeneralNewsExtractor", "3d5a67c65f4d6c8e13c3047754a4c18fc0b0754a", "tests/gzggw/1.html"),
    ("gne_shanxi", "GeneralNewsExtractor/GeneralNewsExtractor", "3d5a67c65f4d6c8e13c3047754a4c18fc0b0754a", "tests/shanxi/1.html"),
    ("gne_other", "GeneralNewsExtractor/GeneralNewsExtractor", "3d5a67c65f4d6c8e13c3047754a4c18fc0b0754a", "tests/other/1.html"),
    ("gne_sxmu", "GeneralNewsExtractor/GeneralNewsExtractor", "3d5a67c65f4d6c8e13c3047754a4c18fc0b0754a", "tests/sxmu/1.html"),
    # A city bureau's 信息公开 page laid out in tables, saved after two lines of crawler log.
    ("wuhan_scjdj", "bigcpp110/policy_crawl", "e5f7612163c00049f2e6859e81babb3e0f30aca4", "spiders/scjdj/all/test.html"),
]


def rebuild(mirrors: Path, out: Path) -> None:
    """Each page from its repository's snapshot, ``mirrors/OWNER+NAME/repo`` (a git directory)."""
    out.mkdir(parents=True, exist_ok=True)
    for name, repo, commit, path in PAGES:
        git_dir = mirrors / repo.replace("/", "+") / "repo"
        if not git_dir.is_dir():
            print(f"{name}: no snapshot of {repo} at {git_dir}; skipped")
            continue
        data = subprocess.run(["git", "--git-dir", str(git_dir), "show", f"{commit}:{path}"], capture_output=True, check=True).stdout
        (out / f"{name}.html").write_bytes(data)
        print(f"{name}.html  {len(data)} bytes")


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def ours(pages: Path) -> dict[str, dict]:
    """The converter's body text for each page, or why it made no document."""
    from converter.pipeline import convert_source

    got: dict[str, dict] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for page in sorted(pages.glob("*.html")):
            try:
                docs, errors = convert_source(page, Path(tmp))
            except Exception as exc:  # noqa: BLE001 - a page the converter refuses is a result here
                got[page.stem] = {"body": "", "kind": f"refused: {type(exc).__name__}: {exc}"[:80]}
                continue
            body = "\n".join(f"{b.label}{b.lead}{b.text}" for d in docs for b in d.blocks)
            kind = "document" if docs else ("error: " + "; ".join(str(e) for e in errors))[:80]
            issuers = [i for d in docs for i in (d.issuers or [])]
            got[page.stem] = {"body": body, "kind": kind, "issuers": issuers, "title": docs[0].title if docs else None}
    return got


def _ours_at(ref: str, pages: Path) -> dict[str, dict]:
    with tempfile.TemporaryDirectory() as tmp:
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", ref], capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", tmp], input=archive, check=True)
        run = subprocess.run(
            [sys.executable, "bench/real_pages.py" if (Path(tmp) / "bench/real_pages.py").exists() else str(Path(__file__)), "ours-json", str(pages)],
            cwd=tmp, capture_output=True, text=True, check=True, env={"PYTHONPATH": tmp, "PATH": "/usr/bin:/bin"},
        )
        return json.loads(run.stdout)


def _theirs(page: Path) -> str:
    import trafilatura

    return trafilatura.extract(page.read_text(encoding="utf-8", errors="replace")) or ""


def _share(reference: str, got: str) -> float:
    """Share of the reference's characters that ``got`` holds in the same order."""
    a, b = _norm(reference), _norm(got)
    if not a:
        return 1.0
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return sum(m.size for m in matcher.get_matching_blocks()) / len(a)


def measure(pages: Path, before: str | None) -> None:
    after = ours(pages)
    old = _ours_at(before, pages) if before else {}
    cols = ["page", "trafilatura chars"] + (["before: kind", "before: holds traf."] if before else []) + ["after: kind", "after chars", "after: holds traf.", "traf. holds after", "issuers"]
    print("| " + " | ".join(cols) + " |")
    print("|" + "---|" * len(cols))
    for name, got in after.items():
        theirs = _theirs(pages / f"{name}.html")
        row = [name, str(len(_norm(theirs)))]
        if before:
            prev = old.get(name, {"body": "", "kind": "?"})
            row += [prev["kind"], f"{_share(theirs, prev['body']):.3f}"]
        row += [got["kind"], str(len(_norm(got["body"]))), f"{_share(theirs, got['body']):.3f}", f"{_share(got['body'], theirs):.3f}", "、".join(got.get("issuers") or []) or "—"]
        print("| " + " | ".join(row) + " |")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    rb = sub.add_parser("rebuild")
    rb.add_argument("--mirrors", type=Path, required=True, help="folder of snapshots, OWNER+NAME/repo each")
    rb.add_argument("--out", type=Path, required=True)
    me = sub.add_parser("measure")
    me.add_argument("pages", type=Path)
    me.add_argument("--before", help="git ref whose converter to measure too")
    oj = sub.add_parser("ours-json")
    oj.add_argument("pages", type=Path)
    args = ap.parse_args(argv)
    if args.cmd == "rebuild":
        rebuild(args.mirrors, args.out)
    elif args.cmd == "measure":
        measure(args.pages.resolve(), args.before)
    else:
        json.dump(ours(args.pages.resolve()), sys.stdout, ensure_ascii=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
