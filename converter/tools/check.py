"""``python -m converter check``: validate the whole corpus before a pull request is merged.

Every problem is one line ``FILE: FIELD: what is wrong (how to fix it)``, so a contributor can
act on it without reading code. Errors fail the check (exit 1); warnings are printed but pass,
unless ``--strict``:

errors   a source that does not convert; a sidecar that is not YAML, has an unknown key or
         override, an override of the wrong type, a sha256 that does not match its page, or
         no page next to it; one 文号 claimed by two documents; invalid front matter in
         docs/policies; docs/ not what the build would write from sources/.
warnings a policy document (not 新闻/解读) without 文号, 发文机关 or any date. Some pages really
         do not state them, so a human decides: give the value in ``overrides``, or write the
         key with ``null`` / ``[]`` to record that the page has none.
"""

from __future__ import annotations

import contextlib
import difflib
import sys
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from converter import fields, pipeline
from converter.fields import OVERRIDABLE
from converter.link.corpus import link
from converter.model import PolicyDocument
from converter.names import quote
from converter.read.sidecar import (
    SIDECAR_SUFFIX,
    NotRegular,
    file_size,
    read_regular,
    sidecar_path,
)
from converter.read.source import list_sources
from converter.render import guide
from converter.render import sitepages as site
from scraper.store import sha256_hex

# Keys the scraper writes, the ones the reader knows, and the ones people write (notes: free
# text): the schema's top-level fields (scraper.store.OWNED_KEYS is a subset, tested).
SIDECAR_ALLOWED = set(fields.SIDECAR_FIELDS)
# Document types that are not policy documents: they need no 文号, 发文机关 or 成文日期
# (the same exemption extract applies to its "not found" warnings).
NON_POLICY_TYPES = ("新闻", "解读", "附件")  # 附件: a list or form attached to a page
LEVELS = fields.LEVELS
FIX_DOCS = "run `make docs` and commit docs/"
FIX_GENERATED = "docs/ is generated, do not edit it: run `make docs`; if the problem stays, it is a converter bug: open an issue"

# Hints for conversion failures, by the start of SourceError.reason.
CONVERT_HINTS = (
    ("empty file", "save the page again"),
    ("binary file", "only web pages (HTML or text) can be sources; list PDFs/Office files as attachments"),
    ("cannot decode", "set `encoding:` (e.g. gb18030) in the sidecar"),
    ("file is", "save only the page itself"),
    ("converter error", "a converter bug: open an issue with this page"),
)


@dataclass(frozen=True)
class Problem:
    file: str
    field: str
    message: str
    warning: bool = False

    def __str__(self) -> str:
        kind = "warning: " if self.warning else ""
        return f"{quote(self.file)}: {quote(self.field, spaces=True)}: {kind}{self.message}"


@dataclass
class Report:
    problems: list[Problem] = field(default_factory=list)
    sources: int = 0
    documents: int = 0

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if not p.warning]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.warning]


def _rel(path: Path, root: Path) -> str:
    try:  # the folder resolved, not the file: a symbolic link is named as itself
        return (path.parent.resolve() / path.name).relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def _suggest(key: str, allowed: set[str] | frozenset[str]) -> str:
    close = difflib.get_close_matches(key, sorted(allowed), n=1, cutoff=0.6)
    if close:
        return f"did you mean '{close[0]}'?"
    return "allowed: " + ", ".join(sorted(allowed))


# --- override values: the schema's validators (converter/fields.py) ----------------------

_text, _text_or_null, _level = fields.text, fields.text_or_null, fields.level
OVERRIDE_RULES: dict[str, Callable[[Any], str | None]] = {k: f.check for k, f in fields.OVERRIDE_FIELDS.items() if f.check}


# --- sidecars --------------------------------------------------------------------------------


def load_sidecar(side: Path) -> dict:
    """A sidecar's mapping, read as the build reads it (no links, size and alias limits)."""
    try:
        return fields.load_bytes(read_regular(side, fields.MAX_SIDECAR_BYTES + 1), file_size(side))
    except OSError as exc:
        raise fields.SidecarError("(file)", str(exc) if isinstance(exc, NotRegular) else f"cannot read: {exc.strerror or exc}") from None


