r"""The ball face: every entry an Arb ball (python-flint ``arb``) that provably
holds the value, used for the *enclosure* hypothesis: inputs known only to
their last printed digit become balls of half a unit, and a formula computed
over them gives balls that hold every value the author could have computed.

Balls are kept tight where a formula would otherwise count one input twice:
the stages' own ball faces do it for softmax and layer norm (see
``derive.stages``), and here

    x^2       = [\min x^2, \max x^2]            (never below 0)

A ball that is not finite (a log of a ball touching 0) holds nothing useful:
the judge then has no enclosure, never a false one.
"""

from __future__ import annotations

import numpy as np
import sympy as sp
from flint import arb, fmpq

from derive.check.evaluate.values import MAX_ENTRIES, EvalError, Face
from derive.evaluate import ball as exact_ball, rational_ball, square_ball

NEG_INF = arb.neg_inf()


def rational(q) -> arb:
    """The ball of an exact rational (or of +-oo)."""
    if q is sp.S.NegativeInfinity:
        return arb.neg_inf()
    if q is sp.S.Infinity:
        return arb.pos_inf()
    return rational_ball(q)


def widened(q, half) -> arb:
    """Every value whose rounding is ``q``: the ball [q - half, q + half] (an infinity is itself;
    an exact value that is not a rational, put into a working by derive, is its own ball)."""
    if not q.is_Rational:
        return rational(q) if not q.is_finite else exact_ball(q)
    return arb(fmpq(int(q.p), int(q.q)), fmpq(int(half.p), int(half.q)))


def hull(lo: arb, hi: arb) -> arb:
    """The smallest ball holding both (bounds given as balls)."""
    return arb.union(lo, hi)


class ArbFace(Face):
    """Arb balls in NumPy object arrays (``@`` on them is the plain matrix product)."""

    exact = False

    def matrix(self, rows):
        if sum(len(r) for r in rows) > MAX_ENTRIES:
            raise EvalError("matrix too large")
        out = np.empty((len(rows), len(rows[0]) if rows else 0), dtype=object)
        for i, row in enumerate(rows):
            for j, x in enumerate(row):
                out[i, j] = x
        return out

    def number(self, value):
        return rational(value) if value.is_Rational or not value.is_finite else exact_ball(value)

    def rounding(self, value, half):
        return widened(value, half)

    def whole(self, x) -> int | None:
        n = x.unique_fmpz() if x.is_finite() else None
        return int(n) if n is not None and x.is_exact() else None

    def map(self, data, fn):
        return self.matrix([[fn(x) for x in row] for row in data])

    def map2(self, data, s, fn):
        return self.matrix([[fn(x, s) for x in row] for row in data])

    def add_rows(self, data, row):
        return self.matrix([[data[i, j] + row[0, j] for j in range(data.shape[1])] for i in range(data.shape[0])])

    def matmul(self, a, b):
        return a @ b

    def transpose_data(self, data):
        return data.T.copy()

    def is_zero(self, x) -> bool:
        return x.is_exact() and x.is_zero()

    def square(self, x):
        return square_ball(x)

    def pow(self, x, e):
        n = self.whole(e)
        if n is not None and abs(n) <= 1000:
            power = arb(1)
            for _ in range(abs(n) // 2):
                power *= self.square(x)
            power = power * x if abs(n) % 2 else power
            return power if n >= 0 else 1 / power
        if e.is_exact() and e == arb(fmpq(1, 2)):
            return x.sqrt()
        return (e * x.log()).exp()

    def constant(self, name: str):
        return arb.pi() if name == "pi" else arb(1).exp()

    def function(self, name: str, x):
        return ARB_FUNCTIONS[name](self, x)

    def maximum(self, x, y):
        if x >= y:
            return x
        if y >= x:
            return y
        return hull(x.lower().max(y.lower()), x.upper().max(y.upper()))

    def causal_mask(self, data):
        return self.matrix([[x if j <= i else NEG_INF for j, x in enumerate(row)] for i, row in enumerate(data)])

    def apply_stage(self, stage, operands: tuple, params: tuple):
        return self.matrix(stage.by_rows(stage.ball, operands, params))

    def hstack(self, blocks):
        return np.hstack(blocks)


ARB_FUNCTIONS = {
    "sin": lambda f, x: x.sin(), "cos": lambda f, x: x.cos(), "tan": lambda f, x: x.tan(),
    "exp": lambda f, x: x.exp(), "log": lambda f, x: x.log(),
    "log10": lambda f, x: x.log() / arb(10).log(), "log2": lambda f, x: x.log() / arb(2).log(),
    "sqrt": lambda f, x: x.sqrt(), "tanh": lambda f, x: x.tanh(),
    "abs": lambda f, x: x if x >= 0 else -x if x <= 0 else hull(arb(0), abs(x).upper()),
    "ceil": lambda f, x: x.ceil(),
    "floor": lambda f, x: x.floor(), "erf": lambda f, x: x.erf(),
}

ARB = ArbFace()
