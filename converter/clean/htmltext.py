"""HTML pages -> paragraphs of plain text plus the metadata the page carries.

The main text is found by structure and text density, with no per-site rules (and no
known container ids): every block element's own text is a *unit*. A unit of sentence text
is content; link text, lines that are furniture by the rules in data/noise.yml and
labelled page fields (发布时间：…) cost; other short lines (headings, 落款, table cells)
are neutral. The element whose subtree holds the most content net of cost is the body
(ties go to the outer element, so neutral parts beside the text stay with it), minus
teaser boxes in it (headline links with summaries). Everything outside is recorded as
removed; inside, link lists are dropped, data tables stay tables and links to files
become attachments. Pages that are text between stray tags keep their line breaks.

Nothing from the page survives as markup: only text (and table cells and link targets as
data) leaves this module, so scraped HTML can never reach the site as HTML.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import lxml.html
from lxml import etree

from converter.clean import css, htmltable, pagemeta, rules
from converter.clean.pagemeta import is_label_line
from converter.messages import Note
from converter.model import Para
from converter.text.space import SOFT_BREAK_CJK, dense, squash, unspace

HTML_HINT = re.compile(r"<\s*(html|body|div|p|span|table|br|td|meta|head|a\s|!doctype|legend|samp|center)\b", re.I)

# Elements whose content is never page text.
DROP_TAGS = {
    "script", "style", "noscript", "iframe", "template", "object", "svg", "canvas",
    "head", "title", "select", "option", "button", "input", "textarea", "map", "audio", "video",
    "marquee", "frame", "frameset", "applet",
}
# Elements that end a line of text.
BLOCK_TAGS = {
    "p", "div", "br", "li", "ul", "ol", "dl", "dt", "dd", "table", "tr", "td", "th", "tbody",
    "thead", "tfoot", "caption", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article",
    "header", "footer", "nav", "aside", "main", "blockquote", "pre", "hr", "address", "center",
    "form", "fieldset", "legend", "figure", "figcaption", "details", "summary", "menu", "body", "html",
}
CELL_TAGS = {"td", "th"}
# Links to files are attachments (附件), not navigation.
ATTACHMENT_EXT = re.compile(r"\.(pdf|docx?|xlsx?|wps|et|ofd|zip|rar|7z|pptx?|txt|ceb|tif)(\?.*)?$", re.I)

# Density scoring.
SENTENCE_PUNCT = re.compile(r"[，。；！？,;!?]")
DENSE_MIN_CHARS = 10  # a unit this long with sentence punctuation is content
DENSE_LONG_CHARS = 50  # a unit this long is content even without punctuation (not a table cell)
FURNITURE_WEIGHT = 1.0  # how much a character of furniture costs against one of content
MIN_BODY_MASS = 20  # less content than this: the page has no recognisable body
# Inside the body, a block whose text is mostly links (a 相关链接 list) is furniture.
LINK_LIST_MIN_LINKS = 3
LINK_LIST_DENSITY = 0.7


@dataclass
class HtmlPage:
    paras: list[Para]
    meta: dict = field(default_factory=dict)
    removed: list[tuple[str, str, str]] = field(default_factory=list)  # (step, reason, text)
    body_found: bool = False  # the main text was found by structure (not a page of loose lines)


class NoBody(ValueError):
    """The page has no recognisable main text (only navigation, links or furniture)."""


class NotADocument(NoBody):
    """The page is no document to convert: ``kind`` "list" (an index of dated links to
    documents), "image" or "attachment" (the document shown only as a picture or a file)."""

    def __init__(self, kind: str, reason: str):
        super().__init__(reason)
        self.kind = kind


def is_html(text: str) -> bool:
    return bool(HTML_HINT.search(text[:20000]))


def _tag(el) -> str:
    tag = el.tag  # lxml builds a new string on each access
    return tag.lower() if isinstance(tag, str) else ""


_sheet: list = [None, css.StyleSheet({})]  # (root of the last page, its style sheet)


def hidden_by(el: etree._Element) -> str | None:
    """How the page hides ``el`` from a visitor (css.hides), or None when it is shown."""
    if el.get("hidden") is not None:
        return "hidden attribute"
    # The page's own <style>, parsed once per page (the cache holds the root, so the identity
    # test cannot match a later page's recycled object).
    root = el.getroottree().getroot()
    if _sheet[0] is not root:
        text = "\n".join(s.text or "" for s in root.iter("style"))
        _sheet[:] = [root, css.StyleSheet.parse(text) if text.strip() else css.StyleSheet({})]
    sheet: css.StyleSheet = _sheet[1]
    style = el.get("style")
    classes = (el.get("class") or "").split() if sheet.by_name else []
    id_ = el.get("id") if sheet.by_name else None
    if not style and not (classes or id_):
        return None
    return css.hides(sheet.computed(classes, id_, style))


def _is_hidden(el: etree._Element) -> bool:
    return hidden_by(el) is not None


# An end tag of the document that is not its last markup: a template include that closes its
# own <html> mid-page. libxml2 stops reading at the first </html>, so the body after it (the
# whole document on some gazette pages) would be lost; a browser ignores the tag and shows it.
_EARLY_HTML_END = re.compile(r"</html\s*>(?=.*?\S)", re.IGNORECASE | re.DOTALL)


def parse(text: str) -> etree._Element:
    # lxml refuses str input with an encoding declaration; the text is already decoded.
    text = re.sub(r"^\s*<\?xml[^>]*>", "", text)
    text = _EARLY_HTML_END.sub("", text)
    try:
        return lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError):
        return lxml.html.document_fromstring("<html><body></body></html>")


def _drop_invisible(root: etree._Element, removed: list[tuple[str, str, str]]) -> None:
    """Remove scripts, styles, forms and hidden elements (injected link farms) from the tree."""
    doomed = []
    for el in root.iter():
        tag = _tag(el)
        if not tag:
            if isinstance(el, (etree._Comment, etree._ProcessingInstruction)):
                doomed.append(el)
            continue
        if tag in DROP_TAGS or _is_hidden(el):
            doomed.append(el)
    doomed_set = set(doomed)
    for el in doomed:
        if any(a in doomed_set for a in el.iterancestors()):
            continue
        tag = _tag(el)
        if tag and tag not in {"script", "style", "head", "title"}:
            hidden_text = squash(el.text_content()).strip()
            if hidden_text:
                reason = Note("hidden.tag", tag=tag) if tag in DROP_TAGS else Note("hidden.element")
                removed.append(("hidden", reason, hidden_text[:2000]))
        _remove_keep_tail(el)


def _remove_keep_tail(el: etree._Element) -> None:
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail
    prev = el.getprevious()
    if tail:
        if prev is not None:
            prev.tail = (prev.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(el)


# ---------------------------------------------------------------- density scoring


@dataclass
class _Unit:
    text: int = 0  # non-link characters of the element's own text
    link: int = 0  # characters inside ordinary links
    punct: int = 0
    body: str = ""


def _units(root: etree._Element) -> dict[etree._Element, _Unit]:
    """Each block element's own text (text not inside a nested block), split into link and non-link."""
    units: dict[etree._Element, _Unit] = {}

    def add(owner, s: str | None, in_link: bool) -> None:
        if not s:
            return
        d = dense(s)
        if not d:
            return
        u = units.setdefault(owner, _Unit())
        if in_link:
            u.link += len(d)
        else:
            u.text += len(d)
            u.punct += len(SENTENCE_PUNCT.findall(d))
            if len(u.body) < 200:
                u.body += d

    def walk(el, owner, in_link: bool) -> None:
        tag = _tag(el)
        if tag in BLOCK_TAGS:
            owner = el
        if tag == "a" and not ATTACHMENT_EXT.search(el.get("href") or ""):
            in_link = True
        add(owner, el.text, in_link)
        for child in el:
            walk(child, owner, in_link)
            add(owner, child.tail, in_link)

    walk(root, root, False)
    return units


