r"""Backward rules of the linear layer and the feed-forward block, beside derive's stages.

With an upstream gradient $G$ the loss is $L = \sum_{ij} G_{ij} Y_{ij}$, so
$\partial L / \partial \theta$ is exactly what backpropagation passes to a
parameter $\theta$ of the layer $Y$.

    Y = X W + b:  \frac{\partial L}{\partial W} = X^T G, \; \frac{\partial L}{\partial X} = G W^T,
                  \frac{\partial L}{\partial b} = \mathbf{1}^T G
    Y = \max(0, x W_1 + b_1) W_2 + b_2,  A = x W_1 + b_1,  D = (G W_2^T) \circ H(A):
        \frac{\partial L}{\partial W_2} = \max(0, A)^T G,
        \frac{\partial L}{\partial b_2} = \mathbf{1}^T G,
        \frac{\partial L}{\partial W_1} = x^T D, \; \frac{\partial L}{\partial b_1} = \mathbf{1}^T D,
        \frac{\partial L}{\partial x} = D W_1^T
"""

from __future__ import annotations

import itertools

import sympy as sp

from derive.proofs.identity import Identity
from derive.proofs.theorem import Step, Theorem, Walkthrough, entry_sum, matrix, partial, show
from derive.stages.attention import project
from derive.stages.activation import relu
from derive.stages.feedforward import feed_forward
from derive.symbols import W_1, W_2, X, b_1, b_2, latex

G_ = sp.MatrixSymbol("G", X.shape[0], W_2.shape[1])
ONES = sp.MatrixSymbol(r"\mathbf{1}", X.shape[0], 1).T   # sums the rows: 1^T G


def column_sums(M) -> sp.ImmutableMatrix:
    r"""\mathbf{1}^T M: the sum of each column (a bias gradient)."""
    return sp.ImmutableMatrix(sp.ones(1, M.rows) * M)


def linear_backward(X, W, G) -> dict:
    r"""\frac{\partial L}{\partial W} = X^T G, \frac{\partial L}{\partial X} = G W^T,
    \frac{\partial L}{\partial b} = \mathbf{1}^T G."""
    return {"W": X.T * G, "X": G * W.T, "b": column_sums(G)}


def feed_forward_backward(x, W_1, b_1, W_2, G) -> dict:
    r"""D = (G W_2^T) \circ H(x W_1 + b_1), then the five gradients of the block."""
    A = project(x, W_1, b_1)                                    # (n, d_ff)
    D = (G * W_2.T).multiply_elementwise(A.applyfunc(sp.Heaviside))  # (n, d_ff)
    return {"W_2": relu(A).T * G, "b_2": column_sums(G), "W_1": x.T * D,
            "b_1": column_sums(D), "x": D * W_1.T}


# --- 4. the linear layer ----------------------------------------------------------------------

LINEAR_SHAPES = list(itertools.product((1, 2, 3), (1, 2, 3, 4), (1, 2, 3, 4)))  # (n, d_in, d_out)


def linear_at(n: int, d_in: int, d_out: int) -> Identity:
    Xm, W, b, G = matrix("X", n, d_in), matrix("W", d_in, d_out), matrix("b", 1, d_out), \
        matrix("G", n, d_out)
    grads = linear_backward(Xm, W, G)
    return Identity("linear", entry_sum(G, project(Xm, W, b)), [W, Xm, b],
                    [grads["W"], grads["X"], grads["b"]], sizes=f"{n}x{d_in} by {d_in}x{d_out}")


def linear_walkthrough() -> list[Walkthrough]:
    Xm, W, b, G = matrix("X", 2, 2), matrix("W", 2, 2), matrix("b", 1, 2), matrix("G", 2, 2)
    forward = entry_sum(G, project(Xm, W, b))
    shown = []
    for name, M in (("W", W), ("X", Xm), ("b", b)):
        lhs = partial("L", M[0, 0])
        raw = sp.diff(forward, M[0, 0])
        closed = linear_backward(Xm, W, G)[name][0, 0]
        shown.append(Walkthrough("2x2 by 2x2", Step("forward", "L", forward),
                                 Step("sympy", lhs, raw), (), Step("closed", lhs, closed)))
    return shown


