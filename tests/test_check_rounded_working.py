"""Claims computed through rounded intermediate values, suppositions, tuples as columns.

Every expected value below was computed with mpmath at 50 digits (the lines
are quoted in the comments) or by hand; none comes from derive.
"""

import textwrap

import mpmath as mp
import pytest

from derive.check.pipeline import check_text


def verdicts(doc: str) -> dict[int, list]:
    out: dict[int, list] = {}
    for f in check_text(textwrap.dedent(doc), "doc.md").findings:
        out.setdefault(f.line, []).append(f)
    return out


def only(found: dict, line: int, kind: str | None = None):
    hits = [f for f in found.get(line, []) if kind is None or f.kind == kind]
    assert len(hits) == 1, (line, kind, [(f.kind, f.verdict, f.message) for f in found.get(line, [])])
    return hits[0]


# 0.90 / sqrt(2) = 0.636396103067893...: rounds to 0.6364, so 0.6363 is a truncation.
# softmax((0.27, 0.90, 0.72) / sqrt(2)) = (0.254072551954, 0.396666999293, 0.349260448753);
# softmax of the printed (0.1909, 0.6363, 0.5091) = (0.25408..., 0.396648..., 0.34927...).
SCALED = """\
    The head works in $d_k = 2$ dimensions.

    $$ s = \\begin{pmatrix} 0.27 & 0.90 & 0.72 \\end{pmatrix} $$

    We divide by $\\sqrt{d_k} = \\sqrt{2} \\approx 1.4142$.

    $$ S = \\frac{s}{\\sqrt{d_k}} \\approx \\begin{pmatrix} 0.1909 & 0.6363 & 0.5091 \\end{pmatrix} $$

    $$ A = \\mathrm{softmax}(S) \\approx \\begin{pmatrix} 0.2541 & %s & 0.3493 \\end{pmatrix} $$
"""


def test_a_rounded_square_root_in_prose_does_not_hide_a_truncation():
    found = verdicts(SCALED % "0.3967")
    assert only(found, 5, "scalar").verdict == "rounded"          # sqrt(2) = 1.41421356...
    s = only(found, 7, "vector")                                  # 0.6363 for 0.636396..., where
    assert s.verdict == "wrong" and "cut toward zero" in s.diagnosis   # 0.2541 rounds 0.254067 up


def test_a_step_after_a_truncated_one_is_judged_from_the_exact_values():
    found = verdicts(SCALED % "0.3967")
    a = only(found, 9, "vector")
    assert a.verdict == "rounded", a.message                      # 0.396666999 -> 0.3967


def test_a_wrong_entry_after_a_truncated_step_is_still_wrong():
    found = verdicts(SCALED % "0.3976")
    assert only(found, 9, "vector").verdict == "wrong"


# h = (2, 4, 9): mean 5, population std 2.94392028878; LN(h) = (-1.01904933073,
# -0.339683110243, 1.35873244097). With s = 2.9439 exactly: (-1.01905635382,
# -0.339685451272, 1.35874180509), so the first entry would round to -1.0191.
LAYER_NORM = """\
    Take $h = (2, 4, 9)$; its standard deviation is about $s \\approx 2.9439$.

    $$ \\mathrm{LN}(h) = \\left( \\frac{2-5}{s}, \\frac{4-5}{s}, \\frac{9-5}{s} \\right) \\approx (-1.0190, -0.3397, %s) $$
"""


def test_a_value_given_with_approx_carries_its_rounding():
    found = verdicts(LAYER_NORM % "1.3587")
    assert [f.verdict for f in found[3]] == ["rounded", "rounded"], [f.message for f in found[3]]


def test_rounded_working_does_not_excuse_a_wrong_last_digit():
    f = [f for f in verdicts(LAYER_NORM % "1.3588")[3] if f.kind == "vector"][0]
    assert f.verdict == "wrong"
    assert f.wrong_entries and f.wrong_entries[0]["expected"] == "1.3587"
    # neither LN(h) (1.35873) nor the working with s = 2.9439 (1.35874) gives 1.3588:
    # no rounding explains it, and none is named as its cause
    assert "rounded" not in (f.diagnosis or "")


