"""The symbolic face of stages that are not plain matrix algebra.

``Q * K.T / sqrt(d_k)`` is already a SymPy matrix expression; softmax, layer
norm, ReLU, a causal mask, a concatenation and a broadcast bias are not. Each
is a small ``MatrixExpr`` subclass: it knows its shape and its LaTeX, and
``doit()`` hands explicit arguments to the stage's exact face, so the symbolic
face with matrices substituted *is* the exact face. The ``Stage`` records
(softmax, layer norm, the activations) get theirs from ``derive.stages.record``;
the mask, the concatenation and the broadcast are here.
"""

from __future__ import annotations

from collections.abc import Callable

import sympy as sp

from derive.symbols import as_expr


def is_explicit(M) -> bool:
    """True for a matrix with entries (the exact face), False for a MatrixExpr."""
    return isinstance(M, sp.MatrixBase)


def shape_text(M) -> str:
    """'3x4' (or 'nxd_model'): a shape for error messages."""
    rows, cols = M.shape
    return f"{rows}x{cols}"


class MatrixFunction(sp.MatrixExpr):
    """f(A, ...): a named function of matrix expressions, shaped like A.

    Subclasses set ``latex_name`` and ``exact`` (the explicit-matrix rule).
    """

    latex_name = ""
    exact: Callable

    def __new__(cls, *args):
        return sp.Basic.__new__(cls, *[as_expr(a) for a in args])

    @property
    def shape(self):
        return self.args[0].shape

    def doit(self, **hints):
        args = [a.doit(**hints) for a in self.args]
        if all(is_explicit(a) for a in args if isinstance(a, sp.MatrixExpr)):
            return type(self).exact(*args)
        return type(self)(*args)

    def _latex(self, printer):
        inner = printer._print(self.args[0])
        return rf"\mathrm{{{self.latex_name}}}\left({inner}\right)"


class RowBroadcast(sp.MatrixExpr):
    """A 1 x m row b repeated on each of n rows: the bias of ``X W + b``."""

    def __new__(cls, row, n):
        return sp.Basic.__new__(cls, row, sp.Integer(n) if isinstance(n, int) else n)

    @property
    def shape(self):
        return (self.args[1], self.args[0].shape[1])

    def doit(self, **hints):
        row, n = (a.doit(**hints) for a in self.args)
        if is_explicit(row) and n.is_Integer:
            return sp.ImmutableMatrix(sp.ones(int(n), 1) * row)
        return RowBroadcast(row, n)

    def _latex(self, printer):
        return printer._print(self.args[0])


class Concat(sp.MatrixExpr):
    """[A_1 | A_2 | ...]: matrices side by side (the heads of multi-head attention)."""

    def __new__(cls, *blocks):
        return sp.Basic.__new__(cls, *blocks)

    @property
    def shape(self):
        return (self.args[0].shape[0], sum((b.shape[1] for b in self.args), sp.Integer(0)))

    def doit(self, **hints):
        blocks = [b.doit(**hints) for b in self.args]
        if all(is_explicit(b) for b in blocks):
            return sp.ImmutableMatrix(sp.Matrix.hstack(*blocks))
        return Concat(*blocks)

    def _latex(self, printer):
        inner = ", ".join(printer._print(b) for b in self.args)
        return rf"\mathrm{{Concat}}\left({inner}\right)"
