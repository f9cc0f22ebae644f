"""Every idiom x every corpus page -> a page and its truth entry."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from converter.clean import htmltext
from converter.tools import evaluate

from . import idioms, source


def expected_body(markup: str) -> str:
    if not markup:
        return ""
    root = htmltext.parse(f"<html><body><div id='zoom'>{markup}</div></body></html>")
    return _text(root)


def _text(root) -> str:
    htmltext._drop_invisible(root, [])
    return evaluate.norm(root.find("body").text_content())


def cases(corpus: Path, only: set[str] | None = None) -> list[tuple[str, str, dict]]:
    """(file name, page, truth entry) for every idiom and page."""
    pages = source.load(corpus)
    out = []
    for i, page in enumerate(pages):
        others = pages[i + 1 :] + pages[:i]
        for name, idiom in idioms.IDIOMS.items():
            if only and name not in only:
                continue
            made = idiom(page, others)
            entry = {"file": f"{name}__{page.name}.html", "kind": made.kind, "idiom": name}
            for f in idioms.ALL_FIELDS:
                entry[f] = page.entry.get(f) if f in made.shown else None
            entry["body"] = expected_body(made.body) if made.kind == "document" else None
            out.append((entry["file"], made.html, entry))
    return out


def write(corpus: Path, out: Path, only: set[str] | None = None) -> int:
    raw = out / "raw"
    if raw.exists():
        shutil.rmtree(raw)
    raw.mkdir(parents=True)
    entries = []
    for name, page, entry in cases(corpus, only):
        (raw / name).write_text(page, encoding="utf-8")
        entries.append(entry)
    (out / "truth.json").write_text(json.dumps(entries, ensure_ascii=False, indent=1), encoding="utf-8")
    return len(entries)
