"""Optical character recognition of scans and images: tesseract with its Simplified Chinese
model (Debian's tesseract-ocr-chi-sim), word by word with confidences, lines re-joined into
paragraphs like a text PDF's."""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
import tempfile
from functools import cache
from pathlib import Path

from converter.messages import Note
from converter.model import Para, SourceError
from converter.read.formats import MAX_OCR_PAGES, Deadline, Extracted, layout, run_tool

INSTALL = "install tesseract with its Chinese model (make office-deps, or apt-get install tesseract-ocr tesseract-ocr-chi-sim)"
LANG = "chi_sim"
DPI = 300
LOW_CONFIDENCE = 60  # a recognised line below this mean confidence is listed in the record
NOISE_CONFIDENCE = 40  # a line of a few characters below this is a speck, a stamp or a fold, not text
NOISE_CHARS = 3
MAX_PIXELS = 60_000_000  # an image larger than this is refused (a decompression bomb)
_CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
# An item label as OCR misreads it at the start of a paragraph: L or IL for 1. and 11., 2, for 2.
_ITEM_LABEL = re.compile(r"^(?:[0-9Il|]{0,2}L(?![A-Za-z])|[0-9Il|]{1,3}\s*[.．,，、](?![\d%]))\s*")


@cache  # asked once per scan; the answer only changes when a package is installed
def tesseract() -> str | None:
    exe = shutil.which("tesseract")
    if exe is None:
        return None
    try:
        langs = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, timeout=20, check=False).stdout.split()
    except (OSError, subprocess.TimeoutExpired):
        return None
    return exe if LANG in langs else None


def _join_words(words: list[str]) -> str:
    out = ""
    for w in words:
        # Tesseract puts a space between Chinese characters; Latin words keep theirs.
        if out and not (_CJK.search(out[-1]) or _CJK.search(w[0])):
            out += " "
        out += w
    return out


