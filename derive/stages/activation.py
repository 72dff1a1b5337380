r"""Element-wise activations and certified decisions on exact values.

    \sigma(z) = \frac{1}{1 + e^{-z}}, \qquad
    [z \ge t] = 1 \text{ if } z \ge t \text{ else } 0, \qquad
    \arg\max_j p_j
"""

from __future__ import annotations

import sympy as sp

from derive.evaluate import Undecided, sign
from derive.stages.matexpr import MatrixFunction, is_explicit


def sigmoid(z):
    r"""\sigma(z) = \frac{1}{1 + e^{-z}}."""
    return 1 / (1 + sp.exp(-z))


def sigmoid_matrix(M):
    r"""\sigma applied to every entry of M."""
    if not is_explicit(M):
        return Sigmoid(M)
    return sp.ImmutableMatrix(M.applyfunc(sigmoid))


class Sigmoid(MatrixFunction):
    latex_name = r"\sigma"
    exact = staticmethod(sigmoid_matrix)

    def _latex(self, printer):
        return rf"\sigma\left({printer._print(self.args[0])}\right)"


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
