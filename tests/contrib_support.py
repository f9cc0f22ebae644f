"""A throw-away project (sources/ + docs/) for the contributor tooling tests (add, check)."""

from __future__ import annotations

import io
from pathlib import Path

from converter import pipeline
from converter.cli import main as cli_main

# The body of a provincial 通知 as such pages print it: numbered sections and items.
BODY = (
    "为进一步加强基层医疗卫生服务能力建设，提高群众就医获得感，经省政府同意，现就有关事项通知如下：",
    "一、总体要求",
    "坚持以人民健康为中心，坚持保基本、强基层、建机制，推动优质医疗资源下沉，到2022年底，基层医疗卫生机构服务能力明显提升。",
    "二、重点任务",
    "（一）加强人才队伍建设。各地要落实基层医疗卫生机构人员编制，完善招聘引进机制，鼓励医学毕业生到基层工作。",
    "（二）改善基础设施条件。各地要加大投入力度，推进乡镇卫生院和社区卫生服务中心标准化建设。",
    "三、保障措施",
    "各地各有关部门要加强组织领导，明确责任分工，确保各项任务落到实处。",
)


def policy_page(title: str, number: str = "", issuer: str = "", date: str = "", body=BODY) -> str:
    """A government policy page: navigation, title, 文号, addressee, body, 落款, footer."""
    lines = [f"<p>{x}</p>" for x in (number, "各市、县人民政府，省政府直属各单位：", *body, issuer, date) if x]
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>' + title + "</title></head>\n"
        '<body><div class="nav"><a href="/">首页</a> &gt; <a href="/zc/">政策文件</a></div>\n'
        '<div class="article"><h1>' + title + "</h1>\n" + "\n".join(lines) + "\n</div>\n"
        '<div class="footer">版权所有 浙ICP备12345678号</div></body></html>\n'
    )


def policy_text(title: str, number: str = "", issuer: str = "", date: str = "", body=BODY) -> str:
    """The same document as a plain-text page (how some sites and hand copies deliver it)."""
    return "\n".join(x for x in (title, number, "各市、县人民政府，省政府直属各单位：", *body, issuer, date) if x) + "\n"


PAGE_A = policy_page("浙江省人民政府办公厅关于加强基层医疗卫生服务的通知", "浙政办发〔2020〕12号", "浙江省人民政府办公厅", "2020年3月5日")
PAGE_B = policy_page("浙江省卫生健康委员会关于做好家庭医生签约服务的通知", "浙卫发〔2021〕7号", "浙江省卫生健康委员会", "2021年4月9日")
# A policy page that states neither 文号, 发文机关 nor a date.
PAGE_BARE = policy_page("杭州市推进社区卫生服务中心建设实施方案")


def make_project(tmp: Path, pages: dict[str, str | bytes] | None = None, sidecars: dict[str, str] | None = None) -> Path:
    """tmp/proj with sources/ holding ``pages`` (+ sidecars) and docs/ freshly built from them."""
    root = tmp / "proj"
    (root / "sources").mkdir(parents=True)
    for name, content in (pages if pages is not None else {"a.html": PAGE_A, "b.html": PAGE_B}).items():
        data = content.encode("utf-8") if isinstance(content, str) else content
        (root / "sources" / name).write_bytes(data)
    for name, text in (sidecars or {}).items():
        (root / "sources" / name).write_text(text, encoding="utf-8")
    rebuild(root)
    return root


def rebuild(root: Path) -> pipeline.Result:
    return pipeline.build(root / "sources", root / "docs", root)


def run_cli(*argv: str) -> tuple[int, str]:
    """``python -m converter ARGV`` in-process: exit status and what it printed."""
    import contextlib

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = cli_main(list(argv))
    return code, out.getvalue()
