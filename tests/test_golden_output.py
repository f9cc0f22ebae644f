"""The Markdown a build writes, byte for byte: for the bundled samples (sources/) and the
reference corpus (../shared/corpus/raw), every file's SHA-256 is recorded in
tests/golden/build.sha256. A refactoring (moving modules, splitting functions, typing values)
must leave every byte as it was; a change meant to alter the output records new digests with

    .venv/bin/python -m tests.test_golden_output --update

and the diff of build.sha256 then shows which pages changed. contributing.md is CONTRIBUTING.md
copied, not conversion output, and is left out."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tests.support import ROOT

GOLDEN = ROOT / "tests" / "golden" / "build.sha256"
SETS = {"sources": ROOT / "sources", "corpus": ROOT.parent / "shared" / "corpus" / "raw"}
SKIP = ("contributing.md",)


def _recorded() -> tuple[str, dict[str, dict[str, str]]]:
    as_of, sets = "", {}
    for line in GOLDEN.read_text(encoding="utf-8").splitlines():
        if line.startswith("# as-of "):
            as_of = line.split()[-1]
        elif line and not line.startswith("#"):
            digest, name = line.split("  ", 1)
            group, _, rel = name.partition("/")
            sets.setdefault(group, {})[rel] = digest
    return as_of, sets


def build_digests(sources: Path, as_of: str) -> dict[str, str]:
    """Every file ``converter build`` writes for ``sources`` (no cache), by SHA-256, plus its exit status."""
    with tempfile.TemporaryDirectory(prefix="golden-") as tmp:
        out = Path(tmp) / "docs"
        cmd = [sys.executable, "-m", "converter", "build", "--sources", str(sources), "--out", str(out),
               "--no-cache", "--cache", str(Path(tmp) / "cache"), "--as-of", as_of]
        proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
        digests = {".exit": str(proc.returncode)}
        for path in sorted(out.rglob("*")):
            rel = path.relative_to(out).as_posix()
            if path.is_file() and rel not in SKIP:
                digests[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return digests


@pytest.mark.parametrize("name", sorted(SETS))
def test_a_build_writes_the_recorded_bytes(name):
    as_of, recorded = _recorded()
    if not SETS[name].is_dir():
        pytest.skip(f"{SETS[name]} is missing")
    assert name in recorded, f"no digests for {name} in {GOLDEN.relative_to(ROOT)}"
    got = build_digests(SETS[name], as_of)
    changed = sorted(k for k in set(got) | set(recorded[name]) if got.get(k) != recorded[name].get(k))
    assert not changed, f"{len(changed)} files differ from {GOLDEN.relative_to(ROOT)}: {changed[:10]}"


def test_the_golden_file_covers_every_set_with_pages():
    as_of, recorded = _recorded()
    assert as_of
    for name in SETS:
        assert any(rel.startswith("policies/") for rel in recorded.get(name, {})), name


def update(as_of: str | None = None) -> None:
    as_of = as_of or (ROOT / "status-as-of").read_text(encoding="utf-8").strip()
    lines = [f"# as-of {as_of}", "# written by: python -m tests.test_golden_output --update"]
    for name, sources in sorted(SETS.items()):
        if not sources.is_dir():
            raise SystemExit(f"{sources} is missing: the golden file needs every set")
        lines += [f"{digest}  {name}/{rel}" for rel, digest in sorted(build_digests(sources, as_of).items())]
    GOLDEN.parent.mkdir(parents=True, exist_ok=True)
    GOLDEN.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{GOLDEN.relative_to(ROOT)}: {len(lines) - 2} files")


if __name__ == "__main__":
    if sys.argv[1:2] != ["--update"]:
        raise SystemExit("usage: python -m tests.test_golden_output --update")
    update()