# z = 0.5 * 2 - 0.2 = 0.8; sigma(0.8) = 0.689974481128; sigma(0.8) - 1 = -0.310025518872.
SUPPOSITION = """\
    With $w = 0.5$, $x = 2$ and $b = -0.2$ we get $z = w x + b = 0.8$ and
    $\\sigma(z) \\approx 0.6900$ (at $z = 0$ it would be exactly $0.5$).
    The gradient is $\\sigma(z) - 1 \\approx -0.3100$.
"""


def test_a_supposed_value_is_not_a_claim_about_the_name():
    found = verdicts(SUPPOSITION)
    z = [f for f in found[2] if f.label == "z"]
    assert len(z) == 1 and z[0].kind == "definition" and "supposes" in z[0].message
    gradient = only(found, 3)
    assert gradient.verdict in ("ok", "rounded"), gradient.message   # z = 0.8, not 0


# W h with h = (1.0, 0.5): (1.5 + 0.5, 0.5 + 0.5, 0.2 - 0.1) = (2.0, 1.0, 0.1) by hand.
@pytest.mark.parametrize("printed, verdict", [("(2.0, 1.0, 0.1)", "ok"), ("(2.0, 1.5, 0.1)", "wrong")])
def test_a_tuple_multiplied_from_the_right_is_a_column(printed, verdict):
    doc = f"""\
    Take $h = (1.0, 0.5)$ and
    $W = \\begin{{pmatrix}} 1.5 & 1.0 \\\\ 0.5 & 1.0 \\\\ 0.2 & -0.2 \\end{{pmatrix}}$.
    The logits are $z = W h = {printed}$.
    """
    assert only(verdicts(doc), 3, "vector").verdict == verdict


# Slips of the pen, by hand: 1/sqrt(2) = 0.70710678...; 3 (1, -2) = (3, -6);
# Q = [[1, 2], [0, 1]], K = [[3, 1], [2, 0]]: Q K^T = [[1*3 + 2*1, 1*2 + 2*0], [0*3 + 1*1, 0*2 + 1*0]]
# = [[5, 2], [1, 0]], printed transposed as [[5, 1], [2, 0]].
@pytest.mark.parametrize("doc, line, why", [
    ("$$ \\frac{1}{\\sqrt{2}} \\approx 0.7017 $$", 1, "neighbouring digits are swapped in entry (1, 1)"),
    ("$$ x = (1, -2) $$\n\n$$ 3 x = (3, 6) $$", 3, "the sign of entry (1, 2) is flipped"),
    ("$$ Q = \\begin{pmatrix} 1 & 2 \\\\ 0 & 1 \\end{pmatrix}, \\quad "
     "K = \\begin{pmatrix} 3 & 1 \\\\ 2 & 0 \\end{pmatrix} $$\n\n"
     "$$ Q K^T = \\begin{pmatrix} 5 & 1 \\\\ 2 & 0 \\end{pmatrix} $$", 3, "the result is transposed"),
])
def test_slips_of_the_pen_are_named(doc, line, why):
    f = [f for f in verdicts(doc)[line] if f.verdict == "wrong"][0]
    assert why in (f.diagnosis or ""), f.diagnosis


# -ln(0.2424) = 1.41717686... (mpmath): 1.4172 rounds it, 1.4171 truncates it (the only value of
# the document: no rounding up says it rounds), 1.4180 is wrong.
@pytest.mark.parametrize("printed, verdict", [("1.4172", "rounded"), ("1.4171", "truncated"),
                                              ("1.4180", "wrong")])
def test_an_entry_of_a_vector_by_its_number(printed, verdict):
    doc = f"The model gives $p = (0.6590, 0.2424, 0.0986)$, so $L = -\\ln p_2 \\approx {printed}$.\n"
    assert only(verdicts(doc), 1, "scalar").verdict == verdict


