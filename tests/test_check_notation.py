r"""Notation the checker must read as the author means it.

1. accents make new names (``\hat{X}`` is not X); bold is the same name; primes are names
2. ``\odot`` / ``\circ`` are the entry-by-entry product (a row stretches over the rows),
   ``\otimes`` the outer product
3. every spelling of a derivative (``\frac{\partial L}{\partial W}``, ``\partial L /
   \partial W``, ``\nabla_W L``, ``dL/dW`` ...) is one name
4. update rules (``W \leftarrow W - \eta g``, ``:=``, ``W_{t+1} = W_t - ...``): the next
   value printed is judged against the rule with the values before it
5. printed ``\infty`` / ``+\infty`` entries are +oo; ``e^{-\infty} = 0`` is exact
6. ``\pm`` is read (no "cannot read the formula" noise) and never evaluated

Every expected value is worked out by hand (or with mpmath, mp.dps = 50, as noted)
and written here as a literal; derive is never asked for it.
"""

from __future__ import annotations

import pytest

from derive.check.read import nodes as N
from derive.check.read.latex import parse, parse_statements
from derive.check.pipeline import check_text


def _doc(*displays: str) -> str:
    """A document: a title on line 1, then display k on line 2k + 1."""
    return "# t\n\n" + "\n\n".join(f"$$ {d} $$" for d in displays) + "\n"


def _by_line(text: str) -> dict[int, list]:
    out: dict[int, list] = {}
    for f in check_text(text, "doc.md", specs=[]).findings:
        out.setdefault(f.line, []).append(f)
    return out


def _one(found: dict[int, list], line: int):
    (f,) = found[line]
    return f


# ----------------------------------------------------------------- 1. accents and primes

@pytest.mark.parametrize("latex, key", [
    (r"\hat{X}", "hat(X)"),
    (r"\widehat{X}", "hat(X)"),
    (r"\tilde{x}", "tilde(x)"),
    (r"\widetilde{x}", "tilde(x)"),
    (r"\bar{x}", "bar(x)"),
    (r"\overline{x}", "bar(x)"),
    (r"\dot{x}", "dot(x)"),
    (r"\check{x}", "check(x)"),
    (r"\breve{x}", "breve(x)"),
    (r"\hat{y}_i", "hat(y)_i"),
    (r"\hat{y_i}", "hat(y)_i"),
    (r"\hat{\beta}", "hat(beta)"),
    (r"\mathbf{x}", "x"),
    (r"\boldsymbol{x}", "x"),
    (r"\vec{v}", "v"),
    (r"X'", "X'"),
    (r"X''", "X''"),
    (r"X^\prime", "X'"),
    (r"X^{\prime\prime}", "X''"),
    (r"W_{\text{new}}", "W_new"),
])
def test_spelling_of_a_name(latex, key):
    assert N.key(parse(latex)) == key


ACCENT_DOC = _doc(
    r"X = \begin{pmatrix} 1.5 & -2 \\ 0.25 & 4 \end{pmatrix}",      # 3
    r"\hat{X} = \begin{pmatrix} 10 & 20 \\ 30 & 40 \end{pmatrix}",   # 5  a new name, X kept
    r"X + 1 = \begin{pmatrix} 2.5 & -1 \\ 1.25 & 5 \end{pmatrix}",   # 7  X + 1 by hand
    r"X + 1 = \begin{pmatrix} 11 & 21 \\ 31 & 41 \end{pmatrix}",     # 9  hat(X) + 1: wrong
    r"\hat{X} - X = \begin{pmatrix} 8.5 & 22 \\ 29.75 & 36 \end{pmatrix}",  # 11 10-1.5, 20+2, 30-0.25, 40-4
    r"X' = \begin{pmatrix} 0 & 0 \\ 0 & 0 \end{pmatrix}",            # 13 a new name, X kept
    r"2 X = \begin{pmatrix} 3 & -4 \\ 0.5 & 8 \end{pmatrix}",        # 15 2 X by hand
    r"\mathbf{v} = (1, 2)",                                           # 17 bold v is v
    r"v + v = (2, 4)",                                                # 19
    r"v + v = (2, 5)",                                                # 21 wrong
    r"\hat{y} = (0.1, 0.7, 0.2)",                                     # 23
    r"\hat{y}_2 = 0.7",                                               # 25 entry 2 of hat(y)
    r"\hat{y}_2 = 0.2",                                               # 27 wrong
    r"\bar{x} = 5",                                                   # 29
    r"\overline{x} + 1 = 6",                                          # 31 the same name as \bar{x}
    r"\overline{x} + 1 = 7",                                          # 33 wrong
)


