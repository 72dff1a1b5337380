"""The display policy: widths, scientific notation, marked digits, row gaps."""

import pytest

from derive import display
from derive.check.read import nodes as N
from derive.check.read.latex import parse


@pytest.mark.parametrize("text, latex", [
    ("0.000000000000000000000000000000000000000000000000040", r"4.0 \times 10^{-50}"),
    ("0.0000000000000061", r"6.1 \times 10^{-15}"),
    ("-0.00001", r"-1 \times 10^{-5}"),
    ("0.0001", "0.0001"),                 # 10^-4 is still written out
    ("123456.5", "123456.5"),
    ("1000000", r"1 \times 10^{6}"),
    ("2500000.75", r"2.50000075 \times 10^{6}"),
    ("0", "0"), ("0.000", "0.000"), ("-inf", "-inf"),
])
def test_scientific(text, latex):
    assert display.scientific(text) == latex


@pytest.mark.parametrize("text, other, marked", [
    ("0.8414", "0.8415", r"0.841\underline{4}"),
    ("0.0001", "0.0100", r"0.0\underline{001}"),
    ("-0.4161", "0.9998", r"\underline{-0.4161}"),
    ("12.5", "2.5", r"\underline{12.5}"),
    ("1.5", "1.5", "1.5"),
])
def test_marked_digits(text, other, marked):
    assert display.marked_digits(text, other) == marked


@pytest.mark.parametrize("above, below, gap", [
    (["1", "2"], ["3", "4"], r"\\"),
    ([r"\frac{1}{2}"], ["3"], r"\\[0.5em]"),
    (["3"], [r"- \frac{1}{2}"], r"\\[0.5em]"),
])
def test_row_break(above, below, gap):
    assert display.row_break(above, below) == gap


def test_width_grows_with_columns_and_a_fraction_is_its_wider_part():
    one = display.width_em(r"\begin{pmatrix} x \end{pmatrix}")
    four = display.width_em(r"\begin{pmatrix} x & x & x & x \end{pmatrix}")
    assert four > 2 * one
    assert display.width_em(r"\frac{abcdef}{g}") == pytest.approx(display.width_em("abcdef") + 0.2)


@pytest.mark.parametrize("latex, fits", [
    (r"S = \frac{Q K^{T}}{\sqrt{d_{k}}}", True),
    (" + ".join(["x_{1}"] * 60), False),
])
def test_fits(latex, fits):
    assert display.fits(latex) is fits


def test_the_exact_descent_iterates_fit_only_when_narrow():
    # P^(1) measured 1,871 px wide in KaTeX before it was hidden (issue 15)
    from derive.pages import descent_view

    assert [e["fits"] for e in descent_view(4)["exact"]] == [True, False]


@pytest.mark.parametrize("gap", ["[0.5em]", "[4pt]", "[ 1.5ex ]"])
def test_the_checker_reads_a_spaced_row_break_as_a_break(gap):
    assert N.key(parse(r"\begin{pmatrix} 1 & 2 \\" + gap + r" 3 & 4 \end{pmatrix}")) == "[1,2;3,4]"
