"""Cases found by trying derive check on new documents: each once gave a
false verdict. Expected values are by hand."""

from derive.check.pipeline import check_text

MATRIX = "$$ W = \\begin{pmatrix} 1 & 0 \\\\ 0 & 1 \\end{pmatrix} $$\n\n"


def verdicts(text):
    return [(f.line, f.verdict) for f in check_text(text).findings if f.kind != "definition"]


def test_an_approximation_of_e_does_not_rebind_e():
    # sigma(2) = 1/(1 + e^-2) holds exactly; e ~ 2.71828 must not replace e
    text = "$e \\approx 2.71828$\n\n$$ \\sigma(2) = \\frac{1}{1 + e^{-2}} \\approx 0.8808 $$\n"
    assert "wrong" not in [v for _, v in verdicts(text)]


def test_a_guessed_dimension_never_convicts():
    # d_k is given after its use, in the same display; 1/sqrt(64) = 0.125
    text = MATRIX + "$$ \\frac{1}{\\sqrt{d_k}} = 0.125, \\quad d_k = 64 $$\n"
    assert "wrong" not in [v for _, v in verdicts(text)]


def test_a_given_dimension_still_convicts():
    ok = MATRIX + "$d_k = 64$\n\n$$ \\frac{1}{\\sqrt{d_k}} = 0.125 $$\n"
    bad = MATRIX + "$d_k = 64$\n\n$$ \\frac{1}{\\sqrt{d_k}} = 0.25 $$\n"
    assert verdicts(ok)[-1] == (5, "ok")
    assert verdicts(bad)[-1] == (5, "wrong")


def test_a_claim_that_holds_only_with_a_value_given_further_down_says_so():
    # Q K^T = [[1, 1], [1, 1]] for these rows; / sqrt(4) = 0.5, / sqrt(3) = 0.57735...: the
    # printed 0.5774 holds only with the d_k = 3 of the code below, and the verdict names it
    doc = ("# A\n\nWith $d_k = 4$:\n\n"
           "$$ Q = \\begin{pmatrix} 1 & 0 & 1 & 0 \\\\ 0 & 1 & 0 & 1 \\end{pmatrix}, \\quad "
           "K = \\begin{pmatrix} 1 & 1 & 0 & 0 \\\\ 0 & 0 & 1 & 1 \\end{pmatrix} $$\n\n"
           "$$ S = \\frac{Q K^T}{\\sqrt{d_k}} = \\begin{pmatrix} 0.5774 & 0.5774 \\\\ 0.5774 & 0.5774 "
           "\\end{pmatrix} $$\n\n## B\n\n```python\nd_k = 3\nprint(d_k)\n```\n\n```\n3\n```\n")
    (s,) = [c for c in check_text(doc, "doc.md").findings if c.label == "S"]
    assert "with d_k as on line 12 further down" in s.message
