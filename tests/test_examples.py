"""The decoder, training, GPT, softmax and XOR examples against independent
oracles: NumPy float64 written here, mpmath at 50 digits, and hand arithmetic."""

import mpmath
import numpy as np
import pytest
import sympy as sp

from derive.derivation import run
from derive.spec import example_path, load_spec

R = sp.Rational


def floats(derivation, name):
    return np.array([[float(t) for t in row] for row in derivation.significant(name, 30)])


@pytest.fixture(scope="module")
def decoder():
    return run(load_spec(example_path("decoder")))


def layer_norm(x, eps=1e-6):
    mu = x.mean(axis=1, keepdims=True)
    return (x - mu) / np.sqrt(((x - mu) ** 2).mean(axis=1, keepdims=True) + eps)


def softmax(s):
    e = np.exp(s - s.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def decoder_weights():
    rng = np.random.RandomState(42)
    return [rng.rand(4, 4) for _ in range(4)]


def test_decoder_self_attention_matches_numpy(decoder):
    W_q, W_k, W_v, W_o = decoder_weights()
    y = floats(decoder, "Y_PE")
    S = (y @ W_q) @ (y @ W_k).T / 2
    S[np.triu_indices(3, 1)] = -np.inf                  # a token sees no later token
    A = softmax(S)
    O = A @ (y @ W_v) @ W_o
    np.testing.assert_allclose(floats(decoder, "A_d"), A, rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(floats(decoder, "O_d"), O, rtol=1e-12)
    np.testing.assert_allclose(floats(decoder, "N_d"), layer_norm(O), rtol=1e-12)


def test_masked_weights_are_exactly_zero(decoder):
    A = decoder.step("A_d").link
    assert [A[0, 1], A[0, 2], A[1, 2]] == [0, 0, 0]


# The rounded Y + PE the document's decoder code starts from (its numbers, as input).
Y_PE_ROUNDED = np.array([[0.0, 1.0, 0.0, 1.0], [0.6415, 1.39995, 0.3001, 1.1], [1.4093, 0.8998, -0.3998, 1.3]])


def test_decoder_variant_is_the_code_path(decoder):
    """No scale, no mask, epsilon outside the root, from the rounded input."""
    W_q, W_k, W_v, W_o = decoder_weights()
    y = Y_PE_ROUNDED
    A = softmax((y @ W_q) @ (y @ W_k).T)
    O = A @ (y @ W_v) @ W_o
    N = (O - O.mean(axis=1, keepdims=True)) / (O.std(axis=1, keepdims=True) + 1e-6)
    np.testing.assert_allclose(floats(decoder, "O_dp"), O, rtol=1e-12)
    np.testing.assert_allclose(floats(decoder, "N_dp"), N, rtol=1e-12)


def test_encoder_decoder_attention_matches_numpy(decoder):
    W_Q, W_K, W_V = (np.array(decoder.spec.inputs[k].tolist(), dtype=float) for k in ("W_Q", "W_K", "W_V"))
    E, N = floats(decoder, "E"), floats(decoder, "N_d")
    A = softmax((N @ W_Q) @ (E @ W_K).T / 2)
    np.testing.assert_allclose(floats(decoder, "A_x"), A, rtol=1e-12)
    np.testing.assert_allclose(floats(decoder, "H_x"), A @ E @ W_V, rtol=1e-12, atol=1e-14)


def test_output_layer_matches_numpy_and_names_words(decoder):
    W, b = (np.array(decoder.spec.inputs[k].tolist(), dtype=float) for k in ("W_vocab", "b_vocab"))
    P = softmax(floats(decoder, "H_x") @ W + b)
    np.testing.assert_allclose(floats(decoder, "P_out"), P, rtol=1e-12)
    assert decoder.integers("T_out") == [[int(i)] for i in P.argmax(axis=1)]


@pytest.fixture(scope="module")
def training():
    return run(load_spec(example_path("training")))


def test_cross_entropy_is_exactly_minus_log(training):
    assert training.step("L_good").closed[0] == -sp.log(R(7, 10))
    assert training.step("L_bad").closed[0] == sp.log(10)          # -log(1/10)
    assert training.digits("L_good", 3) == [["0.357"]]
    assert training.digits("L_bad", 3) == [["2.303"]]


def test_gradient_and_one_step(training):
    assert list(training.step("G").closed) == [R(-9, 10), R(1, 10), R(1, 10), R(7, 10)]
    with mpmath.workdps(50):
        p = [mpmath.mpf(1) / 10] * 3 + [mpmath.mpf(7) / 10]
        g = [-mpmath.mpf(9) / 10, mpmath.mpf(1) / 10, mpmath.mpf(1) / 10, mpmath.mpf(7) / 10]
        z = [mpmath.log(pi) - mpmath.mpf(1) / 10 * gi for pi, gi in zip(p, g)]
        total = sum(mpmath.exp(v) for v in z)
        expected = [mpmath.nstr(mpmath.exp(v) / total, 30, strip_zeros=False) for v in z]
    assert training.significant("P_1", 30)[0] == expected


def test_paper_update_variant(training):
    # 0.1 - 0.1(-0.9) = 0.19, 0.1 - 0.1(0.1) = 0.09, 0.7 - 0.1(0.7) = 0.63, by hand
    assert list(training.step("P_1p").closed) == [R(19, 100), R(9, 100), R(9, 100), R(63, 100)]


@pytest.fixture(scope="module")
def gpt():
    return run(load_spec(example_path("gpt")))


def test_gpt_example_by_hand(gpt):
    # h0(I) = (0.14, 0.91), h0(love) = (0.59, 0.39)
    # h1 = 0.1 (0.14, 0.91) + 0.9 (0.59, 0.39) = (0.545, 0.442)
    assert list(gpt.step("h_1").closed) == [R(545, 1000), R(442, 1000)]
    assert gpt.digits("h_1", 4) == [["0.5450", "0.4420"]]
    # h2 = (0.545*0.2 + 0.442*0.4, 0.545*0.3 + 0.442*0.5) = (0.2858, 0.3845)
    assert list(gpt.step("h_2").closed) == [R(2858, 10000), R(3845, 10000)]


def test_training_objective(gpt):
    with mpmath.workdps(50):
        expected = mpmath.nstr(mpmath.log(mpmath.mpf(6) / 10) + mpmath.log(mpmath.mpf(7) / 10), 30,
                               strip_zeros=False)
    assert gpt.significant("L_1", 30) == [[expected]]


def test_softmax_of_three_logits():
    d = run(load_spec(example_path("softmax")))
    assert d.digits("P", 4) == [["0.6522", "0.2399", "0.1078"]]
    with mpmath.workdps(50):
        e = [mpmath.exp(mpmath.mpf(v)) for v in ("2", "1", "0.2")]
        expected = [mpmath.nstr(v / sum(e), 30, strip_zeros=False) for v in e]
    assert d.significant("P", 30)[0] == expected


def test_xor_both_networks():
    d = run(load_spec(example_path("xor")))
    assert d.integers("T_s") == [[0], [1], [1], [0]]
    assert d.integers("T_r") == [[0], [1], [1], [0]]
    # hidden unit 1 at x = (0, 0): sigma(-10) = 1 / (1 + e^10)
    assert sp.simplify(d.step("A_s").closed[0, 0] - 1 / (1 + sp.exp(10))) == 0
    with mpmath.workdps(50):
        h = [1 / (1 + mpmath.exp(10)), 1 / (1 + mpmath.exp(-30))]
        y = 1 / (1 + mpmath.exp(-(20 * h[0] + 20 * h[1] - 30)))
        expected = mpmath.nstr(y, 30, strip_zeros=False)
    assert d.significant("Y_s", 30)[0] == [expected]
    assert [row[0] for row in d.digits("Y_r", 1)] == ["0.0", "0.5", "0.5", "0.0"]