def _is_spam(text: str) -> bool:
    return rules.is_spam(text)


def _furniture_line(text: str) -> bool:
    return rules.classify(text) is not None  # spam, or a furniture rule admitting its length matches


def _in_cell(el, tables: dict) -> bool:
    """Inside a cell of a data table, where short text is data, not furniture."""
    for anc in [el, *el.iterancestors()]:
        if _tag(anc) in CELL_TAGS:
            table = next(anc.iterancestors("table"), None)
            if table is None:
                return False
            if table not in tables:
                tables[table] = _is_data_table(table)
            return tables[table]
    return False


TEASER_TAGS = {"div", "ul", "ol", "dl", "section", "aside", "table", "nav"}
TEASER_LINK_SHARE = 0.15  # a box of headline links with summaries: 15% or more of it is links


def find_body(root: etree._Element) -> tuple[etree._Element | None, float]:
    """The element holding the main text, and its content mass."""
    body, mass, _ = _score(root)
    return body, mass


def _score(
    root: etree._Element, units: dict[etree._Element, _Unit] | None = None,
) -> tuple[etree._Element | None, float, list[etree._Element]]:
    """The body element, its content mass, and boxes inside it to leave out (teaser lists:
    headline links with summary sentences, beside the text). ``units``: ``_units(root)``."""
    if units is None:
        units = _units(root)
    mass: dict[etree._Element, float] = {}
    cost: dict[etree._Element, float] = {}
    chars: dict[etree._Element, int] = {}
    linked: dict[etree._Element, int] = {}
    tables: dict = {}
    for el, u in units.items():
        m = c = 0.0
        in_cell = _in_cell(el, tables)
        long_line = u.text >= DENSE_LONG_CHARS and not in_cell
        if _is_spam(u.body):
            # Injected spam sits inside the article of a compromised page: it must neither
            # pull the body choice towards it nor push it away (clean removes it, recorded).
            pass
        elif u.text >= DENSE_MIN_CHARS and (u.punct or long_line) and u.link <= u.text:
            if _furniture_line(u.body):
                c += u.text
            else:
                m += u.text
        elif u.text and ((not in_cell and _furniture_line(u.body)) or is_label_line(u.body)):
            # Short lines are neutral (a body has its headings, 落款 and date lines) unless
            # they are furniture by rule or labelled page fields (发布时间：…). A data table's
            # cell is data whatever furniture rule it matches (序号 1, 2, 3…): a long table
            # must not outweigh the text around it (its links and page-field labels still cost).
            c += u.text
        c += u.link
        for anc in [el, *el.iterancestors()]:
            mass[anc] = mass.get(anc, 0.0) + m
            cost[anc] = cost.get(anc, 0.0) + c
            chars[anc] = chars.get(anc, 0) + u.text + u.link
            linked[anc] = linked.get(anc, 0) + u.link
    best, best_score, best_depth = None, 0.0, -1
    for el, m in mass.items():
        if m <= 0:
            continue
        score = m - FURNITURE_WEIGHT * cost.get(el, 0.0)
        depth = sum(1 for _ in el.iterancestors())
        # Ties go to the outer element: it also holds the body's neutral parts (tables, 落款).
        if score > best_score or (score == best_score and depth < best_depth):
            best, best_score, best_depth = el, score, depth
    if best is None:
        return None, 0.0, []
    kids = [k for k in best if mass.get(k, 0) > 0]
    main = max(kids, key=lambda k: mass[k], default=None)
    teasers = [
        k for k in kids
        if k is not main and _tag(k) in TEASER_TAGS and len(list(k.iter("a"))) >= 2
        and linked.get(k, 0) >= TEASER_LINK_SHARE * chars.get(k, 1)
    ]
    kept = mass[best] - sum(mass[k] for k in teasers)
    return best, kept, teasers