def check_sidecar(side: Path, page: Path | None, root: Path) -> tuple[list[Problem], bool]:
    """Problems of one sidecar, and whether it could be read at all."""
    rel = _rel(side, root)
    try:
        data = load_sidecar(side)
    except fields.SidecarError as exc:
        return [Problem(rel, exc.field, exc.message)], False
    out: list[Problem] = []
    if page is None:
        stem = side.name.removesuffix(SIDECAR_SUFFIX)
        out.append(Problem(rel, "(file)", f"no page next to it (expected {stem}.html or .txt); remove the sidecar or add the page"))
    for key in data:
        if str(key) not in SIDECAR_ALLOWED:
            out.append(Problem(rel, str(key), f"unknown key ({_suggest(str(key), SIDECAR_ALLOWED)})"))
    overrides = data.get("overrides")
    if overrides is not None and not isinstance(overrides, dict):
        out.append(Problem(rel, "overrides", fields.mapping(overrides) or ""))
        return out, False
    for key in overrides or {}:
        if isinstance(key, str) and key not in OVERRIDABLE:  # a key that is not text: the schema says so
            out.append(Problem(rel, f"overrides.{key}", f"unknown field ({_suggest(str(key), OVERRIDABLE)})"))
    out += [Problem(rel, name, wrong) for name, wrong in fields.problems(data)]
    recorded = data.get("sha256")
    if isinstance(recorded, str) and page is not None and not page.is_symlink():
        actual = sha256_hex(page.read_bytes())
        if str(recorded).lower() != actual:
            out.append(Problem(
                rel, "sha256",
                f"does not match {_rel(page, root)} (the page changed after it was saved): "
                f"fetch it again with `make add URL=…`, or set sha256: {actual} if the new bytes are right",
            ))
    return out, True


def check_sidecars(sources: Path, root: Path) -> tuple[list[Problem], set[str]]:
    """Every sidecar in ``sources``; also the source files whose sidecar is unreadable."""
    problems: list[Problem] = []
    broken: set[str] = set()
    pages_by_stem: dict[str, list[Path]] = defaultdict(list)
    for p in list_sources(sources):
        pages_by_stem[p.stem].append(p)
    for side in sorted(sources.glob("*" + SIDECAR_SUFFIX)):
        stem = side.name.removesuffix(SIDECAR_SUFFIX)
        owners = pages_by_stem.get(stem, [])
        if len(owners) > 1:
            names = " and ".join(_rel(p, root) for p in owners)
            problems.append(Problem(_rel(side, root), "(file)", f"shared by {names}; rename one page (and its sidecar) so each page has its own"))
        found, readable = check_sidecar(side, owners[0] if owners else None, root)
        problems += found
        if not readable:
            broken.update(_rel(p, root) for p in owners)
    return problems, broken


# --- documents -------------------------------------------------------------------------------


def _sidecar_of(doc: PolicyDocument) -> str:
    file = doc.source.file
    return file[: -len(Path(file).suffix) or None] + SIDECAR_SUFFIX


def check_required(docs: list[PolicyDocument], overrides: dict[str, dict]) -> list[Problem]:
    """Warnings for policy documents without 文号, 发文机关 or a date, unless the sidecar says so."""
    out = []
    for d in docs:
        if d.doc_type in NON_POLICY_TYPES:
            continue
        said = overrides.get(d.source.file, {})
        side = _sidecar_of(d)
        where = f"in docs/{site.POLICY_DIR}/{d.slug}.md"
        # An attachment (NAME.attachments/) is issued under its page's 文号, not one of its own.
        if not d.doc_number and "doc_number" not in said and not d.source.attachment_of:
            fix = f"add `overrides: {{doc_number: …}}` to {side}, or `doc_number: null` if the page has none"
            out.append(Problem(d.source.file, "doc_number", f"not found {where}; {fix}", True))
        if not d.issuers and "issuers" not in said:
            fix = f"add `overrides: {{issuers: [发文机关]}}` to {side}, or `issuers: []` if the page names none"
            out.append(Problem(d.source.file, "issuers", f"not found {where}; {fix}", True))
        if not (d.written_date or d.publish_date) and not {"written_date", "publish_date"} & set(said):
            fix = f"add `overrides: {{written_date: YYYY-MM-DD}}` to {side}, or `written_date: null` if the page gives no date"
            out.append(Problem(d.source.file, "written_date", f"no written_date or publish_date {where}; {fix}", True))
    return out


