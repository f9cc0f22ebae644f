"""Per-format reading speed and OCR character accuracy (make bench-formats).

One policy text (tests/formats_support.py) is generated in every format the machine's tools can
make, converted through the whole pipeline (read -> clean -> split -> extract) several times,
and checked against the known text: title, 文号, date, sections, and the character accuracy of
the body (1 - character error rate, by edit distance; spaces and line breaks ignored)."""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from converter.pipeline import convert_source  # noqa: E402 (after the path line above)
from converter.read.formats import ocr  # noqa: E402
from tests import formats_support as fx  # noqa: E402


def edit_distance(a: str, b: str) -> int:
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def accuracy(got: str, truth: str) -> float:
    a, b = "".join(got.split()), "".join(truth.split())
    return max(0.0, 1 - edit_distance(a, b) / len(b))


def document_text(doc) -> str:
    blocks = [b.label + b.lead + b.text for b in doc.blocks if b.kind not in ("parent", "download")]
    return "\n".join([doc.title, *blocks])


def make_all(d: Path) -> dict[str, Path]:
    out = {"docx (python-docx)": fx.make_docx(d / "policy.docx"), "ofd": fx.make_ofd(d / "policy.ofd"),
           "xlsx (table)": fx.make_xlsx(d / "名单.xlsx", [["序号", "企业名称"], *[[str(i), f"某某科技有限公司{i}"] for i in range(1, 200)]])}
    if fx.soffice():
        out["doc (LibreOffice)"] = fx.convert(out["docx (python-docx)"], "doc", d)
        out["wps (LibreOffice)"] = Path(shutil.copy(out["doc (LibreOffice)"], d / "policy.wps"))
        out["pdf (LibreOffice)"] = fx.convert(out["docx (python-docx)"], "pdf", d)
    if fx.chromium():
        out["pdf (Chromium print)"] = fx.chromium_pdf(d / "printed.pdf")
    base = out.get("pdf (LibreOffice)") or out.get("pdf (Chromium print)")
    if base and ocr.tesseract():
        out["scan pdf 300 dpi (OCR)"] = fx.image_pdf(base, d / "scan300.pdf", dpi=300)
        out["scan pdf 150 dpi (OCR)"] = fx.image_pdf(base, d / "scan150.pdf", dpi=150)
        out["png page 1 (OCR)"] = fx.page_image(base, d / "page.png", dpi=200)
        if b"/ToUnicode" in base.read_bytes():  # fonts without a map back to characters: (cid:NNN)
            cid = d / "cid.pdf"
            cid.write_bytes(base.read_bytes().replace(b"/ToUnicode", b"/Xxxxxxxxx"))
            out["pdf (cid:NNN) text (OCR)"] = cid
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3, help="conversions per format (OCR formats: 1)")
    args = ap.parse_args()
    missing = [name for name, ok in (("LibreOffice", fx.soffice()), ("Chromium", fx.chromium()), ("tesseract chi_sim", ocr.tesseract())) if not ok]
    if missing:
        print(f"not measured (missing: {', '.join(missing)}; make office-deps browser-deps)")
    print("x: the field differs from the known text (OCR: usually one misread character)")
    print(f"{'format':26} {'size KB':>8} {'ms/file':>9} {'title':>6} {'文号':>5} {'date':>5} {'sections':>9} {'char acc':>9}")
    with tempfile.TemporaryDirectory() as tmp:
        for name, path in make_all(Path(tmp)).items():
            runs = 1 if "OCR" in name else args.runs
            times = []
            for _ in range(runs):
                start = time.perf_counter()
                docs, problems = convert_source(path, path.parent)
                times.append(time.perf_counter() - start)
            if problems or not docs:
                print(f"{name:26} {'':>8} {'':>9} failed: {problems[0].reason if problems else 'no document'}")
                continue
            doc = docs[0]
            size = path.stat().st_size / 1024
            if name.startswith("xlsx"):
                print(f"{name:26} {size:8.1f} {statistics.median(times) * 1000:9.0f}   (199-row table)")
                continue
            sections = [b.label + b.text for b in doc.blocks if b.kind == "heading" and b.level == 2]
            text = document_text(doc)
            one_page = "png" in name  # the first page only: no date, not every section
            acc = accuracy(text, fx.FULL_TEXT[: len("".join(text.split())) + 10] if one_page else fx.FULL_TEXT)
            date = "-" if one_page else "ok" if doc.written_date == fx.ISO_DATE else "x"
            secs = "-" if one_page else "ok" if sections == fx.SECTIONS else "x"
            print(f"{name:26} {size:8.1f} {statistics.median(times) * 1000:9.0f} {'ok' if doc.title == fx.TITLE else 'x':>6} "
                  f"{'ok' if doc.doc_number == fx.DOC_NUMBER else 'x':>5} {date:>5} {secs:>9} {acc * 100:8.1f}%")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
