"""Patterns met in documents written by others (kept outside the repository),
restated here in our own words; each once gave a false verdict.

Values by hand or with mpmath at 50 digits (in the comments).
"""

import mpmath as mp

from derive.check.pipeline import check_text
from derive.check.run import float_noise
from derive.numbers import parse_decimal


def verdicts(doc: str, line: int) -> list[str]:
    """The verdicts of the numbers claimed on a line (derivative formulas are judged apart)."""
    return [str(c.verdict) for c in check_text(doc, "doc.md").findings
            if c.line == line and c.kind not in ("definition", "formula")]


def formulas(doc: str, line: int) -> list[tuple[str, str | None]]:
    """(verdict, diagnosis) of the derivative formulas claimed on a line."""
    return [(str(c.verdict), c.diagnosis) for c in check_text(doc, "doc.md").findings
            if c.line == line and c.kind == "formula"]


def test_a_sum_from_zero_counts_the_entries_from_zero():
    # 1*4 + 2*5 + 3*6 = 32 by hand, however the sum is written
    doc = "$v = (1, 2, 3)$ and $w = (4, 5, 6)$.\n\n" + "\n\n".join(
        f"$$ {s} = 32 $$" for s in (r"\sum_{i=0}^{2} v_i w_i", r"\sum_{i=1}^{3} v_i w_i", r"\sum_{i=0}^{2} v[i] w[i]"))
    assert [verdicts(doc, line) for line in (3, 5, 7)] == [["ok"], ["ok"], ["ok"]]


def test_working_is_not_judged_by_another_example_s_value():
    # example one: q.k = 1 - 1 = 0; example two, under its own heading: 2 - 3 = -1
    doc = ("# One\n\n$$ q \\cdot k = (1 \\times 1) + (-1 \\times 1) = 0 $$\n\n"
           "# Two\n\n$$ q \\cdot k = (2 \\times 1) + (-1 \\times 3) = 2 - 3 = -1 $$\n")
    assert "wrong" not in verdicts(doc, 7)


def test_a_slip_in_the_working_does_not_convict_the_right_result():
    # net = 0.4 * 0.593269992 + 0.45 * 0.596884378 + 0.6 = 1.1059059669, printed 1.105905967;
    # sigma(net) = 0.7513650695; the working copies net as 1.1059059067 (sigma: 0.751365058276)
    doc = ("$$ net = 0.4 \\times 0.593269992 + 0.45 \\times 0.596884378 + 0.6 = 1.105905967 $$\n\n"
           "$$\n\\begin{aligned}\nout &= \\frac{1}{1 + e^{-net}} \\\\\n"
           "&= \\frac{1}{1 + e^{-1.1059059067}} \\\\\n&= 0.75136507\n\\end{aligned}\n$$\n")
    assert verdicts(doc, 6) == ["wrong"]              # the slip itself
    assert verdicts(doc, 7) == ["rounded"]            # the result, a rounding of sigma(net)


def test_a_label_resting_on_a_number_given_rounded_does_not_overrule_the_working():
    # d = 0.0553994 (given) + e (given, 7 digits: a rounding); the working restates e with
    # other digits, 0.0553994 - 0.0190491 = 0.0363503 exactly, and that is what is printed
    doc = ("$a = 0.0553994$ and $e = -0.0190419$.\n\n"
           "$$\n\\begin{aligned}\nd &= a + e \\\\\n&= 0.0553994 - 0.0190491 \\\\\n&= 0.0363503\n"
           "\\end{aligned}\n$$\n")
    assert verdicts(doc, 7) == ["ok"]


def test_a_value_in_other_units_is_unverifiable_not_wrong():
    # 8 * 300e9 * 175e9 / (1024 * 312e12 * 0.45) = 2921340.8 s = 33.8 days
    doc = ("$$ T = \\frac{8 \\times 300 \\times 10^9 \\times 175 \\times 10^9}{1024 \\times 312 \\times 10^{12} "
           "\\times 0.45} \\approx 34\\,\\text{days} $$\n")
    (c,) = [c for c in check_text(doc).findings if c.kind == "scalar"]
    assert (c.verdict, c.note) == ("unverifiable", "unit")
    # a unit that only labels the value keeps the check: -ln 0.7 = 0.356675
    assert verdicts("$$ L = -\\ln 0.7 \\approx 0.367 \\text{ nats} $$\n", 1) == ["wrong"]
    # and so does a value too close to the one computed for a change of units: 2 + 2 + 4 = 8
    assert verdicts("$$ 2 + 2 + 4 = 9\\ \\text{bytes per parameter} $$\n", 1) == ["wrong"]


def test_float_noise_between_two_full_prints():
    full = parse_decimal
    assert float_noise(full("-0.05210195320817495"), full("-0.05210195320817488"))     # 7e-17
    assert float_noise(full("1.3877787807814458e-18"), full("6.661338147750939e-17"))  # both 0 to noise
    assert not float_noise(full("-0.0521019532"), full("-0.0521019533"))                # not a full print
    assert not float_noise(full("0.5210195320817495"), full("0.5210195320827495"))      # 1e-12 apart


def test_softmax_of_a_score_is_an_entry_of_the_row_not_softmax_of_one_number():
    # scores (10, 8, 5): e^10 / (e^10 + e^8 + e^5) = 0.87560..., e^8 / (...) = 0.11849...
    # (mpmath, 50 digits); softmax of the single number 10 would be 1
    row = "Scores are $[10, 8, 5]$.\n\n"
    worked = row + "$$ \\text{softmax}(10) = \\frac{e^{10}}{e^{10}+e^{8}+e^{5}} = %s $$\n"
    assert verdicts(worked % "0.876", 3) == ["rounded"]
    assert verdicts(worked % "0.881", 3) == ["wrong"]          # the working still convicts a slip
    bare = row + "Then $\\text{softmax}(8) = 0.118$.\n"
    claims = [c for c in check_text(bare, "doc.md").findings if c.line == 3]
    assert [str(c.verdict) for c in claims] == ["unverifiable"]
    assert "entry" in claims[0].message


def test_a_boxed_result_and_unicode_subscripts_are_read():
    # 3.0 + 0.06 - 0.005 + 0.1 = 3.155 by hand; x₁ is x_1
    doc = "$$ z = 3.0 + 0.06 - 0.005 + 0.1 = \\boxed{3.155} $$\n\n$$ y = x₁ + 1 $$\n\n$$ x₁ = 2 $$\n"
    assert verdicts(doc, 1) == ["ok"]
    assert verdicts("$$ z = 3.0 + 0.06 - 0.005 + 0.1 = \\boxed{3.165} $$\n", 1) == ["wrong"]
    assert verdicts("$$ h = ½ × 0.5580 = 0.279 $$\n", 1) == ["ok"]           # 0.5580 / 2 = 0.279


def test_a_rounded_result_written_into_working_stands_for_its_exact_value():
    # sigma(3.155), printed 0.9591, squared is 0.91988 (mpmath), while the square of the
    # written 0.9591 is 0.91987281: either way a rounding; 0.91983 is neither
    y = 1 / (1 + mp.e ** mp.mpf("-3.155"))
    assert mp.nstr(y, 4) == "0.9591" and mp.nstr(y ** 2, 5) == "0.91988"
    doc = "$$ a = \\sigma(3.155) \\approx 0.9591 $$\n\n$$ L = (0 - 0.9591)^2 = {v} $$\n"
    assert verdicts(doc.replace("{v}", "0.91988"), 3) == ["rounded"]          # from the exact a
    assert verdicts(doc.replace("{v}", "0.91987"), 3) == ["rounded"]          # from the printed 0.9591
    assert verdicts(doc.replace("{v}", "0.91983"), 3) == ["wrong"]


def test_a_result_from_unrounded_inputs_is_unverifiable_not_wrong():
    # the model's output is given rounded (0.9591, nothing computes it): squared it spans
    # 0.9590500^2 .. 0.9591500^2 = 0.919777 .. 0.919969, too wide to vouch for 5 decimals
    doc = "The model outputs $\\hat{y} \\approx 0.9591$.\n\n$$ L = (0 - \\hat{y})^2 = {v} $$\n"
    assert verdicts(doc.replace("{v}", "0.91988"), 3) == ["unverifiable"]
    assert verdicts(doc.replace("{v}", "0.92088"), 3) == ["wrong"]       # outside every rounding


def test_a_descent_step_gives_the_name_its_new_value():
    # w = 0.01 - 0.00001 * 0.453 = 0.00999547 (printed 0.0099955), then
    # w = 0.0099955 - 0.00001 * (-0.4188) = 0.009999688 exactly: the new w, not a claim about the old
    doc = ("$$ w = 0.01 - 0.00001 \\cdot 0.453 = 0.0099955 $$\n\n"
           "$$ w = 0.0099955 - (0.00001 \\cdot -0.4188) = {v} $$\n")
    assert verdicts(doc.replace("{v}", "0.009999688"), 3) == ["ok"]
    assert verdicts(doc.replace("{v}", "0.009999683"), 3) == ["wrong"]


def test_values_mentioned_in_a_sentence_are_no_restatement():
    # a sweep: the patch size takes several values in prose; nothing is computed with them
    doc = ("$$ P = 8 $$\n\n$$ N = (224 / P)^2 = 784 $$\n\n"
           "For coarse tasks $P = 16$ or $P = 32$ is enough.\n")
    assert [str(c.verdict) for c in check_text(doc, "doc.md").findings if c.line == 5] == ["given", "given"]
    assert verdicts(doc, 3) == ["ok"]                                          # 28^2 = 784


def test_plain_lines_starting_with_equals_continue_working_but_not_a_finished_value():
    # 0.40*0.5944 + 0.50*0.5963 = 0.23776 + 0.29815 = 0.53591: 0.5359 is its rounding
    doc = "= (0.40)(0.5944) + (0.50)(0.5963)\n= 0.2378 + 0.2982 = 0.5359\n"
    assert verdicts(doc, 2) == ["rounded", "rounded"]
    # two lines, each the end of a derivation whose label was lost: no claim that 0.5944 = 0.5963
    assert check_text("= 0.5944\n= 0.5963\n", "doc.md").findings == []


