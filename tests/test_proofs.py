"""derive prove: every identity holds, wrong variants fail at the first bad point.

Oracles: the wrong variants are written here from their formulas, and the
first failing point is found again with mpmath at 50 digits (independent of
the Arb balls the proofs use).
"""

import io
import time
from dataclasses import replace

import mpmath
import pytest
import sympy as sp

from derive.errors import UsageError
from derive.proofs import attention, catalog, norm, softmax
from derive.proofs.command import prove_command
from derive.proofs.document import proofs_context
from derive.proofs.stages import numeric_only, theorem_name
from derive.stages.record import all_stages
from derive.proofs.identity import Identity, prove_identity, sample_points
from derive.proofs.symbolic import independent_exponentials
from derive.proofs.theorem import Theorem, matrix, prove_theorem, vector
from derive.render import environment
from derive.stages.softmax import softmax_row

x, y, t = sp.symbols("x y t", real=True)

# Backward rules of stages built on a function that declares its own derivative
# (ReLU): checked numerically only, since SymPy would differentiate by that declaration.
NUMERIC_ONLY = {theorem_name(s) for s in all_stages().values() if numeric_only(s)}


@pytest.fixture(scope="module")
def proved():
    """All registered identities (ten, and one backward rule per Stage record), proved
    once: (results by name, seconds)."""
    start = time.perf_counter()
    results = {th.name: prove_theorem(th) for th in catalog.select()}
    seconds = time.perf_counter() - start
    print(f"\nall {len(results)} proofs: {seconds:.1f} s; " + ", ".join(
        f"{name} {r.seconds:.1f} s" for name, r in results.items()))
    return results, seconds


@pytest.mark.parametrize("name", list(catalog.THEOREMS))
def test_every_identity_proves(proved, name):
    result = proved[0][name]
    if name in NUMERIC_ONLY:      # its row declares its own derivative: checked, never called proved
        assert (result.result, result.method) == ("checked", "certified numeric")
    else:
        assert (result.result, result.method) == ("proved", "symbolic + certified numeric"), \
            (result.note, result.failure)
    assert not any(part.refuted for part in result.parts)
    assert all(part.proved for part in result.parts if part.attempted)
    assert result.digits >= 40


def test_all_proofs_within_two_minutes(proved):
    assert len(proved[0]) == 10 + len(all_stages())
    assert proved[1] < 120


def test_proofs_page_renders_every_derivation(proved):
    results = [proved[0][name] for name in catalog.THEOREMS]
    page = environment().get_template("proofs.md.j2").render(**proofs_context(results))
    again = environment().get_template("proofs.md.j2").render(**proofs_context(results))
    assert page == again
    last = len(catalog.THEOREMS)
    assert [line for line in page.splitlines() if line.startswith("## ")][-1].startswith(f"## {last}.")
    assert page.count("### Worked entry") >= last
    assert page.count("$$") % 2 == 0
    assert "seconds" not in page and "timed out" not in page


# --- wrong variants -----------------------------------------------------------------------------

def mp_value(expr, point):
    """expr at an exact point, by mpmath at 50 digits."""
    symbols = sorted(point, key=str)
    with mpmath.workdps(50):
        f = sp.lambdify(symbols, expr, modules="mpmath")
        return f(*[mpmath.mpf(int(point[s].p)) / int(point[s].q) for s in symbols])


def first_bad_point(identity, count=4):
    """The first sampled point where some claim differs from SymPy's derivative."""
    claims = identity.claims()
    for point in sample_points(identity, claims, count):
        for claim in claims:
            a, b = mp_value(claim.derivative, point), mp_value(claim.claimed, point)
            if abs(a - b) > mpmath.mpf(10) ** -30 * max(1, abs(b)):
                return {str(s): str(v) for s, v in point.items()}, claim.label
    return None, None


def cross_entropy_plus_y():
    z, ys = vector("z", 4), vector("y", 4)
    wrong = [p + yk for p, yk in zip(softmax_row(z), ys)]
    return replace(softmax.cross_entropy_at(4), claimed=wrong)


def jacobian_without_diagonal():
    p = softmax_row(vector("z", 3))
    return replace(softmax.jacobian_at(3), claimed=[[-a * b for b in p] for a in p])


