"""The strict LaTeX-subset parser: formulas in, trees out, errors with offsets."""

import pytest
import sympy as sp

from derive.check.read import nodes as N
from derive.check.evaluate.evaluator import evaluate_exact
from derive.check.read.latex import LatexError, parse, parse_statements


@pytest.mark.parametrize("latex, key", [
    (r"W_Q", "W_Q"),
    (r"W_{Q}", "W_Q"),
    (r"PE_{\text{input}}", "PE_input"),
    (r"\mathbf{W_K}", "W_K"),
    (r"d_{\text{model}}", "d_model"),
    (r"Q \times K^T", "Q*K^T"),
    (r"Q K^{T}", "Q*K^T"),
    (r"X^\top", "X^T"),
    (r"\frac{Q K^T}{\sqrt{d_k}}", "(Q*K^T)/(sqrt(d_k))"),
    (r"2(0+1)", "2*(0+1)"),
    (r"e^{-z}", "e^(-z)"),
    (r"\text{softmax}\left(x\right)", "softmax(x)"),
    (r"\mathrm{LN}(x_i)", "LN(x_i)"),
    (r"\sigma(30)", "sigma(30)"),
    (r"\sigma^2 + \epsilon", "sigma^2+epsilon"),
    (r"\max(0, z)", "max(0,z)"),
    (r"\log p_i", "log(p_i)"),
    (r"Q[1,3]", "Q[1,3]"),
    (r"\text{Attention}_2(Q, K, V)", "Attention_2(Q,K,V)"),
    (r"[0.1, -0.2]", "[0.1,-0.2]"),
    (r"\sum_{i=1}^{4} y_i", "sum_i=1^4(y_i)"),
])
def test_parse_gives_the_expected_tree(latex, key):
    assert N.key(parse(latex)) == key


@pytest.mark.parametrize("row_break", [r"\\", r"\\\ ", r"\\\\"])
def test_matrix_rows_split_however_markdown_escaped_the_break(row_break):
    node = parse(r"\begin{pmatrix} 1 & 2 " + row_break + r" 3 & 4 \end{pmatrix}")
    assert N.key(node) == "[1,2;3,4]"


@pytest.mark.parametrize("env", ["pmatrix", "bmatrix", "matrix", "vmatrix"])
def test_matrix_environments(env):
    node = parse(rf"\begin{{{env}}} 0.5 & -1 \\ 2 & 0.25 \end{{{env}}}")
    assert node.rows[1][1].printed.text == "0.25"


def test_array_column_spec_is_skipped():
    assert N.key(parse(r"\begin{array}{cc} 1 & 2 \end{array}")) == "[1,2]"


def test_chain_keeps_every_link_and_approx():
    chain = parse(r"a = 0.1 + 0.2 = 0.3 \approx 0.30")
    assert chain.rels == ("=", "=", "approx") and len(chain.parts) == 4


def test_statements_split_at_breaks_spaces_and_relation_commas():
    results = parse_statements(r"a = 1\space,\space b = 2 \\ c = 3, 4, 5 \quad d = 6")
    keys = [N.key(r) for r in results]
    assert keys == ["a = 1", "b = 2", "c = (3,4,5)", "d = 6"]


@pytest.mark.parametrize("latex, value", [
    (r"\frac{1}{4} + 0.25", sp.Rational(1, 2)),
    (r"10000^{2(1)/4}", sp.Integer(100)),
    (r"2^{-1} \cdot 3", sp.Rational(3, 2)),
    (r"\sqrt[3]{8}", sp.Integer(2)),
    (r"-(1 \cdot \log(0.7))", -sp.log(sp.Rational(7, 10))),
    (r"\sin(0) + \cos(0)", sp.Integer(1)),
    (r"e^{0}", sp.Integer(1)),
    (r"|{-3}|", sp.Integer(3)),
])
def test_values_are_exact(latex, value):
    assert sp.simplify(evaluate_exact(parse(latex)).data[0, 0] - value) == 0


def test_numbers_keep_their_printed_decimals():
    node = parse("1.50")
    assert node.printed.value == sp.Rational(3, 2) and node.printed.decimals == 2


@pytest.mark.parametrize("latex, message", [
    (r"\frac{1}{2", "expected"),
    (r"\begin{pmatrix} 1 & 2", "never closed"),
    (r"\begin{pmatrix} 1 \end{bmatrix}", "closed by"),
    (r"\unknowncommand{x}", "unsupported command"),
    (r"x = 1e999", "exponent out of range"),
    ("{" * 10_000 + "1" + "}" * 10_000, "nested too deeply"),
    (r"\begin{pmatrix} __import__('os').system('echo x') \end{pmatrix}", "unexpected"),
])
def test_bad_formulas_raise_latex_errors_with_offsets(latex, message):
    results = parse_statements(latex)
    errors = [r for r in results if isinstance(r, LatexError)]
    assert errors and message in str(errors[0])
    assert 0 <= errors[0].offset <= len(latex)
