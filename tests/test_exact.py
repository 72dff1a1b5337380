"""The exact path at larger sizes: FLINT products against SymPy, certified
digits against mpmath at 60 digits (written here)."""

import random

import mpmath
import pytest
import sympy as sp
from flint import arb, arb_mat, fmpq

from derive import exact
from derive.errors import UndecidableError
from derive.evaluate import Undecided
from derive.exact import ExactError, certify, from_fmpq_mat, rational_matmul, significant_text, to_fmpq_mat
from derive.numbers import format_significant
from derive.stages import attention
from derive.stages.norm import certified_layer_norm, layer_norm
from derive.stages.softmax import certified_softmax, softmax_row

DIGITS = 50


def rationals(rows, cols, seed, scale=10_000, spread=5):
    rnd = random.Random(seed)
    return sp.Matrix(rows, cols, [sp.Rational(rnd.randint(-spread * scale, spread * scale), scale)
                                  for _ in range(rows * cols)])


# Products ---------------------------------------------------------------------

@pytest.mark.parametrize("n, k, m", [(1, 1, 1), (2, 3, 4), (5, 5, 5), (8, 3, 2)])
def test_product_equals_sympy(n, k, m):
    A, B = rationals(n, k, 1), rationals(k, m, 2, scale=7)
    C = rational_matmul(A, B)
    assert C == A * B
    assert all(isinstance(v, sp.Rational) for v in C)


def test_round_trip_keeps_every_rational():
    M = sp.ImmutableMatrix([[sp.Rational(1, 3), -2], [sp.Rational(10**30 + 1, 7), 0]])
    F = to_fmpq_mat(M)
    assert F.entries()[0] == fmpq(1, 3)
    assert from_fmpq_mat(F) == M


def test_without_flint_ground_types(monkeypatch):
    """The conversions that run when SymPy's QQ is not FLINT's fmpq."""
    monkeypatch.setattr(exact, "_FLINT_QQ", False)
    A, B = rationals(3, 4, 3), rationals(4, 2, 4)
    assert rational_matmul(A, B) == A * B


def test_integer_matrices_take_the_same_path():
    A, B = sp.Matrix([[1, -2], [3, 4]]), sp.Matrix([[5], [sp.Rational(1, 2)]])
    assert rational_matmul(A, B) == sp.Matrix([[4], [17]])


def test_stage_product_is_flint_for_rationals_and_sympy_otherwise(monkeypatch):
    """The exact face's matmul: same values as SymPy either way, FLINT only when every entry is rational."""
    A, B = sp.ImmutableMatrix(rationals(6, 5, 7)), sp.ImmutableMatrix(rationals(5, 4, 8))
    calls = []
    monkeypatch.setattr(attention, "rational_matmul", lambda X, Y: calls.append(1) or rational_matmul(X, Y))
    C = attention.matmul(A, B)
    assert calls and isinstance(C, sp.ImmutableMatrix) and C == A * B
    R = A.row_insert(0, sp.Matrix([[sp.sqrt(2)] * 5]))
    assert attention.matmul(R, B) == R * B and len(calls) == 1
    assert attention.scores(A, A) == A * A.T and len(calls) == 2


@pytest.mark.parametrize("A, B, message", [
    (sp.Matrix([[sp.sqrt(2)]]), sp.Matrix([[1]]), "not a rational"),
    (sp.Matrix([[1, 2]]), sp.Matrix([[1, 2]]), "cannot multiply a 1x2 by a 1x2"),
])
def test_product_errors(A, B, message):
    with pytest.raises(ExactError, match=message):
        rational_matmul(A, B)


# Certified digits ---------------------------------------------------------------

def mp(q):
    return mpmath.mpf(int(q.p)) / int(q.q)


def mp_softmax_row(row):
    m = max(row)
    e = [mpmath.exp(v - m) for v in row]
    return [v / sum(e) for v in e]