def test_a_stated_size_of_a_known_model_is_checked_against_its_paper():
    # Brown et al. 2020, Table 2.1: GPT-3 175B has 96 layers and d_model 12288
    doc = "# Scale\n\nFor a sense of scale, GPT-3 has 175 layers and a width of 12288.\n"
    found = [(str(c.verdict), c.kind, c.expected) for c in check_text(doc, "doc.md").findings if c.line == 3]
    assert ("wrong", "fact", "96") in found
    assert any(v == "ok" and k == "fact" for v, k, _ in found)


def test_a_formula_written_again_with_numbers_gives_its_names_values():
    # (t - o)^2 = (0.01 - 0.7514)^2 names t = 0.01 and o = 0.7514; then
    # -2(t - o) = -2(0.01 - 0.7514) = 1.4828: a printed -1.4828 has its sign flipped
    doc = ("$$ L = (t - o)^2 = (0.01 - 0.7514)^2 = 0.5497 $$\n\n"
           "$$ \\frac{\\partial L}{\\partial o} = -2(t - o) = {v} $$\n")
    assert verdicts(doc.replace("{v}", "1.4828"), 3) == ["ok"]
    assert verdicts(doc.replace("{v}", "-1.4828"), 3) == ["wrong"]
    # a product of two names is not matched: 0.05 x 0.15 may be w_1 i_1 written as i_1 w_1
    swapped = "$$ h = w i + b = 0.05 \\times 0.15 + 0.35 = 0.3575 $$\n\n$$ g = 2 w = 0.3 $$\n"
    assert [str(c.verdict) for c in check_text(swapped, "doc.md").findings if c.line == 3] in ([], ["unverifiable"])
    # ... unless one of the two names has a value that is one of the numbers: then w = 0.4
    known = "$$ o = 0.5933 $$\n\n$$ z = w o + b = 0.4 \\times 0.5933 + 0.6 = 0.8373 $$\n\n$$ g = 2 w = {v} $$\n"
    assert verdicts(known.replace("{v}", "0.8"), 5) == ["ok"]
    assert verdicts(known.replace("{v}", "0.9"), 5) == ["wrong"]


def test_a_product_is_matched_by_the_number_printed_for_a_name_even_when_it_is_wrong():
    # o = 0.1 + 0.2 printed 0.35 (wrong: 0.3); the author puts the printed 0.35 in for o,
    # so 0.4 is w; then 2 w = 0.8 by hand
    doc = "$$ o = 0.1 + 0.2 = 0.35 $$\n\n$$ z = w o = 0.4 \\times 0.35 = 0.14 $$\n\n$$ g = 2 w = {v} $$\n"
    assert verdicts(doc.replace("{v}", "0.8"), 5) == ["ok"]
    assert verdicts(doc.replace("{v}", "0.9"), 5) == ["wrong"]


def test_an_array_of_derivation_columns_is_read_like_aligned():
    # 0.05*0.15 + 0.35 = 0.3575 by hand; 2 + 2 = 4, not 5
    doc = ("$$\n\\begin{array}{llll}\na &= 0.05\\times 0.15 + 0.35 &= 0.3575\\\\\n"
           "b &= 2 + 2 &= 5\n\\end{array}\n$$\n")
    assert verdicts(doc, 3) == ["ok"] and verdicts(doc, 4) == ["wrong"]


def test_a_number_put_in_for_a_name_is_a_claim_about_its_value():
    # y = 0.7491 (given); y(1 - y) = 0.7391(1 - 0.7391) puts in 0.7391 for y: wrong; the
    # result 0.1928 is right arithmetic (0.7391 * 0.2609 = 0.19283) but wrong for g = y(1 - y)
    # = 0.18794919 (by hand): it carries the slip
    doc = ("$$ y = 0.7491 $$\n\n$$\n\\begin{aligned}\ng &= y(1 - y) \\\\\n&= {v}(1 - {v}) \\\\\n&= {r}\n"
           "\\end{aligned}\n$$\n")
    bad = doc.replace("{v}", "0.7391").replace("{r}", "0.1928")
    assert "wrong" in verdicts(bad, 6)
    (carried,) = [c for c in check_text(bad, "doc.md").findings if c.line == 7]
    assert carried.verdict == "wrong" and carried.expected == "0.1879"
    assert "follows 0.7391*(1 - 0.7391), which puts in 0.7391 for y" in carried.diagnosis
    good = doc.replace("{v}", "0.7491").replace("{r}", "0.1879")           # 0.7491 * 0.2509 = 0.18794919
    assert "wrong" not in verdicts(good, 6) + verdicts(good, 7)


def test_the_number_the_document_printed_for_a_name_is_judged_once():
    # y = 0.2 printed as 0.21 (wrong: 0.1 + 0.1 = 0.2); putting the same 0.21 in for y further
    # down repeats the document's value, it is no new claim: only line 1 is wrong
    doc = "$$ y = 0.1 + 0.1 = 0.21 $$\n\n$$ L = (1 - y)^2 = (1 - 0.21)^2 = 0.6241 $$\n"
    assert verdicts(doc, 1) == ["wrong"]
    assert "wrong" not in verdicts(doc, 3)                           # 0.79^2 = 0.6241 by hand
    # another number put in for y is still a claim about y
    assert "wrong" in verdicts(doc.replace("(1 - 0.21)^2 = 0.6241", "(1 - 0.12)^2 = 0.7744"), 3)


def test_a_name_with_a_number_for_its_value_before_a_parenthesis_is_a_factor():
    # o = 0.75: o(1 - o) = 0.75 * 0.25 = 0.1875 by hand; sigma(1 - o) stays the sigmoid
    doc = "$$ o = 0.75 $$\n\n$$ d = o(1 - o) = {v} $$\n"
    assert verdicts(doc.replace("{v}", "0.1875"), 3) == ["ok"]
    assert verdicts(doc.replace("{v}", "0.1975"), 3) == ["wrong"]
    sig = "$$ o = 0.75 $$\n\n$$ s = \\sigma(1 - o) = 0.5622 $$\n"      # 1/(1 + e^-0.25) = 0.562177
    assert verdicts(sig, 3) == ["rounded"]


def test_a_partial_over_a_plain_name_is_still_the_derivative():
    # L = 3 w^2 at w = 2: dL/dw = 6 w = 12 by hand; the second partial is forgotten
    doc = "Take $w = 2$.\n\n$$ L = 3 w^2 $$\n\n$$ \\frac{\\partial L}{w} = {v} $$\n"
    (found,) = [c for c in check_text(doc.replace("{v}", "12.5"), "doc.md").findings if c.line == 5]
    assert found.verdict == "wrong" and found.label == "dL/dw" and "is 12.0, not 12.5" in found.message
    assert "wrong" not in verdicts(doc.replace("{v}", "12.0"), 5)


def test_a_result_computed_from_a_wrong_value_carries_the_slip():
    # a = 0.5 + 0.25 = 0.75 (printed 0.85: wrong); b = 2a from the printed a is 1.7, from the
    # right a 1.5: b carries the slip; c = a + 1 = 1.75 is right with the right a
    doc = "$$ a = 0.5 + 0.25 = 0.85 $$\n\n$$ b = 2 a = 1.7 $$\n\n$$ c = a + 1 = 1.75 $$\n"
    found = {c.line: c for c in check_text(doc, "doc.md").findings}
    assert found[1].verdict == "wrong"
    assert (found[3].verdict, found[3].expected, found[3].note) == ("wrong", "1.5", "carried")
    assert "carried from line 1" in found[3].diagnosis
    assert found[5].verdict == "ok"
    # with a right, nothing is carried
    right = "$$ a = 0.5 + 0.25 = 0.75 $$\n\n$$ b = 2 a = 1.5 $$\n\n$$ c = a + 1 = 1.75 $$\n"
    fine = {c.line: c.verdict for c in check_text(right, "doc.md").findings}
    assert fine == {1: "ok", 3: "ok", 5: "ok"}


def test_a_bare_equation_environment_in_markdown_is_math():
    # MathJax renders \begin{equation} outside dollars; 0.5 * 0.4 = 0.2 by hand
    doc = "Then\n\n\\begin{equation}\n  z = 0.5 \\times 0.4 \\\\\n  = {v}\n\\end{equation}\n"
    assert verdicts(doc.replace("{v}", "0.2"), 5) == ["ok"]
    assert verdicts(doc.replace("{v}", "0.3"), 5) == ["wrong"]


def test_softmax_of_a_score_beside_its_row_is_judged_as_that_entry():
    # softmax(10, 8, 2) = (0.880537, 0.119168, 0.000295) by mpmath
    e = [mp.e ** x for x in (10, 8, 2)]
    assert [mp.nstr(v / sum(e), 4) for v in e][:2] == ["0.8805", "0.1192"]
    doc = "$$ z = (10, 8, 2) $$\n\n$$ \\text{softmax}(8) \\approx {v} $$\n"
    assert verdicts(doc.replace("{v}", "0.1192"), 3) == ["rounded"]
    assert verdicts(doc.replace("{v}", "0.1292"), 3) == ["wrong"]
    # a score held twice in the row is ambiguous: not judged
    twice = "$$ z = (8, 8, 2) $$\n\n$$ \\text{softmax}(8) \\approx 0.4 $$\n"
    assert verdicts(twice, 3) == ["unverifiable"]