# ---------------------------------------------------------------- pages that are no document

# A list page is rows of links to documents, each with its date, and no text of its own.
LIST_MIN_DATED_LINKS = 8
LIST_MAX_PROSE = 60  # sentence characters a list page may hold besides its rows (an intro line)
ROW_TAGS = {"li", "tr", "dd", "dt", "p", "div", "section", "article"}
ROW_EXTRA_CHARS = 40  # a row is its link plus a date and a little more, not a paragraph
_ROW_DATE = re.compile(
    r"(?:19|20)\d{2}\s*[-./年]\s*\d{1,2}\s*[-./月]\s*\d{1,2}|[\[（(【]\s*\d{1,2}\s*[-./月]\s*\d{1,2}\s*日?\s*[\]）)】]"
)
LINK_NAME_MIN = 6  # a document's title, not 更多 or a page number
# Images that are page chrome, by a whole part of their file name (top_logo.png, btn01.gif, not
# online.png or guideline.jpg): never a document shown as a picture.
_CHROME_IMAGE_PART = re.compile(
    r"(?<![a-z])(?:logos?|icons?|banner|btn|button|qr|qrcode|ewm|erweima|share|print|arrow|spacer|blank|line|bg|dot|bullet|jiucuo|wza|search)(?![a-z])",
    re.I,
)