def recognise(png: Path, rel: str, deadline: Deadline, exe: str) -> tuple[list[layout.Line], list[float]]:
    """Lines of one page image (with the mean confidence of each) from tesseract's TSV output."""
    proc = run_tool([exe, str(png), "stdout", "-l", LANG, "--dpi", str(DPI), "tsv"], rel, deadline, "OCR (tesseract)")
    if proc.returncode != 0:
        raise SourceError(rel, f"tesseract failed: {proc.stderr.decode('utf-8', 'replace').strip()[:200]}")
    groups: dict[tuple[str, ...], list[dict[str, str]]] = {}
    for row in csv.DictReader(io.StringIO(proc.stdout.decode("utf-8", "replace")), delimiter="\t", quoting=csv.QUOTE_NONE):
        if row.get("level") == "5" and (row.get("text") or "").strip():
            groups.setdefault((row["page_num"], row["block_num"], row["par_num"], row["line_num"]), []).append(row)
    lines, confs = [], []
    for words in groups.values():
        x0 = min(int(w["left"]) for w in words)
        x1 = max(int(w["left"]) + int(w["width"]) for w in words)
        top = min(int(w["top"]) for w in words)
        bottom = max(int(w["top"]) + int(w["height"]) for w in words)
        heights = sorted(int(w["height"]) for w in words)
        lines.append(layout.Line(_join_words([w["text"].strip() for w in words]), x0, x1, top, bottom, heights[len(heights) // 2]))
        confs.append(sum(float(w["conf"]) for w in words) / len(words))
    return lines, confs


def _drop_noise(pages: list[layout.Page], confs: dict[int, float]) -> list[tuple[Note, str]]:
    removed = []
    for page in pages:
        keep = []
        for ln in page.lines:
            c = confs[id(ln)]
            if c < NOISE_CONFIDENCE and len(ln.text.replace(" ", "")) <= NOISE_CHARS:
                removed.append((Note("file.ocr_noise", n=len(ln.text), confidence=f"{c:.0f}"), ln.text))
            else:
                keep.append(ln)
        page.lines = keep
    return removed


def _result(pages: list[layout.Page], confs: list[float], texts: list[str], tool: str) -> Extracted:
    by_line = dict(zip((id(ln) for p in pages for ln in p.lines), confs))
    removed = _drop_noise(pages, by_line) + layout.strip_furniture(pages)
    paras = [Para(t) for t in layout.paragraphs(pages)]
    kept = {id(ln) for p in pages for ln in p.lines}
    low = [ln.text for p in pages for ln in p.lines if by_line[id(ln)] < LOW_CONFIDENCE and id(ln) in kept]
    mean = sum(confs) / len(confs) if confs else 0.0
    return Extracted(paras, "scan", tool, removed=removed, ocr_confidence=mean, low_confidence=low)


def _ocr_pngs(pngs: list[tuple[Path, float, float]], rel: str, deadline: Deadline, kind: str) -> Extracted:
    exe = tesseract()
    if exe is None:
        raise SourceError(rel, f"a scan (no text layer): needs OCR to read it: {INSTALL}")
    pages, confs, texts = [], [], []
    for png, width, height in pngs:
        lines, c = recognise(png, rel, deadline, exe)
        pages.append(layout.Page(lines, width, height))
        confs += c
        texts += [ln.text for ln in lines]
    result = _result(pages, confs, texts, f"tesseract {LANG}（OCR）")
    result.kind = kind
    return result


def read_pdf_pages(data: bytes, rel: str, n_pages: int, deadline: Deadline) -> Extracted:
    import pypdfium2

    if n_pages > MAX_OCR_PAGES:
        raise SourceError(rel, f"a scan of {n_pages} pages, over the {MAX_OCR_PAGES}-page limit for OCR")
    if tesseract() is None:
        raise SourceError(rel, f"a PDF with no readable text (a scan): needs OCR to read it: {INSTALL}")
    with tempfile.TemporaryDirectory(prefix="policy-ocr-", ignore_cleanup_errors=True) as tmp:
        pngs = []
        doc = pypdfium2.PdfDocument(data)
        try:
            for i in range(len(doc)):
                deadline.left(rel)
                image = doc[i].render(scale=DPI / 72).to_pil()
                path = Path(tmp) / f"page{i:04d}.png"
                image.save(path)
                pngs.append((path, float(image.width), float(image.height)))
        finally:
            doc.close()
        return _ocr_pngs(pngs, rel, deadline, "scan")


def read_image(data: bytes, rel: str, deadline: Deadline) -> Extracted:
    from PIL import Image

    from converter.read.formats import image_format

    name = f"{image_format(data)} image"
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        with Image.open(io.BytesIO(data)) as im:
            if im.width * im.height > MAX_PIXELS:
                raise SourceError(rel, f"{name} of {im.width}×{im.height} pixels, over the {MAX_PIXELS // 10**6}-megapixel limit")
            im.seek(0)
            image = im.convert("L")
    except Image.DecompressionBombError:
        raise SourceError(rel, f"{name} over the {MAX_PIXELS // 10**6}-megapixel limit (a decompression bomb)") from None
    except (OSError, SyntaxError, ValueError):
        raise SourceError(rel, f"corrupt {name}: it cannot be decoded") from None
    with tempfile.TemporaryDirectory(prefix="policy-ocr-", ignore_cleanup_errors=True) as tmp:
        path = Path(tmp) / "image.png"
        image.save(path)
        return _ocr_pngs([(path, float(image.width), float(image.height))], rel, deadline, "image")


def repair_labels(paras: list[Para]) -> int:
    """Item labels misread by OCR (L for 1., IL for 11., 3, for 3.) written as the number they are,
    when it is the next item of its list: the sequence tells a label from a stray letter (the same
    rule as numbering.reflow for flattened text). Returns how many were repaired."""
    from converter.text import numbering

    item = repaired = 0
    for p in paras:
        found = numbering.match(p.text)
        if found is not None and found.kind in ("chapter", "part", "section", "subsection"):
            item = 0
        m = _ITEM_LABEL.match(p.text) if p.kind == "text" else None
        if m is None:
            continue
        token = m.group().strip()
        n = numbering._item_number(token)
        misread = not re.fullmatch(r"\d{1,3}\s*[.．、]", token)
        # A misread label must be the very next item (1 only at a list's start): L型 after 3. is a word.
        if n is None or n not in ((item + 1,) if misread else (item + 1, 1)) or (misread and n == 1 and item):
            continue
        item = n
        if misread:
            p.text = f"{n}." + p.text[m.end():]
            repaired += 1
    return repaired