@pytest.fixture(scope="module")
def accents():
    return _by_line(ACCENT_DOC)


def test_an_accent_defines_a_new_name(accents):
    f = _one(accents, 5)
    assert (f.label, f.kind, f.message) == ("hat(X)", "definition", "defines hat(X) (2x2)")
    assert _one(accents, 7).verdict == "ok"                     # X still has its own values
    f = _one(accents, 9)
    # X + 1 = [[2.5, -1], [1.25, 5]], shown at the printed (whole-number) precision
    assert f.verdict == "wrong" and f.expected == "[[3, -1], [1, 5]]" and len(f.wrong_entries) == 4
    assert _one(accents, 11).verdict == "ok"


def test_a_prime_defines_a_new_name(accents):
    assert _one(accents, 13).message == "defines X' (2x2)"
    assert _one(accents, 15).verdict == "ok"                    # 2 X with the X of line 3


def test_bold_is_the_same_name(accents):
    assert _one(accents, 17).message == "defines v (1x2)"
    assert _one(accents, 19).verdict == "ok"
    assert _one(accents, 21).verdict == "wrong"


def test_accented_vector_entries_and_spellings(accents):
    assert _one(accents, 25).verdict == "ok"
    assert _one(accents, 27).verdict == "wrong"
    assert _one(accents, 31).verdict == "ok"
    assert _one(accents, 33).verdict == "wrong"


# ----------------------------------------------------------------- 2. entry-by-entry products

def test_odot_parses_as_an_entrywise_product():
    node = parse(r"\gamma \odot \hat{X} + \beta")
    assert isinstance(node.terms[0], N.Hadamard) and N.key(node) == "gamma(.)hat(X)+beta"
    assert isinstance(parse(r"A \circ B"), N.Hadamard)
    assert isinstance(parse(r"u \otimes v"), N.Kron)


HADAMARD_DOC = _doc(
    r"\gamma = (1, 0.5, 2), \quad \beta = (0, 0.1, -0.1)",                        # 3
    r"\hat{X} = \begin{pmatrix} 1 & 2 & 3 \\ -1 & 0 & 0.5 \end{pmatrix}",         # 5
    # row 1: 1*1 + 0 = 1, 0.5*2 + 0.1 = 1.1, 2*3 - 0.1 = 5.9;
    # row 2: 1*(-1) + 0 = -1, 0.5*0 + 0.1 = 0.1, 2*0.5 - 0.1 = 0.9
    r"Y = \gamma \odot \hat{X} + \beta = "
    r"\begin{pmatrix} 1 & 1.1 & 5.9 \\ -1 & 0.1 & 0.9 \end{pmatrix}",          # 7
    r"Y = \gamma \odot \hat{X} + \beta = "
    r"\begin{pmatrix} 1 & 1.1 & 5.9 \\ -1 & 0.1 & 1.1 \end{pmatrix}",          # 9  wrong
    r"A = \begin{pmatrix} 1 & 2 \\ 3 & 4 \end{pmatrix}, \quad "
    r"B = \begin{pmatrix} 5 & 6 \\ 7 & 8 \end{pmatrix}",                       # 11
    r"A \odot B = \begin{pmatrix} 5 & 12 \\ 21 & 32 \end{pmatrix}",              # 13 1*5, 2*6, 3*7, 4*8
    r"A \circ B = \begin{pmatrix} 5 & 12 \\ 21 & 32 \end{pmatrix}",              # 15
    r"A \odot B = \begin{pmatrix} 19 & 22 \\ 43 & 50 \end{pmatrix}",             # 17 AB: wrong
    r"u = (1, 2), \quad v = (3, 4, 5)",                                           # 19
    r"u \otimes v = \begin{pmatrix} 3 & 4 & 5 \\ 6 & 8 & 10 \end{pmatrix}",      # 21 u_i v_j
    r"u \otimes v = \begin{pmatrix} 3 & 4 & 5 \\ 6 & 8 & 11 \end{pmatrix}",      # 23 wrong
)


