"""The fast face: float64 NumPy values, used only to screen candidates.

A screen that passes is always confirmed in the exact face before a verdict.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import sympy as sp

from derive import fast_kernels
from derive.check.evaluate.values import MAX_ENTRIES, EvalError, Face, Val


class FastFace(Face):
    """Float64 NumPy values, for screening only."""

    exact = False

    def matrix(self, rows):
        if sum(len(r) for r in rows) > MAX_ENTRIES:
            raise EvalError("matrix too large")
        return np.array(rows, dtype=float)

    def number(self, value):
        if not value.is_Rational:       # a printed -\infty (a mask written out)
            return float(value)
        try:
            return float(value.p) / float(value.q) if abs(value.q) < 10 ** 300 else float(sp.N(value))
        except OverflowError:      # a numerator past float64 (10^320 / 10^299 is 10^21, though)
            return _float_or_infinite(Fraction(int(value.p), int(value.q)))

    def map(self, data, fn):
        with np.errstate(all="ignore"):
            return np.vectorize(fn, otypes=[float])(data)

    def map2(self, data, s, fn):
        with np.errstate(all="ignore"):
            return fn(data, s)

    def add_rows(self, data, row):
        return data + row

    def matmul(self, a, b):
        with np.errstate(all="ignore"):
            return a @ b

    def transpose_data(self, data):
        return data.T.copy()

    def is_zero(self, x) -> bool:
        return x == 0

    def whole(self, x) -> int | None:
        x = float(x)
        return int(x) if np.isfinite(x) and x == int(x) else None

    def pow(self, x, e):
        with np.errstate(all="ignore"):
            try:
                return float(np.power(float(x), float(e)))
            except (OverflowError, ValueError):
                return float("nan")

    def constant(self, name: str):
        return {"e": np.e, "pi": np.pi}[name]

    def function(self, name: str, x):
        with np.errstate(all="ignore"):
            return float(FAST_FUNCTIONS[name](x))

    def apply_stage(self, stage, operands: tuple, params: tuple):
        with np.errstate(all="ignore"):
            return stage.fast(*[np.array(data, dtype=float) for data in operands], *[float(p) for p in params])

    def causal_mask(self, data):
        return fast_kernels.causal_mask(data)

    def maximum(self, x, y):
        return max(x, y)

    def hstack(self, blocks):
        return np.hstack(blocks)


FAST_FUNCTIONS = {
    "sin": np.sin, "cos": np.cos, "tan": np.tan, "exp": np.exp, "log": np.log,
    "log10": np.log10, "log2": np.log2, "sqrt": np.sqrt, "tanh": np.tanh, "abs": np.abs,
    "ceil": np.ceil, "floor": np.floor, "erf": math.erf,
}


def _float_or_infinite(x: Fraction) -> float:
    """The nearest float64, or an infinity past its range: what NumPy computes there."""
    try:
        return float(x)
    except OverflowError:
        return math.inf if x > 0 else -math.inf


FAST = FastFace()


def to_fast(v: Val) -> Val:
    """The float face of an exact value (through Arb balls for transcendental entries)."""
    from derive.evaluate import ball

    rows, cols = v.shape
    out = np.empty((rows, cols))
    for i in range(rows):
        for j in range(cols):
            x = v.entry(i, j)
            if x.is_Rational:
                out[i, j] = FAST.number(x)
            elif x is sp.S.NegativeInfinity or x is sp.S.Infinity:
                out[i, j] = float(x)
            else:
                try:
                    out[i, j] = float(ball(x).mid())
                except (TypeError, KeyError, ValueError):
                    out[i, j] = float("nan")
    return Val(out, v.scalar)
