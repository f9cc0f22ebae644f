"""The search dictionary hook (converter/search_terms.py): which terms a page holds, and each
term's first page of results (site/data/terms/<i>.json) that the search box shows without
running Pagefind."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from converter import search_terms
from converter.sanitize import escape_meta


@pytest.fixture
def hook(tmp_path):
    """The hook configured with a two-term dictionary; its module state restored afterwards."""
    saved = (search_terms.TERMS, search_terms.PUBLISHED)
    docs = tmp_path / "docs" / "data"
    docs.mkdir(parents=True)
    (docs / "search-terms.json").write_text(json.dumps(["医联体", "分级诊疗"], ensure_ascii=False), encoding="utf-8")
    search_terms.on_config({"docs_dir": str(tmp_path / "docs")})
    search_terms.on_pre_build({})
    yield search_terms
    search_terms.TERMS, search_terms.PUBLISHED = saved
    search_terms.on_pre_build({})


def page(url: str, markdown: str, **meta) -> tuple[SimpleNamespace, str]:
    """A document page as MkDocs hands it to the hooks (meta escaped by the sanitize hook)."""
    p = SimpleNamespace(url=url, meta=escape_meta({"source": {"file": url}, **meta}))
    search_terms.on_page_markdown(markdown, p, {}, None)
    return p, markdown


def content(text: str) -> str:
    return f'<h1 id="t">标题<a class="headerlink" href="#t">¶</a></h1>\n<p>{text}</p>\n'


def test_page_text_leaves_out_the_record_box_and_permalinks_and_reads_through_links():
    html = ('<h2 id="s1">一、总体要求<a class="headerlink" href="#s1">¶</a></h2>'
            '<p>按照<a href="../x/">《关于推进医联体建设的通知》</a>要求。</p><ul><li>甲</li><li>乙</li></ul>'
            '<details class="info record"><summary>来源与处理记录</summary><p>删除：医联体广告</p></details>')
    assert search_terms.page_text(html) == "一、总体要求 按照《关于推进医联体建设的通知》要求。 甲 乙"


def test_passage_is_the_window_around_the_first_occurrence_with_ellipses_where_cut():
    text = "甲" * 30 + "医联体" + "乙" * 70
    assert search_terms.passage(text, "医联体") == "…" + "甲" * 24 + "医联体" + "乙" * 60 + "…"
    assert search_terms.passage("推进医联体建设", "医联体") == "推进医联体建设"
    assert search_terms.passage("推进建设", "医联体") == ""


def test_a_terms_file_counts_every_page_and_keeps_the_newest_ten_newest_first(hook):
    dates = [f"2020-01-{d:02d}" for d in range(1, 13)] + [None, "2020-01-12"]
    for k, date in enumerate(dates):
        p, md = page(f"policies/p{k:02d}/", f"推进医联体建设 {k}", title=f"关于<b>{k}</b>的通知", doc_number=f"国办发〔2020〕{k}号", written_date=date)
        hook.on_page_content(content(md), p, {}, None)
    files = hook.term_files()
    assert set(files) == {"data/terms/0.json", "data/terms/1.json"}  # named by position in search-terms.json
    first = json.loads(files["data/terms/0.json"])
    assert first["term"] == "医联体" and first["count"] == len(dates)
    assert [e["url"] for e in first["first"]] == [
        "policies/p13/", "policies/p11/", "policies/p10/", "policies/p09/", "policies/p08/",
        "policies/p07/", "policies/p06/", "policies/p05/", "policies/p04/", "policies/p03/",
    ]  # a day's documents by URL, newest first; the undated one is not among the newest
    e = first["first"][0]
    assert (e["title"], e["number"], e["date"]) == ("关于<b>13</b>的通知", "国办发〔2020〕13号", "2020-01-12")  # the text, not its escaped form
    assert e["passage"] == "标题 推进医联体建设 13"  # the heading is page text too; the ¶ is not
    assert json.loads(files["data/terms/1.json"]) == {"term": "分级诊疗", "count": 0, "first": []}


def test_undated_pages_come_last_and_a_page_without_terms_is_not_listed(hook):
    for k, (md, date) in enumerate([("医联体", None), ("医联体", "2019-05-01"), ("无关内容", "2024-01-01")]):
        p, md = page(f"policies/q{k}/", md, title=f"文件{k}", written_date=date)
        hook.on_page_content(content(md), p, {}, None)
    got = json.loads(hook.term_files()["data/terms/0.json"])
    assert [e["url"] for e in got["first"]] == ["policies/q1/", "policies/q0/"]
    assert got["count"] == 2


def test_the_build_writes_the_term_files_and_replaces_old_ones(hook, tmp_path):
    site = tmp_path / "site"
    (site / "data" / "terms").mkdir(parents=True)
    (site / "data" / "terms" / "7.json").write_text("{}", encoding="utf-8")
    p, md = page("policies/a/", "分级诊疗", title="甲", written_date="2021-01-01")
    hook.on_page_content(content(md), p, {}, None)
    hook.on_post_build({"site_dir": str(site)})
    assert sorted(f.name for f in (site / "data" / "terms").iterdir()) == ["0.json", "1.json"]
    assert json.loads((site / "data" / "terms" / "1.json").read_text(encoding="utf-8"))["count"] == 1
