r"""Softmax with cross-entropy, the softmax Jacobian, and one descent step.

    L = -\sum_k y_k \log p_k, \quad p = \mathrm{softmax}(z), \quad \sum_k y_k = 1
    \frac{\partial L}{\partial z_i} = p_i - y_i
    \frac{\partial p_i}{\partial z_j} = p_i (\delta_{ij} - p_j)
    \frac{d}{d\alpha} L(z - \alpha g) \Big|_{\alpha = 0} = -\lVert g \rVert^2, \quad g = p - y

The forward side always comes from derive's ``softmax_row`` stage.
"""

from __future__ import annotations

import sympy as sp

from derive.proofs.identity import Identity
from derive.proofs.theorem import Step, Theorem, Walkthrough, name_softmax, partial, vector
from derive.stages import loss
from derive.stages.softmax import softmax_jacobian, softmax_row
from derive.symbols import alpha

# The general vocabulary: indexed sums over a symbolic size V.
V = sp.Symbol("V", integer=True, positive=True)
i, j, k = sp.symbols("i j k", integer=True, positive=True)
z_, y_, p_ = (sp.IndexedBase(name, real=True) for name in ("z", "y", "p"))
IN_RANGE = sp.Q.ge(i, 1) & sp.Q.le(i, V)

SYMBOLIC_V = range(2, 9)       # V = 2 ... 8, symbolic and numeric
NUMERIC_V = (16, 32)           # numeric only


def cross_entropy(z, y) -> sp.Expr:
    r"""L = -\sum_k y_k \log \mathrm{softmax}(z)_k, by derive's own loss stage."""
    return loss.cross_entropy(sp.Matrix([softmax_row(z)]), sp.Matrix([list(y)]))[0]


def cross_entropy_grad(z, y) -> list[sp.Expr]:
    r"""\frac{\partial L}{\partial z} = p - y (when \sum_k y_k = 1), by derive's stage."""
    return list(loss.cross_entropy_grad(sp.Matrix([softmax_row(z)]), sp.Matrix([list(y)])))


def one_hot_free(y) -> dict:
    r"""y_V = 1 - \sum_{k < V} y_k: the constraint \sum_k y_k = 1, as a substitution."""
    return {y[-1]: 1 - sp.Add(*y[:-1])}


# --- 1. softmax + cross-entropy ---------------------------------------------------------------

def indexed_cross_entropy() -> sp.Expr:
    r"""L = -\sum_{k=1}^{V} y_k \log \frac{e^{z_k}}{\sum_{j=1}^{V} e^{z_j}}."""
    total = sp.Sum(sp.exp(z_[j]), (j, 1, V))
    return -sp.Sum(y_[k] * sp.log(sp.exp(z_[k]) / total), (k, 1, V))


def cross_entropy_general() -> Identity:
    """The identity for a symbolic V, with indexed sums: symbolic only."""
    total = sp.Sum(sp.exp(z_[j]), (j, 1, V))
    return Identity("softmax-cross-entropy", indexed_cross_entropy(), [z_[i]],
                    [sp.exp(z_[i]) / total - y_[i]], sizes="V symbolic",
                    at={sp.Sum(y_[k], (k, 1, V)): 1}, where=IN_RANGE)


def cross_entropy_at(size: int, symbolic: bool = True) -> Identity:
    z, y = vector("z", size), vector("y", size)
    return Identity("softmax-cross-entropy", cross_entropy(z, y), z, cross_entropy_grad(z, y),
                    sizes=f"V = {size}", at=one_hot_free(y), symbolic=symbolic)


def cross_entropy_walkthrough() -> list[Walkthrough]:
    L, dz = indexed_cross_entropy(), partial("L", z_[i])
    split = -sp.Sum(y_[k] * sp.expand_log(sp.log(sp.exp(z_[k]) / sp.Sum(sp.exp(z_[j]), (j, 1, V))),
                                          force=True), (k, 1, V))
    differentiated = sp.diff(split, z_[i])
    summed = sp.simplify(sp.refine(sp.piecewise_fold(differentiated.doit()), IN_RANGE))
    one = summed.xreplace({sp.Sum(y_[k], (k, 1, V)): 1})
    steps = (Step("log_quotient", "L", split), Step("differentiate", dz, differentiated),
             Step("kronecker", dz, summed), Step("sum_to_one", dz, one))
    return [Walkthrough("V symbolic", Step("forward", "L", L), Step("sympy", dz, sp.diff(L, z_[i])),
                        steps, Step("closed", dz, p_[i] - y_[i]))]


