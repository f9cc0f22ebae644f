"""Issue 14 probes (items 1, 2, 3, 5, 6, 8, 12, 13): hostile files in sources/, damaged caches,
two builds at once, an `add` killed half-way, against a checkout, with what came of it.

    .venv/bin/python bench/hostile_sources.py [CHECKOUT]    # default: this checkout

Run it against a checkout of main and against this one for the before/after table. Each probe
works on a copy of the checkout's sources/ and docs/ in a temporary folder, in its own process
with a time cap and a 3 GB address-space cap (an alias bomb fails there instead of swapping).
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CODE = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parents[1]).resolve()
TMP = Path(tempfile.mkdtemp(prefix="hostile-sources-"))
W = TMP / "project"
CAP = float(os.environ.get("PROBE_CAP", "120"))
BOMB = (
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    + "".join(f"{y}: &{y} [{','.join(['*' + x] * 9)}]\n" for x, y in zip("abcdefgh", "bcdefghi"))
    + "overrides: {title: *i}\n"
)


def fresh() -> Path:
    shutil.rmtree(W, ignore_errors=True)
    shutil.copytree(CODE, W, ignore=shutil.ignore_patterns(".cache", "site", "tests", "bench", ".git", ".venv", "*.egg-info"))
    return W


def run(*argv: str, cap: float = CAP) -> tuple[object, str, float]:
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))

    start = time.perf_counter()
    try:
        p = subprocess.run([sys.executable, *argv], cwd=W, capture_output=True, text=True, timeout=cap, preexec_fn=limit,
                           env={**os.environ, "PYTHONPATH": str(W)}, check=False)
        rc, out = p.returncode, p.stdout + p.stderr
    except subprocess.TimeoutExpired:
        rc, out = f"still running at {cap:.0f} s", ""
    return rc, out, time.perf_counter() - start


def converter(*argv: str, cap: float = CAP) -> tuple[object, str, float]:
    return run("-m", "converter", *argv, cap=cap)


def crash(out: str) -> str:
    return " (traceback)" if "Traceback" in out or "MemoryError" in out else ""


def sidecar() -> Path:
    return next(W.glob("sources/000*.meta.yml"))


def row(probe: str, result: str) -> None:
    print(f"| {probe} | {result} |", flush=True)


def symlink() -> None:
    fresh()
    secret = TMP / "secret.txt"
    secret.write_text("关于机密事项的通知\n口令 hunter2\n国务院办公厅\n2020年1月1日\n", encoding="utf-8")
    (W / "sources" / "leak.txt").symlink_to(secret)
    rc, _, _ = converter("build")
    leaked = any("hunter2" in p.read_text(errors="replace") for p in (W / "docs").rglob("*") if p.is_file())
    rc2, _, _ = converter("check")
    row("1 `sources/leak.txt` → a file outside: build rc, secret in docs/, check rc", f"{rc}, {leaked}, {rc2}")


def alias_bomb() -> None:
    fresh()
    sidecar().write_text(BOMB, encoding="utf-8")
    rc, out, t = converter("build", "--no-cache")
    row(f"2 alias bomb sidecar ({len(BOMB)} B): build", f"rc {rc}{crash(out)}, {t:.1f} s")
    rc, out, t = converter("check")
    row("2 alias bomb sidecar: check", f"rc {rc}{crash(out)}, {t:.1f} s")
    fresh()
    sidecar().write_text("notes: " + "[" * 100_000 + "]" * 100_000 + "\n", encoding="utf-8")
    rc, out, t = converter("build", "--no-cache")
    row("2 sidecar nested 100,000 deep: build", f"rc {rc}{' (segfault)' if rc == -11 else ''}{crash(out)}, {t:.1f} s")


def wrong_types() -> None:
    for text in ("overrides: {region: 123}", "overrides: {doc_type: [a]}", "overrides: {topics: [[1,2]]}", "overrides: {level: {x: 1}}", "overrides: {written_date: 2017-13-45}"):
        fresh()
        sidecar().write_text(sidecar().read_text(encoding="utf-8") + text + "\n", encoding="utf-8")
        for page in (W / "docs" / "policies").glob("00[1-4]*.md"):
            page.unlink()
        rc, out, _ = converter("build", "--no-cache")
        others = len(list((W / "docs" / "policies").glob("00[1-4]*.md")))
        rc2, out2, _ = converter("check")
        row(f"3 `{text}`: build rc, other sources' pages written, check rc", f"{rc}{crash(out)}, {others} of 4, {rc2}{crash(out2)}")


def damaged_cache() -> None:
    fresh()
    converter("build")
    store = W / ".cache" / "converter"
    entries = [p for p in store.rglob("*") if p.is_file() and p.parent != store]
    entry = next(p for p in entries if "疫情".encode() in p.read_bytes())
    entry.write_bytes(entry.read_bytes().replace("疫情".encode(), "疫皅".encode(), 1))
    for pages in store.glob("pages.*"):
        pages.unlink()
    rc, _, _ = converter("build")
    bad = any("疫皅" in p.read_text(encoding="utf-8") for p in (W / "docs").rglob("*.md"))
    row("5 one character changed inside a cache entry: build rc, changed text in docs/", f"{rc}, {bad}")
    import pickle

    entry.write_bytes(pickle.dumps(42) if entry.suffix == ".pickle" else b'{"format": 2}\n42')
    rc, out, _ = converter("build")
    row("5 cache entry of the wrong shape (42): build rc", f"{rc}{crash(out)}")


def two_builds(rounds: int = 10) -> None:
    fresh()
    converter("build")
    crashed = busy = 0
    env = {**os.environ, "PYTHONPATH": str(W)}
    for _ in range(rounds):
        procs = [subprocess.Popen([sys.executable, "-m", "converter", "build", "--no-cache"], cwd=W, env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True) for _ in range(2)]
        for p in procs:
            err = p.communicate()[1]
            crashed += "Traceback" in err
            busy += "another build is running" in err
    row(f"6 two builds at once, {rounds} times: builds crashed, told 'another build is running'", f"{crashed}, {busy}")


KILL_ADD = """
import os, sys
from pathlib import Path
from scraper import store
from converter.tools import add
real, calls = store.write_atomic, []
def write(path, data):
    calls.append(path)
    if len(calls) == 2:
        os._exit(9)  # killed between the first file of the pair and the second
    real(path, data)
