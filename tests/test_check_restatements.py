"""A name printed again with other values: a claim about the old value, settled
by what comes after it (a change on purpose, or a mistake).

All values are small integers, computed by hand in the comments.
"""

import pytest

from derive.check.pipeline import check_text


def at(doc: str, line: int):
    (c,) = [c for c in check_text(doc, "doc.md").findings if c.line == line]
    return c


def test_a_value_given_anew_without_a_word_and_used_by_nothing_is_wrong():
    c = at("$$ v = (1, 1) $$\n\n$$ v = (2, 2) $$\n", 3)
    assert (c.kind, c.verdict, c.expected) == ("vector", "wrong", "[1, 1]")


def test_a_value_the_text_says_changes_is_given():
    c = at("$$ v = (1, 1) $$\n\nNow take $v = (2, 2)$.\n", 3)
    assert (c.kind, c.verdict) == ("definition", "given")


def test_a_later_claim_using_the_new_value_makes_it_a_change_on_purpose():
    # 2 (2, 2) = (4, 4), while 2 (1, 1) = (2, 2)
    found = check_text("$$ v = (1, 1) $$\n\n$$ v = (2, 2) $$\n\n$$ 2 v = (4, 4) $$\n").findings
    given = [c for c in found if c.line == 3][0]
    assert (given.verdict, given.note) == ("given", "redefinition") and "line 5" in given.message
    assert [c.verdict for c in found if c.line == 5] == ["ok"]


def test_a_later_claim_using_the_old_value_convicts_the_restatement():
    # 2 (1, 1) = (2, 2): the document kept computing with the first v
    c = at("$$ v = (1, 1) $$\n\n$$ v = (2, 2) $$\n\n$$ 2 v = (2, 2) $$\n", 3)
    assert c.verdict == "wrong" and "keeps using v of line 1" in c.diagnosis


def test_a_value_given_anew_in_another_section_is_given():
    c = at("# One\n\n$$ v = (1, 1) $$\n\n# Two\n\n$$ v = (2, 2) $$\n", 7)
    assert (c.verdict, c.note) == ("given", "redefinition")


def test_in_another_section_a_later_claim_using_the_old_value_still_convicts():
    c = at("# One\n\n$$ v = (1, 1) $$\n\n# Two\n\n$$ v = (2, 2) $$\n\n$$ 3 v = (3, 3) $$\n", 7)
    assert c.verdict == "wrong"


def test_another_shape_is_another_thing():
    c = at("$$ W = (1, 2, 3) $$\n\n$$ W = \\begin{pmatrix} 1 & 0 \\\\ 0 & 1 \\end{pmatrix} $$\n", 3)
    assert c.verdict == "given"


def test_the_code_below_bears_out_the_old_or_the_new_value():
    code = "```python\nimport numpy as np\nv = np.array([1, 1])\n```\n"
    c = at("# One\n\n$$ v = (1, 1) $$\n\n# Two\n\n$$ v = (2, 2) $$\n\n" + code, 7)
    assert c.verdict == "wrong" and "the code on line" in c.message


@pytest.mark.parametrize("sentence", ["For the input $x = (0, 1)$ the sum is $1$.",
                                      "At $x = (0, 1)$ the sum is $1$."])
def test_a_case_considered_supposes_a_value(sentence):
    found = check_text("$$ x = (0, 0) $$\n\n" + sentence + "\n").findings
    (c,) = [c for c in found if c.line == 3 and c.label == "x"]
    assert c.verdict == "given" and c.note == "supposed"


def test_math_in_the_sentence_before_is_no_prose():
    # the word "new" inside the earlier formula W_{new} announces nothing
    doc = "$$ W_{\\text{new}} = (1, 2) $$\n\n$$ W_{\\text{new}} = (1, 3) $$\n"
    assert at(doc, 3).verdict == "wrong"


def test_a_supposition_does_not_excuse_arithmetic_without_names():
    # sqrt(4) = 2 whatever d_k is supposed to be
    found = check_text("If $d_k = 4$, the scale is $\\sqrt{4} = 7$.\n").findings
    assert [c.verdict for c in found if c.label == "sqrt(4)"] == ["wrong"]


def test_an_expression_without_names_is_never_given_anew():
    # e^{-5} = 0.006737947 (mpmath): printed again under another heading it is still judged
    doc = "# One\n\n$$ e^{-5} \\approx 0.0067 $$\n\n# Two\n\n$$ e^{-5} \\approx 0.0062 $$\n"
    assert at(doc, 7).verdict == "wrong"


def test_a_value_that_matches_only_an_older_value_of_its_name_is_given_not_right():
    # x = 2, then x = 3, then x = 2 again: the last line restates no value derive checked,
    # it matches only an older one (a search among earlier values earns no "ok")
    found = check_text("$x = 2$\n\n$x = 3$\n\n$x = 2$\n", "doc.md").findings
    assert [(c.line, str(c.verdict)) for c in found if c.line == 5] == [(5, "given")]


def test_a_new_value_used_below_stays_given_when_code_further_down_gives_a_third():
    # d = 6, then d = 2 with 2 x = 6 for x = 3 (6 x = 18 would not hold), then code in
    # another section that sets d = 3 (nearer 2 than 6 is): the new value is borne out
    # by line 9, the code's value is another example's, and nothing here is wrong
    doc = ("# One\n\nTake $d = 6$ and $x = 3$.\n\n# Two\n\nWith $d = 2$:\n\n$$ d x = 6 $$\n\n"
           "# Three\n\n```python\nd = 3\nprint(d * 2)\n```\n\n```\n6\n```\n")
    found = check_text(doc, "doc.md").findings
    assert [(c.line, c.message) for c in found if c.verdict == "wrong"] == []
    (restated,) = [c for c in found if c.line == 7]
    assert (restated.verdict, restated.note) == ("given", "redefinition") and "line 9" in restated.message
    (later,) = [c for c in found if c.line == 9]
    assert later.verdict == "ok"
