"""Markup idioms of the content systems Chinese government sites run, each a function that
wraps a corpus page's title, fields and body into a whole page.

Learned from real pages and public scrapers of them (not from memory): TRS WCM
(``div.TRS_Editor`` > ``div.Custom_UnionStyle``, ``<meta name="ArticleTitle|PubDate|
ContentSource">``), Hanweb/大汉 (``table.xxgk_table`` info box, ``div#zoom`` between
``<!--<$[信息内容]>begin-->`` and ``<meta name="ContentStart|ContentEnd">``), gov.cn
(``div.pages_content``, the ``<ul>`` info list), Wuxi/Jiangsu ``table.xxgk_table_wza``
(th/td pairs), ``div.xxgk-table`` and ``div.xxgk-down-box`` (print/close) inside the
content, old layouts of nested tables. Structural idioms: a gazette page with 题注 and
the 文号 as the first body line split over spans, a body in one ``<p>`` with ``<br>`` and
full-width spaces, ``<dl>`` and label/value ``div`` boxes, a sidebar of dated related
links, a list page with pagination, toolbars and QR blocks inside the body container.

Each idiom returns (page, body markup as placed, fields shown, kind): the expected body is
the text of the body markup; only the fields the page shows are scored.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .source import Page

ALL_FIELDS = ("title", "doc_number", "issuer", "written_date", "publish_date")


@dataclass
class Made:
    html: str
    body: str  # the body markup as it sits in the page: the expected text
    shown: tuple[str, ...]  # truth fields the page shows
    kind: str = "document"


def cn_date(iso: str | None) -> str:
    if not iso:
        return ""
    y, m, d = iso.split("-")
    return f"{y}年{m}月{d}日"


def site_of(page: Page) -> str:
    return {"govcn": "中国政府网", "jxgov": "江西省人民政府", "wanzai": "万载县人民政府", "yichun": "宜春市人民政府"}.get(
        page.name.split("_")[0], "人民政府门户网站"
    )


NAV = (
    "<div class='header'><div class='logo'><img src='/images/logo.png' alt='{site}'></div>"
    "<ul class='nav'><li><a href='/'>首页</a></li><li><a href='/zwgk/'>政务公开</a></li><li><a href='/zcwj/'>政策文件</a></li>"
    "<li><a href='/hdjl/'>互动交流</a></li><li><a href='/bsfw/'>办事服务</a></li></ul></div>"
    "<div class='crumb'>当前位置：<a href='/'>首页</a> &gt; <a href='/zwgk/'>政务公开</a> &gt; <a href='/zcwj/'>政策文件</a></div>"
)
FOOT = (
    "<div class='footer'><p><a href='/about'>关于我们</a> | <a href='/map'>网站地图</a> | <a href='/contact'>联系我们</a></p>"
    "<p>主办单位：{site}办公厅　版权所有：{site}</p><p>网站标识码：3600000001　ICP备05004217号　公网安备36010802000123号</p></div>"
)
TOOLBAR = (
    "<div class='xxgk-down-box'>【<a href='javascript:window.print()'>打印本页</a>】【<a href='javascript:window.close()'>关闭窗口</a>】</div>"
    "<div class='share'>分享到：<a href='#'>微信</a> <a href='#'>微博</a> <a href='#'>QQ空间</a></div>"
    "<div class='qr'><img src='/images/qrcode.png' alt='二维码'><p>扫一扫在手机打开当前页</p></div>"
)


def shell(page: Page, main: str, head: str = "") -> str:
    site = site_of(page)
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{page.field('title')}_{site}</title>{head}</head><body>"
        + NAV.format(site=site) + f"<div class='main'>{main}</div>" + FOOT.format(site=site) + "</body></html>"
    )


def related(page: Page, others: list[Page]) -> str:
    rows = "".join(
        f"<li><a href='/zcwj/{i}.html' title='{o.field('title')}'>{o.field('title')}</a><span class='date'>{o.field('publish_date')}</span></li>"
        for i, o in enumerate(others[:10])
    )
    return f"<div class='related'><h3>相关文件</h3><ul>{rows}</ul></div>"


def trs_wcm(page: Page, others: list[Page]) -> Made:
    head = (
        f"<meta name='ArticleTitle' content='{page.field('title')}'><meta name='PubDate' content='{page.field('publish_date')} 09:30'>"
        f"<meta name='ContentSource' content='{page.field('issuer') or ''}'><meta name='ColumnName' content='政策文件'>"
    )
    body = page.body_html
    main = (
        f"<div class='article'><h1 class='title'>{page.field('title')}</h1>"
        f"<div class='info'><span>发布时间：{page.field('publish_date')} 09:30</span> <span>字号：<a href='#'>大</a> <a href='#'>中</a> <a href='#'>小</a></span></div>"
        f"<div class='TRS_Editor'><div class='Custom_UnionStyle'>{body}</div></div></div>"
    )
    return Made(shell(page, main, head), body, ("title", "issuer", "publish_date"))


def hanweb_table(page: Page, others: list[Page]) -> Made:
    e = page.entry
    box = (
        "<table class='xxgk_table'><tbody>"
        f"<tr><td>索引号：</td><td>{e.get('index_number') or ''}</td><td>分类：</td><td>综合政务</td></tr>"
        f"<tr><td>发布机构：</td><td>{e.get('issuer') or ''}</td><td>发文日期：</td><td>{cn_date(e.get('written_date'))}</td></tr>"
        f"<tr><td>标题：</td><td colspan='3'>{e['title']}</td></tr>"
        f"<tr><td>文号：</td><td>{e.get('doc_number') or ''}</td><td>发布日期：</td><td>{e.get('publish_date') or ''}</td></tr>"
        "</tbody></table>"
    )
    body = page.body_html
    main = (
        f"{box}<div class='article_title'>{e['title']}</div>"
        f"<div id='zoom'><!--<$[信息内容]>begin--><meta name='ContentStart'>{body}<meta name='ContentEnd'><!--<$[信息内容]>end--></div>"
    )
    return Made(shell(page, main), body, ALL_FIELDS)


def _pairs(e: dict) -> list[tuple[str, str]]:
    return [
        ("索引号", e.get("index_number") or ""),
        ("名称", e["title"]),
        ("发文机关", e.get("issuer") or ""),
        ("发文字号", e.get("doc_number") or ""),
        ("成文日期", cn_date(e.get("written_date"))),
        ("发布日期", cn_date(e.get("publish_date"))),
    ]


def ul_box(page: Page, others: list[Page]) -> Made:
    items = "".join(f"<li><span class='label'>{k}：</span><span>{v}</span></li>" for k, v in _pairs(page.entry))
    body = page.body_html
    main = f"<div class='xxgk-info'><ul>{items}</ul></div><div class='pages_content'>{body}</div>"
    return Made(shell(page, main), body, ALL_FIELDS)


def dl_box(page: Page, others: list[Page]) -> Made:
    e = page.entry
    pairs = [(k if k != "成文日期" else "生成日期", v) for k, v in _pairs(e)]
    pairs = [(("发布机构" if k == "发文机关" else k), v) for k, v in pairs]
    items = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in pairs)
    body = page.body_html
    main = f"<h2 class='tit'>{e['title']}</h2><dl class='info-box'>{items}</dl><div class='content'>{body}</div>"
    return Made(shell(page, main), body, ALL_FIELDS)


def div_labels(page: Page, others: list[Page]) -> Made:
    e = page.entry
    pairs = [("名称", e["title"]), ("索引号", e.get("index_number") or ""), ("发文字号", e.get("doc_number") or ""),
             ("发布机构", e.get("issuer") or ""), ("发布日期", e.get("publish_date") or ""),
             ("生成日期", e.get("written_date") or ""), ("责任部门", "办公厅")]
    items = "".join(f"<div class='row'><div class='lab'>{k}</div><div class='val'>{v}</div></div>" for k, v in pairs)
    body = page.body_html
    main = f"<div class='zfxxgk_zdgkc'>{items}</div><div class='zfxxgk_content'>{body}</div>"
    return Made(shell(page, main), body, ALL_FIELDS)


def table_th(page: Page, others: list[Page]) -> Made:
    e = page.entry
    box = (
        "<table class='xxgk_table_wza'>"
        f"<tr><th>信息索引号</th><td>{e.get('index_number') or ''}</td><th>公开日期</th><td>{e.get('publish_date') or ''}</td></tr>"
        f"<tr><th>文件编号</th><td>{e.get('doc_number') or ''}</td><th>效力状况</th><td>有效</td></tr></table>"
    )
    body = page.body_html
    main = f"<div class='content doc_content_wza'><h3 class='font36'>{e['title']}</h3><p class='date'>时间：{e.get('publish_date')}</p>{box}<div id='Zoom'>{body}</div></div>"
    return Made(shell(page, main), body, ("title", "doc_number", "publish_date"))


def gazette(page: Page, others: list[Page]) -> Made:
    """国务院公报 style: title, a 题注 under it, the 文号 as the body's first line split over
    spans (unless the body already opens with it)."""
    e = page.entry
    number = e.get("doc_number") or ""
    cut = number.find("〔")
    spans = f"<span>{number[:cut + 1]}</span><span>{number[cut + 1:]}</span>" if cut > 0 else f"<span>{number}</span>"
    head = "".join(page.paras[:4])
    own_number = bool(number) and number in head
    tizhu = f"<p class='tizhu'>（{cn_date(e.get('written_date'))}{e.get('issuer') or ''}印发）</p>" if e.get("written_date") else ""
    body = tizhu + (f"<p align='center'>{spans}</p>" if number and not own_number else "") + page.body_html
    main = f"<div class='gb-content'><h1>{e['title']}</h1><div class='gb-body'>{body}</div></div>"
    shown = ("title", "written_date") + (("doc_number",) if number else ())
    return Made(shell(page, main), body, shown)


def _lines_markup(page: Page, sep: str) -> str:
    """The body as one block: text lines joined by ``sep``, tables where they were."""
    out, run = [], []
    for line in page.paras:
        if line.startswith("\0table"):
            if run:
                out.append(f"<p>　　{sep.join(run)}</p>")
                run = []
            out.append(page.tables[int(line[6:])])
        else:
            run.append(line)
    if run:
        out.append(f"<p>　　{sep.join(run)}</p>")
    return "".join(out)


def one_p_br(page: Page, others: list[Page]) -> Made:
    body = _lines_markup(page, "<br>　　")
    main = f"<h2>{page.field('title')}</h2><div class='zw'>{body}</div>"
    return Made(shell(page, main), body, ("title",))


def fullwidth_spaces(page: Page, others: list[Page]) -> Made:
    body = _lines_markup(page, "\n　　").replace("<p>", "<div>").replace("</p>", "</div>")
    main = f"<div class='bt'>{page.field('title')}</div><div class='nr'>{body}</div>"
    return Made(shell(page, main), body, ("title",))


def sidebar(page: Page, others: list[Page]) -> Made:
    body = page.body_html
    main = (
        f"<div class='left'><h1>{page.field('title')}</h1><div class='time'>发布日期：{page.field('publish_date')}</div>"
        f"<div class='article_content'>{body}</div></div><div class='right'>{related(page, others)}</div>"
    )
    return Made(shell(page, main), body, ("title", "publish_date"))


def toolbar_inside(page: Page, others: list[Page]) -> Made:
    body = page.body_html
    size = "<div class='fontsize'>【字体：<a href='#'>大</a> <a href='#'>中</a> <a href='#'>小</a>】</div>"
    main = (
        f"<div class='detail'><h1>{page.field('title')}</h1><div class='info'>发布时间：{page.field('publish_date')}　浏览次数：1024</div>"
        f"<div class='detail-body'>{size}<div class='text'>{body}</div>{TOOLBAR}{related(page, others)}</div></div>"
    )
    return Made(shell(page, main), body, ("title", "publish_date"))


def nested_tables(page: Page, others: list[Page]) -> Made:
    lines = page.paras
    half = max(1, len(lines) // 2)

    def part(chunk: list[str]) -> str:
        return "".join(page.tables[int(x[6:])] if x.startswith("\0table") else f"<p>{x}</p>" for x in chunk)

    first, second = part(lines[:half]), part(lines[half:])
    body = first + second
    main = (
        "<table width='980' border='0'><tr><td>"
        f"<table width='100%'><tr><td class='bt' align='center'>{page.field('title')}</td></tr>"
        f"<tr><td align='center'>发布日期：{page.field('publish_date')}</td></tr></table>"
        f"<table width='100%'><tr><td class='zw'>{first}</td></tr></table>"
        f"<table width='100%'><tr><td class='zw'>{second}</td></tr></table>"
        "</td></tr></table>"
    )
    return Made(shell(page, main), body, ("title", "publish_date"))


def news_byline(page: Page, others: list[Page]) -> Made:
    body = page.body_html
    main = (
        f"<div class='article'><h1>{page.field('title')}</h1>"
        f"<div class='byline'>来源：{page.field('issuer') or site_of(page)}　发布时间：{page.field('publish_date')} 10:15　浏览次数：88</div>"
        f"<div class='article-content'>{body}</div></div>"
    )
    shown = ("title", "publish_date") + (("issuer",) if page.field("issuer") else ())
    return Made(shell(page, main), body, shown)


def list_page(page: Page, others: list[Page]) -> Made:
    """An index of documents: the page's own title among others, with dates and pagination."""
    entries = [page, *others[:19]]
    rows = "".join(
        f"<li><a href='/zcwj/{i}.html' target='_blank' title='{p.field('title')}'>{p.field('title')}</a><span>{p.field('publish_date')}</span></li>"
        for i, p in enumerate(entries)
    )
    main = (
        "<div class='lm-title'>政策文件</div>"
        f"<ul class='list'>{rows}</ul>"
        "<div class='page'>共12页 <a href='?p=1'>首页</a> <a href='?p=2'>下一页</a> <a href='?p=12'>尾页</a> 跳转到第<input>页</div>"
    )
    return Made(shell(page, main), "", (), kind="list")


