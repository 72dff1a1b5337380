"""Is a block labelled Python really Python?

Authors label worked arithmetic ``python`` for its colours (``mean = (0.1 + 0.3) / 2``
then ``     = 0.2`` on the next line); such a block is read as plain math, not as code.
A notebook cell's IPython lines (``%matplotlib inline``, ``!pip install``) are not Python
either, and are dropped before either use.
"""

from __future__ import annotations

import ast
import re

from derive.check.read import nodes as N
from derive.check.read.lexer import LatexError
from derive.check.read.plain import labelled, parse_expression

MAGIC = re.compile(r"^[ \t]*[%!].*$", re.M)


def without_magics(code: str) -> str:
    """A notebook cell without its IPython lines (``%matplotlib inline``, ``!pip install``), line numbers kept."""
    return MAGIC.sub("", code)


def is_python(code: str) -> bool:
    """Does ``code`` (its IPython lines aside) parse as Python? (``ast.parse`` runs nothing.)"""
    try:
        ast.parse(without_magics(code))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


# --------------------------------------------------------------------------- results restated in code

def restated_results(block, text_of) -> list:
    """``scores = Q @ K.T`` and, a few lines on, ``scores = [[1.93, 1.09], ...]``: code that
    computes a name and then writes down its value, as tutorials do. The literal claims the
    value of the computation (a labelled span of the literal, labelled with the formula), when
    nothing read the name between the two and the formula does not use the name itself.
    ``block`` is a Python code block; ``text_of(start, end)``: the document text (comments
    blanked) at those document offsets."""
    try:
        tree = ast.parse(without_magics(block.text))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []
    starts = [0]
    for line in block.text.split("\n"):
        starts.append(starts[-1] + len(line) + 1)

    def offset(node) -> int:
        return block.start + starts[node.lineno - 1] + node.col_offset

    computed: dict[str, ast.expr] = {}     # name -> the formula last assigned to it, unread since
    out = []
    for stmt in tree.body:
        reads = {n.id for n in ast.walk(stmt) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
        for name in reads:
            computed.pop(name, None)
        if not isinstance(stmt, ast.Assign) or not all(isinstance(t, ast.Name) for t in stmt.targets):
            for n in ast.walk(stmt):
                if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store):
                    computed.pop(n.id, None)
            continue
        value, names = _unwrapped(stmt.value), [t.id for t in stmt.targets]
        if _literal(value):
            for name in names:
                formula = computed.pop(name, None)
                if formula is None:
                    continue
                try:
                    label = parse_expression(ast.get_source_segment(block.text, formula) or "")
                except (SyntaxError, ValueError, LatexError, RecursionError, MemoryError):
                    continue           # a formula derive does not read: the pair is no claim
                lo, hi = offset(value), block.start + starts[value.end_lineno - 1] + value.end_col_offset
                out.append(labelled(lo, text_of(lo, hi), (N.Sym(0, 0, name, name), label)))
        else:
            for name in names:
                used = {n.id for n in ast.walk(stmt.value) if isinstance(n, ast.Name)}
                if name in used:
                    computed.pop(name, None)
                else:
                    computed[name] = stmt.value
    return out


def _unwrapped(value: ast.expr) -> ast.expr:
    """``np.array([...])``, ``torch.tensor([...], dtype=...)``: the literal inside."""
    if isinstance(value, ast.Call) and len(value.args) == 1 and isinstance(value.func, (ast.Attribute, ast.Name)):
        name = value.func.attr if isinstance(value.func, ast.Attribute) else value.func.id
        if name in ("array", "asarray", "tensor", "Tensor", "constant"):
            return value.args[0]
    return value


def _literal(value: ast.expr) -> bool:
    """Numbers only: a number, or (nested) lists or tuples of numbers, negative ones too."""
    if isinstance(value, (ast.List, ast.Tuple)):
        return bool(value.elts) and all(_literal(e) for e in value.elts)
    if isinstance(value, ast.UnaryOp) and isinstance(value.op, (ast.USub, ast.UAdd)):
        return _literal(value.operand)
    return isinstance(value, ast.Constant) and isinstance(value.value, (int, float)) \
        and not isinstance(value.value, bool)
