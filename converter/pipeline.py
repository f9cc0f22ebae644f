"""Runs the stages over a folder of sources and writes docs/.

read -> clean -> split -> extract per source (independent, so they can run in parallel),
then link over all documents, then render and write. Writing only touches files whose
content changed, and removes generated pages whose source is gone. With a cache folder,
a source whose bytes, sidecar and converter are unchanged is not converted again
(converter/cache.py), so adding one page to a large corpus re-converts only that page.
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from . import cache, crosslinks, graph, guide, site, timeline
from .clean import clean
from .extract import extract
from .link import Corpus, link
from .model import PolicyDocument, SourceError
from .read import list_sources, read_source
from .render import render
from .split import split

GENERATED = (site.POLICY_DIR, "browse", crosslinks.CITED_DIR)  # folders under docs/ the converter owns entirely


@dataclass
class Result:
    docs: list[PolicyDocument] = field(default_factory=list)
    problems: list[SourceError] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)
    corpus: Corpus | None = None
    converted: list[Path] = field(default_factory=list)  # sources converted (not taken from the cache)
    cached: int = 0  # sources taken from the cache


def convert_source(path: Path, root: Path) -> tuple[list[PolicyDocument], list[SourceError]]:
    """One source file -> its documents, and the problems of the ones that failed."""
    try:
        raw = read_source(path, root)
        docs, problems = [], []
        for doc_text in split(clean(raw)):
            try:
                docs.append(extract(doc_text))
            except SourceError as exc:
                problems.append(exc)
        return docs, problems
    except SourceError as exc:
        return [], [exc]
    except Exception as exc:  # a bug must not stop the batch; it is reported with the file
        rel = path.name
        return [], [SourceError(rel, f"converter error: {type(exc).__name__}: {exc}")]


Outcome = tuple[list[PolicyDocument], list[tuple[str, str]]]


def _convert_plain(path: Path, root: Path) -> Outcome:
    """convert_source with problems as (file, reason) pairs, which pickle (SourceError does not)."""
    docs, problems = convert_source(path, root)
    return docs, [(p.file, p.reason) for p in problems]


def convert_many(paths: list[Path], root: Path, jobs: int = 1, cache_dir: Path | None = None) -> Result:
    """Convert sources in order; ``jobs`` > 1 uses worker processes (same output as one process).
    With ``cache_dir``, unchanged sources come from the cache and only the rest are converted."""
    result = Result()
    outcomes: list[Outcome | None] = [None] * len(paths)
    keys: list[str] = [""] * len(paths)
    if cache_dir is not None:
        version = cache.converter_version()
        for i, path in enumerate(paths):
            keys[i] = cache.source_key(path, root, version)
            outcomes[i] = cache.load(cache_dir, keys[i])
    todo = [i for i, o in enumerate(outcomes) if o is None]
    result.cached = len(paths) - len(todo)
    result.converted = [paths[i] for i in todo]
    if jobs > 1 and len(todo) > 1:
        # Results come back in input order, so the output is the same as with one process.
        chunk = max(1, min(64, len(todo) // (jobs * 4)))
        with ProcessPoolExecutor(jobs) as pool:
            fresh = list(pool.map(_convert_plain, [paths[i] for i in todo], [root] * len(todo), chunksize=chunk))
    else:
        fresh = [_convert_plain(paths[i], root) for i in todo]
    for i, outcome in zip(todo, fresh):
        outcomes[i] = outcome
        if cache_dir is not None:
            cache.store(cache_dir, keys[i], outcome)
    for docs, problems in outcomes:
        result.docs += docs
        result.problems += [SourceError(f, r) for f, r in problems]
    return result


def render_page(d: PolicyDocument, corpus: Corpus) -> str:
    return render(d, crosslinks.link_section(d, corpus), linker=crosslinks.linker_for(d, corpus))


# Rendering every page is most of a rebuild from the cache; with -j, worker processes forked
# after linking (so they share the corpus without pickling it) render slices of the documents.
PARALLEL_RENDER_MIN = 500
_FORKED_CORPUS: Corpus | None = None


def _render_slice(bounds: tuple[int, int]) -> list[str]:
    corpus = _FORKED_CORPUS
    assert corpus is not None
    return [render_page(d, corpus) for d in corpus.docs[bounds[0] : bounds[1]]]


def render_pages(corpus: Corpus, jobs: int = 1) -> list[str]:
    """Each document's page, in corpus order; the same text whichever way it is computed."""
    global _FORKED_CORPUS
    docs = corpus.docs
    if jobs <= 1 or len(docs) < PARALLEL_RENDER_MIN or "fork" not in multiprocessing.get_all_start_methods():
        return [render_page(d, corpus) for d in docs]
    step = -(-len(docs) // (jobs * 4))
    _FORKED_CORPUS = corpus
    try:
        with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork")) as pool:
            parts = pool.map(_render_slice, [(i, i + step) for i in range(0, len(docs), step)])
            return [text for part in parts for text in part]
    finally:
        _FORKED_CORPUS = None


def pages(corpus: Corpus, jobs: int = 1) -> dict[str, str]:
    """Every generated page: relative path under docs/ -> Markdown."""
    out = {f"{site.POLICY_DIR}/{d.slug}.md": text for d, text in zip(corpus.docs, render_pages(corpus, jobs))}
    out.update(site.index_pages(corpus))
    out.update(crosslinks.pages(corpus))  # stubs of cited-but-missing documents, 待收录
    out.update(timeline.pages(corpus))
    out.update(graph.pages(corpus))  # data/documents.json
    return out


def all_pages(corpus: Corpus, root: Path, jobs: int = 1) -> dict[str, str]:
    """Everything ``build`` writes: ``pages`` plus the contributor guide copied from the project root."""
    return {**pages(corpus, jobs), **guide.pages(root)}


def write_pages(out_dir: Path, generated: dict[str, str], owned: tuple[str, ...] = GENERATED) -> tuple[list[Path], list[Path]]:
    written, removed = [], []
    root = out_dir.resolve()
    for rel, text in sorted(generated.items()):
        target = (root / rel).resolve()
        if not target.is_relative_to(root):  # a slug can never climb out of docs/
            raise ValueError(f"refusing to write outside {root}: {rel}")
        data = text.encode("utf-8")
        if target.exists() and target.read_bytes() == data:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(target.name + ".tmp")
        tmp.write_bytes(data)
        tmp.replace(target)
        written.append(target)
    keep = {(root / rel).resolve() for rel in generated}
    for folder in owned:
        for old in sorted((root / folder).glob("**/*.md")) if (root / folder).exists() else []:
            if old.resolve() not in keep:
                old.unlink()
                removed.append(old)
    return written, removed


def build(
    sources: Path, out_dir: Path, root: Path, jobs: int = 1, owned: tuple[str, ...] = GENERATED,
    cache_dir: Path | None = None,
) -> Result:
    result = convert_many(list_sources(sources), root, jobs, cache_dir)
    corpus = link(result.docs)
    result.docs, result.corpus = corpus.docs, corpus
    result.written, result.removed = write_pages(out_dir, all_pages(corpus, root, jobs), owned)
    return result