def layout_columns(page: Page, others: list[Page]) -> Made:
    """An old site laid out in one table: a column of navigation links and dated notices
    beside the text cell (the body in <div>s, its 落款 and tables inside the cell)."""
    nav = "".join(f"<tr><td><a href='/col/{i}.html'>{name}</a></td></tr>" for i, name in enumerate(
        ["政府信息公开指南", "政府信息公开制度", "法定主动公开内容", "政府信息公开年报", "依申请公开", "机构职能", "政策解读", "规划计划"]))
    notices = "".join(
        f"<tr><td><a href='/n/{i}.html'>{o.field('title')[:18]}</a> {o.field('publish_date')}</td></tr>" for i, o in enumerate(others[:8])
    )
    body = _lines_markup(page, "</p><p>").replace("<p>", "<div>").replace("</p>", "</div>")
    main = (
        "<table width='1000'><tr>"
        f"<td width='220' valign='top'><table>{nav}</table><table><tr><td>通知公告</td></tr>{notices}</table></td>"
        f"<td valign='top'><div class='title'>{page.field('title')}</div>"
        f"<div class='sub'>发布日期：{page.field('publish_date')}　来源：{site_of(page)}</div><div class='text'>{body}</div></td>"
        "</tr></table>"
    )
    return Made(shell(page, main), body, ("title", "publish_date"))


