"""One policy text, generated at test time in every format the converter reads (nothing binary
is committed): .docx by python-docx, .doc/.wps/.pdf by LibreOffice, a PDF printed by Chromium
(lines broken mid-sentence), an image-only PDF (a scan), an OFD and an .xlsx written by hand."""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

TITLE = "某某市人民政府办公室关于进一步优化营商环境支持中小企业发展的通知"
DOC_NUMBER = "某政办发〔2023〕12号"
ISSUER = "某某市人民政府办公室"
DATE = "2023年5月8日"
ISO_DATE = "2023-05-08"
ADDRESSEE = "各区县人民政府，市政府各部门，各直属机构："
SECTIONS = ["一、总体要求", "二、重点任务", "三、保障措施"]
# Long paragraphs: every fixed-layout format breaks them over several lines.
PARAGRAPHS = [
    "为深入贯彻落实国家和省关于优化营商环境的决策部署，进一步激发市场主体活力，促进中小企业健康发展，经市政府同意，现将有关事项通知如下。",
    "坚持以市场主体需求为导向，以深化简政放权、放管结合、优化服务改革为抓手，持续降低制度性交易成本，到2025年底全市营商环境主要指标达到全省先进水平，中小企业数量年均增长百分之十以上。",
    "（一）深化审批制度改革。全面推行企业开办一网通办，将企业开办时间压缩至一个工作日以内，对符合条件的涉企经营许可事项实行告知承诺制，切实减少审批环节和申请材料。",
    "（二）加大金融支持力度。引导银行业金融机构扩大中小企业信贷投放，鼓励开发信用贷款、首贷和续贷产品，对符合条件的中小企业贷款给予贴息支持，缓解融资难融资贵问题。",
    "（三）强化要素保障服务。统筹用地、用能、用工等要素资源向中小企业倾斜，建立重点企业服务专员制度，及时协调解决企业生产经营中遇到的困难和问题，营造良好发展环境。",
    "各区县、各部门要加强组织领导，明确责任分工，细化工作措施，确保各项政策落地见效。市政府督查室将适时对落实情况进行督促检查，并将结果纳入年度绩效考核。",
]
LAYOUT = [
    ("title", TITLE), ("number", DOC_NUMBER), ("para", ADDRESSEE), ("para", PARAGRAPHS[0]),
    ("heading", SECTIONS[0]), ("para", PARAGRAPHS[1]), ("heading", SECTIONS[1]),
    ("para", PARAGRAPHS[2]), ("para", PARAGRAPHS[3]), ("para", PARAGRAPHS[4]),
    ("heading", SECTIONS[2]), ("para", PARAGRAPHS[5]), ("sign", ISSUER), ("sign", DATE),
]
FULL_TEXT = "\n".join(text for _, text in LAYOUT)


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


TABLE = [["序号", "事项", "牵头单位", "完成时限"], ["1", "企业开办一网通办", "市市场监管局", "2023年6月底"], ["2", "首贷续贷贴息", "市财政局", "2023年9月底"]]


def make_docx(path: Path, header: str | None = None, table: bool = False) -> Path:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "WenQuanYi Micro Hei"
    style.font.size = Pt(14)
    if header:
        doc.sections[0].header.paragraphs[0].text = header
    for kind, text in LAYOUT:
        if kind == "title":
            p = doc.add_paragraph()
            run = p.add_run(text)
            run.bold = True
            run.font.size = Pt(20)
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif kind == "number":
            doc.add_paragraph(text).alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif kind == "heading":
            p = doc.add_paragraph()
            p.add_run(text).bold = True
        elif kind == "sign":
            doc.add_paragraph(text).alignment = WD_ALIGN_PARAGRAPH.RIGHT
        else:
            p = doc.add_paragraph(text)
            p.paragraph_format.first_line_indent = Pt(28)
        if table and text == PARAGRAPHS[4]:
            grid = doc.add_table(rows=len(TABLE), cols=len(TABLE[0]))
            grid.style = "Table Grid"  # ruled: a PDF keeps the lines a table finder looks for
            for r, row in enumerate(TABLE):
                for c, value in enumerate(row):
                    grid.cell(r, c).text = value
    doc.save(str(path))
    return path


