"""Recognisers of Chinese policy text shared by the stages: whitespace, numbering, dates, 文号,
document kinds, titles, places, script (Traditional, pinyin)."""
