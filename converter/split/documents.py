"""Stage 3: CleanText -> the policy documents it holds, each with its title.

A page may hold two documents one after the other (a 《title》 line starts the second),
or one document with attachments (an attachment title is cited by the notice that
issues it, so it does not start a new document), or a news item with no title line.
"""

from __future__ import annotations

import re

from converter.messages import Note
from converter.model import CleanText, DocumentText, Para
from converter.text import dates, docnumber
from converter.text.titles import CLAUSE_PUNCT, title_candidate

# A news item's lead: 近日，石家庄市召开…推进会，… -> the first clause is the headline.
_NEWS_LEAD = re.compile(
    r"^(近日|日前|近期|今天|今日|昨天|昨日|本周|\d{1,2}月\d{1,2}日(上午|下午|晚)?)\s*[,，]\s*(?P<t>[^,，。；]{6,40})[,，。]"
)
_SENTENCE_END = re.compile(r"[。；;！!？?：:”）)]$")
MIN_BODY_PARAS = 2


def _is_cited(title: str, text: str) -> bool:
    return f"《{title}》" in text or (len(title) >= 8 and title in text)


def _is_label(text: str) -> bool:
    return len(text) <= 20 and not CLAUSE_PUNCT.search(text) and not docnumber.parse(text)


def _is_content(p: Para) -> bool:
    return p.kind != "text" or bool(_SENTENCE_END.search(p.text)) or dates.is_date_line(p.text) or len(p.text) > 20


def split(clean: CleanText) -> list[DocumentText]:
    record = clean.record
    starts: list[tuple[int, str]] = []  # (paragraph index, title)
    body_since_start = 0
    text_so_far = ""
    for i, p in enumerate(clean.paras):
        cand = title_candidate(p.text) if p.kind == "text" else None
        # A title starts the first document, or a new one once the current one has a body
        # and does not cite it (a cited title is an attachment of the current document).
        if cand and (not starts or (body_since_start >= MIN_BODY_PARAS and not _is_cited(cand, text_so_far))):
            starts.append((i, cand))
            body_since_start, text_so_far = 0, ""
        else:
            body_since_start += 1
            text_so_far += p.text
    # Header furniture before the first title: column and site names (齐齐哈尔市第一医院, 医疗改革).
    first = starts[0][0] if starts else 0
    preamble = clean.paras[:first]
    kept_preamble = []
    for p in preamble:
        if p.kind == "text" and _is_label(p.text):
            record.remove("furniture", "label before the title", p.text)
        else:
            kept_preamble.append(p)

    docs: list[DocumentText] = []
    if not starts:
        title, origin = _title_without_line(clean)
        docs.append(_doc(clean, 0, title, origin, kept_preamble + clean.paras[first:]))
    else:
        bounds = [s for s, _ in starts] + [len(clean.paras)]
        for k, (start, title) in enumerate(starts):
            paras = clean.paras[start + 1 : bounds[k + 1]]
            if k == 0:
                paras = kept_preamble + paras
            if clean.paras[start].text != title:
                record.change("title_label", 1)  # 【文件】 prefix or 《》 dropped from the title line
            docs.append(_doc(clean, k, title, "line", paras))
    if not clean.page.body_by_structure:  # the HTML reader already cut the page around its text
        _drop_trailer(docs[-1])
    if len(docs) > 1 and (record.removed or record.changed):
        # The page-level removals are recorded once, with the first document; the others say where.
        for d in docs[1:]:
            d.warnings.append(Note("warn.shared_record", title=docs[0].title or "—"))
    return docs


def _doc(clean: CleanText, index: int, title: str | None, origin: str, paras: list[Para]) -> DocumentText:
    # Each document gets its own record; the page-level removals go with the first one.
    record = clean.record if index == 0 else type(clean.record)()
    return DocumentText(
        source=clean.source, index=index, title=title, title_origin=origin, paras=list(paras),
        page=clean.page.copy(), record=record, warnings=list(clean.warnings),
    )


def _title_without_line(clean: CleanText) -> tuple[str | None, str]:
    """A page with no title line: the page's own metadata, the file name, or a news lead."""
    for value, origin in ((clean.page.title, "page"), (clean.page.file_title, "file-name")):
        if value:
            return value, origin
    for p in clean.paras[:3]:
        m = _NEWS_LEAD.match(p.text)
        if m:
            return m.group("t"), "lead"
    return None, "none"


def _drop_trailer(doc: DocumentText) -> None:
    """Short labels after the last sentence of the page are furniture (固安广播电视台)."""
    while doc.paras and not _is_content(doc.paras[-1]) and _is_label(doc.paras[-1].text):
        doc.record.remove("furniture", "label after the text", doc.paras.pop().text)