def convert(src: Path, target: str, out_dir: Path) -> Path:
    """``src`` converted by LibreOffice (``target`` like "doc", "pdf", "pdf:writer_pdf_Export")."""
    exe = soffice()
    assert exe, "LibreOffice is missing"
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [exe, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless", "--norestore",
             "--convert-to", target, "--outdir", str(out_dir), str(src)],
            check=True, capture_output=True, timeout=180,
        )
    return out_dir / f"{src.stem}.{target.split(':')[0]}"


def policy_html(columns: int = 1) -> str:
    body = []
    for kind, text in LAYOUT:
        style = {"title": "text-align:center;font-size:22pt;font-weight:bold", "number": "text-align:center",
                 "sign": "text-align:right", "heading": "font-weight:bold", "para": "text-indent:2em"}[kind]
        body.append(f'<p style="{style}">{escape(text)}</p>')
    return ("<!doctype html><html><head><meta charset='utf-8'><style>body{font-family:'WenQuanYi Micro Hei';"
            "font-size:15pt;line-height:1.8;margin:0}p{margin:0 0 4pt}"
            f".cols{{column-count:{columns};column-gap:3em}}</style></head><body>"
            + "".join(body[:2]) + "<div class='cols'>" + "".join(body[2:]) + "</div></body></html>")


def chromium_pdf(path: Path, columns: int = 1) -> Path:
    """The policy as Chromium prints it: A4, its own line breaks in the middle of sentences
    (``columns``: the body set in that many columns)."""
    exe = chromium()
    assert exe, "Chromium is missing"
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "policy.html"
        page.write_text(policy_html(columns), encoding="utf-8")
        subprocess.run(
            [exe, "--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={tmp}/profile",
             "--no-pdf-header-footer", f"--print-to-pdf={path}", page.as_uri()],
            check=True, capture_output=True, timeout=120,
        )
    return path


def image_pdf(text_pdf: Path, path: Path, dpi: int = 200) -> Path:
    """A scan: every page of ``text_pdf`` rendered to an image, in a PDF with no text layer."""
    import pypdfium2

    pdf = pypdfium2.PdfDocument(str(text_pdf))
    images = [pdf[i].render(scale=dpi / 72).to_pil().convert("L") for i in range(len(pdf))]
    pdf.close()
    images[0].save(path, "PDF", resolution=dpi, save_all=True, append_images=images[1:])
    return path


def page_image(text_pdf: Path, path: Path, dpi: int = 200) -> Path:
    import pypdfium2

    pdf = pypdfium2.PdfDocument(str(text_pdf))
    pdf[0].render(scale=dpi / 72).to_pil().convert("L").save(path)
    pdf.close()
    return path


def _ofd_page(lines: list[tuple[float, float, float, str]]) -> str:
    objs = []
    for i, (x, y, size, text) in enumerate(lines):
        width = size * len(text)
        objs.append(
            f'<ofd:TextObject ID="{i + 10}" Boundary="{x} {y} {width} {size * 1.2}" Font="1" Size="{size}">'
            f'<ofd:TextCode X="0" Y="{size}">{escape(text)}</ofd:TextCode></ofd:TextObject>'
        )
    return ('<?xml version="1.0" encoding="UTF-8"?><ofd:Page xmlns:ofd="http://www.ofdspec.org/2016"><ofd:Content>'
            '<ofd:Layer ID="2">' + "".join(objs) + "</ofd:Layer></ofd:Content></ofd:Page>")


