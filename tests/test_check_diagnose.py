"""The diagnosis catalogue: each rule names the mistake that reproduces a printed value.

Each printed value below is computed here with NumPy from the stated mistake
(the oracle), so the test checks that derive finds that mistake.
"""

import numpy as np
import pytest

from derive.check.pipeline import check_text

A = np.array([[1.0, 2.0], [3.0, 4.0]])
B = np.array([[0.5, -1.0], [2.0, 0.25]])
S = np.array([[1.0, 2.0, 0.0], [0.5, 1.0, 3.0]])
DEFS = ("$$ A = \\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix} $$\n\n"
        "$$ B = \\begin{pmatrix} 0.5 & -1 \\\\ 2 & 0.25 \\end{pmatrix} $$\n\n"
        "$$ S = \\begin{pmatrix} 1 & 2 & 0 \\\\ 0.5 & 1 & 3 \\end{pmatrix} $$\n\n")


def _m(values, decimals=4):
    rows = [" & ".join(f"{v:.{decimals}f}" for v in row) for row in np.atleast_2d(values)]
    return "\\begin{pmatrix} " + " \\\\ ".join(rows) + " \\end{pmatrix}"


def _softmax(z, mask=False):
    z = np.where(np.tri(*z.shape, dtype=bool), z, -np.inf) if mask else z
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def _ln(x, eps, how):
    mu, var = x.mean(1, keepdims=True), x.var(1, keepdims=True, ddof=1 if how == "sample" else 0)
    return (x - mu) / (np.sqrt(var) + eps) if how == "std" else (x - mu) / np.sqrt(var + eps)


@pytest.mark.parametrize("claim, mistake", [
    (f"A B = {_m(A @ B.T)}", "B is transposed"),
    (f"A + B = {_m(2 * (A + B))}", "times 2"),
    (f"\\frac{{A B^T}}{{\\sqrt{{2}}}} = {_m(A @ B.T)}", "division by sqrt(2) is missing"),
    (f"\\text{{softmax}}(S) = {_m(_softmax(S, mask=True))}", "causal mask was applied"),
    (f"\\text{{softmax}}(\\text{{mask}}(S)) = {_m(_softmax(S))}", "causal mask was left out"),
    (f"\\text{{softmax}}(S) = {_m(_softmax(S.T).T)}", "over columns"),
    (f"\\text{{LN}}(S) = {_m(_ln(S, 1e-6, 'sample'))}", "sample variance"),
    ("t = 0.5 + 0.25 + 2 = 2.50", "the term 0.25 is dropped"),
    ("u = 10^{2} = 1000", "exponent is 3 instead of 2"),
    ("v = \\log(100) \\approx 2", "base 10"),
    ("z = \\sin(0) = 1", "sin and cos are swapped"),
])
def test_the_rule_that_reproduces_the_printed_value_is_named(claim, mistake):
    findings = check_text(DEFS + f"$$ {claim} $$\n").findings
    wrong = [f for f in findings if f.verdict == "wrong"]
    assert wrong and mistake in wrong[-1].diagnosis


def test_epsilon_placement_is_found_when_epsilon_matters():
    printed = _ln(S, 0.1, "std")
    doc = DEFS + f"$$ \\epsilon = 0.1 $$\n\n$$ \\text{{LN}}(S) = {_m(printed)} $$\n"
    (f,) = [f for f in check_text(doc).findings if f.verdict == "wrong"]
    assert "added to the standard deviation" in f.diagnosis


def test_a_value_copied_from_another_result():
    doc = DEFS + f"$$ P = A + B = {_m(A + B, 2)} $$\n\n$$ R = A B = {_m(A + B, 2)} $$\n"
    (f,) = [f for f in check_text(doc).findings if f.verdict == "wrong"]
    assert "those of P" in f.diagnosis


def test_inputs_rounded_before_use():
    w = np.array([0.123456, 0.654321])
    printed = 3 * np.round(w, 2)
    doc = f"$$ w = [0.123456, 0.654321] $$\n\n$$ 3 w = [{printed[0]:.2f}, {printed[1]:.2f}] $$\n"
    (f,) = [f for f in check_text(doc).findings if f.verdict == "wrong"]
    assert "rounded to 2 decimals" in f.diagnosis


def test_no_rule_fits_a_random_mistake():
    doc = DEFS + f"$$ A + B = {_m(A + B + np.array([[0, 0.37], [0, 0]]))} $$\n"
    (f,) = [f for f in check_text(doc).findings if f.verdict == "wrong"]
    assert f.diagnosis is None
