"""Three verdicts (proved, refuted, checked) that never say more than the evidence:
false identities with a kink outside [-2, 2], a claim off by 1e-45, points that do not
depend on the identity's name, and singular sample points drawn again."""

from __future__ import annotations

import pytest
import sympy as sp

from derive.proofs.identity import Identity, prove_identity, sample_points

x = sp.Symbol("x", real=True)


def relu6(v):
    return sp.Min(sp.Max(0, v), 6)


def clip(v, lo, hi):
    return sp.Min(sp.Max(v, lo), hi)


@pytest.mark.parametrize("name, forward, claimed", [
    ("relu6' = H", relu6(x), sp.Heaviside(x)),                 # wrong above 6
    ("clip(x, -5, 5)' = 1", clip(x, -5, 5), sp.Integer(1)),     # wrong outside [-5, 5]
    ("hardtanh' = 1", clip(x, -1, 1), sp.Integer(1)),           # wrong outside [-1, 1]
])
def test_a_kink_outside_the_small_range_is_found_and_refuted(name, forward, claimed):
    result = prove_identity(Identity(name, forward, [x], [claimed]))
    assert result.result == "refuted" and abs(sp.Rational(result.failure.point["x"])) > 1


def test_a_claim_off_by_1e_45_is_refuted_not_checked():
    tiny = sp.Rational(1, 10**45)
    result = prove_identity(Identity("tiny", x**2, [x], [2 * x + tiny]))
    assert result.result == "refuted" and result.digits >= 40     # it agreed to 40 digits, and still differs


def test_a_true_identity_sympy_cannot_simplify_is_only_checked():
    # d/dx of x^2 claimed as a form SymPy is told not to try: checked, never proved
    result = prove_identity(Identity("numeric", sp.exp(x) * x, [x], [(1 + x) * sp.exp(x)], symbolic=False))
    assert (result.result, result.points) == ("checked", 4)


def test_the_points_do_not_depend_on_the_identitys_name():
    a = Identity("a name", x**3, [x], [3 * x**2])
    b = Identity("another name", x**3, [x], [3 * x**2])
    assert sample_points(a, a.claims(), 4) == sample_points(b, b.claims(), 4)


def test_points_reach_tiny_and_large_magnitudes():
    i = Identity("m", x**3, [x], [3 * x**2])
    values = [abs(p[x]) for p in sample_points(i, i.claims(), 4)]
    assert values[1] < sp.Rational(1, 10) and values[3] >= 10


@pytest.mark.parametrize("seed", range(6))
def test_a_singular_sample_matrix_is_drawn_again(seed):
    """d/dX tr(X^{-1} A) = -(X^{-1} A X^{-1})^T, for a 2 x 2 X: a singular X has no inverse."""
    X = sp.Matrix(2, 2, lambda i, j: sp.Symbol(f"x_{i}{j}", real=True))
    A = sp.Matrix(2, 2, lambda i, j: sp.Symbol(f"a_{i}{j}", real=True))
    forward = (X.inv() * A).trace()
    claimed = -(X.inv() * A * X.inv()).T
    result = prove_identity(Identity("trace inverse", forward, list(X), list(claimed)), seed=seed)
    assert result.result == "proved"


def test_matrix_symbols_of_given_sizes_are_made_explicit():
    """The Matrix Cookbook's d/dX log det X = X^{-T} and d/dX tr(A X) = A^T, written with
    MatrixSymbols: proved on the explicit 3 x 3 entries, the log's domain (det X > 0)
    kept by drawing points again."""
    X, A = sp.MatrixSymbol("X", 3, 3), sp.MatrixSymbol("A", 3, 3)
    logdet = prove_identity(Identity("log det", sp.log(sp.Determinant(X)), [X], [X.inv().T]))
    assert logdet.result == "proved"
    trace = prove_identity(Identity("trace", sp.Trace(A * X), [X], [A.T]))
    assert trace.result == "proved"
    wrong = prove_identity(Identity("trace", sp.Trace(A * X), [X], [A]))     # not transposed
    assert wrong.result == "refuted"


def test_abs_sign_and_erf_have_verdicts_not_exceptions():
    assert prove_identity(Identity("abs", sp.Abs(x), [x], [sp.sign(x)])).result == "proved"
    gelu = x / 2 * (1 + sp.erf(x / sp.sqrt(2)))
    slope = (1 + sp.erf(x / sp.sqrt(2))) / 2 + x * sp.exp(-x**2 / 2) / sp.sqrt(2 * sp.pi)
    assert prove_identity(Identity("gelu", gelu, [x], [slope])).result == "proved"


def test_an_undefined_function_is_proved_symbolically_or_said_unchecked():
    f = sp.Function("f")
    result = prove_identity(Identity("chain", f(2 * x), [x], [2 * sp.Subs(sp.Derivative(f(x), x), x, 2 * x)]))
    assert result.result in ("proved", "checked") and "not checked numerically" in result.note


def test_kinks_of_one_variable_are_proved_interval_by_interval():
    """hardtanh' = H(x + 1) H(1 - x) is proved on (-inf, -1), (-1, 1), (1, inf), each
    kink replaced by its branch there before differentiating; H(x + 1) alone is not."""
    from derive.proofs.identity import kink_regions, region_differences

    hardtanh = sp.Min(sp.Max(x, -1), 1)
    good = Identity("hardtanh", hardtanh, [x], [sp.Heaviside(x + 1) * sp.Heaviside(1 - x)])
    assert [p[x] for p in kink_regions([hardtanh])] == [sp.Rational(-7, 3), sp.Rational(-1, 3), sp.Rational(5, 3)]
    differences, regions = region_differences(good.claims())
    assert regions == 3 and all(sp.simplify(d) == 0 for d in differences)
    assert prove_identity(good).result == "proved"
    assert prove_identity(Identity("hardtanh", hardtanh, [x], [sp.Heaviside(x + 1)])).result == "refuted"


def test_a_replaced_claim_is_never_answered_from_the_originals_worked_claims():
    from dataclasses import replace

    right = Identity("square", x**2, [x], [2 * x])
    assert right.claims()[0].claimed == 2 * x          # worked out and kept
    wrong = replace(right, claimed=[3 * x])
    assert wrong.claims()[0].claimed == 3 * x and prove_identity(wrong).result == "refuted"
