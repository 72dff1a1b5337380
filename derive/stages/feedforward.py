r"""The position-wise feed-forward net and its ReLU.

    \mathrm{FFN}(x) = \max(0, x W_1 + b_1) W_2 + b_2
"""

from __future__ import annotations

import sympy as sp

from derive.evaluate import Undecided, sign
from derive.stages.attention import project
from derive.stages.matexpr import MatrixFunction, is_explicit


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


def relu(M):
    r"""\max(0, M) element-wise."""
    if not is_explicit(M):
        return ReLUMatrix(M)
    return sp.ImmutableMatrix(M.applyfunc(ReLU))


def feed_forward(x, W_1, b_1, W_2, b_2):
    r"""\mathrm{FFN}(x) = \max(0, x W_1 + b_1) W_2 + b_2."""
    return project(relu(project(x, W_1, b_1)), W_2, b_2)


class ReLUMatrix(MatrixFunction):
    latex_name = "ReLU"
    exact = staticmethod(relu)

    def _latex(self, printer):
        return rf"\max\left(0, {printer._print(self.args[0])}\right)"