@pytest.fixture(scope="module")
def hadamard():
    return _by_line(HADAMARD_DOC)


def test_a_row_gain_stretches_over_the_rows(hadamard):
    f = _one(hadamard, 7)
    assert f.verdict == "ok" and "gamma(.)hat(X) + beta" in f.message
    f = _one(hadamard, 9)
    assert f.verdict == "wrong"
    assert f.wrong_entries == [{"row": 2, "col": 3, "printed": "1.1", "expected": "0.9"}]


def test_odot_and_circ_are_not_the_matrix_product(hadamard):
    assert _one(hadamard, 13).verdict == "ok"
    assert _one(hadamard, 15).verdict == "ok"
    f = _one(hadamard, 17)
    assert f.verdict == "wrong" and f.expected == "[[5, 12], [21, 32]]"


def test_otimes_of_vectors_is_the_outer_product(hadamard):
    assert _one(hadamard, 21).verdict == "ok"
    f = _one(hadamard, 23)
    assert f.verdict == "wrong" and f.wrong_entries[0]["expected"] == "10"


# ----------------------------------------------------------------- 3. derivatives are names

@pytest.mark.parametrize("latex", [
    r"\frac{\partial L}{\partial z}", r"\partial L / \partial z", r"\frac{\partial \mathcal{L}}{\partial z}",
    r"\nabla_z L", r"\nabla_{z} \mathcal{L}", r"dL/dz", r"\frac{dL}{dz}", r"\frac{d L}{d z}",
    r"\frac{\mathrm{d} L}{\mathrm{d} z}", r"\frac{\partial}{\partial z} L", r"\dfrac{\partial L}{\partial z}",
])
def test_every_spelling_of_a_derivative_is_one_name(latex):
    node = parse(latex)
    assert isinstance(node, N.Sym) and node.name == "dL/dz"


@pytest.mark.parametrize("latex, key", [
    (r"\eta \times \partial \mathcal{L} / \partial W", "eta*dL/dW"),
    (r"\eta \nabla_W L", "eta*dL/dW"),
    (r"\frac{\partial L}{\partial W_Q}", "dL/dW_Q"),
    (r"\nabla_\theta L(\theta)", "dL/dtheta"),
    (r"\frac{\partial^2 L}{\partial x^2}", "d^2L/dx^2"),
    (r"\frac{d_k}{d}", "(d_k)/(d)"),                   # no differential: a quotient
    (r"\frac{d}{d_k}", "(d)/(d_k)"),
    (r"x / dt", "(x)/(dt)"),
])
def test_derivatives_inside_formulas(latex, key):
    assert N.key(parse(latex)) == key


DERIVATIVE_DOC = _doc(
    r"\frac{\partial L}{\partial z} = (0.25, -0.5)",          # 3
    r"2\, \partial L / \partial z = (0.5, -1)",               # 5  2 * (0.25, -0.5)
    r"2\, \partial L / \partial z = (0.5, 1)",                # 7  wrong
    r"\nabla_z L + 1 = (1.25, 0.5)",                          # 9  (0.25 + 1, -0.5 + 1)
    r"\frac{dL}{dz} - 1 = (-0.75, -1.5)",                     # 11
    r"\frac{dL}{dz} - 1 = (-0.75, 1.5)",                      # 13 wrong
)


