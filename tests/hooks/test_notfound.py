"""The 404 page without SITE_URL: links relative to a <base> found at run time; with SITE_URL,
MkDocs' absolute links are left as they are."""

from __future__ import annotations

from types import SimpleNamespace

from converter.hooks.notfound import on_post_build

PAGE = (
    '<html><head><meta charset="utf-8"><link rel="stylesheet" href="/assets/main.css"></head><body>'
    '<a href="/">首页</a><a href="https://example.org/x">外部</a><a href="//cdn.example/x">cdn</a>'
    '<script id="__config" type="application/json">{"base":"/","search":"/assets/w.js"}</script>'
    '<script src="/assets/bundle.js"></script></body></html>'
)


def _built(tmp_path, site_url: str) -> str:
    (tmp_path / "404.html").write_text(PAGE, encoding="utf-8")
    (tmp_path / "policies").mkdir()
    on_post_build(SimpleNamespace(site_dir=str(tmp_path), site_url=site_url))
    return (tmp_path / "404.html").read_text(encoding="utf-8")


def test_404_page_without_site_url_links_relative_to_a_base_found_at_run_time(tmp_path):
    page = _built(tmp_path, "")
    assert 'href="/' not in page.replace('href="//', "") and 'src="/' not in page
    assert 'href="assets/main.css"' in page and 'src="assets/bundle.js"' in page
    assert 'href="https://example.org/x"' in page and 'href="//cdn.example/x"' in page
    assert page.index("<base href=") > page.index('<meta charset="utf-8">')
    assert page.index("<base href=") < page.index("assets/main.css")
    assert '["policies"]' in page  # the site's own top-level names, to find its root
    assert page.index("v.base=window.__policy_root") < page.index('src="assets/bundle.js"')


def test_404_page_with_site_url_is_left_as_mkdocs_wrote_it(tmp_path):
    assert _built(tmp_path, "https://owner.github.io/repo/") == PAGE