def layer_norm_rule(x_row, g_row, gamma_row, with_last_term):
    """dL/dx of one row, written out here: (g^ - mean g^ - x^ mean(g^ x^)) / sqrt(var + eps)."""
    d = len(x_row)
    mu = sum(x_row) / d
    root = sp.sqrt(sum((v - mu) ** 2 for v in x_row) / d + sp.Symbol("epsilon", positive=True))
    x_hat = [(v - mu) / root for v in x_row]
    g_hat = [a * b for a, b in zip(g_row, gamma_row)]
    last = sum(a * b for a, b in zip(g_hat, x_hat)) / d if with_last_term else 0
    return [(gh - sum(g_hat) / d - xh * last) / root for gh, xh in zip(g_hat, x_hat)], x_hat


def layer_norm_without_last_term():
    xs, g, gamma = matrix("x", 1, 3), matrix("g", 1, 3), matrix("gamma", 1, 3)
    dx, x_hat = layer_norm_rule(list(xs), list(g), list(gamma), with_last_term=False)
    return replace(norm.layer_norm_at(1, 3),
                   claimed=[dx, [a * b for a, b in zip(g, x_hat)], list(g)])


def layer_norm_gamma_in_front():
    """The shared-gamma form, used with one gamma per feature."""
    xs, g, gamma = matrix("x", 1, 3), matrix("g", 1, 3), matrix("gamma", 1, 3)
    dx, x_hat = layer_norm_rule(list(xs), list(g), [1, 1, 1], with_last_term=True)
    return replace(norm.layer_norm_at(1, 3), claimed=[[gj * v for gj, v in zip(gamma, dx)],
                                                      [a * b for a, b in zip(g, x_hat)], list(g)])


def dq_without_scale(masked):
    Q, K, V, dO = matrix("Q", 2, 2), matrix("K", 2, 2), matrix("V", 2, 2), matrix("dO", 2, 2)
    grads = attention.attention_backward(Q, K, V, dO, masked)
    identity = attention.attention_at(2, 2, 2, masked)[0]
    return replace(identity, claimed=[grads["Q"] * sp.sqrt(2), grads["K"], grads["V"]])


@pytest.mark.parametrize("build", [
    cross_entropy_plus_y, jacobian_without_diagonal, layer_norm_without_last_term,
    layer_norm_gamma_in_front, lambda: dq_without_scale(False), lambda: dq_without_scale(True),
], ids=["P+y", "jacobian-no-diagonal", "layer-norm-no-last-term", "layer-norm-gamma-in-front",
        "dQ-unscaled", "dQ-unscaled-masked"])
def test_wrong_variant_fails_at_first_bad_point(build):
    identity = build()
    result = prove_identity(identity)
    assert result.result == "refuted"
    assert result.method == "certified numeric"
    point, label = first_bad_point(identity)
    assert result.failure.point == point
    assert result.failure.claim == label
    assert result.failure.against == "derivative"


class WrongCube(sp.Function):
    """x^3 whose declared derivative (2 x^2) is wrong: only a finite difference sees it."""

    def fdiff(self, argindex=1):
        return 2 * self.args[0] ** 2

    def _arb(self, v):
        return v * v * v


def test_finite_difference_catches_a_wrong_declared_derivative():
    result = prove_identity(Identity("cube", WrongCube(x), [x], [2 * x**2]))
    assert result.result == "refuted"
    assert result.failure.against == "finite difference"


# --- the user's own identities ------------------------------------------------------------------

BOTH = "symbolic + certified numeric"


@pytest.mark.parametrize("identity, method", [
    (Identity("product", x**2 * y + sp.sin(x * y), [x, y],
              [2 * x * y + y * sp.cos(x * y), x**2 + x * sp.cos(x * y)]), BOTH),
    (Identity("jacobian", [x * y, x + y], [x, y], [[y, x], [1, 1]]), BOTH),
    (Identity("double angle", sp.sin(2 * x), (), [2 * sp.sin(x) * sp.cos(x)]), BOTH),
    (Identity("at zero", (x + t) ** 3, [t], [3 * x**2], at={t: 0}), BOTH),
    (Identity("numeric only", sp.exp(x) * x, [x], [(1 + x) * sp.exp(x)], symbolic=False),
     "certified numeric"),
])
def test_user_identity_is_proved_or_only_checked(identity, method):
    result = prove_identity(identity)
    assert (result.result, result.method) == ("proved" if method == BOTH else "checked", method)
    assert result.statement


def test_user_identity_fails_with_its_point():
    result = prove_identity(Identity("mine", x**3, [x], [3 * x]))
    assert result.result == "refuted"
    value = sp.Rational(result.failure.point["x"])
    assert 3 * value**2 != 3 * value


