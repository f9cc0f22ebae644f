"""Fixture pages (Chinese policy-like documents) for the scraper tests."""

from __future__ import annotations

TITLE = "国务院办公厅关于进一步优化营商环境更好服务市场主体的实施意见"

BODY = (
    "各省、自治区、直辖市人民政府，国务院各部委、各直属机构：\n"
    "近年来，我国营商环境明显改善，但仍存在一些短板和薄弱环节。"
    "为持续深化“放管服”改革，经国务院同意，现提出以下意见。\n"
    "一、进一步破除隐性门槛，推动降低市场主体准入成本。"
    "全面实施市场准入负面清单管理，清理在资质资格获取、招投标、政府采购等方面的不合理限制。\n"
    "二、进一步规范涉企收费，推动减轻市场主体经营负担。"
    "严格落实国家各项减税降费政策，坚决防止违规征税收费、虚增财政收入。\n"
    "各地区、各部门要认真贯彻落实本意见，结合实际抓紧制定具体措施，确保取得实效。\n"
    "国务院办公厅\n二〇二〇年七月十五日"
)

# Characters outside GB2312: 镕 (GBK), 䶮 (CJK Ext-A, GB18030 only),
# 𠮷 (CJK Ext-B, GB18030 four-byte only).
RARE = "经朱镕基同志批示，刘䶮、𠮷野家等相关单位予以配合。"


def html(body: str = BODY, *, meta: str = "", title: str = TITLE, extra: str = "") -> str:
    return (
        "<!DOCTYPE html>\n<html>\n<head>\n"
        f"{meta}\n<title>{title}</title>\n</head>\n<body>\n"
        f"<h1>{title}</h1>\n<div class=\"content\"><p>{body}</p>{extra}</div>\n"
        "</body>\n</html>\n"
    )


META_GB2312_HTTP_EQUIV = '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
META_GBK = '<meta charset="gbk">'
META_UTF8 = '<meta charset="utf-8">'

#: GBK bytes, charset only in the HTTP header.
GBK_HEADER = html().encode("gbk")
#: GBK bytes, charset only in <meta http-equiv>.
GBK_META = html(meta=META_GB2312_HTTP_EQUIV).encode("gbk")
#: GBK bytes without any declaration.
GBK_UNDECLARED = html().encode("gbk")
#: GBK bytes whose <meta> wrongly claims UTF-8.
GBK_DECLARED_UTF8 = html(meta=META_UTF8).encode("gbk")
#: Declares gb2312 but uses GBK- and GB18030-only characters.
GB18030_DECLARED_GB2312 = html(BODY + RARE, meta=META_GB2312_HTTP_EQUIV).encode("gb18030")
#: UTF-8 with a byte-order mark (and a stale gbk <meta>).
UTF8_BOM = b"\xef\xbb\xbf" + html(meta=META_GBK).encode("utf-8")
#: Plain UTF-8 that wrongly declares gb2312.
UTF8_DECLARED_GB2312 = html(meta=META_GB2312_HTTP_EQUIV).encode("utf-8")

def attachment_links(other_origin: str) -> str:
    """An attachment list as found at the end of policy documents.

    ``other_origin`` hosts one attachment on a different host.
    """
    return (
        '<p>附件：</p><ul>'
        '<li><a href="./P020200715591839387391.pdf">1. 优化营商环境重点任务分工表.pdf</a></li>'
        '<li><a href="/files/P020200715591839399999.docx" title="政策解读">  </a></li>'
        f'<li><a href="{other_origin}/up/%E9%99%84%E4%BB%B6.xlsx">附件3：统计表</a></li>'
        '<li><a href="download.jsp?filename=notice.wps">附件4：通知（WPS版）</a></li>'
        '<li><a href="./P020200715591839387391.pdf#page=2">重复链接</a></li>'
        '<li><a href="/zhengce/other.html">相关政策</a></li>'
        '<li><a href="javascript:void(0)">打印本页</a></li>'
        '<li><a href="mailto:gov@example.cn">联系我们</a></li>'
        '</ul>'
    )
