"""The substring index behind the search box: every page that contains the query, and no other.

A reader types a phrase and expects the pages that hold it, whatever a word segmenter would make
of it. Each page's title and body are folded character by character (``fold``: NFKC,
Traditional -> Simplified with OpenCC, lower case, 文号 brackets unified, spaces dropped), and
every overlapping pair of folded characters (bigram) is indexed with its positions. A query of
two or more characters is then found exactly: its bigrams at offsets 0, 2, 4, … and the last one
cover every character, and a page holds the query at p if and only if each of those bigrams
sits at p + its offset. One-character queries use per-character postings (page, count).

Written under site/search/ (static files, byte-identical for the same site):

* ``index.json``: the pack directory (first key of each pack), the fold table the browser applies
  to a query, and the constants below;
* ``packs/<hash>.bin``: the postings, sorted by key and packed ~PACK_BYTES to a file, so a query
  fetches one small file per bigram it looks up however large the corpus;
* ``docs/<id>-<k>.json``: page id's metadata and the k-th stretch of its body text, for the
  result list's excerpt (and the browser's check that a result really contains the query);
* ``numbers/<year|other>.json``: 文号 -> documents with it, and the 待收录 page of a cited
  document the library does not have yet.

Page ids run newest first, so ranking ties fall to the newest document.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from lxml import html as lxml_html

from .hanzi import to_simplified

OUT = "search"
TITLE_SPAN = 4096  # body positions start here, so a position below it is a title hit
PACK_BYTES = 16 * 1024
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


def fold(text: str) -> tuple[str, list[int]]:
    """``text`` folded, and for each folded character the index of its source character."""
    out: list[str] = []
    where: list[int] = []
    for i, c in enumerate(text):
        f = fold_char(c)
        if f:
            out.append(f)
            where.append(i)
    return "".join(out), where


def fold_table(alphabet: set[str]) -> dict[str, str]:
    """Every BMP character whose fold differs from itself and lands in ``alphabet`` (the folded
    characters of the corpus) or is dropped: the browser folds a query with this table alone.
    A character left out folds to something no page holds, so it matches nothing either way."""
    table = {}
    for cp in range(0x20, 0x10000):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        c = chr(cp)
        f = fold_char(c)
        if f != c and (f == "" or f in alphabet):
            table[c] = f
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
    root = lxml_html.fromstring(path.read_bytes())
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


@cache
def _varint_small(n: int) -> bytes:
    return _varint(n)


def _varint(n: int) -> bytes:
    out = bytearray()
    while n >= 0x80:
        out.append(n & 0x7F | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def varint(n: int) -> bytes:
    return _varint_small(n) if n < 1 << 14 else _varint(n)


class Postings:
    """Key -> encoded postings, appended page by page in id order.

    bigram: per page (id delta, count, position deltas); one character: (id delta,
    count << 1 | title hit). Positions: title at 0…, body at TITLE_SPAN…"""

    def __init__(self) -> None:
        self.data: dict[str, bytearray] = {}
        self.last: dict[str, int] = {}

    def _head(self, key: str, doc: int) -> bytearray:
        buf = self.data.get(key)
        if buf is None:
            buf = self.data[key] = bytearray()
        buf += varint(doc - self.last.get(key, -1))
        self.last[key] = doc
        return buf

    def add(self, doc: int, title: str, body: str) -> None:
        text = title[: TITLE_SPAN - 1] + "\x00" * (TITLE_SPAN - min(len(title), TITLE_SPAN - 1)) + body
        grams: dict[str, list[int]] = {}
        chars: dict[str, list[int]] = {}
        for i, c in enumerate(text):
            if c == "\x00":
                continue
            chars.setdefault(c, []).append(i)
            g = text[i : i + 2]
            if len(g) == 2 and "\x00" not in g:
                grams.setdefault(g, []).append(i)
        for c, ps in chars.items():
            self._head(c, doc).extend(varint(len(ps) << 1 | (ps[0] < TITLE_SPAN)))
        for g, ps in grams.items():
            buf = self._head(g, doc)
            buf += varint(len(ps))
            prev = 0
            for p in ps:
                buf += varint(p - prev)
                prev = p

    def packs(self) -> list[tuple[str, bytes]]:
        """(first key, file bytes) of each pack, keys in UTF-16 order (the browser's)."""
        keys = sorted(self.data, key=lambda k: k.encode("utf-16-be"))
        out: list[tuple[str, bytes]] = []
        group: list[str] = []
        size = 0
        for k in keys:
            group.append(k)
            size += len(self.data[k])
            if size >= PACK_BYTES:
                out.append((group[0], self._pack(group)))
                group, size = [], 0
        if group:
            out.append((group[0], self._pack(group)))
        return out

    def _pack(self, keys: list[str]) -> bytes:
        head = bytearray(varint(len(keys)))
        for k in keys:
            kb = k.encode("utf-8")
            head += varint(len(kb)) + kb + varint(len(self.data[k]))
        return bytes(head) + b"".join(bytes(self.data[k]) for k in keys)


# ------------------------------------------------------------------------------- writing


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"


def chunks(page: Page, doc: int) -> dict[str, str]:
    """docs/<id>-<k>.json: the body's k-th stretch of CHUNK folded characters (with CONTEXT
    before and OVERLAP after) in its original text, and the page's metadata."""
    folded, where = fold(page.body)
    out = {}
    for k in range(max(1, -(-len(folded) // CHUNK))):
        lo = max(0, k * CHUNK - CONTEXT)
        hi = min(len(folded), (k + 1) * CHUNK + OVERLAP)
        text = page.body[where[lo] : where[hi - 1] + 1] if hi > lo else ""
        record = {"u": page.url, "t": page.title, "d": page.date, "n": page.number, "s": lo, "x": text,
                  "k": -(-len(folded) // CHUNK)}
        out[f"docs/{doc}-{k}.json"] = _json(record)
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


def build(pages: list[Page], missing: list[dict] | None = None) -> dict[str, bytes]:
    """Relative path under search/ -> content, for ``pages`` in id order."""
    postings = Postings()
    files: dict[str, bytes] = {}
    alphabet: set[str] = set()
    for i, p in enumerate(pages):
        title, body = fold(p.title)[0], fold(p.body)[0]
        alphabet.update(title, body)
        postings.add(i, title, body)
        files.update({k: v.encode("utf-8") for k, v in chunks(p, i).items()})
    files.update({k: v.encode("utf-8") for k, v in numbers(pages, missing or []).items()})
    firsts = []
    for first, data in postings.packs():
        name = f"packs/{hashlib.sha256(data).hexdigest()[:16]}.bin"
        files[name] = data
        firsts.append([first, name])
    index = {"format": FORMAT, "pages": len(pages), "title_span": TITLE_SPAN, "chunk": CHUNK,
             "packs": firsts, "fold": fold_table(alphabet)}
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
