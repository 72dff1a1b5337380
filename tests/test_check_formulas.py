r"""Derivative formulas a document states, proved or refuted under its own definitions.

Every expected derivative here is worked out by hand in the comment beside it; the
wrong variants are the slips people make (a sign, a missing factor, a transposed
product, the function for its derivative, a dropped Kronecker delta)."""

import pytest

from derive.check.pipeline import check_text


def formulas(doc: str) -> list[tuple[int, str, str | None]]:
    """(line, verdict, diagnosis) of each derivative formula of the document."""
    return [(c.line, str(c.verdict), c.diagnosis) for c in check_text(doc, "doc.md").findings if c.kind == "formula"]


def found(doc: str) -> list:
    return [c for c in check_text(doc, "doc.md").findings if c.kind == "formula"]


SOFTMAX_CE = ("Let $p = \\mathrm{{softmax}}(z)$ and $L = -\\sum_i y_i \\log p_i${setting}.\n\n"
              "$$\\frac{{\\partial L}}{{\\partial z}} = {claim}$$\n")


def test_the_softmax_cross_entropy_gradient_is_proved_when_the_target_is_one_hot():
    # dL/dz_k = p_k sum_i y_i - y_k = p_k - y_k when the y_i sum to 1
    one_hot = SOFTMAX_CE.format(setting=", where $y$ is one-hot", claim="p - y")
    [c] = found(one_hot)
    assert (c.line, str(c.verdict), str(c.basis)) == (3, "ok", "proof")
    assert "y summing to 1" in c.message and "one-hot" in c.message and "3 entries" in c.message
    # the same formula with no word about y: it holds only for such y, and derive says so
    [c] = found(SOFTMAX_CE.format(setting="", claim="p - y"))
    assert str(c.verdict) == "unverifiable" and "sum to 1" in c.message
    # y - p: the sign
    assert formulas(SOFTMAX_CE.format(setting=", where $y$ is one-hot", claim="y - p")) == \
        [(3, "wrong", "by z, the sign is wrong")]


def test_a_distribution_word_counts_only_for_the_vector_its_sentence_names():
    # "one-hot" said of other things (the input tokens), never of y: the proof of p - y needs the
    # y_i to sum to 1, which the document does not say of y
    elsewhere = SOFTMAX_CE.format(setting="", claim="p - y") + "\nThe input tokens are one-hot encoded.\n"
    [c] = found(elsewhere)
    assert str(c.verdict) == "unverifiable" and "does not say so of y" in c.message
    # said of y in a sentence of its own, away from the definitions: it counts
    apart = SOFTMAX_CE.format(setting="", claim="p - y") + "\nHere each target $y$ sums to 1.\n"
    [c] = found(apart)
    assert str(c.verdict) == "ok" and "sums to 1" in c.message


def test_a_scalar_loss_its_sign_and_its_factor():
    # E = (t - o)^2 / 2: dE/do = o - t; written t - o (the sign), or 2(o - t) (a factor 2)
    doc = "$E = \\frac{{1}}{{2}}(t - o)^2$ and so $\\frac{{\\partial E}}{{\\partial o}} = {claim}$.\n"
    assert formulas(doc.format(claim="o - t")) == [(1, "ok", None)]
    assert formulas(doc.format(claim="-(t - o)")) == [(1, "ok", None)]
    assert formulas(doc.format(claim="t - o")) == [(1, "wrong", "by o, the sign is wrong")]
    assert formulas(doc.format(claim="2(o - t)")) == \
        [(1, "wrong", "by o, the claim is off by a factor: the truth is 1/2 times it")]


def test_the_sigmoid_derivative_and_the_function_taken_for_it():
    # h = sigma(a): dh/da = sigma(a)(1 - sigma(a)) = h(1 - h)
    doc = "With $h = \\sigma(a)$, $\\frac{{dh}}{{da}} = {claim}$.\n"
    for right in ("h(1 - h)", "\\sigma(a)(1 - \\sigma(a))", "\\sigma'(a)"):
        assert formulas(doc.format(claim=right)) == [(1, "ok", None)], right
    assert formulas(doc.format(claim="h")) == \
        [(1, "wrong", "by a, the claim is the function itself, not its derivative")]
    # a function's derivative written f'(x), the function defined by the document: (x^3)' = 3x^2
    own = "Let $f(x) = x^3$. Then $f'(x) = {claim}$.\n"
    assert formulas(own.format(claim="3x^2")) == [(1, "ok", None)]
    assert formulas(own.format(claim="3x"))[0][1] == "wrong"


