"""docs/ -> site/: MkDocs builds (one, or one per shard), merged, then the search indexes.

A corpus within SHARD_SIZE documents is one strict MkDocs build, as always. A larger one is
built as shards (converter/publish/shards.py): the main shard and each document shard are
separate strict MkDocs runs over the same docs/ (the hook converter/hooks/shards.py builds
only the shard's pages, links to the others resolve to their URLs), up to ``jobs`` at once,
each into its own folder under the cache. A shard whose inputs (its pages' bytes, the site's
configuration, templates, hooks and the MkDocs and Material versions) are unchanged is not
built again. The shards' pages are then linked (hard links) into site/, the sitemap merged in
a single build's order, and the 404 page fixed up over the merged site. Search: the substring
index over the merged site (one index, the same as for a single build) and a Pagefind bundle
per document shard, which the search box merges in the browser (``mergeIndex``).
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from converter.publish.shards import Shard, plan, shard_size
from converter.runtime import procs

# Written by each build but made once for the merged site.
MERGED = ("sitemap.xml", "sitemap.xml.gz", "404.html")
_URL_BLOCK = re.compile(r"\s*<url>.*?</url>", re.S)
_LOC = re.compile(r"<loc>([^<]*)</loc>")


@dataclass
class Report:
    shards: list[str] = field(default_factory=list)
    built: list[str] = field(default_factory=list)  # shards built this run (others unchanged)
    seconds: dict[str, float] = field(default_factory=dict)  # MkDocs wall time per built shard
    # Pages each built document shard built: all of them, or only those changed since its last build.
    pages: dict[str, int] = field(default_factory=dict)
    index_seconds: float = 0.0  # the search indexes, in all
    pagefind_seconds: float = 0.0  # of which the shards' Pagefind bundles


class BuildFailed(Exception):
    """A MkDocs build of a shard failed; the message names the shard and holds MkDocs' output."""


