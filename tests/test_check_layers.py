"""The checker's passes form layers: a module imports only from its own layer or
the ones below it (read before bind before judge before diagnose ...), so each
pass can be read without the ones after it."""

import ast
from pathlib import Path

import pytest

CHECK = Path(__file__).parents[1] / "derive" / "check"
# the record and the policy are shared by all; then the passes, in the order they run
LAYERS = [("policy", "claim"), ("read",), ("evaluate",), ("bind", "run", "sandbox"), ("variants", "judge", "facts", "formulas"),
          ("diagnose",), ("across",), ("pipeline",), ("report", "corpus", "command", "__init__")]


def layer(module: str) -> int:
    top = module.split(".")[0]
    return next(k for k, names in enumerate(LAYERS) if top in names)


def modules():
    for path in sorted(CHECK.rglob("*.py")):
        yield ".".join(path.relative_to(CHECK).with_suffix("").parts), path


@pytest.mark.parametrize("module, path", list(modules()), ids=lambda x: str(x) if isinstance(x, str) else "")
def test_no_module_imports_a_later_pass(module, path):
    mine = layer(module)
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("derive.check."):
            target = node.module[len("derive.check."):]
            assert layer(target) <= mine, f"{module} imports {target}, a later pass"


def test_every_module_has_a_layer():
    for module, _ in modules():
        layer(module)