def check_duplicates(docs: list[PolicyDocument]) -> list[Problem]:
    by_number: dict[str, list[PolicyDocument]] = defaultdict(list)
    for d in docs:
        if d.doc_number:
            by_number[d.doc_number].append(d)
    out = []
    for number, same in sorted(by_number.items()):
        if len(same) < 2:
            continue
        first, *rest = sorted(same, key=lambda d: (d.source.file, d.slug))
        others = ", ".join(f"{d.source.file} (docs/{site.POLICY_DIR}/{d.slug}.md)" for d in rest)
        out.append(Problem(
            first.source.file, "doc_number",
            f"{number} is also the 文号 of {others}; if it is the same document remove one source, "
            f"else correct the wrong one with `overrides: {{doc_number: …}}` in its sidecar",
        ))
    return out


def _convert_problem(file: str, reason: str) -> Problem:
    hint = next((h for prefix, h in CONVERT_HINTS if reason.startswith(prefix)), None)
    return Problem(file, "(source)", f"cannot convert: {reason}" + (f" ({hint})" if hint else ""))


# --- front matter of docs/policies/*.md ------------------------------------------------------

# What the converter writes, field by field: the schema's front-matter validators.
FRONT_MATTER: dict[str, Callable[[Any], str | None]] = {k: f.written for k, f in fields.FRONT_MATTER_FIELDS.items() if f.written}


def front_matter(text: str) -> dict[str, Any] | str:
    """The parsed front matter of a page, or what is wrong with it."""
    if not text.startswith("---\n"):
        return "missing: the page must start with a --- line"
    end = text.find("\n---\n", 3)
    if end < 0:
        return "not closed: no second --- line"
    try:  # docs/ comes in pull requests too: read like a sidecar (no aliases, bounded nesting)
        data = fields.load_text(text[4 : end + 1])
    except yaml.YAMLError as exc:
        return f"not valid YAML ({str(exc).splitlines()[0]})"
    except fields.SidecarError as exc:
        return exc.message
    return data if isinstance(data, dict) else "must be a YAML mapping"


def check_front_matter(docs_dir: Path, root: Path, known: frozenset[tuple[str, str]] | set[tuple[str, str]] = frozenset()) -> list[Problem]:
    """``known``: (source file, field) pairs whose wrong value is already reported at its sidecar."""
    out = []
    folder = docs_dir / site.POLICY_DIR
    for page in sorted(folder.glob("*.md")) if folder.is_dir() else []:
        if page.name == "index.md":
            continue
        rel = _rel(page, root)
        data = front_matter(page.read_text(encoding="utf-8", errors="replace"))
        if isinstance(data, str):
            out.append(Problem(rel, "front matter", f"{data}; {FIX_GENERATED}"))
            continue
        source = data["source"] if isinstance(data.get("source"), dict) else {}
        for key, rule in FRONT_MATTER.items():
            if (source.get("file"), key) in known:
                continue
            if key not in data and not fields.FRONT_MATTER_FIELDS[key].always:
                continue
            wrong = "missing" if key not in data else rule(data[key])
            if wrong:
                out.append(Problem(rel, f"front matter.{key}", f"{wrong}; {FIX_GENERATED}"))
    return out


# --- docs/ up to date ------------------------------------------------------------------------


def _first_difference(a: str, b: str) -> int:
    for n, (x, y) in enumerate(zip(a.splitlines(), b.splitlines()), 1):
        if x != y:
            return n
    return min(len(a.splitlines()), len(b.splitlines())) + 1


def _is_document_page(rel: str) -> bool:
    return rel.startswith(f"{site.POLICY_DIR}/") and rel.count("/") == 1 and rel != f"{site.POLICY_DIR}/index.md"


