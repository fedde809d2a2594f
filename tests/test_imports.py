"""Imports run one way, down the stages: no module of ours imports, however indirectly or
late (inside a function), a module that imports it back."""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).parents[1]
PACKAGES = ("ingest", "queries", "app_pages", "samples", "bench")


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py") if (ROOT / package).is_dir() else ():
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


def _imports(path: Path, name: str, modules: dict[str, Path]) -> set[str]:
    """The project modules `path` imports, at the top or inside a function."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else []))
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                out.add(submodule if submodule in modules else base)
    return {module for module in out if module in modules and module != name}


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: _imports(path, name, modules) for name, path in modules.items()}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as a list of modules (first = last), or None."""
    state: dict[str, int] = {}            # 1 on the stack, 2 done
    stack: list[str] = []

    def visit(module: str) -> list[str] | None:
        state[module] = 1
        stack.append(module)
        for imported in sorted(graph[module]):
            if state.get(imported) == 1:
                return stack[stack.index(imported):] + [imported]
            if imported not in state:
                found = visit(imported)
                if found:
                    return found
        stack.pop()
        state[module] = 2
        return None

    for module in sorted(graph):
        if module not in state:
            found = visit(module)
            if found:
                return found
    return None


def test_no_module_imports_itself_back():
    assert _cycle(_graph()) is None, " -> ".join(_cycle(_graph()) or [])


def test_the_cycle_finder_finds_a_cycle():
    # The check above can fail: a graph with a loop through a late import is caught.
    graph = {"ingest.store": {"ingest.parquet"}, "ingest.parquet": {"ingest.schema", "ingest.store"},
             "ingest.schema": set()}
    cycle = _cycle(graph)
    assert cycle[0] == cycle[-1] and sorted(cycle[:-1]) == ["ingest.parquet", "ingest.store"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


def test_the_graph_sees_imports_inside_functions(tmp_path):
    late = tmp_path / "late.py"
    late.write_text("def f():\n    from ingest.store import connect\n    return connect\n", encoding="utf-8")
    assert _imports(late, "ingest.late", {"ingest.store": late, "ingest.late": late}) == {"ingest.store"}


def test_workers_and_the_driver_share_the_parse_module():
    graph = _graph()
    assert "ingest.parse" in graph["ingest.workers"] and "ingest.parse" in graph["ingest.pipeline"]
    assert "ingest.pipeline" not in graph["ingest.workers"]
    assert "ingest.store" not in graph["ingest.parquet"]
