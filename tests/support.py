"""Shared constants and helpers for the tests."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "sources"
CORPUS = ROOT.parent / "shared" / "corpus"

SAMPLES = {
    "000": "000_1ed525b5069ca3ce.txt",
    "001": "001_d2b59fd790b2730b.txt",
    "002": "002_8c0b7b7d79472d22.txt",
    "003": "003_b6ae8f86c6d88d82.txt",
    "004": "004_0395a73e19e4f75c.txt",
}


def body_text(doc) -> str:
    return "\n".join(f"{b.label}{b.lead}{b.text}" for b in doc.blocks)


# A short 通知 as its cleaned paragraphs: the split and extract stages tested on their own.
NOTICE_TITLE = "国务院办公厅关于印发全民健身计划（2021—2025年）的通知"
NOTICE_BODY = [
    "国办发〔2021〕23号",
    "各省、自治区、直辖市人民政府，国务院各部委、各直属机构：",
    "《全民健身计划（2021—2025年）》已经国务院同意，现印发给你们，请认真贯彻执行。",
    "国务院办公厅",
    "2021年7月18日",
]
