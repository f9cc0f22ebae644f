"""The layout stays the map: no import cycle between modules or between stage packages, no
function over 80 lines, no module named after a standard-library one, hooks MkDocs can load by
path. Measured from the source with ast, so a violation names the file and line."""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import yaml

from tests.support import ROOT

PACKAGES = ("converter", "scraper")
MAX_FUNCTION_LINES = 80
# Top-level modules a hook may import: loaded by path, a hook has no package to import from.
HOOK_IMPORTS = set(sys.stdlib_module_names) | {"yaml", "mkdocs"}


def _modules() -> dict[str, Path]:
    out = {}
    for pkg in PACKAGES:
        for path in sorted((ROOT / pkg).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            out[".".join(parts)] = path
    return out


def _type_checking_only(tree: ast.AST) -> set[int]:
    skip = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skip.update(id(n) for n in ast.walk(node))
    return skip


def _imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """Modules of this project that ``name`` imports, at module level or inside a function
    (a lazy import is still a dependency); imports for type checking only do not count."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _type_checking_only(tree)
    is_pkg = path.name == "__init__.py"
    out = set()
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".") if is_pkg else name.split(".")[:-1]
                base = base[: len(base) - node.level + 1]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            targets = [f"{mod}.{a.name}" for a in node.names] + [mod]
        else:
            continue
        for t in targets:
            # The longest project module the name starts with (a symbol's module, or the module).
            while t and t not in modules:
                t = t.rpartition(".")[0]
            if t and t != name and t not in PACKAGES:
                out.add(t)
    return out


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: _imports(name, path, modules) for name, path in modules.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one member (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                comp = []
                while True:
                    top = stack.pop()
                    on_stack.discard(top)
                    comp.append(top)
                    if top == node:
                        break
                if len(comp) > 1:
                    out.append(sorted(comp))
    return out


def _stage(module: str) -> str:
    """converter.clean.steps -> converter.clean; top-level modules are their own unit."""
    parts = module.split(".")
    return ".".join(parts[:2])


def test_no_module_imports_itself_back_through_a_cycle():
    assert _cycles(_graph()) == []


def test_no_stage_package_imports_a_package_that_imports_it_back():
    graph = _graph()
    packages: dict[str, set[str]] = {}
    for mod, deps in graph.items():
        packages.setdefault(_stage(mod), set()).update(_stage(d) for d in deps if _stage(d) != _stage(mod))
    assert _cycles(packages) == []


def test_the_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_function_is_longer_than_80_lines():
    long = []
    for path in _modules().values():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                n = node.end_lineno - node.lineno + 1
                if n > MAX_FUNCTION_LINES:
                    long.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name} {n} lines")
    assert long == []


def test_no_module_or_package_is_named_after_a_standard_library_module():
    clashes = [m for m in _modules() if m.split(".")[-1] in sys.stdlib_module_names]
    assert clashes == []


def test_every_mkdocs_hook_is_a_file_in_the_hooks_package_importing_only_stdlib_yaml_mkdocs():
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    hooks = config.get("hooks", [])
    assert hooks
    for hook in hooks:
        path = ROOT / hook
        assert path.parent == ROOT / "converter" / "hooks", hook
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                assert node.level == 0, f"{hook}:{node.lineno}: relative import"
                names = [node.module or ""]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            else:
                continue
            for n in names:
                assert n.split(".")[0] in HOOK_IMPORTS, f"{hook}:{node.lineno}: imports {n}"


_NAMED_FILE = re.compile(r"converter/[A-Za-z_/]+\.(?:py|yml)")


def test_every_converter_file_named_in_code_data_and_docs_exists():
    texts = [p for p in (ROOT / "converter").rglob("*") if p.suffix in (".py", ".yml")]
    texts += [ROOT / "mkdocs.yml", ROOT / "README.md", ROOT / "CONTRIBUTING.md"]
    stale = [f"{p.relative_to(ROOT)}: {m}" for p in texts for m in _NAMED_FILE.findall(p.read_text(encoding="utf-8"))
             if not (ROOT / m).exists()]
    assert stale == []


def test_a_hook_that_says_which_hook_runs_before_it_names_the_one_mkdocs_yml_lists_before_it():
    hooks = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)["hooks"]
    for hook in hooks:
        said = re.search(r"Runs after (\S+)", (ROOT / hook).read_text(encoding="utf-8"))
        if said:
            assert said.group(1) in hooks[: hooks.index(hook)], f"{hook} names {said.group(1)}"
