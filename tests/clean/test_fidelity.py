"""Remove only with evidence: pages from ../shared/corpus whose policy text was lost, and the
general rules that keep it (hidden means hidden; a duplicate is a repeated block)."""

from __future__ import annotations

import pytest

from converter.clean import pagemeta, steps
from converter.model import CleaningRecord, Para
from converter.pipeline import convert_source
from converter.text import dates
from tests.support import CORPUS, ROOT, body_text

needs_corpus = pytest.mark.skipif(not (CORPUS / "raw").is_dir(), reason="reference corpus ../shared/corpus not present")


def corpus_doc(name: str):
    docs, problems = convert_source(CORPUS / "raw" / name, ROOT)
    assert docs, problems
    return docs[0]


@needs_corpus
def test_item_numbers_in_spans_styled_display_inline_important_are_kept():
    # govcn 5345397 (国务院工作规则) wraps （一）（二）（三） of articles 36-37 in spans whose
    # style has "-webkit-text-stroke-width: 0px; display: inline !important": visible text.
    doc = corpus_doc("govcn_content_5345397.html")
    text = body_text(doc)
    assert "（二）部署国务院的重要工作" in text
    assert "（三）通报国内外形势" in text
    assert not [r for r in doc.record.removed if r.step == "hidden"]


@needs_corpus
def test_a_sentence_answering_two_questions_is_not_a_duplicate():
    # jxgov 14236_1505204 question 5, item 2 repeats a sentence of question 1's answer.
    doc = corpus_doc("jxgov_art_14236_1505204.html")
    text = body_text(doc)
    q5 = text[text.index("五、中小微企业如何申请"):]
    assert "2.按照本《十问十答》第六条所述流程" in q5[: q5.index("六、")]
    assert not [r for r in doc.record.removed if r.step == "duplicate"]


def _paras(*texts: str) -> list[Para]:
    return [Para(t) for t in texts]


def test_one_recurring_paragraph_among_many_is_kept():
    same = "各地要按照本通知要求，结合实际制定具体实施办法并抓好落实。"
    others = [f"第{i}项工作由有关部门负责组织实施，按期报送进展情况和存在问题。" for i in range(8)]
    paras = _paras(*others[:4], same, *others[4:], same)
    record = CleaningRecord()
    assert len(steps._drop_duplicates(paras, record)) == len(paras)
    assert not record.removed


def test_a_block_of_paragraphs_pasted_again_is_removed_and_recorded():
    block = [f"第{i}段正文内容较长，用来说明具体的工作要求和保障措施，确保落实到位。" for i in range(3)]
    other = [f"其他段落{i}，说明另外的事项和要求，内容并不重复。" for i in range(6)]
    paras = _paras(*block, *other, *block)
    record = CleaningRecord()
    out = steps._drop_duplicates(paras, record)
    assert [p.text for p in out] == [*block, *other]
    assert [r.step for r in record.removed] == ["duplicate"] * 3


def _long_table_page(n_rows: int) -> str:
    rows = "".join(
        f"<tr><td>{i}</td><td>示范市第{i}人民医院</td><td>三级甲等</td><td>2021-03-{i % 28 + 1:02d}</td></tr>" for i in range(1, n_rows + 1)
    )
    return (
        "<html><head><meta charset='utf-8'><title>示范市卫生健康委员会关于公布定点医疗机构名单的通知</title></head><body>"
        "<div class='nav'><a href='/'>首页</a> <a href='/a'>机构概况</a> <a href='/b'>政务公开</a></div>"
        "<div class='main'><h1>示范市卫生健康委员会关于公布定点医疗机构名单的通知</h1><div class='con'>"
        "<p>各区县卫生健康局：</p><p>现将全市定点医疗机构名单予以公布，请遵照执行。</p>"
        f"<table><tr><th>序号</th><th>医院名称</th><th>等级</th><th>认定日期</th></tr>{rows}</table>"
        "<p>示范市卫生健康委员会</p><p>2021年3月2日</p></div></div>"
        "<div class='foot'>版权所有：示范市卫生健康委员会 ICP备12345678号</div></body></html>"
    )


