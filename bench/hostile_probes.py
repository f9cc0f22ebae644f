"""Issue 14 probes (items 4, 7, 9, 10, 11, 14): each one a hostile input or an unlucky operator's
action, run against a checkout, with what came of it and how long it took.

    .venv/bin/python bench/hostile_probes.py [CHECKOUT]    # default: this checkout

Run it once against a checkout of main and once against this one for the before/after table.
Every probe runs in its own process with a time cap, so a probe that hangs on old code is
reported as "still running at N s" instead of holding the run up. Servers are on 127.0.0.1.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

CODE = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parents[1]).resolve()
WORK = Path(tempfile.mkdtemp(prefix="hostile-probes-"))
CAP = float(os.environ.get("PROBE_CAP", "60"))

# A tiny 127.0.0.1 server for the scraper probes: routes by path.
SERVER = textwrap.dedent("""
    import threading, time, email.utils
    from http.server import ThreadingHTTPServer, BaseHTTPRequestHandler
    hits = {}
    class H(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.0"
        def log_message(self, *a): pass
        def send(self, status, body=b"", **headers):
            self.send_response(status)
            for k, v in headers.items(): self.send_header(k.replace("_", "-"), v)
            self.send_header("Content-Length", str(len(body))); self.end_headers(); self.wfile.write(body)
        def do_GET(self):
            n = hits[self.path] = hits.get(self.path, 0) + 1
            try:
                if self.path == "/robots.txt": return self.send(404)
                if self.path == "/slow-headers":
                    self.wfile.write(b"HTTP/1.0 200 OK\\r\\n")
                    for _ in range(600): self.wfile.write(b"X"); self.wfile.flush(); time.sleep(1)
                if self.path == "/slow-body":
                    self.wfile.write(b"HTTP/1.0 200 OK\\r\\nContent-Length: 100000\\r\\n\\r\\n")
                    for _ in range(100000): self.wfile.write(b"x"); self.wfile.flush(); time.sleep(1)
                if self.path == "/busy":
                    return self.send(429, Retry_After="2") if n == 1 else self.send(200, b"<html><body>ok</body></html>", Content_Type="text/html")
                if self.path == "/go": return self.send(302, Location=f"http://127.0.0.1:{PORT}/secret")
                if self.path == "/secret": return self.send(200, b"<html><body>internal</body></html>", Content_Type="text/html")
                self.send(200, b"<html><body>ok</body></html>", Content_Type="text/html")
            except (BrokenPipeError, ConnectionResetError): pass
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), H); httpd.daemon_threads = True
    PORT = httpd.server_address[1]
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
""")

NESTED = "<html><head><title>关于测试的通知</title></head><body>{open}<p>关于测试的通知</p><p>一、总体要求。各地区要认真贯彻落实。</p>{close}</body></html>"

STALLED_BUILD = textwrap.dedent("""
    import sys, time
    from converter import pipeline
    real = pipeline.clean
    pipeline.clean = lambda raw: (time.sleep(120) if raw.path.name == "stalled.txt" else None, real(raw))[1]
    from converter.cli import main
    sys.exit(main(sys.argv[1:]))
""")

FAKE_INDEXER = textwrap.dedent("""
    import sys
    from converter.search import index as search
    search.pagefind_command = lambda site, output=None: [sys.executable, "-c", "import time; time.sleep(300)"]
    sys.exit(search.main(sys.argv[1:]))
