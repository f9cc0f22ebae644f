"""Every cleaning step a reader can see has a Chinese name: the steps the code and the data
tables record under are all in converter/data/messages.yml, and an unlisted one is shown in
Chinese, never as its English key."""

from __future__ import annotations

import re

from converter import messages
from converter.render.page import _count_label
from tests.support import ROOT

_IN_CODE = re.compile(r"""(?:record\.(?:remove|change)\(|Removal\(|removed\.append\(\(|return \()\s*["']([a-z_]+)["']\s*[,)]""")
_IN_DATA = re.compile(r"^\s*(?:-\s*)?step:\s*([a-z_]+)\s*$", re.M)


def _recorded_steps() -> set[str]:
    steps: set[str] = set()
    for path in (ROOT / "converter").rglob("*.py"):
        steps |= set(_IN_CODE.findall(path.read_text(encoding="utf-8")))
    for path in (ROOT / "converter" / "data").glob("*.yml"):
        steps |= set(_IN_DATA.findall(path.read_text(encoding="utf-8")))
    return steps


def test_every_step_the_code_and_data_record_under_has_a_chinese_label():
    steps = _recorded_steps()
    assert {"spam", "furniture", "navigation", "duplicate", "metadata", "reflow"} <= steps  # the scan finds them
    listed = messages.table().steps
    assert sorted(steps - set(listed)) == []
    for step in steps:
        label = messages.step_label(step)
        assert re.search(r"[\u4e00-\u9fff]", label) and not re.search(r"[A-Za-z]", label), (step, label)


def test_a_step_missing_from_the_message_table_is_not_shown_by_its_english_key():
    for shown in (messages.step_label("made_up_step"), _count_label("removed_made_up_step")):
        assert "made_up_step" not in shown and re.search(r"[\u4e00-\u9fff]", shown)


def test_the_chinese_messages_name_levels_and_steps_in_chinese_not_by_their_keys():
    from converter.text.places import LEVEL_NAMES

    bad_level = messages.table().messages["warn.bad_level"].zh
    assert all(name in bad_level for name in LEVEL_NAMES.values())
    for code, text in messages.table().messages.items():
        words = re.findall(r"[a-z]{3,}", re.sub(r"\{[a-z_]+\}|\(cid:NNN\)", "", text.zh))
        assert words == [], (code, text.zh)
