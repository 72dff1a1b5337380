"""Screening in floats: could a candidate value be the printed one at all?

Floats only choose which candidates (values of names, formula variants,
hypotheses) are worth judging exactly; a verdict always comes from the exact
or the ball face (``derive.check.judge.compare``).
"""

from __future__ import annotations

import math

import numpy as np

from derive.check.evaluate.values import Val
from derive.check.judge.compare import infinite
from derive.check.read.grids import Grid, fit


def screen(grid: Grid, fast: Val, units: float = 1.0001) -> bool:
    """Could the printed numbers be this (float) value, within ``units`` last-place units?
    A printed infinity is only ever that infinity."""
    return deviation(grid, fast) <= units


def deviation(grid: Grid, fast: Val) -> float:
    """The largest distance between printed numbers and a value, in last-place units."""
    gaps = _gaps(grid, fast)
    return max(gaps, default=0.0) if gaps is not None else math.inf


def near_entries(grid: Grid, fast: Val, units: float = 1.0001) -> int:
    """How many printed numbers are within ``units`` last-place units of a (float) value."""
    gaps = _gaps(grid, fast)
    return sum(g <= units for g in gaps) if gaps is not None else 0


def _gaps(grid: Grid, fast: Val) -> list[float] | None:
    """Each entry's distance from the value, in its last-place units (None: another shape)."""
    grid = fit(grid, fast.shape)
    if grid is None:
        return None
    out = []
    for i, row in enumerate(grid):
        for j, p in enumerate(row):
            x = float(fast.entry(i, j))
            if infinite(p) or not math.isfinite(x):
                out.append(0.0 if infinite(p) and x == float(p.value) else math.inf)
                continue
            # (a last place past float range: 10^-300 counts as 0, 10^300 and beyond as infinite)
            unit = 0.0 if p.decimals >= 300 else math.inf if p.decimals <= -300 else 10.0 ** (-p.decimals)
            gap = abs(float(p.value) - x) - 1e-12 * abs(x) - 1e-300
            out.append(gap / unit if unit else (0.0 if gap <= 0 else math.inf))
    return out


def fast_equal(a: Val, b: Val, relative: float = 1e-9) -> bool:
    """Screening two unprinted values: equal to float precision (a matrix and its transpose as a vector too)."""
    if a.shape != b.shape and not (1 in a.shape and a.shape[::-1] == b.shape):
        return False
    x = np.asarray(a.data, dtype=float).reshape(-1)
    y = np.asarray(b.data, dtype=float).reshape(-1)
    if not np.array_equal(np.isfinite(x), np.isfinite(y)) or np.any(np.isnan(x) | np.isnan(y)):
        return False
    finite = np.isfinite(y)
    if np.any(x[~finite] != y[~finite]):
        return False
    x, y = x[finite], y[finite]
    return bool(np.all(np.abs(x - y) <= relative * np.abs(y) + 1e-12))
