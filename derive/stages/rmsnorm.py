r"""RMSNorm: each row divided by its root mean square (no mean subtracted), then a gain.

    r = \sqrt{\frac{1}{d} \sum_k x_k^2 + \epsilon}, \qquad \mathrm{RMSNorm}(x)_j = g_j \frac{x_j}{r}
    \left(J^T u\right)_j = \frac{u_j}{r} - \frac{x_j \sum_k u_k x_k}{d \, r^3}   \quad (g = 1)

Zhang and Sennrich, "Root Mean Square Layer Normalization", arXiv:1910.07467;
the norm of T5 and LLaMA. Cost of an r x c input, with the gain: per row c mul
(squares), c - 1 add and 1 div (their mean), 1 add (epsilon), 1 sqrt, c div
(x / r) and c mul (the gain). Learnable parameters: the gain, d.
"""

from __future__ import annotations

import numpy as np
import sympy as sp
from flint import arb

from derive.evaluate import as_ball, square_ball
from derive.stages.cost import Ops
from derive.stages.record import Stage


def rms(x, eps):
    r"""r = \sqrt{\frac{1}{d} \sum_k x_k^2 + \epsilon}."""
    return sp.sqrt(sp.Add(*[v**2 for v in x]) / len(x) + eps)


def rms_norm_row(x, eps):
    r"""\frac{x_j}{r} for one row."""
    r = rms(x, eps)
    return [v / r for v in x]


def rms_norm_vjp(x, u, eps):
    r"""\frac{u_j}{r} - \frac{x_j \sum_k u_k x_k}{d r^3}."""
    r = rms(x, eps)
    ux = sp.Add(*[a * b for a, b in zip(u, x)])
    return [uj / r - xj * ux / (len(x) * r**3) for uj, xj in zip(u, x)]


def rms_norm_fast(x: np.ndarray, eps: float, own: bool = False) -> np.ndarray:
    scale = 1.0 / np.sqrt(np.square(x).mean(axis=-1, keepdims=True) + eps)
    return np.multiply(x, scale, out=x if own else None)


def rms_norm_balls(xs: list, eps) -> list:
    r = (sum((square_ball(as_ball(x)) for x in xs), arb(0)) / len(xs) + eps).sqrt()
    return [x / r for x in xs]


RMS_NORM = Stage(
    name="rms_norm", title="RMSNorm",
    definition=r"\frac{x_j}{\sqrt{\frac{1}{d} \sum_k x_k^2 + \epsilon}}",
    row=rms_norm_row, fast=rms_norm_fast, ball=rms_norm_balls, vjp=rms_norm_vjp,
    ops=lambda r, c: Ops(mul=r * 2 * c, add=r * c, div=r * (c + 1), sqrt=r),
    params=("eps",), domains={"eps": "non_negative"}, names=("RMSNorm", "rmsnorm", "RMSNormalization"),
    latex=lambda inner, *_: rf"\mathrm{{RMSNorm}}\left({inner}\right)", parameters=lambda d: d)
