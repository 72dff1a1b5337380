r"""Softmax of each row, with its backward rule and cost.

    p_j = \frac{e^{z_j}}{\sum_k e^{z_k}}, \qquad
    \left(J^T g\right)_j = p_j \left(g_j - \sum_i g_i p_i\right)
    \quad \text{from} \quad \frac{\partial p_i}{\partial z_j} = p_i (\delta_{ij} - p_j)

Cost of an r x c input (no max shift, as the exact face): per row c ``exp``,
c - 1 ``add`` (the row sum) and c ``div``.
"""

from __future__ import annotations

import numpy as np
import sympy as sp
from flint import arb, fmpq

from derive.stages.cost import Ops
from derive.stages.record import Stage


def softmax_row(z):
    r"""p_j = \frac{e^{z_j}}{\sum_k e^{z_k}} for one row z."""
    exps = [sp.exp(v) for v in z]
    total = sp.Add(*exps)
    return [e / total for e in exps]


def softmax_jacobian(z) -> sp.ImmutableMatrix:
    r"""\frac{\partial p_i}{\partial z_j} = p_i (\delta_{ij} - p_j): the full Jacobian, whose
    transpose times g is ``softmax_vjp`` (``derive prove softmax-jacobian`` proves it)."""
    p = softmax_row(z)
    return sp.ImmutableMatrix(len(p), len(p), lambda a, b: p[a] * (sp.KroneckerDelta(a, b) - p[b]))


def softmax_vjp(z, g):
    r"""\left(J^T g\right)_j = p_j \left(g_j - \sum_i g_i p_i\right), p = softmax(z)."""
    p = softmax_row(z)
    inner = sp.Add(*[gi * pi for gi, pi in zip(g, p)])
    return [pj * (gj - inner) for pj, gj in zip(p, g)]


def softmax_fast(S: np.ndarray, own: bool = False) -> np.ndarray:
    r"""Row softmax, shifted by the row maximum so that no exponential overflows."""
    m = S.max(axis=-1, keepdims=True)                  # (..., n, 1)
    Z = np.subtract(S, m, out=S if own else None)      # (..., n, n): every entry <= 0
    np.exp(Z, out=Z)
    Z /= Z.sum(axis=-1, keepdims=True)
    return Z


def masked(x: arb) -> bool:
    """A ball the causal mask set to -oo."""
    return not x.is_finite() and float(x) == float("-inf")


def softmax_balls(xs: list) -> list:
    r"""p_i = 1 / \sum_j e^{x_j - x_i} (the j = i term is exactly 1, so a wide x_i
    is not counted twice); masked entries are exactly 0. A row of exact rationals
    (``fmpq``) takes one exponential per entry instead: e^{x_j - m} / \sum_l e^{x_l - m},
    m the row's maximum, so that no exponential overflows."""
    if all(isinstance(x, fmpq) for x in xs):
        m = max(xs)
        e = [arb(x - m).exp() for x in xs]
        total = sum(e[1:], e[0])
        return [v / total for v in e]
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


def softmax_ops(r, c) -> Ops:
    return Ops(exp=r * c, add=r * (c - 1), div=r * c)


SOFTMAX = Stage(
    name="softmax", title="Softmax", definition=r"\frac{e^{x_j}}{\sum_k e^{x_k}}",
    row=softmax_row, fast=softmax_fast, ball=softmax_balls, vjp=softmax_vjp, ops=softmax_ops,
    names=("softmax", "Softmax"))

softmax = SOFTMAX
Softmax = SOFTMAX.symbolic


def certified_softmax(S, digits: int = 50) -> list[list[str]]:
    """softmax(S) for a matrix of rationals, every entry correctly rounded to ``digits``
    significant digits (one exponential per entry, shifted by the row maximum)."""
    return SOFTMAX.certified(S, digits=digits)
