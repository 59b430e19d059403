"""The code's floors import downward only, and no modules import each other in a circle:
knowledge (data, understanding, answers, domain rules) < db (tables, queries, edits, ledger) < handlers
(Telegram in, call, render, send) < bot (settings, wiring, CLI, jobs)."""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FLOORS = {"knowledge": 0, "db": 1, "handlers": 2, "bot": 3}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for floor in FLOORS for p in (ROOT / floor).rglob("*.py")}


def imports(name: str) -> set[str]:
    """Project modules `name` imports, at any level (a lazy import inside a function counts too)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(MODULES[name].read_text(encoding="utf-8"))):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            targets = [f"{node.module}.{a.name}" for a in node.names] + [node.module]
        for t in targets:
            while t and t not in MODULES:
                t = t.rpartition(".")[0]
            if t and t != name and t.split(".")[0] in FLOORS:
                found.add(t)
    return found


def test_no_module_imports_from_a_floor_above_its_own() -> None:
    upward = [f"{name} -> {target}" for name in sorted(MODULES) for target in sorted(imports(name))
              if FLOORS[target.split(".")[0]] > FLOORS[name.split(".")[0]]]
    assert not upward, "\n".join(upward)


def test_no_import_circle() -> None:
    graph = {name: imports(name) for name in MODULES}
    circles: list[list[str]] = []
    state: dict[str, int] = {}  # 1: on the path being walked, 2: done

    def walk(name: str, path: list[str]) -> None:
        state[name] = 1
        for nxt in sorted(graph[name]):
            if state.get(nxt) == 1:
                circles.append([*path[path.index(nxt):], nxt])
            elif nxt not in state:
                walk(nxt, [*path, nxt])
        state[name] = 2

    for name in sorted(graph):
        if name not in state:
            walk(name, [name])
    assert not circles, "\n".join(" -> ".join(c) for c in circles)
