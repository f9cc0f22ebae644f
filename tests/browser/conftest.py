"""The built sample site (docs/ -> MkDocs -> Pagefind), served on 127.0.0.1 under a sub-path,
and a headless Chromium page. Skipped, with the reason, when Chromium is not installed."""

from __future__ import annotations

import pytest

from tests.browser.harness import build_site, chromium, missing_browser, serve
from tests.support import ROOT


@pytest.fixture(scope="session")
def built_site(tmp_path_factory):
    reason = missing_browser()
    if reason:
        pytest.skip(f"browser tests skipped: {reason}")
    return build_site(ROOT / "docs", tmp_path_factory.mktemp("browser") / "site")


@pytest.fixture(scope="session")
def site_url(built_site):
    with serve(built_site) as url:
        yield url


@pytest.fixture(scope="session")
def browser(site_url):
    with chromium() as b:
        yield b


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    context.set_default_timeout(10_000)
    p = context.new_page()
    errors: list[str] = []
    p.on("pageerror", lambda e: errors.append(str(e)))
    yield p
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="session")
def axe_source() -> str:
    """axe-core's script, for the accessibility tests (installed by `make axe`)."""
    if not AXE.is_file():
        pytest.skip(f"accessibility tests skipped: {AXE} missing: run `make axe` (npm ci)")
    return AXE.read_text(encoding="utf-8")