store.write_atomic = write
add.add_file(Path(sys.argv[1]), Path("sources"), Path("."), "http://www.example.gov.cn/a.html")
"""


def killed_add() -> None:
    fresh()
    page = TMP / "saved.html"
    page.write_bytes(next(W.glob("sources/001*.txt")).read_bytes().replace("。".encode(), "；".encode(), 1))
    run("-c", KILL_ADD, str(page))
    rc, out, _ = converter("add", "--file", str(page), "--url", "http://www.example.gov.cn/a.html")
    sidecars = [p for p in (W / "sources").glob("*.meta.yml") if "www.example.gov.cn/a.html" in p.read_text(encoding="utf-8")]
    temps = list((W / "sources").glob(".*tmp"))
    row("8 `add --file --url` killed between page and sidecar, then run again: URL recorded, .tmp left", f"{bool(sidecars)} ({out.splitlines()[0] if out else rc}), {len(temps)}")


def sizes() -> None:
    fresh()
    sidecar().write_text("overrides:\n  title: " + "标" * 2_000_000 + "\n", encoding="utf-8")
    rc, out, t = converter("build", "--no-cache")
    row("12 6 MB title in a sidecar: build", f"rc {rc}{crash(out)}, {t:.1f} s")
    fresh()
    sidecar().write_text("".join(f"k{i}: {i}\n" for i in range(100_000)), encoding="utf-8")
    rc, out, t = converter("check")
    row("12 100,000 unknown keys in a sidecar: check", f"rc {rc}{crash(out)}, {t:.1f} s, {len(out.splitlines())} lines")


def odd_name() -> None:
    fresh()
    (W / "sources" / "bad\nname.html").write_bytes(b"")
    _, out, _ = converter("check")
    lines = [line for line in out.splitlines() if "name.html" in line or line.endswith("bad")]
    row("13 file name with a newline: check's lines naming it", " / ".join(f"`{line}`" for line in lines))


def main() -> None:
    print(f"checkout: {CODE}\n\n| probe | result |\n| --- | --- |")
    try:
        for probe in (symlink, alias_bomb, wrong_types, damaged_cache, two_builds, killed_add, sizes, odd_name):
            probe()
    finally:
        shutil.rmtree(TMP, ignore_errors=True)


if __name__ == "__main__":
    main()