""")


def run(args: list[str], cap: float = CAP) -> tuple[str, float]:
    """(last line of output or 'still running at N s', seconds)."""
    env = {**os.environ, "PYTHONPATH": str(CODE)}
    started = time.monotonic()
    proc = subprocess.Popen(args, cwd=CODE, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)
    try:
        out, _ = proc.communicate(timeout=cap)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        return f"still running at {cap:g} s (killed)", time.monotonic() - started
    lines = [line for line in out.strip().splitlines() if line.strip()]
    return (lines[-1] if lines else f"rc {proc.returncode}")[:150] + f" [rc {proc.returncode}]", time.monotonic() - started


def py(code: str, cap: float = CAP) -> tuple[str, float]:
    return run([sys.executable, "-c", code], cap)


def nested(n: int) -> tuple[str, float]:
    path = WORK / f"nested-{n}.html"
    path.write_text(NESTED.format(open="<div>" * n, close="</div>" * n), encoding="utf-8")
    return run([sys.executable, "-m", "converter", "convert", str(path), "--out", str(WORK / f"out-{n}")])


def stalled_source() -> tuple[str, float]:
    src = WORK / "stalled-src"
    src.mkdir()
    for p in sorted((CODE / "sources").glob("*.txt")):
        (src / p.name).write_bytes(p.read_bytes())
    (src / "stalled.txt").write_bytes(min((CODE / "sources").glob("*.txt")).read_bytes())
    budget = ["--time-budget", "3"] if "--time-budget" in _help() else []
    return run([sys.executable, "-c", STALLED_BUILD, "build", "-j", "2", "--no-cache", *budget, "--sources", str(src),
                "--out", str(WORK / "stalled-docs")])


def _help() -> str:
    env = {**os.environ, "PYTHONPATH": str(CODE)}
    return subprocess.run([sys.executable, "-m", "converter", "build", "-h"], cwd=CODE, env=env, capture_output=True, text=True, check=False).stdout


def _children(pid: int) -> set[int]:
    out = set()
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                out.add(int(entry.name))
        except OSError:
            pass
    return out


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] not in "ZX"
    except OSError:
        return False


def killed(script: str, args: list[str], sig: signal.Signals, want: int) -> tuple[str, float]:
    """Start, wait for ``want`` children, kill the parent with ``sig``: children alive 5 s later."""
    env = {**os.environ, "PYTHONPATH": str(CODE)}
    proc = subprocess.Popen([sys.executable, "-c", script, *args], cwd=CODE, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 30
    while len(_children(proc.pid)) < want and time.monotonic() < deadline:
        time.sleep(0.1)
    children = _children(proc.pid)
    time.sleep(0.5)
    started = time.monotonic()
    proc.send_signal(sig)
    try:
        proc.wait(timeout=10)
        parent = "parent ended"
    except subprocess.TimeoutExpired:
        parent = "parent still running at 10 s"
    while any(_alive(p) for p in children) and time.monotonic() - started < 5:
        time.sleep(0.1)
    survivors = [p for p in children if _alive(p)]
    for p in [proc.pid, *children]:
        try:
            os.kill(p, signal.SIGKILL)
        except ProcessLookupError:
            pass
    proc.wait()
    return f"{parent}; {len(survivors)} of {len(children)} children alive 5 s after", time.monotonic() - started


def scraper(body: str, cap: float = CAP) -> tuple[str, float]:
    return py(SERVER + textwrap.dedent(body), cap)


def main() -> None:
    src = WORK / "build-src"
    src.mkdir()
    for p in sorted((CODE / "sources").glob("*.txt")):
        (src / p.name).write_bytes(p.read_bytes())
    build = ["build", "-j", "2", "--no-cache", "--sources", str(src), "--out", str(WORK / "killed-docs")]
    slow_build = STALLED_BUILD.replace('if raw.path.name == "stalled.txt" else None', "")
    has_deadline = "--deadline" in subprocess.run(
        [sys.executable, "-m", "scraper", "fetch", "-h"], cwd=CODE, env={**os.environ, "PYTHONPATH": str(CODE)},
        capture_output=True, text=True, check=False).stdout
    deadline = "--deadline 5" if has_deadline else ""
    probes = {
        "4 convert 50,000 nested <div>": lambda: nested(50_000),
        "4 convert 200,000 nested <div>": lambda: nested(200_000),
        "4 build -j 2, one source stalls 120 s (budget 3 s if any)": stalled_source,
        **{f"7 build -j 2 killed by {s.name}": (lambda s=s: killed(slow_build, build, s, 2))
           for s in (signal.SIGTERM, signal.SIGKILL, signal.SIGINT)},
        **{f"7 converter.search.index killed by {s.name}": (lambda s=s: killed(FAKE_INDEXER, [str(WORK)], s, 1))
           for s in (signal.SIGTERM, signal.SIGKILL)},
        f"9 headers at 1 byte/s ({deadline or 'defaults'})": lambda: scraper(f"""
            import sys; from scraper.cli import main
            sys.exit(main(["fetch", f"http://127.0.0.1:{{PORT}}/slow-headers", "--out", "{WORK / 's9'}", "--delay", "0", *"{deadline}".split()]))
        """),
        f"9 body at 1 byte/s ({deadline or 'defaults'})": lambda: scraper(f"""
            import sys; from scraper.cli import main
            sys.exit(main(["fetch", f"http://127.0.0.1:{{PORT}}/slow-body", "--out", "{WORK / 's9b'}", "--delay", "0", *"{deadline}".split()]))
        """),
        "10 429 Retry-After: 2, then 200": lambda: scraper(f"""
            import sys; from scraper.cli import main
            sys.exit(main(["fetch", f"http://127.0.0.1:{{PORT}}/busy", "--out", "{WORK / 's10'}", "--delay", "0"]))
        """),
        "11 public start redirects to 127.0.0.1/secret": lambda: scraper("""
            from scraper.fetch import Fetcher, FetchError, FetchOptions
            import scraper.fetch
            kw = {}  # old code has no policy: the start URL's class cannot even be told
            if hasattr(scraper.fetch, "AddressPolicy"):
                kw = {"address_policy": scraper.fetch.AddressPolicy(start_is_private=False)}
            try:
                with Fetcher(FetchOptions(delay=0), **kw) as f:
                    r = f.get(f"http://127.0.0.1:{PORT}/go")
                print("followed:", r.final_url, r.content[:40], "secret hits", hits.get("/secret", 0))
            except FetchError as e:
                print("refused:", e.reason[:90], "| secret hits", hits.get("/secret", 0))
        """),
        "14 feed summary / foreign-host attachment": lambda: py(textwrap.dedent("""
            from converter.render import feed, page as render
            from converter.model import Block, CleaningRecord, PolicyDocument, SourceInfo
            d = PolicyDocument(slug="a", title="t", doc_number="国发<b>1</b>号", issuers=[], written_date="2020-01-01",
                publish_date=None, region=None, level=None, doc_type=None,
                source=SourceInfo(file="a", url="https://www.gov.cn/a.htm"), cites=[], record=CleaningRecord(),
                blocks=[Block("attachment", "附件.pdf", href="http://evil.example/x.pdf")])
            summary = next(l for l in feed.atom([d], "policies").splitlines() if "<summary" in l).strip()
            link = next(l for l in render.render(d).splitlines() if l.startswith("- 附件"))
            print(summary[:60], "|", link)
        """)),
    }
    print(f"checkout: {CODE}")
    print("| probe | result | seconds |")
    print("| --- | --- | --- |")
    for name, probe in probes.items():
        result, seconds = probe()
        print(f"| {name} | {result.replace('|', '/')} | {seconds:.1f} |", flush=True)


if __name__ == "__main__":
    main()
