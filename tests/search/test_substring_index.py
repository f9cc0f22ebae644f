"""The substring index (converter/search/substring_index.py): folding, and postings that find exactly
the pages holding a query. A small reader below decodes the files as assets/search.js does."""

from __future__ import annotations

import gzip
import json
import random

import pytest

from converter.search import substring_index as si

# ------------------------------------------------------------------ a reader of the files


def _varint(data: bytes, i: int) -> tuple[int, int]:
    return si.read_varint(data, i)


def _varints(data: bytes):
    i = 0
    while i < len(data):
        n, i = _varint(data, i)
        yield n


def read_pack(data: bytes) -> dict[str, bytes]:
    i = 0

    def vi() -> int:
        nonlocal i
        n, i = _varint(data, i)
        return n

    entries = []
    for _ in range(vi()):
        kl = vi()
        key = data[i : i + kl].decode("utf-8")
        i += kl
        entries.append((key, vi()))
    out = {}
    for key, size in entries:
        out[key] = data[i : i + size]
        i += size
    return out


def postings(files: dict[str, bytes]) -> dict[str, bytes]:
    index = json.loads(files["index.json"])
    out: dict[str, bytes] = {}
    packs = [entry for _, d in index["dirs"] for entry in json.loads(files[f"dirs/{d}"])]
    assert [first for first, _ in index["dirs"]] == [first for first, *_ in packs][:: si.DIR_FANOUT]
    for first, name, size, *split in packs:
        assert size == len(files[f"packs/{name}"])
        pack = read_pack(gzip.decompress(files[f"packs/{name}"]))
        assert (split or [[]])[0] == [k for k in pack if len(k) == 2 and pack[k][:1] == b"\0"]
        assert min(pack, key=lambda k: k.encode("utf-16-be")) == first
        out.update(pack)
    return out


def _positional(data: bytes) -> dict[int, list[int]]:
    it, doc, per = _varints(data), -1, {}
    for delta in it:
        doc += delta
        p, ps = 0, []
        for _ in range(next(it)):
            p += next(it)
            ps.append(p)
        per[doc] = ps
    return per


