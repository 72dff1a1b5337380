r"""Rotary position embedding (RoPE): each pair of a row turned by an angle that
grows with the row's position.

For the row at position m (0-based) of width d, pair k = 0 .. d/2 - 1 of
entries (x_{2k}, x_{2k+1}) turns by \theta_{m,k} = m / \mathrm{base}^{2k/d}
(``pe_angle``, the sinusoidal encoding's angle; base 10000):

    y_{2k} = x_{2k} \cos\theta - x_{2k+1} \sin\theta, \qquad
    y_{2k+1} = x_{2k} \sin\theta + x_{2k+1} \cos\theta

A rotation's Jacobian is the rotation itself, so the backward rule turns the
upstream pair back: (J^T g)_{2k} = g_{2k} \cos\theta + g_{2k+1} \sin\theta,
(J^T g)_{2k+1} = -g_{2k} \sin\theta + g_{2k+1} \cos\theta.

Su et al., "RoFormer: Enhanced Transformer with Rotary Position Embedding",
arXiv:2104.09864 (adjacent pairs, as here; some code pairs entry k with entry
k + d/2 instead, the same rotation on permuted features). A document's
``RoPE(q)`` is not read as this stage: the call does not say the position, and
documents choose their own angles. Cost of an r x c
input: per pair 4 mul and 2 add, and a sin and a cos (``special``), that is
2c mul, c add and c special per row. No learnable parameters.
"""

from __future__ import annotations

import numpy as np
import sympy as sp
from flint import arb

from derive.evaluate import as_ball
from derive.stages.cost import Ops
from derive.stages.embedding import pe_angle
from derive.stages.record import Stage


def _angles(width: int, position, base) -> list:
    if width % 2:
        raise ValueError(f"RoPE turns pairs of entries: the width {width} is odd")
    return [pe_angle(position, k, width, base=base) for k in range(width // 2)]


def rope_row(x, position, base):
    r"""(x_{2k}, x_{2k+1}) turned by \theta_{m,k}, for every pair k."""
    out = []
    for k, theta in enumerate(_angles(len(x), position, base)):
        a, b, c, s = x[2 * k], x[2 * k + 1], sp.cos(theta), sp.sin(theta)
        out += [a * c - b * s, a * s + b * c]
    return out


def rope_vjp(x, g, position, base):
    r"""The upstream pair turned back by -\theta_{m,k}: the transpose of the rotation."""
    out = []
    for k, theta in enumerate(_angles(len(x), position, base)):
        a, b, c, s = g[2 * k], g[2 * k + 1], sp.cos(theta), sp.sin(theta)
        out += [a * c + b * s, -a * s + b * c]
    return out


def rope_fast(x: np.ndarray, base: float, own: bool = False) -> np.ndarray:
    """Every row of the last two axes turned by its position (axis -2)."""
    n, d = x.shape[-2:]
    if d % 2:
        raise ValueError(f"RoPE turns pairs of entries: the width {d} is odd")
    theta = np.arange(n)[:, None] / np.power(float(base), 2 * np.arange(d // 2) / d)[None, :]
    c, s = np.cos(theta), np.sin(theta)
    a, b = x[..., 0::2], x[..., 1::2]
    out = np.empty_like(x) if not own else x
    even, odd = a * c - b * s, a * s + b * c
    out[..., 0::2], out[..., 1::2] = even, odd
    return out


def rope_balls(x: list, position: int, base) -> list:
    width = len(x)
    if width % 2:
        raise ValueError(f"RoPE turns pairs of entries: the width {width} is odd")
    out = []
    for k in range(width // 2):
        theta = arb(position) / as_ball(base) ** (arb(2 * k) / width)
        c, s = theta.cos(), theta.sin()
        a, b = as_ball(x[2 * k]), as_ball(x[2 * k + 1])
        out += [a * c - b * s, a * s + b * c]
    return out


ROPE = Stage(
    name="rope", title="Rotary position embedding (RoPE)",
    definition=r"\begin{pmatrix} y_{2k} \\ y_{2k+1} \end{pmatrix} = "
               r"\begin{pmatrix} \cos\theta_{m,k} & -\sin\theta_{m,k} \\ \sin\theta_{m,k} & \cos\theta_{m,k} \end{pmatrix}"
               r"\begin{pmatrix} x_{2k} \\ x_{2k+1} \end{pmatrix}, \; \theta_{m,k} = \frac{m}{\mathrm{base}^{2k/d}}",
    row=rope_row, fast=rope_fast, ball=rope_balls, vjp=rope_vjp,
    ops=lambda r, c: Ops(mul=r * 2 * c, add=r * c, special=r * c),
    params=("base",), domains={"base": "positive"}, defaults={"base": sp.Integer(10000)},
    positional=True,     # no names for documents: a call RoPE(q) does not carry the position
    latex=lambda inner, *_: rf"\mathrm{{RoPE}}\left({inner}\right)")