def test_a_derivative_printed_once_is_found_under_other_spellings():
    found = _by_line(DERIVATIVE_DOC)
    assert _one(found, 3).message == "defines dL/dz (1x2)"
    assert _one(found, 5).verdict == "ok" and _one(found, 5).label == "2*dL/dz"
    assert _one(found, 7).verdict == "wrong"
    assert _one(found, 9).verdict == "ok"
    assert _one(found, 11).verdict == "ok"
    assert _one(found, 13).verdict == "wrong"


# ----------------------------------------------------------------- 4. update rules

@pytest.mark.parametrize("text, rels", [
    (r"W \leftarrow W - \eta \nabla_W L", ("update",)),
    (r"W \gets W - g", ("update",)),
    (r"W := W - g", ("update",)),
    (r"W \coloneqq W - g", ("update",)),
    (r"x := 3", ("=",)),                                   # no self-reference: an equation
    (r"x \leftarrow 3", ("=",)),
    (r"W \gets W - g = 5", ("update", "=")),
])
def test_assignments_are_updates_when_the_left_side_is_on_the_right(text, rels):
    (chain,) = parse_statements(text)
    assert chain.rels == rels


# W - 0.2 G, G as printed (4 decimals), computed with mpmath: [[1.3682, 0.9341],
# [0.65152, 1.07576], [0.18028, -0.20986]] -> at 4 decimals 1.3682 0.9341 / 0.6515 1.0758 / 0.1803 -0.2099
SGD = (
    "# SGD\n\n"
    "$W = \\begin{pmatrix} 1.5 & 1.0 \\\\ 0.5 & 1.0 \\\\ 0.2 & -0.2 \\end{pmatrix}$ and\n\n"          # 3
    "$$ \\frac{\\partial \\mathcal{L}}{\\partial W} = (p - y)\\, h^{T} \\approx \\begin{pmatrix} "
    "0.6590 & 0.3295 \\\\ -0.7576 & -0.3788 \\\\ 0.0986 & 0.0493 \\end{pmatrix} $$\n\n"               # 5
    "With $\\eta = 0.2$, $W \\leftarrow W - \\eta \\times \\partial \\mathcal{L} / \\partial W$:\n\n"  # 7
    "$$ {name} \\approx \\begin{pmatrix} 1.3682 & 0.9341 \\\\ 0.6515 & {entry} \\\\ "
    "0.1803 & -0.2099 \\end{pmatrix} $$\n"                                                            # 9
)


@pytest.mark.parametrize("name", [r"W_{\text{new}}", "W'", r"W^{\text{new}}", r"W_{\text{updated}}",
                                  r"W^{(1)}", r"W_{\text{next}}", "W"])
def test_the_next_value_is_judged_against_the_rule(name):
    right = _by_line(SGD.replace("{name}", name).replace("{entry}", "1.0758"))
    f = _one(right, 9)
    assert f.verdict == "rounded" and "W - eta*dL/dW" in f.message
    wrong = _by_line(SGD.replace("{name}", name).replace("{entry}", "1.0578"))
    f = _one(wrong, 9)
    assert f.verdict == "wrong"
    assert f.wrong_entries == [{"row": 2, "col": 2, "printed": "1.0578", "expected": "1.0758"}]
    assert not any("cannot read" in g.message for fs in wrong.values() for g in fs)


STEPS = _doc(
    r"\theta = (1.5, -0.5), \quad g = (0.25, 1.0), \quad \eta = 0.1",  # 3
    r"\theta_{t+1} = \theta_t - \eta g_t",                                # 5  the rule theta <- theta - eta g
    r"\theta^{(1)} = (1.475, -0.6)",                                      # 7  1.5 - 0.025, -0.5 - 0.1
    r"\theta_{\text{new}} = (1.475, -0.4)",                               # 9  wrong
    r"\theta = (1.475, -0.6)",                                            # 11 the next theta
    r"\theta = (1.475, -0.6)",                       # 13 a restatement, not a second step
    r"\theta := \theta - \eta g = (1.45, -0.7)",     # 15 step 2: 1.475 - 0.025, -0.6 - 0.1
    r"\theta := \theta - \eta g = (1.45, -0.6)",     # 17 step 3 gives (1.425, -0.8): wrong
)


