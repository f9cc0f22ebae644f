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
* ``dirs/<hash>.json``: the first key and file of DIR_FANOUT packs each;
* ``packs/<hash>.bin``: the postings, sorted by key and packed ~PACK_BYTES to a file, so a query
  fetches one small file per bigram it looks up however large the corpus (gzip'd);
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
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import cache
from operator import add, sub
from pathlib import Path

from lxml import html as lxml_html

from converter.text.hanzi import to_simplified

OUT = "search"
TITLE_SPAN = 4096  # body positions start here, so a position below it is a title hit
PACK_BYTES = 16 * 1024
DIR_FANOUT = 128  # packs listed per directory file: index.json stays a few KB at 100,000 pages
CHUNK = 1024  # folded body characters per excerpt file …
CONTEXT = 40  # … plus this many before (excerpt context) …
OVERLAP = 200  # … and after, so a match starting in the stretch is whole in its file
FORMAT = 1

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


def _meta(root, attr: str, key: str) -> str:
    for v in root.xpath(f"//*[@{attr}]/@{attr}"):
        if v.startswith(key + ":"):
            return v[len(key) + 1 :]
    return ""


def read_page(path: Path, site: Path) -> Page | None:
    """A built document page's title, date, 文号 and body text (blocks on their own lines);
    None for a page that is not a document (no ``data-pagefind-body``)."""
    root = lxml_html.fromstring(path.read_text(encoding="utf-8"))
    bodies = root.xpath("//*[@data-pagefind-body]")
    if not bodies:
        return None
    body = bodies[0]
    date = _meta(body, "data-pagefind-sort", "date")
    number = _meta(body, "data-pagefind-meta", "文号").replace("，", ",")
    for xp in SKIP:
        for el in body.xpath("." + xp):
            el.drop_tree()
    h1 = body.xpath(".//h1")
    title = h1[0].text_content().strip() if h1 else ""
    if h1:
        h1[0].drop_tree()
    for el in body.iter():
        if isinstance(el.tag, str) and el.tag in BLOCK_TAGS:
            el.tail = "\n" + (el.tail or "")
    lines = [" ".join(line.split()) for line in body.text_content().split("\n")]
    url = path.parent.relative_to(site).as_posix() + "/"
    return Page(url=url, title=title, date="" if date.startswith("0000") else date, number=number,
                body="\n".join(line for line in lines if line))


def read_site(site: Path) -> list[Page]:
    """Every document page of a built site, newest first (undated last), then by URL."""
    pages = [p for path in sorted(site.rglob("index.html")) if (p := read_page(path, site))]
    pages.sort(key=lambda p: p.url)
    pages.sort(key=lambda p: p.date or "", reverse=True)
    return pages


# ------------------------------------------------------------------------------- postings


def varint(n: int) -> bytes:
    out = bytearray()
    while n >= 0x80:
        out.append(n & 0x7F | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


_SMALL = [varint(n) for n in range(1 << 14)]


def varints(numbers) -> bytes:
    return b"".join([_SMALL[n] if n < 16384 else varint(n) for n in numbers])


class Postings:
    """Key -> encoded postings, appended page by page in id order.

    bigram: per page (id delta, count, position deltas); one character: (id delta,
    count << 1 | title hit). Positions: title at 0…, body at TITLE_SPAN…"""

    def __init__(self) -> None:
        self.data: dict[str, list] = {}  # key -> [bytearray, last page id]

    def _append(self, key: str, doc: int, payload: bytes) -> None:
        entry = self.data.get(key)
        if entry is None:
            entry = self.data[key] = [bytearray(), -1]
        entry[0] += _SMALL[doc - entry[1]] if doc - entry[1] < 16384 else varint(doc - entry[1])
        entry[0] += payload
        entry[1] = doc

    def add(self, doc: int, title: str, body: str) -> None:
        title = title[: TITLE_SPAN - 1]
        grams: dict[str, list[int]] = defaultdict(list)
        for start, text in ((0, title), (TITLE_SPAN, body)):
            for i, g in enumerate(map(add, text, text[1:]), start):
                grams[g].append(i)
        in_title = Counter(title)
        for c, n in (in_title + Counter(body)).items():
            self._append(c, doc, varint(n << 1 | (c in in_title)))
        for g, ps in grams.items():
            self._append(g, doc, varints([len(ps), ps[0], *map(sub, ps[1:], ps)]))

    def packs(self) -> list[tuple[str, bytes]]:
        """(first key, file bytes) of each pack, keys in UTF-16 order (the browser's)."""
        keys = sorted(self.data, key=lambda k: k.encode("utf-16-be"))
        data = {k: self.data[k][0] for k in keys}
        out: list[tuple[str, bytes]] = []
        group: list[str] = []
        size = 0
        for k in keys:
            group.append(k)
            size += len(data[k])
            if size >= PACK_BYTES:
                out.append((group[0], _pack(group, data)))
                group, size = [], 0
        if group:
            out.append((group[0], _pack(group, data)))
        return out


def _pack(keys: list[str], data: dict[str, bytearray]) -> bytes:
    head = bytearray(varint(len(keys)))
    for k in keys:
        kb = k.encode("utf-8")
        head += varint(len(kb)) + kb + varint(len(data[k]))
    return bytes(head) + b"".join(bytes(data[k]) for k in keys)


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


def build(pages: list[Page], missing: list[dict] | None = None) -> dict[str, bytes]:
    """Relative path under search/ -> content, for ``pages`` in id order."""
    postings = Postings()
    files: dict[str, bytes] = {}
    alphabet: set[str] = set()
    for i, p in enumerate(pages):
        title, body = fold_text(p.title), fold_text(p.body)
        alphabet.update(title, body)
        postings.add(i, title, body)
        files.update({k: _gz(v.encode("utf-8")) for k, v in chunks(p, i, body).items()})
    files.update({k: v.encode("utf-8") for k, v in numbers(pages, missing or []).items()})
    firsts = []
    for first, data in postings.packs():
        name = _hashed(data, ".bin")
        files[f"packs/{name}"] = _gz(data)
        firsts.append([first, name])
    dirs = []
    for k in range(0, len(firsts), DIR_FANOUT):
        data = _json(firsts[k : k + DIR_FANOUT]).encode("utf-8")
        name = _hashed(data, ".json")
        files[f"dirs/{name}"] = data
        dirs.append([firsts[k][0], name])
    index = {"format": FORMAT, "pages": len(pages), "title_span": TITLE_SPAN, "chunk": CHUNK,
             "dirs": dirs, "fold": fold_table(alphabet)}
    files["index.json"] = _json(index).encode("utf-8")
    return files


def write(site: Path) -> dict[str, int]:
    """Index a built site into site/search/; returns counts for the build summary."""
    import shutil

    pages = read_site(site)
    graph = site / "data" / "documents.json"
    missing = json.loads(graph.read_text(encoding="utf-8")).get("missing", []) if graph.exists() else []
    files = build(pages, missing)
    out = site / OUT
    if out.exists():
        shutil.rmtree(out)
    for rel, data in sorted(files.items()):
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return {"pages": len(pages), "files": len(files), "bytes": sum(len(v) for v in files.values())}