def linear_theorem() -> Theorem:
    W = sp.MatrixSymbol("W", X.shape[1], W_2.shape[1])
    b = sp.MatrixSymbol("b", 1, W_2.shape[1])
    Y = sp.MatrixSymbol("Y", X.shape[0], W_2.shape[1])
    return Theorem(
        name="linear", title="The linear layer",
        statement=(f"{partial('L', W)} = {latex(X.T * G_)}",
                   f"{partial('L', X)} = {latex(G_ * W.T)}",
                   f"{partial('L', b)} = {latex(ONES * G_)}"),
        given=(f"{latex(Y)} = {latex(X * W + ONES.T * b)}", f"L = {latex(sp.Trace(G_.T * Y))}"),
        sizes="n x d_in x d_out, all up to 3x4x4",
        instances=lambda: [linear_at(*shape) for shape in LINEAR_SHAPES],
        walkthroughs=linear_walkthrough)


# --- 7. the feed-forward block ----------------------------------------------------------------

FFN_SYMBOLIC = ((1, 2, 2), (2, 2, 3), (2, 3, 2))   # (n, d_model, d_ff)
FFN_NUMERIC = ((3, 4, 6),)                          # the worked example's sizes


def feed_forward_at(n: int, d: int, d_ff: int, symbolic: bool = True) -> Identity:
    x, G = matrix("x", n, d), matrix("G", n, d)
    W1, b1, W2, b2 = matrix("W1", d, d_ff), matrix("b1", 1, d_ff), matrix("W2", d_ff, d), \
        matrix("b2", 1, d)
    grads = feed_forward_backward(x, W1, b1, W2, G)
    order = ("W_2", "b_2", "W_1", "b_1", "x")
    return Identity("feed-forward", entry_sum(G, feed_forward(x, W1, b1, W2, b2)),
                    [W2, b2, W1, b1, x], [grads[k] for k in order],
                    sizes=f"n = {n}, d_model = {d}, d_ff = {d_ff}", symbolic=symbolic)


def feed_forward_walkthrough() -> list[Walkthrough]:
    x, G = matrix("x", 1, 2), matrix("G", 1, 2)
    W1, b1, W2, b2 = matrix("W1", 2, 2), matrix("b1", 1, 2), matrix("W2", 2, 2), matrix("b2", 1, 2)
    forward = entry_sum(G, feed_forward(x, W1, b1, W2, b2))
    grads = feed_forward_backward(x, W1, b1, W2, G)
    shown = []
    for name, v in (("W_1", W1[0, 0]), ("x", x[0, 0])):
        lhs = partial("L", v)
        raw = sp.diff(forward, v)
        shown.append(Walkthrough("n = 1, d_model = 2, d_ff = 2", Step("forward", "L", forward),
                                 Step("sympy", lhs, raw), (Step("collect", lhs, sp.collect(
                                     sp.expand(raw), list(raw.atoms(sp.Heaviside)))),),
                                 Step("closed", lhs, grads[name][0, 0])))
    return shown


def feed_forward_theorem() -> Theorem:
    n, d = X.shape[0], W_1.shape[1]
    A, R, D, H = (sp.MatrixSymbol(name, n, d) for name in ("A", "R", "D", "H"))
    i, j = sp.symbols("i j", integer=True, positive=True)
    entry = sp.IndexedBase("A")[i, j]
    return Theorem(
        name="feed-forward", title="The feed-forward block through its ReLU",
        statement=(f"{partial('L', W_2)} = {latex(R.T * G_)}",
                   f"{partial('L', b_2)} = {latex(ONES * G_)}",
                   f"{partial('L', W_1)} = {latex(X.T * D)}",
                   f"{partial('L', b_1)} = {latex(ONES * D)}",
                   f"{partial('L', X)} = {latex(D * W_1.T)}"),
        given=(f"{latex(A)} = {latex(X * W_1 + ONES.T * b_1)}", f"{latex(R)} = {latex(relu(A))}",
               f"{latex(sp.IndexedBase('H')[i, j])} = {show(sp.Heaviside(entry))}",
               f"{latex(D)} = {latex(sp.HadamardProduct(G_ * W_2.T, H))}",
               f"L = {latex(sp.Trace(G_.T * (R * W_2 + ONES.T * b_2)))}"),
        sizes="1x2x2, 2x2x3, 2x3x2 (+3x4x6)",
        instances=lambda: [feed_forward_at(*s) for s in FFN_SYMBOLIC]
        + [feed_forward_at(*s, symbolic=False) for s in FFN_NUMERIC],
        walkthroughs=feed_forward_walkthrough)
