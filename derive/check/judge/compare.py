"""Judge printed numbers against exact values, entry by entry, rounding-aware.

Every entry goes through ``derive.numbers.compare`` (certified); a matrix is
as good as its worst entry: wrong > truncated > rounded > ok. How printed
numbers are read into a grid is ``derive.check.read.grids``.
"""

from __future__ import annotations

import math
from fractions import Fraction
from dataclasses import dataclass, field

import numpy as np
import sympy as sp
from flint import ctx

from derive.check.read.grids import Grid, fit
from derive.check.evaluate.values import Val
from derive.errors import DeriveError
from derive.evaluate import Undecided, ball, bounds
from derive.numbers import Comparison, Printed, compare, format_significant

RANK = {"ok": 0, "rounded": 1, "truncated": 2, "wrong": 3}


@dataclass
class Judgement:
    verdict: str                                   # ok | rounded | truncated | wrong
    expected: list[list[str]] | None = None        # the exact value at the printed decimals
    wrong: list[tuple[int, int, str, str]] = field(default_factory=list)   # i, j, printed, expected
    reason: str = ""

    @property
    def bad(self) -> bool:
        return self.verdict == "wrong"


def screen(grid: Grid, fast: Val, allowance=None) -> bool:
    """Could the printed numbers be this (float) value, rounded or truncated?
    ``allowance`` widens each entry by how much rounded inputs can move it.
    A printed infinity (``-\\infty``) is only ever that infinity."""
    grid = fit(grid, fast.shape)
    if grid is None:
        return False
    for i, row in enumerate(grid):
        for j, p in enumerate(row):
            x = float(fast.entry(i, j))
            if infinite(p) or not math.isfinite(x):
                if infinite(p) and x == float(p.value):
                    continue
                return False
            unit = 10.0 ** (-p.decimals) if p.decimals < 300 else 0.0
            extra = 1.05 * float(allowance[i][j]) if allowance is not None else 0.0
            if abs(float(p.value) - x) > 1.0001 * unit + extra + 1e-12 * abs(x) + 1e-300:
                return False
    return True


def deviation(grid: Grid, fast: Val) -> float:
    """The largest distance between printed numbers and a value, in last-place units."""
    grid = fit(grid, fast.shape)
    if grid is None:
        return math.inf
    worst = 0.0
    for i, row in enumerate(grid):
        for j, p in enumerate(row):
            x = float(fast.entry(i, j))
            if infinite(p) or not math.isfinite(x):
                worst = worst if infinite(p) and x == float(p.value) else math.inf
                continue
            unit = 10.0 ** (-p.decimals) if p.decimals < 300 else 1.0
            worst = max(worst, abs(float(p.value) - x) / unit)
    return worst


def allow(j: Judgement, grid: Grid, fast: Val, allowance) -> Judgement:
    """Entries that are wrong only by what rounded inputs explain become 'rounded';
    when others are wrong still, the explained ones are no longer listed as differing."""
    grid = fit(grid, fast.shape)
    if j.verdict != "wrong" or grid is None or j.reason:
        return j
    left = [w for w in j.wrong if not _explained(grid[w[0]][w[1]], fast.entry(w[0], w[1]), allowance[w[0]][w[1]])]
    if left:
        return Judgement("wrong", j.expected, left, j.reason) if len(left) < len(j.wrong) else j
    return Judgement("rounded", j.expected, [], "within the rounding of the values it is computed from")


def _explained(p: Printed, x, allowance) -> bool:
    """Is the printed number within half a unit plus the inputs' allowance of x?"""
    if infinite(p) or not math.isfinite(float(x)):
        return False
    unit = 10.0 ** (-p.decimals)
    return abs(float(p.value) - float(x)) <= 0.5 * unit + 1.05 * float(allowance) + 1e-15


def judge(grid: Grid, exact: Val) -> Judgement:
    """Each printed number against the exact value at its own decimals."""
    fitted = fit(grid, exact.shape)
    if fitted is None:
        shape = f"{len(grid)}x{len(grid[0])}"
        return Judgement("wrong", reason=f"printed as {shape}, the formula gives "
                                         f"{exact.shape[0]}x{exact.shape[1]}")

    def entry(i: int, j: int):
        p = fitted[i][j]
        c = _compare(p, exact.entry(i, j))
        return _verdict(c), c.expected, (p.text, c.expected)
    return _worst_entry(exact.shape, entry)


def _verdict(c: Comparison) -> str:
    return "ok" if c.verdict == "exact" else c.verdict


def _worst_entry(shape, entry) -> Judgement:
    """A matrix is as good as its worst entry: ``entry(i, j)`` gives the entry's
    verdict, its expected text, and (printed, expected) to list when it is wrong."""
    verdict, expected, wrong = "ok", [], []
    for i in range(shape[0]):
        expected.append([])
        for j in range(shape[1]):
            v, text, shown = entry(i, j)
            expected[-1].append(text)
            if v == "wrong":
                wrong.append((i, j, *shown))
            verdict = v if RANK[v] > RANK[verdict] else verdict
    return Judgement(verdict, expected, wrong)


def infinite(p: Printed) -> bool:
    """A printed ``\\infty`` or ``-\\infty`` (an entry of a mask written out)."""
    return p.value is sp.S.Infinity or p.value is sp.S.NegativeInfinity


def _compare(p: Printed, value) -> Comparison:
    """A printed infinity is exact for that infinity and wrong for anything else."""
    if infinite(p):
        return Comparison("exact" if value == p.value else "wrong", p, _short(value), "")
    if value is sp.S.Infinity or value is sp.S.NegativeInfinity or value is sp.nan:
        return Comparison("wrong", p, _short(value), "")
    try:
        return compare(p, value)
    except (DeriveError, TypeError, KeyError, ValueError, ZeroDivisionError):
        return Comparison("wrong", p, "?", "")