def test_a_formula_in_a_question_does_not_wait_for_a_number_in_prose():
    found = verdicts("Here $d_k = 64$.\nWhy exactly $\\sqrt{d_k}$?\n\nEach component has mean $0$.\n")
    assert all(f.verdict != "wrong" for fs in found.values() for f in fs)


# 1/4 (1 + 4 + 1 + 4) = 2.5 and 10/3 = 3.33333... by hand.
@pytest.mark.parametrize("printed, verdict", [("3.3333", "rounded"), ("3.3433", "wrong")])
def test_what_would_be_is_supposed_and_its_working_still_judged(printed, verdict):
    doc = ("For $u = (2, -1, 0, 3)$ the biased variance is $\\sigma^2 = \\tfrac{1}{4}(1 + 4 + 1 + 4) = 2.5$.\n"
           f"The unbiased estimate would give $\\sigma^2 = 10/3 \\approx {printed}$ instead.\n")
    second = verdicts(doc)[2]
    assert [f.verdict for f in second] == [verdict], [(f.verdict, f.message) for f in second]


# e^0.3 + e^0.5 + e^-0.9 = 1.349858808 + 1.648721271 + 0.406569660 = 3.405149739 (mpmath):
# three terms rounded to 4 decimals may together be off by 3 x 0.00005.
@pytest.mark.parametrize("terms, verdict", [("1.3499 + 1.6487 + 0.4066", "rounded"),
                                            ("1.3499 + 1.6478 + 0.4066", "wrong")])
def test_working_after_approx_is_made_of_roundings(terms, verdict):
    doc = f"The normalizer is $e^{{0.3}} + e^{{0.5}} + e^{{-0.9}} \\approx {terms}$.\n"
    equation = [f for f in verdicts(doc)[1] if f.kind == "equation"]
    assert [f.verdict for f in equation] == [verdict]


def test_numbers_before_approx_are_exact():
    # 0.90 / sqrt(2) = 0.6363961...: 0.6363 is a truncation, even though 0.90 is written with decimals
    assert only(verdicts("$$ \\frac{0.90}{\\sqrt{2}} \\approx 0.6363 $$\n"), 1).verdict == "truncated"


# sqrt(128) = 11.3137...; after d_k = 16: 8 / sqrt(16) = 2 by hand.
@pytest.mark.parametrize("printed, verdict", [("2", "ok"), ("1", "wrong")])
def test_a_value_computed_from_a_name_given_anew_is_stale(printed, verdict):
    doc = ("With $d_k = 128$ we have $\\sqrt{d_k} \\approx 11.31$.\n\n"
           f"Now take $d_k = 16$ and $s_1 = 8$. Then $\\sqrt{{d_k}} = 4$ and $s_1/\\sqrt{{d_k}} = {printed}$.\n")
    last = [f for f in verdicts(doc)[3] if f.label == "(s_1)/(sqrt(d_k))"]
    assert [f.verdict for f in last] == [verdict], [(f.label, f.verdict, f.message) for f in verdicts(doc)[3]]


# softmax(1, 0, -1) = (0.665241, 0.244728, 0.090031); softmax(2, 0, -2) = (0.866813, 0.117310, 0.015876)
# (mpmath): after s = (2, 0, -2) replaces s_1, s_2, s_3 the weights must be recomputed.
@pytest.mark.parametrize("printed, verdict", [("(0.8668, 0.1173, 0.0159)", "rounded"),
                                              ("(0.6652, 0.2447, 0.0900)", "wrong")])
def test_entries_of_a_vector_given_anew_are_stale(printed, verdict):
    doc = ("Scores $s_1 = 1$, $s_2 = 0$, $s_3 = -1$; $Z = e^{s_1} + e^{s_2} + e^{s_3} \\approx 4.0862$ and\n"
           "$a = (e^{s_1}, e^{s_2}, e^{s_3}) / Z \\approx (0.6652, 0.2447, 0.0900)$.\n\n"
           f"With a new query every score doubles, $s = (2, 0, -2)$, and the weights become $a \\approx {printed}$.\n")
    assert only(verdicts(doc), 4, "vector").verdict == verdict