def test_a_chain_rule_through_named_intermediates():
    # z = w x + b, a = sigma(z), L = (a - t)^2 / 2:
    # dL/dw = dL/da da/dz dz/dw = (a - t) a (1 - a) x; dL/dx = (a - t) a (1 - a) w
    doc = ("The neuron computes $z = w x + b$ and $a = \\sigma(z)$, with loss $L = \\frac{1}{2}(a - t)^2$.\n\n"
           "$$\\frac{\\partial L}{\\partial w} = \\frac{\\partial L}{\\partial a}\\frac{\\partial a}{\\partial z}"
           "\\frac{\\partial z}{\\partial w} = (a - t)\\, a (1 - a)\\, x$$\n\n"
           "$$\\frac{\\partial L}{\\partial x} = (a - t) a (1 - a)$$\n\n"
           "$$\\frac{\\partial L}{\\partial b} = (a - t) a (1 - a)$$\n")
    assert formulas(doc) == [(3, "ok", None), (3, "ok", None), (5, "wrong", None), (7, "ok", None)]
    [c] = [c for c in found(doc) if c.line == 5]
    assert "lines 1" in c.message or "line 1" in c.message        # the definitions it rests on


def test_the_softmax_jacobian_entry_by_entry_and_as_a_matrix():
    # p_i = e^{z_i} / sum_j e^{z_j}: dp_i/dz_j = p_i (delta_ij - p_j); as a matrix diag(p) - p p^T
    doc = ("With $p_i = \\frac{e^{z_i}}{\\sum_j e^{z_j}}$,\n\n"
           "$$\\frac{\\partial p_i}{\\partial z_j} = p_i(\\delta_{ij} - p_j)$$\n\n"
           "$$\\frac{\\partial p}{\\partial z} = \\mathrm{diag}(p) - p p^T$$\n\n"
           "$$\\frac{\\partial p_i}{\\partial z_j} = -p_i p_j$$\n")
    assert [v for _, v, _ in formulas(doc)] == ["ok", "ok", "wrong"]


def test_a_linear_layer_and_its_transposed_gradient():
    # h = W x + b, L = ||h - y||^2 / 2: dL/dW = (h - y) x^T (W's shape), dL/dx = W^T (h - y);
    # x (h - y)^T is the transpose; the shapes are learnt from all the section's formulas
    doc = ("Let $h = W x + b$ and $L = \\frac{1}{2}\\|h - y\\|^2$.\n\n"
           "$$\\nabla_W L = (h - y) x^T$$\n\n$$\\nabla_x L = W^T (h - y)$$\n\n$$\\nabla_b L = h - y$$\n\n"
           "$$\\nabla_W L = x (h - y)^T$$\n")
    assert formulas(doc) == [(3, "ok", None), (5, "ok", None), (7, "ok", None),
                             (9, "wrong", "by W, the claim is transposed")]
    assert all("vectors of 3 entries" in c.message for c in found(doc)[:3])


def test_a_kink_is_proved_region_by_region():
    # h = ReLU(a): dh/da = H(a) off the kink; H(-a) is wrong on both sides
    doc = "Let $h = \\mathrm{{ReLU}}(a)$, so $\\frac{{\\partial h}}{{\\partial a}} = {claim}$.\n"
    assert formulas(doc.format(claim="H(a)")) == [(1, "ok", None)]
    assert formulas(doc.format(claim="H(-a)"))[0][1] == "wrong"


@pytest.mark.parametrize("doc, why", [
    # L never defined by a formula
    ("$$\\frac{\\partial L}{\\partial z} = p - y$$\n", "not defined by a formula"),
    # delta is defined in words only
    ("Let $z = W x$ and $L = \\frac{1}{2} z^2$. Then $\\frac{\\partial L}{\\partial W} = \\delta x$.\n",
     "the formula uses delta"),
    # a definition through itself
    ("Let $a = a + b$ and $\\frac{\\partial a}{\\partial b} = 1 + b$.\n", "defined through itself"),
])
def test_a_formula_derive_cannot_settle_is_unverifiable_and_says_why(doc, why):
    [c] = found(doc)
    assert str(c.verdict) == "unverifiable" and why in c.message


def test_definitions_come_from_the_section_of_the_claim():
    # the same name defined in two sections: each claim is judged by its own section's definition
    # (before it, or just after it: "... = p - y, where p = softmax(z)")
    doc = ("# One\n\n$y = x^2$ so $\\frac{dy}{dx} = 2x$.\n\n"
           "# Two\n\n$\\frac{dy}{dx} = 3x^2$, where $y = x^3$.\n")
    assert formulas(doc) == [(3, "ok", None), (7, "ok", None)]