def check_up_to_date(docs_dir: Path, generated: dict[str, str | bytes], root: Path) -> list[Problem]:
    """docs/ must be exactly what ``converter build`` would write: regenerating changes nothing.

    Document pages (and the guide) get a line each. Index, browse, data and feed files all follow
    from the documents, so when they are stale they are one problem with one fix: one line."""
    out: list[Problem] = []
    derived: list[str] = []
    for rel, text in sorted(generated.items()):
        target = docs_dir / rel
        name = _rel(target, root)
        if not target.is_file():
            problem = Problem(name, "(file)", f"missing: {FIX_DOCS}")
        else:
            data = target.read_bytes()
            if data == (text if isinstance(text, bytes) else text.encode("utf-8")):  # bytes: an attachment's original
                continue
            have = data.decode("utf-8", errors="replace")
            line = _first_difference(have, text if isinstance(text, str) else text.decode("utf-8", errors="replace"))
            problem = Problem(name, "(content)", f"out of date with sources/ (first difference at line {line}): {FIX_DOCS}; do not edit docs/ by hand")
        if _is_document_page(rel) or rel == guide.PAGE:
            out.append(problem)
        else:
            derived.append(name)
    for page in pipeline.owned_files(docs_dir) if docs_dir.is_dir() else []:
        rel = page.relative_to(docs_dir).as_posix()
        if rel in generated:
            continue
        if _is_document_page(rel):
            out.append(Problem(_rel(page, root), "(file)", f"no source produces this page: {FIX_DOCS} (it deletes the page)"))
        else:
            derived.append(_rel(page, root))
    if derived:
        shown = ", ".join(derived[:3]) + (", …" if len(derived) > 3 else "")
        out.append(Problem(
            _rel(docs_dir, root) + "/", "(index pages)",
            f"{len(derived)} generated index/data files out of date, missing or left over ({shown}): {FIX_DOCS}",
        ))
    return out


# --- the whole check -------------------------------------------------------------------------


def run(root: Path, sources: Path | None = None, docs: Path | None = None, jobs: int = 1) -> Report:
    root = root.resolve()
    sources = (sources or root / "sources").resolve()
    docs_dir = (docs or root / "docs").resolve()
    report = Report()
    if not sources.is_dir():
        report.problems.append(Problem(_rel(sources, root), "(folder)", "missing: create it and add pages with `make add`"))
        return report
    paths = list_sources(sources)
    report.sources = len(paths)
    side_problems, broken = check_sidecars(sources, root)
    report.problems += side_problems

    result = pipeline.convert_sources(paths, root, jobs)
    report.problems += [Problem(p.file, "(attachment)", p.reason, True) for p in result.attachment_problems]
    # A sidecar's problems are reported at the sidecar, with their fields: once, not again as
    # the source's conversion error.
    side_files = {p.file for p in side_problems if not p.warning}
    for exc in result.problems:
        own_side = _rel(sidecar_path(root / exc.file), root) in side_files and exc.reason.startswith("sidecar ")
        if exc.file not in broken and not own_side:
            report.problems.append(_convert_problem(exc.file, exc.reason))
    for exc in result.notices:
        # Not a failure: the page is no document (a list page, an image or a file only).
        report.problems.append(Problem(exc.file, "(source)", f"{exc.reason} (nothing is made from it; add the documents it links to instead)", warning=True))
    corpus = link(result.docs)
    report.documents = len(corpus.docs)
    overrides: dict[str, dict] = {}
    for p in paths:
        side = p.with_name(p.stem + SIDECAR_SUFFIX)
        if side.is_file() and _rel(p, root) not in broken:
            with contextlib.suppress(fields.SidecarError):
                said = load_sidecar(side).get("overrides")
                overrides[_rel(p, root)] = said if isinstance(said, dict) else {}
    report.problems += check_duplicates(corpus.docs)
    report.problems += check_required(corpus.docs, overrides)
    # A wrong override reaches the front matter too; report it once, at the sidecar.
    known = {
        (_rel(p, root), field.removeprefix("overrides."))
        for p in paths
        for field in (x.field for x in side_problems if x.file == _rel(p.with_name(p.stem + SIDECAR_SUFFIX), root))
    }
    report.problems += check_front_matter(docs_dir, root, known)
    report.problems += check_up_to_date(docs_dir, pipeline.all_pages(corpus, root), root)
    # Causes (sources/, sidecars) before their effects in docs/.
    report.problems.sort(key=lambda p: (p.warning, p.file.startswith(_rel(docs_dir, root)), p.file, p.field))
    return report


def main(root: Path, sources: Path | None, docs: Path | None, jobs: int = 1, strict: bool = False, out=None) -> int:
    out = out or sys.stdout
    report = run(root, sources, docs, jobs)
    for p in report.problems:
        print(p, file=out)
    n_err, n_warn = len(report.errors), len(report.warnings)
    failed = n_err or (strict and n_warn)
    verdict = "FAILED" if failed else "OK"
    print(
        f"check {verdict}: {n_err} errors, {n_warn} warnings"
        f"{' (counted as errors: --strict)' if strict and n_warn else ''}; "
        f"{report.sources} sources, {report.documents} documents",
        file=out,
    )
    return 1 if failed else 0