def make_ofd(path: Path, chars_per_line: int = 28, lines_per_page: int = 30) -> Path:
    """An OFD of the policy laid out like a printed page: 28 characters to a line, paragraphs
    indented two characters, a page number at the foot of each page."""
    size, left, top = 5.5, 25.0, 30.0
    laid: list[tuple[float, str]] = []  # (x, text) per line
    for kind, text in LAYOUT:
        if kind in ("title", "number"):
            for k in range(0, len(text), chars_per_line):
                part = text[k : k + chars_per_line]
                laid.append((left + (chars_per_line - len(part)) * size / 2, part))
        elif kind == "sign":
            laid.append((left + (chars_per_line - len(text)) * size, text))
        else:
            indent = 2 if kind == "para" else 0
            first = chars_per_line - indent
            laid.append((left + indent * size, text[:first]))
            laid += [(left, text[k : k + chars_per_line]) for k in range(first, len(text), chars_per_line)]
    pages = [laid[i : i + lines_per_page] for i in range(0, len(laid), lines_per_page)]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("OFD.xml", '<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016" Version="1.0">'
                    "<ofd:DocBody><ofd:DocInfo><ofd:DocID>x</ofd:DocID></ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>")
        page_refs = "".join(f'<ofd:Page ID="{n + 1}" BaseLoc="Pages/Page_{n}/Content.xml"/>' for n in range(len(pages)))
        zf.writestr("Doc_0/Document.xml", '<?xml version="1.0" encoding="UTF-8"?><ofd:Document xmlns:ofd="http://www.ofdspec.org/2016">'
                    "<ofd:CommonData><ofd:PageArea><ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox></ofd:PageArea></ofd:CommonData>"
                    f"<ofd:Pages>{page_refs}</ofd:Pages></ofd:Document>")
        for n, page in enumerate(pages):
            lines = [(x, top + i * size * 1.8, size, t) for i, (x, t) in enumerate(page)]
            lines.append((100.0, 285.0, 4.0, f"- {n + 1} -"))
            zf.writestr(f"Doc_0/Pages/Page_{n}/Content.xml", _ofd_page(lines))
    return path


def make_xlsx(path: Path, rows: list[list[str]]) -> Path:
    """A minimal .xlsx (inline strings): enough for any reader of the format."""
    def cell(ref: str, v: str) -> str:
        return f'<c r="{ref}" t="inlineStr"><is><t>{escape(v)}</t></is></c>'

    sheet_rows = "".join(
        f'<row r="{r + 1}">' + "".join(cell(f"{chr(65 + c)}{r + 1}", v) for c, v in enumerate(row)) + "</row>"
        for r, row in enumerate(rows)
    )
    files = {
        "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
        "_rels/.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="名单" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"<sheetData>{sheet_rows}</sheetData></worksheet>",
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in files.items():
            zf.writestr(name, text)
    return path


def zip_bomb_docx(path: Path, megabytes: int = 300) -> Path:
    """A .docx-looking zip whose document.xml inflates to ``megabytes`` of zeros."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        with zf.open("word/document.xml", "w", force_zip64=True) as fh:
            block = b"0" * (1 << 20)
            for _ in range(megabytes):
                fh.write(block)
    path.write_bytes(buf.getvalue())
    return path


def long_pdf(path: Path, pages: int = 2000) -> Path:
    """A PDF of ``pages`` blank pages, written by hand (small on disk)."""
    objs = ["<< /Type /Catalog /Pages 2 0 R >>", ""]
    kids = []
    for i in range(pages):
        objs.append("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>")
        kids.append(f"{i + 3} 0 R")
    objs[1] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {pages} >>"
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for n, obj in enumerate(objs, 1):
        offsets.append(out.tell())
        out.write(f"{n} 0 obj\n{obj}\nendobj\n".encode())
    xref = out.tell()
    out.write(f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode())
    out.write("".join(f"{o:010d} 00000 n \n" for o in offsets).encode())
    out.write(f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    path.write_bytes(out.getvalue())
    return path