# s_1 = sqrt(3.125) = 1.76776695...; e^{s_1} = 5.85775810 and e^{1.7678} = 5.85795168 (mpmath).
@pytest.mark.parametrize("printed, verdict", [("5.8578", "rounded"), ("5.8580", "wrong")])
def test_a_number_claimed_for_a_quantity_is_judged_by_the_quantity(printed, verdict):
    doc = f"With $s_1 = \\sqrt{{3.125}}$ we get $e^{{s_1}} = e^{{1.7678}} \\approx {printed}$.\n"
    assert only(verdicts(doc), 1, "scalar").verdict == verdict


def test_every_finding_sits_under_its_own_heading():
    doc = "# Title\n\n## Part\n\n$$ x = \\{1, 2\\} $$\n"
    f, = check_text(doc, "doc.md").findings
    assert f.section == "Part"


# H = (4, 0, 3, 4): mean 2.75, variance 2.6875; with eps = 1e-5, gamma = (1, 0.5, 2, 1) and
# beta = (0, 0.1, -0.1, 0): (0.7624914, -0.7387406, 0.2049966, 0.7624914) (mpmath).
@pytest.mark.parametrize("printed, verdict", [("0.7625 & -0.7387 & 0.2050 & 0.7625", "rounded"),
                                              ("0.7625 & -0.7378 & 0.2050 & 0.7625", "wrong")])
def test_layer_norm_with_the_documents_gamma_and_beta(printed, verdict):
    doc = ("Let $H = \\begin{pmatrix} 4 & 0 & 3 & 4 \\end{pmatrix}$, $\\epsilon = 10^{-5}$,\n"
           "$\\gamma = (1, 0.5, 2, 1)$ and $\\beta = (0, 0.1, -0.1, 0)$.\n\n"
           "$$ \\mathrm{LayerNorm}(H) = \\gamma \\odot \\frac{H - \\mu}{\\sqrt{\\sigma^2 + \\epsilon}} + \\beta \\approx "
           f"\\begin{{pmatrix}} {printed} \\end{{pmatrix}} $$\n")
    assert only(verdicts(doc), 4, "vector").verdict == verdict


# By hand: g = p - y = (0.3964, -0.5158, 0.1194), h = (1, -1)^T, g h^T = [[0.3964, -0.3964],
# [-0.5158, 0.5158], [0.1194, -0.1194]]; W - 0.5 g h^T = [[0.3018, 0.3982], [0.3579, -0.6579],
# [-0.3597, 0.6597]] for W = [[0.5, 0.2], [0.1, -0.4], [-0.3, 0.6]].
GRADIENT = """\
Take $g = (0.3964, -0.5158, 0.1194)$, $h = (1, -1)^\\top$ and
$W = \\begin{{pmatrix}} 0.5 & 0.2 \\\\ 0.1 & -0.4 \\\\ -0.3 & 0.6 \\end{{pmatrix}}$.

$$ \\frac{{\\partial L}}{{\\partial W}} = g\\, h^\\top = {gradient} $$

With $\\eta = 0.5$, $W \\leftarrow W - \\eta\\, \\partial L / \\partial W$ gives

$$ W' = {updated} $$
"""
RIGHT = "\\begin{pmatrix} 0.3964 & -0.3964 \\\\ -0.5158 & 0.5158 \\\\ 0.1194 & -0.1194 \\end{pmatrix}"
TRANSPOSED = "\\begin{pmatrix} 0.3964 & -0.5158 & 0.1194 \\\\ -0.3964 & 0.5158 & -0.1194 \\end{pmatrix}"
UPDATED = "\\begin{pmatrix} 0.3018 & 0.3982 \\\\ 0.3579 & -0.6579 \\\\ -0.3597 & 0.6597 \\end{pmatrix}"
WRONG_SIGN = "\\begin{pmatrix} 0.6982 & 0.0018 \\\\ -0.1579 & -0.1421 \\\\ -0.2403 & 0.5403 \\end{pmatrix}"


