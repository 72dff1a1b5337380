"""Printed numbers against a value, entry by entry.

Every entry goes through ``derive.numbers.compare`` (certified): exact,
rounded, truncated or wrong at its printed decimals. A whole result is
judged under one hypothesis (``derive.check.judge.search``); this module
counts how many of its entries that hypothesis fits. How printed numbers
are read into a grid is ``derive.check.read.grids``.

Under the enclosure hypothesis an entry fits when the Arb ball of every
value its inputs allow meets the numbers that round (or cut) to the printed
one; a ball wider than ``POLICY.enclosure_max_units`` last-place units
vouches for nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

import sympy as sp
from flint import arb, ctx, fmpq

from derive.check.claim import RANK, Verdict
from derive.check.evaluate.values import Val
from derive.check.policy import POLICY
from derive.check.read.grids import Grid, fit
from derive.errors import DeriveError
from derive.evaluate import Undecided, ball, bounds
from derive.numbers import Comparison, Printed, compare, format_significant, last_unit


@dataclass
class Judgement:
    verdict: Verdict                               # ok | rounded | truncated | wrong
    expected: list[list[str]] | None = None        # the value at the printed decimals
    wrong: list[tuple[int, int, str, str]] = field(default_factory=list)   # i, j, printed, expected
    reason: str = ""
    total: int = 1                                 # entries judged
    ups: int = 0                                   # entries rounded where cutting prints another number

    @property
    def fits(self) -> int:
        """How many entries the value explains."""
        return 0 if self.reason else self.total - len(self.wrong)


def judge(grid: Grid, exact: Val) -> Judgement:
    """Each printed number against the exact value at its own decimals."""
    fitted = fit(grid, exact.shape)
    if fitted is None:
        return _shape_mismatch(grid, exact.shape)

    ups = []

    def entry(i: int, j: int):
        p = fitted[i][j]
        c = _compare(p, exact.entry(i, j))
        ups.append(c.rounded_up)
        return _verdict(c), c.expected, (p.text, c.expected)
    j = _worst_entry(exact.shape, entry)
    j.ups = sum(ups)
    return j


def judge_both_printed(new: Grid, old: Grid) -> Judgement:
    """A restatement: consistent when either printing rounds the other. Whole
    numbers printed without a point are exact: ``(1, 2)`` is no rounding of
    ``(1.3, 2.1)``, nor the other way round. Only a lone number restated
    (``x \\approx 3`` after ``x = 2.93``) may still round."""
    fitted = fit(new, (len(old), len(old[0])))
    if fitted is None:
        return Judgement(Verdict.WRONG, reason="printed with another shape than before")
    old = exact_whole(old)
    fitted = exact_whole(fitted) if len(fitted) * len(fitted[0]) > 1 else fitted

    def entry(i: int, j: int):
        p, q = fitted[i][j], old[i][j]
        c = _compare(p, q.value)
        if c.verdict == "wrong" and _compare(q, p.value).verdict != "wrong":
            c = Comparison("rounded", p, p.text, "0")
        shown = q.text if c.verdict == "wrong" else p.text if p.decimals == POLICY.exact_decimals else c.expected
        return _verdict(c), shown, (p.text, q.text)
    return _worst_entry((len(old), len(old[0])), entry)


def judge_balls(grid: Grid, balls: Val, exact: Val | None = None,
                units: int = POLICY.enclosure_max_units) -> Judgement:
    """Each printed number against a ball of every value the inputs allow: it fits
    when some value in the ball rounds (or cuts) to it and the ball is at most
    ``units`` last-place units wide. Expected texts come from ``exact`` (the value
    under the exact hypothesis) when given."""
    fitted = fit(grid, balls.shape)
    if fitted is None:
        return _shape_mismatch(grid, balls.shape)
    shown = judge(grid, exact).expected if exact is not None and exact.shape == balls.shape else None

    def entry(i: int, j: int):
        p, b = fitted[i][j], balls.entry(i, j)
        text = shown[i][j] if shown else _ball_text(b, p.decimals)
        return _meets(p, b, units), text, (p.text, text)
    return _worst_entry(balls.shape, entry)


def excuse(j: Judgement, balls: Judgement) -> Judgement:
    """A judgement whose wrong entries a narrow enclosure explains: those are
    rounded (the inputs had digits the page did not print); the rest stay wrong."""
    if j.reason or balls.reason:
        return j
    still = {(i, k) for i, k, _, _ in balls.wrong}
    left = [w for w in j.wrong if (w[0], w[1]) in still]
    if len(left) == len(j.wrong):
        return j
    verdict = Verdict.WRONG if left else max(j.verdict if j.verdict != Verdict.WRONG else Verdict.OK,
                                             Verdict.ROUNDED, key=lambda v: RANK[v])
    return Judgement(verdict, j.expected, left, total=j.total)


SLACK = 1 + 1e-6     # arb radii are kept to 30 bits, rounded up


def _meets(p: Printed, b: arb, units: int) -> Verdict:
    """Is there a value in ball b whose rounding is p (rounded), else whose
    truncation is p (truncated), and is b narrow enough to vouch for p's last digit?"""
    if infinite(p) or not b.is_finite():
        return Verdict.WRONG
    u = last_unit(p.decimals)
    unit = fmpq(u.numerator, u.denominator)
    if 2 * b.rad() > units * arb(unit) * SLACK:      # (binary radii of decimal half-units overshoot a little)
        return Verdict.WRONG
    value = fmpq(int(p.value.p), int(p.value.q))
    if b.overlaps(arb(value, unit / 2)):
        return Verdict.ROUNDED
    return Verdict.TRUNCATED if _cut_to(b, value, unit) else Verdict.WRONG


