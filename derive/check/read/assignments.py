"""The values a Python block gives its names, read without running anything.

    d = 768                              a number (``literals`` in ``outputs`` reads
    x = np.array([1.0, 2.0])             literal numbers and arrays exactly)
    scale = 1 / math.sqrt(d)             a formula over earlier names: read with ``ast``
    p = np.exp(z) / np.exp(z).sum()      and derive's plain-math reader, evaluated by
                                         derive's own evaluator, never run

Only statements at the top level of a block are read as formulas (code inside
a function or a loop runs who knows how often); a name such a statement
assigns, or that is assigned in a way derive cannot read, is still reported
(``node`` None): its earlier values are out of date from there on.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from derive.check.read import nodes as N
from derive.check.read.lexer import LatexError
from derive.check.read.markdown import CodeBlock
from derive.check.read.plain import parse_expression

TARGETS = (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.For, ast.AsyncFor, ast.With, ast.AsyncWith,
           ast.NamedExpr)


@dataclass(frozen=True)
class Assignment:
    """``name`` is given the value of ``node`` at document ``line`` (None: a value derive cannot read)."""

    name: str
    node: N.Node | None
    line: int


def assignments(block: CodeBlock, literal: set[str] = frozenset()) -> list[Assignment]:
    """The top-level assignments of a Python block, in order; names in ``literal``
    (read exactly elsewhere) only where they are assigned something else."""
    try:
        tree = ast.parse(block.text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []
    out = []
    for stmt in tree.body:
        line = block.line + stmt.lineno - 1
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
            name = stmt.targets[0].id
            node = _formula(stmt.value, block.text)
            if node is not None and name in literal and N.is_literal(node):
                continue
            out.append(Assignment(name, node, line))
            continue
        out.extend(Assignment(name, None, line) for name in sorted(_assigned(stmt)))
    return out


def _formula(value: ast.expr, source: str) -> N.Node | None:
    segment = ast.get_source_segment(source, value)
    if not segment:
        return None
    try:
        return parse_expression(segment)
    except (SyntaxError, ValueError, LatexError, RecursionError, MemoryError):
        return None


def _assigned(stmt: ast.stmt) -> set[str]:
    """Every name a statement (a loop, a tuple assignment, ``+=``) may give a value, outside functions."""
    names: set[str] = set()
    stack = [stmt]
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            continue
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        stack.extend(ast.iter_child_nodes(node))
    return names