@pytest.mark.parametrize("gradient, updated, verdicts_", [
    (RIGHT, UPDATED, ("ok", "ok")),
    (TRANSPOSED, UPDATED, ("wrong", "ok")),          # the next step is judged from what it should be
    (TRANSPOSED, WRONG_SIGN, ("wrong", "wrong")),
])
def test_an_outer_product_gradient_and_the_step_after_it(gradient, updated, verdicts_):
    found = verdicts(GRADIENT.format(gradient=gradient, updated=updated))
    grad, step = only(found, 4, "matrix"), only(found, 8, "matrix")
    assert (grad.verdict, step.verdict) == verdicts_, (grad.message, step.message)
    if grad.verdict == "wrong":
        assert "transposed" in grad.diagnosis


def test_a_supposition_may_name_several_values_at_once():
    doc = ("The fit ends at $w = 2.0059$ and $b = 0.8894$.\n\n"
           "At $w = b = 0$ every prediction is zero.\n")
    assert all(f.verdict in ("given", "ok", "rounded") for fs in verdicts(doc).values() for f in fs)


# softmax(1.5, 0.5, -1) = (0.6896721, 0.2537162, 0.0566117); 1/p_1 = 1.4499644, while
# 1/0.6897 = 1.4499058 (mpmath): a rounded p_1 restated stays a rounding, so 1.4500 rounds it.
def test_a_restated_rounded_value_stays_rounded():
    doc = ("The softmax of $z = (1.5, 0.5, -1.0)$ is $p \\approx (0.6897, 0.2537, 0.0566)$.\n"
           "The loss is $-\\ln p_1 \\approx 0.3715$ (the rounded $p_1 = 0.6897$ gives the same).\n"
           "The perplexity is $1/p_1 \\approx 1.4500$.\n")
    assert only(verdicts(doc), 3).verdict == "rounded"


def test_an_inequality_gives_no_value():
    doc = ("Logits $z = (1.5, 0.5, -1.0)$; a temperature $T > 1$ flattens them.\n\n"
           "With $T = 2$ the scaled logits are $z/T = (0.75, 0.25, -0.5)$.\n")
    assert only(verdicts(doc), 3, "vector").verdict == "ok"


# sqrt(4.375) = 2.0916500..., so 2.0916 truncates it; 4.375 = 35/8 is exact, not a rounding.
def test_an_exact_decimal_in_the_working_is_exact():
    assert only(verdicts("$$ \\sqrt{4.375} \\approx 2.0916 $$\n"), 1).verdict == "truncated"


# 0.02 / sqrt(0.0002 + 1e-5) = 1.380131..., 0.02 / sqrt(0.0002) = 1.414214... (mpmath): a value
# nothing in the document computes, written 0.0002, is not taken as a rounding good to +-25 %.
def test_a_short_given_value_is_exact():
    doc = ("For $x' = (0.10, 0.12, 0.08, 0.10)$ with $\\mu' = 0.1$, $\\sigma'^2 = 0.0002$ and "
           "$\\epsilon = 10^{-5}$:\n$\\hat{x}' = \\frac{x' - \\mu'}{\\sqrt{\\sigma'^2 + \\epsilon}} "
           "\\approx (0.0000, 1.4132, -1.4132, 0.0000)$.\n")
    assert only(verdicts(doc), 2, "vector").verdict == "wrong"


