"""The reader's site around the documents: browse pages with counts, the home page, the Atom
feed, the 文号 table and the search dictionary. Built from the bundled samples."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections import Counter

import pytest
import yaml

from converter.link.corpus import link
from converter.render import feed
from converter.render import sitepages as site
from converter.search import index
from tests.linked_corpus import doc
from tests.support import ROOT

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def corpus(sample_docs):
    import copy

    return link([copy.deepcopy(d) for docs in sample_docs.values() for d in docs])


@pytest.fixture(scope="module")
def pages(corpus):
    return site.index_pages(corpus)


@pytest.mark.parametrize("path, title, intro, key, order", site.BROWSE)
def test_each_browse_page_lists_every_document_once_under_a_counted_group(pages, corpus, path, title, intro, key, order):
    text = pages[path]
    counts = [int(n) for n in re.findall(r"^## .* <small>（(\d+)）</small>", text, re.M)]
    links = re.findall(r"^- \[.*\]\((?:\.\./policies/)?([^)/]+)\.md\)", text, re.M)
    assert sum(counts) == len(corpus.docs)
    assert Counter(links) == Counter(d.slug for d in corpus.docs)
    assert f"共 {len(corpus.docs)} 份文件" in text


def test_browse_by_issuer_and_type_count_the_real_groups(pages, corpus):
    issuers = Counter(site.issuer_of(d) for d in corpus.docs)
    name, n = issuers.most_common(1)[0]
    assert f"[{name}（{n}）]" in pages["browse/issuers.md"]
    types = Counter(site.type_of(d) for d in corpus.docs)
    assert all(f"## {t} <small>（{c}）</small>" in pages["browse/types.md"] for t, c in types.items())


def test_home_page_gives_the_corpus_figures_and_the_newest_document_first(pages, corpus):
    home = pages["index.md"]
    assert f"<strong>{len(corpus.docs)}</strong>份文件" in home
    newest = sorted(corpus.docs, key=site.sort_key)[0]
    latest = home.split("## 最新文件", 1)[1]
    assert latest.lstrip().startswith(f"- [{newest.title}](policies/{newest.slug}.md)")
    for path, *_ in site.BROWSE:
        assert f"]({path})" in home


def test_feed_is_atom_with_the_newest_dated_documents_first_and_dates_from_the_documents(pages, corpus):
    root = ET.fromstring(pages[feed.FEED].encode("utf-8"))
    entries = root.findall(f"{ATOM}entry")
    dated = [d for d in corpus.docs if feed.feed_date(d)]
    assert len(entries) == len(dated)
    stamps = [e.find(f"{ATOM}updated").text for e in entries]
    assert stamps == sorted(stamps, reverse=True)
    assert sorted(stamps) == sorted(f"{feed.feed_date(d)}T00:00:00Z" for d in dated)
    assert root.find(f"{ATOM}updated").text == stamps[0]
    hrefs = {e.find(f"{ATOM}link").get("href") for e in entries}
    assert hrefs == {f"policies/{d.slug}/" for d in dated}


def test_feed_is_byte_identical_across_builds_and_escapes_titles():
    docs = [doc("a", "关于<script>alert(1)</script>&的通知", "国办发〔2020〕1号", date="2020-01-02"), doc("b", "无日期", None)]
    text = feed.atom(docs, "policies")
    assert text == feed.atom(list(reversed(docs)), "policies")
    root = ET.fromstring(text.encode("utf-8"))
    titles = [e.find(f"{ATOM}title").text for e in root.findall(f"{ATOM}entry")]
    assert titles == ["关于<script>alert(1)</script>&的通知"]
    assert "<script>" not in text


def test_doc_number_table_is_split_by_year_and_points_at_each_page(corpus):
    tables = index.doc_numbers(corpus.docs, "policies")
    numbered = [d for d in corpus.docs if d.doc_number]
    assert numbered
    for d in numbered:
        year = re.search(r"〔(\d{4})〕", d.doc_number).group(1)
        table = json.loads(tables[f"data/doc-numbers/{year}.json"])
        assert {"url": f"policies/{d.slug}/", "title": d.title} in table[d.doc_number]


def test_orders_and_odd_numbers_go_to_the_other_table():
    docs = [doc("a", "条例", "国令第707号"), doc("b", "通知", "国办发〔2019〕3号")]
    assert set(index.doc_numbers(docs, "policies")) == {"data/doc-numbers/other.json", "data/doc-numbers/2019.json"}


def test_site_nav_lists_no_document_pages_so_page_size_stays_flat():
    """A sidebar of every document would make every page carry the whole list."""
    cfg = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))

    def files(nav):
        for entry in nav:
            for value in entry.values() if isinstance(entry, dict) else [entry]:
                yield from files(value) if isinstance(value, list) else [value]

    listed = [f for f in files(cfg["nav"]) if f.startswith(f"{site.POLICY_DIR}/")]
    assert listed == [f"{site.POLICY_DIR}/index.md"]
    assert cfg["plugins"] == [] or "search" not in str(cfg["plugins"])


def test_record_box_names_cleaning_steps_in_chinese_even_unknown_ones():
    from converter.render.page import _count_label

    assert _count_label("removed_spam") == "删除垃圾链接"
    assert _count_label("changed_traditional") == "修改繁体转简体"
    assert _count_label("removed_newstep") == "删除其他处理"  # never the English key on the site
