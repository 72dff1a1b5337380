r"""The ball face: every entry an Arb ball (python-flint ``arb``) that provably
holds the value, used for the *enclosure* hypothesis: inputs known only to
their last printed digit become balls of half a unit, and a formula computed
over them gives balls that hold every value the author could have computed.

Balls are kept tight where a formula would otherwise count one input twice:

    softmax_i = 1 / \sum_j e^{x_j - x_i}        (the j = i term is exactly 1)
    x_i - \mu = (1 - 1/n) x_i - \sum_{j \ne i} x_j / n
    x^2       = [\min x^2, \max x^2]            (never below 0)

A ball that is not finite (a log of a ball touching 0) holds nothing useful:
the judge then has no enclosure, never a false one.
"""

from __future__ import annotations

import numpy as np
import sympy as sp
from flint import arb, fmpq

from derive.check.evaluate.values import MAX_ENTRIES, EvalError, Face
from derive.evaluate import ball as exact_ball, rational_ball

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


def masked(x: arb) -> bool:
    """An entry the causal mask set to -oo."""
    return not x.is_finite() and float(x) == float("-inf")


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
        if x > 0 or x < 0:
            return x * x
        top = abs(x.lower()).upper().max(abs(x.upper()).upper())   # x holds 0: [0, max |x|^2]
        return hull(arb(0), top * top)

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

    def relu(self, data):
        return self.map(data, self._relu)

    def _relu(self, x):
        r"""\max(0, x): x when positive, 0 when negative, [0, \max x] when x holds 0."""
        if x > 0:
            return x
        if x < 0:
            return arb(0)
        return hull(arb(0), x.upper())

    def maximum(self, x, y):
        if x >= y:
            return x
        if y >= x:
            return y
        return hull(x.lower().max(y.lower()), x.upper().max(y.upper()))

    def causal_mask(self, data):
        return self.matrix([[x if j <= i else NEG_INF for j, x in enumerate(row)] for i, row in enumerate(data)])

    def softmax(self, data, how: str):
        z = data.T if how == "columns" else data
        z = self.causal_mask(z) if how == "masked" else z
        out = self.matrix([_softmax_row(list(row)) for row in z])
        return out.T.copy() if how == "columns" else out

    def layer_norm(self, data, eps, how: str):
        eps = arb(0) if how == "no_eps" else eps
        return self.matrix([self._layer_norm_row(list(row), eps, how) for row in data])

    def _layer_norm_row(self, xs: list, eps, how: str) -> list:
        r"""(x_i - \mu) / \sqrt{\sigma^2 + \epsilon} with each x_i - \mu written out."""
        n = len(xs)
        if how == "sample" and n < 2:
            raise EvalError("a sample variance of one value")
        centred = [sum((x * fmpq(n - 1, n) if j == i else -x / n for j, x in enumerate(xs)), arb(0))
                   for i in range(n)]
        var = sum((self.square(c) for c in centred), arb(0)) / (n - 1 if how == "sample" else n)
        scale = var.sqrt() + eps if how == "std_eps" else (var + eps).sqrt()
        return [c / scale for c in centred]

    def hstack(self, blocks):
        return np.hstack(blocks)


def _softmax_row(xs: list) -> list:
    r"""softmax_i = 1 / \sum_j e^{x_j - x_i}; masked entries are exactly 0."""
    out = []
    for i, x in enumerate(xs):
        if masked(x):
            out.append(arb(0))
            continue
        total = arb(1)
        for j, y in enumerate(xs):
            if j != i and not masked(y):
                total += (y - x).exp()
        out.append(1 / total)
    return out


def _sigmoid(face: ArbFace, x):
    r"""\sigma(x) = 1 / (1 + e^{-x})."""
    return 1 / (1 + (-x).exp())


ARB_FUNCTIONS = {
    "sin": lambda f, x: x.sin(), "cos": lambda f, x: x.cos(), "tan": lambda f, x: x.tan(),
    "exp": lambda f, x: x.exp(), "log": lambda f, x: x.log(),
    "log10": lambda f, x: x.log() / arb(10).log(), "log2": lambda f, x: x.log() / arb(2).log(),
    "sqrt": lambda f, x: x.sqrt(), "tanh": lambda f, x: x.tanh(),
    "abs": lambda f, x: x if x >= 0 else -x if x <= 0 else hull(arb(0), abs(x).upper()),
    "sigmoid": _sigmoid, "relu": lambda f, x: f._relu(x), "ceil": lambda f, x: x.ceil(),
    "floor": lambda f, x: x.floor(),
}

ARB = ArbFace()
