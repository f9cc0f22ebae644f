"""Runs the stages over a folder of sources and writes docs/.

read -> clean -> split -> extract per source (independent, so they can run in parallel),
then link over all documents, then render and write. Writing only touches files whose
content changed, and removes generated pages whose source is gone. With a cache folder,
a source whose bytes, sidecar and converter are unchanged is not converted again
(converter/runtime/cache.py), so adding one page to a large corpus re-converts only that page.
"""

from __future__ import annotations

import contextlib
import hashlib
import multiprocessing
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from converter.clean.steps import clean
from converter.extract.document import extract
from converter.link import graph
from converter.link.corpus import Corpus, link
from converter.model import PolicyDocument, SourceError
from converter.read import attachments, formats
from converter.read.source import list_sources, read_source
from converter.render import compare, crosslinks, guide, statuspages, timeline
from converter.render import sitepages as site
from converter.render.page import render
from converter.runtime import cache, executors, lock, procs
from converter.runtime.executors import workers
from converter.search import index as search
from converter.split.documents import split

# Files under docs/ the converter owns entirely: one it no longer generates is deleted (a page
# whose source is gone, a year's 文号 table whose documents are gone).
GENERATED = (
    f"{site.POLICY_DIR}/**/*.md", "browse/**/*.md", f"{crosslinks.CITED_DIR}/**/*.md", f"{search.DOC_NUMBERS}/*.json",
    f"{compare.COMPARE_DIR}/**/*.md",
    f"{attachments.DOWNLOAD_DIR}/**/*",
)


def owned_files(out_dir: Path, owned: tuple[str, ...] = GENERATED) -> list[Path]:
    """The files under ``out_dir`` matching the ``owned`` patterns, sorted."""
    return sorted({f for pattern in owned for f in out_dir.glob(pattern) if f.is_file()})


@dataclass
class Result:
    docs: list[PolicyDocument] = field(default_factory=list)
    problems: list[SourceError] = field(default_factory=list)
    # Attachments that could not be read: reported, but their page is built (its link to the
    # original address stays), so they do not fail the build.
    attachment_problems: list[SourceError] = field(default_factory=list)
    notices: list[SourceError] = field(default_factory=list)  # pages that are no document (kind set)
    written: list[Path] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)
    corpus: Corpus | None = None
    converted: list[Path] = field(default_factory=list)  # sources converted (not taken from the cache)
    cached: int = 0  # sources taken from the cache


# Seconds one source may take to convert (a normal page takes well under one): a page built to
# be slow is reported as that file's error instead of holding the batch up.
TIME_BUDGET = 60.0


def convert_source(
    path: Path, root: Path, budget: float | None = None
) -> tuple[list[PolicyDocument], list[SourceError]]:
    """One source file -> its documents, and the problems of the ones that failed; a source
    taking longer than ``budget`` seconds is stopped and is one problem."""
    budget = formats.budget_for(path, budget)
    try:
        # The signal in the main thread (one process, pool workers), a timer in a Dask worker's.
        with procs.time_budget(budget), executors.thread_budget(budget):
            return _convert_source(path, root)
    except procs.TimeBudgetExceeded:
        return [], [SourceError(_rel_name(path, root), procs.budget_message(budget or 0))]


def _rel_name(path: Path, root: Path) -> str:
    """The name read_source gives the file in its errors."""
    path, root = path.resolve(), root.resolve()
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else path.as_posix()


def _convert_source(path: Path, root: Path) -> tuple[list[PolicyDocument], list[SourceError]]:
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
        return [], [SourceError(_rel_name(path, root), f"converter error: {type(exc).__name__}: {exc}")]


Outcome = tuple[list[PolicyDocument], list[tuple[str, str, str | None]]]


def _convert_plain(path: Path, root: Path, budget: float | None = TIME_BUDGET) -> Outcome:
    """convert_source with problems as (file, reason, kind) triples, which pickle (SourceError does not)."""
    docs, problems = convert_source(path, root, budget)
    return docs, [(p.file, p.reason, p.kind) for p in problems]


def _over_budget(outcome: Outcome, budget: float | None) -> bool:
    """A source stopped by its time budget: not cached (a later build with more time converts it)."""
    return bool(budget) and any(r == procs.budget_message(budget or 0) for _, r, _kind in outcome[1])