def _chrome_image(src: str) -> bool:
    name = re.split(r"[/\\]", urlsplit(src.strip()).path)[-1]
    return bool(_CHROME_IMAGE_PART.search(name))



def dated_rows(root: etree._Element) -> list[etree._Element]:
    """Rows (li, tr, a div…) holding a link to a document and a date beside it."""
    rows: list[etree._Element] = []
    seen: set = set()
    for a in root.iter("a"):
        if ATTACHMENT_EXT.search(a.get("href") or ""):
            continue
        name = dense(a.text_content())
        if len(name) < LINK_NAME_MIN:
            continue
        row = next((x for x in a.iterancestors() if _tag(x) in ROW_TAGS), None)
        if row is None or row in seen:
            continue
        text = dense(row.text_content())
        if len(text) <= len(name) + ROW_EXTRA_CHARS and _ROW_DATE.search(text):
            rows.append(row)
            seen.add(row)
    return rows


def _is_prose(u: _Unit) -> bool:
    """A unit of sentence text (as _score counts content)."""
    return u.text >= DENSE_MIN_CHARS and (u.punct > 0 or u.text >= DENSE_LONG_CHARS) and u.link <= u.text and not _furniture_line(u.body)


def list_page(root: etree._Element, body, units: dict) -> int:
    """The number of dated document links when the page is a list page (rows of dated links
    where the body would be, next to no sentence text of its own), else 0."""
    rows = dated_rows(root)
    if len(rows) < LIST_MIN_DATED_LINKS:
        return 0
    if body is not None and not any(body is r or body in r.iterancestors() or r in body.iterancestors() for r in rows):
        return 0  # the dated links are beside the body (a sidebar of related documents)
    in_rows = set(rows)
    scope = body if body is not None else root
    prose = 0
    for el, u in units.items():
        if not _is_prose(u) or any(a in in_rows for a in [el, *el.iterancestors()]):
            continue
        if el is scope or scope in el.iterancestors():
            prose += u.text
    return len(rows) if prose <= LIST_MAX_PROSE else 0


def no_body(root: etree._Element) -> NoBody:
    """Why a page without main text made nothing: its document is a file or a picture
    (a notice), or it has no recognisable text at all (an error)."""
    files = [_inline_text(a) or a.get("href", "") for a in root.iter("a") if ATTACHMENT_EXT.search(a.get("href") or "")]
    if files:
        return NotADocument("attachment", f"not a document: the page shows its document only as a file ({files[0][:60]}); nothing is made from it")
    images = [img for img in root.iter("img") if img.get("src") and not _chrome_image(img.get("src", ""))]
    if images:
        alt = images[0].get("alt") or images[0].get("src", "")
        return NotADocument("image", f"not a document: the page shows its document only as an image ({alt[:60]}); nothing is made from it")
    return NoBody("no recognisable main text in the page (only navigation, links or page furniture)")


# ---------------------------------------------------------------- text out of elements


def _is_data_table(table: etree._Element) -> bool:
    return htmltable.is_data_table(table)


def _inline_text(el: etree._Element) -> str:
    """All text of an element on one line (table cells, titles)."""
    text = "".join(el.itertext())
    if "\n" in text:  # as in _Writer.flush
        text = SOFT_BREAK_CJK.sub("", text).replace("\n", " ")
    return unspace(squash(text).strip())