def _config_paths(config: Path) -> list[Path]:
    """The files besides the pages that a page's HTML depends on."""
    root = config.parent
    out = [config]
    for folder in ("overrides", "converter/hooks"):
        out += sorted(p for p in (root / folder).rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    return out


def _base_key(shard: Shard, config: Path) -> str:
    """What every page of a shard depends on besides its own bytes: the configuration and
    templates, the tool versions, the environment MkDocs reads (SOURCE_DATE_EPOCH, SITE_URL)."""
    h = hashlib.sha256()
    for name in ("mkdocs", "mkdocs-material", "Markdown", "pymdown-extensions"):
        h.update(f"{name}={metadata.version(name)}\0".encode())
    for var in ("SOURCE_DATE_EPOCH", "SITE_URL"):
        h.update(f"{var}={os.environ.get(var, '')}\0".encode())
    for path in _config_paths(config):
        h.update(path.relative_to(config.parent).as_posix().encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    h.update(f"{shard.name}\0{shard.mode}\0".encode())
    return h.hexdigest()


def _page_digests(shard: Shard, docs: Path) -> dict[str, str]:
    """Each page of the shard (for the main shard, every other file of docs/) -> SHA-256 of its bytes."""
    if shard.mode == "include":
        pages = list(shard.pages)
    else:
        skip = set(shard.pages)
        pages = sorted(rel for p in docs.rglob("*") if p.is_file() and (rel := p.relative_to(docs).as_posix()) not in skip)
    return {rel: hashlib.sha256((docs / rel).read_bytes()).hexdigest() for rel in pages}


def _key_of(base: str, digests: dict[str, str]) -> str:
    h = hashlib.sha256(base.encode())
    for rel, digest in digests.items():
        h.update(rel.encode() + b"\0" + bytes.fromhex(digest))
    return h.hexdigest()


def page_output(rel: str) -> str:
    """The file MkDocs writes for the page ``rel`` (directory URLs): a/b.md -> a/b/index.html."""
    stem = rel.removesuffix(".md")
    return f"{stem.removesuffix('index')}index.html" if stem == "index" or stem.endswith("/index") else f"{stem}/index.html"


def _page_url(rel: str) -> str:
    return page_output(rel).removesuffix("index.html")


@dataclass
class _Delta:
    """A document shard built before, whose configuration is unchanged: only the pages whose
    bytes changed (or that are new) are built again, and the pages gone are removed. A page's
    HTML depends only on its own Markdown, the configuration and which pages exist (the shards
    already rely on this: a page is the same whichever shard builds it). Links to a page taken
    away are checked again in the pages that changed: the converter rewrites every page that
    linked to it, as it rewrites their shards' pages in a whole build."""

    changed: list[str]
    removed: list[str]


def _delta(shard: Shard, work: Path, base: str, digests: dict[str, str]) -> _Delta | None:
    """What changed in a document shard since its last build, or None when it must be built whole."""
    manifest = work / f"{shard.name}.pages.json"
    if shard.mode != "include" or not (work / shard.name).is_dir() or not manifest.is_file():
        return None
    try:
        before = json.loads(manifest.read_text(encoding="utf-8"))
        if before.get("base") != base or not isinstance(before.get("pages"), dict):
            return None
        pages: dict[str, str] = before["pages"]
    except (ValueError, OSError):
        return None  # a damaged manifest: the shard is built whole
    changed = [rel for rel, digest in digests.items() if pages.get(rel) != digest]
    return _Delta(changed, sorted(set(pages) - set(digests)))


def _apply_delta(shard: Shard, work: Path, delta: _Delta, built: Path | None) -> None:
    """The delta build's pages (in ``built``) into the shard's output, the removed pages' files
    taken out, and the shard's sitemap updated (the merged sitemap is sorted again anyway)."""
    out = work / shard.name
    for rel in delta.removed:
        (out / page_output(rel)).unlink(missing_ok=True)
    head, blocks = _sitemap(out)
    gone = {_page_url(rel) for rel in (*delta.changed, *delta.removed)}
    blocks = [b for b in blocks if _sitemap_url(b) not in gone]
    if built is not None:
        for path in sorted(built.rglob("*")):
            rel = path.relative_to(built).as_posix()
            if path.is_file() and rel not in MERGED:
                (out / rel).parent.mkdir(parents=True, exist_ok=True)
                os.replace(path, out / rel)
        new_head, new_blocks = _sitemap(built)
        head, blocks = head or new_head, blocks + new_blocks
        shutil.rmtree(built)
    if head:
        (out / "sitemap.xml").write_text(head + "".join(blocks) + _SITEMAP_TAIL, encoding="utf-8")
    (out / "sitemap.xml.gz").unlink(missing_ok=True)  # only the main shard's is used (for its mtime)


def _mkdocs(config: Path, docs: Path, out: Path, selection: Path | None, log: Path) -> subprocess.Popen:
    """A strict MkDocs build of ``docs`` into ``out`` (only ``selection``'s pages, when given),
    its output in ``log`` (a file, not a pipe: builds run side by side and are waited for as
    each ends)."""
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    env.pop("POLICY_SHARD", None)
    if selection is not None:
        env["POLICY_SHARD"] = str(selection)
    # MkDocs' own command line sets up its log; called as a function, its warnings (the reason a
    # strict build stops) would go nowhere, so they are printed as `mkdocs build` prints them.
    code = ("import logging, sys\nfrom mkdocs.commands.build import build\nfrom mkdocs.config import load_config\n"
            "log = logging.StreamHandler(sys.stdout)\nlog.setFormatter(logging.Formatter('%(levelname)-7s -  %(message)s'))\n"
            "logging.getLogger('mkdocs').addHandler(log)\nlogging.getLogger('mkdocs').setLevel(logging.WARNING)\n"
            "build(load_config(config_file=sys.argv[1], docs_dir=sys.argv[2], site_dir=sys.argv[3], strict=True))\n")
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "wb") as sink:
        return subprocess.Popen(
            [sys.executable, "-c", code, str(config), str(docs), str(out)], env=env, cwd=config.parent,
            stdout=sink, stderr=subprocess.STDOUT,
            preexec_fn=functools.partial(procs.exec_child_dies_with, os.getpid()),
        )


def _tail(log: Path) -> str:
    return log.read_text(encoding="utf-8", errors="replace")[-4000:] if log.is_file() else ""


def build_shards(shards: list[Shard], docs: Path, config: Path, work: Path, jobs: int, report: Report) -> None:
    """Build every shard whose key changed into ``work/<name>``, ``jobs`` at a time: a document
    shard whose configuration is unchanged only for its changed pages (``_Delta``)."""
    work.mkdir(parents=True, exist_ok=True)
    todo = []
    for shard in shards:
        base, digests = _base_key(shard, config), _page_digests(shard, docs)
        key = _key_of(base, digests)
        out = work / shard.name
        if (work / f"{shard.name}.key").is_file() and (work / f"{shard.name}.key").read_text() == key and out.is_dir():
            if shard.mode == "include" and not (work / f"{shard.name}.pages.json").is_file():  # a cache from before manifests
                (work / f"{shard.name}.pages.json").write_text(json.dumps({"base": base, "pages": digests}), encoding="utf-8")
            continue
        delta = _delta(shard, work, base, digests)
        # Until the build ends, the shard's output is not what either key describes.
        (work / f"{shard.name}.key").unlink(missing_ok=True)
        (work / f"{shard.name}.pages.json").unlink(missing_ok=True)
        selection, target = None, out
        if delta is not None:
            selection = work / f"{shard.name}.delta.json"
            selection.write_text(json.dumps({"include": delta.changed}, ensure_ascii=False), encoding="utf-8")
            target = work / f"{shard.name}.delta"
            shutil.rmtree(target, ignore_errors=True)
        elif shard.name != "all":
            selection = work / f"{shard.name}.json"
            selection.write_text(json.dumps({shard.mode: list(shard.pages)}, ensure_ascii=False), encoding="utf-8")
        manifest = {"base": base, "pages": digests} if shard.mode == "include" else None
        todo.append((shard, key, target, selection, delta, manifest))
    running: list[tuple[Shard, str, Path, _Delta | None, dict | None, subprocess.Popen | None, float]] = []
    try:
        while todo or running:
            while todo and len(running) < max(1, jobs):
                shard, key, target, selection, delta, manifest = todo.pop(0)
                # A delta of removed pages only needs no MkDocs run.
                proc = None if delta is not None and not delta.changed else _mkdocs(config, docs, target, selection, work / f"{shard.name}.log")
                running.append((shard, key, target, delta, manifest, proc, time.monotonic()))
            done = [r for r in running if r[5] is None or r[5].poll() is not None]
            if not done:  # the first build to end frees its slot, whichever it is
                time.sleep(0.1)
                continue
            for entry in done:
                running.remove(entry)
                shard, key, target, delta, manifest, proc, start = entry
                if proc is not None and proc.returncode != 0:
                    raise BuildFailed(f"MkDocs failed on shard {shard.name}:\n{_tail(work / f'{shard.name}.log')}")
                if delta is not None:
                    _apply_delta(shard, work, delta, target if proc is not None else None)
                if manifest is not None:
                    (work / f"{shard.name}.pages.json").write_text(json.dumps(manifest), encoding="utf-8")
                (work / f"{shard.name}.key").write_text(key)
                report.built.append(shard.name)
                report.seconds[shard.name] = round(time.monotonic() - start, 2)
                if manifest is not None:
                    report.pages[shard.name] = len(delta.changed) if delta is not None else len(manifest["pages"])
        order = {s.name: i for i, s in enumerate(shards)}
        report.built.sort(key=order.__getitem__)
    finally:
        for *_, proc, _start in running:
            if proc is not None:
                with contextlib.suppress(OSError):
                    proc.kill()


def _clear(site: Path) -> None:
    """Empty ``site`` but keep the folder (a build holds its lock: converter/runtime/lock.py)."""
    site.mkdir(parents=True, exist_ok=True)
    for child in site.iterdir():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()


def _link(src: Path, dst: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(src, dst)
    except OSError:  # another file system, or no hard links: a copy
        shutil.copy2(src, dst)


def merge(shards: list[Shard], work: Path, site: Path, docs: Path) -> None:
    """The shards' outputs into ``site``: every file once (a file two shards wrote is an
    error), the sitemap merged and the 404 page fixed up for the merged site."""
    _clear(site)
    seen: dict[str, str] = {}
    for shard in shards:
        out = work / shard.name
        for path in sorted(out.rglob("*")):
            rel = path.relative_to(out).as_posix()
            if not path.is_file() or rel in MERGED:
                continue
            if rel in seen:
                raise BuildFailed(f"shards {seen[rel]} and {shard.name} both wrote {rel}")
            seen[rel] = shard.name
            _link(path, site / rel)
    _merge_sitemaps([work / s.name for s in shards], site, docs)
    main = work / shards[0].name
    if (main / "404.html").is_file():
        from converter.hooks import notfound

        page = (main / "404.html").read_text(encoding="utf-8")
        if not os.environ.get("SITE_URL"):
            page = notfound.relative_404(page, sorted(p.name for p in site.iterdir()))
        (site / "404.html").write_text(page, encoding="utf-8")


def _walk_order(docs: Path) -> dict[str, int]:
    """Each page's URL -> its place in MkDocs' walk of docs/ (folders sorted, a folder's files
    before its subfolders, index first): the order of a single build's sitemap."""
    order: dict[str, int] = {}
    for folder, dirs, files in os.walk(docs):
        dirs.sort()
        rel = Path(folder).relative_to(docs).as_posix()
        prefix = "" if rel == "." else rel + "/"
        for name in sorted(files, key=lambda f: (os.path.splitext(f)[0] not in ("index", "README"), f)):
            if name.endswith(".md"):
                stem = name[:-3]
                url = prefix if stem in ("index", "README") else f"{prefix}{stem}/"
                order.setdefault(url, len(order))
    return order


_SITEMAP_TAIL = "\n</urlset>"


def _sitemap(out: Path) -> tuple[str, list[str]]:
    """A build's sitemap.xml as its head (up to <urlset …>) and its <url> blocks; ("", []) without one."""
    if not (out / "sitemap.xml").is_file():
        return "", []
    text = (out / "sitemap.xml").read_text(encoding="utf-8")
    return text[: text.index(">", text.index("<urlset")) + 1], _URL_BLOCK.findall(text)


def _sitemap_url(block: str) -> str:
    """A sitemap block's page URL relative to the site (SITE_URL or / taken off)."""
    base = (os.environ.get("SITE_URL") or "/").rstrip("/") + "/"
    return (m.group(1) if (m := _LOC.search(block)) else "").removeprefix(base)


def _merge_sitemaps(outs: list[Path], site: Path, docs: Path) -> None:
    head, _ = _sitemap(outs[0])
    if not head:
        return
    blocks = [b for out in outs for b in _sitemap(out)[1]]
    order = _walk_order(docs)

    def place(block: str) -> tuple[int, str]:
        loc = _sitemap_url(block)
        return order.get(loc, len(order)), loc

    merged = head + "".join(sorted(blocks, key=place)) + _SITEMAP_TAIL
    (site / "sitemap.xml").write_text(merged, encoding="utf-8")
    gz = outs[0] / "sitemap.xml.gz"
    mtime = int.from_bytes(gz.read_bytes()[4:8], "little") if gz.is_file() else 0
    with open(site / "sitemap.xml.gz", "wb") as f, gzip.GzipFile(fileobj=f, filename="sitemap.xml", mode="wb", mtime=mtime) as z:
        z.write(merged.encode("utf-8"))


def bundles(shards: list[Shard], work: Path, site: Path, jobs: int = 1) -> list[str]:
    """A Pagefind bundle per document shard (``jobs`` at a time), made again only for a shard
    whose key changed, linked into site/ (the first at pagefind/, which the search box loads;
    the others at pagefind/shards/<name>/, merged into it). Returns their paths under site/."""
    from converter.search import index as search

    docs = [s for s in shards if s.documents]
    stale = []
    for shard in docs:
        cached, key = work / f"{shard.name}.pagefind", (work / f"{shard.name}.key").read_text()
        stamp = work / f"{shard.name}.pagefind.key"
        if not (cached.is_dir() and stamp.is_file() and stamp.read_text() == key):
            stamp.unlink(missing_ok=True)
            if cached.exists():
                shutil.rmtree(cached)
            stale.append((shard, cached, stamp, key))

    def make(item: tuple[Shard, Path, Path, str]) -> None:
        shard, cached, stamp, key = item
        search.pagefind(work / shard.name, cached)
        stamp.write_text(key)

    with ThreadPoolExecutor(max(1, jobs)) as pool:  # each thread waits on its own Pagefind process
        list(pool.map(make, stale))
    out: list[str] = []
    for shard in docs:
        rel = "pagefind" if not out else f"pagefind/shards/{shard.name}"
        cached = work / f"{shard.name}.pagefind"
        for path in sorted(cached.rglob("*")):
            if path.is_file():
                _link(path, site / rel / path.relative_to(cached))
        out.append(rel)
    return out


def publish(site: Path, config: Path, docs: Path | None = None, jobs: int = 1, size: int | None = None,
            work: Path | None = None, index: bool = True) -> Report:
    """Build ``site`` from ``docs`` (default: the config's docs/) with MkDocs and index it."""
    from converter.search import index as search

    config, site = config.resolve(), site.resolve()
    docs = (docs or config.parent / "docs").resolve()
    work = (work or config.parent / ".cache" / "site-shards").resolve()
    shards = plan(docs, shard_size(size))
    report = Report(shards=[s.name for s in shards])
    if len(shards) == 1:  # one build, straight into site/ (MkDocs empties it, keeping the folder)
        start = time.monotonic()
        log = work / "all.log"
        if _mkdocs(config, docs, site, None, log).wait() != 0:
            raise BuildFailed(f"MkDocs failed:\n{_tail(log)}")
        report.built, report.seconds["all"] = ["all"], round(time.monotonic() - start, 2)
    else:
        build_shards(shards, docs, config, work, jobs, report)
        merge(shards, work, site, docs)
    if index:
        start = time.monotonic()
        if len(shards) == 1:
            search.index_site(site, None)
        else:
            # The shards' Pagefind bundles (their own Rust processes) and the substring index over
            # the merged site read different files and write different folders: side by side,
            # each fills the cores the other leaves idle in its serial parts.
            def timed_bundles() -> list[str]:
                made = bundles(shards, work, site, jobs)
                report.pagefind_seconds = round(time.monotonic() - start, 2)
                return made

            with ThreadPoolExecutor(1) as pool:
                made = pool.submit(timed_bundles)
                search.substring_index.write(site)
                search.index_site(site, made.result(), substring=False)
        report.index_seconds = round(time.monotonic() - start, 2)
    return report
