"""A document's structure by its own numbering scheme: the named, ordered structure rules,
the roles each numbering kind takes, anchors, and the article list in the table of contents.
Lines are real lines from the reference corpus and the samples."""

from __future__ import annotations

import re

import markdown
import pytest

from converter.extract import structure
from converter.hooks.articles_toc import with_articles
from converter.model import Para
from converter.pipeline import convert_source
from converter.render import page
from converter.text import numbering
from tests.support import CORPUS, ROOT

RAW = CORPUS / "raw"
needs_corpus = pytest.mark.skipif(not RAW.exists(), reason="reference corpus ../shared/corpus not present")

# (paragraphs, index of the paragraph, the rule that takes it)
RULE_CASES = [
    (["中华人民共和国国务院令", "第707号", "现公布修订后的《中华人民共和国个人所得税法实施条例》，自2019年1月1日起施行。"], 0, "decree_header"),
    (["国办发〔2019〕4号", "各省、自治区、直辖市人民政府，国务院各部委、各直属机构："], 0, "doc_number"),
    (["国办发〔2019〕4号", "各省、自治区、直辖市人民政府，国务院各部委、各直属机构："], 1, "addressee"),
    (["经国务院同意，现将有关事项通知如下。", "国务院办公厅", "2019年1月16日"], 1, "signature"),
    (["第一条　根据《中华人民共和国个人所得税法》（以下简称个人所得税法），制定本条例。"], 0, "numbered"),
    (["第一章　总　　则"], 0, "numbered"),
    (["现公布修订后的《中华人民共和国个人所得税法实施条例》，自2019年1月1日起施行。"], 0, "para"),
]


@pytest.mark.parametrize("paras,index,rule", RULE_CASES)
def test_each_paragraph_is_taken_by_its_named_rule(paras, index, rule):
    assert structure.rule_for([Para(t) for t in paras], index) == rule


def test_the_rules_are_named_and_ordered():
    names = [name for name, _ in structure.RULES]
    assert names[0] == "table" and names[-1] == "para" and len(set(names)) == len(names)
    assert names.index("signature") < names.index("numbered")  # 落款 lines are no numbered items


ARTICLES = [
    "第一章 总则",  # as the page extraction gives it (letter-spaced 总　　则 joined)
    "第三条　除国务院财政、税务主管部门另有规定外，下列所得，不论支付地点是否在中国境内，均为来源于中国境内的所得：",
    "（一）因任职、受雇、履约等在中国境内提供劳务取得的所得；",
    "（二）将财产出租给承租人在中国境内使用而取得的所得；",
    "第六条　个人所得税法规定的各项个人所得的范围：",
    "（五）经营所得，是指：",
    "1.个体工商户从事生产、经营活动取得的所得；",
    "第二章 附则",
    "第七条　本办法自2022年3月1日起施行，有效期5年。",
]
OUTLINE = [
    "一、总体要求",
    "（一）指导思想。以习近平新时代中国特色社会主义思想为指导。",
    "1.加强组织领导。各地要建立工作机制。",
    "二、日军遗弃化学武器是历史遗留问题，敏感性、专业性较强，情况复杂，这项工作由外交部和总参谋部统一归口管理，有关省、自治区、直辖市及军区也要相应指定有关部门负责管理。",
    "（二）健全评价体系",
]

# (lines, each numbering kind's role)
SCHEMES = [
    (ARTICLES, {"chapter": "heading", "article": "article", "subsection": "item", "item": "item"}),
    (OUTLINE, {"section": "heading", "subsection": "heading", "item": "item"}),
    # 一、 as long paragraphs (国务院工作规则 under its chapters): an item kind, and what it holds is too.
    (["一、日军遗弃化学武器是历史遗留问题，敏感性、专业性较强，情况复杂，这项工作由外交部和总参谋部统一归口管理，有关省、自治区、直辖市及军区也要相应指定有关部门负责管理。",
      "（一）讨论决定国务院工作中的重大事项；"], {"section": "item", "subsection": "item"}),
]


@pytest.mark.parametrize("lines,roles", SCHEMES)
def test_each_numbering_kind_has_one_role_in_a_document(lines, roles):
    paras = [Para(t) for t in lines]
    assert structure.scheme([(p, numbering.match(p.text)) for p in paras]) == roles


def _md(lines: list[str]) -> str:
    blocks, _ = structure.build([Para(t) for t in lines])
    return "\n".join(line for b in blocks for line in page.block_md(b))


