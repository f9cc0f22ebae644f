"""The substring index behind the search box: every page that contains the query, and no other.

A reader types a phrase and expects the pages that hold it, whatever a word segmenter would make
of it. Each page's title and body are folded character by character (``fold``: NFKC,
Traditional -> Simplified with OpenCC, lower case, 文号 brackets unified, spaces dropped), and
every overlapping pair of folded characters (bigram) is indexed with its positions. A query of
two or more characters is then found exactly: its bigrams at offsets 0, 2, 4, … and the last one
cover every character, and a page holds the query at p if and only if each of those bigrams
sits at p + its offset. One-character queries use per-character postings (page, count).

Written under site/search/ (static files, byte-identical for the same site):

* ``index.json``: the first key of each directory file, the fold table the browser applies to a
  query, and the constants below;
* ``dirs/<hash>.json``: the first key, file and (gzip'd) size of DIR_FANOUT packs each, and the
  split pairs whose entries a pack holds (a query fetches its cheapest pairs first);
* ``packs/<hash>.bin``: the postings, sorted by key and packed ~PACK_BYTES to a file, so a query
  fetches one small file per pair it looks up however large the corpus (gzip'd). A pair held so
  widely that its postings pass SPLIT_BYTES (国务, 发展 at 100,000 pages) is split: under the pair
  itself only page ids, counts and title flags, and its positions in one entry per BLOCK pages
  (key: the pair, BLOCK_SEP, the block number in hex), so a query fetches the positions of the
  pages it checks, not of every page;
* ``docs/<id>-<k>.bin``: page id's metadata and the k-th stretch of its body text (gzip'd JSON),
  for the result list's excerpt (and the browser's check that a result really contains the query);
* ``numbers/<year|other>.json``: 文号 -> documents with it, and the 待收录 page of a cited
  document the library does not have yet.

Page ids run newest first, so ranking ties fall to the newest document.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import multiprocessing
import os
import re
import unicodedata
from collections import Counter, defaultdict, deque
from dataclasses import dataclass
from functools import cache, partial
from itertools import accumulate, chain, repeat
from operator import add, lshift, or_, sub
from pathlib import Path

from lxml import etree
from lxml import html as lxml_html

from converter.text.hanzi import to_simplified

OUT = "search"
TITLE_SPAN = 4096  # body positions start here, so a position below it is a title hit
PACK_BYTES = 16 * 1024
# A pair's positions past SPLIT_BYTES are stored by block of BLOCK page ids (a common pair's block:
# a few KB). The environment may set both (SEARCH_SPLIT_BYTES, SEARCH_BLOCK), so tests can split
# pairs on a small site.
SPLIT_BYTES = int(os.environ.get("SEARCH_SPLIT_BYTES", 64 * 1024))
BLOCK = max(1, int(os.environ.get("SEARCH_BLOCK", 256)))
BLOCK_SEP = "\x01"  # folded text never holds a control character, so no key of text starts with it
DIR_FANOUT = 128  # packs listed per directory file: index.json stays a few KB at 100,000 pages
CHUNK = 1024  # folded body characters per excerpt file …
CONTEXT = 40  # … plus this many before (excerpt context) …
OVERLAP = 200  # … and after, so a match starting in the stretch is whole in its file
FORMAT = 2

OPENERS = "[(【〖［（﹝〘⦅"
CLOSERS = "])】〗］）﹞〙⦆"
BLOCK_TAGS = {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "tr", "pre", "blockquote", "div", "dd", "dt", "br"}
# Not page text: hidden index fields, the metadata card (its facts are in the title and body),
# the 来源与处理记录 box (removed spam must not be found), and heading permalinks.
SKIP = (
    "//*[@hidden]", "//*[contains(concat(' ', normalize-space(@class), ' '), ' policy-card ')]",
    "//details[contains(concat(' ', normalize-space(@class), ' '), ' record ')]",
    "//*[contains(concat(' ', normalize-space(@class), ' '), ' headerlink ')]",
    "//*[contains(concat(' ', normalize-space(@class), ' '), ' policy-copy-link ')]",
)
_YEAR = re.compile(r"〔(\d{4})〕")


# ------------------------------------------------------------------------------- folding


def _fold_once(c: str) -> str:
    if c > "\uffff":  # the browser's table covers the BMP; beyond it both sides keep the character
        return c
    if c.isspace() or unicodedata.category(c) in ("Cf", "Cc"):
        return ""
    n = unicodedata.normalize("NFKC", c)
    if len(n) != 1:  # ㈠ -> (一): keep one character per character
        n = c
    low = n.lower()
    n = low if len(low) == 1 else n
    n = to_simplified(n) if "\u3400" <= n <= "\U0002ffff" else n
    if len(n) != 1:
        return c
    if n in OPENERS:
        return "〔"
    if n in CLOSERS:
        return "〕"
    return n


@cache
def fold_char(c: str) -> str:
    """The folded form of one character: '' (dropped) or one character; folding it again
    changes nothing, so a query and a page folded apart meet on the same characters."""
    n = c
    for _ in range(4):
        m = _fold_once(n) if n else ""
        if m == n:
            return n
        n = m
    return n


@cache
def _translation() -> tuple[dict[int, str | None], re.Pattern]:
    """str.translate's table for every BMP character that folds to something else, and a
    pattern of the runs of dropped characters: folding a page runs in C, not char by char."""
    table: dict[int, str | None] = {}
    dropped = []
    for cp in range(0x10000):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        f = fold_char(chr(cp))
        if f != chr(cp):
            table[cp] = f or None
            if not f:
                dropped.append(re.escape(chr(cp)))
    return table, re.compile("[" + "".join(dropped) + "]+")


def fold_text(text: str) -> str:
    """``text`` folded (each character by ``fold_char``)."""
    return text.translate(_translation()[0])


def source_offsets(text: str, positions: list[int]) -> list[int]:
    """For each position of ``fold_text(text)`` (ascending), the index of its source character."""
    runs = _translation()[1].finditer(text)
    run = next(runs, None)
    dropped = 0
    out = []
    for f in positions:
        while run is not None and run.start() <= f + dropped:
            dropped += run.end() - run.start()
            run = next(runs, None)
        out.append(f + dropped)
    return out


def fold(text: str) -> tuple[str, list[int]]:
    """``text`` folded, and for each folded character the index of its source character."""
    folded = fold_text(text)
    return folded, source_offsets(text, list(range(len(folded))))


def fold_table(alphabet: set[str]) -> dict[str, str]:
    """Every BMP character whose fold differs from itself and lands in ``alphabet`` (the folded
    characters of the corpus) or is dropped: the browser folds a query with this table alone.
    A character left out folds to something no page holds, so it matches nothing either way."""
    table = {}
    for cp, f in _translation()[0].items():
        if cp >= 0x20 and (f is None or f in alphabet):
            table[chr(cp)] = f or ""
    return table


# ------------------------------------------------------------------------------- pages


@dataclass
class Page:
    url: str
    title: str
    date: str
    number: str
    body: str


_FULL_HTML = re.compile(r"^\s*<(?:html|!doctype)", re.I)  # lxml.html.fromstring's test for a whole document
_BODIES = etree.XPath("//*[@data-pagefind-body]")
_DROPPED = [etree.XPath("." + xp) for xp in SKIP]
_H1 = etree.XPath(".//h1")
_TEXT = etree.XPath("string()")  # lxml.html's text_content()


@cache
def _xpath_attr(attr: str) -> etree.XPath:
    return etree.XPath(f"//*[@{attr}]/@{attr}")


def _meta(root, attr: str, key: str) -> str:
    for v in _xpath_attr(attr)(root):
        if v.startswith(key + ":"):
            return v[len(key) + 1 :]
    return ""


def _drop_tree(el) -> None:
    """lxml.html's drop_tree, for plain lxml elements too: the tail text stays in place."""
    parent = el.getparent()
    assert parent is not None
    if el.tail:
        previous = el.getprevious()
        if previous is None:
            parent.text = (parent.text or "") + el.tail
        else:
            previous.tail = (previous.tail or "") + el.tail
    parent.remove(el)