def _link_list(el: etree._Element) -> bool:
    links = [a for a in el.iter("a") if not ATTACHMENT_EXT.search(a.get("href") or "")]
    if len(links) < LINK_LIST_MIN_LINKS:
        return False
    total = len(dense(el.text_content()))
    linked = sum(len(dense(a.text_content())) for a in links)
    return total > 0 and linked >= LINK_LIST_DENSITY * total


def _info_line(line: str) -> tuple[str, str, str]:
    """A line of a page information table as the record says it: page furniture inside the
    table (扫一扫在手机打开当前页, 打印) is recorded as what it is, not as metadata."""
    verdict = rules.classify(line)
    if verdict is not None:
        return (verdict[0], verdict[1], line[:2000])
    return ("metadata", "moved to metadata: page information table", line[:2000])


class _Writer:
    """Turns an element tree into paragraphs: text lines, tables and attachments."""

    def __init__(self, base_url: str | None, newline_is_break: bool, skip: tuple = (), info_boxes: tuple = ()):
        self.skip = set(skip)
        self.info_boxes = set(info_boxes)  # 信息公开 boxes inside the text: read as metadata
        self.paras: list[Para] = []
        self.line = ""
        self.base_url = base_url
        self.newline_is_break = newline_is_break
        self.removed: list[tuple[str, str, str]] = []

    def emit(self, s: str | None) -> None:
        if s:
            self.line += s

    def flush(self) -> None:
        text = self.line
        self.line = ""
        if self.newline_is_break:
            parts = text.split("\n")
        else:
            # A soft break needs a line break: most lines have none, and the pattern (a
            # lookbehind first) is tried at every position.
            parts = [SOFT_BREAK_CJK.sub("", text).replace("\n", " ") if "\n" in text else text]
        for part in parts:
            part = unspace(squash(part).strip())
            if part:
                self.paras.append(Para(part))

    def _figure(self, el: etree._Element) -> bool:
        """An image standing on its own (not inside a line of text) that has words, its alt
        text or a <figcaption>, is kept as a figure; the caption is text of the document."""
        img = el if _tag(el) == "img" else el.find(".//img")
        if img is None or self.line.strip() or (_tag(el) == "img" and (el.tail or "").strip()):
            return False
        caption_el = el.find(".//figcaption") if _tag(el) == "figure" else None
        caption = _inline_text(caption_el) if caption_el is not None else ""
        alt = unspace(squash(img.get("alt") or img.get("title") or "").strip())
        src = (img.get("src") or "").strip()
        if not (alt or caption) or (not caption and _chrome_image(src)):
            return False
        self.flush()
        url = urljoin(self.base_url, src) if self.base_url and src else src or None
        self.paras.append(Para(caption or alt, kind="figure", href=url, alt=alt))
        return True

    def walk(self, el: etree._Element, inner_furniture: bool = True) -> None:
        tag = _tag(el)
        if not tag:
            return
        if el in self.skip:
            self.flush()
            text = squash(el.text_content()).strip()
            if text:
                self.removed.append(("furniture", "teaser list beside the main text", text[:2000]))
            return
        if el in self.info_boxes:
            self.flush()
            for line in _text_lines(el):
                self.removed.append(_info_line(line))
            return
        if inner_furniture and tag in BLOCK_TAGS and tag not in {"body", "html"} and _link_list(el):
            self.flush()
            text = squash(el.text_content()).strip()
            if text:
                self.removed.append(("furniture", "link list inside the main text", text[:2000]))
            return
        if tag == "table" and _is_data_table(el):
            self.flush()
            caption = el.find("caption")
            if caption is not None and (title := _inline_text(caption)):
                self.paras.append(Para(title))  # the table's title, kept as the line above it
            cells = htmltable.table_cells(el)
            if cells:
                rows = [[c.text for c in row] for row in cells]
                summary = " ".join(" ".join(r) for r in rows).replace("\n", " ")[:200]
                self.paras.append(Para(summary, kind="table", rows=rows, cells=cells))
            return
        if tag in ("img", "figure") and self._figure(el):
            return
        if tag == "a":
            href = (el.get("href") or "").strip()
            name = _inline_text(el)
            if name and (ATTACHMENT_EXT.search(href) or ATTACHMENT_EXT.search(name)) and not href.lower().startswith(("javascript:", "data:")):
                self.flush()
                url = urljoin(self.base_url, href) if self.base_url and href else href or None
                self.paras.append(Para(name, kind="attachment", href=url))
                return
        block = tag in BLOCK_TAGS
        if block:
            self.flush()
        self.emit(el.text)
        for child in el:
            self.walk(child, inner_furniture)
            self.emit(child.tail)
        if block:
            self.flush()


