r"""SiLU (swish), the gate of SwiGLU feed-forward nets.

    \mathrm{SiLU}(x) = x \, \sigma(x) = \frac{x}{1 + e^{-x}}, \qquad
    \mathrm{SiLU}'(x) = \sigma(x) \left(1 + x \left(1 - \sigma(x)\right)\right)

Elfwing, Uchibe and Doya, "Sigmoid-weighted linear units", arXiv:1702.03118;
Ramachandran et al. call it swish. Cost per entry: one exp, one add, one div
(the sigmoid) and one mul.
"""

from __future__ import annotations

import numpy as np
from flint import arb

from derive.stages.activation import sigmoid
from derive.stages.cost import Ops
from derive.stages.record import entrywise


def silu(x):
    r"""x \sigma(x)."""
    return x * sigmoid(x)


def silu_grad(x):
    r"""\sigma(x) (1 + x (1 - \sigma(x)))."""
    s = sigmoid(x)
    return s * (1 + x * (1 - s))


def silu_fast(x: np.ndarray, own: bool = False) -> np.ndarray:
    return x / (1.0 + np.exp(-x))


def silu_ball(x: arb) -> arb:
    return x / (1 + (-x).exp())


SILU = entrywise(
    "silu", "SiLU (swish)", r"\frac{x_j}{1 + e^{-x_j}}", silu, silu_grad, silu_fast, silu_ball,
    Ops(exp=1, add=1, div=1, mul=1), names=("SiLU", "silu", "swish", "Swish"),
    latex=lambda inner, *_: rf"\mathrm{{SiLU}}\left({inner}\right)", exponent_guard=True)


def swiglu_gate(a, b):
    r"""\mathrm{SiLU}(a) \, b for one entry of each operand."""
    return silu(a) * b


def swiglu_gate_partials(a, b):
    r"""(\mathrm{SiLU}'(a) \, b, \; \mathrm{SiLU}(a))."""
    return silu_grad(a) * b, silu(a)


def swiglu_gate_fast(a: np.ndarray, b: np.ndarray, own: bool = False) -> np.ndarray:
    return silu_fast(a) * b


# SwiGLU (Shazeer, "GLU Variants Improve Transformer", arXiv:2002.05202):
# FFN(x) = (SiLU(x W) \circ (x V)) W_2. The gate is this two-operand stage between
# the projections a = x W and b = x V; cost per entry the SiLU's and one more mul.
SWIGLU_GATE = entrywise(
    "swiglu_gate", "SwiGLU gate", r"\frac{x_j}{1 + e^{-x_j}} \, y_j", swiglu_gate, swiglu_gate_partials,
    swiglu_gate_fast, lambda a, b: a / (1 + (-a).exp()) * b, Ops(exp=1, add=1, div=1, mul=2), arity=2,
    latex=lambda a, b, *_: rf"\mathrm{{SiLU}}\left({a}\right) \odot {b}", exponent_guard=True)
