"""Word 97-2003 .doc and Kingsoft .wps through LibreOffice (headless, under the file's time
limit), converted to .docx and read like one."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from converter.model import SourceError
from converter.read.formats import Deadline, Extracted, run_tool, word

INSTALL = "install LibreOffice (make office-deps, or apt-get install libreoffice-writer-nogui)"


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert(data: bytes, rel: str, suffix: str, target: str, deadline: Deadline) -> bytes:
    """``data`` converted by LibreOffice to the ``target`` format (e.g. docx, pdf)."""
    exe = soffice()
    if exe is None:
        raise SourceError(rel, f"needs LibreOffice to read this file: {INSTALL}")
    with tempfile.TemporaryDirectory(prefix="policy-office-", ignore_cleanup_errors=True) as tmp:
        work = Path(tmp)
        src = work / f"input{suffix}"  # a fixed, safe name: the source's own name never reaches a command line
        src.write_bytes(data)
        # Its own profile folder, so parallel conversions never share (and lock) one.
        cmd = [exe, f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless", "--norestore", "--nologo",
               "--convert-to", target, "--outdir", str(work / "out"), str(src)]
        run_tool(cmd, rel, deadline, "LibreOffice")
        out = work / "out" / f"input.{target.split(':')[0]}"
        if not out.is_file() or out.stat().st_size == 0:
            raise SourceError(rel, "LibreOffice could not open the file (corrupt, encrypted or not a document)")
        return out.read_bytes()


def read_legacy(data: bytes, rel: str, deadline: Deadline) -> Extracted:
    docx = convert(data, rel, Path(rel).suffix.lower() if Path(rel).suffix.lower() in (".doc", ".wps") else ".doc", "docx", deadline)
    return Extracted(word.paras_of(docx, rel), "doc", "LibreOffice → Word XML")
