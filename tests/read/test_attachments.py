"""A page and its attachments (scraper `fetch --attachments` layout: NAME.html, NAME.meta.yml
listing the attachments, NAME.attachments/FILE) converted and linked together."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import yaml

from converter import pipeline
from scraper.store import attachment_filenames
from tests import formats_support as fx

PAGE_URL = "https://www.example.gov.cn/zwgk/2023/0508/notice.html"
# Where the page sources/notice.html's attachments are published: its stem and its path's hash.
NOTICE = "notice_" + hashlib.sha256(b"sources/notice.html").hexdigest()[:10]


def _page(body: str, title: str) -> str:
    return (f"<html><head><meta charset='utf-8'><title>{title}</title></head><body>"
            f"<div class='article'><h1>{title}</h1><p>发布日期：2023-05-09</p>{body}</div></body></html>")


def _scraped(src: Path, stem: str, html: str, files: dict[str, tuple[str, Path | bytes]]) -> Path:
    """A page saved as the scraper saves it, with ``files``: URL file name -> (link text, content)."""
    src.mkdir(exist_ok=True)
    page = src / f"{stem}.html"
    page.write_text(html, encoding="utf-8")
    urls = [f"https://www.example.gov.cn/zwgk/2023/0508/{name}" for name in files]
    meta = {"url": PAGE_URL, "final_url": PAGE_URL, "site": "www.example.gov.cn", "fetched_at": "2023-05-10T08:00:00Z",
            "attachments": [{"name": text, "url": u} for (text, _), u in zip(files.values(), urls)]}
    (src / f"{stem}.meta.yml").write_text(yaml.safe_dump(meta, allow_unicode=True), encoding="utf-8")
    folder = src / f"{stem}.attachments"
    folder.mkdir()
    for ((_, content), name) in zip(files.values(), attachment_filenames(urls)):
        target = folder / name
        if isinstance(content, Path):
            shutil.copy(content, target)
        else:
            target.write_bytes(content)
    return page


def _links(files: dict[str, tuple[str, object]]) -> str:
    return "".join(f"<p><a href='{name}'>{text}</a></p>" for name, (text, _) in files.items())


def test_wrapper_page_takes_its_attachment_as_the_document(tmp_path):
    docx = fx.make_docx(tmp_path / "made.docx")
    files = {"P020230508.docx": ("附件：" + fx.TITLE, docx)}
    body = "<p>现将有关事项通知印发给你们，请认真贯彻执行。</p><p>详见附件。</p>"
    _scraped(tmp_path / "sources", "notice", _page(body + _links(files), fx.TITLE), files)
    result = pipeline.build(tmp_path / "sources", tmp_path / "docs", tmp_path)
    assert not result.problems, result.problems
    [doc] = result.docs
    assert doc.slug == "notice"
    assert doc.title == fx.TITLE and doc.doc_number == fx.DOC_NUMBER and doc.written_date == fx.ISO_DATE
    assert doc.publish_date == "2023-05-09" and doc.source.url == PAGE_URL
    assert doc.source.extracted_from["file"] == "sources/notice.attachments/P020230508.docx"
    page = (tmp_path / "docs" / "policies" / "notice.md").read_text(encoding="utf-8")
    assert fx.PARAGRAPHS[1] in page
    assert f"- 原件下载：[P020230508.docx](../attachments/{NOTICE}/P020230508.docx)" in page
    assert (tmp_path / "docs" / "attachments" / NOTICE / "P020230508.docx").read_bytes() == docx.read_bytes()


def test_page_with_only_an_image_takes_its_attachment(tmp_path):
    docx = fx.make_docx(tmp_path / "made.docx")
    files = {"P020230508.docx": ("附件", docx)}
    _scraped(tmp_path / "sources", "scan-page", _page("<p><img src='scan.png'></p>" + _links(files), "通知"), files)
    result = pipeline.build(tmp_path / "sources", tmp_path / "docs", tmp_path)
    assert not result.problems, result.problems
    [doc] = result.docs
    assert doc.slug == "scan-page" and doc.title == fx.TITLE and doc.source.url == PAGE_URL
    assert (tmp_path / "docs" / "attachments" / ("scan-page_" + hashlib.sha256(b"sources/scan-page.html").hexdigest()[:10]) / "P020230508.docx").is_file()


def test_list_attachment_stays_an_attachment_with_its_own_page(tmp_path):
    xlsx = fx.make_xlsx(tmp_path / "list.xlsx", [["序号", "企业名称"], ["1", "某某科技有限公司"], ["2", "某某制造有限公司"]])
    files = {"P0203.xlsx": ("附件1：2023年度专精特新中小企业名单", xlsx)}
    body = "".join(f"<p>{p}</p>" for p in fx.PARAGRAPHS) + _links(files)
    _scraped(tmp_path / "sources", "notice", _page(body, fx.TITLE), files)
    result = pipeline.build(tmp_path / "sources", tmp_path / "docs", tmp_path)
    assert not result.problems, result.problems
    slugs = sorted(d.slug for d in result.docs)
    assert slugs == ["notice", "notice_P0203"]
    page = (tmp_path / "docs" / "policies" / "notice.md").read_text(encoding="utf-8")
    assert f"- 附件：[附件1：2023年度专精特新中小企业名单](notice_P0203.md)（[下载原件](../attachments/{NOTICE}/P0203.xlsx)）" in page
    own = (tmp_path / "docs" / "policies" / "notice_P0203.md").read_text(encoding="utf-8")
    assert "2023年度专精特新中小企业名单" in own and "某某制造有限公司" in own
    assert f"- 所属页面：[{fx.TITLE}](notice.md)" in own


def test_check_finds_a_built_project_with_attachments_up_to_date(tmp_path):
    from converter.tools import check

    xlsx = fx.make_xlsx(tmp_path / "list.xlsx", [["序号", "企业名称"], ["1", "某某科技有限公司"]])
    files = {"P0203.xlsx": ("附件1：企业名单", xlsx)}
    body = "".join(f"<p>{p}</p>" for p in fx.PARAGRAPHS) + _links(files)
    _scraped(tmp_path / "sources", "notice", _page(body, fx.TITLE), files)
    pipeline.build(tmp_path / "sources", tmp_path / "docs", tmp_path)
    report = check.run(tmp_path, tmp_path / "sources", tmp_path / "docs")
    assert not [p for p in report.problems if "out of date" in p.message or "missing" in p.message], report.problems
    (tmp_path / "docs" / "attachments" / NOTICE / "P0203.xlsx").write_bytes(b"changed")
    report = check.run(tmp_path, tmp_path / "sources", tmp_path / "docs")
    assert any("out of date" in p.message for p in report.problems)


def test_attachment_publishes_only_its_true_format_under_a_safe_name(tmp_path):
    """An 'attachment' that is really an HTML page named .pdf is not published as a download."""
    files = {"evil.pdf": ("附件：说明", b"<html><script>alert(1)</script></html>")}
    body = "".join(f"<p>{p}</p>" for p in fx.PARAGRAPHS) + _links(files)
    _scraped(tmp_path / "sources", "notice", _page(body, fx.TITLE), files)
    pipeline.build(tmp_path / "sources", tmp_path / "docs", tmp_path)
    assert not (tmp_path / "docs" / "attachments").exists()


def test_a_bad_attachment_is_reported_and_its_page_still_built(tmp_path):
    files = {"bomb.docx": ("附件：说明", fx.zip_bomb_docx(tmp_path / "bomb.docx", 120))}
    body = "".join(f"<p>{p}</p>" for p in fx.PARAGRAPHS) + _links(files)
    _scraped(tmp_path / "sources", "notice", _page(body, fx.TITLE), files)
    (tmp_path / "sources" / "notice.attachments" / "bomb.meta.yml").write_text("overrides: {}\n")  # a sidecar is not a source
    result = pipeline.build(tmp_path / "sources", tmp_path / "docs", tmp_path)
    assert [d.slug for d in result.docs] == ["notice"]
    assert not result.problems  # the page is built: the attachment is a warning, not a failed build
    assert [p.file for p in result.attachment_problems] == ["sources/notice.attachments/bomb.docx"]
    assert "zip bomb" in result.attachment_problems[0].reason


def test_an_attachment_is_issued_with_its_page(tmp_path):
    from converter.tools import check

    xlsx = fx.make_xlsx(tmp_path / "list.xlsx", [["序号", "企业名称"], ["1", "某某科技有限公司"]])
    files = {"P0203.xlsx": ("附件1：企业名单", xlsx)}
    body = "".join(f"<p>{p}</p>" for p in fx.PARAGRAPHS) + f"<p>{fx.ISSUER}</p><p>{fx.DATE}</p>" + _links(files)
    _scraped(tmp_path / "sources", "notice", _page(body, fx.TITLE), files)
    result = pipeline.build(tmp_path / "sources", tmp_path / "docs", tmp_path)
    att = next(d for d in result.docs if d.slug == "notice_P0203")
    assert att.doc_type == "附件" and att.issuers == [fx.ISSUER] and att.publish_date == "2023-05-09"
    assert not [w for w in att.warnings if w.endswith("not found")]
    report = check.run(tmp_path, tmp_path / "sources", tmp_path / "docs")
    assert not [p for p in report.problems if p.file.endswith("P0203.xlsx")], report.problems


def test_build_with_an_unreadable_attachment_warns_and_exits_zero(tmp_path, capsys):
    from converter.cli import main

    files = {"archive.zip": ("附件：材料", b"PK\x05\x06" + b"\x00" * 18)}
    body = "".join(f"<p>{p}</p>" for p in fx.PARAGRAPHS) + _links(files)
    _scraped(tmp_path / "sources", "notice", _page(body, fx.TITLE), files)
    code = main(["build", "--sources", str(tmp_path / "sources"), "--out", str(tmp_path / "docs"), "--no-cache"])
    out = capsys.readouterr().out
    assert code == 0
    assert "warning:" in out and "archive.zip" in out


def test_attachments_with_chinese_names_are_published_under_distinct_stable_names(tmp_path):
    src = tmp_path / "sources"
    src.mkdir()
    body = "".join(f"<p>{p}</p>" for p in fx.PARAGRAPHS)
    (src / "通知.html").write_text(_page(body + "<p><a href='附件1.xlsx'>附件1</a></p><p><a href='附表1.xlsx'>附表1</a></p>", fx.TITLE), encoding="utf-8")
    folder = src / "通知.attachments"
    folder.mkdir()
    fx.make_xlsx(folder / "附件1.xlsx", [["序号", "企业名称"], ["1", "某某科技有限公司"]])
    fx.make_xlsx(folder / "附表1.xlsx", [["序号", "项目名称"], ["1", "某某改造项目"]])
    (src / "公告.html").write_text(_page(body, "某某市人民政府关于做好某项工作的公告"), encoding="utf-8")  # another all-Chinese page name
    (src / "公告.attachments").mkdir()
    fx.make_xlsx(src / "公告.attachments" / "附件1.xlsx", [["序号", "单位名称"], ["1", "某某单位"]])
    result = pipeline.build(src, tmp_path / "docs", tmp_path)
    assert not result.problems, result.problems
    published = sorted(p.relative_to(tmp_path / "docs").as_posix() for p in (tmp_path / "docs" / "attachments").rglob("*.xlsx"))
    assert len(published) == 3  # 附件1 and 附表1 of one page, 附件1 of the other: none overwritten
    assert all(Path(p).parent.name != "page" for p in published)
    again = tmp_path / "again"
    pipeline.build(src, again, tmp_path)
    assert sorted(p.relative_to(again).as_posix() for p in (again / "attachments").rglob("*.xlsx")) == published