def test_a_derivative_is_checked_through_the_documents_own_formulas():
    # L = (t - o)^2 with t = 0.99, o = 0.7555: dL/do = -2(t - o) = -0.469 by hand;
    # a printed +0.4690 (the formula's sign flipped) is wrong from first principles,
    # though 2(t - o) = 0.4690 is right arithmetic
    doc = ("$$ L = (t - o)^2 = (0.99 - 0.7555)^2 = 0.0550 $$\n\n"
           "$$ \\frac{\\partial L}{\\partial o} = {f} = {v} $$\n")
    assert verdicts(doc.replace("{f}", "-2(t - o)").replace("{v}", "-0.4690"), 3) == ["ok"]
    bad = [c for c in check_text(doc.replace("{f}", "2(t - o)").replace("{v}", "0.4690"), "doc.md").findings
           if c.line == 3 and c.kind != "formula"]
    assert [str(c.verdict) for c in bad] == ["wrong"] and "first principles" in bad[0].message
    # the formulas themselves, as formulas: d/do (t - o)^2 = -2(t - o) by hand; 2(t - o) has the sign flipped
    assert formulas(doc.replace("{f}", "-2(t - o)").replace("{v}", "-0.4690"), 3) == [("ok", None)]
    assert formulas(doc.replace("{f}", "2(t - o)").replace("{v}", "0.4690"), 3) == [("wrong", "by o, the sign is wrong")]
    # o given through tanh: the derivative of tanh(u) is 1 - tanh(u)^2 = 0.419974... at u = 1
    chain = ("$$ u = 1 $$\n\n$$ o = \\tanh(u) \\approx 0.7616 $$\n\n"
             "$$ \\frac{\\partial o}{\\partial u} = 1 - o^2 = {v} $$\n")
    assert mp.nstr(1 - mp.tanh(1) ** 2, 4) == "0.42"
    assert verdicts(chain.replace("{v}", "0.4200"), 5) == ["rounded"]
    assert verdicts(chain.replace("{v}", "1.5800"), 5) == ["wrong"]        # 1 + o^2: the sign


def test_a_rounded_input_derive_computes_stands_for_its_value_carried_to_any_digits():
    # y_hat = sigma(1.1059) = 0.7513650... (mpmath), printed 0.7514; E = (0.01 - y_hat)^2 / 2
    # is 0.274811 from the exact y_hat and 0.274838 from 0.7514: 0.2748 either way, and no
    # rounding of y_hat to more digits gives 0.2749 (that needs y_hat >= 0.751427)
    y = 1 / (1 + mp.e ** mp.mpf("-1.1059"))
    assert mp.nstr(y, 4) == "0.7514" and mp.nstr((mp.mpf("0.01") - y) ** 2 / 2, 4) == "0.2748"
    doc = ("$$ \\hat{y} = \\sigma(1.1059) \\approx 0.7514 $$\n\n"
           "$$ E = \\frac{1}{2}(y - \\hat{y})^2 = \\frac{1}{2}(0.01 - 0.7514)^2 \\approx {v} $$\n")
    assert verdicts(doc.replace("{v}", "0.2748"), 3)[-1] == "rounded"
    assert verdicts(doc.replace("{v}", "0.2749"), 3)[-1] == "wrong"


# sigma(1) = 0.7310585786 (mpmath): 0.7311; y(1 - y) = 0.19661193 -> 0.1966
ANSWER_FIRST = """## Answer

$$ y = 0.7311,\\quad d = {d} $$

## Working

$$ y = \\frac{{1}}{{1 + e^{{-1}}}} = 0.7311 $$

$$ d = y(1 - y) = 0.1966 $$
"""


def test_an_answer_stated_before_its_working_is_judged_against_it():
    assert mp.nstr(1 / (1 + mp.e ** -1), 4) == "0.7311"
    found = {(c.line, c.label): c for c in check_text(ANSWER_FIRST.format(d="0.1966"), "doc.md").findings}
    assert str(found[(3, "y")].verdict) == str(found[(3, "d")].verdict) == "rounded"
    assert "stated ahead of the working on line 9" in found[(3, "d")].message
    bad = {(c.line, c.label): c for c in check_text(ANSWER_FIRST.format(d="0.1976"), "doc.md").findings}
    assert (str(bad[(3, "d")].verdict), bad[(3, "d")].expected) == ("wrong", "0.1966")


def test_an_input_used_before_it_is_updated_stays_given():
    # w = 0.5 is used by g before the update w = 0.5 - 0.1 * 1 = 0.4 computes it afresh
    doc = "Take $w = 0.5$.\n\n$$ g = 2 w = 1 $$\n\n$$ w = 0.5 - 0.1 \\cdot 1 = 0.4 $$\n"
    (first,) = [c for c in check_text(doc, "doc.md").findings if c.line == 1]
    assert str(first.verdict) == "given"


def test_a_definition_derive_cannot_read_puts_the_old_one_out_of_date():
    # f is ReLU first, then a leaky ReLU written with cases (not read): f(-5) = -0.05 with alpha = 0.01
    # must not be judged with the old f (which gives 0); before the new definition the old one holds
    doc = ("$$ f(x) = \\max(0, x) $$\n\n$$ f(-2) = 0 $$\n\n$$\nf(x) =\n\\begin{cases}\nx & x \\geq 0 \\\\\n"
           "\\alpha x & x < 0\n\\end{cases}\n$$\n\nWith $\\alpha = 0.01$: $$ f(-5) = -0.05 $$\n")
    found = {c.line: c for c in check_text(doc, "doc.md").findings if c.label and c.label.startswith("f(")}
    assert str(found[3].verdict) == "ok"
    assert str(found[13].verdict) == "unverifiable" and "cannot read" in found[13].message


def test_a_wrong_result_written_into_a_later_working_carries_its_slip():
    # y = sigma(0.9) = 0.7109495 -> 0.7109 (mpmath); (0 - 0.7109)(0.7109)(1 - 0.7109) = -0.14610524 by
    # hand, printed -0.1462 (wrong); 0.25 * 0.1462 = 0.03655 from the printed slip, 0.25 * 0.14610524
    # = 0.03652631 -> 0.03653 with the right value
    assert mp.nstr(1 / (1 + mp.e ** mp.mpf("-0.9")), 4) == "0.7109"
    doc = ("$$ y = \\frac{1}{1 + e^{-0.9}} = 0.7109 $$\n\n$$ d = (0 - 0.7109)(0.7109)(1 - 0.7109) = -0.1462 $$\n\n"
           "Take $\\eta = 0.25$.\n\n$$ g = 0.25(-0.1462)(-1) = 0.03655 $$\n")
    found = {c.line: c for c in check_text(doc, "doc.md").findings if c.kind == "scalar"}
    assert str(found[3].verdict) == "wrong"
    assert (str(found[7].verdict), found[7].expected, found[7].note) == ("wrong", "0.03653", "carried")
    assert "carried from line 3" in found[7].diagnosis


def test_a_working_with_a_number_found_nowhere_else_is_no_source_of_slips():
    # 1/(1 + e^-0.3875) = 0.59568 (mpmath), printed 0.5969: wrong as written, but 0.3875 is printed
    # nowhere else (a typo in the working?): the 0.5969 put in further down is not convicted for it
    assert mp.nstr(1 / (1 + mp.e ** mp.mpf("-0.3875")), 4) == "0.5957"
    doc = "$$ o = \\frac{1}{1 + e^{-0.3875}} = 0.5969 $$\n\n$$ s = 2 \\times 0.5969 = 1.1938 $$\n"
    found = {c.line: str(c.verdict) for c in check_text(doc, "doc.md").findings if c.kind == "scalar"}
    assert found == {1: "wrong", 3: "ok"}


def test_a_function_defined_entry_by_entry_shadows_a_built_in_of_another_meaning():
    # sigma written for softmax: sigma(z)_i = e^{z_i} / sum_j e^{z_j} is not the built-in sigmoid, so
    # sigma(z) = softmax values is not judged as sigmoid; softmax written out the same way stays softmax
    # (softmax(2, 1, 0.1) = (0.659, 0.242, 0.099) by mpmath)
    mine = ("$$ \\sigma(z)_i = \\frac{e^{z_i}}{\\sum_j e^{z_j}} $$\n\n$$ z = (2, 1, 0.1) $$\n\n"
            "$$ \\sigma(z) = (0.659, 0.242, 0.099) $$\n")
    assert verdicts(mine, 5) == ["unverifiable"]
    same = mine.replace("\\sigma", "\\mathrm{softmax}")
    assert verdicts(same, 5) == ["rounded"]
    assert verdicts(same.replace("0.242", "0.252"), 5) == ["wrong"]


def test_a_sum_without_its_index_written_sums_over_the_subscript_of_its_body():
    # sum e^{x_j} over x = (0, 1) is 1 + e = 3.71828 (mpmath)
    doc = "$$ x = (0, 1) $$\n\n$$ s = \\sum e^{x_j} = {v} $$\n"
    e = mp.e
    assert mp.nstr(1 + e, 4) == "3.718"
    assert verdicts(doc.replace("{v}", "3.718"), 3) == ["rounded"]
    assert verdicts(doc.replace("{v}", "3.818"), 3) == ["wrong"]


def test_a_name_given_again_with_another_shape_is_another_thing_even_with_code_below():
    # P is a 2-vector first, then [1, 0, 0] in a new problem: a value given, whatever the code gives later
    doc = ("$$ P = (0.5, 0.5) $$\n\n$$ H = 1 $$\n\nGiven $P = [1, 0, 0]$.\n\n```python\nP = [0.2, 0.8]\n```\n")
    (p,) = [c for c in check_text(doc, "doc.md").findings if c.line == 5]
    assert str(p.verdict) == "given"


def test_a_cut_entry_beside_one_rounded_up_and_its_copy_under_another_name_are_wrong():
    # e^-1.9 = 0.14956862 (mpmath) cut to 0.149 beside e^-1 = 0.36787944 rounded up to 0.368: the row
    # rounds, so 0.149 is wrong; y = the same numbers restated under a new name carries the slip
    assert mp.nstr(mp.e ** mp.mpf("-1.9"), 3) == "0.15"
    doc = ("$$ \\exp = [e^{-1.9}, e^0, e^{-1.0}] \\approx [0.149, 1.0, 0.368] $$\n\n"
           "$$ y = [0.149, 1.0, 0.368] $$\n")
    found = {c.line: c for c in check_text(doc, "doc.md").findings}
    assert str(found[1].verdict) == "wrong" and "cut toward zero" in found[1].diagnosis
    assert str(found[3].verdict) == "wrong" and found[3].note == "carried" and "line 1" in found[3].message


