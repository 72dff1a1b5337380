r"""Layer normalisation of each row, with population variance, and two variants
that code computes; each with its backward rule and cost.

    \mu = \frac{1}{d} \sum_j x_j, \qquad \sigma^2 = \frac{1}{d} \sum_j (x_j - \mu)^2
    \mathrm{LN}(x)_j = \gamma_j \frac{x_j - \mu}{\sqrt{\sigma^2 + \epsilon}} + \beta_j

Backward, per row with \hat x = (x - \mu) / r, r = \sqrt{\sigma^2 + \epsilon}
and upstream g (for gamma = 1; with gamma, g becomes \gamma \circ g):

    J^T g = \frac{1}{r} \left(g - \mathrm{mean}(g) - \hat x \, \frac{1}{d} \sum_k g_k \hat x_k\right)

The sample-variance variant divides by d - 1 in both places where d divides
the squares; the variant (x - \mu) / (\sigma + \epsilon) has its own rule below.
Cost of an r x c input, with gamma and beta (GPT's layer norm is affine; the
symbolic face leaves them implicit): per row mean (c - 1 add, 1 div), x - mu
(c add), variance (c mul, c - 1 add, 1 div), sqrt(sigma^2 + eps) (1 add,
1 sqrt), gamma (x - mu) / sigma + beta (c mul, c div, c add): 4c - 1 add,
2c mul, c + 2 div, 1 sqrt. Learnable parameters: gamma and beta, 2 d.
"""

from __future__ import annotations

import numpy as np
import sympy as sp
from flint import arb, fmpq

from derive.evaluate import square_ball
from derive.stages.cost import Ops
from derive.stages.matexpr import RowBroadcast, is_explicit, shape_text
from derive.stages.record import Stage


def row_mean(x):
    r"""\mu = \frac{1}{d} \sum_j x_j."""
    return sp.Add(*x) / len(x)


def row_variance(x, mu):
    r"""\sigma^2 = \frac{1}{d} \sum_j (x_j - \mu)^2 (population variance, divide by d)."""
    return sp.Add(*[(v - mu) ** 2 for v in x]) / len(x)


def sample_variance(x, mu):
    r"""s^2 = \frac{1}{d - 1} \sum_j (x_j - \mu)^2 (what ``torch.std`` and ``np.std(ddof=1)`` use)."""
    if len(x) < 2:
        raise ValueError("a sample variance of one value")
    return row_variance(x, mu) * len(x) / (len(x) - 1)


def layer_norm_entry(x_j, mu, sigma2, eps, gamma_j=1, beta_j=0):
    r"""\gamma_j \frac{x_j - \mu}{\sqrt{\sigma^2 + \epsilon}} + \beta_j."""
    return gamma_j * (x_j - mu) / sp.sqrt(sigma2 + eps) + beta_j


def layer_norm_std_eps_entry(x_j, mu, sigma2, eps):
    r"""A variant that adds epsilon outside the root: \frac{x_j - \mu}{\sqrt{\sigma^2} + \epsilon}."""
    return (x_j - mu) / (sp.sqrt(sigma2) + eps)


# --- exact rows --------------------------------------------------------------------------------

def layer_norm_row(x, eps):
    r"""\frac{x_j - \mu}{\sqrt{\sigma^2 + \epsilon}} for one row."""
    mu = row_mean(x)
    sigma2 = row_variance(x, mu)
    return [layer_norm_entry(v, mu, sigma2, eps) for v in x]


def layer_norm_sample_row(x, eps):
    r"""\frac{x_j - \mu}{\sqrt{s^2 + \epsilon}} with the sample variance s^2."""
    mu = row_mean(x)
    s2 = sample_variance(x, mu)
    return [layer_norm_entry(v, mu, s2, eps) for v in x]


def layer_norm_std_eps_row(x, eps):
    r"""\frac{x_j - \mu}{\sigma + \epsilon} for one row."""
    mu = row_mean(x)
    sigma2 = row_variance(x, mu)
    return [layer_norm_std_eps_entry(v, mu, sigma2, eps) for v in x]


# --- backward rules ----------------------------------------------------------------------------

def normalized_row(x, eps, divisor=None) -> tuple[list, sp.Expr]:
    r"""(\hat x, r): \hat x = (x - \mu) / r, r = \sqrt{\frac{1}{m} \sum_k (x_k - \mu)^2 + \epsilon},
    m = ``divisor`` (d when not given: the population variance)."""
    mu = row_mean(x)
    root = sp.sqrt(sp.Add(*[(v - mu) ** 2 for v in x]) / (divisor or len(x)) + eps)
    return [(v - mu) / root for v in x], root