def gongbao(page: Page, others: list[Page]) -> Made:
    """A 国务院公报 page: the issue's table of contents (many long links) beside the text, the
    text in one block of <br>-separated lines."""
    toc = "".join(f"<li><a href='/gongbao/{i}.htm'>{o.field('title')}</a></li>" for i, o in enumerate(others[:20]))
    body = _lines_markup(page, "<br>")
    main = (
        f"<div class='gb-left'><h3>本期目录</h3><ul>{toc}</ul></div>"
        f"<div class='gb-right'><div class='gb-title'>{page.field('title')}</div><div class='gb-text'>{body}</div></div>"
    )
    return Made(shell(page, main), body, ("title",))


FARM = "".join(f"<a href='https://x{i}.example/'>澳门威尼斯人娱乐城百家乐在线{i}</a>" for i in range(6))


def hidden_farm(page: Page, others: list[Page]) -> Made:
    """A compromised page: link farms hidden by the page's style sheet and by inline styles
    inside the text, and spans a CMS styled "display: inline !important" that are text."""
    lines = page.paras
    half = max(1, len(lines) // 2)

    def part(chunk: list[str]) -> str:
        return "".join(
            page.tables[int(x[6:])] if x.startswith("\0table")
            else f"<p><span style='-webkit-text-stroke-width: 0px; display: inline !important; float: none'>{x}</span></p>"
            for x in chunk
        )

    body = part(lines[:half]) + f"<div class='seo-k'>{FARM}</div>" + part(lines[half:]) + f"<div style='position:absolute;left:-9999px'>{FARM}</div>"
    expected = part(lines[:half]) + part(lines[half:])
    head = "<style>.seo-k{display:none} .nav a:hover{display:none}</style>"
    main = f"<div class='article'><h1>{page.field('title')}</h1><div class='info'>发布日期：{page.field('publish_date')}</div><div class='content'>{body}</div></div>"
    return Made(shell(page, main, head), expected, ("title", "publish_date"))


def pasted_twice(page: Page, others: list[Page]) -> Made:
    """The body pasted twice into the content box (a CMS save gone wrong): shown once."""
    body = page.body_html
    main = f"<div class='article'><h1>{page.field('title')}</h1><div class='info'>发布日期：{page.field('publish_date')}</div><div class='content'>{body}{body}</div></div>"
    return Made(shell(page, main), body, ("title", "publish_date"))


def box_inside_content(page: Page, others: list[Page]) -> Made:
    """The info box inside the content container, before the text (div.xxgk-table, as
    scrapers of such sites strip it), with a print/close box after the text."""
    e = page.entry
    rows = "".join(
        f"<tr><th>{a}</th><td>{x}</td><th>{b}</th><td>{y}</td></tr>"
        for (a, x), (b, y) in zip(_pairs(e)[0::2], _pairs(e)[1::2])
    )
    body = page.body_html
    main = (
        f"<div class='article'><h1>{e['title']}</h1><div class='article-content'>"
        f"<div class='xxgk-table'><table>{rows}</table></div>{body}"
        "<div class='xxgk-down-box'><a href='javascript:window.print()'>【打印】</a><a href='javascript:window.close()'>【关闭】</a></div></div></div>"
    )
    return Made(shell(page, main), body, ALL_FIELDS)


def early_html_end(page: Page, others: list[Page]) -> Made:
    """A header include that ends its own ``</html>`` before the article (as a 国务院公报 page
    does): a browser ignores the tag and shows the text after it."""
    body = page.body_html
    main = f"<div class='article'><h1>{page.field('title')}</h1><div class='pages_content'>{body}</div></div>"
    html = shell(page, main).replace("<div class='main'>", "</html>\n<div class='main'>", 1)
    return Made(html, body, ("title",))


IDIOMS: dict[str, Callable[[Page, list[Page]], Made]] = {
    "trs_wcm": trs_wcm,
    "hanweb_table": hanweb_table,
    "ul_box": ul_box,
    "dl_box": dl_box,
    "div_labels": div_labels,
    "table_th": table_th,
    "gazette": gazette,
    "one_p_br": one_p_br,
    "fullwidth_spaces": fullwidth_spaces,
    "sidebar": sidebar,
    "toolbar_inside": toolbar_inside,
    "nested_tables": nested_tables,
    "news_byline": news_byline,
    "list_page": list_page,
    "layout_columns": layout_columns,
    "gongbao": gongbao,
    "hidden_farm": hidden_farm,
    "pasted_twice": pasted_twice,
    "box_inside_content": box_inside_content,
    "early_html_end": early_html_end,
}