# softmax(0, 1.2533, -1.4245, 1.4245, 0.9342): p_4 counted from 0 is 0.22240...; -ln 0.2224 = 1.50328
# and -ln 0.3632 = 1.01278 (mpmath): a document that writes p_0 counts from 0.
@pytest.mark.parametrize("index_note, verdict", [(", indexed from $p_0$ to $p_4$", "rounded"), ("", "wrong")])
def test_a_document_that_writes_p_0_counts_from_zero(index_note, verdict):
    doc = ("The logits $z = (0, 1.2533, -1.4245, 1.4245, 0.9342)$ give\n"
           f"$p \\approx (0.0874, 0.3060, 0.0210, 0.3632, 0.2224)${index_note}.\n"
           "The loss on the last token is $-\\ln p_4 \\approx 1.5033$.\n")
    assert only(verdicts(doc), 3).verdict == verdict


# softmax(1.5, 0.5, -1): entropy -sum p ln p = 0.766784544 nats; with log10 it would be 0.333010296
# (mpmath). p is given only by its formula; the unit after the number is a remark.
@pytest.mark.parametrize("printed, verdict", [("0.7668", "rounded"), ("0.3330", "wrong")])
def test_a_name_given_only_by_its_formula_and_a_unit_after_the_number(printed, verdict):
    doc = ("For the logits $z = (1.5, 0.5, -1.0)$ the prediction is $p = \\mathrm{softmax}(z)$.\n\n"
           f"$$ H(p) = -\\sum_i p_i \\ln p_i \\approx {printed} \\text{{ nats}}. $$\n")
    assert only(verdicts(doc), 3, "scalar").verdict == verdict


# diag(p) - p p^T for p = (0.6897, 0.2537, 0.0566), by hand/mpmath: [[0.214014, -0.174977, -0.039037],
# [-0.174977, 0.189336, -0.014359], [-0.039037, -0.014359, 0.053396]].
@pytest.mark.parametrize("corner, verdict", [("-0.0390", "rounded"), ("0.0390", "wrong")])
def test_the_softmax_jacobian_with_p_written_as_a_tuple(corner, verdict):
    doc = ("With $p \\approx (0.6897, 0.2537, 0.0566)$ the Jacobian is $J = \\mathrm{diag}(p) - p p^\\top$:\n\n"
           f"$$ J \\approx \\begin{{bmatrix}} 0.2140 & -0.1750 & {corner} \\\\ -0.1750 & 0.1893 & -0.0144 \\\\ "
           "-0.0390 & -0.0144 & 0.0534 \\end{bmatrix} $$\n")
    assert only(verdicts(doc), 3, "matrix").verdict == verdict


# 0.1 * (-21.9649) / sqrt(484.4298) = -0.0997962 and 0.1 * (-9.6842) / sqrt(94.1771) = -0.0997909
# (mpmath): an Adam step divides two vectors entry by entry.
@pytest.mark.parametrize("printed, verdict", [("(-0.0998, -0.0998)", "rounded"), ("(-0.0998, -0.0989)", "wrong")])
def test_a_vector_divided_by_a_vector_entry_by_entry(printed, verdict):
    doc = ("Take $\\alpha = 0.1$, $\\hat{m}_2 = (-21.9649, -9.6842)$ and $\\hat{v}_2 = (484.4298, 94.1771)$.\n"
           f"The step is $\\alpha \\hat{{m}}_2 / \\sqrt{{\\hat{{v}}_2}} \\approx {printed}$.\n")
    assert only(verdicts(doc), 2, "vector").verdict == verdict


# x = (2, -1, 0.5, 3.5): RMS = sqrt(17.5/4) = 2.09165...; y = gamma (.) x / RMS: with gamma = (1, .5, 2, 1)
# (0.95618, -0.23905, 0.47809, 1.67332), with gamma = (1, 1, 1, 1) (0.95618, -0.47809, 0.23905, 1.67332).
@pytest.mark.parametrize("after, verdict", [("(0.9562, -0.4781, 0.2390, 1.6733)", "rounded"),
                                            ("(0.9562, -0.2390, 0.4781, 1.6733)", "wrong")])