def test_formula_claims_are_bounded_per_document():
    from derive.check.policy import POLICY

    n = POLICY.max_formula_claims + 2
    doc = "Let $y = x^2$.\n\n" + "\n\n".join("$\\frac{dy}{dx} = 2x$" for _ in range(n)) + "\n"
    verdicts = [v for _, v, _ in formulas(doc)]
    assert verdicts.count("ok") == POLICY.max_formula_claims and verdicts[-2:] == ["unverifiable"] * 2


def test_a_formula_that_holds_under_an_index_condition():
    # a_j = softmax(z)_j: da_j/dz_i = a_i (1 - a_i) when i = j, -a_i a_j when i != j
    doc = ("$$a_j = \\frac{{e^{{z_j}}}}{{\\sum_k e^{{z_k}}}}$$\n\n"
           "$$\\frac{{\\partial a_j}}{{\\partial z_i}} = {same}, \\quad i = j$$\n\n"
           "$$\\frac{{\\partial a_j}}{{\\partial z_i}} = {other}, \\quad i \\neq j$$\n")
    assert [v for _, v, _ in formulas(doc.format(same="a_i(1 - a_i)", other="-a_i a_j"))] == ["ok", "ok"]
    assert [v for _, v, _ in formulas(doc.format(same="a_i(1 + a_i)", other="a_i a_j"))] == ["wrong", "wrong"]


def test_the_bound_of_a_sum_is_the_number_of_entries():
    # mu = (1/N) sum x_i, var = (1/N) sum (x_i - mu)^2 (sigma^2 a name):
    # d var / dx_j = (2/N)(x_j - mu) - (2/N^2) sum (x_i - mu) = (2/N)(x_j - mu), true only with N the count
    doc = ("$$\\mu = \\frac{{1}}{{N}}\\sum_{{i=1}}^{{N}} x_i, \\qquad "
           "\\sigma^2 = \\frac{{1}}{{N}}\\sum_{{i=1}}^{{N}} (x_i - \\mu)^2$$\n\n"
           "$$\\frac{{\\partial \\sigma^2}}{{\\partial x_j}} = {claim}$$\n")
    assert formulas(doc.format(claim="\\frac{2}{N}(x_j - \\mu)")) == [(3, "ok", None)]
    assert formulas(doc.format(claim="\\frac{1}{N}(x_j - \\mu)")) == \
        [(3, "wrong", "by x, the claim is off by a factor: the truth is 2 times it")]


def test_a_loss_known_only_by_its_gradient():
    # y = W x and g = dL/dy for a loss L never written: dL/dx = W^T g for every L;
    # W g is another vector; a formula that does not go through g says nothing about L
    doc = ("Let $y = W x$ with $x \\in \\mathbb{{R}}^n$, $W \\in \\mathbb{{R}}^{{n \\times n}}$, and write "
           "$g = \\frac{{\\partial L}}{{\\partial y}}$ for the gradient from above.\n\n"
           "$$\\frac{{\\partial L}}{{\\partial x}} = {claim}$$\n")
    assert formulas(doc.format(claim="W^T g")) == [(3, "ok", None)]
    assert formulas(doc.format(claim="W^T \\frac{\\partial L}{\\partial y}")) == [(3, "ok", None)]
    assert formulas(doc.format(claim="W g"))[0][1] == "wrong"
    [c] = found(doc.format(claim="x"))
    assert str(c.verdict) == "unverifiable" and "only its gradient" in c.message
    # undeclared, a capital W is still a matrix (POLICY.capital_matrices): W g is wrong all the same
    undeclared = doc.replace(" with $x \\in \\mathbb{{R}}^n$, $W \\in \\mathbb{{R}}^{{n \\times n}}$,", "")
    assert formulas(undeclared.format(claim="W g"))[0][1] == "wrong"
    # lower-case names that nothing makes vectors are numbers, and the verdict says so
    [c] = found(undeclared.replace("y = W x", "y = w x").format(claim="w g"))
    assert str(c.verdict) == "ok" and c.message.endswith("for numbers")