def normalized_vjp(x, g, eps, divisor):
    r"""\frac{1}{r} \left(g - \mathrm{mean}(g) - \hat x \, \frac{1}{m} \sum_k g_k \hat x_k\right),
    with \hat x and r of ``normalized_row`` for m = ``divisor``."""
    x_hat, root = normalized_row(x, eps, divisor)
    mean_g = row_mean(g)
    mean_gx = sp.Add(*[a * b for a, b in zip(g, x_hat)]) / divisor
    return [(gj - mean_g - xj * mean_gx) / root for gj, xj in zip(g, x_hat)]


def layer_norm_vjp(x, g, eps):
    r"""J^T g of LN (population variance): ``normalized_vjp`` with m = d."""
    return normalized_vjp(x, g, eps, len(x))


def layer_norm_sample_vjp(x, g, eps):
    r"""J^T g of the sample-variance LN: ``normalized_vjp`` with m = d - 1."""
    return normalized_vjp(x, g, eps, len(x) - 1)


def layer_norm_std_eps_vjp(x, g, eps):
    r"""J^T g of (x - \mu)/(\sigma + \epsilon), s = \sigma + \epsilon, c = x - \mu:
    \frac{g - \mathrm{mean}(g)}{s} - c \, \frac{\sum_k g_k c_k}{d \, \sigma \, s^2}."""
    d, mu = len(x), row_mean(x)
    c = [v - mu for v in x]
    sigma = sp.sqrt(row_variance(x, mu))
    s = sigma + eps
    mean_g, gc = row_mean(g), sp.Add(*[a * b for a, b in zip(g, c)])
    return [(gj - mean_g) / s - cj * gc / (d * sigma * s**2) for gj, cj in zip(g, c)]


# --- fast and ball faces -----------------------------------------------------------------------

def normalize_fast(x: np.ndarray, eps: float, ddof: int = 0, std_eps: bool = False,
                   own: bool = False) -> np.ndarray:
    r"""(x - \mu) / \sqrt{\sigma^2 + \epsilon} per row (or / (\sigma + \epsilon)), the
    variance divided by d - ddof; one scale per row, never a division per entry."""
    if x.shape[-1] <= ddof:
        raise ValueError("a sample variance of one value")
    mu = x.mean(axis=-1, keepdims=True)                # (..., n, 1)
    xc = np.subtract(x, mu, out=x if own else None)    # (..., n, d)
    var = np.square(xc).sum(axis=-1, keepdims=True) / (x.shape[-1] - ddof)
    xc *= 1.0 / (np.sqrt(var) + eps if std_eps else np.sqrt(var + eps))
    return xc


def layer_norm_fast(x: np.ndarray, eps: float, own: bool = False) -> np.ndarray:
    return normalize_fast(x, eps, own=own)


def layer_norm_sample_fast(x: np.ndarray, eps: float, own: bool = False) -> np.ndarray:
    return normalize_fast(x, eps, ddof=1, own=own)


def layer_norm_std_eps_fast(x: np.ndarray, eps: float, own: bool = False) -> np.ndarray:
    return normalize_fast(x, eps, std_eps=True, own=own)


def normalized_balls(xs: list, eps, ddof: int = 0, std_eps: bool = False) -> list:
    r"""(x_i - \mu) / \sqrt{\sigma^2 + \epsilon} over balls, each x_i - \mu written out as
    (1 - 1/n) x_i - \sum_{j \ne i} x_j / n so that a wide x_i is counted once. A row of
    exact rationals (``fmpq``, with an exact epsilon) keeps \mu, x - \mu and \sigma^2
    exact: only the square root is a ball."""
    n = len(xs)
    if n <= ddof:
        raise ValueError("a sample variance of one value")
    if all(isinstance(x, fmpq) for x in (*xs, eps)):
        mu = sum(xs, fmpq(0)) / n
        exact = [x - mu for x in xs]
        var = sum((c * c for c in exact), fmpq(0)) / (n - ddof)
        scale = arb(var).sqrt() + eps if std_eps else arb(var + eps).sqrt()
        return [c / scale for c in exact]
    centred = [sum((x * fmpq(n - 1, n) if j == i else -x / n for j, x in enumerate(xs)), arb(0))
               for i in range(n)]
    var = sum((square_ball(c) for c in centred), arb(0)) / (n - ddof)
    scale = var.sqrt() + eps if std_eps else (var + eps).sqrt()
    return [c / scale for c in centred]


def layer_norm_ops(r, c) -> Ops:
    return Ops(add=r * (4 * c - 1), mul=r * 2 * c, div=r * (c + 2), sqrt=r)


