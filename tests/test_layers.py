"""derive's modules form layers: no import goes up a layer, and none goes round in
a circle. The layers are read from the README's architecture table, so the
table and the code cannot drift apart."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "derive"


def readme_layers() -> dict[str, int]:
    """First name under derive (``stages``, ``cli``) -> its layer, from the README table."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    layers = {}
    for number, modules in re.findall(r"^\| (\d) [a-z ]+ \| (.+?) \|", text, flags=re.M):
        for name in re.findall(r"`([A-Za-z_]+)`", modules):
            layers[name] = int(number)
        if "the package `derive` itself" in modules:
            layers[""] = int(number)
    return layers


def modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        found[name.removesuffix(".__init__")] = path
    return found


def imports(path: Path, known: set[str]) -> set[str]:
    """The derive modules a file imports, anywhere in it (a function's import counts too)."""
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "derive":
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                out.add(full if full in known else node.module)
        elif isinstance(node, ast.Import):
            out.update(a.name for a in node.names if a.name.split(".")[0] == "derive")
    return out & known


def graph() -> dict[str, set[str]]:
    mods = modules()
    return {name: imports(path, set(mods)) - {name} for name, path in mods.items()}


def layer_of(module: str, layers: dict[str, int]) -> int:
    parts = module.split(".")
    return layers[parts[1] if len(parts) > 1 else ""]


def test_every_module_has_a_layer_in_the_readme():
    layers = readme_layers()
    assert set(layers.values()) == set(range(6))
    unplaced = sorted({m.split(".")[1] for m in modules() if "." in m} - set(layers))
    assert not unplaced, f"add to the README's architecture table: {unplaced}"


def test_no_import_goes_up_a_layer():
    layers = readme_layers()
    upward = [f"{a} (layer {layer_of(a, layers)}) imports {b} (layer {layer_of(b, layers)})"
              for a, targets in graph().items() for b in targets
              if layer_of(b, layers) > layer_of(a, layers)]
    assert not upward, upward


def find_cycle(edges: dict[str, set[str]]) -> list[str] | None:
    """One import cycle, or None (depth-first search with colours)."""
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(v):
        state[v] = 1
        path.append(v)
        for w in sorted(edges.get(v, ())):
            if state.get(w) == 1:
                return path[path.index(w):] + [w]
            if w not in state:
                found = visit(w)
                if found:
                    return found
        state[v] = 2
        path.pop()
        return None

    for v in sorted(edges):
        if v not in state:
            found = visit(v)
            if found:
                return found
    return None


def test_no_import_goes_round_in_a_circle():
    assert find_cycle(graph()) is None, " -> ".join(find_cycle(graph()))


def test_the_checks_can_fail():
    """The two rules on made-up graphs: an upward edge and a circle are both seen."""
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None
    layers = readme_layers()
    assert layer_of("derive.cli", layers) > layer_of("derive.stages.softmax", layers) > layer_of("derive.errors", layers)
