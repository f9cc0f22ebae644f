"""The contributor guide on the site (贡献指南).

``docs/contributing.md`` is generated from ``CONTRIBUTING.md`` by the build, so the guide in the
repository and the one on the site can never diverge: edit CONTRIBUTING.md, run ``make docs``.
``converter check`` fails when the committed copy is stale, like any other generated page.
"""

from __future__ import annotations

from pathlib import Path

SOURCE = "CONTRIBUTING.md"
PAGE = "contributing.md"
NOTE = "<!-- 本页由 CONTRIBUTING.md 生成：请编辑 CONTRIBUTING.md，然后运行 make docs。 -->\n\n"


def pages(root: Path) -> dict[str, str]:
    """``{"contributing.md": text}`` when the project has a CONTRIBUTING.md, else nothing."""
    src = root / SOURCE
    if not src.is_file():
        return {}
    text = src.read_text(encoding="utf-8").replace("\r\n", "\n")
    return {PAGE: NOTE + text.rstrip("\n") + "\n"}