LAYER_NORM = Stage(
    name="layer_norm", title="Layer normalisation",
    definition=r"\frac{x_j - \mu}{\sqrt{\sigma^2 + \epsilon}}",
    row=layer_norm_row, fast=layer_norm_fast, ball=normalized_balls, vjp=layer_norm_vjp,
    ops=layer_norm_ops, params=("eps",), names=("LN", "LayerNorm", "layernorm", "Norm", "LayerNormalization"),
    latex=lambda inner, *_: rf"\mathrm{{LN}}\left({inner}\right)", parameters=lambda d: 2 * d)

LAYER_NORM_SAMPLE = Stage(
    name="layer_norm_sample", title="Layer normalisation with the sample variance",
    definition=r"\frac{x_j - \mu}{\sqrt{s^2 + \epsilon}}, \; s^2 = \frac{1}{d - 1} \sum_k (x_k - \mu)^2",
    row=layer_norm_sample_row, fast=layer_norm_sample_fast,
    ball=lambda xs, eps: normalized_balls(xs, eps, ddof=1), vjp=layer_norm_sample_vjp,
    ops=layer_norm_ops, params=("eps",),
    latex=lambda inner, *_: rf"\mathrm{{LN}}_{{s}}\left({inner}\right)", parameters=lambda d: 2 * d)

LAYER_NORM_STD_EPS = Stage(
    name="layer_norm_std_eps", title=r"Layer normalisation with epsilon outside the root",
    definition=r"\frac{x_j - \mu}{\sigma + \epsilon}",
    row=layer_norm_std_eps_row, fast=layer_norm_std_eps_fast,
    ball=lambda xs, eps: normalized_balls(xs, eps, std_eps=True), vjp=layer_norm_std_eps_vjp,
    ops=layer_norm_ops, params=("eps",),
    latex=lambda inner, *_: rf"\mathrm{{LN}}_{{\sigma+\epsilon}}\left({inner}\right)", parameters=lambda d: 2 * d)

LayerNorm = LAYER_NORM.symbolic
layer_norm_std_eps = LAYER_NORM_STD_EPS


def certified_layer_norm(x, eps, digits: int = 50, gamma=None, beta=None) -> list[list[str]]:
    r"""\gamma \odot \mathrm{LN}(x) + \beta for rationals, every entry correctly rounded to
    ``digits`` significant digits: \mu, x - \mu and \sigma^2 stay exact, only the root is a ball."""
    if gamma is None and beta is None:
        return LAYER_NORM.certified(x, params=(eps,), digits=digits)
    from flint import arb_mat

    from derive.exact import certify, exact_fmpq, to_fmpq_mat

    d = to_fmpq_mat(x).ncols()
    g = to_fmpq_mat(gamma).entries() if gamma is not None else [fmpq(1)] * d
    b = to_fmpq_mat(beta).entries() if beta is not None else [fmpq(0)] * d
    rows, e = to_fmpq_mat(x).tolist(), exact_fmpq(eps)

    def balls():
        normed = LAYER_NORM.by_rows(LAYER_NORM.ball, [rows], (e,))
        return arb_mat([[v * g[j] + b[j] for j, v in enumerate(row)] for row in normed])
    return certify(balls, digits, "layer norm")


def layer_norm(x, eps, gamma=None, beta=None):
    r"""\gamma \odot \mathrm{LN}(x) + \beta: the LN stage on each row, then the affine
    map (gamma = 1, beta = 0 by default; rows broadcast over the n rows)."""
    if not is_explicit(x):
        return _symbolic_affine(LayerNorm(x, eps), x.shape[0], gamma, beta)
    d = x.cols
    for name, row in (("gamma", gamma), ("beta", beta)):
        if row is not None and tuple(row.shape) != (1, d):
            raise ValueError(f"{name} of shape {shape_text(row)} does not fit rows of width {d}")
    normed = LAYER_NORM(x, eps)
    if gamma is None and beta is None:
        return normed
    g = gamma if gamma is not None else sp.ones(1, d)
    b = beta if beta is not None else sp.zeros(1, d)
    return sp.ImmutableMatrix(x.rows, d, lambda i, j: g[j] * normed[i, j] + b[j])


def _symbolic_affine(normed, n, gamma=None, beta=None):
    r"""\gamma \odot N + \beta over symbols: gamma and beta are rows broadcast over
    the n rows, and left out when not given (1 and 0)."""
    if gamma is not None:
        normed = sp.HadamardProduct(RowBroadcast(gamma, n), normed)
    if beta is not None:
        normed = sp.MatAdd(normed, RowBroadcast(beta, n))
    return normed
