"""What the five bundled samples must give (the design's acceptance list)."""

from __future__ import annotations

import re

from converter.text import hanzi
from tests.support import body_text


def headings(doc, level):
    return [b.label + b.text for b in doc.blocks if b.kind == "heading" and b.level == level]


def test_sample_000_holds_two_documents(sample_docs):
    docs = sample_docs["000"]
    assert [d.title for d in docs] == ["关于深化人才发展体制机制改革的实施意见", "关医院综合改革的指导意见"]
    assert [h[:2] for h in headings(docs[0], 2)] == ["一、", "二、", "三、", "四、", "五、", "六、", "七、", "八、", "九、"]
    assert len(headings(docs[1], 2)) == 7


def test_sample_000_second_document_says_where_the_page_level_removals_are(sample_docs):
    first, second = sample_docs["000"]
    assert first.record.removed  # the page's spam and furniture, recorded once
    assert any(w.endswith(f": {first.title}") and "first document" in w for w in second.warnings)
    assert not any("first document" in w for w in first.warnings)


def test_sample_000_bodies_have_no_repost_lines_and_url_goes_to_source(sample_docs):
    docs = sample_docs["000"]
    for d in docs:
        text = body_text(d)
        for noise in ("来源:", "转载", "分隔线", "固安广播电视台", "http"):
            assert noise not in text
    assert docs[0].source.url == "http://www.hebeishengzx.com/hblt/11354.html"
    assert docs[0].source.origin == "新浪河北"


def test_sample_001_metadata(sample_docs):
    (d,) = sample_docs["001"]
    assert d.title == "哈尔滨市人民政府办公厅关于印发哈尔滨市城市公立医院综合改革实施方案的通知"
    assert d.doc_number == "哈政办规〔2017〕28号"
    assert d.issuers == ["哈尔滨市人民政府办公厅"]
    assert (d.written_date, d.publish_date) == ("2017-06-08", "2017-09-07")
    assert (d.region, d.level, d.doc_type) == ("黑龙江省哈尔滨市", "municipal", "通知")


def test_sample_001_attached_plan_keeps_its_structure(sample_docs):
    (d,) = sample_docs["001"]
    kinds = [b.kind for b in d.blocks]
    assert "attachment_title" in kinds and "signature" in kinds
    assert headings(d, 2) == ["一、总体要求", "二、重点任务", "三、组织保障"]
    assert len(headings(d, 3)) == 4 + 7 + 4
    items = [b for b in d.blocks if b.kind == "item"]
    assert [b.label for b in items][:3] == ["1.", "2.", "3."]
    assert items[-1].label == "25."


def test_sample_001_body_has_no_spam_breadcrumb_or_byline(sample_docs):
    text = body_text(sample_docs["001"][0])
    for noise in ("bet007", "投注", "您现在所在位置", "作者:", "更新时间", "【文件】"):
        assert noise not in text


def test_sample_002_is_simplified_without_pinyin(sample_docs):
    (d,) = sample_docs["002"]
    text = d.title + body_text(d)
    assert not hanzi.PINYIN_ANNOTATION.search(text)
    assert hanzi.to_simplified(text) == text
    assert d.title == "黑龙江省人民政府办公厅关于推进医疗联合体建设和发展的实施意见"
    assert d.doc_number == "黑政办规〔2017〕25号"
    assert d.written_date == "2017-06-30"


def test_sample_002_punctuation_artefacts_repaired(sample_docs):
    (d,) = sample_docs["002"]
    text = body_text(d)
    assert "各市（地）、县（市）人民政府（行署），省政府各直属单位：" in text
    assert not re.search(r",,|,、|,。|，，", text)


def test_sample_002_has_no_ascii_punctuation_between_chinese_characters(sample_docs):
    (d,) = sample_docs["002"]
    text = body_text(d) + d.title
    assert not re.findall(r"[\u4e00-\u9fff][,;:?!(][\u4e00-\u9fff]", text)
    assert d.record.changed.get("fullwidth", 0) >= 280  # counted: commas, colons, bracket pairs


def test_sample_002_has_no_spam_or_navigation(sample_docs):
    (d,) = sample_docs["002"]
    text = body_text(d)
    for noise in ("精品", "AV", "标准版", "您所在的位置", "字号", "齐齐哈尔市第一医院"):
        assert noise not in text


def test_sample_003_is_reparagraphed_at_its_numbering(sample_docs):
    (d,) = sample_docs["003"]
    assert d.title == "河源市推动公立医院高质量发展实施方案"
    assert headings(d, 2) == ["一、总体目标", "二、重点任务", "三、组织实施"]
    assert len(headings(d, 3)) == 6 + 4
    items = [b.label for b in d.blocks if b.kind == "item"]
    assert items == [f"{n}." for n in range(1, 29)]


def test_sample_003_ocr_artefacts_repaired(sample_docs):
    (d,) = sample_docs["003"]
    text = body_text(d)
    assert "85%。" in text and "%o" not in text
    assert "（国办发〔2021〕18号）" in text and "（粤府办〔2022〕4号）" in text
    assert ".docx" not in text and "公开方式" not in text
    assert d.extra["disclosure"] == "主动公开"
    assert {c.doc_number for c in d.cites} >= {"国办发〔2021〕18号", "粤府办〔2022〕4号"}


def test_sample_004_news_item(sample_docs):
    (d,) = sample_docs["004"]
    assert d.title == "石家庄市召开紧密型县域医共体建设推进会"
    assert d.doc_type == "新闻"
    assert d.publish_date == "2022-06-20"
    assert d.source.origin == "市卫健委"
    text = body_text(d)
    assert "<" not in text
    for noise in ("当前位置", "字体", "打印", "ICP", "网站标识码", "版权所有", "关于本网"):
        assert noise not in text
    assert text.count("会议采用视频形式召开") == 1


def test_samples_give_six_documents(sample_docs):
    assert sum(len(v) for v in sample_docs.values()) == 6
