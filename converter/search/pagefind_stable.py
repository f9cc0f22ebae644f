"""Make Pagefind's output byte-identical from run to run.

Pagefind 1.5 writes its filter files (``pagefind/filter/*.pf_filter``: one filter's values
and their pages) and the filter list in ``pagefind.*.pf_meta`` in hash-map order, which
changes on every run (upstream issue Pagefind#638), so two builds of the same site differ.
This step re-sorts those two lists, which Pagefind's reader looks up by key and never by
position, writes the files again (gzip with no time stamp) under names derived from their
new content, and points ``pagefind.*.pf_meta`` and ``pagefind-entry.json`` at them. The
fragments and the word index are already stable and are left alone.

The files are gzip'd CBOR behind a ``pagefind_dcd`` signature; the tiny CBOR codec below
handles the definite-length integers, strings and arrays they use, and re-encodes
minimally, so an unchanged list comes back byte for byte.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import struct
import sys
from pathlib import Path

SIGNATURE = b"pagefind_dcd"


# ---------------------------------------------------------------- CBOR (the subset Pagefind writes)


def _decode(b: bytes, i: int = 0):
    head = b[i]
    major, info = head >> 5, head & 31
    i += 1
    if info < 24:
        n = info
    elif info in (24, 25, 26, 27):
        size = 1 << (info - 24)
        n = int.from_bytes(b[i : i + size], "big")
        i += size
    else:
        raise ValueError(f"unsupported CBOR item {head:#x} at {i - 1}")
    if major == 0:
        return n, i
    if major == 1:
        return -1 - n, i
    if major == 2:
        return bytes(b[i : i + n]), i + n
    if major == 3:
        return b[i : i + n].decode("utf-8"), i + n
    if major == 4:
        out = []
        for _ in range(n):
            item, i = _decode(b, i)
            out.append(item)
        return out, i
    raise ValueError(f"unsupported CBOR major type {major}")


def _head(major: int, n: int) -> bytes:
    if n < 24:
        return bytes([major << 5 | n])
    for info, fmt in ((24, ">B"), (25, ">H"), (26, ">I"), (27, ">Q")):
        if n < 1 << (8 * struct.calcsize(fmt)):
            return bytes([major << 5 | info]) + struct.pack(fmt, n)
    raise ValueError(n)


def _encode(value) -> bytes:
    if isinstance(value, bool) or value is None:
        raise ValueError(value)
    if isinstance(value, int):
        return _head(0, value) if value >= 0 else _head(1, -1 - value)
    if isinstance(value, bytes):
        return _head(2, len(value)) + value
    if isinstance(value, str):
        data = value.encode("utf-8")
        return _head(3, len(data)) + data
    if isinstance(value, list):
        return _head(4, len(value)) + b"".join(_encode(v) for v in value)
    raise ValueError(type(value))


def read(path: Path):
    data = gzip.decompress(path.read_bytes())
    if not data.startswith(SIGNATURE):
        raise ValueError(f"{path}: not a Pagefind file")
    value, end = _decode(data, len(SIGNATURE))
    if end != len(data):
        raise ValueError(f"{path}: trailing bytes")
    return value


def _pack(value) -> bytes:
    return gzip.compress(SIGNATURE + _encode(value), compresslevel=9, mtime=0)


# ---------------------------------------------------------------- the normalisation


def _key(item) -> str:
    return item[0] if isinstance(item, list) and item and isinstance(item[0], str) else ""


def normalise(site: Path, bundle: str = "pagefind") -> int:
    """Rewrite the filter files and metadata of ``site/bundle`` in a stable order; returns files renamed."""
    root = site / bundle
    entry_path = root / "pagefind-entry.json"
    if not entry_path.exists():
        return 0
    entry_text = entry_path.read_text(encoding="utf-8")
    renamed: dict[str, str] = {}
    for path in sorted((root / "filter").glob("*.pf_filter")):
        name, values = read(path)
        data = _pack([name, sorted(values, key=_key)])
        lang = path.stem.rsplit("_", 1)[0]
        new = f"{lang}_{hashlib.sha256(data).hexdigest()[:7]}"
        if new != path.stem:
            renamed[path.stem] = new
            (root / "filter" / f"{new}.pf_filter").write_bytes(data)
            path.unlink()
    for path in sorted(root.glob("pagefind.*.pf_meta")):
        meta = read(path)
        # [version, pages, index chunks, filters: [name, file hash], sorts, metadata keys]
        if not (len(meta) == 6 and all(isinstance(f, list) and len(f) == 2 for f in meta[3])):
            raise ValueError(f"{path}: unknown Pagefind metadata layout (version {meta[0]!r})")
        filters = [[n, renamed.get(h, h)] for n, h in meta[3]]
        meta[3] = sorted(filters, key=_key)
        data = _pack(meta)
        old = path.name[len("pagefind.") : -len(".pf_meta")]
        new = f"{old.rsplit('_', 1)[0]}_{hashlib.sha256(data).hexdigest()[:10]}"
        if new != old:
            (root / f"pagefind.{new}.pf_meta").write_bytes(data)
            path.unlink()
            entry_text = re.sub(rf'"{re.escape(old)}"', json.dumps(new), entry_text)
            renamed[old] = new
    entry_path.write_text(entry_text, encoding="utf-8")
    return len(renamed)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    for site in args or ["site"]:
        normalise(Path(site))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
