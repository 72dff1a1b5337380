"""Exact rational-function arithmetic in proofs (derive.proofs.rational): true inverse and
determinant identities at 4 x 4 are proved by it, wrong ones are not, and anything that
is not a rational function over Q is left to SymPy's rewritings. The oracles are The
Matrix Cookbook's identities, SymPy's ``cancel`` and exact values at rational points."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
import sympy as sp

from derive.proofs import symbolic
from derive.proofs.identity import Identity, explicit, explicit_table, prove_identity
from derive.proofs.identity_file import load_identities
from derive.proofs.rational import Fractions, NotRational, denominators_outside, is_zero_rational
from derive.proofs.theorem import prove_theorem

HERE = Path(__file__).parent / "identities"
x, y, z = sp.symbols("x y z", real=True)


@pytest.mark.parametrize("expr", [
    x / (x + y) + y / (x + y) - 1,
    (x**2 - y**2) / (x - y) - (x + y),
    1 / (x * (x + 1)) - (1 / x - 1 / (x + 1)),
    (x + y)**5 - sp.expand((x + y)**5),
    x / (y * z) - x * y**-1 * z**-1,
    x - y,
    (x**2 - y**2) / (x - y) - (x - y),
    1 / (x * (x + 1)) - (1 / x + 1 / (x + 1)),
    (x + y)**5 - sp.expand((x + y)**5) + sp.Rational(1, 10**30) * x,
    sp.Indexed(sp.IndexedBase("a"), 1) - x,
])
def test_the_zero_test_agrees_with_sympys_cancel(expr):
    assert is_zero_rational(expr) == (sp.cancel(expr) == 0)


@pytest.mark.parametrize("expr", [
    sp.exp(x) - sp.exp(x) * (x / x) + sp.exp(y),   # exp: not a rational function
    sp.log(x) - y,
    sp.sqrt(2) * x - x,                             # a coefficient outside Q
    sp.Float(0.5) * x - y,                          # a float is not exact
    sp.pi * x,
    x**sp.Rational(1, 2) - y,
    sp.Function("f")(x) - y,
    x / sp.Add(x, -x, evaluate=False),              # divides by the zero polynomial
])
def test_anything_but_a_rational_function_over_q_is_declined(expr):
    with pytest.raises(NotRational):
        is_zero_rational(expr)


def test_a_rational_function_that_vanishes_at_points_but_not_identically_is_not_zero():
    expr = x * (x - 1) * (x - 2) * (x + 1) / (y**2 + 1)     # 0 at x = -1, 0, 1, 2 for every y
    assert all(expr.subs(x, v) == 0 for v in (-1, 0, 1, 2))
    assert not is_zero_rational(expr)


def test_differences_sharing_subtrees_get_the_same_verdicts_as_alone():
    D = sp.expand(sp.Matrix(3, 3, sp.symbols("m1:10")).det())
    exprs = [x / D + y / D - (x + y) / D, x / D**2 - x / D, (D + 1) / D - 1 - 1 / D]
    shared = Fractions()
    assert [shared.is_zero(e) for e in exprs] == [is_zero_rational(e) for e in exprs] == [True, False, True]


def _matrices(n):
    X, A = sp.MatrixSymbol("X", n, n), sp.MatrixSymbol("A", n, n)
    return X, A, explicit_table(X, A)


def _rational_point(symbols, seed=0):
    rng = random.Random(seed)
    return {s: sp.Rational(rng.randint(-9, 9), rng.randint(1, 5)) for s in symbols}


@pytest.mark.parametrize("n", [2, 3, 4])
def test_an_explicit_inverse_product_has_sympys_value_at_a_point(n):
    """Oracle: SymPy's own inverse of the numeric matrices at a rational point."""
    X, A, table = _matrices(n)
    worked = explicit(X.I * A * X.I, table)
    for seed in range(3):
        point = _rational_point(sorted(worked.free_symbols, key=sp.default_sort_key), seed)
        Xv, Av = table[X].xreplace(point), table[A].xreplace(point)
        if Xv.det() == 0:
            continue
        assert worked.xreplace(point) == Xv.inv() * Av * Xv.inv()


