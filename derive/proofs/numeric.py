r"""Certified numeric check: both sides of a claim, and a finite difference.

At a random rational point (fixed seed) every claim
$\partial f / \partial v = g$ is evaluated with Arb balls (python-flint),
which enclose the true value with a proven radius:

* SymPy's derivative and the claimed $g$ must agree to ``DIGITS`` digits,
  $|a - b| \le 10^{-D} \max(1, |b|)$, decided with certainty;
* a central difference $\frac{f(v + h) - f(v - h)}{2h}$ with $h = 10^{-30}$,
  at about 126 digits so that the subtraction leaves about 96, must agree with
  $g$ to the same ``DIGITS``. Its truncation error, about $h^2 f''' / 6$, is
  far below $10^{-40}$ at these points; its rounding error is in the ball.

If a ball is too wide to decide, the precision doubles (up to ``derive.evaluate.MAX_PREC``).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping, Sequence
from fractions import Fraction
from typing import TypeVar

import sympy as sp
from flint import arb, ctx

from derive.symbols import as_expr
from derive.evaluate import Undecided, ball, bounds, certainly, rational_ball, sign
from derive.stages.activation import ReLU

DIGITS = 40            # digits both sides must agree to
SHOWN_DIGITS = 50      # precision of the two sides, and the cap of a reported agreement
SIDES_PREC = 180       # bits: about 54 digits
STEP_EXPONENT = -30
STEP = sp.Rational(10) ** STEP_EXPONENT
STEP_PREC = 420        # bits: about 126 digits

T = TypeVar("T")


# The k-th point of an identity draws its values from one of these ranges of magnitude,
# in turn: small values first (a softmax of products of them stays far from one-hot, so a
# wrong factor shows), then tiny ones and large ones (a kink or a term that only shows
# away from [-2, 2]).
MAGNITUDES = ((None, None), (-3, -1), (None, None), (1, 3))
MAX_DRAWS = 200        # points tried before an identity is said to have no defined point
WIDE_DRAWS = 12        # tries at a range of tiny or large values before small values are drawn
CONDITION_PREC = 512   # bits at which every side must already be known to CONDITION_DIGITS
CONDITION_DIGITS = 60
REFUTE_PREC = 4096     # bits: the most precision spent to show that two close sides differ


def sample_value(symbol: sp.Symbol, rng: random.Random, k: int = 0) -> sp.Rational:
    """A random rational respecting the symbol's sign assumptions: in [-2, 2] for the
    small ranges, else of magnitude 10^a .. 10^b (``MAGNITUDES[k]``) with a random sign;
    an integer symbol gets an integer in [0, 40]."""
    if symbol.is_integer:
        return sp.Integer(rng.randint(1 if symbol.is_positive else 0, 40))
    low, high = MAGNITUDES[k % len(MAGNITUDES)]
    while True:
        if low is None:
            q = rng.randint(2, 12)
            value = sp.Rational(rng.randint(-2 * q, 2 * q), q)
        else:
            mantissa = sp.Rational(rng.randint(100, 999), 100)
            value = mantissa * sp.Rational(10) ** rng.randint(low, high - 1) * rng.choice((-1, 1))
        if symbol.is_positive or symbol.is_negative:
            value = abs(value) if symbol.is_positive else -abs(value)
        if value != 0 or not (symbol.is_nonzero or symbol.is_positive or symbol.is_negative):
            return value


KINKED = (sp.Max, sp.Min, sp.Heaviside, sp.Abs, sp.sign, sp.Piecewise, ReLU)    # functions with kinks
MAX_KINKS = 8          # kink locations sampled on both sides, per identity
KINK_STEP = sp.Rational(1, 7)


def kinked(exprs: Sequence[sp.Expr]) -> set[sp.Expr]:
    """Every kinked function (``KINKED``) in ``exprs``, in one walk of each."""
    return set().union(*(e.atoms(*KINKED) for e in exprs))


def kink_locations(atoms: set[sp.Expr]) -> list[tuple[sp.Symbol, sp.Rational]]:
    """(symbol, value) where a piecewise function of one symbol changes branch: the
    boundaries of the kinked ``atoms`` (Max, Min, Heaviside, Abs, sign, Piecewise and
    ReLU) whose condition is linear in a single symbol (ReLU6 and clip(x, -5, 5) give
    0 and 6, -5 and 5)."""
    found: set = set()
    for atom in atoms:
        if isinstance(atom, ReLU):
            relations = [atom.args[0] > 0]
        else:
            try:
                relations = sp.piecewise_fold(atom.rewrite(sp.Piecewise)).atoms(sp.core.relational.Relational)
            except (TypeError, ValueError, NotImplementedError):
                continue
        for rel in relations:
            if not isinstance(rel, sp.core.relational.Relational):
                continue
            d = rel.lhs - rel.rhs
            if len(d.free_symbols) != 1:
                continue
            s = next(iter(d.free_symbols))
            poly = sp.Poly(d, s) if d.is_polynomial(s) else None
            if poly is not None and poly.degree() == 1 and all(c.is_Rational for c in poly.all_coeffs()):
                a, b = poly.all_coeffs()
                found.add((s, -b / a))
    return sorted(found, key=lambda sv: (sp.default_sort_key(sv[0]), sv[1]))[:MAX_KINKS]


def kinks(atoms: set[sp.Expr]) -> list[sp.Expr]:
    """Arguments of the ReLUs and Heavisides among ``atoms``: a point must keep each away from 0."""
    return sorted({f.args[0] for f in atoms if isinstance(f, (ReLU, sp.Heaviside))}, key=sp.default_sort_key)


class NoPoint(Exception):
    """No point was found where every side of the identity is defined."""


def draw_point(symbols: Sequence[sp.Symbol], at: Mapping, avoid: Sequence[sp.Expr],
               rng: random.Random, k: int = 0, usable: Callable[[dict], bool] | None = None) -> dict:
    """Exact values for ``symbols``, then for the ``at`` names, off every kink and where
    ``usable`` says every side is defined and well conditioned (a singular matrix, a log
    of a negative number, e^{1000 x} beside e^{-1000 x} are drawn again), at most
    ``MAX_DRAWS`` times; after ``WIDE_DRAWS`` tries at the k-th range of magnitude, small
    values are drawn instead."""
    for attempt in range(MAX_DRAWS):
        point = {s: sample_value(s, rng, k if attempt < WIDE_DRAWS else 0) for s in symbols}
        point.update({name: as_expr(v).xreplace(point) for name, v in at.items()})
        if not any(is_zero(a.xreplace(point)) for a in avoid) and (usable is None or usable(point)):
            return point
    raise NoPoint(f"no point in {MAX_DRAWS} draws where every side is defined")


def defined(exprs: Sequence[sp.Expr], point: Mapping) -> bool:
    """Is every expression finite at the point, and known there to ``CONDITION_DIGITS``
    significant digits at ``CONDITION_PREC`` bits (so that a comparison is cheap to decide)?"""
    with ctx.workprec(CONDITION_PREC):
        env = environment(point)
        memo: dict = {}
        try:
            balls = [ball(e, env, memo) for e in exprs]
        except (ZeroDivisionError, ValueError, Undecided):
            return False
    for b in balls:
        if not b.is_finite():
            return False
        try:
            lo, hi = bounds(b)
        except Undecided:        # past 2^65536: no number a check can use
            return False
        if hi - lo > max(Fraction(1), abs(lo), abs(hi)) / 10 ** CONDITION_DIGITS:
            return False
    return True


def certainly_nonzero(expr: sp.Expr, point: Mapping) -> bool:
    """Does the ball of ``expr`` at the point exclude 0 at some precision up to ``REFUTE_PREC``?"""
    prec = SIDES_PREC
    while prec <= REFUTE_PREC:
        with ctx.workprec(prec):
            try:
                b = ball(expr, environment(point), {})
            except (ZeroDivisionError, ValueError, Undecided):
                return False
            if b.is_finite() and (b > 0 or b < 0):
                return True
        prec *= 2
    return False


def is_zero(value: sp.Expr) -> bool:
    """Exactly zero? (A rational is compared directly; anything else by its certified sign.)"""
    return value == 0 if value.is_Rational else sign(value) == 0


def environment(point: Mapping) -> dict:
    """Balls for the exact values of a point, at the current precision."""
    return {s: ball(v) if not v.is_Rational else rational_ball(v) for s, v in point.items()}


def agreement(a: arb, b: arb) -> int:
    r"""The largest $D \le$ SHOWN_DIGITS with $|a - b| \le 10^{-D} \max(1, |b|)$, certainly."""
    lo, hi = bounds(a - b)
    width = max(abs(lo), abs(hi))
    b_lo, b_hi = bounds(b)
    scale = max(Fraction(1), min(abs(b_lo), abs(b_hi)) if b_lo * b_hi > 0 else Fraction(1))
    digits = 0
    while digits < SHOWN_DIGITS and width <= scale / 10 ** (digits + 1):
        digits += 1
    return digits


def differ(a: arb, b: arb, digits: int) -> bool:
    r"""True when certainly $|a - b| > 10^{-D} \max(1, |b|)$."""
    lo, hi = bounds(a - b)
    gap = lo if lo > 0 else (-hi if hi < 0 else Fraction(0))
    _, b_hi = bounds(abs(b))
    return gap > max(Fraction(1), b_hi) / 10**digits


def compare(a: Callable[[], arb], b: Callable[[], arb], digits: int, bits: int, what: str):
    """(agree, digits agreed) for two ball evaluations, decided with certainty."""
    def decide():
        x, y = a(), b()
        shown = agreement(x, y)
        if shown >= digits:
            return True, shown
        if differ(x, y, digits):
            return False, shown
        raise Undecided
    return certainly(decide, what, start=bits)


def central_difference(f: sp.Expr, var: sp.Symbol, point: Mapping) -> arb:
    r"""$\frac{f(v + h) - f(v - h)}{2h}$ at ``point``, at the current precision."""
    values = []
    for shift in (STEP, -STEP):
        moved = dict(point)
        moved[var] = point[var] + shift
        values.append(ball(f, environment(moved), {}))
    return (values[0] - values[1]) / rational_ball(2 * STEP)
