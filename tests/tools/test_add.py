"""`python -m converter add` (`make add URL=…` / `make add FILE=…`): page into sources/, docs/ rebuilt,
summary printed; the result passes `converter check`."""

from __future__ import annotations

import hashlib
import subprocess
import threading
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml

from scraper.store import page_filename
from tests.contrib_support import PAGE_A, PAGE_B, PAGE_BARE, make_project, run_cli
from tests.scraper.scraper_http import PolicyServer, RequestHandler
from tests.support import ROOT


@pytest.fixture
def project(tmp_path):
    return make_project(tmp_path, {"b.html": PAGE_B})


@pytest.fixture
def saved(tmp_path):
    """A page a contributor saved with the browser, under a Chinese name."""
    path = tmp_path / "download" / "浙政办发12号 通知.html"
    path.parent.mkdir()
    path.write_text(PAGE_A, encoding="utf-8")
    return path


@pytest.fixture
def server():
    app = PolicyServer()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), RequestHandler)
    httpd.daemon_threads = True
    httpd.app = app
    app.port = httpd.server_address[1]
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield app
    httpd.shutdown()
    httpd.server_close()
    thread.join(timeout=5)


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch):
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)


def _add(root: Path, *argv: str) -> tuple[int, list[str]]:
    code, out = run_cli("add", "--root", str(root), "--delay", "0", *argv)
    return code, out.splitlines()


def _sources(root: Path) -> list[str]:
    return sorted(p.name for p in (root / "sources").iterdir())


def test_add_file_copies_the_page_with_a_sidecar_and_prints_its_summary(project, saved):
    code, lines = _add(project, "--file", str(saved))
    digest = hashlib.sha256(PAGE_A.encode("utf-8")).hexdigest()
    name = f"12_{digest[:10]}"  # the Chinese name is not kept: ASCII left over + content hash
    assert code == 0, lines
    assert _sources(project) == sorted(["b.html", f"{name}.html", f"{name}.meta.yml"])
    assert (project / "sources" / f"{name}.html").read_bytes() == saved.read_bytes()
    side = yaml.safe_load((project / "sources" / f"{name}.meta.yml").read_text(encoding="utf-8"))
    assert side["sha256"] == digest
    assert side["url"] is None and side["fetched_at"] is None
    assert lines[0] == f"created: sources/{name}.html + sources/{name}.meta.yml"
    summary = lines[lines.index(f"sources/{name}.html -> 1 document") + 1 :]
    assert summary[:9] == [
        "  标题：浙江省人民政府办公厅关于加强基层医疗卫生服务的通知",
        "  发文字号：浙政办发〔2020〕12号",
        "  发文机关：浙江省人民政府办公厅",
        "  成文日期：2020-03-05",
        "  发布日期：—",
        "  地区/层级：浙江省 · provincial（省级）",
        "  类型：通知",
        "  warning: publish_date: not found",
        f"  review: docs/policies/{name}.md",
    ]
    assert (project / "docs" / "policies" / f"{name}.md").is_file()


def test_after_add_file_the_check_passes(project, saved):
    assert _add(project, "--file", str(saved))[0] == 0
    code, out = run_cli("check", "--root", str(project))
    assert code == 0, out


def test_add_file_with_its_url_names_it_like_the_scraper_and_records_the_url(project, saved):
    url = "https://www.zj.gov.cn/art/2020/3/5/art_1229017138_123456.html"
    code, lines = _add(project, "--file", str(saved), "--url", url)
    name = page_filename(url, "text/html")
    assert code == 0, lines
    side = yaml.safe_load((project / "sources" / name.replace(".html", ".meta.yml")).read_text(encoding="utf-8"))
    assert side["url"] == url and side["site"] == "www.zj.gov.cn" and side["fetched_at"] is None
    (review,) = [x.removeprefix("  review: ") for x in lines if x.startswith("  review: ")]
    assert f"  url: {url}\n" in (project / review).read_text(encoding="utf-8")


