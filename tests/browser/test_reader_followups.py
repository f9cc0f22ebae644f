"""What a reader sees of the QA follow-ups, in a real browser: the 404 page is styled when the
site is served under a sub-path without SITE_URL; a figure shows its image, alt text and caption
(an unsafe image only its words); paragraphs that continue a numbered item are indented as the
item is; the 来源与处理记录 box's summary names what its table lists. Screenshots go to
test-artifacts/."""

from __future__ import annotations

import contextlib
import functools
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from converter import pipeline
from tests.browser.harness import SUB_PATH, _Quiet, _Server, build_site, missing_browser
from tests.browser.test_reader_page import serious_violations
from tests.browser.test_site_browser import ARTIFACTS
from tests.support import CORPUS, ROOT, SOURCES

FIGURE_PAGE = ROOT / "tests" / "fixtures" / "figures" / "figure_page.html"
RULES = CORPUS / "raw" / "govcn_content_5345397.html"  # 国务院工作规则: 十一、 and its further paragraphs
FLOWCHART = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="480" height="120"><rect width="480" height="120" fill="#eef"/>'
    '<text x="20" y="68" font-size="24">受理 → 审查 → 决定</text></svg>'
)


class _PagesLike(_Quiet):
    """Like GitHub Pages: an address with no file gets the site's 404.html, status 404."""

    def send_error(self, code, message=None, explain=None):
        page = Path(self.directory) / SUB_PATH / "404.html"
        if code != 404 or not page.is_file():
            return super().send_error(code, message, explain)
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


@contextlib.contextmanager
def _serve(site: Path) -> Iterator[str]:
    root = site.parent / "_served_pages"
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir()
    (root / SUB_PATH).symlink_to(site.resolve(), target_is_directory=True)
    server = _Server(("127.0.0.1", 0), functools.partial(_PagesLike, directory=str(root)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/{SUB_PATH}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def followup_url(tmp_path_factory, monkeypatch_module):
    reason = missing_browser()
    if reason:
        pytest.skip(f"browser tests skipped: {reason}")
    monkeypatch_module.delenv("SITE_URL", raising=False)
    work = tmp_path_factory.mktemp("followups")
    sources = work / "sources"
    shutil.copytree(SOURCES, sources)
    shutil.copy(FIGURE_PAGE, sources / "figure_page.html")
    if RULES.is_file():
        shutil.copy(RULES, sources / RULES.name)
    shutil.copytree(ROOT / "docs", work / "docs")
    pipeline.build(sources, work / "docs", ROOT)
    site = build_site(work / "docs", work / "site")
    with _serve(site) as url:
        yield url


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as mp:
        yield mp


def _styled(page) -> bool:
    """Material's style sheet applied: its header is a fixed bar with a background colour."""
    return page.evaluate("""() => { const h = document.querySelector('.md-header');
        return !!h && ['sticky', 'fixed'].includes(getComputedStyle(h).position); }""")


@pytest.mark.parametrize("address", ["policies/no-such-document/", "no-such-page"])
def test_404_page_is_styled_under_a_sub_path_without_site_url(page, followup_url, address):
    response = page.goto(followup_url + address)
    assert response.status == 404 and "没有找到这个页面" in page.content()
    page.wait_for_load_state("networkidle")
    assert _styled(page)
    home = page.locator("article a", has_text="返回首页")
    assert home.evaluate("a => a.href") == followup_url
    ARTIFACTS.mkdir(exist_ok=True)
    if address.startswith("policies"):
        page.screenshot(path=str(ARTIFACTS / "404-under-sub-path.png"), full_page=True)


def test_figure_shows_its_image_alt_text_and_caption(page, followup_url):
    page.route("https://www.example.gov.cn/**", lambda route: route.fulfill(status=200, content_type="image/svg+xml", body=FLOWCHART))
    page.goto(followup_url + "policies/figure_page/")
    img = page.locator("article p.figure img")
    assert img.count() == 1
    assert img.get_attribute("alt") == "审批流程图：受理、审查、决定"
    assert img.get_attribute("src") == "https://www.example.gov.cn/zwgk/2024/images/flow.png"
    img.evaluate("i => i.decode()")
    assert img.evaluate("i => i.naturalWidth") == 480
    caption = page.locator("article p.figure-caption")
    assert caption.inner_text().startswith("图1")
    assert caption.bounding_box()["y"] > img.bounding_box()["y"]  # below its image
    assert "图片未收录：组织结构图" in page.locator("article").inner_text()
    assert "javascript:" not in page.locator("article").inner_html()
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator("article").screenshot(path=str(ARTIFACTS / "figure-with-caption.png"))


@pytest.mark.skipif(not RULES.is_file(), reason="reference corpus not present")
def test_paragraphs_continuing_a_numbered_item_are_indented_like_it(page, followup_url):
    page.goto(followup_url + "policies/govcn_content_5345397/")
    indents = page.evaluate("""() => {
        const item = [...document.querySelectorAll('article p.item')].find(p => p.textContent.startsWith('十一、'));
        const next = item.nextElementSibling, after = next.nextElementSibling;
        const px = el => parseFloat(getComputedStyle(el).textIndent);
        return {item: px(item), next: px(next), after: px(after), nextTag: next.tagName, nextClass: next.className};
    }""")
    assert indents["nextTag"] == "P" and indents["nextClass"] == ""
    assert indents["item"] > 0 and indents["next"] == indents["item"] == indents["after"], indents
    ARTIFACTS.mkdir(exist_ok=True)
    item = page.locator("article p.item", has_text="十一、").first
    item.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "item-continuation.png"))


def test_record_box_summary_names_what_its_table_lists(page, followup_url):
    page.goto(followup_url + "policies/002_8c0b7b7d79472d22/")
    box = page.locator("details.record")
    box.locator("summary").click()
    summary = box.locator("li", has_text="清洗统计").inner_text()
    steps = {c.strip() for c in box.locator("tbody tr td:first-child").all_inner_texts()}
    assert steps and all(s in summary for s in steps)
    damaged = box.locator("tbody tr", has_text="以 □ 代替")
    assert damaged.count() and all(t.startswith("修改") for t in damaged.locator("td:first-child").all_inner_texts())
    ARTIFACTS.mkdir(exist_ok=True)
    box.screenshot(path=str(ARTIFACTS / "record-box-summary.png"))


@pytest.mark.parametrize("address", ["policies/no-such-document/", "policies/figure_page/"])
def test_axe_finds_no_serious_violation_on_404_and_figure_pages(page, followup_url, axe_source, address):
    page.route("https://www.example.gov.cn/**", lambda route: route.fulfill(status=200, content_type="image/svg+xml", body=FLOWCHART))
    page.goto(followup_url + address)
    page.wait_for_load_state("networkidle")
    found = serious_violations(page, axe_source)
    assert not found, found