def test_user_text_is_never_parsed():
    with pytest.raises(TypeError, match="not a number or a SymPy object"):
        Identity("text", x**2, [x], ["2*x"]).claims()


def test_symbolic_budget_falls_back_to_numeric():
    result = prove_identity(attention.attention_at(3, 2, 2, False)[0], budget=0.05)
    assert (result.result, result.method) == ("checked", "certified numeric")
    assert "did not finish" in result.note


@pytest.mark.parametrize("expr", [
    sp.exp(2 * x) - sp.exp(x) ** 2,
    sp.exp(x) / (sp.exp(x) + sp.exp(y)) + sp.exp(y) / (sp.exp(x) + sp.exp(y)) - 1,
    sp.exp(-x) * sp.exp(x) - 1,
])
def test_exponentials_as_unknowns_keep_their_powers(expr):
    assert sp.cancel(independent_exponentials(expr)) == 0


def test_points_respect_assumptions():
    a, b = sp.Symbol("a", positive=True), sp.Symbol("b", negative=True)
    identity = Identity("signs", a * b, [a, b], [b, a])
    points = sample_points(identity, identity.claims(), 6)
    assert points == sample_points(identity, identity.claims(), 6)
    assert all(p[a] > 0 and p[b] < 0 for p in points)


# --- derive prove -------------------------------------------------------------------------------

def test_command_exit_zero_and_table():
    out = io.StringIO()
    assert prove_command(["sigmoid-relu", "mse"], out=out) == 0
    lines = out.getvalue().splitlines()
    assert lines[0].split() == ["name", "sizes", "method", "result", "seconds"]
    assert lines[1].startswith("sigmoid-relu") and " proved " in lines[1]
    assert lines[3].startswith("2 proved, 0 refuted, 0 only checked")


def test_command_exit_three_when_one_is_only_checked():
    """An identity with a numeric check only: not refuted, not proved, exit 3."""
    only = Theorem(name="only", title="checked", statement=("",), given=(), sizes="scalar",
                   instances=lambda: [Identity("only", sp.exp(x) * x, [x], [(1 + x) * sp.exp(x)],
                                               symbolic=False)], walkthroughs=lambda: [])
    out = io.StringIO()
    assert prove_command(["only"], table={"only": lambda: only}, out=out) == 3
    assert "0 proved, 0 refuted, 1 only checked" in out.getvalue()


def test_relu_is_proved_region_by_region_not_by_its_declared_derivative():
    """A claim that is right only where ReLU's declared derivative says so: the region
    proof sees through it. ReLU'(u) claimed as H(u) is proved; claimed as 1 is refuted."""
    from derive.proofs.identity import region_differences
    from derive.stages.activation import ReLU

    good = Identity("relu", ReLU(2 * x - 1), [x], [2 * sp.Heaviside(2 * x - 1)])
    differences, regions = region_differences(good.claims())
    assert regions == 2 and [sp.simplify(d) for d in differences] == [0, 0]
    assert prove_identity(good).result == "proved"
    assert prove_identity(Identity("relu", ReLU(2 * x - 1), [x], [sp.Integer(2)])).result == "refuted"


def test_command_exit_one_on_a_failing_identity():
    bad = Theorem(name="bad", title="P + y", statement=("",), given=(), sizes="V = 4",
                  instances=lambda: [cross_entropy_plus_y()], walkthroughs=lambda: [])
    out = io.StringIO()
    assert prove_command(["bad"], table={"bad": lambda: bad}, out=out) == 1
    assert "first failing point: y_1 = " in out.getvalue()


def test_command_unknown_name_lists_known_ones():
    with pytest.raises(UsageError) as caught:
        prove_command(["softmax", "mse"])
    assert "'softmax'" in str(caught.value)
    assert all(name in str(caught.value) for name in catalog.THEOREMS)


def test_worker_processes_give_the_serial_results_in_order():
    """The registry (and a file's table) is proved in worker processes; the same
    theorems proved here, one after another, give the same results."""
    from dataclasses import replace

    from derive.proofs.catalog import THEOREMS, prove_each
    names = ["positional-shift", "sigmoid-relu"]
    parallel = list(prove_each(names))
    serial = [prove_theorem(THEOREMS[n]()) for n in names]
    assert [r.name for r in parallel] == names
    def timeless(results):
        return [replace(r, seconds=0, parts=tuple(replace(p, seconds=0) for p in r.parts)) for r in results]
    assert timeless(parallel) == timeless(serial)