def test_the_determinant_is_written_once_per_entry_of_a_product_of_inverses():
    X, A, table = _matrices(3)
    det = sp.expand(table[X].det(method="berkowitz"))
    entry = explicit(X.I * A * X.I, table)[0, 1]
    assert list(sp.preorder_traversal(entry)).count(det) == 1
    assert det**-2 in sp.Mul.make_args(entry)


def test_taking_denominators_out_keeps_the_value():
    D = x * y + 1
    expr = x / D + y / D**2 + sp.exp(x / D + 1 / D) - z / D
    out = denominators_outside(expr)
    assert sp.simplify(out - expr) == 0
    assert out.args != expr.args     # the exponential's argument became one fraction


TRUE_4X4 = [
    ("tr(X^{-1} A)", lambda X, A: sp.Trace(X.I * A), lambda X, A: -(X.I * A * X.I).T),
    ("log det X", lambda X, A: sp.log(sp.Determinant(X)), lambda X, A: X.I.T),
    ("det X", lambda X, A: sp.Determinant(X), lambda X, A: sp.Determinant(X) * X.I.T),
    ("tr(A X^{-1})", lambda X, A: sp.Trace(A * X.I), lambda X, A: -(X.I * A * X.I).T),
]
# The same with a slip each: a transpose dropped, the sign flipped, a factor dropped.
WRONG_4X4 = [
    ("tr(X^{-1} A) without the transpose", lambda X, A: sp.Trace(X.I * A), lambda X, A: -(X.I * A * X.I)),
    ("tr(X^{-1} A) with the wrong sign", lambda X, A: sp.Trace(X.I * A), lambda X, A: (X.I * A * X.I).T),
    ("log det X without the transpose", lambda X, A: sp.log(sp.Determinant(X)), lambda X, A: X.I),
    ("det X without det", lambda X, A: sp.Determinant(X), lambda X, A: X.I.T),
]


def _identity(name, forward, claimed, numeric=True) -> Identity:
    X, A = sp.MatrixSymbol("X", 4, 4), sp.MatrixSymbol("A", 4, 4)
    return Identity(name, forward(X, A), [X], [claimed(X, A)], sizes="X 4x4", numeric=numeric)


def _differences(identity):
    return [c.derivative - c.claimed for c in identity.claims()]


@pytest.mark.parametrize("name, forward, claimed", TRUE_4X4, ids=[t[0] for t in TRUE_4X4])
def test_a_true_4x4_identity_is_proved_by_exact_arithmetic(name, forward, claimed):
    identity = _identity(name, forward, claimed)
    status, used = symbolic.prove_zero(_differences(identity), budget=60)
    assert status == symbolic.PROVED
    assert set(used) <= {symbolic.RATIONAL, "no rewriting needed"}   # det X cancels as it is written
    assert prove_identity(identity).result == "proved"


@pytest.mark.parametrize("name, forward, claimed", WRONG_4X4, ids=[t[0] for t in WRONG_4X4])
def test_a_wrong_4x4_identity_is_not_zero_and_is_refuted(name, forward, claimed):
    identity = _identity(name, forward, claimed)
    assert symbolic.prove_zero(_differences(identity), budget=60)[0] == symbolic.NOT_ZERO
    assert prove_identity(identity).result == "refuted"
    assert prove_identity(_identity(name, forward, claimed, numeric=False)).result != "proved"


def test_a_difference_that_is_not_rational_still_goes_to_sympys_rewritings():
    sigma = 1 / (1 + sp.exp(-x))
    assert symbolic.simplifies_to_zero(sp.diff(sigma, x) - sigma * (1 - sigma)) == "cancel"
    assert symbolic.simplifies_to_zero(sp.diff(x**3 / (x + 1), x) - (2 * x**3 + 3 * x**2) / (x + 1)**2) \
        == symbolic.RATIONAL


def test_every_4x4_cookbook_identity_is_proved():
    results = {name: prove_theorem(make()) for name, make in load_identities(HERE / "cookbook4.toml").items()}
    assert len(results) >= 6
    assert {k: r.result for k, r in results.items() if r.result != "proved"} == {}
