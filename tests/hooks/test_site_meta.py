"""What each page says about itself: titles, descriptions, OpenGraph, schema.org Legislation,
absolute sitemap/canonical/feed links from SITE_URL, the Chinese footer and 404 page."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from converter.hooks import seo
from tests.support import ROOT

DOC = "policies/001_d2b59fd790b2730b/index.html"
SITE_URL = "https://example.org/policy-library/"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("seo") / "site"
    env = {"SITE_URL": SITE_URL, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": "1656633600", "PATH": "/usr/bin:/bin"}
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "-d", str(out)],
                          cwd=ROOT, env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return out


def _read(site, rel: str) -> str:
    return (site / rel).read_text(encoding="utf-8")


def test_home_title_is_the_site_name_once(site):
    assert "<title>政策文件库</title>" in _read(site, "index.html")


def test_document_has_its_own_description_and_opengraph(site):
    page = _read(site, DOC)
    want = "哈尔滨市人民政府办公厅关于印发哈尔滨市城市公立医院综合改革实施方案的通知 · 哈政办规〔2017〕28号 · 哈尔滨市人民政府办公厅 · 2017-06-08"
    assert f'<meta name="description" content="{want}">' in page
    assert '<meta property="og:type" content="article">' in page
    assert f'<meta property="og:url" content="{SITE_URL}policies/001_d2b59fd790b2730b/">' in page
    descriptions = {re.search(r'<meta name="description" content="([^"]*)"', _read(site, p)).group(1)
                    for p in ("index.html", DOC, "policies/index.html", "timeline/index.html")}
    assert len(descriptions) == 4


def test_document_carries_schema_org_legislation(site):
    page = _read(site, DOC)
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page).group(1))
    assert data["@type"] == "Legislation" and data["legislationIdentifier"] == "哈政办规〔2017〕28号"
    assert data["legislationPassedBy"] == [{"@type": "GovernmentOrganization", "name": "哈尔滨市人民政府办公厅"}]
    assert data["legislationDate"] == "2017-06-08"


def test_legislation_json_cannot_close_its_script_element():
    text = seo.legislation({"title": "&lt;/script&gt;&lt;script&gt;alert(1)", "issuers": []}, None)
    assert "</script" not in text and "<" not in text and json.loads(text)["name"] == "</script><script>alert(1)"


def test_site_url_makes_sitemap_canonical_and_feed_absolute(site):
    locs = re.findall(r"<loc>([^<]*)</loc>", _read(site, "sitemap.xml"))
    assert len(locs) > 10 and all(u.startswith(SITE_URL) for u in locs)
    assert f'<link rel="canonical" href="{SITE_URL}policies/001_d2b59fd790b2730b/">' in _read(site, DOC)
    hrefs = re.findall(r'href="([^"]*)"', _read(site, "feed.xml"))
    assert hrefs and all(h.startswith(SITE_URL) for h in hrefs)


def test_footer_and_404_page_are_chinese(site):
    home = _read(site, "index.html")
    assert "Made with" not in home and "Material for MkDocs" not in home.split("md-footer")[-1]
    page = _read(site, "404.html")
    assert "Not found" not in page and "没有找到这个页面" in page
