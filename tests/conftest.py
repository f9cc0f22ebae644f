from __future__ import annotations

import pytest

from converter.pipeline import convert_source
from tests.support import ROOT, SAMPLES, SOURCES


@pytest.fixture(scope="session")
def sample_docs():
    """Each bundled sample converted once: key -> list of PolicyDocument."""
    out = {}
    for key, name in SAMPLES.items():
        docs, problems = convert_source(SOURCES / name, ROOT)
        assert not problems, problems
        out[key] = docs
    return out
