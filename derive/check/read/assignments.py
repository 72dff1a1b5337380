"""The values a Python block gives its names, read without running anything.

    d = 768                              a number (``literals`` in ``outputs`` reads
    x = np.array([1.0, 2.0])             literal numbers and arrays exactly)
    scale = 1 / math.sqrt(d)             a formula over earlier names: read with ``ast``
    p = np.exp(z) / np.exp(z).sum()      and derive's plain-math reader, evaluated by
                                         derive's own evaluator, never run
    i1, i2 = 0.05, 0.10                  as many names as values: one formula each
    def sigmoid(z): return 1 / (1 + math.exp(-z))    a function of its parameters
    area = lambda w, h: w * h                         the same, as a lambda

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


@dataclass(frozen=True)
class Assignment:
    """``name`` is given the value of ``node`` at document ``line`` (None: a value derive cannot read);
    with ``params``, ``name`` is a function of them whose value is ``node`` (``def f(x): return ...``)."""

    name: str
    node: N.Node | None
    line: int
    params: tuple[str, ...] | None = None


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
        lam = _lambda(stmt, block.text)
        if lam is not None:                         # area = lambda w, h: w * h
            out.append(Assignment(stmt.targets[0].id, lam[1], line, lam[0]))
            continue
        if isinstance(stmt, ast.Assign) and all(isinstance(t, ast.Name) for t in stmt.targets):
            node = _formula(stmt.value, block.text)      # (``W_K = W_V = W_Q``: each name gets it)
            for name in (t.id for t in stmt.targets):
                if not (node is not None and name in literal and N.is_literal(node)):
                    out.append(Assignment(name, node, line))
            continue
        pairs = _pairs(stmt)
        if pairs:                                   # i1, i2 = 0.05, 0.10
            out.extend(Assignment(name.id, _formula(value, block.text), line) for name, value in pairs)
            continue
        function = _function(stmt, block.text)
        if function is not None:                    # def sigmoid(z): return 1 / (1 + math.exp(-z))
            out.append(Assignment(stmt.name, function[1], line, function[0]))
            continue
        out.extend(Assignment(name, None, line) for name in sorted(_assigned(stmt)))
    return out


def _pairs(stmt: ast.stmt) -> list[tuple[ast.Name, ast.expr]]:
    """The (name, value) pairs of ``a, b = x, y`` (as many names as values), else []."""
    if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Tuple)
            and isinstance(stmt.value, ast.Tuple)):
        return []
    names, values = stmt.targets[0].elts, stmt.value.elts
    if len(names) != len(values) or not all(isinstance(n, ast.Name) for n in names):
        return []
    return list(zip(names, values))


def _lambda(stmt: ast.stmt, source: str) -> tuple[tuple[str, ...], N.Node] | None:
    """``name = lambda x, y: formula``: a function of plain parameters, as ``def`` would give it."""
    if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)
            and isinstance(stmt.value, ast.Lambda) and _plain(stmt.value.args)):
        return None
    node = _formula(stmt.value.body, source)
    return (tuple(p.arg for p in stmt.value.args.args), node) if node is not None else None


def _plain(a: ast.arguments) -> bool:
    """Positional parameters only, without defaults."""
    return not (a.vararg or a.kwarg or a.kwonlyargs or a.defaults or a.posonlyargs) and bool(a.args)


def _function(stmt: ast.stmt, source: str) -> tuple[tuple[str, ...], N.Node] | None:
    """A function whose body is one ``return`` of a formula of its plain parameters."""
    if not isinstance(stmt, ast.FunctionDef) or stmt.decorator_list:
        return None
    a = stmt.args
    if not _plain(a):
        return None
    body = [s for s in stmt.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
    if len(body) != 1 or not isinstance(body[0], ast.Return) or body[0].value is None:
        return None
    node = _formula(body[0].value, source)
    return (tuple(p.arg for p in a.args), node) if node is not None else None


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
