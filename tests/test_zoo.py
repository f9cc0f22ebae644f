"""The template zoo (tests/zoo): every corpus page re-wrapped in each CMS idiom converts with its
fields, its whole body in order (every lacking run explained by a record entry), no page
furniture in the body, and list pages give no document. Skipped without ../shared/corpus.

The whole zoo (every idiom x every page, with trafilatura beside) is `make eval`; here each
idiom runs on a few pages of different shapes, to keep the suite quick."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from converter.tools import evaluate
from tests.support import CORPUS, ROOT
from tests.zoo import build, idioms

needs_corpus = pytest.mark.skipif(not (CORPUS / "truth.json").exists(), reason="reference corpus ../shared/corpus not present")
# A State Council notice with an info table, a regulation behind a 令 preamble, a provincial
# notice with a short issuer (省政府办公厅), a Q&A interpretation with contact tables.
SAMPLE = {"govcn_content_5365945", "govcn_content_5351177", "jxgov_art_4975_1503934", "jxgov_art_14236_1505204"}


@pytest.fixture(scope="module")
def zoo(tmp_path_factory) -> list[evaluate.PageScore]:
    out = tmp_path_factory.mktemp("zoo")
    raw = out / "raw"
    raw.mkdir()
    entries = []
    for name, page, entry in build.cases(CORPUS):
        if name.split("__", 1)[1].removesuffix(".html") in SAMPLE:
            (raw / name).write_text(page, encoding="utf-8")
            entries.append(entry)
    (out / "truth.json").write_text(json.dumps(entries, ensure_ascii=False), encoding="utf-8")
    return evaluate.evaluate(out / "truth.json", raw, ROOT, compare=False)


def test_the_zoo_has_at_least_twelve_idioms():
    assert len(idioms.IDIOMS) >= 12


@needs_corpus
@pytest.mark.parametrize("idiom", sorted(idioms.IDIOMS))
def test_each_idiom_converts_every_sample_page_faithfully(zoo, idiom):
    mine = [s for s in zoo if s.file.startswith(idiom + "__")]
    assert len(mine) == len(SAMPLE)
    for s in mine:
        if s.kind != "document":
            assert s.error is None, (s.file, s.error)
            continue
        assert s.error is None, (s.file, s.error)
        assert [f for f, ok in s.fields.items() if ok is False] == [], (s.file, s.values)
        assert s.ordered is not None and s.ordered >= evaluate.ORDERED_MIN, (s.file, s.ordered)
        assert [lk.text for lk in s.lacking if lk.explained_by is None] == [], s.file
        assert s.leakage <= 0.01, (s.file, s.leakage)


@needs_corpus
def test_zoo_pages_are_generated_from_the_corpus_at_test_time():
    # The corpus is read, never copied: no page of it is stored in the project.
    assert not list(Path(__file__).parent.joinpath("zoo").glob("*.html"))
    cases = build.cases(CORPUS, only={"hanweb_table"})
    assert len(cases) == len(json.loads((CORPUS / "truth.json").read_text(encoding="utf-8")))
