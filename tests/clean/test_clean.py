"""The cleaning tables (converter/data/noise.yml, spam.yml, repairs.yml), each rule with a
line from a real page, and the page-wide steps (pinyin, Traditional, damage, duplicates)."""

from __future__ import annotations

import re

import pytest

from converter.clean import rules, steps
from converter.messages import note
from converter.model import PageMeta
from converter.tables import load
from converter.text import hanzi, numbering, space

# (line as scraped, step, reason) — each from a real page (seed or reference corpus).
FURNITURE = [
    ("您现在所在位置: 首页 >> 政务信息公开>> 政策解读", "navigation", "breadcrumb"),
    ("您所在的位置: 首页", "navigation", "breadcrumb"),
    ("当前位置:首页  > 综合信息公开  > 社会公益事业  > 医疗卫生计生领域", "navigation", "breadcrumb"),
    ("首页 > 政府信息公开目录", "navigation", "breadcrumb trail"),
    ("返回顶部", "navigation", "back-to-top or home link"),
    ("字号: + - 16", "widget", "font-size widget"),
    ("【字体: 】    打印", "widget", "font-size widget"),
    ("打印本页 关闭窗口", "widget", "print/close/share toolbar"),
    ("标准版", "widget", "version toggle"),
    ("扫一扫在手机打开当前页", "widget", "QR code prompt"),
    ("浏览次数：1024", "widget", "view counter"),
    ("冀ICP备06000020号-1 网站标识码:1301000003", "footer", "ICP licence or site id"),
    ("石家庄市人民政府办公室版权所有", "footer", "copyright line"),
    ("石家庄市电子政务中心承办", "footer", "site operator line"),
    ("关于本网|网站声明|网站地图|联系我们|联系我们", "footer", "footer link list"),
    ("欢迎转载,转载请注明出处", "repost", "repost notice"),
    ("------分隔线----------------------------", "repost", "separator line"),
    ("•", "markup", "orphan list marker left by stray tags"),
    ("3.", "markup", "orphan list marker left by stray tags"),
]

SPAM = [
    "欢迎登录bet007体育在线投注门户网站 黑龙江省政府 哈尔滨市政府",
    "国产91精品免费久久看|亚洲精品自慰出水AV|老司机在线精品视频播放|吃瓜黑料网51|婷婷久久精品一区",
    "澳门威尼斯人娱乐城 百家乐 真人荷官 在线投注",
]
# Policy text that talks about the same vices is not spam.
NOT_SPAM = [
    "严厉打击网络赌博、色情等违法犯罪活动，净化网络环境。",
    "规范福利彩票和体育彩票发行销售管理。",
    "各区、县(市)人民政府,市政府各有关委、办、局,中直省属在哈有关单位:",
]

METADATA = [
    ("作者:延寿县信息中心 更新时间:2017-09-07", {"author": "延寿县信息中心", "publish_date": "2017-09-07"}),
    ("发布时间:2022-06-20    来源:市卫健委", {"publish_date": "2022-06-20", "origin": "市卫健委"}),
    ("发布时间:2022-06-2016:36  来源:", {"publish_date": "2022-06-20"}),
    ("来源:新浪河北", {"origin": "新浪河北"}),
    ("公开方式:主动公开", {"disclosure": "主动公开"}),
    ("河源市推动公立医院高质量发展实施方案.docx", {"file_title": "河源市推动公立医院高质量发展实施方案"}),
    (
        "欢迎转载,转载请注明原文网址:http://www.hebeishengzx.com/hblt/11354.html",
        {"url": "http://www.hebeishengzx.com/hblt/11354.html"},
    ),
]

REPAIRS = [
    ("各市(地),、縣(市)人民政府(行署),,省政府各直屬單位:", "各市（地）、縣（市）人民政府（行署），省政府各直屬單位："),
    ("(一)指導思想,。全面落實", "（一）指導思想。全面落實"),
    ("基本达到85%o(市财政局", "基本达到85%。(市财政局"),
    ("分别不低于90%、80%、60%o推动医疗机构", "分别不低于90%、80%、60%。推动医疗机构"),
    ("的意见(国办发2021)18号)和", "的意见（国办发〔2021〕18号）和"),
    # Full-width punctuation in Chinese running text; numbers, times, URLs, Latin words and a
    # 文号's own brackets keep their ASCII marks.
    ("是否?请于10:30前报送,联系人:张三;网址http://x.cn/a?b=1,见(WTO)规则!", "是否？请于10:30前报送，联系人：张三；网址http://x.cn/a?b=1,见(WTO)规则！"),
    ("国办发(2017)32号规定,共1,000元", "国办发(2017)32号规定，共1,000元"),
]


@pytest.mark.parametrize("line,step,reason", FURNITURE)
def test_furniture_line_is_removed_by_its_rule(line, step, reason):
    assert rules.classify(space.normalise_space(line)) == (step, reason)


