"""Character-encoding detection for (mostly Chinese) web pages.

Chinese government sites are notorious for wrong or missing charset
declarations: servers announce ``ISO-8859-1`` or ``UTF-8`` for GBK pages,
pages declare ``gb2312`` but contain GBK/GB18030-only characters (e.g. 镕,
䶮), or declare nothing at all.  ``detect_encoding`` therefore treats every
declaration as a *hint* that must survive a strict decode and a plausibility
check before it is trusted.

Order of evidence:

1. a byte-order mark (UTF-8, UTF-16, UTF-32, GB18030);
2. declared charsets, HTTP header first, then ``<meta charset>`` /
   ``<meta http-equiv="content-type">`` / XML declaration; gb2312 and gbk are
   widened to gb18030 (a strict superset).  A declaration is used only if it
   decodes strictly, the text looks plausible, and neither UTF-8 nor GB18030
   gives a clearly more plausible reading of the same bytes;
3. undeclared (or all declarations rejected): valid UTF-8, then GB18030 if the
   result reads like Chinese, then charset-normalizer, then the least-damaged
   lenient decode.

The returned name is a Python codec name such that ``data.decode(name)``
yields the right text (``utf-8-sig`` / ``utf-16`` / ``utf-32`` when a BOM is
present, so the BOM is consumed by the codec).
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections import Counter
from functools import lru_cache

__all__ = ["decode", "detect_encoding", "declared_encodings", "normalize_label"]

# How much of the document is searched for <meta> / XML declarations.  The
# HTML spec says 1024 bytes, but many government pages have huge <head>s.
_META_SCAN_BYTES = 32 * 1024

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # must precede UTF-16 LE (same prefix)
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
    (b"\x84\x31\x95\x33", "gb18030"),
)

# Labels Python does not know, mapped as the WHATWG Encoding Standard does.
_ALIASES = {
    "x-gbk": "gb18030",
    "gb_2312-80": "gb18030",
    "gb_2312": "gb18030",
    "csgb2312": "gb18030",
    "iso-ir-58": "gb18030",
    "chinese": "gb18030",
    "csiso58gb231280": "gb18030",
    "windows-936": "gb18030",
    "x-euc-cn": "gb18030",
    "x-cp936": "gb18030",
    "x-big5": "big5",
    "cn-big5": "big5",
    "csbig5": "big5",
    "x-x-big5": "big5",
    "x-sjis": "shift_jis",
    "unicode-1-1-utf-8": "utf-8",
    "unicode11utf8": "utf-8",
    "unicode20utf8": "utf-8",
    "x-unicode20utf8": "utf-8",
}

# Python codec names that are subsets of GB18030.
_GB_FAMILY = {"gb2312", "gbk", "gb18030"}
# Latin-1 / ASCII labels mean windows-1252 on the web (WHATWG).
_WESTERN_TO_1252 = {"iso8859-1", "ascii", "latin-1"}
_LEGACY_MULTIBYTE = {
    "gb18030", "big5", "big5hkscs", "cp950", "shift_jis", "cp932", "euc_jp",
    "euc_jis_2004", "euc_jisx0213", "shift_jis_2004", "shift_jisx0213",
    "euc_kr", "cp949", "johab", "hz",
}
_UNICODE_WIDE = {"utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"}

_HEADER_CHARSET_RE = re.compile(r"""charset\s*=\s*["']?\s*([^\s;"',]+)""", re.IGNORECASE)
# Matches both <meta charset="x"> and <meta http-equiv=... content="...; charset=x">.
_META_RE = re.compile(
    rb"""<meta\b[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.IGNORECASE
)
_XML_DECL_RE = re.compile(
    rb"""^\s*<\?xml\b[^>]*?encoding\s*=\s*["']([A-Za-z0-9_.:\-]+)["']""", re.IGNORECASE
)

# A GB18030 reading must look at least this Chinese to be chosen without a
# declaration, or to override a declared single-byte Western charset.
_MIN_CJK_SCORE_UNDECLARED = 0.7
_MIN_CJK_SCORE_OVERRIDE = 0.9
# Fraction of suspicious characters (controls, private use, U+FFFD) above
# which a decoding is considered garbage.
_MAX_BAD_RATIO = 0.02


def normalize_label(label: str | None) -> str | None:
    """Map a charset label to a canonical Python codec name, or ``None``.

    gb2312/gbk (and their aliases) become ``gb18030``; latin-1/ascii become
    ``cp1252`` as browsers do.
    """
    if not label:
        return None
    key = label.strip().strip("\"'").lower()
    if not key:
        return None
    key = _ALIASES.get(key, key)
    try:
        name = codecs.lookup(key).name
    except LookupError:
        return None
    if name in _GB_FAMILY:
        return "gb18030"
    if name in _WESTERN_TO_1252:
        return "cp1252"
    return name


def _header_charset(content_type: str | None) -> str | None:
    if not content_type:
        return None
    m = _HEADER_CHARSET_RE.search(content_type)
    return m.group(1) if m else None


def declared_encodings(data: bytes, content_type: str | None = None) -> list[str]:
    """Normalized charsets declared for ``data``, in priority order (no duplicates).

    HTTP header first, then XML declaration and ``<meta>`` tags in document
    order.  In-document declarations of UTF-16/32 are impossible for
    ASCII-compatible bytes and are read as UTF-8 (as browsers do).
    """
    found: list[str] = []

    def add(label: str | None, in_document: bool) -> None:
        name = normalize_label(label)
        if name is None:
            return
        if in_document and name in _UNICODE_WIDE:
            name = "utf-8"
        if name not in found:
            found.append(name)

    add(_header_charset(content_type), in_document=False)
    head = data[:_META_SCAN_BYTES]
    m = _XML_DECL_RE.match(head)
    if m:
        add(m.group(1).decode("ascii", "replace"), in_document=True)
    for m in _META_RE.finditer(head):
        add(m.group(1).decode("ascii", "replace"), in_document=True)
    return found


def _strict(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


@lru_cache(maxsize=8192)
def _is_common_char(ch: str) -> bool:
    """True for characters typical of (simplified) Chinese running text."""
    cp = ord(ch)
    if (
        0x3000 <= cp <= 0x303F  # CJK symbols and punctuation
        or 0xFF00 <= cp <= 0xFFEF  # full-width forms
        or 0x2000 <= cp <= 0x206F  # general punctuation (“ ” — …)
        or cp in (0x00A0, 0x00B7, 0x00D7, 0x00F7, 0x00B0, 0x00B1, 0xFEFF)
        or 0x2460 <= cp <= 0x24FF  # enclosed numerals ① ⑴
        or 0x2160 <= cp <= 0x217F  # roman numerals
    ):
        return True
    if 0x4E00 <= cp <= 0x9FFF:
        try:
            ch.encode("gb2312")
        except UnicodeEncodeError:
            return False
        return True
    return False


_ASCII_RUN = re.compile(r"[\x00-\x7f]+")
_CONTROL_BYTES = bytes([*range(0x00, 0x09), *range(0x0E, 0x20)])  # C0 controls except \t \n \v \f \r
_BAD_CHARS = re.compile("[\x80-\x9f\ue000-\uf8ff\ufffd]")  # C1 controls, private use, U+FFFD
_WEIRD_CATEGORIES = ("Mn", "Mc", "Me", "Cn", "Co", "Cc", "Cs")


def _non_ascii(text: str, sample: int) -> str:
    """The first ``sample`` non-ASCII characters of ``text``."""
    return _ASCII_RUN.sub("", text)[:sample]


def _cjk_score(text: str, sample: int = 20000) -> float:
    """Share of non-ASCII characters that are common Chinese text characters.

    1.0 for pure-ASCII text.  Mojibake (UTF-8 read as GBK, GBK read as
    Latin-1, ...) scores far lower than real Chinese text.
    """
    # Counted per distinct character: a page repeats a few thousand characters.
    chars = _non_ascii(text, sample)
    if not chars:
        return 1.0
    return sum(n for ch, n in Counter(chars).items() if _is_common_char(ch)) / len(chars)


# Non-ASCII characters outside _NEVER_WEIRD (below): few in a Chinese page, so findall is
# cheap. The bad characters are among them.
_MAYBE_WEIRD = re.compile("[^\x00-\x7f\u3001-\u3029\u4e00-\u9fff\uff01-\uff5e]")
# The last text scanned and its _MAYBE_WEIRD characters: _plausible and then _weird_below_half
# look at the same decoded page, and one scan serves both. One tuple, read and replaced whole.
_last_scan: tuple[str | None, list[str]] = (None, [])


def _maybe_weird(text: str) -> list[str]:
    global _last_scan
    last = _last_scan
    if last[0] is text:
        return last[1]
    found = _MAYBE_WEIRD.findall(text)
    _last_scan = (text, found)
    return found


def _bad_ratio(text: str, sample: int = 500_000) -> float:
    """Share of characters that should not appear in a sane web page."""
    text = text[:sample]
    # Counted in C (bytes.translate, regex), not by a Python loop over every character.
    ascii_bytes = text.encode("ascii", "ignore")
    # The controls are ASCII: counted on the ASCII characters alone, by bytes.translate.
    controls = len(ascii_bytes) - len(ascii_bytes.translate(None, _CONTROL_BYTES))
    non_ascii = len(text) - len(ascii_bytes)
    bad = len(_BAD_CHARS.findall("".join(_maybe_weird(text))))  # the bad ones are among these
    ratio_controls = controls / len(text) if text else 0.0
    ratio_bad = bad / non_ascii if non_ascii else 0.0
    return max(ratio_controls, ratio_bad)


def _weird_ratio(text: str, sample: int = 20000) -> float:
    """Share of non-ASCII characters that are combining marks, unassigned,
    private-use or control characters - typical of legacy bytes that happen
    to form valid UTF-8."""
    chars = _non_ascii(text, sample)
    if not chars:
        return 0.0
    weird = sum(n for ch, n in Counter(chars).items() if unicodedata.category(ch) in _WEIRD_CATEGORIES)
    return weird / len(chars)


# CJK ideographs and CJK / full-width punctuation: no character here is in a weird category
# (tests/test_fast_paths.py checks every one).
_NEVER_WEIRD = re.compile("[\u3001-\u3029\u4e00-\u9fff\uff01-\uff5e]+")


def _weird_below_half(text: str, sample: int = 20000) -> bool:
    """``_weird_ratio(text) < 0.5``; decided from a count of never-weird characters (one regex
    substitution) when they are the majority, as they are in every Chinese page."""
    non_ascii = len(text) - len(text.encode("ascii", "ignore"))
    if non_ascii <= sample:
        # The sample is every non-ASCII character: the rest are counted in the whole text,
        # without building the sample (removing the ASCII runs is the slow part).
        if 2 * len(_maybe_weird(text)) < non_ascii:
            return True  # the weird ones are among the rest, which is under half
        return _weird_ratio(text, sample) < 0.5
    chars = _non_ascii(text, sample)
    if 2 * len(_NEVER_WEIRD.sub("", chars)) < len(chars):
        return True
    return _weird_ratio(text, sample) < 0.5


def _plausible(text: str) -> bool:
    return _bad_ratio(text) <= _MAX_BAD_RATIO


def _charset_normalizer_guess(data: bytes) -> str | None:
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover - dependency is pinned
        return None
    try:
        best = from_bytes(data).best()
    except Exception:  # pragma: no cover - defensive: never crash detection
        return None
    if best is None:
        return None
    return normalize_label(best.encoding)


def _lenient_best(data: bytes, candidates: list[str]) -> str | None:
    """Candidate whose lenient decode introduces the fewest replacement chars."""
    best: tuple[float, int, str] | None = None
    for index, enc in enumerate(candidates):
        try:
            text = data.decode(enc, errors="replace")
        except LookupError:
            continue
        damage = text.count("\ufffd") / max(1, len(text))
        key = (damage, index, enc)
        if best is None or key < best:
            best = key
    if best is not None and best[0] < 0.01:
        return best[2]
    return None


class _Readings:
    """The strict UTF-8 and GB18030 readings of the bytes, each made once when first needed
    (and left in ``decoded`` for ``decode``)."""

    def __init__(self, data: bytes, decoded: dict[str, str]):
        self.data = data
        self.decoded = decoded
        self.utf8 = _strict(data, "utf-8")
        if self.utf8 is not None:
            decoded["utf-8"] = self.utf8
        self._gb: list[str | None] = []

    def utf8_score(self) -> float:  # only needed against a declared legacy charset: computed then
        return _cjk_score(self.utf8) if self.utf8 is not None else -1.0

    def utf8_plausible(self) -> bool:
        return self.utf8 is not None and _plausible(self.utf8)

    def gb(self) -> str | None:
        if not self._gb:
            self._gb.append(_strict(self.data, "gb18030"))
            if self._gb[0] is not None:
                self.decoded["gb18030"] = self._gb[0]
        return self._gb[0]

    def gb_clearly_better(self) -> bool:
        # Short GBK text is occasionally valid UTF-8 by accident (e.g. 通知 =
        # CD A8 D6 AA); the UTF-8 reading is then exotic combining marks.
        if self.utf8 is None or _weird_below_half(self.utf8):
            return False
        gb = self.gb()
        return gb is not None and _plausible(gb) and _cjk_score(gb) >= _MIN_CJK_SCORE_OVERRIDE

    def utf8_or_gb(self) -> str:
        return "gb18030" if self.gb_clearly_better() else "utf-8"


def detect_encoding(data: bytes, content_type: str | None = None, decoded: dict[str, str] | None = None) -> str:
    """Return the Python codec name that decodes ``data`` correctly.

    ``content_type`` is the HTTP ``Content-Type`` header value (may be
    ``None``).  See the module docstring for the algorithm.  Never raises.
    ``decoded``, when given, receives the strict UTF-8 and GB18030 decodings made on the
    way (codec name -> text), so that ``decode`` need not decode the bytes again.
    """
    decoded = {} if decoded is None else decoded
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name

    declared = declared_encodings(data, content_type)

    if data.isascii():
        for enc in declared:
            if enc not in _UNICODE_WIDE and _strict(data, enc) == data.decode("ascii"):
                return enc
        return "utf-8"

    readings = _Readings(data, decoded)
    return _from_declaration(readings, declared) or _undeclared(readings, declared)


def _from_declaration(r: _Readings, declared: list[str]) -> str | None:
    """The first declared charset that reads the bytes plausibly, unless UTF-8 or GB18030
    clearly reads them better; None when no declaration is usable."""
    for enc in declared:
        if enc in _UNICODE_WIDE and b"\x00" not in r.data[:1024]:
            continue  # a UTF-16/32 claim for bytes without NULs is bogus
        text = r.utf8 if enc == "utf-8" else _strict(r.data, enc)
        if text is None or not _plausible(text):
            continue
        if enc == "utf-8":
            return r.utf8_or_gb()
        score = _cjk_score(text)
        # Valid UTF-8 with non-ASCII content is strong evidence on its own:
        # legacy text is practically never valid UTF-8 by accident.  Against
        # a declared legacy multi-byte charset, which can also "decode"
        # UTF-8 bytes strictly, require UTF-8 to read at least as well.
        if r.utf8_plausible() and (enc not in _LEGACY_MULTIBYTE or r.utf8_score() >= score):
            return r.utf8_or_gb()
        if enc != "gb18030":
            gb = r.gb()
            if gb is not None and _plausible(gb):
                gb_score = _cjk_score(gb)
                if gb_score >= _MIN_CJK_SCORE_OVERRIDE and gb_score > score + 0.3:
                    return "gb18030"
        return enc
    return None


def _undeclared(r: _Readings, declared: list[str]) -> str:
    """No usable declaration: UTF-8, then GB18030, then charset-normalizer's guess, then the
    reading with the fewest replacement characters."""
    if r.utf8_plausible():
        return r.utf8_or_gb()
    gb = r.gb()
    if gb is not None and _plausible(gb) and _cjk_score(gb) >= _MIN_CJK_SCORE_UNDECLARED:
        return "gb18030"
    guess = _charset_normalizer_guess(r.data)
    if guess in _UNICODE_WIDE and b"\x00" not in r.data[:1024]:
        guess = None
    if guess is not None:
        text = _strict(r.data, guess)
        if text is not None and _plausible(text):
            return guess
    lenient = _lenient_best(r.data, [*declared, "utf-8", "gb18030"])
    if lenient is not None:
        return lenient
    if guess is not None:
        return guess
    return "utf-8"


def decode(data: bytes, content_type: str | None = None) -> tuple[str, str]:
    """Decode ``data`` as text; return ``(text, encoding)``.

    Uses :func:`detect_encoding`; undecodable bytes (only possible for damaged
    input) become U+FFFD.  A leading BOM is never part of the text.
    """
    decoded: dict[str, str] = {}
    encoding = detect_encoding(data, content_type, decoded)
    try:
        text = decoded[encoding] if encoding in decoded else data.decode(encoding)
    except UnicodeDecodeError:
        text = data.decode(encoding, errors="replace")
    if text.startswith("\ufeff"):
        text = text[1:]
    return text, encoding