def test_markdown_escaped_brackets_and_underscores_read_as_their_characters():
    # text pasted from a rendered page keeps Markdown's escapes: \[1, 0] is [1, 0], W\_Q is W_Q;
    # [1, 0].[0, 1] = 0 by hand, and 2 * 3 = 6
    doc = "* \\[1, 0] · \\[0, 1] = 1\n* \\[1, 0] · \\[0, 1] = 0\n* W\\_Q = 2, W\\_Q \\* 3 = 6\n"
    assert verdicts(doc, 1) == ["wrong"]
    assert verdicts(doc, 2) == ["ok"]
    assert verdicts(doc, 3) == ["ok"]


def test_an_arrow_from_working_to_numbers_is_a_result():
    # softmax([0, 1]) = [0.2689, 0.7311] (e / (1 + e) = 0.731059 by mpmath)
    assert verdicts("* softmax([0, 1]) → [0.27, 0.73]\n", 1) == ["rounded"]
    assert verdicts("* softmax([0, 1]) -> [0.25, 0.75]\n", 1) == ["wrong"]
    # not a result: a limit, a change of value, a mapping to words, working after the arrow
    doc = ("With x = 2 we let x → 0.\n\nThe rate goes 0.1 → 0.01.\n\n"
           "Then 2 * 3 → six.\n\nAnd [1, 1] * 2 → [2, 2] + [1, 1] = [3, 3].\n")
    assert verdicts(doc, 1) == [] and verdicts(doc, 3) == [] and verdicts(doc, 5) == []
    assert verdicts(doc, 7) == ["ok"]         # the statement after the arrow: 2 + 1 = 3


def test_a_display_ending_a_line_with_equals_is_not_a_heading():
    # CommonMark, which knows no math, takes ``$$ Y = A`` above a line ``=`` for a heading
    from derive.check.read.markdown import document, scan
    doc = document("# Work\n\n$$\nY = A\n=\n\\begin{bmatrix} 1 + 1 \\end{bmatrix}\n$$\n")
    scan(doc)
    assert [h[2] for h in doc.headings] == ["Work"]


def test_an_unreadable_part_leaves_the_readable_links_after_it_judged():
    # (0.73 + 0.27) / 2 = 0.5 by hand; the first link concatenates with a symbol derive does not read
    doc = ("$$ C = \\begin{bmatrix} \\text{h1} \\| \\text{h2} \\end{bmatrix} = "
           "\\begin{bmatrix} (0.73+0.27)/2 & (0.27+0.73)/2 \\end{bmatrix} = \\begin{bmatrix} 0.50 & 0.55 \\end{bmatrix} $$\n")
    assert "wrong" in verdicts(doc, 1)
    assert "wrong" not in verdicts(doc.replace("0.55", "0.50"), 1)


def test_an_at_sign_in_latex_is_a_matrix_product():
    # [1, 2] @ [[0, 1], [1, 0]] = [2, 1] by hand
    doc = ("$$ \\begin{bmatrix} 1 & 2 \\end{bmatrix} @ \\begin{bmatrix} 0 & 1 \\\\ 1 & 0 \\end{bmatrix} "
           "= \\begin{bmatrix} 2 & 1 \\end{bmatrix} $$\n")
    assert verdicts(doc, 1) == ["ok"]
    assert verdicts(doc.replace("2 & 1 \\end{bmatrix} $$", "1 & 2 \\end{bmatrix} $$"), 1) == ["wrong"]


def test_names_given_one_value_in_a_new_example_are_definitions():
    # d_k = 2 in one example; a later section supposes a model with d_k = d_v = 64 (8 * 64 = 512)
    doc = ("# Toy\n\n$$ d_k = 2 $$\n\n# Shapes\n\n$$ d_k = d_v = 64 $$\n\n$$ 8 \\times d_v = 512 $$\n")
    kinds = {(c.line, c.kind, str(c.verdict)) for c in check_text(doc, "doc.md").findings}
    assert not any(v == "wrong" for _, _, v in kinds)
    assert verdicts(doc, 9) == ["ok"]
    assert verdicts(doc.replace("= 512", "= 520"), 9) == ["wrong"]


def test_a_header_formula_of_one_letter_column_names_side_by_side_is_their_product():
    # 12 l h^2: 12 * 32 * 4096^2 = 6,442,450,944 and 12 * 40 * 5120^2 = 12,582,912,000 by hand
    doc = ("| Width $h$ | Layers $l$ | $12lh^2$ |\n|---|---|---|\n| 4096 | 32 | 6,442,450,944 |\n"
           "| 5120 | 40 | 12,582,912,001 |\n")
    assert verdicts(doc, 3) == ["ok"]
    assert verdicts(doc, 4) == ["wrong"]


def test_a_unit_after_a_number_in_scientific_notation_leaves_the_claim():
    # 6 * 1.746e11 * 3e11 = 3.1428e23 exactly
    doc = "$$ 6 \\times 1.746\\times 10^{11} \\times 3\\times 10^{11} = 3.1428\\times 10^{23}\\,\\text{FLOPs}. $$\n"
    assert verdicts(doc, 1) == ["ok"]
    assert verdicts(doc.replace("3.1428", "3.1528"), 1) == ["wrong"]


def test_a_slip_written_out_again_as_a_vector_carries_into_the_working():
    # e^{-1.9} = 0.1495686 (mpmath) is printed cut to 0.149 in a document that rounds (e^{-1} = 0.3678794
    # printed 0.368); the softmax written with that 0.149 carries the slip: with 0.1495686 the first
    # entry is 0.1495686/1.517 = 0.09860 -> 0.099, not 0.098 (the sum 1.517 itself stays right:
    # 0.1495686 + 1 + 0.3678794 = 1.5174480); written out again in p - y, the gradient
    # [0.098, -0.341, 0.242] carries it too, and so does a summary restating p by name
    doc = ("$$ e = [e^{-1.9}, e^{0}, e^{-1}] = [0.149, 1.0, 0.368] $$\n\n"
           "$$ s = 0.149 + 1.0 + 0.368 = 1.517 $$\n\n"
           "$$ p = [0.149/1.517, 1.0/1.517, 0.368/1.517] = [0.098, 0.659, 0.242] $$\n\n"
           "$$ g = [0.098, 0.659, 0.242] - [0, 1, 0] = [0.098, -0.341, 0.242] $$\n\n"
           "Summary: `p = [0.098, 0.659, 0.242]`\n")
    assert verdicts(doc, 1) == ["wrong"]
    assert verdicts(doc, 5) == ["wrong"]
    assert verdicts(doc, 7) == ["wrong"]
    assert verdicts(doc, 9) == ["wrong"]
    # with e^{-1.9} printed rounded (0.150), nothing is carried: s = 1.518, p = [0.0988, 0.6588, 0.2424]
    # -> [0.099, 0.659, 0.242] by hand
    fixed = ("$$ e = [e^{-1.9}, e^{0}, e^{-1}] = [0.150, 1.0, 0.368] $$\n\n"
             "$$ s = 0.150 + 1.0 + 0.368 = 1.518 $$\n\n"
             "$$ p = [0.150/1.518, 1.0/1.518, 0.368/1.518] = [0.099, 0.659, 0.242] $$\n\n"
             "$$ g = [0.099, 0.659, 0.242] - [0, 1, 0] = [0.099, -0.341, 0.242] $$\n\n"
             "Summary: `p = [0.099, 0.659, 0.242]`\n")
    assert [verdicts(fixed, k) for k in (1, 5, 7, 9)] == [["rounded"], ["rounded"], ["ok"], ["rounded"]]


def test_math_delimiters_escaped_for_markdown_and_a_suffix_on_the_value():
    # exports write \\( ... \\) and d\_{model}; 32000 * 4096 = 131,072,000 = 131.072M, 2 * 4096 = 8192 (not 8M)
    doc = ("- \\\\(d\\_{model}=4096\\\\) and \\\\(n\\_{token}=32000\\\\)\n\n"
           "Embedding: \\\\(n\\_{token}\\times d\\_{model}=131.072M\\\\).\n\n"
           "Norms: \\\\(2\\times d\\_{model}=8M\\\\)\n\n"
           "Attention: \\\\(4\\* d\\_{model}^2=67.1M\\\\)\n")
    assert verdicts(doc, 3) == ["ok"]
    assert verdicts(doc, 5) == ["wrong"]
    assert verdicts(doc, 7) == ["rounded"]       # 67,108,864 to the hundred thousand
    (c,) = [c for c in check_text(doc, "doc.md").findings if c.line == 5]
    assert c.expected == "8192"                   # not "0", the value at the printed millions
    # in working, a letter after a number stays a factor: 2M with M given
    assert verdicts("$M = 3$ and $$ 2M = 6 $$\n", 1) == ["ok"]


def test_keyword_arguments_in_text_are_not_claims():
    # a printed module tree; the arguments are settings, not values claimed for names
    doc = ("Model:\n\n```text\nNet(\n  (a): Linear(in_features=8, out_features=8, bias=False)\n"
           "  (b): Linear(in_features=8, out_features=32, bias=False)\n)\n```\n\n"
           "and f(x=2) is a call, while the mean (mu = (1 + 2 + 3)/3 = 3) is a remark.\n")
    findings = check_text(doc, "doc.md").findings
    assert all(c.line == 10 for c in findings)
    assert not any(c.label in ("x", "in_features", "out_features") for c in findings)
    assert verdicts(doc, 10) == ["wrong"]         # (1 + 2 + 3)/3 = 2


