r"""GELU, the Gaussian error linear unit, exact (erf) and in its tanh approximation.

    \mathrm{GELU}(x) = x \, \Phi(x) = \frac{x}{2} \left(1 + \mathrm{erf}\frac{x}{\sqrt 2}\right),
    \qquad \mathrm{GELU}'(x) = \Phi(x) + x \, \varphi(x), \quad \varphi(x) = \frac{e^{-x^2/2}}{\sqrt{2\pi}}

    \mathrm{GELU}_{\tanh}(x) = \frac{x}{2} \left(1 + \tanh u\right), \quad
    u = \sqrt{2/\pi} \left(x + 0.044715 \, x^3\right)
    \mathrm{GELU}_{\tanh}'(x) = \frac{1 + \tanh u}{2}
        + \frac{x}{2} \left(1 - \tanh^2 u\right) \sqrt{2/\pi} \left(1 + 3 \cdot 0.044715 \, x^2\right)

Hendrycks and Gimpel, "Gaussian Error Linear Units (GELUs)", arXiv:1606.08415;
the tanh form is the one GPT-2 and BERT use. Cost per entry: the exact form one
erf (``special``), three mul (x / sqrt 2, x times the bracket, the half) and one
add; the tanh form x^3 (2 mul), times 0.044715 (1 mul), + x (1 add), times
sqrt(2/pi) (1 mul), one tanh, + 1 (1 add), times x/2 (2 mul).
"""

from __future__ import annotations

import math

import numpy as np
import sympy as sp
from flint import arb

from derive.stages.cost import Ops
from derive.stages.record import entrywise

TANH_COEFFICIENT = sp.Rational(44715, 10**6)        # 0.044715, exactly as published
_ERF = np.frompyfunc(math.erf, 1, 1)


def gelu(x):
    r"""\frac{x}{2} \left(1 + \mathrm{erf}\frac{x}{\sqrt 2}\right)."""
    return x / 2 * (1 + sp.erf(x / sp.sqrt(2)))


def gelu_grad(x):
    r"""\Phi(x) + x \varphi(x) = \frac{1}{2}\left(1 + \mathrm{erf}\frac{x}{\sqrt 2}\right) + \frac{x e^{-x^2/2}}{\sqrt{2\pi}}."""
    return (1 + sp.erf(x / sp.sqrt(2))) / 2 + x * sp.exp(-x**2 / 2) / sp.sqrt(2 * sp.pi)


def gelu_fast(x: np.ndarray, own: bool = False) -> np.ndarray:
    return 0.5 * x * (1.0 + _ERF(x / math.sqrt(2.0)).astype(float))


def gelu_ball(x: arb) -> arb:
    return x * (1 + (x / arb(2).sqrt()).erf()) / 2


def _tanh_argument(x):
    r"""u = \sqrt{2/\pi} (x + 0.044715 x^3)."""
    return sp.sqrt(2 / sp.pi) * (x + TANH_COEFFICIENT * x**3)


def gelu_tanh(x):
    r"""\frac{x}{2} (1 + \tanh u)."""
    return x / 2 * (1 + sp.tanh(_tanh_argument(x)))


def gelu_tanh_grad(x):
    r"""\frac{1 + \tanh u}{2} + \frac{x}{2} (1 - \tanh^2 u) \sqrt{2/\pi} (1 + 3 \cdot 0.044715 x^2)."""
    t = sp.tanh(_tanh_argument(x))
    return (1 + t) / 2 + x / 2 * (1 - t**2) * sp.sqrt(2 / sp.pi) * (1 + 3 * TANH_COEFFICIENT * x**2)


def gelu_tanh_fast(x: np.ndarray, own: bool = False) -> np.ndarray:
    c = float(TANH_COEFFICIENT)
    return 0.5 * x * (1.0 + np.tanh(math.sqrt(2.0 / math.pi) * (x + c * x**3)))


def gelu_tanh_ball(x: arb) -> arb:
    c = arb(TANH_COEFFICIENT.p) / TANH_COEFFICIENT.q
    u = (2 / arb.pi()).sqrt() * (x + c * x * x * x)
    return x * (1 + u.tanh()) / 2


GELU = entrywise(
    "gelu", "GELU", r"\frac{x_j}{2} \left(1 + \mathrm{erf}\frac{x_j}{\sqrt{2}}\right)",
    gelu, gelu_grad, gelu_fast, gelu_ball, Ops(special=1, mul=3, add=1), names=("GELU", "gelu", "GeLU"),
    approximations=(("gelu_tanh", "its tanh approximation, x/2 (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))), "
                                  "not the exact x Phi(x)"),),
    latex=lambda inner, *_: rf"\mathrm{{GELU}}\left({inner}\right)")

GELU_TANH = entrywise(
    "gelu_tanh", "GELU (tanh approximation)",
    r"\frac{x_j}{2} \left(1 + \tanh\left(\sqrt{2/\pi} \left(x_j + 0.044715 \, x_j^3\right)\right)\right)",
    gelu_tanh, gelu_tanh_grad, gelu_tanh_fast, gelu_tanh_ball, Ops(special=1, mul=6, add=2),
    names=("gelu_tanh", "GELU_tanh", "gelu_new"),
    latex=lambda inner, *_: rf"\mathrm{{GELU}}_{{\tanh}}\left({inner}\right)")
