r"""Why a refuted gradient is wrong: the slip that turns the claim into the truth.

At the point that refuted it, the true derivative D and the claim C of each
variable (a matrix, entry by entry) are compared, in this order:

* C^T = D                           the claim is transposed
* C = c D for a constant c          a scale factor: -1 (the sign), and the factors
                                    of ``POLICY.scale_factors`` that ``derive check``
                                    also names (2, 1/2, sqrt 2 ...), then 1/sqrt(s),
                                    sqrt(s), 1/s and s for each positive scalar s of
                                    the identity (the missing 1/sqrt(d_k))
* C - t = D, C - 2t = D             a term of C is extra, or has the wrong sign
* C + t = D (one entry)             a term t of the true derivative is missing
* C = f (one variable, one output)  the claim is the function, not its derivative
* C = f' with a'(u) read as a(u)   an activation's derivative taken as the activation
                                    itself: sigma for sigma', tanh for tanh', ReLU for its
                                    step (a made an unknown F, differentiated, F' read as a)

Values are computed at ``PREC`` bits and compared to ``DIGITS`` digits (the verdict is
certified already; this only explains it); none fits: no diagnosis.
"""

from __future__ import annotations

import sympy as sp
from flint import ctx

from derive.check.policy import POLICY
from derive.evaluate import ball
from derive.proofs import numeric
from derive.stages.activation import ReLU, sigmoid
from derive.symbols import as_expr

PREC = 256
DIGITS = 12      # float64 values of 256-bit balls: an explanation, not a verdict


def diagnose(variables: list[tuple[str, int, int]], claims: list, point: dict) -> str | None:
    """The first slip that explains every variable's claim at the point, per variable
    (name, rows, cols); ``claims`` are in the order of the variables' entries (row-major)."""
    found = []
    k = 0
    for name, rows, cols in variables:
        chunk = claims[k:k + rows * cols]
        k += rows * cols
        D = [[_value(c.derivative, point) for c in chunk[r * cols:(r + 1) * cols]] for r in range(rows)]
        C = [[_value(c.claimed, point) for c in chunk[r * cols:(r + 1) * cols]] for r in range(rows)]
        if _same(C, D):
            continue
        slip = _slip(C, D, chunk, point)
        if slip is None:
            return None
        found.append(f"by {name}, {slip}")
    return "; ".join(found) or None


def _value(expr, point) -> float | None:
    with ctx.workprec(PREC):
        try:
            b = ball(as_expr(expr).xreplace(point), numeric.environment(point), {})
        except (ZeroDivisionError, ValueError, TypeError, KeyError):
            return None
    return float(b.mid()) if b.is_finite() else None


def _close(a, b) -> bool:
    return a is not None and b is not None and abs(a - b) <= 10.0 ** -DIGITS * max(1.0, abs(b))


def _same(C, D) -> bool:
    return all(_close(c, d) for rc, rd in zip(C, D) for c, d in zip(rc, rd))


def _slip(C, D, chunk, point) -> str | None:
    rows, cols = len(C), len(C[0])
    if rows == cols and rows > 1 and _same([[C[j][i] for j in range(rows)] for i in range(cols)], D):
        return "the claim is transposed"
    for name, factor in _factors(chunk, point):
        if _same([[c * factor if c is not None else None for c in row] for row in C], D):
            return "the sign is wrong" if name == "-1" else f"the claim is off by a factor: the truth is {name} times it"
    for k, term in enumerate(_terms(chunk[0].claimed)):
        for times, slip in ((1, f"the term {term} is extra"), (2, f"the sign of the term {term} is wrong")):
            moved = [[_moved(c.claimed, k, times, point) for c in chunk[r * cols:(r + 1) * cols]] for r in range(rows)]
            if _same(moved, D):
                return slip
    if rows == cols == 1:
        for term in _terms(sp.expand(as_expr(chunk[0].derivative))):
            if _close(_value(as_expr(chunk[0].claimed) + term, point), D[0][0]):
                return f"the term {term} is missing"
    if rows == cols == 1 and _close(_value(chunk[0].output, point), C[0][0]):
        return "the claim is the function itself, not its derivative"
    for name, swapped in _activation_slips(chunk):
        values = [[_value(s, point) for s in swapped[r * cols:(r + 1) * cols]] for r in range(rows)]
        if _same(C, values):
            return f"the derivative of {name} is taken as {name} itself"
    return None


def _is_sigmoid(e) -> bool:
    """1 / (1 + e^{-u}), as derive writes sigma(u)."""
    return isinstance(e, sp.Pow) and e.exp == -1 and isinstance(e.base, sp.Add) and len(e.base.args) == 2 \
        and sp.S.One in e.base.args and any(isinstance(a, sp.exp) for a in e.base.args)


def _sigmoid_argument(e):
    (a,) = [a for a in e.base.args if isinstance(a, sp.exp)]
    return -a.args[0]


# activation: (its name, how to find it, its argument, how to write it of an argument)
ACTIVATIONS = (
    ("the sigmoid", _is_sigmoid, _sigmoid_argument, sigmoid),
    ("tanh", lambda e: isinstance(e, sp.tanh), lambda e: e.args[0], sp.tanh),
    ("ReLU", lambda e: isinstance(e, ReLU), lambda e: e.args[0], ReLU),
)


def _activation_slips(chunk):
    """For each activation a in the functions: their derivatives with a'(u) read as a(u)
    (a replaced by an unknown function F, differentiated, then F and F' both put back as a)."""
    if any(c.var is None for c in chunk):
        return
    F = sp.Function("slipped")
    for name, test, argument, rebuild in ACTIVATIONS:
        outputs = [as_expr(c.output) for c in chunk]
        if not any(o.find(test) for o in outputs):
            continue
        swapped = []
        for o, c in zip(outputs, chunk):
            d = sp.diff(o.replace(test, lambda e: F(argument(e))), c.var)
            d = d.replace(lambda e: isinstance(e, sp.Subs) and isinstance(e.expr, sp.Derivative)
                          and e.expr.expr.func == F, lambda e: rebuild(e.point[0]))
            d = d.replace(lambda e: isinstance(e, sp.Derivative) and e.expr.func == F,
                          lambda e: rebuild(e.expr.args[0]))
            swapped.append(d.replace(lambda e: getattr(e, "func", None) == F, lambda e: rebuild(e.args[0])))
        yield name, swapped


def _moved(claimed, k: int, times: int, point):
    """The claim less ``times`` its k-th term (one term extra, or its sign flipped)."""
    terms = _terms(claimed)
    return _value(as_expr(claimed) - times * terms[k], point) if len(terms) > k else None


def _factors(chunk, point):
    yield "-1", -1.0
    for name, factor in POLICY.scale_factors:
        if factor != -1:
            yield name, float(factor)
    scalars = sorted({s for c in chunk for s in as_expr(c.claimed).free_symbols | as_expr(c.derivative).free_symbols
                      if s.is_positive and s in point}, key=sp.default_sort_key)
    for s in scalars:
        v = float(point[s])
        for name, factor in ((f"1/sqrt({s})", v ** -0.5), (f"sqrt({s})", v ** 0.5), (f"1/{s}", 1 / v), (f"{s}", v)):
            yield name, factor


def _terms(expr) -> tuple:
    expr = as_expr(expr)
    return expr.args if isinstance(expr, sp.Add) else ()