SOUP_SHARE = 0.5


HEAD_LINES_MAX = 4  # title, 文号, subtitle lines shown just above the text container
HEAD_LINE_CHARS = 120


def widen_to_header(body: etree._Element) -> etree._Element:
    """Take in the parent when all it adds is a few plain lines (the title and 文号 shown
    above the text container): no links, tables, labelled fields or furniture."""
    while True:
        parent = body.getparent()
        if parent is None or _tag(parent) in ("body", "html"):
            return body
        extra = [el for el in parent if el is not body]
        writer = _Writer(None, False)
        for el in extra:
            if _tag(el) and (_tag(el) in ("table", "a", "ul", "ol", "form") or el.find(".//a") is not None or el.find(".//table") is not None):
                return body
            writer.walk(el, inner_furniture=False)
            writer.flush()
        writer.emit(parent.text)
        writer.flush()
        lines = [p.text for p in writer.paras]
        if len(lines) > HEAD_LINES_MAX or any(
            len(t) > HEAD_LINE_CHARS or _furniture_line(t) or is_label_line(t) for t in lines
        ):
            return body
        body = parent


def _is_tag_soup(root: etree._Element, units: dict[etree._Element, _Unit] | None = None) -> bool:
    """Text pasted between stray tags (a page saved as text): most of the text sits
    directly in <body>, not in any block element, and paragraphs are line ends."""
    if units is None:
        units = _units(root)
    total = sum(u.text + u.link for u in units.values())
    loose = sum(u.text + u.link for el, u in units.items() if _tag(el) in ("body", "html"))
    return total == 0 or loose >= SOUP_SHARE * total


def _base_url(root: etree._Element, meta: dict) -> str | None:
    base = root.find(".//base")
    if base is not None and base.get("href", "").startswith("http"):
        return base.get("href")
    url = meta.get("url")
    return url if url and url.startswith("http") else None


def _outside_lines(root: etree._Element, body: etree._Element) -> list[str]:
    """The text lines of everything but the body, for the record of what was dropped."""
    return _text_lines(root, body)


INFO_BOX_TAGS = ("table", "dl", "ul", "div")
INFO_BOX_MIN_FIELDS = 3  # labelled fields (索引号, 文号, 发布日期…), given or left empty
INFO_BOX_SHARE = 0.7  # of the box's lines are those labels and their values
INFO_BOX_MAX_LINES = 40


def info_boxes(body: etree._Element) -> tuple[list[etree._Element], list[str]]:
    """信息公开 boxes inside the text container (a table, list or div of labelled fields put
    before the text), and their lines, which page metadata is read from like the lines
    outside the body."""
    boxes: list[etree._Element] = []
    lines: list[str] = []
    for el in body.iter(*INFO_BOX_TAGS):
        if el is body or any(b in el.iterancestors() for b in boxes) or _blocks_exceed(el, INFO_BOX_MAX_LINES):
            continue
        own = _text_lines(el)
        if not own or len(own) > INFO_BOX_MAX_LINES:
            continue
        _, used = pagemeta.info_fields(own)
        labels = [i for i, line in enumerate(own) if is_label_line(line)]  # empty fields count too
        fields = used.union(labels)
        # A box holds fields only: a sentence in it is text, so the element is no box.
        prose = any(i not in fields and len(line) >= DENSE_MIN_CHARS and SENTENCE_PUNCT.search(line) for i, line in enumerate(own))
        if not prose and len(labels) >= INFO_BOX_MIN_FIELDS and len(fields) >= INFO_BOX_SHARE * len(own):
            boxes.append(el)
            lines += own
    return boxes, lines