def _cut_to(b: arb, value: fmpq, unit: fmpq) -> bool:
    """Does the ball hold a value that truncation toward zero makes ``value``:
    [v, v + u) for v > 0, (v - u, v] for v < 0, (-u, u) for v = 0?"""
    lo, hi = b.lower(), b.upper()
    if value > 0:
        return bool(hi >= arb(value)) and bool(lo < arb(value + unit))
    if value < 0:
        return bool(hi > arb(value - unit)) and bool(lo <= arb(value))
    return bool(hi > arb(-unit)) and bool(lo < arb(unit))


def equal_balls(claim: Val, ref: Val) -> Judgement:
    """Two computations whose balls meet, entry by entry (within the rounding of their inputs)."""
    if claim.shape != ref.shape:
        return Judgement(Verdict.WRONG, reason="of different shapes")

    def entry(i: int, j: int):
        a, b = claim.entry(i, j), ref.entry(i, j)
        ok = _balls_meet(a, b)
        return (Verdict.ROUNDED if ok else Verdict.WRONG), _ball_text(b, 8), (_ball_text(a, 8), _ball_text(b, 8))
    return _worst_entry(ref.shape, entry)


def _balls_meet(a: arb, b: arb) -> bool:
    """Do two balls meet, and are they narrow enough (``POLICY.equation_max_relative``) to mean it?"""
    if not (a.is_finite() and b.is_finite() and a.overlaps(b)):
        return False
    scale = abs(b.mid()) + abs(a.mid())
    width = 2 * (a.rad() + b.rad())
    return bool(width <= scale * POLICY.equation_max_relative) or bool(width.is_zero())


def judge_equal(claim: Val, ref: Val) -> Judgement:
    """Two exact values: ok when equal (to 60 digits), else wrong."""
    if claim.shape != ref.shape:
        if not (1 in claim.shape and claim.shape[::-1] == ref.shape):
            return Judgement(Verdict.WRONG, reason=f"{claim.shape[0]}x{claim.shape[1]} on one side, "
                                                   f"{ref.shape[0]}x{ref.shape[1]} on the other")
        claim = Val(claim.data.T, claim.scalar)

    def entry(i: int, j: int):
        v, text = _equal(claim.entry(i, j), ref.entry(i, j))
        return v, text, (short(claim.entry(i, j)), text)
    return _worst_entry(ref.shape, entry)


