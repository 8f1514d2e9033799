"""No import cycles among Heredity's modules, and every module imports on its own.

A cycle hidden in a function-level import still couples two modules both ways; the graph here
counts imports made at module level and inside functions (not those under ``TYPE_CHECKING``,
which never run). Function-level imports of other libraries (torch, transformers, inspect_ai,
deferred for start-up time) are not Heredity modules and are not counted.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src"


def _modules() -> dict[str, Path]:
    out: dict[str, Path] = {}
    for path in sorted((SRC / "heredity").rglob("*.py")):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


MODULES = _modules()


def _target(node: ast.ImportFrom, module: str, package: bool) -> str:
    if node.level == 0:
        return node.module or ""
    base = module.split(".") if package else module.split(".")[:-1]
    if node.level > 1:
        base = base[: -(node.level - 1)]
    return ".".join([*base, *([node.module] if node.module else [])])


def _imports(module: str, path: Path, *, in_functions: bool) -> set[str]:
    """The Heredity modules ``module`` imports (at module level, or anywhere it runs)."""
    package = path.name == "__init__.py"
    found: set[str] = set()

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                for other in child.orelse:
                    visit_node(other, in_function)
                continue
            visit_node(child, in_function)

    def visit_node(child: ast.AST, in_function: bool) -> None:
        inner = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
        if in_functions or not inner:
            if isinstance(child, ast.Import):
                found.update(a.name for a in child.names if a.name.startswith("heredity"))
            elif isinstance(child, ast.ImportFrom):
                target = _target(child, module, package)
                if target.startswith("heredity"):
                    for alias in child.names:
                        sub = f"{target}.{alias.name}"
                        found.add(sub if sub in MODULES else target)
        visit(child, inner)

    visit(ast.parse(path.read_text(encoding="utf-8")), False)
    return {m for m in found if m in MODULES and m != module}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def strong(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            strong(v)
    return out


@pytest.mark.parametrize("in_functions", [False, True], ids=["module-level", "with-functions"])
def test_no_import_cycles(in_functions: bool) -> None:
    graph = {m: _imports(m, p, in_functions=in_functions) for m, p in MODULES.items()}
    assert _cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_every_module_imports_in_a_fresh_interpreter() -> None:
    script = (
        "import importlib, sys\n"
        "failed = []\n"
        "for name in sys.argv[1:]:\n"
        "    try:\n"
        "        importlib.import_module(name)\n"
        "    except Exception as exc:\n"
        "        failed.append(f'{name}: {type(exc).__name__}: {exc}')\n"
        "print('\\n'.join(failed))\n"
        "sys.exit(1 if failed else 0)\n"
    )
    # __main__ runs the CLI; the migration scripts run inside Alembic only.
    importable = sorted(m for m in MODULES if not m.endswith("__main__") and ".migrations" not in m)
    done = subprocess.run(
        [sys.executable, "-c", script, *importable],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