_BLOCK_TUPLE = tuple(BLOCK_TAGS)


def _blocks_exceed(el: etree._Element, limit: int) -> bool:
    """More than ``limit`` block elements under ``el``; stops counting there, so asking it of
    every element of a deep page stays linear."""
    for i, _ in enumerate(el.iter(*_BLOCK_TUPLE)):
        if i > limit:
            return True
    return False


def _text_lines(top: etree._Element, body: etree._Element | None = None) -> list[str]:
    """The text lines under ``top`` (but not under ``body``); a label element followed by its
    value is one line, label：value."""
    writer = _Writer(None, False)

    def walk(el):
        if el is body:
            writer.flush()
            return
        tag = _tag(el)
        if not tag:
            return
        block = tag in BLOCK_TAGS
        if block:
            writer.flush()
        writer.emit(el.text)
        for child in el:
            walk(child)
            writer.emit(child.tail)
        if not block and el.getnext() is not None and pagemeta.is_bare_label(el.text_content()):
            # <span>索引号</span><span>…</span>: a label element and its value on one line.
            writer.emit("：")
        if block:
            writer.flush()

    walk(top)
    writer.flush()
    return [p.text for p in writer.paras]


TITLE_SEARCH_PARAS = 15  # the title line comes within the first paragraphs (after a 令 preamble)


def _title_paras(paras: list[Para], title: str | None, body) -> list[Para]:
    """Put the page's title line first: joined when broken over several paragraphs, moved
    ahead of a promulgation preamble (国务院令 第N号 …), or taken from the element that
    shows it above the text container."""
    if not title:
        return _guess_title_paras(paras)
    want = dense(title)
    for i in range(min(TITLE_SEARCH_PARAS, len(paras))):
        acc = ""
        for j in range(i, min(i + 4, len(paras))):
            if paras[j].kind != "text":
                break
            acc += dense(paras[j].text)
            if acc == want:
                line = Para(title)
                return [line, *paras[:i], *paras[j + 1 :]]
            if not want.startswith(acc):
                break
    from converter.text.titles import (
        title_candidate,  # split does not import this module
    )

    if not title_candidate(title):
        return paras  # split takes a title that is no title line from the page metadata
    for anc in [body, *body.iterancestors()]:
        for el in anc.itersiblings(preceding=True):
            if any(_tag(sub) and dense(sub.text_content()) == want for sub in el.iter()):
                return [Para(title), *paras]
    return paras


def _drop_broken_title_repeat(paras: list[Para], removed: list[tuple[str, str, str]]) -> list[Para]:
    """The title shown above the text (first paragraph) and again inside it broken over
    several lines (国务院关于同意建立… / 部际联席会议制度的批复): the broken copy would start a
    second document; it is the same title, recorded as a duplicate."""
    if not paras or paras[0].kind != "text":
        return paras
    want = dense(paras[0].text)
    for i in range(1, min(TITLE_SEARCH_PARAS, len(paras))):
        acc = ""
        for j in range(i, min(i + TITLE_MAX_PIECES, len(paras))):
            if paras[j].kind != "text":
                break
            acc += dense(paras[j].text)
            if acc == want and j > i:
                for p in paras[i : j + 1]:
                    removed.append(("duplicate", "title repeated inside the text, broken over lines", p.text))
                return paras[:i] + paras[j + 1 :]
            if not want.startswith(acc):
                break
    return paras


TITLE_MAX_PIECES = 4  # a centred title is broken over at most this many lines
_LETTER_SPACING = re.compile(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])")
_ORDER_HEAD = re.compile(r"[\u4e00-\u9fff]{2,20}令$")
_ORDER_NUMBER = re.compile(r"^第\s*[0-9０-９]{1,5}\s*号$")


