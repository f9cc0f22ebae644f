"""The typed values that flow through the pipeline.

RawSource -> CleanText -> [DocumentText] -> PolicyDocument -> Markdown.
Each stage is a plain function from one of these to the next; only
``link`` (the corpus-wide step) sees every document at once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Literal

from converter.messages import Note, note


class SourceError(Exception):
    """A source that cannot be turned into documents. Carries the file and the reason.

    ``kind`` set ("list", "image", "attachment"): the page is no document to convert (an
    index of documents, a document shown only as an image or a file), a notice rather than
    a failure; nothing is made from it."""

    def __init__(self, file: str, reason: str, kind: str | None = None):
        super().__init__(f"{file}: {reason}")
        self.file = file
        self.reason = reason
        self.kind = kind


# What a paragraph of cleaned text is (Para.kind) and what a block of a document body is
# (Block.kind); the renderer writes each kind one way.
ParaKind = Literal["text", "table", "attachment", "figure"]
BlockKind = Literal[
    "heading", "item", "para", "doc_number", "addressee", "signature", "attachment_title", "attachment", "table",
    "parent", "download", "figure",
]
# An item's role: an article (第X条), an item inside an article, or neither.
BlockRole = Literal["", "article", "list"]
# Administrative level of an issuer or region.
Level = Literal["national", "provincial", "municipal", "county"]


@dataclass(frozen=True)
class SourceMeta:
    """Provenance from the sidecar ``NAME.meta.yml`` plus human overrides."""

    url: str | None = None
    site: str | None = None
    fetched_at: str | None = None
    sha256: str | None = None
    encoding: str | None = None
    overrides: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RawSource:
    path: Path
    rel: str  # path relative to the project root, POSIX style
    data: bytes
    text: str
    encoding: str
    sha256: str
    meta: SourceMeta
    sidecar: str | None = None  # relative path of the sidecar, when there is one
    # A document file (Word, PDF, OFD, scan…): what converter/formats read from it (an Extracted).
    document: Any = None


@dataclass
class Removal:
    """One line (or element) the cleaner removed, with the rule that removed it."""

    step: str
    reason: Note  # its code gives the Chinese text, its str value the English
    text: str
    line: int | None = None  # line of the source where the text was (None: not found there)


@dataclass
class CleaningRecord:
    """What each cleaning step removed or changed, so a reviewer can check nothing was lost."""

    removed: list[Removal] = field(default_factory=list)
    changed: dict[str, int] = field(default_factory=dict)  # step -> number of in-place edits

    def remove(self, step: str, reason: str | Note, text: str, line: int | None = None) -> None:
        self.removed.append(Removal(step, note(reason), text, line))

    def change(self, step: str, count: int = 1) -> None:
        if count:
            self.changed[step] = self.changed.get(step, 0) + count

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for r in self.removed:
            key = f"removed_{r.step}"
            out[key] = out.get(key, 0) + 1
        for step, n in self.changed.items():
            out[f"changed_{step}"] = n
        return dict(sorted(out.items()))

    def copy(self) -> CleaningRecord:
        return CleaningRecord(list(self.removed), dict(self.changed))


@dataclass(frozen=True)
class Cell:
    """A table cell as the source laid it out: its text (lines joined by \n), spans, header flag."""

    text: str
    rowspan: int = 1
    colspan: int = 1
    header: bool = False


@dataclass
class Para:
    """A paragraph of cleaned text. ``kind`` is 'text', 'table', 'attachment' or 'figure'."""

    text: str
    kind: ParaKind = "text"
    rows: list[list[str]] | None = None  # for tables: each source row's cell texts
    href: str | None = None  # for attachments
    cells: list[list[Cell]] | None = None  # for tables: the same cells with spans and header flags
    alt: str = ""  # for figures: the image's alt text (``text`` is its caption, or the alt text)

    def map_cells(self, fn: Callable[[str], str]) -> None:
        """Apply ``fn`` to every cell text of a table (rows and cells stay the same text)."""
        if self.cells is not None:
            self.cells = [[replace(c, text=fn(c.text)) for c in row] for row in self.cells]
        if self.rows is not None:
            self.rows = [[fn(c) for c in row] for row in self.rows]


@dataclass
class PageMeta:
    """What a page states about the document it shows, outside the text: the 信息公开 table,
    <meta> tags, bylines, the file-name line. Filled by the clean stage (the rules in
    data/noise.yml name these fields in their groups), read by split and extract. A name that
    is not a field here is an error in the code or the data, reported at once."""

    title: str | None = None  # ArticleTitle or the info table's 标题
    html_title: str | None = None  # the <title> element (site and column names around the title)
    file_title: str | None = None  # a 文件名称 line
    doc_number: str | None = None
    issuers: list[str] | None = None
    written_date: str | None = None
    publish_date: str | None = None
    index_number: str | None = None
    topics: list[str] | None = None
    disclosure: str | None = None
    author: str | None = None
    origin: str | None = None  # 来源: the body that published the page
    site_name: str | None = None
    column: str | None = None
    url: str | None = None
    keywords: str | None = None
    description: str | None = None
    page_warnings: list[Any] = field(default_factory=list)
    body_by_structure: bool = False  # the HTML reader cut the page around its main text

    @classmethod
    def names(cls) -> frozenset[str]:
        return frozenset(f.name for f in fields(cls))

    def set(self, key: str, value: Any) -> None:
        if key not in self.names():
            raise KeyError(f"page metadata has no field {key!r} (converter/model.py PageMeta)")
        setattr(self, key, value)

    def has(self, key: str) -> bool:
        return getattr(self, key, None) is not None

    def update(self, values: dict[str, Any]) -> None:
        for key, value in values.items():
            self.set(key, value)

    def copy(self) -> PageMeta:
        return replace(self, page_warnings=list(self.page_warnings))


@dataclass
class CleanText:
    source: RawSource
    paras: list[Para]
    page: PageMeta  # metadata harvested from page furniture (bylines, meta tags, info tables)
    record: CleaningRecord
    warnings: list[str] = field(default_factory=list)


@dataclass
class DocumentText:
    """One policy document found in a CleanText."""

    source: RawSource
    index: int  # 0-based position of the document in its source
    title: str | None
    title_origin: str  # where the title came from: line, file-name, lead, page, none
    paras: list[Para]
    page: PageMeta
    record: CleaningRecord
    warnings: list[str] = field(default_factory=list)


@dataclass
class Block:
    """A structural unit of a document body.

    kind: heading (level 2-4), item, para, doc_number, addressee, signature,
    attachment_title, attachment, table, figure.
    """

    kind: BlockKind
    text: str
    level: int = 0
    label: str = ""  # the numbering as written, e.g. 一、 （一） 1.
    anchor: str = ""
    lead: str = ""  # for items: the run-in heading sentence
    role: BlockRole = ""  # for items: "article" (第X条) or "list" (an item inside an article, depth in level)
    rows: list[list[str]] | None = None
    href: str | None = None
    cells: list[list[Cell]] | None = None  # tables: rows of cells with spans and header flags
    target: str | None = None  # attachment: the slug of its own page
    download: str | None = None  # attachment, download: the original file, relative to the page
    alt: str = ""  # figure: the image's alt text (``text`` is its caption, or the alt text)


@dataclass
class Citation:
    title: str | None
    doc_number: str | None

    def as_dict(self) -> dict[str, str]:
        d = {}
        if self.title:
            d["title"] = self.title
        if self.doc_number:
            d["doc_number"] = self.doc_number
        return d


@dataclass
class Clause:
    """A sentence in which a document says when it applies or how it relates to another.

    kind: effective, expiry, period, extension (of itself) or a relation: repeals, amends,
    amended_by, extends, interprets (``targets`` are the documents it names).
    """

    kind: str
    quote: str  # the sentence as written
    date: str | None = None  # ISO: 施行日期 (with ``event``: the text's own date), last day, extended last day, or an amendment's date
    start: str | None = None  # 有效期自…: the first day
    event: str | None = None  # 印发/公布…: the 施行日期 is the document's own date of that act
    n: int | None = None  # 有效期N年/N个月
    unit: str | None = None  # 年 or 个月
    targets: list[Citation] = field(default_factory=list)


@dataclass
class SourceInfo:
    """Where a document came from: its source file, address, site and digest (always written, null
    when unknown), then what is known only of some (fetch time, the page's 来源, the document
    file its text came from, the page of an attachment). ``as_dict`` is the front matter's
    ``source:`` in this order, the optional keys only when set."""

    file: str
    url: str | None = None
    site: str | None = None
    sha256: str = ""
    fetched_at: str | None = None
    origin: str | None = None  # the page's own 来源 (信息来源), when it names one
    extracted_from: dict[str, Any] | None = None  # the document file and tool (read.formats provenance)
    attachment_of: str | None = None  # an attachment: its page's source file
    attachment_name: str | None = None  # … the link text on that page
    page_url: str | None = None  # … and that page's address

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"file": self.file, "url": self.url, "site": self.site, "sha256": self.sha256}
        for key in SOURCE_OPTIONAL:
            value = getattr(self, key)
            if value:
                out[key] = value
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SourceInfo:
        """The inverse of ``as_dict`` (the render cache stores it so); unknown keys are an error."""
        return cls(**data)


SOURCE_OPTIONAL = ("fetched_at", "origin", "extracted_from", "attachment_of", "attachment_name", "page_url")


@dataclass
class PolicyDocument:
    slug: str
    title: str
    doc_number: str | None
    issuers: list[str]
    written_date: str | None
    publish_date: str | None
    region: str | None
    level: str | None
    doc_type: str | None
    source: SourceInfo
    cites: list[Citation]
    blocks: list[Block]
    record: CleaningRecord
    index_number: str | None = None
    topics: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)  # e.g. disclosure, origin
    warnings: list[str] = field(default_factory=list)
    clauses: list[Clause] = field(default_factory=list)  # validity clauses (converter/extract/validity.py)
    validity: Any = None  # status as of the reference date, set by the link step (converter/link/status.py)
    # Identity for the render cache, "<source cache key>:<position in its source>": set by the
    # pipeline when it has a cache folder, never written out (a slug can change in the link step).
    key: str | None = field(default=None, compare=False, repr=False)

    @property
    def date(self) -> str | None:
        """The date a reader sorts by: written, else published."""
        return self.written_date or self.publish_date