def cross_entropy_theorem() -> Theorem:
    return Theorem(
        name="softmax-cross-entropy", title="Softmax and cross-entropy",
        statement=(f"{partial('L', z_[i])} = {sp.latex(p_[i] - y_[i])}",),
        given=(f"L = {sp.latex(-sp.Sum(y_[k] * sp.log(p_[k]), (k, 1, V)))}",
               f"{sp.latex(p_[i])} = {sp.latex(sp.exp(z_[i]) / sp.Sum(sp.exp(z_[j]), (j, 1, V)))}",
               f"{sp.latex(sp.Sum(y_[k], (k, 1, V)))} = 1"),
        sizes="V symbolic, 2..8 (+16, 32)",
        instances=lambda: [cross_entropy_general()]
        + [cross_entropy_at(n) for n in SYMBOLIC_V]
        + [cross_entropy_at(n, symbolic=False) for n in NUMERIC_V],
        walkthroughs=cross_entropy_walkthrough)


# --- 2. the softmax Jacobian ------------------------------------------------------------------

def jacobian_at(size: int, symbolic: bool = True) -> Identity:
    z = vector("z", size)
    return Identity("softmax-jacobian", softmax_row(z), z, softmax_jacobian(z),
                    sizes=f"V = {size}", symbolic=symbolic)


def jacobian_walkthrough() -> list[Walkthrough]:
    z, p = vector("z", 3), [sp.Symbol(f"p_{n}") for n in (1, 2, 3)]
    shown = []
    for a, b in ((0, 0), (0, 1)):
        forward, lhs = softmax_row(z)[a], partial(f"p_{a + 1}", z[b])
        raw = sp.diff(forward, z[b])
        closed = p[a] * (sp.KroneckerDelta(a, b) - p[b])
        shown.append(Walkthrough("V = 3", Step("forward", f"p_{a + 1}", forward),
                                 Step("sympy", lhs, raw),
                                 (Step("name_softmax", lhs, name_softmax(raw, [z], [p])),),
                                 Step("closed", lhs, closed)))
    return shown


def jacobian_theorem() -> Theorem:
    d = sp.KroneckerDelta(i, j)
    return Theorem(
        name="softmax-jacobian", title="The softmax Jacobian",
        statement=(f"{partial(sp.latex(p_[i]), z_[j])} = {sp.latex(p_[i] * (d - p_[j]))}",),
        given=(f"{sp.latex(p_[i])} = "
               f"{sp.latex(sp.exp(z_[i]) / sp.Sum(sp.exp(z_[k]), (k, 1, V)))}",),
        sizes="V = 2..6 (+8, 16)",
        instances=lambda: [jacobian_at(n) for n in range(2, 7)]
        + [jacobian_at(n, symbolic=False) for n in (8, 16)],
        walkthroughs=jacobian_walkthrough)


# --- 9. a descent step decreases the loss -----------------------------------------------------

def descent_at(size: int, symbolic: bool = True) -> Identity:
    r"""f(\alpha) = L(z - \alpha g), g = p - y: f'(0) = -\lVert g \rVert^2."""
    z, y = vector("z", size), vector("y", size)
    g = cross_entropy_grad(z, y)
    stepped = cross_entropy([zk - alpha * gk for zk, gk in zip(z, g)], y)
    at = {alpha: sp.S.Zero, **one_hot_free(y)}
    return Identity("descent-step", stepped, [alpha], [-sp.Add(*[gk**2 for gk in g])],
                    sizes=f"V = {size}", at=at, symbolic=symbolic)


def descent_walkthrough() -> list[Walkthrough]:
    z, y, p = vector("z", 2), vector("y", 2), [sp.Symbol(f"p_{n}") for n in (1, 2)]
    identity = descent_at(2)
    lhs, at = r"\frac{d}{d\alpha} L(z - \alpha g)", r"\Big|_{\alpha=0}"
    raw = sp.diff(identity.forward, alpha)
    at_zero = raw.xreplace({alpha: 0})
    named = name_softmax(at_zero, [z], [p])
    one = sp.factor(named.xreplace({p[1]: 1 - p[0], y[1]: 1 - y[0]}))
    closed = -sp.Add(*[(pk - yk) ** 2 for pk, yk in zip(p, y)])
    steps = (Step("at_zero", lhs + at, at_zero), Step("name_softmax", lhs + at, named),
             Step("two_sums_to_one", lhs + at, one))
    return [Walkthrough("V = 2", Step("forward", r"L(z - \alpha g)", identity.forward),
                        Step("sympy", lhs, raw), steps, Step("closed", lhs + at, closed))]


def descent_theorem() -> Theorem:
    g = sp.IndexedBase("g", real=True)
    return Theorem(
        name="descent-step", title="A gradient step decreases the loss",
        statement=(r"\frac{d}{d\alpha} L(z - \alpha g) \Big|_{\alpha = 0} = "
                   + sp.latex(-sp.Sum(g[k] ** 2, (k, 1, V))),),
        given=(f"{sp.latex(g[k])} = {sp.latex(p_[k] - y_[k])}",
               f"{sp.latex(sp.Sum(y_[k], (k, 1, V)))} = 1"),
        sizes="V = 2..4 (+8)",
        instances=lambda: [descent_at(n) for n in (2, 3, 4)] + [descent_at(8, symbolic=False)],
        walkthroughs=descent_walkthrough)