def convert_many(
    paths: list[Path], root: Path, jobs: int = 1, cache_dir: Path | None = None, budget: float | None = TIME_BUDGET,
    refresh: bool = False, executor: str = executors.LOCAL,
) -> Result:
    """Convert sources in order; ``jobs`` > 1 uses worker processes (same output as one process).
    With ``cache_dir``, unchanged sources come from the cache and only the rest are converted;
    ``refresh``: nothing is taken from the cache, every entry is written again.
    ``budget``: seconds each source may take (None: no limit). ``executor``: where the sources
    to convert are converted, ``local`` (here, with ``jobs`` processes), ``dask`` (a local Dask
    cluster of ``jobs`` workers) or a Dask scheduler's address (converter/runtime/executors.py)."""
    executors.check(executor)
    result = Result()
    outcomes: list[Outcome | None] = [None] * len(paths)
    keys: list[str] = [""] * len(paths)
    if cache_dir is not None:
        version = cache.converter_version()
        parents: dict[Path, Path] = {}
        digests = cache.Digests(cache_dir, fresh=refresh)
        for i, path in enumerate(paths):
            keys[i] = cache.source_key(path, root, version, parents, digests)
            outcomes[i] = None if refresh else cache.load(cache_dir, keys[i])
        digests.save()
    todo = [i for i, o in enumerate(outcomes) if o is None]
    result.cached = len(paths) - len(todo)
    result.converted = [paths[i] for i in todo]
    # Results come back in input order, so the output is the same as with one process.
    fresh = executors.convert_all(_convert_plain, [paths[i] for i in todo], root, budget, executor, jobs)
    for i, outcome in zip(todo, fresh):
        outcomes[i] = outcome
        if cache_dir is not None and not _over_budget(outcome, budget):
            cache.store(cache_dir, keys[i], outcome)
    for i, entry in enumerate(outcomes):
        assert entry is not None  # every source was converted or taken from the cache
        docs, problems = entry
        if cache_dir is not None:
            for n, d in enumerate(docs):
                d.key = f"{keys[i]}:{n}"
        result.docs += docs
        for f, r, kind in problems:
            (result.notices if kind else result.problems).append(SourceError(f, r, kind))
    return result


def convert_sources(
    paths: list[Path], root: Path, jobs: int = 1, cache_dir: Path | None = None, budget: float | None = TIME_BUDGET,
    refresh: bool = False, executor: str = executors.LOCAL,
) -> Result:
    """``convert_many`` over pages and their attachments (NAME.attachments/), an attachment that
    is its page's document put in the page's place (converter/read/attachments.py)."""
    result = convert_many(attachments.with_attachments(paths), root, jobs, cache_dir, budget, refresh=refresh, executor=executor)
    attachments.promote(result)
    result.attachment_problems = [p for p in result.problems if attachments.is_attachment_file(p.file)]
    result.problems = [p for p in result.problems if not attachments.is_attachment_file(p.file)]
    return result


def render_page(d: PolicyDocument, corpus: Corpus, links: list[str] | None = None) -> str:
    if links is None:
        links = crosslinks.link_section(d, corpus)
    return render(d, links, linker=crosslinks.linker_for(d, corpus))


def page_key(doc_key: str, d: PolicyDocument, corpus: Corpus, links: list[str]) -> str:
    """Everything a document's page depends on: the converted document (its source's cache key,
    which covers the converter's code, and its place in that source), its slug after linking,
    the exact 本文引用/被引用/政策脉络 lines, and what the in-text linker links each citation to."""
    targets = [(e.citation.doc_number, e.citation.title, crosslinks.page_of(e)) for e in corpus.outgoing(d.slug)]
    # The status and relations (dataclasses: their repr is their content), and the status
    # badges of the documents the link lines name.
    # Links to attachments' pages and originals are set after conversion, from the other sources.
    files = [(b.kind, b.target, b.download) for b in d.blocks if b.kind in ("attachment", "parent", "download")]
    # ...and so is what an attachment takes from its page (converter/attachments._as_attachment).
    inherited = (d.doc_type, d.issuers, d.publish_date, d.warnings)
    return hashlib.sha256(repr((doc_key, d.slug, links, targets, d.validity, files, inherited)).encode("utf-8")).hexdigest()


# Rendering every page is most of a rebuild from the cache; with -j, worker processes forked
# after linking (so they share the corpus without pickling it) render slices of the documents.
PARALLEL_RENDER_MIN = 500
_FORKED_CORPUS: Corpus | None = None


