"""One hypothesis per printed result: exact inputs, printed inputs, or (only when
neither explains most entries) a rigorous enclosure of the inputs' rounding.

Every expected value is from mpmath at 50 digits (the numbers are in the
comments), never from derive.
"""

import textwrap

import pytest

from derive.check.pipeline import check_text


def claims_on(doc: str, line: int):
    return [c for c in check_text(textwrap.dedent(doc), "doc.md").findings if c.line == line]


def only(doc: str, line: int):
    (c,) = [c for c in claims_on(doc, line) if c.kind != "definition"]
    return c


# softmax(0.1234, 0.5678, -0.25) = (0.307887081381, 0.480166585521, 0.211946333098):
# printed to 8 decimals from inputs printed to 4, the printed inputs reproduce every digit
SOFTMAX_8 = """\
    Take $x = (0.1234, 0.5678, -0.25)$.

    $$ \\mathrm{softmax}(x) = (0.30788708, %s, 0.21194633) $$
"""


def test_eight_decimals_from_four_decimal_inputs_are_held_to_eight():
    c = only(SOFTMAX_8 % "0.48016659", 3)
    assert (c.verdict, c.basis) == ("rounded", "exact")


# (0.48016658 cuts 0.4801665855: a truncation, not a mistake)
@pytest.mark.parametrize("changed", ["0.48016654", "0.48016649", "0.48016669"])
def test_a_changed_eighth_decimal_is_wrong_not_within_the_inputs_rounding(changed):
    c = only(SOFTMAX_8 % changed, 3)
    assert c.verdict == "wrong"
    assert c.wrong_entries == [{"row": 1, "col": 2, "printed": changed, "expected": "0.48016659"}]


# 2 (0.4156, 0.27075) = (0.8312, 0.5415): the 0.8 printed beside 0.5415 is 0.8000, not 0.8 +- 0.05
def test_an_entry_printed_short_has_the_precision_of_its_grid():
    c = only("$$ 2 \\times (0.4156, 0.27075) = (0.8, 0.5415) $$\n", 1)
    assert c.verdict == "wrong" and c.wrong_entries[0]["expected"] == "0.8312"


# -ln 0.8 = 0.2231435513
@pytest.mark.parametrize("printed, verdict", [("0.2231", "rounded"), ("0.228", "wrong"), ("0.223", "rounded")])
def test_a_line_restating_the_label_is_a_claim_about_it(printed, verdict):
    doc = f"$$\nc = -\\log(0.8) \\\\\nc \\approx {printed}\n$$\n"
    c = only(doc, 3)
    assert (c.label, c.verdict) == ("c", verdict)


def test_prose_never_makes_a_wrong_number_ok():
    # x = 2, so x^2 = 4 (by hand); "instead" announces nothing about x^2
    c = only("Let $x = 2$. Instead, $x^2 = 5$.\n", 1)
    assert c.verdict == "wrong"
    # a supposition may lower the verdict, never raise it
    assert only("Let $x = 2$. If $x^2 = 5$ we would be lost.\n", 1).verdict == "unverifiable"


# The author had x to more digits than printed: 1.2 x = (0.1481481408, 1.0518518568, 0.4) while
# the printed x give (0.148148136, 1.051851852, 0.399999996); 1.2 (+-5e-9) moves each by at most
# 6e-9, an enclosure 1.2 units wide at 8 decimals.
NARROW = """\
    The weights are about $x \\approx (0.12345678, 0.87654321, 0.33333333)$.

    $$ 1.2 x \\approx (0.14814814, %s, 0.40000000) $$
"""


def test_an_entry_within_a_narrow_enclosure_is_a_rounding():
    c = only(NARROW % "1.05185186", 3)
    assert (c.verdict, c.basis) == ("rounded", "enclosure")


def test_a_wider_miss_is_never_excused_by_the_enclosure():
    c = only(NARROW % "1.05185191", 3)
    assert c.verdict == "wrong" and [e["col"] for e in c.wrong_entries] == [2]


def test_the_basis_of_each_verdict_is_in_the_json():
    doc = "Take $a = 0.5$ and $b = 0.25$.\n\n$$ a + b = 0.75 $$\n\n$$ \\sqrt{2} \\approx 1.4142 $$\n"
    found = {c.line: c.as_json() for c in check_text(doc).findings if c.kind != "definition"}
    assert (found[3]["verdict"], found[3]["basis"]) == ("ok", "exact")
    assert (found[5]["verdict"], found[5]["basis"]) == ("rounded", "exact")


def test_a_claim_records_where_its_numbers_are():
    doc = "$$ \\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix} + 1 = \\begin{pmatrix} 2 & 3 \\\\ 4 & 5 \\end{pmatrix} $$\n"
    (c,) = [c for c in check_text(doc).findings if c.kind == "matrix"]
    assert [doc[a:b] for a, b in c.spans] == ["2", "3", "4", "5"]
    assert all(a > doc.index("=") for a, _ in c.spans)
