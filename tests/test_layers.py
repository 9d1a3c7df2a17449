"""The domains import each other one way only: no import cycle between app's packages.

A cycle (the journal importing events, which journal their changes) makes every domain in
it depend on all the others, and shows in a partly initialised module at import time.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import app

APP = Path(app.__file__).parent


def _imported_modules(tree: ast.Module) -> Iterator[str]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "app":
                yield from (f"app.{alias.name}" for alias in node.names)
            else:
                yield node.module


def package_graph() -> dict[str, set[str]]:
    """For each package of app (``triage``, ``journal``, ...), the other packages it imports."""
    packages = {path.parent.name for path in APP.glob("*/__init__.py")}
    graph: dict[str, set[str]] = {package: set() for package in packages}
    for package in packages:
        for path in (APP / package).rglob("*.py"):
            for module in _imported_modules(ast.parse(path.read_text(), str(path))):
                parts = module.split(".")
                if parts[0] == "app" and len(parts) > 1 and parts[1] in packages:
                    graph[package].add(parts[1])
        graph[package].discard(package)
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """A cycle of the graph as a path that ends where it starts, or None."""
    done: set[str] = set()

    def visit(node: str, path: list[str]) -> list[str] | None:
        if node in path:
            return [*path[path.index(node) :], node]
        if node in done:
            return None
        for target in sorted(graph[node]):
            cycle = visit(target, [*path, node])
            if cycle:
                return cycle
        done.add(node)
        return None

    for node in sorted(graph):
        cycle = visit(node, [])
        if cycle:
            return cycle
    return None


def test_no_import_cycle_between_packages() -> None:
    graph = package_graph()
    assert {"events", "journal", "mentions", "replies", "triage"} <= set(graph)
    cycle = find_cycle(graph)
    assert cycle is None, "import cycle between packages: " + " → ".join(cycle or [])


def test_the_cycle_finder_finds_a_cycle() -> None:
    graph = {"events": {"journal"}, "journal": {"mentions"}, "mentions": {"events"}, "x": set()}
    assert find_cycle(graph) == ["events", "journal", "mentions", "events"]
    assert find_cycle({"events": {"journal"}, "journal": set()}) is None