def test_every_noise_rule_has_a_real_page_example():
    reasons = {note(r["reason"]).en for r in load("noise")["line_rules"]}
    assert reasons <= {reason for _, _, reason in FURNITURE}


@pytest.mark.parametrize("line", SPAM)
def test_spam_line_is_detected(line):
    assert rules.is_spam(line)


@pytest.mark.parametrize("line", NOT_SPAM)
def test_policy_text_about_vice_is_not_spam(line):
    assert not rules.is_spam(line)


def test_long_policy_paragraph_mentioning_a_noise_word_is_kept():
    para = "各地要建立网站内容保障机制，明确承办单位和责任人，版权所有信息应当规范标注，" * 3
    assert rules.classify(para) is None


@pytest.mark.parametrize("line,fields", METADATA)
def test_metadata_line_moves_into_page_fields(line, fields):
    page = PageMeta()
    assert steps._harvest(space.normalise_space(line), page)
    assert {k: getattr(page, k) for k in fields} == fields


@pytest.mark.parametrize("before,after", REPAIRS)
def test_repair_rules(before, after):
    from converter.model import CleaningRecord, Para

    paras = [Para(before)]
    steps._repair(paras, CleaningRecord())
    assert paras[0].text == after


def test_pinyin_annotations_are_stripped_only_on_annotated_pages():
    annotated = "醫(yī)療(liáo)聯(lián)合體(tǐ)建設(shè)和發(fā)展(zhǎn)"
    text, n = hanzi.strip_pinyin(annotated)
    assert (text, n) == ("醫療聯合體建設和發展", 7)
    single = "试点地区(a)要加快推进"
    assert hanzi.strip_pinyin(single) == (single, 0)


def test_traditional_detection_does_not_touch_simplified_text():
    simplified = "江西省人民政府关于废止《江西省著名商标认定和保护办法》的决定"
    assert not hanzi.is_traditional(simplified)
    assert hanzi.is_traditional("黑龍江省人民政府辦公廳關於推進醫療聯合體建設和發展的實施意見")


def test_mis_encoded_runs_become_illegible_marks():
    text = "以城市和縣域?yàn)橹攸c(diǎn),實行醫??傤~付費,參與醫共體??h(市)中醫醫院"
    fixed, runs = hanzi.mark_damage(text)
    assert runs == ["?yàn)橹攸c", "??傤~", "??h"]
    assert fixed.count(hanzi.ILLEGIBLE) == 3


def test_reflow_splits_a_flattened_text_at_its_numbering_with_ocr_labels():
    flat = (
        "为做好工作,制定本方案。一、总体目标以习近平新时代中国特色社会主义思想为指导。"
        "二、重点任务(一)构建新体系。L推进高水平医院建设。2 .建设医疗集团。"
        "(二)引领新趋势。3.加强专科建设。(市卫生健康局负责)4,推进质量提升。"
    )
    paras, repaired = numbering.reflow(flat)
    assert paras == [
        "为做好工作,制定本方案。",
        "一、总体目标",
        "以习近平新时代中国特色社会主义思想为指导。",
        "二、重点任务",
        "(一)构建新体系。",
        "1.推进高水平医院建设。",
        "2.建设医疗集团。",
        "(二)引领新趋势。",
        "3.加强专科建设。(市卫生健康局负责)",
        "4.推进质量提升。",
    ]
    assert repaired == 3


def test_reflow_leaves_numbers_that_break_the_sequence_in_the_text():
    paras, _ = numbering.reflow("要求如下。1.加强领导。到2025年,覆盖率达到90%。5.做好宣传。")
    assert paras == ["要求如下。", "1.加强领导。到2025年,覆盖率达到90%。5.做好宣传。"]


def test_body_pasted_twice_is_removed_once(tmp_path):
    from converter.read.source import read_source

    body = ["近日，某市召开县域医共体建设推进会，部署下一阶段相关工作。", "会议强调，各县（市、区）要高度重视，狠抓落实。"]
    page = "\n".join(["发布时间:2022-06-20 来源:市卫健委", *body, "发布时间:2022-06-20 16:36 来源:", *body])
    f = tmp_path / "news.txt"
    f.write_text(page, encoding="utf-8")
    result = steps.clean(read_source(f, tmp_path))
    assert [p.text for p in result.paras] == body
    assert [r.step for r in result.record.removed].count("duplicate") == 2


def test_cleaning_counts_are_reported_per_step(sample_docs):
    (doc,) = sample_docs["002"]
    counts = doc.record.counts()
    assert counts["changed_pinyin"] > 1000 and counts["changed_traditional"] > 1000
    assert counts["removed_spam"] == 1
    assert re.fullmatch(r"[a-z_]+", "".join(counts)) is not None