def test_a_newer_copy_of_the_same_address_replaces_the_old_one_keeping_hash_and_overrides(project, saved, tmp_path):
    url = "https://www.zj.gov.cn/art/2020/3/5/art_1229017138_123456.html"
    _add(project, "--file", str(saved), "--url", url)
    side_path = project / "sources" / page_filename(url, "text/html").replace(".html", ".meta.yml")
    side_path.write_text(side_path.read_text(encoding="utf-8") + "overrides:\n  topics: [医疗卫生]\n", encoding="utf-8")
    newer = tmp_path / "newer.html"
    newer.write_text(PAGE_A.replace("加强组织领导", "切实加强组织领导"), encoding="utf-8")
    code, lines = _add(project, "--file", str(newer), "--url", url)
    name = page_filename(url, "text/html")
    assert code == 0 and lines[0].startswith(f"updated: sources/{name}")
    assert _sources(project) == sorted(["b.html", name, name.replace(".html", ".meta.yml")])
    side = yaml.safe_load((project / "sources" / name.replace(".html", ".meta.yml")).read_text(encoding="utf-8"))
    assert side["sha256"] == hashlib.sha256(newer.read_bytes()).hexdigest()
    assert side["history"] == [{"sha256": hashlib.sha256(saved.read_bytes()).hexdigest(), "fetched_at": None}]
    assert side["overrides"] == {"topics": ["医疗卫生"]}  # what people wrote survives


def test_an_ascii_file_name_is_kept(project, tmp_path):
    path = tmp_path / "zj-notice_2020.html"
    path.write_text(PAGE_A, encoding="utf-8")
    assert _add(project, "--file", str(path))[0] == 0
    assert "zj-notice_2020.html" in _sources(project)


def test_adding_the_same_page_twice_copies_it_once(project, saved):
    _add(project, "--file", str(saved))
    before = _sources(project)
    code, lines = _add(project, "--file", str(saved))
    assert code == 0
    assert _sources(project) == before
    assert lines[0].startswith("unchanged: sources/12_")
    assert lines[1].startswith("note: the same page is already in sources/ as 12_")


def test_a_different_page_under_a_taken_name_gets_its_hash(project, tmp_path):
    path = tmp_path / "b.html"  # same name as the page already in sources/, other bytes
    path.write_text(PAGE_A, encoding="utf-8")
    assert _add(project, "--file", str(path))[0] == 0
    digest = hashlib.sha256(PAGE_A.encode("utf-8")).hexdigest()[:10]
    assert (project / "sources" / "b.html").read_text(encoding="utf-8") == PAGE_B
    assert f"b_{digest}.html" in _sources(project)


@pytest.mark.parametrize("content, reason", [(b"", "empty file"), (b"%PDF-1.4\n...", "corrupt PDF: PDFSyntaxError: No /Root object! - Is this really a PDF?")])
def test_a_file_that_is_not_a_page_is_not_added(project, tmp_path, content, reason):
    path = tmp_path / "x.html"
    path.write_bytes(content)
    code, lines = _add(project, "--file", str(path))
    assert code == 1
    assert lines == [f"error: {path}: {reason}; nothing was added"]
    assert _sources(project) == ["b.html"]


def test_a_missing_file_is_an_error(project, tmp_path):
    code, lines = _add(project, "--file", str(tmp_path / "nope.html"))
    assert code == 1 and lines == [f"error: {tmp_path / 'nope.html'}: no such file"]


def test_add_without_url_or_file_is_a_usage_error(project):
    assert run_cli("add", "--root", str(project))[0] == 2


def test_a_page_repeating_a_doc_number_already_in_the_corpus_is_flagged(project, tmp_path):
    path = tmp_path / "again.html"
    path.write_text(PAGE_A.replace("浙政办发〔2020〕12号", "浙卫发〔2021〕7号"), encoding="utf-8")
    code, lines = _add(project, "--file", str(path))
    flagged = [x for x in lines if x.startswith("warning: ") and "浙卫发〔2021〕7号" in x and "sources/b.html" in x]
    assert code == 0 and len(flagged) == 1
    assert run_cli("check", "--root", str(project))[0] == 1


def test_a_page_missing_fields_says_so_in_the_summary(project, tmp_path):
    path = tmp_path / "bare.html"
    path.write_text(PAGE_BARE, encoding="utf-8")
    code, lines = _add(project, "--file", str(path))
    assert code == 0
    assert "  发文字号：—" in lines and "  warning: doc_number: not found" in lines