@pytest.mark.parametrize("n_rows", [20, 100, 400])
def test_a_body_with_a_long_table_keeps_the_table_the_signature_and_the_date(tmp_path, n_rows):
    path = tmp_path / "list.html"
    path.write_text(_long_table_page(n_rows), encoding="utf-8")
    (doc,), _ = convert_source(path, ROOT)
    tables = [b for b in doc.blocks if b.kind == "table"]
    assert len(tables) == 1 and len(tables[0].rows) == n_rows + 1
    assert "示范市卫生健康委员会" in body_text(doc) and doc.written_date == "2021-03-02"
    assert not [r for r in doc.record.removed if "人民医院" in r.text]


# ---------------------------------------------------------------- metadata from more templates



def _page(tmp_path, head: str, main: str):
    path = tmp_path / "p.html"
    path.write_text(
        f"<html><head><meta charset='utf-8'>{head}</head><body><div class='nav'><a href='/'>首页</a> <a href='/x'>政务公开</a></div>"
        f"{main}<div class='foot'>版权所有：示范市人民政府 ICP备12345678号</div></body></html>",
        encoding="utf-8",
    )
    docs, problems = convert_source(path, ROOT)
    assert docs, problems
    return docs[0]


BODY_HTML = (
    "<p>各县（区）人民政府，市政府各部门：</p><p>为做好今年春季农业生产工作，确保粮食稳定增产、农民持续增收，现将有关事项通知如下。</p>"
    "<p>一、加强组织领导。各地要把春耕生产作为当前农业农村工作的重中之重，层层压实责任。</p>"
)


@pytest.mark.parametrize(
    "caption, date",
    [
        ("（2007年6月29日第十届全国人民代表大会常务委员会第二十八次会议通过）", "2007-06-29"),
        ("（2019年1月27日国务院印发）", "2019-01-27"),
        ("(2018年12月18日中华人民共和国国务院令第707号公布　自2019年1月1日起施行)", "2018-12-18"),
    ],
)
def test_a_gazette_caption_gives_the_written_date_and_stays_in_the_text(tmp_path, caption, date):
    assert dates.caption_date(caption) == date
    doc = _page(tmp_path, "", f"<div class='gb'><h1>示范市农业生产管理办法</h1><p>{caption}</p>{BODY_HTML}</div>")
    assert doc.written_date == date
    assert caption.strip("（）()")[:10] in body_text(doc)


def test_a_bracketed_date_alone_is_no_caption():
    assert dates.caption_date("（2019年1月27日）") is None
    assert dates.caption_date("（此件公开发布）") is None


def test_an_issuer_stated_only_in_the_content_source_meta_is_the_issuer(tmp_path):
    doc = _page(tmp_path, "<meta name='ContentSource' content='示范市农业农村局'>", f"<div class='a'><h1>关于做好春季农业生产工作的通知</h1>{BODY_HTML}</div>")
    assert doc.issuers == ["示范市农业农村局"]


@pytest.mark.parametrize(
    "box",
    [
        (
            "<table><tr><th>信息索引号</th><td>000014349/2021-00007</td><th>公开日期</th><td>2021-03-05</td></tr>"
            "<tr><th>文件编号</th><td>示政发〔2021〕3号</td><th>效力状况</th><td>有效</td></tr></table>"
        ),
        (
            "<dl><dt>名称</dt><dd>关于做好春季农业生产工作的通知</dd><dt>发布机构</dt><dd>示范市人民政府</dd>"
            "<dt>文件编号</dt><dd>示政发〔2021〕3号</dd><dt>生成日期</dt><dd>2021-03-02</dd><dt>公开日期</dt><dd>2021-03-05</dd></dl>"
        ),
        (
            "<div class='x'><div><span>名称</span><span>关于做好春季农业生产工作的通知</span></div><div><span>索引号</span><span>000014349/2021-00007</span></div>"
            "<div><span>发文字号</span><span>示政发〔2021〕3号</span></div><div><span>发布机构</span><span>示范市人民政府</span></div>"
            "<div><span>发布日期</span><span>2021-03-05</span></div><div><span>责任部门</span><span>办公室</span></div></div>"
        ),
    ],
)
def test_info_boxes_with_bare_label_cells_give_the_fields_and_stay_out_of_the_text(tmp_path, box):
    doc = _page(tmp_path, "", f"{box}<div class='a'><h1>关于做好春季农业生产工作的通知</h1>{BODY_HTML}</div>")
    assert doc.doc_number == "示政发〔2021〕3号" and doc.publish_date == "2021-03-05"
    assert "示政发" not in body_text(doc)