def test_a_value_changed_on_purpose_makes_the_old_one_out_of_date(after, verdict):
    doc = ("Take $x = (2.0, -1.0, 0.5, 3.5)$ and $\\gamma = (1.0, 0.5, 2.0, 1.0)$. Then\n"
           "$\\mathrm{RMS}(x) = \\sqrt{\\frac{1}{4}\\sum_i x_i^2} \\approx 2.0917$ and\n"
           "$y = \\gamma \\odot x / \\mathrm{RMS}(x) \\approx (0.9562, -0.2390, 0.4781, 1.6733)$.\n\n"
           "Now switch the scale off, $\\gamma = (1, 1, 1, 1)$:\n"
           f"$y = \\gamma \\odot x / \\mathrm{{RMS}}(x) \\approx {after}$.\n")
    found = verdicts(doc)
    assert only(found, 5, "definition").verdict == "given"
    y = only(found, 6, "vector")
    assert y.verdict == verdict
    if verdict == "wrong":
        assert "gamma of line 1" in y.diagnosis


# softmax(1, 0) = (e/(e + 1), 1/(e + 1)) = (0.7310586, 0.2689414) (mpmath).
@pytest.mark.parametrize("printed, verdict", [("(0.7311, 0.2689)", "rounded"), ("(0.7311, 0.2698)", "wrong")])
def test_softmax_of_a_list_of_numbers(printed, verdict):
    assert only(verdicts(f"$\\mathrm{{softmax}}(1, 0) \\approx {printed}$\n"), 1).verdict == verdict


def test_epsilon_outside_the_root_is_named():
    # 0.02 / (sqrt(0.0002) + 1e-5) = 1.4132142 while 0.02 / sqrt(0.0002 + 1e-5) = 1.3801311 (mpmath)
    doc = ("For $x = (0.10, 0.12, 0.08, 0.10)$ with $\\mu = 0.1$, $s = 0.0002$ and $\\epsilon = 10^{-5}$:\n"
           "$\\hat{x} = \\frac{x - \\mu}{\\sqrt{s + \\epsilon}} \\approx (0.0000, 1.4132, -1.4132, 0.0000)$.\n")
    f = only(verdicts(doc), 2, "vector")
    assert f.verdict == "wrong" and "epsilon is added outside the square root" in f.diagnosis


# softmax(1.5, 0.5, -1) = (0.68967, 0.25372, 0.05661); softmax(2, 0.5, -1) = (0.78559, 0.17529, 0.03911)
# (mpmath); y = (1, 0, 0).
@pytest.mark.parametrize("gradient, verdict", [("(-0.2144, 0.1753, 0.0391)", "ok"),   # exact from printed p
                                               ("(-0.3103, 0.2537, 0.0566)", "wrong")])
def test_values_that_follow_from_a_change_change_too(gradient, verdict):
    doc = ("With $z = (1.5, 0.5, -1.0)$ we get $p \\approx (0.6897, 0.2537, 0.0566)$ and $y = (1, 0, 0)$.\n\n"
           "Suppose a step raises the first logit, so that now $z = (2.0, 0.5, -1.0)$. Then\n"
           "$p \\approx (0.7856, 0.1753, 0.0391)$, and the new gradient is\n"
           f"$p - y \\approx {gradient}$.\n")
    found = verdicts(doc)
    assert only(found, 4, "definition").verdict == "given"
    assert only(found, 5, "vector").verdict == verdict


# ------------------------------------------------------------------ a cut value: a convention or a slip

# sigma(0.3925) = 0.59688437..., sigma(1.1059) = 0.75136..., sigma(2) = 0.88079707... (mpmath):
# cutting gives 0.5968, 0.7513, 0.8807; rounding gives 0.5969, 0.7514, 0.8808.
@pytest.mark.parametrize("second, verdict", [("0.7514", "wrong"), ("0.7513", "truncated")])
def test_a_cut_value_is_wrong_only_where_the_document_rounds_up(second, verdict):
    sig = lambda z: 1 / (1 + mp.e ** -mp.mpf(z))  # noqa: E731
    assert (mp.nstr(sig("0.3925"), 8), mp.nstr(sig("1.1059"), 5)) == ("0.59688438", "0.75136")
    doc = ("$$ \\sigma(0.3925) = 0.5968 $$\n\n"
           f"$$ \\sigma(1.1059) = {second} $$\n\n")
    f = only(verdicts(doc), 1, "scalar")
    assert f.verdict == verdict
    if verdict == "wrong":
        assert "cut toward zero" in f.diagnosis and "line 3 rounds up" in f.diagnosis
        assert f.wrong_entries == [{"row": 1, "col": 1, "printed": "0.5968", "expected": "0.5969"}]


