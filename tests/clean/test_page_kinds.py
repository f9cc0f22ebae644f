"""Pages that are no document: a list page (rows of dated links), a document shown only as an
image or a file. Nothing is made from them; build and check say what the page is, and it is
no failure of the build."""

from __future__ import annotations

import pytest

from converter.clean import htmltext
from converter.cli import main
from converter.pipeline import convert_many, convert_source
from tests.contrib_support import PAGE_A, make_project, run_cli
from tests.support import ROOT

NAV = "<div class='nav'><a href='/'>首页</a> <a href='/a'>机构概况</a> <a href='/b'>政务公开</a></div>"
FOOT = "<div class='foot'>版权所有：示范市人民政府办公室　地址：示范市人民路1号，联系电话：0000-1234567。</div>"


def list_page(n: int = 20, shape: str = "ul") -> str:
    if shape == "ul":
        rows = "".join(
            f"<li><a href='/art/{i}.html'>示范市人民政府办公室关于做好第{i}项重点工作的通知</a><span>2021-03-{i:02d}</span></li>" for i in range(1, n + 1)
        )
        body = f"<div class='lm'>政策文件</div><ul>{rows}</ul>"
    else:  # a table with column headers: never a document titled 序号 标题 文号
        rows = "".join(
            f"<tr><td>{i}</td><td><a href='/c/{i}.html'>示范市人民政府关于第{i}批项目的批复</a></td><td>示政字〔2021〕{i}号</td><td>2021年3月{i}日</td></tr>"
            for i in range(1, n + 1)
        )
        body = f"<table><tr><th>序号</th><th>标题</th><th>文号</th><th>发布日期</th></tr>{rows}</table>"
    pages = "<div class='page'>共5页 <a href='?p=2'>下一页</a> <a href='?p=5'>尾页</a></div>"
    return f"<html><head><meta charset='utf-8'><title>政策文件_示范市人民政府</title></head><body>{NAV}<div class='main'>{body}{pages}</div>{FOOT}</body></html>"


IMAGE_PAGE = (
    "<html><head><meta charset='utf-8'><title>示范市人民政府关于印发某方案的通知</title></head><body>" + NAV
    + "<h1>示范市人民政府关于印发某方案的通知</h1><div class='content'><p><img src='/uploads/scan001.jpg' alt='通知扫描件第1页'></p></div>"
    + FOOT + "</body></html>"
)
FILE_PAGE = IMAGE_PAGE.replace("<img src='/uploads/scan001.jpg' alt='通知扫描件第1页'>", "<a href='/uploads/fangan.pdf'>示范市某方案.pdf</a>")


@pytest.mark.parametrize("shape", ["ul", "table"])
def test_a_list_page_gives_no_document_and_says_it_is_a_list(tmp_path, shape):
    path = tmp_path / "list.html"
    path.write_text(list_page(shape=shape), encoding="utf-8")
    docs, problems = convert_source(path, ROOT)
    assert docs == []
    assert [p.kind for p in problems] == ["list"] and "list page" in problems[0].reason


@pytest.mark.parametrize("page, kind", [(IMAGE_PAGE, "image"), (FILE_PAGE, "attachment")])
def test_a_document_shown_only_as_an_image_or_a_file_gives_no_document(tmp_path, page, kind):
    path = tmp_path / "p.html"
    path.write_text(page, encoding="utf-8")
    docs, problems = convert_source(path, ROOT)
    assert docs == [] and [p.kind for p in problems] == [kind]



@pytest.mark.parametrize("name", ["online.jpg", "guideline-2024.png", "redotcom.png", "bgm_scan.jpg"])
def test_a_scan_whose_file_name_only_contains_a_chrome_word_is_still_the_document(tmp_path, name):
    path = tmp_path / "p.html"
    path.write_text(IMAGE_PAGE.replace("scan001.jpg", name), encoding="utf-8")
    docs, problems = convert_source(path, ROOT)
    assert docs == [] and [p.kind for p in problems] == ["image"]


@pytest.mark.parametrize("name", ["top_logo.png", "btn01.gif", "icon-print.png", "QRcode.jpg", "ewm2.jpg", "bg.png", "a/gh.png?v=1"])
def test_chrome_images_are_known_by_a_whole_part_of_their_file_name(name):
    assert htmltext._chrome_image("/images/" + name) == (name != "a/gh.png?v=1")

def test_a_document_with_a_sidebar_of_dated_related_links_is_a_document(tmp_path):
    related = "".join(f"<li><a href='/r/{i}.html'>示范市召开第{i}次专题会议部署相关工作</a><span>2021-03-{i:02d}</span></li>" for i in range(1, 13))
    page = list_page().replace(
        "<div class='main'>",
        "<div class='main'><div class='article'><h1>示范市人民政府关于做好春季农业生产工作的通知</h1>"
        "<p>各县（区）人民政府：</p><p>为做好今年春季农业生产工作，确保粮食稳定增产，现将有关事项通知如下。</p>"
        "<p>示范市人民政府</p><p>2021年3月2日</p></div><div class='side'><h3>相关阅读</h3><ul>" + related + "</ul></div><div class='x'>",
    ).replace("</div>" + FOOT, "</div></div>" + FOOT)
    path = tmp_path / "doc.html"
    path.write_text(page, encoding="utf-8")
    docs, problems = convert_source(path, ROOT)
    assert len(docs) == 1 and not problems
    assert docs[0].title == "示范市人民政府关于做好春季农业生产工作的通知"


def test_dated_rows_are_links_with_a_date_beside_them():
    root = htmltext.parse(list_page(n=9))
    assert len(htmltext.dated_rows(root)) == 9


def test_build_reports_a_list_page_as_a_notice_not_a_failure(tmp_path, capsys):
    src = tmp_path / "sources"
    src.mkdir()
    (src / "list.html").write_text(list_page(), encoding="utf-8")
    (src / "a.html").write_bytes(PAGE_A if isinstance(PAGE_A, bytes) else PAGE_A.encode("utf-8"))
    code = main(["build", "--sources", str(src), "--out", str(tmp_path / "docs"), "--no-cache"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "notice:" in out and "list.html" in out and "list page" in out
    result = convert_many(sorted(src.iterdir()), ROOT)
    assert not result.problems and [n.kind for n in result.notices] == ["list"]


def test_check_reports_a_list_page_as_a_warning_naming_the_file(tmp_path):
    root = make_project(tmp_path, {"a.html": PAGE_A, "list.html": list_page()})
    code, out = run_cli("check", "--root", str(root))
    lines = out.splitlines()
    assert code == 0, out
    assert any(line.startswith("sources/list.html: (source): warning: not a document: a list page") for line in lines)


def test_a_list_page_stays_a_notice_when_taken_from_the_cache(tmp_path, capsys):
    src = tmp_path / "sources"
    src.mkdir()
    (src / "list.html").write_text(list_page(), encoding="utf-8")
    args = ["build", "--sources", str(src), "--out", str(tmp_path / "docs"), "--cache", str(tmp_path / "cache")]
    assert main(args) == 0
    capsys.readouterr()
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "notice:" in out and "list page" in out and "1 unchanged" in out
