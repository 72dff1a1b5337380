"""The encoder worked example, exact and certified, against a plain NumPy
float64 reimplementation written here from the textbook formulas."""

import numpy as np
import pytest

from derive.derivation import run
from derive.spec import example_path, load_spec

EMBEDDING = {"You": [0.1, 0.2, -0.1, 0.4], "are": [-0.3, 0.5, 0.1, -0.2],
             "welcome": [0.4, -0.3, 0.2, 0.1], "<start>": [0.0] * 4,
             "de": [-0.2, 0.4, 0.3, 0.1], "nada": [0.5, -0.1, -0.4, 0.3]}


@pytest.fixture(scope="module")
def spec():
    return load_spec(example_path("encoder"))


@pytest.fixture(scope="module")
def chained(spec):
    return run(spec)


def numpy_pe(n, d):
    pos = np.arange(n)[:, None]
    i = np.arange(d // 2)[None, :]
    angle = pos / 10000 ** (2 * i / d)
    pe = np.zeros((n, d))
    pe[:, 0::2], pe[:, 1::2] = np.sin(angle), np.cos(angle)
    return pe


def numpy_layer_norm(x, eps):
    mu = x.mean(axis=1, keepdims=True)
    return (x - mu) / np.sqrt(((x - mu) ** 2).mean(axis=1, keepdims=True) + eps)


def numpy_softmax(s):
    e = np.exp(s - s.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def numpy_encoder(inputs):
    """The whole block in float64: every intermediate, by name."""
    f = {k: np.array(v, dtype=float) for k, v in inputs.items()}
    out = {"X": np.array([EMBEDDING[t] for t in ("You", "are", "welcome")]), "PE": numpy_pe(3, 4)}
    out["X_PE"] = out["X"] + out["PE"]
    for name in "QKV":
        out[name] = out["X_PE"] @ f[f"W_{name}"]
    out["S"] = out["Q"] @ out["K"].T / np.sqrt(4)
    out["A"] = numpy_softmax(out["S"])
    out["head_1"] = out["A"] @ out["V"]
    out["C"] = np.hstack([out["head_1"], f["head_2"]])
    out["M"] = out["C"] @ f["W_O"]
    out["N"] = numpy_layer_norm(out["M"], 1e-6)
    hidden = np.maximum(0, out["N"] @ f["W_1"] + f["b_1"])
    out["F"] = hidden @ f["W_2"] + f["b_2"]
    out["E"] = numpy_layer_norm(out["F"], 1e-6)
    out["Y"] = np.array([EMBEDDING[t] for t in ("<start>", "de", "nada")])
    out["Y_PE"] = out["Y"] + out["PE"]
    return out


def as_floats(spec):
    return {name: [[float(v) for v in M.row(i)] for i in range(M.rows)] for name, M in spec.inputs.items()}


STEPS = ["X", "PE", "X_PE", "Q", "K", "V", "S", "A", "head_1", "C", "M", "N", "F", "E", "Y", "Y_PE"]


@pytest.mark.parametrize("name", STEPS)
def test_exact_encoder_agrees_with_numpy(spec, chained, name):
    expected = numpy_encoder(as_floats(spec))[name]
    got = np.array([[float(t) for t in row] for row in chained.significant(name, 30)])
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-15)


def test_steps_come_in_spec_order(spec, chained):
    assert [s.name for s in chained.steps] == [s.name for s in spec.steps] == STEPS


def test_issue_values_at_four_decimals(chained):
    assert chained.digits("PE", 4)[1] == ["0.8415", "0.5403", "0.0100", "1.0000"]
    assert chained.digits("X_PE", 4)[1] == ["0.5415", "1.0403", "0.1100", "0.8000"]


def test_as_printed_run_feeds_printed_operands(spec):
    """As printed, the feed-forward step sees the document's rounded layer norm."""
    as_printed = run(spec, "as_printed")
    f = as_floats(spec)
    N = np.array([[float(p.value) for p in row] for row in spec.steps[STEPS.index("N")].printed])
    F = np.maximum(0, N @ np.array(f["W_1"]) + np.array(f["b_1"])) @ np.array(f["W_2"]) + np.array(f["b_2"])
    got = np.array([[float(t) for t in row] for row in as_printed.significant("F", 30)])
    np.testing.assert_allclose(got, F, rtol=1e-12)


def test_closed_forms_are_kept_where_short(chained):
    assert chained.step("Q").closed is not None
    assert chained.step("E").closed is None


def test_compare_printed_flags_the_positional_encoding(chained):
    verdicts = chained.compare_printed("PE")
    wrong = [(i, j) for i, row in enumerate(verdicts) for j, c in enumerate(row) if c.verdict == "wrong"]
    # the document's PE puts cos(1/100) where cos(1) belongs, and sin(1/10^8) for sin(1/100)
    assert wrong == [(1, 1), (1, 2), (2, 1), (2, 2)]