def _equal(a, b) -> tuple[Verdict, str]:
    text = short(b)
    if sp.zoo in (a, b) or sp.nan in (a, b):
        return Verdict.WRONG, text
    if not (a.is_finite is not False and b.is_finite is not False):
        return (Verdict.OK if a == b else Verdict.WRONG), text
    diff = a - b
    if diff == 0:
        return Verdict.OK, text
    try:
        with ctx.workprec(400):
            lo, hi = bounds(ball(diff))
    except (Undecided, TypeError, KeyError, ValueError, ZeroDivisionError):
        return Verdict.WRONG, text
    return (Verdict.OK if max(abs(lo), abs(hi)) < Fraction(1, 10**60) else Verdict.WRONG), text


# ---------------------------------------------------------------- helpers

def _shape_mismatch(grid: Grid, shape) -> Judgement:
    return Judgement(Verdict.WRONG, reason=f"printed as {len(grid)}x{len(grid[0])}, the formula gives "
                                           f"{shape[0]}x{shape[1]}")


def _verdict(c: Comparison) -> Verdict:
    return Verdict.OK if c.verdict == "exact" else Verdict(c.verdict)


def _worst_entry(shape, entry) -> Judgement:
    """A matrix is as good as its worst entry: ``entry(i, j)`` gives the entry's
    verdict, its expected text, and (printed, expected) to list when it is wrong."""
    verdict, expected, wrong = Verdict.OK, [], []
    for i in range(shape[0]):
        expected.append([])
        for j in range(shape[1]):
            v, text, shown = entry(i, j)
            expected[-1].append(text)
            if v == Verdict.WRONG:
                wrong.append((i, j, *shown))
            verdict = v if RANK[v] > RANK[verdict] else verdict
    return Judgement(verdict, expected, wrong, total=shape[0] * shape[1])


def infinite(p: Printed) -> bool:
    """A printed ``\\infty`` or ``-\\infty`` (an entry of a mask written out)."""
    return p.value is sp.S.Infinity or p.value is sp.S.NegativeInfinity


def _compare(p: Printed, value) -> Comparison:
    """A printed infinity is exact for that infinity and wrong for anything else."""
    if infinite(p):
        return Comparison("exact" if value == p.value else "wrong", p, short(value), "")
    if value in (sp.S.Infinity, sp.S.NegativeInfinity, sp.nan, sp.zoo):
        return Comparison("wrong", p, short(value), "")
    try:
        return compare(p, value)
    except (DeriveError, TypeError, KeyError, ValueError, ZeroDivisionError):
        return Comparison("wrong", p, "?", "")


def exact_whole(grid: Grid) -> Grid:
    """The grid with each whole number printed without a point or exponent given
    the finest decimals of the grid, or ``POLICY.exact_decimals`` when all are whole."""
    finest = max(p.decimals for row in grid for p in row)
    whole = lambda p: "." not in p.text and "e" not in p.text.lower() and not infinite(p)  # noqa: E731
    places = finest if finest > 0 else POLICY.exact_decimals
    return tuple(tuple(Printed(p.text, p.value, places) if whole(p) else p for p in row) for row in grid)


def short(x) -> str:
    """A value in 8 significant digits (an integer as it is)."""
    if x in (sp.S.Infinity, sp.S.NegativeInfinity, sp.nan, sp.zoo):
        return {sp.S.Infinity: "inf", sp.S.NegativeInfinity: "-inf"}.get(x, "nan")
    try:
        return format_significant(x, 8) if not x.is_Rational or x.q != 1 else str(x)
    except (DeriveError, TypeError, KeyError, ValueError):
        return str(x)


def _ball_text(b: arb, decimals: int) -> str:
    if not b.is_finite():
        return "?"
    lo, hi = b.lower(), b.upper()
    places = min(decimals + 1, 12)
    return f"[{float(lo.mid()):.{places}f}, {float(hi.mid()):.{places}f}]"