@cache
def _parser() -> etree.HTMLParser:
    return etree.HTMLParser()  # lxml.html's parser, without its Python element classes


def read_page(path: Path, site: Path) -> Page | None:
    """A built document page's title, date, 文号 and body text (blocks on their own lines);
    None for a page that is not a document (no ``data-pagefind-body``)."""
    text = path.read_text(encoding="utf-8")
    # A whole document parses as lxml.html.fromstring would parse it (same parser, same tree).
    root = etree.fromstring(text, _parser()) if _FULL_HTML.match(text) else lxml_html.fromstring(text)
    if root is None:
        raise etree.ParserError("Document is empty")
    bodies = _BODIES(root)
    if not bodies:
        return None
    body = bodies[0]
    date = _meta(body, "data-pagefind-sort", "date")
    number = _meta(body, "data-pagefind-meta", "文号").replace("，", ",")
    for xp in _DROPPED:
        for el in xp(body):
            _drop_tree(el)
    h1 = _H1(body)
    title = _TEXT(h1[0]).strip() if h1 else ""
    if h1:
        _drop_tree(h1[0])
    for el in body.iter():
        if isinstance(el.tag, str) and el.tag in BLOCK_TAGS:
            el.tail = "\n" + (el.tail or "")
    lines = [" ".join(line.split()) for line in _TEXT(body).split("\n")]
    url = path.parent.relative_to(site).as_posix() + "/"
    return Page(url=url, title=title, date="" if date.startswith("0000") else date, number=number,
                body="\n".join(line for line in lines if line))


