"""The linked test corpus: the bundled samples plus tests/fixtures/linked/, converted once."""

from __future__ import annotations

import shutil
from functools import cache
from pathlib import Path

from converter.link.corpus import Corpus, link
from converter.model import Citation, CleaningRecord, PolicyDocument, SourceInfo
from converter.pipeline import convert_source
from converter.read.source import list_sources
from tests.support import ROOT, SOURCES

LINKED = ROOT / "tests" / "fixtures" / "linked"


def source_paths(without: tuple[str, ...] = ()) -> list[Path]:
    paths = list_sources(SOURCES) + list_sources(LINKED)
    return [p for p in paths if p.name not in without]


@cache
def _converted(path: Path) -> tuple[PolicyDocument, ...]:
    docs, problems = convert_source(path, ROOT)
    assert not problems, problems
    return tuple(docs)


def corpus(without: tuple[str, ...] = ()) -> Corpus:
    """A fresh Corpus (link() renames slugs in place, so documents are copied)."""
    import copy

    docs = [copy.deepcopy(d) for p in source_paths(without) for d in _converted(p)]
    return link(docs)


def copy_sources(dest: Path, without: tuple[str, ...] = ()) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    for p in source_paths(without):
        shutil.copy2(p, dest / p.name)
        side = p.with_name(p.stem + ".meta.yml")
        if side.exists():
            shutil.copy2(side, dest / side.name)
    return dest


def doc(slug: str, title: str, number: str | None = None, cites: list[Citation] | None = None, date: str | None = None) -> PolicyDocument:
    """A minimal document for resolution tests that need no source file."""
    return PolicyDocument(
        slug=slug, title=title, doc_number=number, issuers=[], written_date=date, publish_date=None,
        region=None, level=None, doc_type=None, source=SourceInfo(file=f"sources/{slug}.txt", sha256="0" * 64),
        cites=cites or [], blocks=[], record=CleaningRecord(),
    )
