"""Which reader reads which kind of document file, and the one entry point."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from converter.model import SourceError
from converter.read.formats import KINDS, Deadline, Extracted, sniff

UNSUPPORTED = {
    "zip": "a zip archive that is not a Word, Excel or OFD document (unpack it and add the files)",
    "zip?": "corrupt file: it starts like a zip (.docx/.xlsx/.ofd) but cannot be opened",
    "ole?": "corrupt file: it starts like an Office 97-2003 document but cannot be opened",
    "ole": "an Office 97-2003 file that is neither a Word document nor a workbook",
    "encrypted": "encrypted (password-protected) document: it cannot be read without the password",
}


def reader_for(kind: str) -> Callable[[bytes, str, Deadline], Extracted]:
    from converter.read.formats import ocr, ofd, office, pdf, sheet, word

    readers: dict[str, Callable[[bytes, str, Deadline], Extracted]] = {
        "docx": word.read_docx, "doc": office.read_legacy, "pdf": pdf.read_pdf, "ofd": ofd.read_ofd,
        "xlsx": sheet.read_sheet, "xls": sheet.read_sheet, "image": ocr.read_image,
    }
    return readers[kind]


def extract(data: bytes, rel: str, kind: str | None = None) -> Extracted:
    """Read one document file; a SourceError says what is wrong with it (or what to install)."""
    kind = kind or sniff(data)
    if kind is None:
        raise SourceError(rel, "not a document file")
    if kind in UNSUPPORTED:
        raise SourceError(rel, UNSUPPORTED[kind])
    # In-process parsing is interrupted by the batch's per-file budget (procs.time_budget, made
    # long enough for documents by budget_for); the deadline bounds the external tools and loops.
    deadline = Deadline()
    if kind == "doc" and Path(rel).suffix.lower() == ".wps":
        kind = "wps"  # Kingsoft's .wps is a Word 97 file inside: same reader, its own name
    result = reader_for("doc" if kind == "wps" else kind)(data, rel, deadline)
    result.kind = kind if result.kind in ("doc", "") else result.kind
    if not any(p.text.strip() or p.rows for p in result.paras):
        raise SourceError(rel, f"no text found in the {KINDS.get(kind, (kind, kind))[1]}")
    return result