def test_an_output_block_under_code_that_prints_nothing_is_not_its_output():
    # the code only defines a function; the text block below it is a listing from elsewhere
    doc = ("```python\ndef f(x):\n    return 2 * x\n```\n\n```text\ntotal = 3.5\nmean = 1.25\n```\n")
    from derive.check.pipeline import check_text as check
    found = check(doc, "doc.md", run_code=True).findings
    assert found and all(str(c.verdict) == "unverifiable" for c in found)


def test_grouped_thousands_inside_brackets_are_operands_when_an_operator_touches_them():
    # 2 * 50257 * 1600 = 160,822,400 and 4 * 1600^2 = 10,240,000 by hand; (1,600) alone stays a pair
    doc = ("$$ 2 \\times (50,257 \\times 1,600) = 160,822,400 $$\n\n$$ 4 \\times (1,600^2) = 10,240,001 $$\n\n"
           "$$ x = (1,600) $$\n")
    assert verdicts(doc, 1) == ["ok"]
    assert verdicts(doc, 3) == ["wrong"]
    (x,) = [c for c in check_text(doc, "doc.md").findings if c.line == 5]
    assert x.kind == "definition" and "1x2" in x.message


def test_a_remark_in_parentheses_after_a_term_is_not_a_factor():
    # 160,822,400 + 1,966,233,600 + 1,600 = 2,127,057,600 by hand
    doc = ("$$ 160,822,400 \\text{ (Embeds)} + 1,966,233,600 \\text{ (Blocks)} + 1,600 \\text{ (Final Norm)} "
           "= 2,127,057,600 $$\n")
    assert verdicts(doc, 1) == ["ok"]
    assert verdicts(doc.replace("2,127,057,600", "2,127,057,700"), 1) == ["wrong"]


def test_working_short_of_one_name_gives_no_value_to_restate():
    # H is given nowhere: 2 H T^2 (D/H) printed twice with two values; neither can be judged, and
    # the second is not wrong for differing from the first
    doc = ("$T = 1024$ and $D = 1600$.\n\n* Scores: $2 H T^2 (D/H) = 6,710,886,400$ FLOPs\n"
           "* Output: $2 H T^2 (D/H) = 3,355,443,200$ FLOPs\n")
    assert verdicts(doc, 3) == ["unverifiable"] and verdicts(doc, 4) == ["unverifiable"]
    # a name given a value by its square (no sigma given) is still a name
    assert "ok" in verdicts("$\\sigma^2 = 0.25$, so $$ \\sigma^2 \\times 4 = 1 $$\n", 1)


def test_working_in_a_block_labelled_python_that_is_not_python_is_read_as_math():
    # (0.1 + 0.3 - 0.2 + 0.8) / 4 = 0.25 and sqrt(0.1325) = 0.36400549 (mpmath), printed 0.364
    doc = ("```python\n# the mean\nmean = (0.1 + 0.3 + (-0.2) + 0.8) / 4\n     = 1.0 / 4\n     = 0.25\n```\n\n"
           "```python\nstd = √0.1325 = 0.365\n```\n")
    assert verdicts(doc, 5) == ["ok"]
    assert verdicts(doc, 9) == ["wrong"]
    # a real Python block is still code: its assignments are not claims
    assert verdicts("```python\nmean = (1 + 2) / 2\n```\n", 2) == []


def test_names_that_are_also_methods_are_names_in_text():
    # sum = 1 + 2 = 3 by hand
    assert verdicts("So sum = 1 + 2 = 4 here.\n", 1) == ["wrong"]
    assert verdicts("So mean = 6 / 2 = 3 here.\n", 1) == ["ok"]


def test_torch_tensors_with_a_dtype_and_commented_rows_are_read_without_running():
    # x @ w = [[2, 1], [0, 2]] by hand; softmax over the last axis of [[0, 0]] is [[0.5, 0.5]]
    doc = ("```python\nimport torch\nx = [\n  [1, 0, 1, 0], # first\n  [0, 2, 0, 2], # second\n]\n"
           "x = torch.tensor(x, dtype=torch.float32)\n"
           "w = torch.tensor([[1, 0], [0, 1], [1, 1], [0, 0]], dtype=torch.float32)\n"
           "keys = x @ w\nprint(keys)\nz = torch.tensor([[0.0, 0.0]])\nprint(torch.softmax(z, dim=-1))\n```\n\n"
           "Output:\n\n```\ntensor([[2., 1.],\n        [0., 2.]])\ntensor([[0.5000, 0.5000]])\n```\n")
    found = [(c.line, str(c.verdict)) for c in check_text(doc, "doc.md").findings if c.kind == "code-output"]
    assert found == [(18, "ok"), (20, "ok")]
    wrong = doc.replace("[0., 2.]]", "[0., 3.]]")
    assert [str(c.verdict) for c in check_text(wrong, "doc.md").findings if c.kind == "code-output"][0] == "wrong"


def test_code_that_writes_down_the_value_it_just_computed_claims_it():
    # Q = X (identity weights); Q @ Q.T = [[1.25, 0.75], [0.75, 0.5]] by hand, printed with 0.65 twice;
    # the scaled scores /2 from the printed scores are right from them, but carry the slip (0.75/2 = 0.375)
    doc = ("```python\nX = [[1.0, 0.5], [0.5, 0.5]]\nW_Q = [[1, 0], [0, 1]]\nW_K = W_V = W_Q\n"
           "Q = X @ W_Q\nK = X @ W_K\n# all equal X here\nQ = K = [\n    [1.0, 0.5],  # first\n    [0.5, 0.5],\n]\n"
           "scores = Q @ K.T\nscores = [\n    [1.25, 0.65],\n    [0.65, 0.50],\n]\n"
           "scaled = scores / 2\nscaled = [[0.625, 0.325], [0.325, 0.25]]\n```\n")
    found = {c.line: str(c.verdict) for c in check_text(doc, "doc.md").findings if c.kind != "definition"}
    assert found[8] == "ok"                       # Q = K = [...] restates X @ W_Q and X @ W_K
    assert found[13] == "wrong"                   # 0.65 for 0.75
    assert found[18] == "wrong"                   # carried: with the right scores, 0.375
    right = doc.replace("0.65", "0.75").replace("0.325", "0.375")
    assert {c.line: str(c.verdict) for c in check_text(right, "doc.md").findings
            if c.kind != "definition"} == {8: "ok", 13: "ok", 18: "ok"}
    # a value written down before anything computed the name is no claim
    assert [c for c in check_text("```python\nz = [1, 2]\nz = [3, 4]\n```\n", "doc.md").findings
            if c.kind != "definition"] == []


def test_a_name_given_several_bare_settings_is_not_a_slip():
    # three settings of d, none computed: the last from code
    doc = ("```\nd = 64:  variance ≈ 64\nd = 512: variance ≈ 512\n```\n\n```python\nd = 4\n```\n")
    assert not any(str(c.verdict) == "wrong" for c in check_text(doc, "doc.md").findings)


def test_an_at_sign_beside_a_function_name_in_text_is_a_word():
    # a table header "Softmax @ T=1" says at which temperature; it is no product claim
    doc = ("| Token | Logit | Softmax @ T=1 | Softmax @ T=2 |\n|---|---|---|---|\n| a | 3.0 | 0.8 | 0.6 |\n")
    assert not any(str(c.verdict) == "wrong" for c in check_text(doc, "doc.md").findings)
    # between values it is still the matrix product: [1, 2] @ [[1], [1]] = 3
    assert verdicts("Then: [1, 2] @ [[1], [1]] = 4 here.\n", 1) == ["wrong"]


def test_one_name_given_for_several_cases_line_after_line_is_not_a_slip():
    # per-token vectors listed on consecutive lines; the dot products use the numbers:
    # 0.3*0.1 + 0.4*0.3 + 0.1*0.6 = 0.21 by hand
    doc = ('"The": Query = [0.2, 0.5, 0.1], Key = [0.1, 0.3, 0.6]\n\n'
           '"sitting": Query = [0.3, 0.4, 0.1], Key = [0.4, 0.3, 0.5]\n\n'
           "Dot = 0.3×0.1 + 0.4×0.3 + 0.1×0.6 = 0.13\n")
    found = {(c.line, str(c.verdict)) for c in check_text(doc, "doc.md").findings if str(c.verdict) == "wrong"}
    assert found == {(5, "wrong")}
    # far apart, with nothing computed from either, the new value stays a contradiction
    far = doc.replace('\n\n"sitting"', "\n\n" + "Some words.\n\n" * 4 + '"sitting"')
    assert any(c.label == "Query" and str(c.verdict) == "wrong" for c in check_text(far, "doc.md").findings)


def test_a_later_value_only_cut_from_a_restatement_does_not_make_it_a_change_on_purpose():
    # 2 * 0.9169 = 1.8338 exactly; restated as 1.8333 (a slip). b = a * 0.0762: with 1.8333 it is
    # 0.13969746 (cut: 0.1396), with 1.8338 it is 0.13973556; the document rounds (2/3 printed 0.6667)
    doc = ("$$ c = 2/3 \\approx 0.6667 $$\n\n$$ a = 2 \\times 0.9169 = 1.8338 $$\n\n$$ a \\approx 1.8333 $$\n\n"
           "$$ b = a \\times 0.0762 \\approx 0.1396 $$\n")
    assert verdicts(doc, 5) == ["wrong"]


def test_an_unfenced_output_under_an_output_heading_is_the_code_s_output():
    # z = [1, 2]: sum = 3, prod = 2; the output is printed as a plain paragraph under "### Output:"
    doc = ("```python\nz = [1, 2]\ns = sum(z)\ns\n```\n\n### Output:\n\n4\n\nThat is the sum.\n")
    found = [(c.line, str(c.verdict)) for c in check_text(doc, "doc.md").findings if c.kind == "code-output"]
    assert found == [(9, "wrong")]
    assert [str(c.verdict) for c in check_text(doc.replace("\n4\n", "\n3\n"), "doc.md").findings
            if c.kind == "code-output"] == ["ok"]
    # a paragraph in words under such a heading stays prose
    words = doc.replace("\n4\n", "\nThe code prints the sum of the two numbers, 3.\n")
    assert not any(c.kind == "code-output" for c in check_text(words, "doc.md").findings)