def read_site(site: Path, jobs: int = 1) -> list[Page]:
    """Every document page of a built site, newest first (undated last), then by URL; read by
    ``jobs`` processes (the same pages in the same order whatever their number)."""
    paths = sorted(site.rglob("index.html"))
    read = partial(read_page, site=site)
    if jobs > 1 and len(paths) > 1:
        with _pool(jobs) as pool:
            pages = [p for p in pool.imap(read, paths, chunksize=32) if p]
    else:
        pages = [p for p in map(read, paths) if p]
    pages.sort(key=lambda p: p.url)
    pages.sort(key=lambda p: p.date or "", reverse=True)
    return pages


def _pool(jobs: int):
    """Worker processes forked from this one (they see its pages without a copy)."""
    return multiprocessing.get_context("fork").Pool(jobs)


# ------------------------------------------------------------------------------- postings


def varint(n: int) -> bytes:
    out = bytearray()
    while n >= 0x80:
        out.append(n & 0x7F | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


_SMALL = [varint(n) for n in range(1 << 14)]
_TABLE_MAX = 1 << 20  # the largest table of encoded numbers kept (~40 MB); above it, varint()


def varints(numbers) -> bytes:
    return b"".join([_SMALL[n] if n < 16384 else varint(n) for n in numbers])


def _encoder(limit: int):
    """A function n -> varint(n) for 0 <= n < limit: a lookup in a table of encoded numbers
    (grown as needed), or varint itself for numbers beyond any table kept. Negative numbers
    give some bytes string (callers overwrite those)."""
    if limit > _TABLE_MAX:
        return lambda n: varint(n) if n >= 0 else b""
    if limit > len(_SMALL):
        _SMALL.extend(varint(n) for n in range(len(_SMALL), max(limit, 2 * len(_SMALL))))
    return _SMALL.__getitem__


def _grouped(title: str, body: str) -> defaultdict[str, list[int]]:
    """Bigram -> its positions (title at 0…, body at TITLE_SPAN…), in C-level maps."""
    groups: defaultdict[str, list[int]] = defaultdict(list)
    at = groups.__getitem__
    deque(map(list.append, map(at, map(add, title, title[1:])), range(len(title) - 1)), maxlen=0)
    deque(map(list.append, map(at, map(add, body, body[1:])), range(TITLE_SPAN, TITLE_SPAN + len(body) - 1)), maxlen=0)
    return groups


class Postings:
    """Key -> encoded postings, appended page by page in id order.

    bigram: per page (id delta, count, position deltas); one character: (id delta,
    count << 1 | title hit). Positions: title at 0…, body at TITLE_SPAN…. ``docs``: per
    bigram the same pages without positions (id delta, count << 1 | title hit), what a split
    pair keeps under its own key."""

    def __init__(self) -> None:
        self.data: defaultdict[str, bytearray] = defaultdict(bytearray)
        self.docs: defaultdict[str, bytearray] = defaultdict(bytearray)
        self.last: dict[str, int] = {}  # key -> the last page id appended to it

    def add(self, doc: int, title: str, body: str) -> None:
        """One page's postings, every step a map over its positions or keys (no loop in Python
        over characters): a page's bigram entries are runs of one list of encoded numbers."""
        title = title[: TITLE_SPAN - 1]
        encode = _encoder(max(2 * (len(title) + len(body)) + 2, TITLE_SPAN + len(body) + 1, doc + 2))
        last, data, docs = self.last, self.data.__getitem__, self.docs.__getitem__
        groups = _grouped(title, body)
        lists = list(groups.values())
        ps = list(chain.from_iterable(lists))  # positions, key by key
        counts = list(map(len, lists))
        starts = list(accumulate(counts, initial=0))
        encoded = list(map(encode, map(sub, ps, [0, *ps[:-1]])))  # position deltas (run openers unused)
        deltas = list(map(encode, map(sub, repeat(doc), map(last.get, groups, repeat(-1)))))
        # A key's entry: id delta, count, first position, then the rest of its run's deltas.
        heads = map(add, map(add, deltas, map(encode, counts)), map(encode, map(ps.__getitem__, starts[:-1])))
        rests = map(b"".join, map(encoded.__getitem__, map(slice, map(add, starts, repeat(1)), starts[1:])))
        deque(map(bytearray.extend, map(data, groups), map(add, heads, rests)), maxlen=0)
        # The title's pairs are the first keys grouped (its positions come first).
        flags = list(map(lshift, counts, repeat(1)))
        for k in range(len(set(map(add, title, title[1:])))):
            flags[k] |= 1
        deque(map(bytearray.extend, map(docs, groups), map(add, deltas, map(encode, flags))), maxlen=0)
        in_title = Counter(title)
        chars = Counter(body)
        chars.update(title)
        char_deltas = map(encode, map(sub, repeat(doc), map(last.get, chars, repeat(-1))))
        char_flags = map(or_, map(lshift, chars.values(), repeat(1)), map(in_title.__contains__, chars))
        deque(map(bytearray.extend, map(data, chars), map(add, char_deltas, map(encode, char_flags))), maxlen=0)
        last.update(zip(groups, repeat(doc)))
        last.update(zip(chars, repeat(doc)))

    def packs(self) -> list[tuple[str, bytes, list[str]]]:
        """(first key, file bytes, split pairs) of each pack, keys in UTF-16 order (the browser's)."""
        return list(_packs(_merged([(0, self.data, self.docs, self.last)])))


def read_varint(data: bytes | bytearray, i: int = 0) -> tuple[int, int]:
    """The unsigned LEB128 number at ``i`` (as ``varint`` writes it) and the position after it."""
    n = shift = 0
    while True:
        b = data[i]
        i += 1
        n |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            return n, i


def _rebase(data: bytes | bytearray, last: int) -> list:
    """A stretch of postings whose first id delta counts from -1, re-based on page ``last``."""
    n, i = read_varint(data)
    return [varint(n - 1 - last), memoryview(data)[i:]]


def _merged(parts: list[tuple[int, dict, dict, dict]]):
    """(key, its entry as a list of byte strings) in UTF-16 order, from ``parts``: the
    (block, data, docs, last) of Postings over consecutive blocks of page ids, each block's first
    deltas counting from -1. A pair whose positions pass SPLIT_BYTES is split: its own entry is
    a 0 byte and its pages without positions, then come its blocks' entries (BLOCK_SEP sorts
    before any character, so they follow the pair and precede every other key)."""
    where: defaultdict[str, list[int]] = defaultdict(list)
    for j, part in enumerate(parts):
        deque(map(list.append, map(where.__getitem__, part[1]), repeat(j)), maxlen=0)
    for k in sorted(where, key=lambda k: k.encode("utf-16-be")):
        held = [parts[j] for j in where[k]]
        if len(k) == 2 and sum(len(p[1][k]) for p in held) > SPLIT_BYTES:
            yield k, [b"\0", *_joined([(p[2][k], p[3][k]) for p in held])]
            for block, data, _, _ in held:
                yield f"{k}{BLOCK_SEP}{block:04x}", [data[k]]
        else:
            yield k, _joined([(p[1][k], p[3][k]) for p in held])


def _joined(segs: list[tuple[bytes | bytearray, int]]) -> list:
    """One key's postings of consecutive blocks ((postings, last page id) each) as one list of
    byte strings: each block's first id delta re-based on the last page of the block before."""
    out: list = []
    last = -1
    for seg, end in segs:
        out += _rebase(seg, last) if last >= 0 else [seg]
        last = end
    return out


def _packs(merged):
    """(first key, file bytes, split pairs in it) of each pack of ~PACK_BYTES, from
    ``_merged``'s keys in order."""
    group: list[tuple[str, list]] = []
    size = 0
    for k, segs in merged:
        group.append((k, segs))
        size += sum(map(len, segs))
        if size >= PACK_BYTES:
            yield _packed(group)
            group, size = [], 0
    if group:
        yield _packed(group)


def _packed(group: list[tuple[str, list]]) -> tuple[str, bytes, list[str]]:
    split = [k for k, segs in group if len(k) == 2 and segs and segs[0] == b"\0"]
    return group[0][0], _pack(group), split


def _pack(group: list[tuple[str, list]]) -> bytes:
    head = bytearray(varint(len(group)))
    for k, segs in group:
        kb = k.encode("utf-8")
        head += varint(len(kb)) + kb + varint(sum(map(len, segs)))
    return b"".join([head, *(s for _, segs in group for s in segs)])


# ------------------------------------------------------------------------------- writing


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"


def chunks(page: Page, doc: int, folded: str) -> dict[str, str]:
    """docs/<id>-<k>.json: the body's k-th stretch of CHUNK folded characters (with CONTEXT
    before and OVERLAP after) in its original text, and the page's metadata."""
    n = max(1, -(-len(folded) // CHUNK))
    bounds = [(max(0, k * CHUNK - CONTEXT), min(len(folded), (k + 1) * CHUNK + OVERLAP)) for k in range(n)]
    ends = source_offsets(page.body, sorted({b for lo, hi in bounds for b in (lo, hi - 1) if hi > lo}))
    where = dict(zip(sorted({b for lo, hi in bounds for b in (lo, hi - 1) if hi > lo}), ends))
    out = {}
    for k, (lo, hi) in enumerate(bounds):
        text = page.body[where[lo] : where[hi - 1] + 1] if hi > lo else ""
        record = {"u": page.url, "t": page.title, "d": page.date, "n": page.number, "s": lo, "x": text, "k": n}
        out[f"docs/{doc}-{k}.bin"] = _json(record)
    return out


def numbers(pages: list[Page], missing: list[dict]) -> dict[str, str]:
    """numbers/<year|other>.json: 文号 -> [{i, u, t}] of the pages with it, or the 待收录 page
    ({u, t, m: 1}) of a cited document the library does not have."""
    shards: dict[str, dict[str, list[dict]]] = {}
    for i, p in enumerate(pages):
        if p.number:
            shards.setdefault(_shard(p.number), {}).setdefault(p.number, []).append({"i": i, "u": p.url, "t": p.title})
    for m in missing:
        n = m.get("doc_number")
        if n and m.get("url"):
            table = shards.setdefault(_shard(n), {})
            if n not in table:
                table[n] = [{"u": m["url"], "t": m.get("title") or n, "m": 1}]
    return {f"numbers/{k}.json": _json(v) for k, v in sorted(shards.items())}


def _shard(number: str) -> str:
    m = _YEAR.search(number)
    return m.group(1) if m else "other"


def _gz(data: bytes) -> bytes:
    """Packs and text stretches are stored gzip'd (a third of the size on disk and on the wire;
    the browser inflates them with DecompressionStream); no time stamp, so builds are identical."""
    return gzip.compress(data, compresslevel=9, mtime=0)


def _hashed(data: bytes, ext: str) -> str:
    """A content-derived name, so a browser never mixes files of two builds."""
    return hashlib.sha256(data).hexdigest()[:16] + ext


class _Sink:
    """Where the files of the index go: a dict (``build``) or a folder (``write``), counted."""

    def __init__(self, folder: Path | None, files: dict[str, bytes] | None = None) -> None:
        self.folder = folder
        self.files: dict[str, bytes] = {} if files is None else files
        self.count = self.bytes = 0
        self._dirs: set[str] = set()

    def fork(self) -> _Sink:
        """A sink into the same place, counting afresh (for one task in a worker)."""
        return _Sink(self.folder, self.files)

    def put(self, rel: str, data: bytes) -> None:
        self.count += 1
        self.bytes += len(data)
        if self.folder is None:
            self.files[rel] = data
            return
        folder = rel.rpartition("/")[0]
        if folder not in self._dirs:
            (self.folder / folder).mkdir(parents=True, exist_ok=True)
            self._dirs.add(folder)
        (self.folder / rel).write_bytes(data)


_PAGES: list[Page] = []  # the pages being indexed, for workers forked from the indexing process


def _index_range(lo: int, hi: int, sink: _Sink, pages: list[Page] | None = None):
    """Pages lo…hi-1 (ids; lo a multiple of BLOCK): their excerpt files written, and per block
    of BLOCK pages its (block, postings, pages without positions, last page id per key; first id
    deltas counting from -1); the folded characters and the sink's counts."""
    pages = _PAGES if pages is None else pages
    blocks = []
    alphabet: set[str] = set()
    for block in range(lo // BLOCK, -(-hi // BLOCK)):
        postings = Postings()
        for i in range(max(lo, block * BLOCK), min(hi, (block + 1) * BLOCK)):
            p = pages[i]
            title, body = fold_text(p.title), fold_text(p.body)
            alphabet.update(title[TITLE_SPAN - 1 :])  # the rest are keys of one character
            postings.add(i, title, body)
            for rel, text in chunks(p, i, body).items():
                sink.put(rel, _gz(text.encode("utf-8")))
        alphabet.update(k for k in postings.data if len(k) == 1)
        blocks.append((block, dict(postings.data), dict(postings.docs), postings.last))
    return blocks, alphabet, sink.count, sink.bytes


def _put_pack(sink: _Sink, item: tuple[str, bytes, list[str]]) -> list:
    """The pack written; its directory entry: first key, file, gzip'd size (and the split pairs
    whose own entries it holds, so the browser knows to look for their blocks)."""
    first, data, split = item
    name = _hashed(data, ".bin")
    gz = _gz(data)
    sink.put(f"packs/{name}", gz)
    return [first, name, len(gz), *([split] if split else [])]


def _ranges(n: int, jobs: int) -> list[tuple[int, int]]:
    """Consecutive ranges of whole blocks of page ids, a few per worker (so a slow one does not
    hold the rest up)."""
    blocks = -(-n // BLOCK)
    k = 1 if jobs <= 1 else max(1, min(blocks, 2 * jobs))
    return [(min(n, blocks * j // k * BLOCK), min(n, blocks * (j + 1) // k * BLOCK)) for j in range(k)]


def _index(pages: list[Page], missing: list[dict], sink: _Sink, jobs: int, release: bool = False) -> None:
    """Every file of the index into ``sink``; with jobs > 1, pages and packs in worker processes.
    ``release``: empty ``pages`` once the workers have them (their texts leave this process)."""
    global _PAGES
    _translation()  # built once, before any worker starts
    _encoder(len(pages) + 2)
    n = len(pages)
    tables = numbers(pages, missing)
    ranges = _ranges(n, jobs)
    firsts: list[list] = []
    if len(ranges) > 1 and sink.folder is not None:  # a dict sink stays in this process
        _PAGES = pages
        try:
            with _pool(jobs) as pool:
                pending = pool.starmap_async(_index_range, [(lo, hi, sink.fork()) for lo, hi in ranges])
                if release:
                    pages.clear()
                parts = pending.get()
                packs = pool.imap(partial(_put_pack, sink.fork()), _packs(_merged(_blocks(parts))), chunksize=4)
                firsts = list(_counted(sink, packs))
        finally:
            _PAGES = []
    else:
        parts = [_index_range(lo, hi, sink.fork(), pages) for lo, hi in ranges if hi > lo]
        packs = map(partial(_put_pack, sink.fork()), _packs(_merged(_blocks(parts))))
        firsts = list(_counted(sink, packs))
    for *_, count, size in parts:
        sink.count += count
        sink.bytes += size
    alphabet = set().union(*(p[1] for p in parts))
    del parts
    for rel, text in tables.items():
        sink.put(rel, text.encode("utf-8"))
    dirs = []
    for k in range(0, len(firsts), DIR_FANOUT):
        data = _json(firsts[k : k + DIR_FANOUT]).encode("utf-8")
        name = _hashed(data, ".json")
        sink.put(f"dirs/{name}", data)
        dirs.append([firsts[k][0], name])
    index = {"format": FORMAT, "pages": n, "title_span": TITLE_SPAN, "chunk": CHUNK, "context": CONTEXT,
             "overlap": OVERLAP, "block": BLOCK, "block_sep": BLOCK_SEP, "dirs": dirs, "fold": fold_table(alphabet)}
    sink.put("index.json", _json(index).encode("utf-8"))


def _blocks(parts: list) -> list:
    """The blocks of ``_index_range``'s results, in order."""
    return [block for p in parts for block in p[0]]


def _counted(sink: _Sink, packs):
    for entry in packs:
        sink.count += 1
        sink.bytes += entry[2]
        yield entry


def build(pages: list[Page], missing: list[dict] | None = None, jobs: int = 1) -> dict[str, bytes]:
    """Relative path under search/ -> content, for ``pages`` in id order."""
    sink = _Sink(None)
    _index(pages, missing or [], sink, jobs)
    return sink.files


def default_jobs() -> int:
    """Worker processes for ``write``: the cores this process may use, up to 4 (each holds a
    share of the postings), or 1 where processes cannot be forked."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(1, min(cores, 4))


def write(site: Path, jobs: int | None = None) -> dict[str, int]:
    """Index a built site into site/search/ (files written as they are made, so memory holds
    the postings but not the excerpts); returns counts for the build summary."""
    import shutil

    jobs = default_jobs() if jobs is None else jobs
    pages = read_site(site, jobs)
    graph = site / "data" / "documents.json"
    missing = json.loads(graph.read_text(encoding="utf-8")).get("missing", []) if graph.exists() else []
    out = site / OUT
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    sink = _Sink(out)
    n = len(pages)
    _index(pages, missing, sink, jobs, release=True)
    return {"pages": n, "files": sink.count, "bytes": sink.bytes}
