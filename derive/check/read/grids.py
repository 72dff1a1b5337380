"""The numbers a document printed, as a grid: read from a parsed node, shown as text,
and fitted to a value's shape.

One printed matrix or vector is one result printed at one precision: a short
entry dropped its trailing zeros (``0.8`` beside ``0.5415`` is 0.8000), and so
did a whole number (the ``0`` of ``0.7071 & 0``), as NumPy does (``0.`` beside
``0.25``). An entry written with ``POLICY.complete_digits`` significant digits
or more shows the digits its author meant (``0.8415`` beside ``0.99995`` is
0.8415), and so does one in scientific notation.
"""

from __future__ import annotations

from derive.check.read import nodes as N
from derive.check.policy import POLICY
from derive.numbers import Printed, significant_digits

Grid = tuple[tuple[Printed, ...], ...]


def grid_of(node: N.Node) -> Grid | None:
    """The printed numbers of a literal node (with its sign), or None."""
    if isinstance(node, N.Mat):
        cells = [c for row in node.rows for c in row]       # a matrix inside a matrix has no grid
        if not node.rows or any(not N.is_literal(c) or isinstance(c, (N.Mat, N.Tuple)) for c in cells) \
                or len({len(r) for r in node.rows}) != 1:
            return None
        return finest_precision(tuple(tuple(_printed(c) for c in row) for row in node.rows))
    if isinstance(node, N.Tuple):
        return finest_precision((tuple(_printed(i) for i in node.items),)) if N.is_literal(node) else None
    if N.is_literal(node):
        return ((_printed(node),),)
    return None


def grid_spans(node: N.Node) -> tuple[tuple[int, int], ...]:
    """(start, end) of each printed number of a literal node, row by row (offsets in its math)."""
    cells = [c for row in node.rows for c in row] if isinstance(node, N.Mat) else \
        list(node.items) if isinstance(node, N.Tuple) else [node]
    out = []
    for c in cells:
        num = c.arg if isinstance(c, N.Neg) else c
        out.append((num.start, num.end))
    return tuple(out)


def finest_precision(grid: Grid, complete: int = POLICY.complete_digits) -> Grid:
    """Every entry written without an exponent and with fewer than ``complete``
    significant digits at the finest decimals of the grid."""
    if not grid or not grid[0]:
        return grid
    positional = [p for row in grid for p in row if not _scientific(p)]
    decimals = max((p.decimals for p in positional), default=0)
    if decimals == 0:
        return grid
    keep = lambda p: _scientific(p) or p.decimals == decimals or significant_digits(p.text) >= complete  # noqa: E731
    return tuple(tuple(p if keep(p) else Printed(p.text, p.value, decimals) for p in row) for row in grid)


def numpy_precision(grid: Grid) -> Grid:
    """A NumPy printout: every entry at the array's decimals (NumPy prints 0.5
    for 0.50 beside 0.25, and 1.3415 for 1.34150 beside 1.60005)."""
    return finest_precision(grid, complete=10**6)


def _scientific(p: Printed) -> bool:
    return "e" in p.text.lower() or p.decimals >= 300 or not p.value.is_finite


def same_numbers(a: Grid, b: Grid) -> bool:
    """The same printed values, entry by entry (however they are written: 0.50 = 0.5)."""
    return [[p.value for p in r] for r in a] == [[p.value for p in r] for r in b]


def _printed(node: N.Node) -> Printed:
    if isinstance(node, N.Neg):
        p = node.arg.printed
        return Printed("-" + p.text, -p.value, p.decimals)
    return node.printed


def grid_text(grid: Grid) -> str:
    if len(grid) == 1 and len(grid[0]) == 1:
        return grid[0][0].text
    rows = ["[" + ", ".join(p.text for p in row) + "]" for row in grid]
    return rows[0] if len(rows) == 1 else "[" + ", ".join(rows) + "]"


def rows_text(rows: list[list[str]]) -> str:
    if len(rows) == 1 and len(rows[0]) == 1:
        return rows[0][0]
    out = ["[" + ", ".join(row) + "]" for row in rows]
    return out[0] if len(out) == 1 else "[" + ", ".join(out) + "]"


def fit(grid: Grid, shape: tuple[int, int]) -> Grid | None:
    """The printed grid in the value's shape: a row vector may stand for a column."""
    rows, cols = len(grid), len(grid[0])
    if (rows, cols) == tuple(shape):
        return grid
    if (cols, rows) == tuple(shape) and 1 in (rows, cols):
        return tuple(tuple(grid[i][j] for i in range(rows)) for j in range(cols))
    return None