def test_a_single_precision_print_is_not_judged_on_its_last_digits():
    # softmax([4, 2, 1])_1 = 0.8437947345 (mpmath); float32 prints 0.8437947, and 0.11419519 for 0.1141951990
    doc = ("```python\nimport tensorflow as tf\np = tf.nn.softmax([[4.0, 2.0, 1.0]])\np\n```\n\n"
           "Output:\n\n```\narray([[0.8437947 , 0.11419519, 0.04201007]], dtype=float32)\n```\n")
    assert [str(c.verdict) for c in check_text(doc, "doc.md").findings if c.kind == "code-output"] == ["unverifiable"]
    wrong = doc.replace("0.11419519", "0.11419619")
    assert [str(c.verdict) for c in check_text(wrong, "doc.md").findings if c.kind == "code-output"] == ["wrong"]


def test_number_words_units_and_a_float_point_before_an_equals_sign_in_text():
    # 52 billion * 2 = 104 billion = 1.04e11 (not 104e12); 17,179,869,184 / 1,500,000,000,000 = 0.01145324...
    assert verdicts("Bytes: 52 billion * 2 = 104e12 here.\n", 1) == ["wrong"]
    assert verdicts("Bytes: 52 billion * 2 = 104e9 here.\n", 1) == ["ok"]
    assert verdicts("Time: 17,179,869,184 / 1,500,000,000,000. = 0.0114532 seconds\n", 1) == ["rounded"]
    # '=~' is an approximation; 104e9 bytes are 104 gb (10^9 bytes each), not 105
    found = check_text("Size: 52 billion * 2 = 104e9 =~ 104 gb\n", "doc.md").findings
    assert sorted(str(c.verdict) for c in found) == ["ok", "ok"]
    found = check_text("Size: 52 billion * 2 = 104e9 =~ 105 gb\n", "doc.md").findings
    assert sorted(str(c.verdict) for c in found) == ["ok", "wrong"]
    # a sentence's full stop still ends a statement
    assert verdicts("It is 1,000. Then 2 + 2 = 5 here.\n", 1) == ["wrong"]


def test_a_would_after_the_math_makes_it_a_supposition():
    # d = 512 given and used later; "d=1024 would have 4x as many" considers another case
    doc = ("Let d = 512.\n\nIf d doubles: for example d=1024 would have 4× as many parameters.\n\n"
           "```\nP = 4d(d + 1)\n  = 4 × 512 × 513\n  = 1,050,624\n```\n")
    assert not any(str(c.verdict) == "wrong" for c in check_text(doc, "doc.md").findings)
    assert verdicts(doc.replace("1,050,624", "1,050,625"), 8) == ["wrong"]


def test_a_double_precision_print_is_judged_to_its_last_digit():
    # softmax([4, 2, 1])_2 = 0.1141951990 (mpmath): numpy's float64 prints 0.1141952; 0.1141957 is a slip
    doc = ("```python\nimport numpy as np\nprint(np.exp(2.0) / (np.exp(4.0) + np.exp(2.0) + np.exp(1.0)))\n```\n\n"
           "Output:\n\n```\n0.1141957\n```\n")
    assert [str(c.verdict) for c in check_text(doc, "doc.md").findings if c.kind == "code-output"] == ["wrong"]


def test_a_name_and_a_colon_before_a_chain_name_its_value():
    # x_mean = (1 + 2 + 3) / 3 = 2; 2 * x_mean = 4, not 5
    doc = "Stats:\n\n- x_mean : (1 + 2 + 3) / 3 = 2\n- x_std : 2 * x_mean = 5\n- Total: 2 + 2 = 4\n"
    assert verdicts(doc, 3) == ["ok"] and verdicts(doc, 4) == ["wrong"] and verdicts(doc, 5) == ["ok"]
    # a word before a colon is no name (Total is not bound): a later 'Total' claims nothing about it
    assert not any(c.label == "Total" for c in check_text(doc, "doc.md").findings)


def test_a_remark_in_parentheses_after_a_number_is_left_out_of_the_chain():
    # 2 * 2 * 64 * 8192 = 2,097,152 by hand; the parentheses say where 8192 comes from
    doc = "So 2 * 2 * 64 * 8192 ( n_heads * dim_head = d_model) = 2,097,152 bytes.\n"
    assert verdicts(doc, 1) == ["ok"]
    assert verdicts(doc.replace("2,097,152", "2,097,162"), 1) == ["wrong"]


def test_after_the_update_a_restated_result_that_differs_is_a_slip():
    # p = 0.1 - 0.1 * 0.1 = 0.09 is worked out; "after the update" restates it: 0.04 is a slip.
    doc = ("The update gives $p = 0.1 - 0.1 \\times 0.1 = 0.09$.\n\n"
           "After the update, the probability is $p = 0.04$.\n")
    assert verdicts(doc, 3) == ["wrong"]
    assert verdicts(doc.replace("p = 0.04", "p = 0.09"), 3) == ["ok"]
    # a new value announced far from any working (a setting changed) stays a value given
    far = "Let $\\gamma = 2 \\times 0.5 = 1$.\n\n" + "Words.\n\n" * 6 + "Now switch it off: $\\gamma = 0$.\n"
    assert not any(str(c.verdict) == "wrong" for c in check_text(far, "doc.md").findings)


def test_a_bare_function_argument_may_run_to_the_end_of_its_fraction():
    # H = 1/4 log2(4/1) + 3/4 log2(4/3) = 0.811278... (mpmath below); strictly the
    # text reads log2(4)/1 and log2(4)/3, which give 1.0: the other reading is taken
    h = mp.mpf(1) / 4 * mp.log(4, 2) + mp.mpf(3) / 4 * mp.log(mp.mpf(4) / 3, 2)
    assert mp.nstr(h, 3) == "0.811"
    doc = "$$ H = 1/4 \\cdot \\log_2 4/1 + 3/4 \\cdot \\log_2 4/3 = {} $$\n"
    found = check_text(doc.format("0.811"), "doc.md").findings
    assert [str(c.verdict) for c in found] == ["rounded"]
    assert "without parentheses" in found[0].message
    assert verdicts(doc.format("0.821"), 1) == ["wrong"]      # one digit changed: no reading saves it
    strict = check_text(doc.format("1.0"), "doc.md").findings     # the strict reading, when it is the one meant
    assert [str(c.verdict) for c in strict] in (["ok"], ["rounded"]) and "parentheses" not in strict[0].message


def test_braces_around_a_function_argument_leave_no_other_reading():
    # \log_2{8}/3 is log2(8)/3 = 1 exactly; log2(8/3) = 1.415 is not a reading of it
    assert verdicts("$$ a = \\log_2{8}/3 = 1.415 $$\n", 1) == ["wrong"]


def test_two_products_of_names_put_in_as_numbers_settle_their_shared_name():
    # V x E = 50000 * 64 and E x P = 64 * 128 share E and 64: E = 64, V = 50000, P = 128 (by hand)
    doc = ("The embedding has $V \\times E = 50000 \\cdot 64 = 3,200,000$ weights.\n\n"
           "The positions have $E \\times P = 64 \\cdot 128 = 8,192$ weights.\n\n"
           "Each block has $3 E^2 = {block}$ weights and the head $2V = {head}$.\n")
    assert verdicts(doc.format(block="12,288", head="100,000"), 5) == ["ok", "ok"]
    assert verdicts(doc.format(block="12,289", head="100,000"), 5) == ["wrong", "ok"]


def test_products_that_share_no_single_number_settle_nothing():
    # a x b = 3 * 4 and b x c = 5 * 6 share b but no number: b is not known
    doc = "$a \\times b = 3 \\cdot 4 = 12$\n\n$b \\times c = 5 \\cdot 6 = 30$\n\n$2 b = 8$\n"
    assert "wrong" not in verdicts(doc, 5) and "ok" not in verdicts(doc, 5)


def _softmax(row):
    exps = [mp.e ** x if x != -mp.inf else mp.mpf(0) for x in row]
    return [x / sum(exps) for x in exps]


def test_a_cue_line_above_a_list_names_the_function_it_is_of():
    # softmax([3, 1, 0]) = [0.8438, 0.1142, 0.0420] (mpmath); the input's caption names logits
    assert [mp.nstr(x, 2) for x in _softmax([3, 1, 0])] == ["0.84", "0.11", "0.042"]
    doc = ("Dividing the logits by T:\n$$\nz / T = [6/2, 2/2, 0/2] = [3.0, 1.0, 0.0]\n$$\n"
           "Apply softmax:\n$$\nP = [{p}]\n$$\n")
    assert "ok" in verdicts(doc.format(p="0.84, 0.11, 0.04"), 7) or "rounded" in verdicts(doc.format(p="0.84, 0.11, 0.04"), 7)
    assert "wrong" in verdicts(doc.format(p="0.86, 0.11, 0.04"), 7)
    plain = "Logits: [3.0, 1.0, 0.0]\n\nThe temperature is 2:\n$$\nP = [0.84, 0.11, 0.04]\n$$\n"
    assert "wrong" not in verdicts(plain.replace("0.84", "0.86"), 5)       # no cue: nothing claimed


