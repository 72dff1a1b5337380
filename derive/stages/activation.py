r"""Element-wise activations (each a ``Stage`` record) and certified decisions on exact values.

    \sigma(z) = \frac{1}{1 + e^{-z}}, \qquad \sigma'(z) = \sigma(z) (1 - \sigma(z))
    \mathrm{ReLU}(z) = \max(0, z), \qquad \mathrm{ReLU}'(z) = H(z) \quad (z \ne 0)
    [z \ge t] = 1 \text{ if } z \ge t \text{ else } 0, \qquad
    \arg\max_j p_j

Costs per entry: the sigmoid one exp, one add, one div (the negation is free);
ReLU one comparison.
"""

from __future__ import annotations

import numpy as np
import sympy as sp
from flint import arb

from derive.evaluate import Undecided, sign
from derive.stages.cost import Ops
from derive.stages.record import entrywise


def sigmoid(z):
    r"""\sigma(z) = \frac{1}{1 + e^{-z}}."""
    return 1 / (1 + sp.exp(-z))


def sigmoid_grad(z):
    r"""\sigma'(z) = \sigma(z) (1 - \sigma(z))."""
    return sigmoid(z) * (1 - sigmoid(z))


def sigmoid_fast(x: np.ndarray, own: bool = False) -> np.ndarray:
    r"""\frac{1}{1 + e^{-x}} element-wise."""
    return 1.0 / (1.0 + np.exp(-x))


SIGMOID = entrywise(
    "sigmoid", "Sigmoid", r"\frac{1}{1 + e^{-x_j}}", sigmoid, sigmoid_grad, sigmoid_fast,
    lambda x: 1 / (1 + (-x).exp()), Ops(exp=1, add=1, div=1),
    names=("sigma", "sigmoid"), latex=lambda inner, *_: rf"\sigma\left({inner}\right)", exponent_guard=True)

sigmoid_matrix = SIGMOID
Sigmoid = SIGMOID.symbolic


class ReLU(sp.Function):
    r"""\max(0, x), decided with certainty for exact x; unevaluated for a symbol."""

    @classmethod
    def eval(cls, x):
        if x.is_Number:
            return x if x > 0 else sp.S.Zero
        if x.free_symbols:
            return None
        return x if sign(x) > 0 else sp.S.Zero

    def fdiff(self, argindex=1):
        """d/dx max(0, x) = Heaviside(x) (undefined at x = 0)."""
        return sp.Heaviside(self.args[0])

    def _arb(self, x):
        """The certified rule for ball arithmetic: decide the side of zero."""
        if x > 0:
            return x
        if x < 0 or (x.is_exact() and x.is_zero()):
            return x * 0
        raise Undecided("ReLU argument too close to zero")

    def _latex(self, printer):
        return rf"\max\left(0, {printer._print(self.args[0])}\right)"


def relu_grad(x):
    r"""\mathrm{ReLU}'(x) = H(x), the Heaviside step (x \ne 0)."""
    return sp.Heaviside(x)


def relu_fast(x: np.ndarray, own: bool = False) -> np.ndarray:
    r"""\max(0, x) element-wise."""
    return np.maximum(x, 0.0, out=x if own else None)


def relu_ball(x: arb) -> arb:
    r"""\max(0, x) over a ball: x when positive, 0 when negative, [0, \max x] when x holds 0."""
    if x > 0:
        return x
    if x < 0:
        return arb(0)
    return arb.union(arb(0), x.upper())


RELU = entrywise(
    "relu", "ReLU", r"\max(0, x_j)", ReLU, relu_grad, relu_fast, relu_ball, Ops(cmp=1),
    names=("ReLU", "relu"), latex=lambda inner, *_: rf"\max\left(0, {inner}\right)")

relu = RELU
ReLUMatrix = RELU.symbolic


class AtLeast(sp.Function):
    r"""[z \ge t]: 1 when z \ge t, else 0; decided with certainty."""

    @classmethod
    def eval(cls, z, t):
        if z.free_symbols or t.free_symbols:
            return None
        return sp.S.One if sign(z - t) >= 0 else sp.S.Zero

    def _arb(self, z, t):
        diff = z - t
        if diff > 0 or (diff.is_exact() and diff.is_zero()):
            return diff * 0 + 1
        if diff < 0:
            return diff * 0
        raise Undecided("too close to the threshold")

    def _latex(self, printer):
        return rf"\left[{printer._print(self.args[0])} \ge {printer._print(self.args[1])}\right]"


def threshold(M, at):
    r"""[M \ge t] entry by entry: 1 where the entry reaches the threshold, else 0."""
    return sp.ImmutableMatrix(M.applyfunc(lambda z: AtLeast(z, sp.Rational(at))))


class ArgMax(sp.Function):
    r"""\arg\max_j p_j (0-based), decided with certainty; the first of exact ties."""

    @classmethod
    def eval(cls, *p):
        if any(v.free_symbols for v in p):
            return None
        best = 0
        for j in range(1, len(p)):
            if sign(p[j] - p[best]) > 0:
                best = j
        return sp.Integer(best)

    def _arb(self, *p):
        best = 0
        for j in range(1, len(p)):
            diff = p[j] - p[best]
            if diff > 0:
                best = j
            elif not (diff < 0 or (diff.is_exact() and diff.is_zero())):
                raise Undecided("two entries too close to tell the larger")
        return p[0] * 0 + best


def argmax_rows(P, vocabulary=None):
    r"""One index per row: \arg\max_j P_{ij} (a column); ``vocabulary`` names the columns."""
    if vocabulary is not None and len(vocabulary) != P.cols:
        raise ValueError(f"a vocabulary of {len(vocabulary)} words for {P.cols} columns")
    return sp.ImmutableMatrix([[ArgMax(*P.row(i))] for i in range(P.rows)])
