r"""Cross-entropy, its gradient, and a gradient-descent step on the logits.

    L = -\sum_i y_i \log p_i, \qquad \frac{\partial L}{\partial z_i} = p_i - y_i,
    \qquad z' = z - \alpha (p - y)
"""

from __future__ import annotations

import sympy as sp

from derive.stages.matexpr import shape_text


def _same_shape(P, y, what):
    if P.shape != y.shape:
        raise ValueError(f"{what}: {shape_text(P)} and {shape_text(y)} differ in shape")


def cross_entropy(P, y):
    r"""L = -\sum_i y_i \log p_i for each row (a column of losses)."""
    _same_shape(P, y, "cross-entropy")
    return sp.ImmutableMatrix([[-sp.Add(*[y[i, j] * sp.log(P[i, j]) for j in range(P.cols)])]
                               for i in range(P.rows)])


def cross_entropy_grad(P, y):
    r"""\frac{\partial L}{\partial z} = P - y, for P = \mathrm{softmax}(z) and \sum_i y_i = 1."""
    _same_shape(P, y, "gradient")
    return sp.ImmutableMatrix(P - y)


def logits_of(P):
    r"""z = \log P: logits whose softmax is P when each row of P sums to 1."""
    return sp.ImmutableMatrix(P.applyfunc(sp.log))


def sgd_step(z, g, alpha):
    r"""z' = z - \alpha g."""
    _same_shape(z, g, "descent step")
    return sp.ImmutableMatrix(z - alpha * g)


def log_likelihood(p):
    r"""L_1 = \sum_i \log p_i: the log-probabilities of the observed tokens, summed."""
    return sp.ImmutableMatrix([[sp.Add(*[sp.log(v) for v in p])]])


# The general formulas as SymPy objects, for documents (tests check them
# against the functions above at concrete sizes).
i, V = sp.symbols("i V", integer=True, positive=True)
p, y, z = sp.IndexedBase("p"), sp.IndexedBase("y"), sp.IndexedBase("z")
alpha = sp.Symbol("alpha", positive=True)


def cross_entropy_formula():
    r"""-\sum_{i=1}^{V} y_i \log p_i."""
    return -sp.Sum(y[i] * sp.log(p[i]), (i, 1, V))


def cross_entropy_grad_formula():
    r"""\frac{\partial L}{\partial z_i} = p_i - y_i."""
    return sp.Add(p[i], -y[i], evaluate=False)


def logits_formula():
    r"""z_i = \log p_i."""
    return sp.log(p[i])


def sgd_step_formula():
    r"""z_i - \alpha g_i (g the gradient)."""
    g = sp.IndexedBase("g")
    return sp.Add(z[i], -sp.Mul(alpha, g[i], evaluate=False), evaluate=False)


class Conditional(sp.Function):
    r"""P(u_i \mid u_{i-k}, \dots, u_{i-1}), for display."""

    def _latex(self, printer):
        token, *context = (printer._print(a) for a in self.args)
        return rf"P\left({token} \mid {', '.join(context)}\right)"


def log_likelihood_formula():
    r"""\sum_i \log P(u_i \mid u_{i-k}, \dots, u_{i-1})."""
    u = sp.IndexedBase("u")
    k, n = sp.symbols("k n", integer=True, positive=True)
    return sp.Sum(sp.log(Conditional(u[i], u[i - k], sp.Symbol(r"\dots"), u[i - 1])), (i, 1, n))
