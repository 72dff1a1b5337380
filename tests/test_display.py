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


SUM = "y = " + " + ".join(["x_{1}"] * 60)           # about 80 em on one line


@pytest.mark.parametrize("latex, lines", [
    # a sum: lines as even as the budget allows, each continuation led by its sign
    (SUM, ["y &= " + " + ".join(["x_{1}"] * 20)] + [r"\\ &\quad + " + " + ".join(["x_{1}"] * 20)] * 2),
    # one product of a flat sum: broken inside, \bigl( and \bigr) on different lines
    ("L = - c " + r"\left(" + " - ".join(["K_{11} P_{11} V_{11}"] * 8) + r"\right)",
     [r"L &= - c \bigl(" + " - ".join(["K_{11} P_{11} V_{11}"] * 4),
      r"\\ &\quad - " + " - ".join(["K_{11} P_{11} V_{11}"] * 4) + r"\bigr)"]),
])
def test_a_wide_sum_is_broken_into_lines_that_fit(latex, lines):
    assert not display.fits(latex)
    block = display.broken(latex)
    assert block.splitlines() == [r"\begin{aligned}", *lines, r"\end{aligned}"]
    assert all(display.width_em(line) <= display.POLICY.max_width_em for line in lines)
    assert display.shown(latex) == block


@pytest.mark.parametrize("latex", [
    " + ".join(["x_{1}"] * 60),                                     # no left side
    "y = " + " ".join(["x_{1}"] * 80),                               # a product: nowhere to break
    "y = " + r"\left(" + " + ".join([r"\frac{x_{1}}{2}"] * 30) + r"\right)",   # \bigl( would be too short
    "y = " + " + ".join(["x_{1}"] * 400),                           # more lines than a reader follows
    "y = a + " + " ".join(["x_{1}"] * 80),                           # one term alone too wide
])
def test_what_cannot_be_broken_well_is_not_shown(latex):
    assert display.broken(latex) is None and display.shown(latex) is None


@pytest.mark.parametrize("latex, terms", [
    ("a - b + c", ["a", "- b", "+ c"]),
    ("- a - b", ["- a", "- b"]),                          # a leading sign is the first term's
    (r"a \cdot - b + c", [r"a \cdot - b", "+ c"]),        # a sign after an operator is unary
    (r"a \left(b + c\right) - {d + e}", [r"a \left(b + c\right)", "- {d + e}"]),   # nested: not a term
    (r"\begin{pmatrix} a + b \end{pmatrix} + c", [r"\begin{pmatrix} a + b \end{pmatrix}", "+ c"]),
])
def test_terms(latex, terms):
    assert display.terms(latex) == terms


def test_a_wide_matrix_is_listed_entry_by_entry():
    wide = r"- \frac{1}{2} + \sin{\left(1 \right)} + \cos{\left(\frac{1}{100} \right)}"
    assert not display.fits("Q = " + r"\begin{pmatrix} " + " & ".join([wide] * 4) + r" \end{pmatrix}")
    assert display.entries("Q", [["1", wide], ["0", "2"]]).splitlines() == [
        r"\begin{aligned}", "{[Q]}_{1,1} &= 1", rf"\\ {{[Q]}}_{{1,2}} &= {wide}",
        r"\\ {[Q]}_{2,1} &= 0", r"\\ {[Q]}_{2,2} &= 2", r"\end{aligned}"]


@pytest.mark.parametrize("cells", [
    [["1"] * 13],                                   # more entries than a reader goes through
    [["1", " + ".join(["x_{1}"] * 40)]],            # an entry too wide by itself
])
def test_what_cannot_be_listed_is_not(cells):
    assert display.entries("Q", cells) is None


def test_what_fits_is_shown_as_it_is():
    assert display.shown(r"S = \frac{Q K^{T}}{\sqrt{d_{k}}}") == r"S = \frac{Q K^{T}}{\sqrt{d_{k}}}"


def test_capitals_are_wider_than_small_letters():
    # six products of K, P, V measured 920 px in Chromium at an estimated 39.2 em
    assert display.width_em("KPV") > display.width_em("kpv")


def test_the_exact_descent_iterates_fit_only_when_narrow():
    # P^(1) measured 1,871 px wide in KaTeX before it was hidden (issue 15)
    from derive.pages import descent_view

    assert [e["fits"] for e in descent_view(4)["exact"]] == [True, False]


@pytest.mark.parametrize("gap", ["[0.5em]", "[4pt]", "[ 1.5ex ]"])
def test_the_checker_reads_a_spaced_row_break_as_a_break(gap):
    assert N.key(parse(r"\begin{pmatrix} 1 & 2 \\" + gap + r" 3 & 4 \end{pmatrix}")) == "[1,2;3,4]"