_FORKED_ONLY: list[int] = []


def _render_slice(bounds: tuple[int, int]) -> list[str]:
    corpus = _FORKED_CORPUS
    assert corpus is not None
    return [render_page(corpus.docs[i], corpus) for i in _FORKED_ONLY[bounds[0] : bounds[1]]]


def render_pages(corpus: Corpus, jobs: int = 1, only: list[int] | None = None) -> list[str]:
    """Each document's page, in corpus order (or of the documents at positions ``only``);
    the same text whichever way it is computed."""
    global _FORKED_CORPUS, _FORKED_ONLY
    docs = corpus.docs
    todo = list(range(len(docs))) if only is None else only
    if jobs <= 1 or len(todo) < PARALLEL_RENDER_MIN or "fork" not in multiprocessing.get_all_start_methods():
        return [render_page(docs[i], corpus) for i in todo]
    step = -(-len(todo) // (jobs * 4))
    _FORKED_CORPUS, _FORKED_ONLY = corpus, todo
    try:
        with workers(jobs, mp_context=multiprocessing.get_context("fork")) as pool:
            parts = pool.map(_render_slice, [(i, i + step) for i in range(0, len(todo), step)])
            return [text for part in parts for text in part]
    finally:
        _FORKED_CORPUS, _FORKED_ONLY = None, []


@dataclass
class Rendered:
    """The document pages of a build with a cache: their texts (None for a page kept as it is
    in docs/), their page keys (None for a document without a cache key), the kept pages' stamps."""

    texts: list[str | None]
    keys: list[str | None]
    kept: dict[str, cache.PageStamp]

    def stamps(self, corpus: Corpus, out_dir: Path) -> dict[str, cache.PageStamp]:
        """The manifest after writing: the kept pages, and the stamp of each page written now."""
        out = dict(self.kept)
        for d, key, text in zip(corpus.docs, self.keys, self.texts):
            if key is not None and text is not None and (now := cache.stamp(out_dir, site.page_path(d))):
                out[key] = now
        return out


def render_reusing(corpus: Corpus, cache_dir: Path, out_dir: Path, jobs: int = 1, refresh: bool = False) -> Rendered:
    """``render_pages``, but a page whose inputs (``page_key``) are those of the page the last
    build wrote to ``out_dir``, and whose file there is as that build left it (size, mtime,
    inode), is neither rendered nor read: adding one source to a large corpus renders only the
    pages whose cross-links or timeline it changes (``refresh``: every page is rendered)."""
    previous = {} if refresh else cache.load_manifest(cache_dir, out_dir)
    done = Rendered([None] * len(corpus.docs), [None] * len(corpus.docs), {})
    todo: list[int] = []
    for i, d in enumerate(corpus.docs):
        if d.key is not None:
            key = done.keys[i] = page_key(d.key, d, corpus, crosslinks.link_section(d, corpus))
            was = previous.get(key)
            if was is not None and was[0] == site.page_path(d) and cache.stamp(out_dir, was[0]) == was:
                done.kept[key] = was
                continue
        todo.append(i)
    for i, text in zip(todo, render_pages(corpus, jobs, todo)):
        done.texts[i] = text
    return done


def pages(corpus: Corpus, jobs: int = 1, rendered: list[str | None] | None = None) -> dict[str, str]:
    """Every generated page: relative path under docs/ -> Markdown (``rendered``: the document
    pages, when already computed; None for one kept as it is in docs/, which is left out)."""
    texts: list[str | None] = list(render_pages(corpus, jobs)) if rendered is None else rendered
    out = {site.page_path(d): text for d, text in zip(corpus.docs, texts) if text is not None}
    out.update(site.index_pages(corpus))
    out.update(crosslinks.pages(corpus))  # stubs of cited-but-missing documents, 待收录
    out.update(timeline.pages(corpus))
    out.update(graph.pages(corpus))  # data/documents.json
    out.update(statuspages.pages(corpus))  # browse by status, expiring soon, feed of status changes
    out.update(compare.pages(corpus))  # 修订前后对照
    return out


def all_pages(
    corpus: Corpus, root: Path, jobs: int = 1, rendered: list[str | None] | None = None, names: Path | None = None,
) -> dict[str, str | bytes]:
    """Everything ``build`` writes: ``pages``, the contributor guide copied from the project root,
    and the attachments' original files offered for download (found under ``names``, the folder
    the sources are named from: names_root)."""
    originals = attachments.downloads(corpus.docs, names or root)
    return {**pages(corpus, jobs, rendered), **guide.pages(root), **originals}


def write_pages(
    out_dir: Path, generated: dict[str, str] | dict[str, str | bytes], owned: tuple[str, ...] = GENERATED,
    kept: tuple[str, ...] = (),
) -> tuple[list[Path], list[Path]]:
    """Write what changed of ``generated`` and remove the owned files no longer generated;
    ``kept``: generated files left as they are (not rewritten, not removed)."""
    written, removed = [], []
    root = out_dir.resolve()
    parents: dict[Path, Path] = {}
    targets = {rel: cache.resolve(root / rel, parents) for rel in generated}
    for rel, text in sorted(generated.items()):
        target = targets[rel]
        if not target.is_relative_to(root):  # a slug can never climb out of docs/
            raise ValueError(f"refusing to write outside {root}: {rel}")
        data = text.encode("utf-8") if isinstance(text, str) else text
        if target.exists() and target.read_bytes() == data:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        # A name no other process uses (a hidden file, so no glob of pages ever sees it).
        tmp = target.with_name(f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
        try:
            tmp.write_bytes(data)
            tmp.replace(target)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        written.append(target)
    keep = set(targets.values()) | {cache.resolve(root / rel, parents) for rel in kept}
    for old in owned_files(root, owned):
        if cache.resolve(old, parents) not in keep:
            old.unlink()
            removed.append(old)
    return written, removed


def build(
    sources: Path, out_dir: Path, root: Path, jobs: int = 1, owned: tuple[str, ...] = GENERATED,
    cache_dir: Path | None = None, as_of: str | None = None, budget: float | None = TIME_BUDGET, refresh: bool = False,
    executor: str = executors.LOCAL,
) -> Result:
    """``as_of``: the reference date of statuses (default: the recorded one, status.recorded_as_of);
    ``budget``: seconds each source may take to convert; ``refresh`` (``build --no-cache``):
    convert and render everything, and rewrite the cache; ``executor``: where sources are
    converted (``convert_many``). Raises lock.Busy when another build holds ``out_dir``,
    executors.SpecError for an ``executor`` that names none, executors.Unavailable when it cannot run."""
    executors.check(executor)
    with lock.folder_lock(out_dir):
        _sweep_temporaries(out_dir)
        return _build(sources, out_dir, root, jobs, owned, cache_dir, as_of, budget, refresh, executor)


def _sweep_temporaries(out_dir: Path) -> None:
    """Temporary files of a build that was killed (SIGKILL leaves them): with the lock held,
    no other build is writing them."""
    for tmp in out_dir.glob("**/.*.*.tmp"):
        with contextlib.suppress(OSError):
            tmp.unlink()


def names_root(folders: list[Path], root: Path) -> Path:
    """The folder a source's ``source.file`` is named from: the project ``root`` when every
    one of ``folders`` is inside it (``sources/x.html``), else the parent of the folders' common
    folder (``raw/x.html`` for ../shared/corpus/raw), never an absolute path: the output must not
    depend on where the checkout or the corpus lies on this machine."""
    resolved = [f.resolve() for f in folders]
    root = root.resolve()
    if all(f.is_relative_to(root) for f in resolved):
        return root
    return Path(os.path.commonpath(resolved)).parent if resolved else root


def _build(
    sources: Path, out_dir: Path, root: Path, jobs: int, owned: tuple[str, ...], cache_dir: Path | None,
    as_of: str | None, budget: float | None, refresh: bool, executor: str = executors.LOCAL,
) -> Result:
    names = names_root([sources], root)
    result = convert_sources(list_sources(sources), names, jobs, cache_dir, budget, refresh=refresh, executor=executor)
    corpus = link(result.docs, as_of)
    result.docs, result.corpus = corpus.docs, corpus
    if cache_dir is None:
        result.written, result.removed = write_pages(out_dir, all_pages(corpus, root, jobs, None, names), owned)
        return result
    rendered = render_reusing(corpus, cache_dir, out_dir, jobs, refresh)
    generated = all_pages(corpus, root, jobs, rendered.texts, names)
    result.written, result.removed = write_pages(out_dir, generated, owned, tuple(v[0] for v in rendered.kept.values()))
    cache.store_manifest(cache_dir, out_dir, rendered.stamps(corpus, out_dir))
    return result
