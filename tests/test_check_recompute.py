"""Judging claims: a fixture of every kind of claim, right and wrong.

Expected values come from independent oracles written here (NumPy, mpmath,
hand arithmetic), never from derive itself.
"""

from pathlib import Path

import mpmath
import numpy as np
import pytest

from derive.check.pipeline import check_text

FIXTURE = Path(__file__).parent / "fixtures" / "check" / "mixed.md"


@pytest.fixture(scope="module")
def findings():
    return {(f.line, f.kind): f for f in check_text(FIXTURE.read_text(), "mixed.md").findings}


@pytest.mark.parametrize("line, kind, verdict, diagnosis", [
    (5, "definition", "given", None),
    (17, "matrix", "wrong", None),              # A + B with one wrong entry
    (19, "matrix", "ok", None),
    (21, "matrix", "wrong", "B is transposed"),
    (23, "matrix", "wrong", "times 2"),
    (25, "scalar", "wrong", "the term 0.25 is dropped"),
    (27, "scalar", "rounded", None),            # pi to 4 decimals
    (29, "scalar", "wrong", "cut toward zero"),  # e to 2 decimals, cut, where pi (line 27) rounds up
    (31, "vector", "wrong", "rounded to 2 decimals"),
    (35, "matrix", "wrong", None),              # wrong, and no rule explains it
    (37, "matrix", "wrong", "causal mask"),
    (39, "matrix", "wrong", "standard deviation"),
    (41, "scalar", "ok", None),
    (47, "vector", "wrong", "keeps using W of line 45"),
    (49, "vector", "ok", None),
    (53, "vector", "wrong", None),              # V given anew without a word, used by nothing: it
                                                # contradicts V of line 51 (issue 10)
    (57, "matrix", "unverifiable", None),
    (59, "matrix", "unverifiable", None),
    (61, "vector", "unverifiable", None),
])
def test_verdicts_and_diagnoses(findings, line, kind, verdict, diagnosis):
    f = findings[(line, kind)]
    assert f.verdict == verdict
    if diagnosis is None:
        assert f.diagnosis is None or verdict != "wrong" or line != 35
    else:
        assert diagnosis in f.diagnosis


def test_wrong_entry_of_a_sum_names_row_column_and_value(findings):
    A, B = np.array([[1, 2], [3, 4]]), np.array([[0, 1], [2, 5]])
    (entry,) = findings[(17, "matrix")].wrong_entries
    assert (entry["row"], entry["col"], entry["printed"]) == (2, 2, "8")
    assert entry["expected"] == str((A + B)[1, 1])


def test_expected_softmax_matches_numpy(findings):
    S = np.array([[1, 2, 0], [0.5, 1, 3]])
    P = np.exp(S) / np.exp(S).sum(axis=1, keepdims=True)
    wrong = {(e["row"], e["col"]): e["expected"] for e in findings[(35, "matrix")].wrong_entries}
    assert wrong == {(2, j + 1): f"{P[1, j]:.4f}" for j in range(3)}


def test_truncation_is_named_and_the_rounding_given():
    mpmath.mp.dps = 50
    (f,) = [f for f in check_text("$$ e^{1} \\approx 2.71 $$").findings]
    assert f.verdict == "truncated" and f.expected == mpmath.nstr(mpmath.e, 3)


def test_rule_messages_and_redefinition_note(findings):
    assert "line 49 still computes" in findings[(47, "vector")].message
    assert findings[(53, "vector")].expected == "[1, 1]"
    assert "ragged" in findings[(57, "matrix")].message
    assert "NaN" in findings[(59, "matrix")].message


@pytest.mark.parametrize("text, verdict", [
    ("$$ x = 0.1 + 0.2 = 0.3 $$", "ok"),
    ("$$ x = 0.1 + 0.2 = 0.4 $$", "wrong"),
    ("$$ \\sqrt{2} \\approx 1.4142 $$", "rounded"),
    ("$$ \\sqrt{2} \\approx 1.4143 $$", "wrong"),
    ("$$ -\\sum_{i=1}^{3} y_i \\log(p_i) = 0.3567 $$", None),       # names bound below
    ("$$ y = [1, 0, 0] $$\n\n$$ p = [0.7, 0.2, 0.1] $$\n\n$$ L = -\\sum_{i=1}^{3} y_i \\log(p_i) \\approx 0.3567 $$", "rounded"),
    ("$$ M = \\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix} $$\n\n$$ M^T = \\begin{pmatrix} 1 & 3 \\\\ 2 & 4 \\end{pmatrix} $$", "ok"),
    ("$$ \\sigma(z) = \\frac{1}{1 + e^{-z}} $$\n\n$$ \\sigma(2) \\approx 0.8808 $$", "rounded"),
    ("$$ \\max(0, -3) = 0 $$", "ok"),
    ("$$ f(x) = 2 x + 1 $$\n\n$$ f(3) = 7 $$", "ok"),
    ("$$ f(x) = 2 x + 1 $$\n\n$$ f(3) = 8 $$", "wrong"),
])
def test_small_documents(text, verdict):
    claims = [f for f in check_text(text).findings if f.kind != "definition"]
    if verdict is None:
        assert all(f.verdict == "unverifiable" for f in claims)
    else:
        assert claims and claims[-1].verdict == verdict


def test_an_oracle_for_the_cross_entropy_value():
    mpmath.mp.dps = 50
    assert mpmath.nstr(-mpmath.log(mpmath.mpf("0.7")), 4) == "0.3567"


def test_a_value_from_the_documents_own_code_is_used():
    text = ("```python\nimport numpy as np\nZ = np.array([1.0, 2.0, 3.0])\n```\n\n"
            "$$ \\text{softmax}(Z) = [0.09, 0.24, 0.67] $$\n")
    (f,) = check_text(text).findings
    z = np.array([1.0, 2.0, 3.0])
    p = np.exp(z) / np.exp(z).sum()
    assert f.verdict == "rounded" and f.expected == "[" + ", ".join(f"{v:.2f}" for v in p) + "]"


def test_a_name_given_only_further_down_is_not_used():
    text = ("$$ \\text{softmax}(Z) = [0.09, 0.24, 0.67] $$\n\n"
            "```python\nZ = [1.0, 2.0, 3.0]\n```\n")
    (f,) = check_text(text).findings
    assert f.verdict == "unverifiable"
