"""The system tools the readers call, and what to install when one is missing."""

from __future__ import annotations

from functools import cache

from converter.read.formats import ocr, office


@cache
def signature() -> str:
    """Which tools this machine has: part of the cache key, so installing one converts again."""
    return f"soffice={'yes' if office.soffice() else 'no'};tesseract-{ocr.LANG}={'yes' if ocr.tesseract() else 'no'}"


def missing() -> list[str]:
    """What to install for the formats this machine cannot read, one line each."""
    out = []
    if office.soffice() is None:
        out.append(f".doc/.wps: {office.INSTALL}")
    if ocr.tesseract() is None:
        out.append(f"scans and images: {ocr.INSTALL}")
    return out
