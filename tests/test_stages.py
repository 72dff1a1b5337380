"""The stages: exact values against mpmath, identities by simplification, and
the symbolic face agreeing with the exact face."""

import mpmath
import pytest
import sympy as sp

from derive import symbols as S
from derive.errors import UndecidableError
from derive.numbers import format_significant
from derive.stages.attention import attention, causal_mask, project, scaled_scores
from derive.stages.softmax import softmax, softmax_row
from derive.stages.embedding import add, positional_encoding
from derive.stages.activation import ReLU, relu
from derive.stages.feedforward import feed_forward
from derive.stages.norm import layer_norm

R = sp.Rational


def mp_pe(pos: int, col: int, d: int):
    """PE(pos, col) by mpmath, written from the textbook definition."""
    with mpmath.workdps(60):
        angle = mpmath.mpf(pos) / mpmath.power(10000, mpmath.mpf(2 * (col // 2)) / d)
        return mpmath.nstr(mpmath.sin(angle) if col % 2 == 0 else mpmath.cos(angle), 30,
                           strip_zeros=False)


@pytest.mark.parametrize("d", [4, 6])
@pytest.mark.parametrize("pos", [1, 2])
def test_positional_encoding_rows_match_mpmath(pos, d):
    PE = positional_encoding(3, d)
    assert [format_significant(PE[pos, c], 30) for c in range(d)] == [mp_pe(pos, c, d) for c in range(d)]


def test_positional_encoding_row_zero_is_exact():
    assert list(positional_encoding(1, 4)) == [0, 1, 0, 1]


@pytest.mark.parametrize("n, d", [(3, 5), (3, 0), (0, 4)])
def test_positional_encoding_rejects_bad_sizes(n, d):
    with pytest.raises(ValueError):
        positional_encoding(n, d)


def test_softmax_rows_sum_to_exactly_one_symbolically():
    z = sp.symbols("z1:5", real=True)
    assert sp.simplify(sp.Add(*softmax_row(z)) - 1) == 0


def test_softmax_of_exact_scores_sums_to_one():
    S_ = sp.Matrix([[R(1, 2), sp.sin(1), -3], [0, sp.sqrt(2), R(7, 3)]])
    for i in range(2):
        assert sp.simplify(sum(softmax(S_).row(i)) - 1) == 0


def test_masked_weights_are_exactly_zero():
    A = softmax(causal_mask(sp.Matrix([[1, 2, 3], [4, 5, 6], [7, 8, 9]])))
    assert [A[0, 1], A[0, 2], A[1, 2]] == [0, 0, 0]
    assert A[0, 0] == 1


def test_layer_norm_rows_have_exactly_zero_mean_without_epsilon():
    x = sp.Matrix([sp.symbols("x1:5", real=True)])
    row = layer_norm(x, 0)
    assert sp.simplify(sum(row)) == 0


def test_layer_norm_has_unit_population_variance_without_epsilon():
    x = sp.Matrix([[R(1), R(2), R(4), R(9)]])
    row = list(layer_norm(x, 0))
    assert sp.simplify(sum(v ** 2 for v in row) / 4 - 1) == 0


def test_layer_norm_gamma_beta():
    x = sp.Matrix([[R(1), R(3)]])        # mu = 2, sigma^2 = 1
    out = layer_norm(x, 0, gamma=sp.Matrix([[2, 3]]), beta=sp.Matrix([[R(1, 2), 0]]))
    assert list(out) == [-2 + R(1, 2), 3]


def _random_rational_matrix(rows, cols, seed):
    import random
    rng = random.Random(seed)
    return sp.ImmutableMatrix(rows, cols, lambda i, j: R(rng.randint(-99, 99), 10))


def test_symbolic_face_with_matrices_put_in_is_the_exact_face():
    n, d = 3, 4
    values = {S.X: _random_rational_matrix(n, d, 1), S.W_Q: _random_rational_matrix(d, d, 2),
              S.W_K: _random_rational_matrix(d, d, 3), S.W_V: _random_rational_matrix(d, d, 4)}
    symbolic = attention(S.X * S.W_Q, S.X * S.W_K, S.X * S.W_V, S.d_k)
    substituted = symbolic.subs(values).subs(S.d_k, 4).doit()
    X, WQ, WK, WV = (values[k] for k in (S.X, S.W_Q, S.W_K, S.W_V))
    exact = attention(X * WQ, X * WK, X * WV, 4)
    assert sp.simplify(sp.Matrix(substituted) - exact) == sp.zeros(n, d)


def test_symbolic_shapes():
    scores = scaled_scores(S.X * S.W_Q, S.X * S.W_K, S.d_k)
    assert scores.shape == (S.n, S.n)
    F = feed_forward(layer_norm(S.X, S.eps), S.W_1, S.b_1, S.W_2, S.b_2)
    assert F.shape == (S.n, S.d_model)
    assert S.latex(scores) == r"\frac{X W_{Q} W_{K}^{T} X^{T}}{\sqrt{d_{k}}}"


@pytest.mark.parametrize("x, expected", [
    (R(3, 7), R(3, 7)),
    (R(-3, 7), 0),
    (sp.S.Zero, 0),
    (sp.sin(1) - R(1, 2), sp.sin(1) - R(1, 2)),
    (sp.cos(2), 0),
    (sp.sin(1) ** 2 + sp.cos(1) ** 2 - 1, 0),     # an exact zero in disguise stays zero
])
def test_relu_decides_with_certainty(x, expected):
    assert ReLU(x) == expected


def test_relu_too_close_to_call_raises():
    with pytest.raises(UndecidableError):
        ReLU(sp.sin(1) ** 2 + sp.cos(1) ** 2 - 1 + sp.exp(-sp.exp(20)))


def test_relu_of_a_symbol_stays_symbolic_and_knows_its_derivative():
    x = sp.Symbol("x")
    assert ReLU(x).diff(x) == sp.Heaviside(x)
    assert relu(sp.Matrix([[x, -1]]))[1] == 0


@pytest.mark.parametrize("A, B", [
    (sp.ones(3, 4), sp.ones(3, 4)),
    (sp.ones(2, 3), sp.ones(2, 2)),
])
def test_mismatched_products_raise(A, B):
    with pytest.raises(ValueError, match="cannot multiply"):
        project(A, B)


def test_mismatched_sums_raise():
    with pytest.raises(ValueError, match="cannot add"):
        add(sp.ones(3, 4), sp.ones(4, 3))


def test_bias_is_added_to_every_row():
    Y = project(sp.eye(2), sp.Matrix([[1, 2], [3, 4]]), sp.Matrix([[10, 20]]))
    assert Y == sp.Matrix([[11, 22], [13, 24]])


def test_symbolic_layer_norm_keeps_gamma_and_beta():
    X, g, b = sp.MatrixSymbol("X", 2, 2), sp.MatrixSymbol("gamma", 1, 2), sp.MatrixSymbol("beta", 1, 2)
    values = {X: sp.ImmutableMatrix([[1, 2], [3, 5]]), g: sp.ImmutableMatrix([[2, 3]]),
              b: sp.ImmutableMatrix([[1, 0]])}
    symbolic = layer_norm(X, 0, g, b)
    # row (1, 2): mu = 3/2, sigma = 1/2, x_hat = (-1, 1); gamma x_hat + beta = (-1, 3); same for (3, 5)
    assert sp.Matrix(symbolic.subs(values).doit()) == sp.Matrix([[-1, 3], [-1, 3]])
    assert S.latex(layer_norm(S.X, S.eps, S.gamma, S.beta)) == r"\gamma \circ \mathrm{LN}\left(X\right) + \beta"