def test_a_step_index_rule_and_repeated_steps():
    found = _by_line(STEPS)
    assert 5 not in found                                                 # a rule claims nothing
    assert _one(found, 7).verdict == "ok"
    assert _one(found, 9).verdict == "wrong"
    assert _one(found, 11).verdict == "ok"
    assert _one(found, 13).verdict == "ok" and _one(found, 13).message == "agrees with theta"
    assert _one(found, 15).verdict == "ok"
    f = _one(found, 17)
    assert f.verdict == "wrong" and f.expected == "[1.43, -0.80]"    # 1.425, -0.8 at two decimals


def test_a_name_given_before_the_rule_is_not_its_next_value():
    # W^{(1)} is a layer's weights here: given before the rule, so not the next W
    found = _by_line(_doc(r"W = (1, 2), \quad W^{(1)} = (5, 5), \quad g = (1, 1)",   # 3
                          r"W \leftarrow W - g",                                      # 5
                          r"W^{(1)} = (7, 7)",                                        # 7
                          r"W_{\text{new}} = (0, 1)",                                 # 9  (1 - 1, 2 - 1)
                          r"W_{\text{new}} = (0, 2)"))                                # 11 wrong
    # given anew without a word and used by nothing after it, (7, 7) is a claim
    # about W^(1) and contradicts its value of line 3 (issue 10)
    f = _one(found, 7)
    assert f.kind == "vector" and f.verdict == "wrong" and f.expected == "[5, 5]"
    assert _one(found, 9).verdict == "ok"
    assert _one(found, 11).verdict == "wrong"


# ----------------------------------------------------------------- 5. infinities

INFINITY_DOC = _doc(
    r"z = [1, \infty]",                                                   # 3
    r"-z = [-1, -\infty]",                                                # 5
    r"-z = [-1, \infty]",                                                 # 7  wrong: -oo expected
    r"M = \begin{pmatrix} 0 & +\infty \\ -\infty & 1 \end{pmatrix}",      # 9
    r"M^T = \begin{pmatrix} 0 & -\infty \\ \infty & 1 \end{pmatrix}",     # 11
    r"e^{-\infty} = 0",                                                   # 13 exp(-oo) = 0 exactly
    r"\exp(-\infty) = 0",                                                 # 15
    r"e^{-\infty} = 0.5",                                                 # 17 wrong
)


def test_printed_infinities_are_exact():
    found = _by_line(INFINITY_DOC)
    assert _one(found, 3).message == "defines z (1x2)"
    assert _one(found, 5).verdict == "ok"
    f = _one(found, 7)
    assert f.verdict == "wrong"
    assert f.wrong_entries == [{"row": 1, "col": 2, "printed": "inf", "expected": "-inf"}]
    assert _one(found, 9).message == "defines M (2x2)"
    assert _one(found, 11).verdict == "ok"
    assert _one(found, 13).verdict == "ok"
    assert _one(found, 15).verdict == "ok"
    assert _one(found, 17).verdict == "wrong"


# ----------------------------------------------------------------- 6. plus-minus

def test_plus_minus_is_read_without_noise():
    text = ("# t\n\nA 2-vector normalises to $\\pm 1$; accuracy $92.1 \\pm 0.3$; $x = \\pm 2$.\n\n"
            "Then $y = 1 + 1 = 3$ and $z = 2 \\pm 1 = 3$.\n")
    found = _by_line(text)
    messages = [f.message for fs in found.values() for f in fs]
    assert not any("cannot read" in m for m in messages)
    assert 3 not in found                                  # nothing in line 3 is a checkable claim
    (y, z) = found[5]
    assert (y.label, y.verdict) == ("y", "wrong")
    assert z.verdict == "unverifiable" and "stands for two values" in z.message


def test_plus_minus_parses():
    assert N.key(parse(r"3 \pm 0.5")) == "pm(3,0.5)"
    assert N.key(parse(r"\pm 1")) == "pm(1)"
    assert N.key(parse(r"a + b \mp c")) == "mp(a+b,c)"
