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
from flint import arb

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


def sample_value(symbol: sp.Symbol, rng: random.Random) -> sp.Rational:
    """A small random rational in [-2, 2] (or an integer in [0, 40]) that
    respects the symbol's sign assumptions.

    Small, so that a softmax of products of them stays far from one-hot and a
    wrong factor changes the value visibly.
    """
    if symbol.is_integer:
        return sp.Integer(rng.randint(1 if symbol.is_positive else 0, 40))
    while True:
        q = rng.randint(2, 12)
        value = sp.Rational(rng.randint(-2 * q, 2 * q), q)
        if symbol.is_positive or symbol.is_negative:
            value = abs(value) if symbol.is_positive else -abs(value)
        if value != 0 or not (symbol.is_nonzero or symbol.is_positive or symbol.is_negative):
            return value


def kinks(exprs: Sequence[sp.Expr]) -> list[sp.Expr]:
    """Arguments of ReLU and Heaviside: a point must keep each away from 0."""
    found = set()
    for e in exprs:
        found.update(f.args[0] for f in e.atoms(ReLU, sp.Heaviside))
    return sorted(found, key=sp.default_sort_key)


def draw_point(symbols: Sequence[sp.Symbol], at: Mapping, avoid: Sequence[sp.Expr],
               rng: random.Random) -> dict:
    """Exact values for ``symbols``, then for the ``at`` names, off every kink."""
    while True:
        point = {s: sample_value(s, rng) for s in symbols}
        point.update({k: as_expr(v).xreplace(point) for k, v in at.items()})
        if not any(_is_zero(a.xreplace(point)) for a in avoid):
            return point


def _is_zero(value: sp.Expr) -> bool:
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
