r"""Softmax at a temperature T: sharper below 1, flatter above.

    p_j = \frac{e^{x_j / T}}{\sum_k e^{x_k / T}}, \qquad
    \left(J^T g\right)_j = \frac{1}{T} \, p_j \left(g_j - \sum_i g_i p_i\right)

Cost of an r x c input: the softmax's (c exp, c - 1 add, c div per row) and one
more div per entry for x / T.
"""

from __future__ import annotations

import numpy as np

from derive.stages.cost import Ops
from derive.stages.record import Stage
from derive.stages.softmax import softmax_balls, softmax_fast, softmax_ops, softmax_row, softmax_vjp


def softmax_temperature_row(x, T):
    r"""\mathrm{softmax}(x / T) for one row."""
    return softmax_row([v / T for v in x])


def softmax_temperature_vjp(x, g, T):
    r"""\frac{1}{T} \times the softmax's J^T g at x / T (the chain rule through x / T)."""
    return [v / T for v in softmax_vjp([v / T for v in x], g)]


def softmax_temperature_fast(x: np.ndarray, T: float, own: bool = False) -> np.ndarray:
    return softmax_fast(np.divide(x, T, out=x if own else None), own=True)


def softmax_temperature_ops(r, c) -> Ops:
    return softmax_ops(r, c) + Ops(div=r * c)


SOFTMAX_TEMPERATURE = Stage(
    name="softmax_temperature", title="Softmax at a temperature",
    definition=r"\frac{e^{x_j / T}}{\sum_k e^{x_k / T}}",
    row=softmax_temperature_row, fast=softmax_temperature_fast,
    ball=lambda xs, T: softmax_balls([x / T for x in xs]), vjp=softmax_temperature_vjp,
    ops=softmax_temperature_ops, params=("T",), domains={"T": "positive"},
    latex=lambda inner, T: rf"\mathrm{{softmax}}\left(\frac{{{inner}}}{{{T}}}\right)")