def judge_both_printed(new: Grid, old: Grid) -> Judgement:
    """A restatement: consistent when either printing rounds the other. Whole
    numbers printed without a point are exact (as ``allowance._half_units`` reads
    them): ``(1, 2)`` is no rounding of ``(1.3, 2.1)``, nor the other way round; a
    whole number among decimals is exact to their finest place. Only a lone
    number restated (``x \\approx 3`` after ``x = 2.93``) may still round."""
    fitted = fit(new, (len(old), len(old[0])))
    if fitted is None:
        return Judgement("wrong", reason="printed with another shape than before")
    old = exact_whole(old)
    fitted = exact_whole(fitted) if len(fitted) * len(fitted[0]) > 1 else fitted

    def entry(i: int, j: int):
        p, q = fitted[i][j], old[i][j]
        c = _compare(p, q.value)
        if c.verdict == "wrong" and _compare(q, p.value).verdict != "wrong":
            c = Comparison("rounded", p, p.text, "0")
        shown = q.text if c.verdict == "wrong" else p.text if p.decimals == EXACT_DECIMALS else c.expected
        return _verdict(c), shown, (p.text, q.text)
    return _worst_entry((len(old), len(old[0])), entry)


EXACT_DECIMALS = 60          # a whole number read as exact: good to this many places


def exact_whole(grid: Grid) -> Grid:
    """The grid with each whole number printed without a point or exponent given
    the finest decimals of the grid, or ``EXACT_DECIMALS`` when all are whole."""
    finest = max(p.decimals for row in grid for p in row)
    whole = lambda p: "." not in p.text and "e" not in p.text.lower() and not infinite(p)  # noqa: E731
    places = finest if finest > 0 else EXACT_DECIMALS
    return tuple(tuple(Printed(p.text, p.value, places) if whole(p) else p for p in row) for row in grid)


def judge_equal(claim: Val, ref: Val, tolerance: sp.Rational) -> Judgement:
    """Two exact values, the claim written with numbers good to ``tolerance``."""
    if claim.shape != ref.shape:
        if not (1 in claim.shape and claim.shape[::-1] == ref.shape):
            return Judgement("wrong", reason=f"{claim.shape[0]}x{claim.shape[1]} on one side, "
                                              f"{ref.shape[0]}x{ref.shape[1]} on the other")
        claim = Val(claim.data.T, claim.scalar)

    def entry(i: int, j: int):
        v, text = _equal(claim.entry(i, j), ref.entry(i, j), tolerance)
        return v, text, (_short(claim.entry(i, j)), text) if v == "wrong" else None
    return _worst_entry(ref.shape, entry)


def _equal(a, b, tolerance: sp.Rational) -> tuple[str, str]:
    """ok when equal (to 60 digits), rounded when within the tolerance, else wrong;
    an infinity equals only itself."""
    text = _short(b)
    if not (a.is_finite is not False and b.is_finite is not False):
        return ("ok" if a == b else "wrong"), text
    diff = a - b
    if diff == 0:
        return "ok", text
    try:
        with ctx.workprec(400):
            lo, hi = bounds(ball(diff))
    except (Undecided, TypeError, KeyError, ValueError, ZeroDivisionError):
        return "wrong", text
    largest = max(abs(lo), abs(hi))
    smallest = Fraction(0) if lo <= 0 <= hi else min(abs(lo), abs(hi))
    if largest < Fraction(1, 10**60):
        return "ok", text
    tol = Fraction(int(tolerance.p), int(tolerance.q))
    if largest <= tol:
        return "rounded", text
    return ("wrong", text) if smallest > tol else ("rounded", text)


def _short(x) -> str:
    if x is sp.S.Infinity or x is sp.S.NegativeInfinity or x is sp.nan:
        return {sp.S.Infinity: "inf", sp.S.NegativeInfinity: "-inf"}.get(x, "nan")
    try:
        return format_significant(x, 8) if not x.is_Rational or x.q != 1 else str(x)
    except (DeriveError, TypeError, KeyError, ValueError):
        return str(x)


def entries_text(val: Val, digits: int = 8) -> list[list[str]]:
    return [[_short(val.entry(i, j)) for j in range(val.shape[1])] for i in range(val.shape[0])]


def fast_equal(a: Val, b: Val, tolerance: float, margin=None) -> bool:
    """Screening for two unprinted values (``margin``: per entry of b, from rounded inputs)."""
    if a.shape != b.shape and not (1 in a.shape and a.shape[::-1] == b.shape):
        return False
    x = np.asarray(a.data, dtype=float).reshape(-1)
    y = np.asarray(b.data, dtype=float).reshape(-1)
    extra = 1.05 * np.asarray(margin, dtype=float).reshape(-1) if margin is not None else 0.0
    if not np.array_equal(np.isfinite(x), np.isfinite(y)) or np.any(np.isnan(x) | np.isnan(y)):
        return False
    finite = np.isfinite(y)
    if np.any(x[~finite] != y[~finite]):
        return False                     # -oo where -oo, +oo where +oo
    extra = extra[finite] if np.ndim(extra) else extra
    x, y = x[finite], y[finite]
    return bool(np.all(np.abs(x - y) <= 1.0001 * tolerance + extra + 1e-9 * np.abs(y) + 1e-12))


def allow_equal(j: Judgement, claim: Val, ref: Val, tolerance: float, margin) -> Judgement:
    """Unprinted values that differ only by what rounded inputs explain are 'rounded'."""
    if j.verdict == "wrong" and not j.reason and fast_equal(claim, ref, tolerance, margin):
        return Judgement("rounded", j.expected, [], "within the rounding of the values it is computed from")
    return j
