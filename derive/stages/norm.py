r"""Layer normalisation of each row, with population variance.

    \mu = \frac{1}{d} \sum_j x_j, \qquad \sigma^2 = \frac{1}{d} \sum_j (x_j - \mu)^2
    \mathrm{LN}(x)_j = \gamma_j \frac{x_j - \mu}{\sqrt{\sigma^2 + \epsilon}} + \beta_j
"""

from __future__ import annotations

import sympy as sp

from derive.stages.matexpr import MatrixFunction, RowBroadcast, is_explicit, shape_text


def row_mean(x):
    r"""\mu = \frac{1}{d} \sum_j x_j."""
    return sp.Add(*x) / len(x)


def row_variance(x, mu):
    r"""\sigma^2 = \frac{1}{d} \sum_j (x_j - \mu)^2 (population variance, divide by d)."""
    return sp.Add(*[(v - mu) ** 2 for v in x]) / len(x)


def layer_norm_entry(x_j, mu, sigma2, eps, gamma_j=1, beta_j=0):
    r"""\gamma_j \frac{x_j - \mu}{\sqrt{\sigma^2 + \epsilon}} + \beta_j."""
    return gamma_j * (x_j - mu) / sp.sqrt(sigma2 + eps) + beta_j


def layer_norm(x, eps, gamma=None, beta=None):
    r"""\mathrm{LN}(x): layer_norm_entry over each row of x (gamma = 1, beta = 0 by default)."""
    if not is_explicit(x):
        return _symbolic_layer_norm(x, eps, gamma, beta)
    d = x.cols
    for name, row in (("gamma", gamma), ("beta", beta)):
        if row is not None and tuple(row.shape) != (1, d):
            raise ValueError(f"{name} of shape {shape_text(row)} does not fit rows of width {d}")
    g = gamma if gamma is not None else sp.ones(1, d)
    b = beta if beta is not None else sp.zeros(1, d)
    rows = []
    for i in range(x.rows):
        xs = list(x.row(i))
        mu = row_mean(xs)
        sigma2 = row_variance(xs, mu)
        rows.append([layer_norm_entry(v, mu, sigma2, eps, g[j], b[j]) for j, v in enumerate(xs)])
    return sp.ImmutableMatrix(rows)


def _symbolic_layer_norm(x, eps, gamma=None, beta=None):
    r"""\gamma \odot \mathrm{LN}(x) + \beta over symbols: gamma and beta are rows
    broadcast over the n rows, and left out when not given (1 and 0)."""
    normed = LayerNorm(x, eps)
    if gamma is not None:
        normed = sp.HadamardProduct(RowBroadcast(gamma, x.shape[0]), normed)
    if beta is not None:
        normed = sp.MatAdd(normed, RowBroadcast(beta, x.shape[0]))
    return normed


def layer_norm_std_eps_entry(x_j, mu, sigma2, eps):
    r"""A variant that adds epsilon outside the root: \frac{x_j - \mu}{\sqrt{\sigma^2} + \epsilon}."""
    return (x_j - mu) / (sp.sqrt(sigma2) + eps)


def layer_norm_std_eps(x, eps):
    r"""The variant \frac{x - \mu}{\sigma + \epsilon} on each row (what some code computes)."""
    if not is_explicit(x):
        return LayerNormStdEps(x, eps)
    rows = []
    for i in range(x.rows):
        xs = list(x.row(i))
        mu = row_mean(xs)
        sigma2 = row_variance(xs, mu)
        rows.append([layer_norm_std_eps_entry(v, mu, sigma2, eps) for v in xs])
    return sp.ImmutableMatrix(rows)


class LayerNormStdEps(MatrixFunction):
    latex_name = r"LN}_{\sigma+\epsilon"
    exact = staticmethod(layer_norm_std_eps)


class LayerNorm(MatrixFunction):
    latex_name = "LN"
    exact = staticmethod(layer_norm)
