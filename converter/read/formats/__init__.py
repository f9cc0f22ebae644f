"""Documents that are files rather than web pages: Word, WPS, PDF, OFD, spreadsheets, scans.

``sniff`` names a file's format from its magic bytes (never its extension); ``extract`` turns
it into paragraphs (text and tables) that go through the same clean -> split -> extract ->
render pipeline as a page, with a record of which tool read it. Every reader runs under the
per-file limits below; a file that breaks one is a SourceError naming the file and the problem.
"""

from __future__ import annotations

import contextlib
import io
import os
import signal
import subprocess
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from converter.model import Para, SourceError

MAX_FILE_BYTES = 20 * 1024 * 1024  # the read stage's limit for any source
MAX_SECONDS = 300  # per file, every tool included (OCR takes 5-15 s a page on a shared machine)
MAX_PAGES = 500  # a PDF or OFD longer than this is a book or an attack, not a policy document
MAX_OCR_PAGES = 40
MAX_UNZIPPED_BYTES = 100 * 1024 * 1024  # a .docx/.xlsx/.ofd is a zip: a bomb is refused before reading
MAX_ZIP_RATIO = 200
MAX_ZIP_ENTRIES = 5000

# Kinds a reader exists for, with the extension a published copy gets and its Chinese name.
KINDS: dict[str, tuple[str, str]] = {
    "docx": (".docx", "Word 文档"),
    "doc": (".doc", "Word 97-2003 文档"),
    "wps": (".wps", "WPS 文字文档"),
    "pdf": (".pdf", "PDF 文档"),
    "ofd": (".ofd", "OFD 版式文档"),
    "xlsx": (".xlsx", "Excel 表格"),
    "xls": (".xls", "Excel 97-2003 表格"),
    "image": (".png", "图片"),
    "scan": (".pdf", "扫描件 PDF"),
}
# How the text was read, for readers (the tool itself is in the front matter's extracted_from).
READ_METHODS: dict[str, str] = {
    "docx": "读取 Word 文档", "doc": "转为 Word 文档后读取", "wps": "转为 Word 文档后读取",
    "pdf": "读取 PDF 文本层", "ofd": "读取 OFD 版式文件", "xlsx": "读取电子表格", "xls": "读取电子表格",
    "image": "光学字符识别", "scan": "光学字符识别",
}
SCAN_NOTE = "本文由扫描件识别，可能有误"
IMAGE_MAGIC = {
    b"\x89PNG\r\n\x1a\n": "PNG", b"\xff\xd8\xff": "JPEG", b"GIF87a": "GIF", b"GIF89a": "GIF",
    b"II*\x00": "TIFF", b"MM\x00*": "TIFF", b"BM": "BMP",
}


def image_format(data: bytes) -> str:
    return next((name for magic, name in IMAGE_MAGIC.items() if data.startswith(magic)), "")
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass
class Extracted:
    """What a format reader found: paragraphs, and the provenance the card and record show."""

    paras: list[Para]
    kind: str
    tool: str
    removed: list[tuple[str, str]] = field(default_factory=list)  # (reason, text) of page furniture
    page: dict[str, Any] = field(default_factory=dict)  # metadata, e.g. a fallback title
    ocr_confidence: float | None = None  # mean word confidence (0-100) when the text was recognised
    low_confidence: list[str] = field(default_factory=list)  # recognised lines below LOW_CONFIDENCE
    warnings: list[str] = field(default_factory=list)

    def provenance(self, file: str, sha256: str, url: str | None = None) -> dict[str, Any]:
        out: dict[str, Any] = {"file": file, "format": self.kind, "tool": self.tool, "sha256": sha256}
        if url:
            out["url"] = url
        if self.ocr_confidence is not None:
            out["ocr_confidence"] = round(self.ocr_confidence, 1)
        return out


