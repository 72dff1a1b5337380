"""The numbers a document printed, as a grid: read from a parsed node, shown as text,
and fitted to a value's shape. A NumPy printout (``0.``, ``0.25``) carries the
array's precision in every entry, since NumPy drops trailing zeros.
"""

from __future__ import annotations

from derive.check.read import nodes as N
from derive.numbers import Printed

Grid = tuple[tuple[Printed, ...], ...]


def grid_of(node: N.Node) -> Grid | None:
    """The printed numbers of a literal node (with its sign), or None."""
    if isinstance(node, N.Mat):
        if not node.rows or any(not N.is_literal(c) for row in node.rows for c in row) \
                or len({len(r) for r in node.rows}) != 1:
            return None
        grid = tuple(tuple(_printed(c) for c in row) for row in node.rows)
        return numpy_precision(grid) if _numpy_style(grid) else grid
    if isinstance(node, N.Tuple):
        return (tuple(_printed(i) for i in node.items),) if N.is_literal(node) else None
    if N.is_literal(node):
        return ((_printed(node),),)
    return None


def _numpy_style(grid: Grid) -> bool:
    """A matrix pasted from a NumPy printout: some entry ends in a bare point (``0.``)."""
    return any(p.text.endswith(".") for row in grid for p in row)


def numpy_precision(grid: Grid) -> Grid:
    """Every entry at the array's decimals (NumPy prints 0.5 for 0.50 beside 0.25).

    In scientific notation every entry already shows the array's digits, so
    such a grid is left as printed."""
    if not grid or not grid[0] or any("e" in p.text.lower() for row in grid for p in row):
        return grid
    decimals = max(p.decimals for row in grid for p in row)
    return tuple(tuple(Printed(p.text, p.value, decimals) for p in row) for row in grid)


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