def test_a_page_without_a_title_is_kept_and_the_fix_is_printed(project, tmp_path):
    from tests.contrib_support import BODY

    path = tmp_path / "body-only.txt"
    path.write_text("\n".join(BODY[1:]), encoding="utf-8")
    code, lines = _add(project, "--file", str(path))
    assert code == 1
    assert "error: sources/body-only.txt: document 1: no title found (add `overrides: {title: …}` to the sidecar)" in lines
    assert "body-only.meta.yml" in _sources(project)  # the contributor adds the title there
    (project / "sources" / "body-only.meta.yml").write_text(
        (project / "sources" / "body-only.meta.yml").read_text(encoding="utf-8") + "overrides:\n  title: 基层医疗卫生服务实施意见\n",
        encoding="utf-8",
    )
    code, lines = _add(project, "--file", str(path))
    assert code == 0 and "  标题：基层医疗卫生服务实施意见" in lines


# --- --url: through the scraper, against a real local server -------------------------------


def test_add_url_fetches_saves_converts_and_passes_the_check(project, server):
    url = server.page("/zc/art_123.html", PAGE_A.encode("gb18030").replace(b'charset="utf-8"', b'charset="gbk"'), "text/html")
    code, lines = _add(project, "--url", url)
    name = page_filename(url, "text/html")
    assert code == 0, lines
    assert lines[0] == f"created: sources/{name} + sources/{name.replace('.html', '.meta.yml')}"
    assert "  标题：浙江省人民政府办公厅关于加强基层医疗卫生服务的通知" in lines
    assert "  发文字号：浙政办发〔2020〕12号" in lines
    side = yaml.safe_load((project / "sources" / name.replace(".html", ".meta.yml")).read_text(encoding="utf-8"))
    assert side["url"] == url and side["fetched_at"] and side["encoding"] in ("gbk", "gb18030")
    assert run_cli("check", "--root", str(project))[0] == 0


def test_add_url_that_fails_adds_nothing(project, server):
    code, lines = _add(project, "--url", server.url("/missing.html"))
    assert code == 1
    assert len(lines) == 1 and lines[0].startswith(f"error: {server.url('/missing.html')}: ") and "404" in lines[0]
    assert _sources(project) == ["b.html"]


def test_add_url_of_a_corrupt_pdf_adds_nothing(project, server):
    url = server.page("/files/notice.pdf", b"%PDF-1.4\n%...", "application/pdf")
    code, lines = _add(project, "--url", url)
    assert code == 1
    # A PDF is a document the converter reads (converter/formats); this one is broken.
    assert lines == [f"error: {url}: corrupt PDF: PDFSyntaxError: No /Root object! - Is this really a PDF?; nothing was added"]
    assert _sources(project) == ["b.html"]


# --- the make targets ------------------------------------------------------------------------


def test_make_add_and_check_call_the_converter():
    def dry(*args: str) -> str:
        proc = subprocess.run(["make", "-n", "--no-print-directory", "-C", str(ROOT), *args], capture_output=True, text=True, check=False)
        assert proc.returncode == 0, proc.stderr
        return " ".join(proc.stdout.strip().splitlines()[-1].split())

    assert dry("add", "FILE=saved page.html").endswith("-m converter add --file 'saved page.html' -j 1")
    assert dry("add", "URL=https://a.gov.cn/x?id=1&p=2", "FILE=p.html").endswith(
        "-m converter add --url 'https://a.gov.cn/x?id=1&p=2' --file 'p.html' -j 1"
    )
    assert dry("check").endswith("-m converter check -j 1")


def test_add_file_takes_a_word_document_under_its_own_extension(project, tmp_path):
    from tests import formats_support as fx

    doc = fx.make_docx(tmp_path / "notice.docx")
    misnamed = tmp_path / "notice.html"  # saved under the wrong name: the bytes decide
    misnamed.write_bytes(doc.read_bytes())
    code, lines = _add(project, "--file", str(misnamed))
    assert code == 0, lines
    assert "notice.docx" in _sources(project)
    assert any(fx.TITLE in line for line in lines)