def sniff(data: bytes) -> str | None:
    """The format of ``data`` by its magic bytes; None for text (a web page)."""
    head = data[:1024]
    if head.lstrip(b"\xef\xbb\xbf\r\n\t ").startswith(b"%PDF"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return _zip_kind(data)
    if data.startswith(OLE_MAGIC):
        return _ole_kind(data)
    if any(data.startswith(m) for m in IMAGE_MAGIC):
        return "image"
    return None


def _zip_kind(data: bytes) -> str:
    try:
        names = {n.lower() for n in zipfile.ZipFile(io.BytesIO(data)).namelist()}
    except Exception:  # any failure of the zip reader on untrusted bytes means "cannot be opened"
        return "zip?"
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "ofd.xml" in names:
        return "ofd"
    return "zip"


def _ole_kind(data: bytes) -> str:
    import olefile

    try:
        ole = olefile.OleFileIO(data)
        streams = {"/".join(s).lower() for s in ole.listdir()}
        ole.close()
    except Exception:  # olefile raises OSError, but also struct and index errors, on broken files
        return "ole?"
    if "encryptedpackage" in streams:
        return "encrypted"
    if "workbook" in streams or "book" in streams:
        return "xls"
    if "worddocument" in streams:
        return "doc"
    return "ole"


def check_zip(data: bytes, rel: str) -> zipfile.ZipFile:
    """The archive, once its declared sizes show it is not a zip bomb."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except Exception as exc:  # the zip reader's errors on untrusted bytes
        raise SourceError(rel, f"corrupt file: not a readable zip archive ({exc})") from None
    total = sum(i.file_size for i in infos)
    packed = max(1, sum(i.compress_size for i in infos))
    if len(infos) > MAX_ZIP_ENTRIES or total > MAX_UNZIPPED_BYTES or total / packed > MAX_ZIP_RATIO:
        raise SourceError(
            rel, f"refused: the archive unpacks to {total / 2**20:.0f} MiB in {len(infos)} entries "
            f"({total / packed:.0f}× its size): a zip bomb, not a document",
        )
    return zf


def read_member(zf: zipfile.ZipFile, name: str, rel: str) -> bytes:
    """One member, read no further than its declared size (a lying header cannot inflate it)."""
    info = zf.getinfo(name)
    with zf.open(info) as fh:
        data = fh.read(info.file_size + 1)
    if len(data) > info.file_size:
        raise SourceError(rel, f"corrupt file: {name} is larger than its archive header says")
    return data


def budget_for(path: Path, budget: float | None) -> float | None:
    """The time a source may take: a document file (OCR takes seconds a page) gets the readers'
    own limit when the batch's budget for a page is shorter. Only its first bytes are read."""
    if not budget:
        return budget
    try:
        with open(path, "rb") as fh:
            head = fh.read(16)
    except OSError:
        return budget
    if head.lstrip(b"\xef\xbb\xbf\r\n\t ").startswith(b"%PDF") or head.startswith((b"PK\x03\x04", OLE_MAGIC, *IMAGE_MAGIC)):
        return max(budget, MAX_SECONDS)
    return budget


class Deadline:
    """The time left for one file, shared by every tool that reads it."""

    def __init__(self, seconds: float | None = None):
        self.seconds = MAX_SECONDS if seconds is None else seconds
        self.end = time.monotonic() + self.seconds

    def left(self, rel: str) -> float:
        left = self.end - time.monotonic()
        if left <= 0:
            raise SourceError(rel, f"gave up after {self.seconds:g} s (the per-file time limit)")
        return left


def run_tool(cmd: list[str], rel: str, deadline: Deadline, name: str) -> subprocess.CompletedProcess[bytes]:
    """Run an external tool in its own process group, killed whole (LibreOffice's wrapper starts
    a child) when the file's time runs out or anything interrupts it."""
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    try:
        out, err = proc.communicate(timeout=deadline.left(rel))
    except subprocess.TimeoutExpired:
        _kill(proc)
        raise SourceError(rel, f"{name} did not finish within the per-file time limit ({deadline.seconds:g} s)") from None
    except BaseException:
        _kill(proc)
        raise
    return subprocess.CompletedProcess(cmd, proc.returncode, out, err)


def _kill(proc: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(OSError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


