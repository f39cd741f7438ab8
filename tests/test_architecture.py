"""The layout keeps its promises: no import cycles, private modules stay in their subpackage,
front-end libraries only in their front end, modules of a readable size (issue 12)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "generator"

#: Third-party front-end libraries and the one subpackage allowed to import each.
FRONT_END_LIBRARIES = {"click": "cli", "flask": "web", "waitress": "web"}

#: Longest module, in lines; a module past it holds more than one concept.
MAX_LINES = 450


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(["beredskab", *parts])] = path
    return found


MODULES = _modules()


def _imports(name: str, path: Path) -> tuple[set[str], set[str]]:
    """(beredskab modules imported, top-level third-party names imported) by one module."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    inside, outside = set(), set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
            target = ".".join(base + ([node.module] if node.module else []))
            submodules = {f"{target}.{a.name}" for a in node.names} & MODULES.keys()
            # `from . import dates` needs the submodule; its package is imported anyway
            inside |= submodules if len(submodules) == len(node.names) else {target} & MODULES.keys() | submodules
        elif isinstance(node, ast.ImportFrom) and node.module:
            outside.add(node.module.split(".")[0])
        elif isinstance(node, ast.Import):
            outside |= {a.name.split(".")[0] for a in node.names}
    return inside, outside


GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}


def _cycles() -> list[list[str]]:
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in GRAPH[node][0]:
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                other = stack.pop()
                component.append(other)
                if other == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in GRAPH:
        if node not in index:
            visit(node)
    return found


def test_architecture_has_no_import_cycles():
    assert _cycles() == []


def test_architecture_private_modules_are_imported_only_inside_their_subpackage():
    wrong = []
    for name, (inside, _) in GRAPH.items():
        here = name if MODULES[name].name == "__init__.py" else name.rsplit(".", 1)[0]
        for target in inside - {"beredskab"}:
            parent, leaf = target.rsplit(".", 1)
            if leaf.startswith("_") and not leaf.startswith("__") and parent != here:
                wrong.append(f"{name} -> {target}")
    assert wrong == []


@pytest.mark.parametrize("library, allowed", FRONT_END_LIBRARIES.items())
def test_architecture_front_end_libraries_stay_in_their_front_end(library, allowed):
    wrong = [name for name, (_, outside) in GRAPH.items()
             if library in outside and not name.startswith(f"beredskab.{allowed}")]
    assert wrong == []


def test_architecture_scripts_and_bench_use_no_private_module():
    root = PACKAGE.parent
    wrong = []
    for path in [*root.joinpath("scripts").glob("*.py"), *root.joinpath("bench").glob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("beredskab"):
                names = node.module.split(".") + [a.name for a in node.names]
            elif isinstance(node, ast.Import):
                names = [part for a in node.names if a.name.startswith("beredskab") for part in a.name.split(".")]
            wrong += [f"{path.name}: {n}" for n in names if n.startswith("_") and not n.startswith("__")]
    assert wrong == []


def test_architecture_no_module_is_too_long():
    long = {name: n for name, path in MODULES.items()
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}


def test_architecture_the_readme_module_map_names_every_module():
    """The README's table of folders names each module of its folder (issue 12: the map matches)."""
    readme = (PACKAGE.parent / "README.md").read_text(encoding="utf-8")
    rows = {line.split("|")[1].strip().strip("`"): line for line in readme.splitlines()
            if line.startswith("| `generator/")}
    missing = []
    for name, path in MODULES.items():
        parts = name.split(".")[1:]
        if parts in ([], ["__main__"], ["engine"]) or path.name == "__init__.py":
            continue
        row = rows.get(f"generator/{parts[0]}/") if len(parts) > 1 else rows.get("generator/engine.py")
        if row is None or f"`{parts[-1]}`" not in row and f"{parts[-1]}`" not in row:
            missing.append(name)
    assert missing == []
