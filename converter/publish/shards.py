"""Which MkDocs build (shard) each page of docs/ belongs to.

A document page (policies/, cited/ and compare/ pages other than their index) goes to one of
``n`` document shards by a jump consistent hash of its path (Lamping and Veach, 2014): shards
are balanced, a page keeps its shard while ``n`` stays, and when the corpus grows past another
``size`` pages and ``n`` becomes ``n + 1``, only the pages the new shard takes (1/(n+1) of them)
move. Adding a document touches one shard. Every other page (home, browse, timeline, 待收录,
data, assets) goes to the main shard, built once over the whole graph. A corpus within ``size``
pages is one build, as it always was.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

# Documents per shard when SHARD_SIZE is not set: MkDocs holds a shard's pages in memory,
# Pagefind indexes a shard at once (about 0.75 GB per 1,000 pages at its peak).
DEFAULT_SIZE = 5000
DOC_FOLDERS = ("policies", "cited", "compare")


@dataclass(frozen=True)
class Shard:
    name: str  # "all" (one build), "main", "d0", "d1", …
    mode: Literal["include", "exclude"]  # build only ``pages``, or everything but them
    pages: tuple[str, ...]  # paths under docs/ (POSIX)

    @property
    def documents(self) -> bool:
        """A shard of document pages (its own search bundle), not the main or the only one."""
        return self.mode == "include"


def shard_size(value: str | int | None = None) -> int:
    """Documents per shard: ``value``, else SHARD_SIZE from the environment, else DEFAULT_SIZE."""
    raw = value if value is not None else os.environ.get("SHARD_SIZE") or DEFAULT_SIZE
    try:
        size = int(raw)
    except ValueError:
        raise ValueError(f"SHARD_SIZE must be a whole number of documents, not {raw!r}") from None
    if size < 1:
        raise ValueError(f"SHARD_SIZE must be at least 1, not {size}")
    return size


def document_pages(docs: Path) -> list[str]:
    """The pages of ``docs`` that go to document shards, sorted."""
    out = []
    for folder in DOC_FOLDERS:
        out += [p.relative_to(docs).as_posix() for p in (docs / folder).glob("*.md") if p.name != "index.md"]
    return sorted(out)


def count(pages: int, size: int) -> int:
    """Number of document shards: as many as keep each at about ``size`` pages."""
    return max(1, -(-pages // size))


def shard_of(page: str, n: int) -> int:
    """The jump consistent hash of ``page`` into ``n`` buckets (a 64-bit key from SHA-256)."""
    key = int.from_bytes(hashlib.sha256(page.encode("utf-8")).digest()[:8], "big")
    b, j = -1, 0
    while j < n:
        b = j
        key = (key * 2862933555777941757 + 1) & 0xFFFFFFFFFFFFFFFF
        j = int((b + 1) * ((1 << 31) / ((key >> 33) + 1)))
    return b


def plan(docs: Path, size: int) -> list[Shard]:
    """The builds that make the site: one (``all``) for a corpus within ``size``, else the main
    shard and ``n`` document shards."""
    pages = document_pages(docs)
    n = count(len(pages), size)
    if n == 1:
        return [Shard("all", "exclude", ())]
    groups: list[list[str]] = [[] for _ in range(n)]
    for page in pages:
        groups[shard_of(page, n)].append(page)
    return [Shard("main", "exclude", tuple(pages))] + [
        Shard(f"d{k}", "include", tuple(group)) for k, group in enumerate(groups)
    ]
