"""Site search: the 文号 tables (docs/data/doc-numbers/), and the indexes of a built site.

After ``mkdocs build``: the substring index the search box lists matches from (site/search/,
converter/search/substring_index.py), and Pagefind's word index (``pagefind[extended]``, which segments
Chinese; site/pagefind/) for the pages that only share words with a query. Only document pages
are indexed (overrides/main.html marks their article with ``data-pagefind-body``).

    python -m converter.search.index SITE_DIR     # index a built site
"""

from __future__ import annotations

import functools
import json
import os
import re
import subprocess
import sys
from pathlib import Path

from converter.model import PolicyDocument
from converter.runtime import procs
from converter.search import pagefind_stable, substring_index

DOC_NUMBERS = "data/doc-numbers"
_YEAR = re.compile(r"〔(\d{4})〕")

# Left out of the index: the 来源与处理记录 box (removed spam and page furniture would
# otherwise be found by search) and the copy-link buttons.
EXCLUDE = ("details.record", ".policy-copy-link", ".headerlink")


def page_url(doc: PolicyDocument, policy_dir: str) -> str:
    """The document's URL relative to the site root (MkDocs directory URLs)."""
    return f"{policy_dir}/{doc.slug}/"


def doc_number_shard(number: str) -> str:
    """The file of the 文号 table that holds ``number``: one per year (〔2017〕 -> 2017), orders
    (令第N号) and anything else in ``other``. assets/search.js applies the same rule, so a lookup
    fetches one year's table, not the whole corpus's."""
    m = _YEAR.search(number)
    return m.group(1) if m else "other"


def doc_numbers(docs: list[PolicyDocument], policy_dir: str) -> dict[str, str]:
    """Path under docs/ -> JSON {normalised 文号: [{url, title}]} (usually one document each)."""
    shards: dict[str, dict[str, list[dict[str, str]]]] = {}
    for d in sorted(docs, key=lambda d: d.slug):
        if d.doc_number:
            table = shards.setdefault(doc_number_shard(d.doc_number), {})
            table.setdefault(d.doc_number, []).append({"url": page_url(d, policy_dir), "title": d.title})
    return {
        f"{DOC_NUMBERS}/{name}.json": json.dumps(table, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"
        for name, table in sorted(shards.items())
    }


def pagefind_command(site: Path, output: Path | None = None) -> list[str]:
    cmd = [sys.executable, "-m", "pagefind", "--site", str(site), "--exclude-selectors", ", ".join(EXCLUDE), "--quiet"]
    return cmd + (["--output-path", str(output)] if output is not None else [])


def pagefind(site: Path, output: Path | None = None) -> None:
    """Pagefind's word index of the pages under ``site`` into ``output`` (default site/pagefind),
    in a stable order. It ends with this process however it ends (make interrupted, the job killed)."""
    subprocess.run(pagefind_command(site, output), check=True,
                   preexec_fn=functools.partial(procs.exec_child_dies_with, os.getpid()))
    bundle = output or site / "pagefind"
    pagefind_stable.normalise(bundle.parent, bundle.name)  # Pagefind's filter order changes run to run


def index_site(site: Path, bundles: list[str] | None = None, substring: bool = True) -> None:
    """Write site/search/ (the substring index the search box lists matches from; ``substring``
    False: already written) and, unless ``bundles`` names the Pagefind bundles already in the
    site (one per shard, the first at pagefind/), site/pagefind/ (Pagefind's word index, for
    其他可能相关的结果)."""
    if substring:
        substring_index.write(site)
    if bundles is None:
        pagefind(site)
    elif len(bundles) > 1:
        # The search box merges the other shards' bundles into the first (mergeIndex).
        path = site / substring_index.OUT / "index.json"
        data = json.loads(path.read_text(encoding="utf-8"))
        data["pagefind_bundles"] = [f"{b}/" for b in bundles[1:]]
        path.write_text(json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1 or not Path(args[0]).is_dir():
        print("usage: python -m converter.search.index SITE_DIR", file=sys.stderr)
        return 2
    index_site(Path(args[0]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