def test_a_masked_row_in_code_comments_is_the_input_of_the_softmax_after_it():
    # softmax([1, 2, -inf]) = [1/(1+e), e/(1+e), 0] = [0.2689, 0.7311, 0]
    assert [mp.nstr(x, 2) for x in _softmax([1, 2, -mp.inf])] == ["0.27", "0.73", "0.0"]
    doc = ("```python\nscores = where(mask, scores, -inf)\n# scores:         [1.0, 2.0, 0.5]\n"
           "# after masking:  [1.0, 2.0, -inf]\n# after softmax:  [{p}]\n```\n")
    assert verdicts(doc.format(p="0.27, 0.73, 0.00"), 5) in (["ok"], ["rounded"])
    assert verdicts(doc.format(p="0.25, 0.75, 0.00"), 5) == ["wrong"]


def test_a_span_that_starts_with_equals_continues_the_span_just_before_it():
    # 4 / 2 = 2 by hand; the third span says 3
    doc = "Time: $\\frac{4}{2}$ <br>$= 2$ $= V$\n\nAnd $a = 2 + 3$ then $= 6$.\n"
    assert verdicts(doc.replace("V", "2"), 1) == ["ok", "ok"]
    assert verdicts(doc.replace("V", "3"), 1) == ["ok", "wrong"]
    assert "wrong" not in verdicts(doc.replace("V", "2"), 3)       # words between: no continuation


def test_size_commands_only_change_the_look():
    assert verdicts("$\\large \\frac{1}{4} = 0.25$ and $\\small 3 \\times 3 = 9$\n", 1) == ["ok", "ok"]


def test_a_parenthesis_between_two_spans_ends_the_derivation():
    # (where $d = k$) $= (4 \times 2)$: the second span is not the value of d
    doc = "Shape: $(n \\times d)$ (where $d = k$) $= (4 \\times 2)$\n"
    assert "wrong" not in verdicts(doc, 1)


def test_working_built_from_a_sum_of_roundings_carries_their_rounding():
    # e^10 = 22026.46579..., e^-5 = 0.0067379...: the printed sum 22027.4725 is the sum of the
    # printed roundings; 1/22027.4725 and the exact softmax entry 1/22027.47253... differ in
    # the ninth digit, within the rounding of the working's numbers
    exact = 1 / (mp.e ** 10 + 1 + mp.e ** -5)
    assert mp.nstr(exact, 6) == "4.53979e-5"
    doc = ("Given scores = [10, 0, -5], apply softmax.\n\n"
           "$$e^{10} = 22026.4658, \\quad e^{0} = 1.0000, \\quad e^{-5} = 0.0067$$\n\n"
           "$$\\text{sum} = 22026.4658 + 1.0000 + 0.0067 = 22027.4725$$\n\n"
           "$$\\text{softmax}(0) = \\frac{1.0000}{D} = 0.0000454$$\n")
    assert "wrong" not in verdicts(doc.replace("D", "22027.4725"), 7)
    assert "wrong" in verdicts(doc.replace("D", "22017.4725"), 7)        # a changed digit in the working


def test_a_chain_converts_between_units_of_one_kind():
    # 1282 s = 1282 / 86400 days = 0.014838 days -> 0.0148; 90 min = 1.5 hours
    doc = "$$ t = 1282 \\text{ secs} = {d} \\text{ days} $$\n\n$$ u = 90 \\text{ min} = {h} \\text{ hours} $$\n"
    assert verdicts(doc.replace("{d}", "0.0148").replace("{h}", "1.5"), 1) == ["rounded"]
    assert verdicts(doc.replace("{d}", "0.0147").replace("{h}", "1.5"), 1) == ["wrong"]
    assert verdicts(doc.replace("{d}", "0.0148").replace("{h}", "1.5"), 3) == ["ok"]
    # units of different kinds are not converted (and a far value is not called wrong)
    assert "wrong" not in verdicts("$$ m = 2 \\text{ days} = 2 \\text{ GB} $$\n", 1)


def test_math_letters_copied_from_a_pdf_are_the_letters_they_style():
    # U+1D443 is a mathematical italic P: 2 P with P = 175 is 350
    doc = "With \U0001D443 = 175 we get 2\U0001D443 = {v}.\n"
    assert verdicts(doc.replace("{v}", "350"), 1) == ["ok"]
    assert verdicts(doc.replace("{v}", "351"), 1) == ["wrong"]


def test_an_elementary_function_written_equal_to_a_formula_is_no_definition_of_it():
    # "\sqrt{S} = 4 - a" does not make sqrt a function of the document: sqrt(16) stays 4
    doc = "$\\sqrt{S} = 4 - a$ for some $S$.\n\n$$ \\sqrt{16} = 4 $$\n"
    assert verdicts(doc, 3) == ["ok"]


def test_bold_results_grouped_decimals_and_an_about_sign_in_text():
    # 1,250.5 * 4 = 5,002 by hand; 90,000 / 16 = 5,625; x ** 2 stays a power: 3 ** 2 = 9
    assert verdicts("- Total: 1,250.5 × 4 = **5,002**\n", 1) == ["ok"]
    assert verdicts("- Total: 1,250.5 × 4 = **5,003**\n", 1) == ["wrong"]
    assert verdicts("- Tokens: 90,000 / 16 = ~5,625 tokens\n", 1) == ["ok"]
    assert verdicts("- Tokens: 90,000 / 16 = ~5,635 tokens\n", 1) == ["wrong"]
    assert verdicts("Check: 3 ** 2 = 9 here.\n", 1) == ["ok"]
    assert verdicts("Check: 3 ** 2 = 6 here.\n", 1) == ["wrong"]


def test_variables_listed_after_the_working_that_uses_them():
    # 2 H T with H = 25, T = 2 (listed below it as "$H$ (heads) = $25$"): 100 by hand
    doc = ("## Cost\n\nThe cost is $2 H T = {v}$ operations.\n\n"
           "Where:\n* $H$ (heads) = $25$\n* $T$ (length) = $2$\n")
    assert verdicts(doc.replace("{v}", "100"), 3) == ["ok"]
    assert verdicts(doc.replace("{v}", "101"), 3) == ["wrong"]
    # a name given twice, or given under another heading, is not taken from below
    assert "wrong" not in verdicts(doc.replace("{v}", "101") + "\n$H = 30$\n", 3)
    assert "wrong" not in verdicts(doc.replace("{v}", "101").replace("Where:", "## Other\n\nWhere:"), 3)


def test_a_value_cut_from_the_printed_inputs_but_rounded_from_their_digits():
    # a = 0.98661308 and b = 0.9950332 are printed to 8 decimals; a*0.0776 + b*0.0 = 0.076561175...
    # from the printed a, but from a's own digits (sigmoid(4.3) = 0.9866130821) 0.0765611...: both
    # round to 0.0766, so 0.0765 is wrong either way; 0.07656 is a rounding
    doc = "$a = 0.98661308$\n\n$$ d = a \\times 0.0776 = {v} $$\n"
    assert verdicts(doc.replace("{v}", "0.07656"), 3) == ["rounded"]
    assert verdicts(doc.replace("{v}", "0.0765"), 3) in (["truncated"], ["wrong"])
    # s = 2.23607 is given rounded (6 significant digits); 2.23607 * 0.2236 = 0.499985252 cuts to 0.49998,
    # but s may be anything in [2.236065, 2.236075], which gives [0.4999841, 0.4999864]: 0.49998 rounds a
    # value its rounding allows (sqrt(5) * 0.2236 = 0.4999848 does); 0.49997 rounds none of them
    doc = "$s = 2.23607$\n\n$$ d = s \\times 0.2236 = {v} $$\n"
    assert verdicts(doc.replace("{v}", "0.49998"), 3) == ["rounded"]
    assert verdicts(doc.replace("{v}", "0.49997"), 3) == ["wrong"]


def test_math_inside_an_admonition_is_read_on_its_own_lines():
    # 84e21 / 494.5e12 = 169,868,554 s -> 169.9e6 (by hand: 84 / 494.5 = 0.1698686)
    doc = ('Exercise.\n\n??? success "Solution"\n    **Calculation:**\n\n'
           '    $$T = \\frac{84 \\times 10^{21}}{494.5 \\times 10^{12}} = {v} \\times 10^6$$\n\n'
           'Back in the text: $2 + 2 = 4$.\n')
    assert verdicts(doc.replace("{v}", "169.9"), 6) == ["rounded"]
    assert verdicts(doc.replace("{v}", "168.9"), 6) == ["wrong"]
    assert verdicts(doc.replace("{v}", "169.9"), 8) == ["ok"]


def test_ceiling_and_floor_brackets():
    # ceil(208 / 80) = ceil(2.6) = 3; floor(7.9) = 7; ceil(1000 / 64) = ceil(15.625) = 16
    assert verdicts("$$ \\lceil \\frac{208}{80} \\rceil = 3 $$\n", 1) == ["ok"]
    assert verdicts("$$ \\lceil \\frac{208}{80} \\rceil = 2 $$\n", 1) == ["wrong"]
    assert verdicts("$$ \\lfloor 7.9 \\rfloor = 7 $$\n", 1) == ["ok"]
    assert verdicts("Batches: math.ceil(1000 / 64) = 16 here.\n", 1) == ["ok"]
    assert verdicts("Batches: math.ceil(1000 / 64) = 15 here.\n", 1) == ["wrong"]


def test_scientific_notation_typed_with_a_caret():
    # sqrt(5 + 1e-5) = 2.2360702 (mpmath); read as 1 * e^{-5} it would be sqrt(5.0067379) = 2.2375741
    (c,) = check_text("$$ \\sigma = \\sqrt{5.0 + 1e^{-5}} = 2.23607 $$\n", "doc.md").findings
    assert str(c.verdict) == "rounded" and "scientific notation" in c.message
    assert verdicts("$$ \\sigma = \\sqrt{5.0 + 1e^{-5}} = 2.23617 $$\n", 1) == ["wrong"]
    # a product written with a space before e is Euler's number: 2 e^{1} = 5.43656
    assert verdicts("$$ 2 \\, e^{1} = 5.4366 $$\n", 1) == ["rounded"]


