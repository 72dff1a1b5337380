r"""Elementwise rules: the sigmoid, ReLU, and the mean squared error.

    \sigma'(x) = \sigma(x) (1 - \sigma(x)), \quad \sigma(x) = \frac{1}{1 + e^{-x}}
    \mathrm{ReLU}'(x) = H(x) \quad (x \ne 0)
    \frac{\partial}{\partial \hat y_i} \frac{1}{N} \sum_k (\hat y_k - y_k)^2
        = \frac{2}{N} (\hat y_i - y_i)
"""

from __future__ import annotations

import sympy as sp

from derive.proofs.identity import Identity
from derive.proofs.theorem import Step, Theorem, Walkthrough, partial, show, vector
from derive.stages.activation import ReLU, relu_grad, sigmoid, sigmoid_grad

x = sp.Symbol("x", real=True)
x_pos = sp.Symbol("x", positive=True)
x_neg = sp.Symbol("x", negative=True)
s = sp.Symbol(r"\sigma")
N = sp.Symbol("N", integer=True, positive=True)


def mean_squared_error(y_hat, y) -> sp.Expr:
    r"""\frac{1}{N} \sum_k (\hat y_k - y_k)^2."""
    return sp.Add(*[(a - b) ** 2 for a, b in zip(y_hat, y)]) / len(y)


def mean_squared_error_grad(y_hat, y) -> list[sp.Expr]:
    r"""\frac{2}{N} (\hat y - y)."""
    return [sp.Rational(2, len(y)) * (a - b) for a, b in zip(y_hat, y)]


# --- 3. sigmoid and ReLU ----------------------------------------------------------------------

def sigmoid_relu_instances() -> list[Identity]:
    """The sigmoid; max(0, x) symbolically on each side of 0; derive's ReLU numerically.

    SymPy differentiates derive's ReLU through its own ``fdiff`` (H(x)), so a
    symbolic check of it would be circular: its definition max(0, x) is proved
    on each half-line, and the stage itself is checked by finite differences.
    """
    name = "sigmoid-relu"
    return [
        Identity(name, sigmoid(x), [x], [sigmoid_grad(x)], sizes="sigmoid"),
        Identity(name, sp.Max(0, x_pos), [x_pos], [relu_grad(x_pos)], sizes="max(0, x), x > 0"),
        Identity(name, sp.Max(0, x_neg), [x_neg], [relu_grad(x_neg)], sizes="max(0, x), x < 0"),
        Identity(name, ReLU(x_pos), [x_pos], [relu_grad(x_pos)], sizes="ReLU stage, x > 0",
                 symbolic=False),
        Identity(name, ReLU(x_neg), [x_neg], [relu_grad(x_neg)], sizes="ReLU stage, x < 0",
                 symbolic=False),
    ]


def sigmoid_relu_walkthrough() -> list[Walkthrough]:
    dx = r"\sigma'(x)"
    raw = sp.diff(sigmoid(x), x)
    named = sp.factor(sp.simplify(raw.subs(sp.exp(-x), (1 - s) / s)))
    shown = [Walkthrough("scalar", Step("forward", r"\sigma(x)", sigmoid(x)),
                         Step("sympy", dx, raw), (Step("name_sigmoid", dx, named),),
                         Step("closed", dx, s * (1 - s)))]
    relu = r"\mathrm{ReLU}'(x)"
    sides = (Step("positive_side", relu + r"\big|_{x > 0}", sp.diff(sp.Max(0, x_pos), x_pos)),
             Step("negative_side", relu + r"\big|_{x < 0}", sp.diff(sp.Max(0, x_neg), x_neg)))
    shown.append(Walkthrough("scalar", Step("forward", r"\mathrm{ReLU}(x)", ReLU(x)),
                             Step("sympy", relu, sp.diff(ReLU(x), x)), sides,
                             Step("closed", relu, relu_grad(x))))
    return shown


def sigmoid_relu_theorem() -> Theorem:
    return Theorem(
        name="sigmoid-relu", title="Sigmoid and ReLU",
        statement=(f"\\sigma'(x) = {sp.latex(s * (1 - s))}",
                   rf"\mathrm{{ReLU}}'(x) = {show(relu_grad(x))} \quad (x \ne 0)"),
        given=(f"\\sigma = \\sigma(x) = {sp.latex(sigmoid(x))}",
               rf"\mathrm{{ReLU}}(x) = {sp.latex(sp.Max(0, x))}"),
        sizes="x real; x > 0; x < 0",
        instances=sigmoid_relu_instances, walkthroughs=sigmoid_relu_walkthrough)


# --- 8. mean squared error --------------------------------------------------------------------

def mse_at(size: int, symbolic: bool = True) -> Identity:
    y_hat, y = vector(r"\hat{y}", size), vector("y", size)
    return Identity("mse", mean_squared_error(y_hat, y), y_hat, mean_squared_error_grad(y_hat, y),
                    sizes=f"N = {size}", symbolic=symbolic)


def mse_walkthrough() -> list[Walkthrough]:
    y_hat, y = vector(r"\hat{y}", 3), vector("y", 3)
    forward, lhs = mean_squared_error(y_hat, y), partial("L", y_hat[0])
    raw = sp.diff(forward, y_hat[0])
    return [Walkthrough("N = 3", Step("forward", "L", forward), Step("sympy", lhs, raw),
                        (Step("factor", lhs, sp.factor(raw)),),
                        Step("closed", lhs, mean_squared_error_grad(y_hat, y)[0]))]


def mse_theorem() -> Theorem:
    k, i = sp.symbols("k i", integer=True, positive=True)
    yh, y = sp.IndexedBase(r"\hat{y}"), sp.IndexedBase("y")
    return Theorem(
        name="mse", title="Mean squared error",
        statement=(f"{partial('L', yh[i])} = {sp.latex(2 / N * (yh[i] - y[i]))}",),
        given=(f"L = {sp.latex(sp.Sum((yh[k] - y[k]) ** 2, (k, 1, N)) / N)}",),
        sizes="N = 1..8 (+64)",
        instances=lambda: [mse_at(n) for n in range(1, 9)] + [mse_at(64, symbolic=False)],
        walkthroughs=mse_walkthrough)
