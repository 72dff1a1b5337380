r"""The backward rule of layer normalisation, beside derive's ``layer_norm`` stage.

Per row $x$ of width $d$, with $\hat x = (x - \mu) / \sqrt{\sigma^2 + \epsilon}$,
upstream gradient $g$ and $\hat g = \gamma \circ g$:

    \frac{\partial L}{\partial x} = \frac{1}{\sqrt{\sigma^2 + \epsilon}}
        \left(\hat g - \mathrm{mean}(\hat g) - \hat x \, \mathrm{mean}(\hat g \circ \hat x)\right)
    \frac{\partial L}{\partial \gamma} = \sum_{\text{rows}} g \circ \hat x, \qquad
    \frac{\partial L}{\partial \beta} = \sum_{\text{rows}} g

When $\gamma$ is one number shared by all features it leaves the means, and the
first rule reads $\frac{\gamma}{\sqrt{\sigma^2+\epsilon}} (g - \mathrm{mean}(g) -
\hat x \, \mathrm{mean}(g \hat x))$. With a $\gamma$ per feature that form is
wrong; the instance "shared gamma" proves it where it holds.
"""

from __future__ import annotations

import sympy as sp

from derive.proofs.identity import Identity
from derive.proofs.theorem import Step, Theorem, Walkthrough, entry_sum, matrix, partial
from derive.stages.norm import layer_norm, layer_norm_vjp, normalized_row, row_mean, row_variance
from derive.symbols import eps

SYMBOLIC = ((1, 2), (1, 3), (1, 4), (2, 2), (2, 3))   # (rows, d)
NUMERIC = ((3, 4), (1, 8))                             # the worked example's 3x4; a wider row


def layer_norm_backward(X, eps, gamma, G) -> dict:
    """The gradients of L = sum G * LN(X) for X, gamma and beta (gamma, beta: 1 x d)."""
    dX, dgamma = [], sp.zeros(1, X.cols)
    for r in range(X.rows):
        x, g = list(X.row(r)), list(G.row(r))
        dX.append(layer_norm_vjp(x, [a * b for a, b in zip(g, gamma)], eps))
        x_hat, _ = normalized_row(x, eps)
        dgamma += sp.Matrix([[a * b for a, b in zip(g, x_hat)]])
    return {"X": sp.ImmutableMatrix(dX), "gamma": sp.ImmutableMatrix(dgamma),
            "beta": sp.ImmutableMatrix(sp.ones(1, G.rows) * G)}


def shared_gamma_grad(x, g, gamma_value, eps) -> list[sp.Expr]:
    r"""\frac{\gamma}{\sqrt{\sigma^2+\epsilon}} (g - \mathrm{mean}(g) - \hat x\,\mathrm{mean}(g \hat x)).

    Right only for one \gamma shared by every feature."""
    return [gamma_value * v for v in layer_norm_vjp(x, g, eps)]


def layer_norm_at(rows: int, d: int, symbolic: bool = True) -> Identity:
    X, G = matrix("x", rows, d), matrix("g", rows, d)
    gamma, beta = matrix("gamma", 1, d), matrix("beta", 1, d)
    grads = layer_norm_backward(X, eps, gamma, G)
    return Identity("layer-norm", entry_sum(G, layer_norm(X, eps, gamma, beta)), [X, gamma, beta],
                    [grads["X"], grads["gamma"], grads["beta"]],
                    sizes=f"{rows}x{d}", symbolic=symbolic)


def shared_gamma_at(d: int) -> Identity:
    """One gamma for every feature: the rule with gamma in front holds."""
    x, g, gamma = matrix("x", 1, d), matrix("g", 1, d), sp.Symbol("gamma", real=True)
    gammas = sp.ImmutableMatrix([[gamma] * d])
    return Identity("layer-norm", entry_sum(g, layer_norm(x, eps, gammas)), [x],
                    [shared_gamma_grad(list(x), list(g), gamma, eps)], sizes=f"1x{d}, shared gamma")


def layer_norm_walkthrough() -> list[Walkthrough]:
    X, G, gamma = matrix("x", 1, 3), matrix("g", 1, 3), matrix("gamma", 1, 3)
    beta = matrix("beta", 1, 3)
    forward = entry_sum(G, layer_norm(X, eps, gamma, beta))
    lhs = partial("L", X[0, 0])
    raw = sp.diff(forward, X[0, 0])
    sigma2, root = sp.Symbol(r"\sigma^2"), sp.Symbol(r"\sqrt{\sigma^2 + \epsilon}", positive=True)
    named = raw.subs(row_variance(list(X), row_mean(list(X))), sigma2).subs(sigma2 + eps, root**2)
    x_hat = [sp.Symbol(rf"\hat{{x}}_{k}") for k in (1, 2, 3)]
    g_hat = [sp.Symbol(rf"\hat{{g}}_{k}") for k in (1, 2, 3)]
    mean_gx = row_mean([a * b for a, b in zip(g_hat, x_hat)])
    closed = (g_hat[0] - row_mean(g_hat) - x_hat[0] * mean_gx) / root
    return [Walkthrough("1x3", Step("forward", "L", forward), Step("sympy", lhs, raw),
                        (Step("name_variance", lhs, named),), Step("closed", lhs, closed))]


def layer_norm_theorem() -> Theorem:
    d, j = sp.symbols("d j", integer=True, positive=True)
    x, g, gm = (sp.IndexedBase(n) for n in ("x", "g", "gamma"))
    x_hat, g_hat = sp.IndexedBase(r"\hat{x}"), sp.IndexedBase(r"\hat{g}")
    y = sp.IndexedBase("y")
    root = sp.sqrt(sp.Symbol(r"\sigma^2") + eps)
    mean = lambda e: sp.Sum(e, (j, 1, d)) / d  # noqa: E731
    i = sp.Symbol("i", integer=True, positive=True)
    dx = (g_hat[i] - mean(g_hat[j]) - x_hat[i] * mean(g_hat[j] * x_hat[j])) / root
    return Theorem(
        name="layer-norm", title="Layer normalisation",
        statement=(f"{partial('L', x[i])} = {sp.latex(dx)}",
                   f"{partial('L', gm[i])} = {sp.latex(g[i] * x_hat[i])}",
                   f"{partial('L', sp.IndexedBase('beta')[i])} = {sp.latex(g[i])}"),
        given=(f"{sp.latex(x_hat[i])} = {sp.latex((x[i] - sp.Symbol('mu')) / root)}",
               f"{sp.latex(g_hat[i])} = {sp.latex(gm[i] * g[i])}",
               f"{sp.latex(y[i])} = {sp.latex(gm[i] * x_hat[i] + sp.IndexedBase('beta')[i])}",
               f"L = {sp.latex(sp.Sum(g[j] * y[j], (j, 1, d)))}"),
        sizes="1x2..1x4, 2x2, 2x3 (+3x4, 1x8)",
        instances=lambda: [layer_norm_at(*s) for s in SYMBOLIC] + [shared_gamma_at(3)]
        + [layer_norm_at(*s, symbolic=False) for s in NUMERIC],
        walkthroughs=layer_norm_walkthrough)
