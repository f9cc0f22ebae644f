"""MkDocs hook: the 404 page works under any sub-path when SITE_URL is unset.

GitHub Pages serves 404.html at whatever address was asked for. MkDocs writes its links from
the site's path, which without ``site_url`` is "/": served under a sub-path
(https://OWNER.github.io/REPO/), the page would load no style sheet. Without ``site_url`` the
page's links are made relative, and a script at the top of <head> finds the site's root at
run time and sets <base> to it: the path up to the first of the site's own top-level names
(policies/, assets/…), else the deepest folder of the address that holds this 404.html. With
``site_url`` MkDocs' absolute links are right and the page is left alone. Standard library only.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

_ROOTED = re.compile(r'(\s(?:href|src)=")/(?!/)')
_SCOPE = 'new URL("/",location)'
_CONFIG_BASE = '"base":"/"'

_SCRIPT = """<script>(function(){var known=%s,s=location.pathname.split("/").filter(Boolean),root=null,i,n;
for(i=0;i<s.length&&root===null;i++)if(known.indexOf(s[i])>=0)root=s.slice(0,i);
for(n=s.length-1;n>=0&&root===null;n--){var p="/"+s.slice(0,n).join("/")+(n?"/":"");
try{var x=new XMLHttpRequest();x.open("HEAD",p+"404.html",false);x.send();if(x.status===200)root=s.slice(0,n);}catch(e){}}
root=root||[];window.__policy_root="/"+root.join("/")+(root.length?"/":"");
document.write('<base href="'+window.__policy_root+'">');})();</script>"""
# Material reads its base from the __config element when its bundle runs (end of <body>).
_CONFIG_FIX = """<script>(function(){var c=document.getElementById("__config");
if(c){var v=JSON.parse(c.textContent);v.base=window.__policy_root;
if(v.search&&v.search.charAt(0)==="/")v.search=window.__policy_root+v.search.slice(1);
c.textContent=JSON.stringify(v);}})();</script>"""


def relative_404(page: str, known: list[str]) -> str:
    """The 404 page with links relative to a <base> its first script sets at run time."""
    page = _ROOTED.sub(r"\1", page)
    page = page.replace(_SCOPE, "new URL(window.__policy_root,location)")
    script = _SCRIPT % json.dumps(known)
    # After <meta charset> (which must come in the first 1024 bytes), before any link.
    anchor = re.search(r"<meta charset=[^>]*>", page) or re.search(r"<head[^>]*>", page)
    if anchor:
        page = page[: anchor.end()] + script + page[anchor.end():]
    # Before Material's bundle (the first external script after the __config element).
    at = page.find("<script", page.find('id="__config"') + 1) if 'id="__config"' in page else -1
    return page[:at] + _CONFIG_FIX + page[at:] if at >= 0 else page


def on_post_build(config: Any) -> None:
    site = Path(config.site_dir)
    page = site / "404.html"
    # A shard's build (hooks/shards.py) sees only its part of the site: converter/publish/builder.py
    # fixes the page up over the merged site instead.
    if config.site_url or not page.is_file() or os.environ.get("POLICY_SHARD"):
        return
    known = sorted(p.name for p in site.iterdir() if p.name != "404.html")
    page.write_text(relative_404(page.read_text(encoding="utf-8"), known), encoding="utf-8")