def _guess_title_paras(paras: list[Para]) -> list[Para]:
    """With no title from the page: join a title broken over its first short lines
    (国务院办公厅关于2019年 / 部分节假日安排的通知), and after a promulgation order
    (XX令 / 第N号 / … / date) put the regulation's own title first."""
    from converter.text import dates
    from converter.text.titles import title_candidate

    start = 0
    if len(paras) > 2 and _ORDER_HEAD.search(paras[0].text) and _ORDER_NUMBER.match(paras[1].text):
        for j in range(2, min(TITLE_SEARCH_PARAS, len(paras))):
            if paras[j].kind == "text" and dates.is_date_line(paras[j].text):
                start = j + 1
                break
    pieces: list[str] = []
    for p in paras[start : start + TITLE_MAX_PIECES]:
        if p.kind != "text" or len(p.text) > 60 or SENTENCE_PUNCT.search(p.text) or p.text.endswith(("：", ":")):
            break
        pieces.append(p.text)
        joined = _LETTER_SPACING.sub("", "".join(pieces))  # 几 个 问 题 的 通 知
        if title_candidate(joined):
            line = Para(joined)
            return [line, *paras[:start], *paras[start + len(pieces) :]]
    return paras


_TITLE_CLASS = re.compile(r"(^|[\s_-])(title|tit|bt|biaoti|headline)([\s_-]|$)", re.I)
HEADING_LEVELS = 3  # how many ancestors of the body to look above for its heading


def heading_above(body: etree._Element, site_name: str | None = None) -> str | None:
    """The heading shown just above the text container (h1/h2/h3 or a *title* class),
    unless it is the site's name (a logo heading)."""
    for level, anc in enumerate([body, *body.iterancestors()]):
        if level > HEADING_LEVELS:
            break
        for el in anc.itersiblings(preceding=True):
            found = None
            for sub in el.iter():
                tag = _tag(sub)
                if tag in ("h1", "h2", "h3") or _TITLE_CLASS.search(f"{sub.get('class', '')} {sub.get('id', '')}"):
                    text = _inline_text(sub)
                    if 6 <= len(text) <= 120 and text != site_name and not _furniture_line(text):
                        found = text
            if found:
                return found
    return None


def extract(text: str, url: str | None = None) -> HtmlPage:
    root = parse(text)
    page = HtmlPage(paras=[], meta={})
    meta_tags = pagemeta.meta_tags(root)
    _drop_invisible(root, page.removed)
    base = url or _base_url(root, meta_tags)

    units = _units(root)  # read-only below: computed once for both tests
    if _is_tag_soup(root, units):
        # No paragraph markup at all: the whole page is the text, lines are paragraphs.
        writer = _Writer(base, True)
        body_el = root.find("body")
        writer.walk(body_el if body_el is not None else root, inner_furniture=False)
        writer.flush()
        page.paras = writer.paras
        page.meta = pagemeta.collect(meta_tags, {})
        return page

    body, mass, teasers = _score(root, units)
    n_rows = list_page(root, body, units)
    if n_rows:
        raise NotADocument("list", f"not a document: a list page ({n_rows} dated links to documents, no text of its own); nothing is made from it")
    if body is None or mass < MIN_BODY_MASS:
        raise no_body(root)
    body = widen_to_header(body)
    outside = _outside_lines(root, body)
    boxes, box_lines = info_boxes(body)
    info, used = pagemeta.info_fields(outside + box_lines)
    page.meta = pagemeta.collect(meta_tags, info)
    page.body_found = True
    if not page.meta.get("title"):
        heading = heading_above(body, page.meta.get("site_name"))
        if heading:
            page.meta["title"] = heading

    writer = _Writer(base, False, tuple(teasers), tuple(boxes))
    writer.walk(body)
    writer.flush()
    page.paras = _drop_broken_title_repeat(_title_paras(writer.paras, page.meta.get("title"), body), writer.removed)
    for i, line in enumerate(outside):
        if i in used:
            page.removed.append(_info_line(line))
        else:
            page.removed.append(("furniture", "outside the main text", line[:2000]))
    page.removed.extend(writer.removed)
    return page