def test_issue_date_beside_a_publish_date_is_the_written_date():
    info, _ = pagemeta.info_fields(["发布机构：", "示范市人民政府", "发文日期：", "2021年03月02日", "发布日期：", "2021-03-05"])
    meta = pagemeta.collect({}, info)
    assert (meta["written_date"], meta["publish_date"]) == ("2021-03-02", "2021-03-05")
    info, _ = pagemeta.info_fields(["发文日期：2021年03月05日"])
    assert pagemeta.collect({}, info)["publish_date"] == "2021-03-05"


def test_a_title_repeated_in_the_text_broken_over_lines_is_one_document(tmp_path):
    doc_title = "国务院关于同意建立国务院职业教育工作部际联席会议制度的批复"
    main = f"<div class='gb'><h1>{doc_title}</h1><div class='c'><p>国务院关于同意建立国务院职业教育工作</p><p>部际联席会议制度的批复</p>{BODY_HTML}</div></div>"
    path = tmp_path / "p.html"
    path.write_text(f"<html><body>{main}</body></html>", encoding="utf-8")
    docs, _ = convert_source(path, ROOT)
    assert [d.title for d in docs] == [doc_title]
    assert [r.reason for r in docs[0].record.removed if r.step == "duplicate"] == ["title repeated inside the text, broken over lines"] * 2


@pytest.mark.parametrize(
    "title, issuers",
    [
        ("财政部 税务总局关于进一步落实支持个体工商户发展个人所得税优惠政策有关事项的公告", ["财政部", "税务总局"]),
        ("人力资源社会保障部　财政部关于做好失业保险稳岗返还工作有关问题的通知", ["人力资源社会保障部", "财政部"]),
        ("国务院办公厅、中央军委办公厅关于加强对侵华日军遗弃化学武器调查和管理工作的通知", ["国务院办公厅", "中央军委办公厅"]),
        ("国家发展改革委 办公厅关于做好2021年春运工作的通知", ["国家发展改革委办公厅"]),
        ("江西省 人民政府关于废止部分规章的决定", ["江西省人民政府"]),
    ],
)
def test_joint_issuers_at_the_start_of_a_title_split_on_spaces_only_between_organs(title, issuers):
    from converter.text import places

    assert places.issuers_from_title(title) == issuers


def test_a_short_issuer_is_completed_from_the_pages_own_site(tmp_path):
    doc = _page(
        tmp_path, "<meta name='SiteName' content='宜春市人民政府'>",
        f"<table><tr><td>发布机构：</td><td>市政府办公室</td><td>发布日期：</td><td>2021-03-05</td></tr></table>"
        f"<div class='a'><h1>关于做好春季农业生产工作的通知</h1>{BODY_HTML}</div>",
    )
    assert doc.issuers == ["宜春市人民政府办公室"]


def test_a_doc_number_as_the_first_body_line_split_over_spans_is_read(tmp_path):
    doc = _page(tmp_path, "", f"<div class='a'><h1>关于做好春季农业生产工作的通知</h1><p align='center'><span>示政办发〔</span><span>2021</span><span>〕3号</span></p>{BODY_HTML}</div>")
    assert doc.doc_number == "示政办发〔2021〕3号"


def test_an_info_box_inside_the_text_container_is_read_as_metadata_and_recorded(tmp_path):
    box = (
        "<div class='xxgk-table'><table><tr><th>索引号</th><td>000014349/2021-00007</td><th>发文字号</th><td>示政发〔2021〕3号</td></tr>"
        "<tr><th>发文机关</th><td>示范市人民政府</td><th>成文日期</th><td>2021年03月02日</td></tr>"
        "<tr><th>发布日期</th><td>2021年03月05日</td><th>主题分类</th><td></td></tr></table></div>"
    )
    doc = _page(tmp_path, "", f"<div class='a'><h1>关于做好春季农业生产工作的通知</h1><div class='content'>{box}{BODY_HTML}</div></div>")
    assert (doc.doc_number, doc.written_date, doc.publish_date) == ("示政发〔2021〕3号", "2021-03-02", "2021-03-05")
    assert "索引号" not in body_text(doc) and "为做好今年春季农业生产工作" in body_text(doc)
    assert any(r.step == "metadata" and "000014349" in r.text for r in doc.record.removed)