def test_an_index_written_above_and_a_function_defined_entry_by_entry():
    # J = (1/2m) sum_i (w x^(i) - y^(i))^2: dJ/dw = (1/m) sum_i (w x^(i) - y^(i)) x^(i)
    doc = ("$$\\hat{{y}}^{{(i)}} = w x^{{(i)}}, \\qquad "
           "J = \\frac{{1}}{{2m}}\\sum_{{i=1}}^{{m}} (\\hat{{y}}^{{(i)}} - y^{{(i)}})^2$$\n\n"
           "$$\\frac{{\\partial J}}{{\\partial w}} = {claim}$$\n")
    assert formulas(doc.format(claim="\\frac{1}{m}\\sum_{i=1}^{m} (\\hat{y}^{(i)} - y^{(i)}) x^{(i)}")) == \
        [(3, "ok", None)]
    assert formulas(doc.format(claim="\\frac{1}{m}\\sum_{i=1}^{m} (\\hat{y}^{(i)} - y^{(i)})"))[0][1] == "wrong"
    # sigma defined by the document as softmax (not the sigmoid): its Jacobian is diag(s) - s s^T
    soft = ("We write softmax as $\\sigma$: $$\\sigma(z)_j = \\frac{e^{z_j}}{\\sum_k e^{z_k}}$$\n\n"
            "$$\\frac{\\partial \\sigma(z)}{\\partial z} = \\mathrm{diag}(\\sigma(z)) - \\sigma(z)\\sigma(z)^T$$\n")
    assert formulas(soft) == [(3, "ok", None)]


def test_the_readme_shows_what_derive_check_prints_for_the_gradient_fixture():
    import re
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    readme = (root / "README.md").read_text(encoding="utf-8")
    shown = re.search(r"```\n\$ derive check (tests/fixtures/check/gradient_formulas\.md)\n(.*?)```", readme, re.S)
    run = subprocess.run([sys.executable, "-m", "derive", "check", shown.group(1)], capture_output=True, text=True,
                         cwd=root, timeout=120)
    assert run.returncode == 1 and run.stdout == shown.group(2)
    # the fixture's three formulas, by hand: dL/dz = p - y (y - p has the sign flipped),
    # dL/dp_i = -y_i / p_i, dE/dw = (a - t) a (1 - a) x (the sigmoid's derivative taken as a)
    assert formulas((root / "tests/fixtures/check/gradient_formulas.md").read_text()) == [
        (6, "wrong", "by z, the sign is wrong"), (8, "ok", None),
        (14, "wrong", "by w, the derivative of the sigmoid is taken as the sigmoid itself")]


def test_a_name_defined_in_the_middle_of_a_chain_and_a_layer_written_above():
    # C = MSE = (1/n) sum_{j=0}^{n-1} (a_j - y_j)^2: dC/da_j = (2/n)(a_j - y_j); 2(a_j - y_j) misses 1/n
    doc = ("$$C = MSE = \\frac{{1}}{{n}}\\sum_{{j=0}}^{{n-1}} (a_j - y_j)^2$$\n\n"
           "$$\\frac{{\\partial C}}{{\\partial a_j}} = {claim}$$\n")
    assert formulas(doc.format(claim="\\frac{2}{n}(a_j - y_j)")) == [(3, "ok", None)]
    assert formulas(doc.format(claim="2(a_j - y_j)"))[0][1] == "wrong"
    # W^L and a^{L-1} are names of layer L (not powers): z^L = W^L a^{L-1}, L = ||z^L||^2 / 2 (a loss
    # named E here): dE/da^{L-1} = (W^L)^T z^L; z^L W^L is the transposed slip
    layer = ("$$z^L = W^L a^{{L-1}}, \\qquad E = \\frac{{1}}{{2}}\\|z^L\\|^2$$\n\n"
             "$$\\frac{{\\partial E}}{{\\partial a^{{L-1}}}} = {claim}$$\n")
    assert formulas(layer.format(claim="(W^L)^T z^L")) == [(3, "ok", None)]
    assert formulas(layer.format(claim="W^L z^L"))[0][1] == "wrong"


def test_a_documents_formulas_share_one_time_budget(monkeypatch):
    import dataclasses

    import derive.check.formulas as formulas_pass

    doc = "Let $y = x^2$.\n\n$\\frac{dy}{dx} = 2x$ and $\\frac{dy}{dx} = 3x$.\n"
    monkeypatch.setattr(formulas_pass, "POLICY", dataclasses.replace(formulas_pass.POLICY, formula_document_seconds=0))
    found_now = found(doc)
    assert [str(c.verdict) for c in found_now] == ["unverifiable", "unverifiable"]
    assert all(c.note == "budget" and "in all" in c.message for c in found_now)


def test_a_matrix_inside_a_matrix_is_no_formula_and_no_crash():
    # found by bench/hostile.py: the formula pass asked a nested matrix for its printed grid
    doc = "$$ A = \\begin{pmatrix} \\begin{bmatrix} 1 & 2 \\end{bmatrix} & 3 \\end{pmatrix} = 1 $$\n"
    report = check_text(doc, "doc.md")
    assert report.error is None and not any(c.note == "internal-error" for c in report.claims)
    assert found(doc) == []