def test_an_article_has_only_its_label_bold_and_its_text_after_a_full_width_space():
    md = _md(ARTICLES)
    assert "**第七条**\u3000本办法自2022年3月1日起施行，有效期5年。\n{: #第七条 .item .article }" in md
    assert "**第七条本办法" not in md and "施行，有效期5年。**" not in md


DECREE = [
    "中华人民共和国国务院令",
    "第707号",
    "现公布修订后的《中华人民共和国个人所得税法实施条例》，自2019年1月1日起施行。",
    "总理\u3000李克强",
    "2018年12月18日",
]


@pytest.mark.parametrize("signer", ["总理\u3000李克强", "总理 李克强", "省长", "省长\u3000\u3000易炼红", "部长 甲乙丙  主任 丁戊"])
def test_a_decree_signers_line_is_laid_out_with_its_date_and_names_no_issuer(signer):
    blocks, header = structure.build([Para(t) for t in (*DECREE[:3], signer, DECREE[4])])
    sig = [b for b in blocks if b.kind == "signature"]
    assert [b.text for b in sig] == [f"{signer}\n2018年12月18日"]
    assert header.signatures == [([], "2018-12-18")]
    assert signer not in [b.text for b in blocks if b.kind == "para"]


def test_a_signer_line_needs_the_date_after_it():
    blocks, header = structure.build([Para(t) for t in ("市长热线", "全年受理群众来电。")])
    assert [b.kind for b in blocks] == ["para", "para"] and not header.signatures


RULES_OF_WORK = [  # 国务院工作规则 (govcn_content_5345397): no lead is bold in the source
    "一、第十届全国人民代表大会第一次会议产生的新一届中央人民政府，根据《中华人民共和国宪法》和《中华人民共和国国务院组织法》，制定本规则。",
    "二、国务院工作以邓小平理论和“三个代表”重要思想为指导，贯彻党的路线、方针和政策，坚持以人为本，树立和落实科学发展观，全面履行政府职能。",
    "五、国务院由下列人员组成：总理、副总理、国务委员、各部部长、各委员会主任、人民银行行长、审计长、秘书长。",
    "六、国务院实行总理负责制，总理领导国务院的工作。副总理、国务委员协助总理工作。",
    "七、总理召集和主持国务院全体会议和国务院常务会议。国务院工作中的重大事项，必须经国务院全体会议或国务院常务会议讨论决定。",
    "八、副总理、国务委员按分工负责处理分管工作。受总理委托，负责其他方面的工作或专项任务，并可代表国务院进行外事活动。",
    "十二、国务院及各部门要加快政府职能转变，全面履行经济调节、市场监管、社会管理和公共服务职能。",
]


def test_an_item_kind_bolds_a_lead_sentence_in_every_item_or_in_none():
    md = _md(RULES_OF_WORK)
    assert "**六、**国务院实行总理负责制" in md and "**六、国务院" not in md
    md = _md(["1.加强组织领导。各地要建立由政府负责同志牵头的工作机制，明确责任分工，定期研究解决问题。",
              "2.健全评价体系。完善考核指标和评价方法，将结果作为资金分配和干部考核的重要依据。",
              "3.各地区要结合实际制定具体实施方案，细化任务措施，确保各项工作落到实处并按期完成。"])
    assert "**1.加强组织领导。**各地要" in md and "**2.健全评价体系。**完善" in md


def test_chapters_are_headings_that_keep_the_full_width_space():
    md = _md(ARTICLES)
    assert "## 第一章\u3000总则 { #第一章 }" in md and "## 第二章\u3000附则 { #第二章 }" in md


def test_items_inside_an_article_are_list_items_anchored_under_it():
    blocks, _ = structure.build([Para(t) for t in ARTICLES])
    listed = [(b.label, b.anchor, b.level) for b in blocks if b.role == "list"]
    assert listed == [("（一）", "第三条-1", 1), ("（二）", "第三条-2", 1), ("（五）", "第六条-5", 1), ("1.", "第六条-5-1", 2)]
    assert not any(b.kind == "heading" and b.label.startswith("（") for b in blocks)
    assert "\n（一）因任职" in _md(ARTICLES)  # a list item's label as written, not bold


