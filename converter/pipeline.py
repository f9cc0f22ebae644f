"""Runs the stages over a folder of sources and writes docs/.

read -> clean -> split -> extract per source (independent, so they can run in parallel),
then link over all documents, then render and write. Writing only touches files whose
content changed, and removes generated pages whose source is gone.
"""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from . import crosslinks, site
from .clean import clean
from .extract import extract
from .link import Corpus, link
from .model import PolicyDocument, SourceError
from .read import list_sources, read_source
from .render import render
from .split import split

GENERATED = (site.POLICY_DIR, "browse")  # folders under docs/ the converter owns entirely


@dataclass
class Result:
    docs: list[PolicyDocument] = field(default_factory=list)
    problems: list[SourceError] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)
    corpus: Corpus | None = None


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


def convert_many(paths: list[Path], root: Path, jobs: int = 1) -> Result:
    result = Result()
    if jobs > 1 and len(paths) > 1:
        with ProcessPoolExecutor(jobs) as pool:
            outcomes = list(pool.map(convert_source, paths, [root] * len(paths), chunksize=16))
    else:
        outcomes = [convert_source(p, root) for p in paths]
    for docs, problems in outcomes:
        result.docs += docs
        result.problems += problems
    return result


def pages(corpus: Corpus) -> dict[str, str]:
    """Every generated page: relative path under docs/ -> Markdown."""
    out = {f"{site.POLICY_DIR}/{d.slug}.md": render(d, crosslinks.link_section(d, corpus)) for d in corpus.docs}
    out.update(site.index_pages(corpus))
    return out


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


def build(sources: Path, out_dir: Path, root: Path, jobs: int = 1, owned: tuple[str, ...] = GENERATED) -> Result:
    result = convert_many(list_sources(sources), root, jobs)
    corpus = link(result.docs)
    result.docs, result.corpus = corpus.docs, corpus
    result.written, result.removed = write_pages(out_dir, pages(corpus), owned)
    return result