def gram(table: dict[str, bytes], key: str) -> dict[int, list[int]]:
    """A pair's pages and positions; a split pair's from its block entries, checked against the
    pages, counts and title flags under the pair itself."""
    data = table.get(key, b"")
    if not data or data[0] != 0:
        return _positional(data)
    per: dict[int, list[int]] = {}
    for k in sorted(k for k in table if k.startswith(key + si.BLOCK_SEP)):
        block = _positional(table[k])
        assert all(d // si.BLOCK == int(k[3:], 16) for d in block)
        per.update(block)
    it, doc, docs = _varints(data[1:]), -1, {}
    for delta in it:
        doc += delta
        docs[doc] = next(it)
    assert docs == {d: len(ps) << 1 | (ps[0] < si.TITLE_SPAN) for d, ps in per.items()}
    return per


def find(files: dict[str, bytes], query: str) -> set[int]:
    """Pages holding ``query``, the way assets/search.js finds them (pairs at 0, 2, 4, … and the last)."""
    index = json.loads(files["index.json"])
    table = postings(files)
    f = "".join(index["fold"].get(c, c) for c in query)
    if len(f) == 1:
        it = _varints(table.get(f, b""))
        docs, doc = set(), -1
        for delta in it:
            doc += delta
            next(it)
            docs.add(doc)
        return docs
    offsets = sorted(set(range(0, len(f) - 1, 2)) | {len(f) - 2})
    lists = [{d: set(ps) for d, ps in gram(table, f[o : o + 2]).items()} for o in offsets]
    return {d for d, ps in lists[0].items() if any(all(p + o in lst.get(d, ()) for o, lst in zip(offsets, lists)) for p in ps)}


# ------------------------------------------------------------------ folding


@pytest.mark.parametrize(("written", "folded"), [
    ("醫聯體", "医联体"), ("高中階段教育", "高中阶段教育"), ("国办发[2017]32号", "国办发〔2017〕32号"),
    ("国办发（2017）32号", "国办发〔2017〕32号"), ("国办发【2017】32号", "国办发〔2017〕32号"), ("ＡＢＣ１２", "abc12"),
    ("三级 公立\n医院", "三级公立医院"), ("\u200b办公厅", "办公厅"),
])
def test_folding_meets_traditional_fullwidth_bracket_and_spaced_forms(written, folded):
    assert si.fold(written)[0] == folded


def test_folding_keeps_one_character_per_character_and_where_it_came_from():
    text = "㈠ 醫聯體"
    folded, where = si.fold(text)
    assert folded == "㈠医联体" and [text[i] for i in where] == ["㈠", "醫", "聯", "體"]


def test_the_browser_fold_table_folds_every_character_like_the_index():
    alphabet = set("医联体〔〕abc")
    table = si.fold_table(alphabet)
    assert table["醫"] == "医" and table["［"] == "〔" and table["A"] == "a" and table[" "] == ""
    assert all(si.fold_char(c) == f for c, f in table.items())
    assert "\u4e00" not in table  # folds to itself: no entry needed


# ------------------------------------------------------------------ postings


def page(url: str, title: str, body: str, date: str = "") -> si.Page:
    return si.Page(url=url, title=title, date=date, number="", body=body)


PAGES = [
    page("a/", "国务院办公厅关于推进医疗联合体建设和发展的指导意见", "各省、自治区、直辖市人民政府，国务院各部委、各直属机构：\n开展医联体建设。", "2017-04-26"),
    page("b/", "黑龙江省实施意见", "贯彻落实《国务院办公厅关于推进医疗联合体建设和发展的指导意见》（国办发〔2017〕32号）。\n所有三级公立医院参加医联体。", "2017-06-30"),
    page("c/", "关于个人所得税的通知", "诉讼法 办公 公厅 三级 公立医院", "2018-01-01"),
]


@pytest.fixture(params=["whole", "split"])
def pairs(request, monkeypatch):
    """Pairs kept whole (a small library), or every pair split into blocks of two pages."""
    if request.param == "split":
        monkeypatch.setattr(si, "SPLIT_BYTES", 0)
        monkeypatch.setattr(si, "BLOCK", 2)
    return request.param


def test_every_substring_of_every_page_finds_exactly_the_pages_holding_it(pairs):
    files = si.build(PAGES)
    if pairs == "split":
        assert any(si.BLOCK_SEP in k for k in postings(files))
    texts = [si.fold(p.title)[0] + "\n" + si.fold(p.body)[0] for p in PAGES]
    rng = random.Random(7)
    for _ in range(300):
        t = rng.choice(texts)
        k = rng.randint(1, 14)
        i = rng.randrange(len(t))
        q = t[i : i + k].split("\n")[0]
        if q:
            assert find(files, q) == {d for d, text in enumerate(texts) if q in text}, q


# Spaces and line breaks are dropped on both sides: "三级 公立医院" on page c holds 三级公立医院.
@pytest.mark.parametrize(("query", "pages"), [
    ("办公厅", {0, 1}), ("讼法", {2}), ("三级公立医院", {1, 2}), ("醫聯體", {0, 1}), ("国办发[2017]32号", {1}),
    ("各省、自治区、直辖市人民政府，国务院各部委", {0}), ("量子纠缠区块链", set()), ("公厅 三级", {2}), ("公厅、三级", set()),
])
def test_a_query_is_found_wherever_its_characters_run_in_order(query, pages, pairs):
    assert find(si.build(PAGES), query) == pages


def test_pages_that_hold_a_query_only_apart_are_not_found():
    # 办公 … 公厅 on page c: both pairs are there, but never one after the other.
    assert 2 not in find(si.build(PAGES), "办公厅")


def test_the_index_is_byte_identical_from_run_to_run():
    assert si.build(PAGES) == si.build(list(PAGES))


def test_a_cited_but_missing_doc_number_points_at_its_stub_page():
    missing = [{"doc_number": "国办发〔2015〕38号", "url": "cited/n2015-38/", "title": "国务院办公厅关于城市公立医院综合改革试点的指导意见"}]
    pages = [si.Page(url="p/", title="某文件", date="", number="国办发〔2017〕32号", body="正文")]
    files = si.build(pages, missing)
    assert json.loads(files["numbers/2015.json"]) == {"国办发〔2015〕38号": [{"m": 1, "t": missing[0]["title"], "u": "cited/n2015-38/"}]}
    assert json.loads(files["numbers/2017.json"]) == {"国办发〔2017〕32号": [{"i": 0, "t": "某文件", "u": "p/"}]}


def test_excerpt_files_hold_the_original_text_around_every_stretch():
    body = "第一段" * 800 + "\n醫聯體建设" + "第二段" * 400
    files = si.build([page("a/", "标题", body)])
    chunks = sorted(k for k in files if k.startswith("docs/"))
    assert len(chunks) == -(-len(si.fold(body)[0]) // si.CHUNK)
    at = si.fold(body)[0].index("医联体")
    k = at // si.CHUNK
    assert "醫聯體" in json.loads(gzip.decompress(files[f"docs/0-{k}.bin"]))["x"]


def test_read_page_leaves_out_the_card_the_record_box_and_hidden_fields(tmp_path):
    html = """<html><body><article><div data-pagefind-body>
      <span hidden data-pagefind-sort="date:2017-06-30"></span><span hidden data-pagefind-meta="文号:国办发〔2017〕32号"></span>
      <h1>标题文字<a class="headerlink" href="#">¶</a></h1>
      <div class="policy-card"><table><tr><td>发文字号</td><td>卡片里的字</td></tr></table></div>
      <p>正文第一段</p><p>正文第二段</p>
      <details class="info record"><summary>来源与处理记录</summary><p>赌博垃圾链接</p></details>
      <span hidden>hidden field</span></div></article></body></html>"""
    (tmp_path / "policies" / "x").mkdir(parents=True)
    (tmp_path / "policies" / "x" / "index.html").write_text(html, encoding="utf-8")
    p = si.read_page(tmp_path / "policies" / "x" / "index.html", tmp_path)
    assert (p.url, p.title, p.date, p.number) == ("policies/x/", "标题文字", "2017-06-30", "国办发〔2017〕32号")
    assert p.body == "正文第一段\n正文第二段"


# ------------------------------------------------------------------ building at scale


def test_page_ranges_merged_give_the_same_index_as_one_pass(pairs):
    # Postings built over consecutive ranges of pages (as worker processes build them) and
    # joined: the same bytes as one pass over every page.
    pages = PAGES * 7
    assert si.build(pages, jobs=3) == si.build(pages)
    assert si.build(pages[:2], jobs=4) == si.build(pages[:2])


def test_numbers_beyond_the_encoding_table_encode_alike(monkeypatch):
    expected = si.build(PAGES)
    monkeypatch.setattr(si, "_TABLE_MAX", 8)  # every page past the table: varint() itself
    assert si.build(PAGES) == expected


def _site(tmp_path, n: int):
    for i in range(n):
        body = "".join(f"<p>{PAGES[i % 3].body.splitlines()[0]}第{i}段</p>" for _ in range(i % 4 + 1))
        html = f"""<!doctype html><html><body><article><div data-pagefind-body>
          <span hidden data-pagefind-sort="date:2017-0{i % 9 + 1}-01"></span>
          <h1>{PAGES[i % 3].title}{i}</h1>{body}</div></article></body></html>"""
        (tmp_path / "policies" / f"p{i}").mkdir(parents=True)
        (tmp_path / "policies" / f"p{i}" / "index.html").write_text(html, encoding="utf-8")
    return tmp_path


def _tree(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_write_in_worker_processes_writes_what_build_makes(tmp_path):
    site = _site(tmp_path, 40)
    expected = si.build(si.read_site(site))
    for jobs in (1, 2):
        summary = si.write(site, jobs=jobs)
        assert _tree(site / si.OUT) == expected
        assert summary == {"pages": 40, "files": len(expected), "bytes": sum(map(len, expected.values()))}
    assert si.read_site(site, jobs=2) == si.read_site(site)