def code_outputs(doc: str) -> list[str]:
    """The verdicts of the code outputs of a Markdown document, in order."""
    return [str(c.verdict) for c in check_text(doc, "doc.md").findings if c.kind == "code-output"]


def special_then_scaled(function: str, x: str, printed: str) -> str:
    """A cell printing scipy.special's ``function`` at x (as ``printed``), then one printing 1.5 times
    it, whose printed value is left as ``{v}``."""
    return (f"```python\nimport numpy as np\nfrom scipy.special import {function}\na = {function}(np.array([{x}]))\n"
            f"print(\"a =\", a)\n```\n\n```\na = [{printed}]\n```\n\n```python\nb = 1.5 * a\nprint(\"b =\", b)\n```"
            "\n\n```\nb = [{v}]\n```\n")


def test_an_output_is_judged_against_what_the_code_computes_not_its_earlier_prints():
    # sigmoid(4.3) = 0.98661308217, sigmoid(5.3) = 0.99503319834 (mpmath); the code prints them rounded
    # to 8 decimals, and 0.8 a + 0.1 b + 0.5 = 1.38879378557 prints as 1.38879379; from the printed
    # (rounded) a and b it would be 1.388793784
    doc = ("```python\nimport numpy as np\n\ndef sigmoid(x):\n    return 1 / (1 + np.exp(-x))\n\n"
           "z1 = np.array([[4.3, 5.3]])\na1 = sigmoid(z1)\nprint(\"a1 =\", a1)\n```\n\n"
           "```\na1 = [[0.98661308 0.9950332 ]]\n```\n\n"
           "```python\nW2 = np.array([[0.8], [0.1]])\nz2 = a1 @ W2 + 0.5\nprint(\"z2 =\", z2)\n```\n\n"
           "```\nz2 = [[{v}]]\n```\n")
    assert code_outputs(doc.replace("{v}", "1.38879379")) == ["rounded", "rounded"]
    assert code_outputs(doc.replace("{v}", "1.38879389"))[1] == "wrong"


def test_an_output_from_rounded_prints_read_back_is_wrong_only_beyond_their_rounding():
    # J_0(0.31) = 0.976118915532848 (mpmath besselj), printed [0.97611892]; derive cannot compute
    # Bessel functions, so the next cell's 1.5 a is computed from the print: 1.46417838, while the
    # code itself prints 1.46417837 (1.5 * 0.976118915532848 = 1.464178373299); the print's
    # rounding (1.5 * 0.5e-8) allows both
    doc = special_then_scaled("j0", "0.31", "0.97611892")
    assert code_outputs(doc.replace("{v}", "1.46417837"))[1] == "unverifiable"
    assert code_outputs(doc.replace("{v}", "1.46427837"))[1] == "wrong"


def test_erf_in_code_is_computed():
    # erf(0.4) = 0.428392355047 (mpmath); 1.5 erf(0.4) = 0.642588532571, printed 0.64258853
    doc = special_then_scaled("erf", "0.4", "0.42839236")
    assert code_outputs(doc.replace("{v}", "0.64258853")) == ["rounded", "rounded"]
    assert code_outputs(doc.replace("{v}", "0.64268853"))[1] == "wrong"


def test_a_product_in_code_is_entry_by_entry():
    # numpy: [0.5, 0.25] * [0.2, 0.4] = [0.1, 0.1]; the matrix product is written @
    doc = ("```python\nimport numpy as np\na = np.array([[0.5, 0.25]])\nb = np.array([[0.2, 0.4]])\n"
           "print(a * b)\n```\n\n```\n[[{v}]]\n```\n")
    assert code_outputs(doc.replace("{v}", "0.1 0.1")) == ["ok"]
    assert code_outputs(doc.replace("{v}", "0.1 0.2")) == ["wrong"]


def test_therefore_starts_a_statement():
    # W = [0.1, 0.2] - 0.01 [0.002, 0.0004] = [0.09998, 0.199996] by hand
    doc = ("$$\n\\therefore W_1 = \\begin{bmatrix} 0.1 & 0.2 \\end{bmatrix} - 0.01 \\begin{bmatrix} 0.002 & 0.0004 "
           "\\end{bmatrix}\n$$\n\n$$\n\\therefore W_1 = \\begin{bmatrix} {v} \\end{bmatrix}\n$$\n")
    assert verdicts(doc.replace("{v}", "0.09998 & 0.199996"), 6) == ["ok"]
    assert verdicts(doc.replace("{v}", "0.09998 & 0.199986"), 6) == ["wrong"]


def test_an_entry_of_three_digits_keeps_its_decimals_beside_longer_ones():
    # [[0.7, 0.8], [0.9, 0.1]] - 0.01 [[0.0765, 0.1183], [0.0772, 0.1193]] = [[0.699235, 0.798817],
    # [0.899228, 0.098807]] by hand: 0.0988 is 0.098807 to its own 4 decimals, beside 0.89923
    doc = ("$$ W = \\begin{bmatrix} 0.7 & 0.8 \\\\ 0.9 & 0.1 \\end{bmatrix} - 0.01 \\begin{bmatrix} 0.0765 & 0.1183 "
           "\\\\ 0.0772 & 0.1193 \\end{bmatrix} = \\begin{bmatrix} 0.6992 & 0.7988 \\\\ 0.89923 & {v} \\end{bmatrix} $$\n")
    assert verdicts(doc.replace("{v}", "0.0988"), 1) == ["rounded"]
    assert verdicts(doc.replace("{v}", "0.0989"), 1) == ["wrong"]
    # two digits still stand for the matrix's finest: 0.80 beside 0.5415 is 0.8000, and 0.8123 is no 0.80
    assert verdicts("$$ v = (0.5415 + 0, 0.8123) = (0.5415, 0.80) $$\n", 1) == ["wrong"]


def test_a_derivation_over_several_displays_restating_its_label():
    # [1, 4, 5] W with W = [[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]] is [3.8, 4.8] by hand; + 0.5 each: [4.3, 5.3]
    doc = ("$$\nz = \\begin{bmatrix} 1 & 4 & 5 \\end{bmatrix} \\begin{bmatrix} 0.1 & 0.2 \\\\ 0.3 & 0.4 \\\\ 0.5 & 0.6"
           " \\end{bmatrix} + \\begin{bmatrix} 0.5 & 0.5 \\end{bmatrix}\n$$\n\n"
           "$$\nz = \\begin{bmatrix} {v} \\end{bmatrix} + \\begin{bmatrix} 0.5 & 0.5 \\end{bmatrix}\n$$\n\n"
           "$$\nz = \\begin{bmatrix} 4.3 & 5.3 \\end{bmatrix}\n$$\n")
    assert verdicts(doc.replace("{v}", "3.8 & 4.8"), 6) == ["ok"]
    assert verdicts(doc.replace("{v}", "3.9 & 4.8"), 6) == ["wrong"]
    # with words between the displays, the second is a new value of its own
    apart = doc.replace("3.8 & 4.8", "3.9 & 4.8").replace("$$\n\n$$\nz = \\begin{bmatrix} 3.9",
                                                          "$$\n\nNow take another row:\n\n$$\nz = \\begin{bmatrix} 3.9")
    assert "wrong" not in verdicts(apart, 8)


def test_a_value_worked_out_from_printed_roundings_is_known_no_better_than_they_are():
    # d = [0.7896] (x) [0.0983] = 0.07761768 from the printed numbers, printed 0.0776; the author's own
    # digits (0.78955061, 0.09825032) give 0.0775736, so a . d with a = 0.9866 (printed, 4 decimals) may be
    # 0.9866 * 0.0775736 = 0.076534...: 0.0765 is a rounding the inputs allow, 0.0767 is not
    doc = ("$a = 0.9866$ and $g = 0.7896$, $f = 0.0983$.\n\n$$\nd = g f\n$$\n\n$$\nd = 0.7896 \\times 0.0983\n$$\n\n"
           "$$\nd = 0.0776\n$$\n\n$$\ne = a d = {v}\n$$\n")
    assert verdicts(doc.replace("{v}", "0.0765"), 16) == ["rounded"]
    assert verdicts(doc.replace("{v}", "0.0767"), 16) == ["wrong"]



def test_a_cut_of_a_result_written_out_again_stays_a_cut():
    # the fixture's scaled score -0.2051 is printed as a result, then written out: e^{-0.2051} = 0.8145659
    # (mpmath) rounds to 0.8146; a planted 0.8145 is cut from the digits the working writes, though
    # -0.2051 could stand for anything in [-0.20515, -0.20505], whose exponentials reach 0.81452
    from pathlib import Path
    doc = (Path(__file__).parent / "fixtures" / "check" / "attention_example.md").read_text()
    assert "e^{-0.2051} &\\approx 0.8146" in doc
    assert verdicts(doc, 50) == ["rounded"]
    assert verdicts(doc.replace("e^{-0.2051} &\\approx 0.8146", "e^{-0.2051} &\\approx 0.8145"), 50) == ["wrong"]


def test_a_value_from_printed_roundings_is_held_to_what_its_working_allows():
    # out = 1 / (1 + e^{-1.1059}) = 0.7513653 (mpmath) with 1.1059 printed before as a result; 1.1059 may
    # stand for [1.10585, 1.10595], so out lies in [0.7513559, 0.7513747], and out (1 - out) in
    # [0.1868096, 0.1868141]: 0.1868 rounds it, 0.1867 (a cut) does not, however out was rounded
    doc = ("$$ z = 0.4 \\times 0.5933 + 0.45 \\times 0.5969 + 0.6 \\approx 1.1059 $$\n\n"
           "$$ o = \\frac{1}{1 + e^{-1.1059}} \\approx 0.7514 $$\n\n$$ r = 2/3 \\approx 0.6667 $$\n\n"
           "$$ d = o (1 - o) \\approx {v} $$\n")
    assert verdicts(doc.replace("{v}", "0.1868"), 7) == ["rounded"]
    assert verdicts(doc.replace("{v}", "0.1867"), 7) == ["wrong"]