def mp_layer_norm_row(row, eps):
    mu = sum(row) / len(row)
    var = sum((v - mu) ** 2 for v in row) / len(row)
    return [(v - mu) / mpmath.sqrt(var + eps) for v in row]


def assert_correctly_rounded(text, value, digits):
    """``text`` has ``digits`` significant digits and is within half a unit of
    its last place of the 60-digit ``value``."""
    significant = text.lstrip("-").replace(".", "").lstrip("0")
    assert len(significant) == digits, text
    unit = mpmath.mpf(10) ** (mpmath.floor(mpmath.log10(abs(mpmath.mpf(text)))) - digits + 1)
    assert abs(mpmath.mpf(text) - value) <= unit / 2 * (1 + mpmath.mpf(10) ** -8)


@pytest.fixture(scope="module")
def S64():
    return rationals(64, 64, 5)


ENTRIES = [(0, 0), (0, 63), (17, 5), (40, 40), (63, 1)]


def test_softmax_64_against_mpmath(S64):
    texts = certified_softmax(S64, DIGITS)
    with mpmath.workdps(60):
        for i, j in ENTRIES:
            want = mp_softmax_row([mp(v) for v in S64.row(i)])[j]
            assert_correctly_rounded(texts[i][j], want, DIGITS)


def test_layer_norm_64_against_mpmath(S64):
    eps = sp.Rational(1, 10**6)
    texts = certified_layer_norm(S64, eps, DIGITS)
    with mpmath.workdps(60):
        for i, j in ENTRIES:
            want = mp_layer_norm_row([mp(v) for v in S64.row(i)], mp(eps))[j]
            assert_correctly_rounded(texts[i][j], want, DIGITS)


def test_same_digits_as_the_exact_face():
    """Small sizes: the same text as format_significant of the stages' exact values."""
    x = rationals(2, 3, 6)
    eps = sp.Rational(1, 1000)
    P, L = certified_softmax(x, 20), certified_layer_norm(x, eps, 20)
    exact_L = layer_norm(sp.ImmutableMatrix(x), eps)
    for i in range(2):
        exact_P = softmax_row(list(x.row(i)))
        for j in range(3):
            assert P[i][j] == format_significant(exact_P[j], 20)
            assert L[i][j] == format_significant(exact_L[i, j], 20)


def test_layer_norm_with_gamma_beta_and_an_exact_zero():
    x = sp.Matrix([[1, 2, 3]])
    gamma, beta = sp.Matrix([[2, 2, 2]]), sp.Matrix([[0, sp.Rational(1, 4), 0]])
    # mu = 2, sigma^2 = 2/3: the middle entry is exactly beta
    texts = certified_layer_norm(x, 0, 10, gamma, beta)
    assert texts[0][1] == "0.2500000000"
    with mpmath.workdps(30):
        assert_correctly_rounded(texts[0][0], -2 / mpmath.sqrt(mpmath.mpf(2) / 3), 10)
    assert certified_layer_norm(x, 0, 5)[0][1] == "0"


def test_float_epsilon_is_refused():
    with pytest.raises(ExactError, match="must be exact"):
        certified_layer_norm(sp.Matrix([[1, 2]]), 1e-6)


@pytest.mark.parametrize("value, digits, text", [
    (fmpq(99996, 100000), 4, "1.000"),       # carries into the next power of ten
    (fmpq(-5, 2), 1, "-3"),                  # an exact (dyadic) tie: half away from zero
    (fmpq(-251, 10000), 1, "-0.03"),
    (fmpq(123456, 1), 2, "120000"),
    (fmpq(0), 5, "0"),
])
def test_significant_text_of_exact_balls(value, digits, text):
    assert significant_text(arb(value), digits) == text


def test_a_wide_ball_is_undecided():
    with pytest.raises(Undecided):
        significant_text(arb(fmpq(1, 2), fmpq(1, 10)), 3)
    with pytest.raises(UndecidableError, match="cannot certify"):
        certify(lambda: arb_mat([[arb(fmpq(1, 2), fmpq(1, 10))]]), 3, "test")