def test_an_outline_kind_renders_one_way_even_when_a_paragraph_is_long():
    blocks, _ = structure.build([Para(t) for t in OUTLINE])
    sections = [b for b in blocks if b.label in ("一、", "二、")]
    assert [b.kind for b in sections] == ["heading", "heading"]
    assert [(b.label, b.anchor) for b in blocks if b.label] == [
        ("一、", "s1"), ("（一）", "s1-1"), ("1.", "s1-1-1"), ("二、", "s2"), ("（二）", "s2-2"),
    ]


def test_a_number_met_twice_gets_a_readable_suffix():
    blocks, _ = structure.build([Para(t) for t in ("（一）加强领导", "（二）完善机制", "（一）加强领导", "（二）完善机制")])
    assert [b.anchor for b in blocks] == ["s1", "s2", "s1_2", "s2_2"]


def test_the_table_of_contents_lists_articles_under_their_chapters():
    from mkdocs.structure.toc import get_toc

    md = markdown.Markdown(extensions=["toc", "attr_list", "md_in_html", "tables"])
    content = md.convert("# 条例\n\n" + _md(ARTICLES))
    toc = with_articles(list(get_toc(md.toc_tokens)), content)
    (title,) = toc
    # (the toc extension writes a heading's whitespace as one space; the heading keeps its U+3000)
    chapters = [(" ".join(c.title.split()), [a.title for a in c.children]) for c in title.children]
    assert chapters == [("第一章 总则", ["第三条", "第六条"]), ("第二章 附则", ["第七条"])]
    assert '<h2 id="第一章">第一章\u3000总则</h2>' in content
    assert title.children[0].children[0].url == "#第三条" and title.children[0].children[0].level == 3


# ---------------------------------------------------------------- the reference corpus

_ANCHOR = re.compile(
    r"^(f\d+-)?(第[一二三四五六七八九十百千零〇两]+[章条](第[一二三四五六七八九十百千零〇两]+节)?(-\d+)*|"
    r"第[一二三四五六七八九十百千零〇两]+节|s\d+(-\d+)*|d\d+(-\d+)*)(_\d+)?$|^f\d+$"
)


def _doc(name: str):
    docs, _ = convert_source(RAW / f"{name}.html", ROOT)
    return docs[0]


@needs_corpus
@pytest.mark.parametrize("name", ["govcn_content_5351177", "govcn_content_5341736"])
def test_a_regulation_has_no_numbered_item_as_a_heading(name):
    """govcn_content_5351177 (个税法实施条例), govcn_content_5341736 (专利代理条例): （一）–（五)
    under a 第X条 were ## headings; now the only headings are chapters."""
    doc = _doc(name)
    assert all(re.match(r"^第.+章$", b.label) for b in doc.blocks if b.kind == "heading")
    articles = [b for b in doc.blocks if b.role == "article"]
    assert len(articles) >= 30 and all(b.anchor == b.label for b in articles)
    md = page.render(doc)
    assert not re.search(r"^#+ （", md, re.MULTILINE)
    assert not re.search(r"\*\*第[一二三四五六七八九十百]+条[^*　]", md)  # label alone bold, then the space


@needs_corpus
def test_the_tax_regulation_lists_article_three_items_as_its_list():
    doc = _doc("govcn_content_5351177")
    three = [b.anchor for b in doc.blocks if b.anchor.startswith("第三条-")]
    assert three == [f"第三条-{i}" for i in range(1, 6)]
    assert "## 第一章\u3000总则 { #第一章 }" in page.render(_doc("govcn_content_5341736"))


@needs_corpus
def test_every_anchor_in_the_corpus_reads_well():
    bad = []
    for path in sorted(RAW.glob("*.html")):
        for doc in convert_source(path, ROOT)[0]:
            bad += [f"{path.stem}: {b.anchor}" for b in doc.blocks if b.anchor and not _ANCHOR.match(b.anchor)]
    assert not bad, bad[:10]


@needs_corpus
def test_in_every_corpus_document_a_numbering_kind_renders_one_way():
    mixed = []
    for path in sorted(RAW.glob("*.html")):
        for doc in convert_source(path, ROOT)[0]:
            seen: dict[tuple[str, str], set[str]] = {}
            prefix = ""
            for b in doc.blocks:
                if b.kind == "attachment_title":
                    prefix = b.anchor
                num = numbering.match(b.label + "文") if b.label else None
                if num and b.role != "list":
                    seen.setdefault((prefix, num.kind), set()).add(b.kind)
            mixed += [f"{path.stem} {k}: {v}" for k, v in seen.items() if len(v) > 1]
    assert not mixed, mixed