def test_a_rounding_down_is_no_evidence_either_way():
    # sigma(0) = 0.5 exactly and 0.3 + 0.2 = 0.5: nothing rounded up, so the cut 0.8807 is a truncation
    assert mp.nstr(1 / (1 + mp.e ** -2), 8) == "0.88079708"
    doc = "$$ \\sigma(2) = 0.8807 $$\n\n$$ 0.3 + 0.2 = 0.5 $$\n\n$$ \\sigma(0) = 0.5 $$\n"
    assert only(verdicts(doc), 1, "scalar").verdict == "truncated"


def test_a_cut_of_the_exact_value_is_a_rounding_of_the_working_from_the_printed_one():
    # y = sigma(1.1) = 0.75026010... printed 0.7503 (mpmath); y (1 - y) exact 0.18736987... cuts to
    # 0.1873, while from the printed y 0.7503 * 0.2497 = 0.18734991 rounds to it: the author's working,
    # a rounding; the document rounds 0.9309 (sigma(2.6) = 0.93086157...) up, so a cut would be wrong
    y = 1 / (1 + mp.e ** mp.mpf("-1.1"))
    assert (mp.nstr(y, 8), mp.nstr(y * (1 - y), 8)) == ("0.75026011", "0.18736988")
    doc = "$$ y = \\sigma(1.1) = 0.7503 $$\n\n$$ y (1 - y) = 0.1873 $$\n\n$$ \\sigma(2.6) = 0.9309 $$\n"
    f = only(verdicts(doc), 3, "scalar")
    assert (f.verdict, f.basis) == ("rounded", "printed-inputs"), f.message


# ------------------------------------------------------------------ roundings in working

def test_a_number_written_where_the_member_before_has_a_computation_is_its_rounding():
    # log(1.4) = 0.33647224 (mpmath): 0.7 log(1.4) = 0.7 * 0.336 holds to the rounding of 0.336;
    # 0.346 is no rounding of log(1.4)
    assert mp.nstr(mp.log(mp.mpf("1.4")), 3) == "0.336"
    doc = "$$ 0.7 \\log(1.4) = 0.7 \\times {v} = 0.235 $$\n"
    assert "wrong" not in [str(f.verdict) for f in verdicts(doc.replace("{v}", "0.336"))[1]]
    assert "wrong" in [str(f.verdict) for f in verdicts(doc.replace("{v}", "0.346"))[1]]


def test_a_product_of_printed_roundings_is_judged_within_their_rounding():
    # A printed to 3 decimals; O = A V: row 3 from the printed A is 0.248 + 0.503 = 0.751, but A's
    # entries are roundings, so 0.752 is within them (0.2475 + 0.5025 ... 0.2485 + 0.5035); 0.754 is not
    doc = ("$$ A \\approx \\begin{bmatrix} 0.401 & 0.198 \\\\ 0.248 & 0.503 \\end{bmatrix} $$\n\n"
           "$$ O = \\begin{bmatrix} 0.401 & 0.198 \\\\ 0.248 & 0.503 \\end{bmatrix} "
           "\\begin{bmatrix} 1 \\\\ 1 \\end{bmatrix} $$\n\n$$ O \\approx \\begin{bmatrix} 0.599 \\\\ {v} \\end{bmatrix} $$\n")
    assert only(verdicts(doc.replace("{v}", "0.752")), 5).verdict == "rounded"
    assert only(verdicts(doc.replace("{v}", "0.754")), 5).verdict == "wrong"
