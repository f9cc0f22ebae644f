"""Polite fetcher that stores Chinese government policy pages as raw sources.

The heavy parts (``httpx``) are imported lazily so that ``scraper.encoding``
can be reused by the converter without pulling in the HTTP stack.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

#: Placeholder; replace with the public repository URL once it exists.
PROJECT_URL = "https://github.com/REPLACE-ME/policy-library"

USER_AGENT = f"policy-library-scraper/{__version__} (+{PROJECT_URL})"

__all__ = [
    "PROJECT_URL",
    "USER_AGENT",
    "FetchOptions",
    "FetchResult",
    "__version__",
    "decode",
    "detect_encoding",
    "fetch_to_sources",
]

if TYPE_CHECKING:  # pragma: no cover
    from .api import FetchResult, fetch_to_sources
    from .encoding import decode, detect_encoding
    from .fetch import FetchOptions


def __getattr__(name: str) -> Any:
    if name in ("fetch_to_sources", "FetchResult"):
        from . import api

        return getattr(api, name)
    if name == "FetchOptions":
        from .fetch import FetchOptions

        return FetchOptions
    if name in ("detect_encoding", "decode"):
        from . import encoding

        return getattr(encoding, name)
    raise AttributeError(f"module 'scraper' has no attribute {name!r}")
