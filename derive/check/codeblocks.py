r"""Code blocks and the output blocks that follow them.

* Literal arrays in Python code (``W_Q = np.array([[1, 0], ...])``) are read
  with Python's own parser (``ast.parse`` builds a tree and runs nothing) and
  become values of names, so the text's formulas can be judged against the
  numbers the author's code used.
* An output block is cut into printed values: NumPy arrays (``0.``,
  ``1.5e-03``, rows wrapped over several lines) and ``label: number`` lines.
  Inside a NumPy printout every entry carries the array's precision, since
  NumPy drops trailing zeros.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from derive.check.extract import CodeBlock
from derive.check.judge import numpy_precision
from derive.errors import DeriveError
from derive.numbers import Printed, parse_decimal

ARRAY_CALLS = {"array", "asarray", "tensor", "matrix", "Tensor", "constant"}
NUMBER = re.compile(r"(?<![\w.])[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?(?![\w.])|(?<![\w])[-+]?(?:nan|inf)(?![\w])")
MAX_ARRAY_ENTRIES = 10_000

Grid = tuple[tuple[Printed, ...], ...]


@dataclass(frozen=True)
class Literal:
    """A name the code gives a literal array or number."""

    name: str
    grid: Grid
    line: int
    scalar: bool = False


@dataclass(frozen=True)
class Printout:
    """One printed value in an output block: a label, its numbers, its lines."""

    label: str
    grid: Grid | None          # None when an entry is nan or inf
    line: int                  # offset of its first line inside the block
    end_line: int
    text: str
    special: str = ""          # "nan" / "inf" when present


# ---------------------------------------------------------------- code literals

def literals(block: CodeBlock) -> list[Literal]:
    """``NAME = np.array([...])`` and ``NAME = 0.5`` assignments of a Python block."""
    try:
        tree = ast.parse(block.text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []
    out = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Assign) and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name)):
            continue
        grid = _grid(node.value, block.text)
        if grid is not None:
            scalar = not isinstance(node.value, (ast.List, ast.Tuple, ast.Call))
            out.append(Literal(node.targets[0].id, grid, block.line + node.lineno - 1, scalar))
    return out


def _grid(value: ast.expr, source: str) -> Grid | None:
    if isinstance(value, ast.Call) and value.args and _call_name(value.func) in ARRAY_CALLS:
        value = value.args[0]
    rows = _nested(value, source)
    if rows is None:
        return None
    if isinstance(rows, Printed):
        return ((rows,),)
    if all(isinstance(r, Printed) for r in rows):
        return (tuple(rows),) if rows else None
    if all(isinstance(r, list) and r and all(isinstance(x, Printed) for x in r) for r in rows):
        if len({len(r) for r in rows}) == 1:
            return tuple(tuple(r) for r in rows)
    return None


def _call_name(func: ast.expr) -> str:
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def _nested(node: ast.expr, source: str):
    """A number, or a (nested) list of numbers, read from the source text."""
    if isinstance(node, (ast.List, ast.Tuple)):
        items = [_nested(e, source) for e in node.elts]
        return None if any(i is None for i in items) else items
    sign = ""
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        sign = "-" if isinstance(node.op, ast.USub) else ""
        node = node.operand
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        text = ast.get_source_segment(source, node) or ""
        try:
            return parse_decimal(sign + text.replace("_", ""))
        except DeriveError:
            return None
    return None


# ---------------------------------------------------------------- output blocks

def printouts(text: str) -> list[Printout]:
    """The printed values of an output block, in order."""
    lines = text.split("\n")
    out: list[Printout] = []
    caption = ""      # a line without numbers names the array printed under it
    k = 0
    while k < len(lines):
        bracket = lines[k].find("[")
        if bracket >= 0 and NUMBER.search(lines[k][bracket:]):
            printed, k = _array_printout(lines, k, bracket, caption)
            out.append(printed)
            caption = ""
            continue
        stripped = lines[k].strip()
        numbers = list(NUMBER.finditer(stripped))
        if numbers and any(sign in stripped[:numbers[0].start()] for sign in ":="):
            label = stripped[:numbers[-1].start()].strip().rstrip(":=").strip()
            out.append(_printout(label, numbers[-1].group(), k, k, stripped))   # "loss: 0.25"
            caption = ""
        elif stripped and not numbers:
            caption = stripped.rstrip(":=").strip()
        k += 1
    return out


def _array_printout(lines: list[str], k: int, bracket: int, caption: str) -> tuple[Printout, int]:
    """The array starting at line k (labelled by the text before it, else the
    caption above), and the line after it."""
    end, body = _array_lines(lines, k, bracket)
    label = lines[k][:bracket].strip().rstrip(":=").strip() or caption
    return _printout(label, body, k, end, "\n".join(lines[k:end + 1])), end + 1


def _array_lines(lines: list[str], k: int, bracket: int) -> tuple[int, str]:
    """A NumPy array may wrap over lines: read until its brackets balance."""
    depth, body, j = 0, [], k
    while j < len(lines):
        chunk = lines[j][bracket:] if j == k else lines[j]
        body.append(chunk)
        depth += chunk.count("[") - chunk.count("]")
        if depth <= 0:
            break
        j += 1
    return min(j, len(lines) - 1), "\n".join(body)


def _printout(label: str, body: str, first: int, last: int, text: str) -> Printout:
    rows = _rows(body)
    special = next((m.group().lstrip("+-") for row in rows for m in row if m.group().lstrip("+-") in ("nan", "inf")), "")
    if special or not rows or sum(len(r) for r in rows) > MAX_ARRAY_ENTRIES \
            or len({len(r) for r in rows}) != 1:
        return Printout(label, None, first, last, text, special or "ragged")
    grid = tuple(tuple(parse_decimal(m.group()) for m in row) for row in rows)
    return Printout(label, numpy_precision(grid), first, last, text)


def _rows(body: str) -> list[list[re.Match]]:
    """Rows of an array: ``[[a b] [c d]]`` or ``[a b c]``; numbers in each."""
    inner = body.strip()
    if inner.count("[") >= 2:
        parts = re.findall(r"\[([^\[\]]*)\]", inner)
        return [list(NUMBER.finditer(p)) for p in parts if NUMBER.search(p)]
    return [list(NUMBER.finditer(inner))]


def label_key(label: str) -> str | None:
    """The name a printout stands for: ``"Q matrix:"`` -> Q, ``"K:"`` -> K."""
    words = label.replace(":", " ").replace("=", " ").split()
    words = [w for w in words if w.lower() not in ("matrix", "the", "output", "result")]
    if len(words) == 1 and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", words[0]):
        return words[0]
    return "".join(label.split()) or None
