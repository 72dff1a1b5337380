"""Math written without LaTeX: found in prose, lists, inline code, tables and
comments, judged like LaTeX. Expected values are mpmath at 50 digits or hand
arithmetic written out in the test."""

import mpmath as mp
import pytest

from derive.check.pipeline import check_text
from derive.check.read.plain import plain_statements, printed_number

mp.mp.dps = 50


def _claims(text):
    return [c for c in check_text(text).findings if c.verdict != "given"]


def _verdicts(text):
    return [(c.line, str(c.verdict)) for c in _claims(text)]


def _softmax(xs):
    e = [mp.e ** x for x in xs]
    return [v / sum(e) for v in e]


def test_a_chain_in_a_paragraph_is_read_and_each_member_judged():
    # 0.3*2.0 + (-0.5)*1.0 = 0.6 - 0.5 = 0.1 exactly
    assert _verdicts("So z = 0.3 * 2.0 + (-0.5) * 1.0 = 0.1, which is small.\n") == [(1, "ok")]
    assert _verdicts("So z = 0.3 * 2.0 + (-0.5) * 1.0 = 0.2, which is small.\n") == [(1, "wrong")]


def test_unicode_operators_and_powers_without_braces():
    e15 = mp.e ** mp.mpf("1.5")                    # 4.4816890703...
    assert mp.nstr(e15, 3) == "4.48"
    assert _verdicts("Then e^1.5 ≈ 4.48 and 3 × 4 − 2 = 10.\n") == [(1, "rounded"), (1, "ok")]
    assert _verdicts("Then e^1.5 ≈ 4.49 and 3 × 4 − 2 = 11.\n") == [(1, "wrong"), (1, "wrong")]
    # 1/sqrt(64) = 0.125 exactly; sigma(0) = 1/2
    assert _verdicts("Here 1 / √64 = 0.125 and σ(0) = 0.5 hold.\n") == [(1, "ok"), (1, "ok")]


def test_a_wrong_number_names_the_value_it_should_be():
    (claim,) = _claims("- check: 2^10 = 1000\n")
    assert claim.verdict == "wrong" and claim.expected == "1024"


def test_inline_code_list_items_and_table_cells():
    p = _softmax([2, 1, mp.mpf("0.1")])                # 0.6590..., 0.2424..., 0.0986...
    row = ", ".join(mp.nstr(x, 2) for x in p)
    assert row == "0.66, 0.24, 0.099"
    text = ("- `softmax([2.0, 1.0, 0.1]) = [0.66, 0.24, 0.10]`\n"
            "- `softmax([2.0, 1.0, 0.1]) = [0.66, 0.25, 0.10]`\n\n"
            "| step | note |\n|---|---|\n| √81 = 9 | fine |\n| 2 + 2 = 5 | not fine |\n")
    assert _verdicts(text) == [(1, "rounded"), (2, "wrong"), (6, "ok"), (7, "wrong")]


def test_a_claim_in_a_python_comment_is_read():
    text = "```python\nx = 3\n# so 0.5 * 4 = 2.5 here\ny = 1\n```\n"
    assert _verdicts(text) == [(3, "wrong")]


def test_numbers_with_suffixes_are_good_to_their_last_digit():
    # 12 * 768**2 * 12 = 84,934,656: 84.9M is its rounding to 0.1M, 85.9M is not
    assert 12 * 768 ** 2 * 12 == 84_934_656
    assert _verdicts("so 12 * 768^2 * 12 = 84.9M weights.\n") == [(1, "rounded")]
    assert _verdicts("so 12 * 768^2 * 12 = 85.9M weights.\n") == [(1, "wrong")]
    assert _verdicts("so 12 * 768^2 * 12 = 84,934,656 weights.\n") == [(1, "ok")]
    assert printed_number("1.5B").value == 1_500_000_000 and printed_number("12k").value == 12_000
    assert printed_number("99.5%").decimals == 3


@pytest.mark.parametrize("text", [
    "1 epoch = 100 steps",                 # words around numbers
    "W^T x = 3",                           # implicit products are not guessed
    "see [docs](https://example.org/?a=1&b=2)",
    "use `$x = 1$` in LaTeX",             # LaTeX source shown as code
    "version 1.2.3 = latest",
])
def test_what_is_not_a_plain_statement(text):
    found = [c for c in check_text(text + "\n").findings]
    assert found == [] or all(c.verdict == "given" for c in found), found


def test_two_statements_joined_by_words_are_two():
    text = "x = 2 so y = 3 = 3.0"
    assert [text[a:b] for a, b in plain_statements(text)] == ["x = 2", "y = 3 = 3.0"]


def test_every_planted_last_digit_change_in_plain_text_is_caught():
    """Mutation: each correct printed result, its last digit moved by 5, is wrong."""
    lines = ["a = 0.3 * 2.0 + 0.7 = 1.3", "b = 7.39 / 11.22 ≈ 0.659", "c = √2 ≈ 1.414",
             "d = e^-1 ≈ 0.3679", "f = 1 / (1 + e^-0.5) ≈ 0.6225"]
    # hand / mpmath oracles of the printed values
    assert mp.nstr(mp.mpf("7.39") / mp.mpf("11.22"), 3) == "0.659"
    assert mp.nstr(mp.sqrt(2), 4) == "1.414"
    assert mp.nstr(mp.e ** -1, 4) == "0.3679"
    assert mp.nstr(1 / (1 + mp.e ** mp.mpf("-0.5")), 4) == "0.6225"
    for line in lines:
        assert [v for _, v in _verdicts(line + "\n")] in (["ok"], ["rounded"]), line
        head, digit = line[:-1], int(line[-1])
        planted = head + str((digit + 5) % 10)
        assert [v for _, v in _verdicts(planted + "\n")] == ["wrong"], planted


def test_a_comment_that_states_what_the_line_computes_is_a_claim():
    # softmax([1, 2, 3] / 0.5) = softmax([2, 4, 6]) = (0.01588, 0.11731, 0.86681) by mpmath
    p = _softmax([2, 4, 6])
    assert [mp.nstr(x, 3) for x in p] == ["0.0159", "0.117", "0.867"]
    code = ("```python\nimport numpy as np\nz = np.array([1.0, 2.0, 3.0])\n"
            "softmax(z / 0.5)  # [0.016, 0.117, {v}]\ny = 2 * 3  # 6\n```\n")
    assert _verdicts(code.replace("{v}", "0.867")) == [(4, "rounded"), (5, "ok")]
    assert _verdicts(code.replace("{v}", "0.876")) == [(4, "wrong"), (5, "ok")]
    # a comment in words is no result
    assert _verdicts("```python\nx = 2 * 3  # the product\n```\n") == []


def test_statements_side_by_side_apart_by_spaces_are_two():
    text = "prediction=0.7514  loss=0.2749 as printed"
    assert [text[a:b] for a, b in plain_statements(text)] == ["prediction=0.7514", "loss=0.2749"]
    text = "so 2x + 1 = 5"                                # read whole (2 times x), never as x + 1
    assert [text[a:b] for a, b in plain_statements(text)] == ["2x + 1 = 5"]


def test_a_long_line_of_prose_with_an_equals_sign_is_read_in_bounded_time():
    # 20,000 terms then 20,000 words: no side longer than the policy bound is tried, so the
    # line yields no statement (a side cut out of a longer expression is never read)
    line = "so " + " + ".join(["x"] * 20000) + " = 5 and " + "y " * 20000
    assert plain_statements(line) == []
    short = "so 1 + 2 = 3 and " + "y " * 5000
    assert [short[a:b] for a, b in plain_statements(short)] == ["1 + 2 = 3"]


# softmax(2, 1, 0.1) = (0.65900114, 0.24243297, 0.09856589) by mpmath: 0.659, 0.242, 0.099
def test_a_function_label_claims_that_function_of_the_input_list_above():
    e = [mp.e ** x for x in (2, 1, mp.mpf("0.1"))]
    assert [mp.nstr(v / sum(e), 3) for v in e] == ["0.659", "0.242", "0.0986"]
    doc = "Take the scores: [2, 1, 0.1]\n\n- Softmax output: {v}\n"
    found = check_text(doc.replace("{v}", "[0.659, 0.242, 0.099]")).claims
    assert [(c.line, str(c.verdict), c.label) for c in found] == [(3, "rounded", "softmax([2,1,0.1])")]
    bad = check_text(doc.replace("{v}", "[0.659, 0.252, 0.089]")).claims
    assert [str(c.verdict) for c in bad] == ["wrong"]


def test_a_list_of_exponentials_just_above_is_no_input():
    doc = "Logits: [2, 1, 0.1]\nExponentials: [7.389, 2.718, 1.105]\nSoftmax: [0.659, 0.242, 0.099]\n"
    assert not [c for c in check_text(doc).claims if c.line == 3]
    alone = "Softmax: [0.659, 0.242, 0.099]\n"
    assert check_text(alone).claims == []


def test_a_period_between_spaces_is_a_dot_product():
    # [1, 0, 2] . [3, 1, 1] = 3 + 0 + 2 = 5 by hand
    doc = "- Score: `q . k = [1, 0, 2] . [3, 1, 1] = {v}`\n"
    assert [str(c.verdict) for c in check_text(doc.replace("{v}", "5")).claims if c.kind == "scalar"] == ["ok"]
    assert "wrong" in [str(c.verdict) for c in check_text(doc.replace("{v}", "6")).claims]
    # a sentence's full stop is no operator
    assert [str(c.verdict) for c in check_text("Here x = 1 + 1 = 2. Then y follows.\n").claims] == ["ok"]


def test_arithmetic_in_a_block_of_no_language_is_read_as_prose_math():
    # 3,147,776 + 786,432 + 262,144 + 2,048 = 4,198,400 by hand; 512 * 37000 = 18,944,000
    doc = "Total:\n\n```\n3,147,776 + 786,432 + 262,144 + 2,048\n= {v} parameters\n```\n\n    N = 512 * 37000 = 18944000\n"
    assert [(c.line, str(c.verdict)) for c in check_text(doc.replace("{v}", "4,198,400")).claims] == [(5, "ok"), (8, "ok")]
    assert [str(c.verdict) for c in check_text(doc.replace("{v}", "4,199,424")).claims][0] == "wrong"
    # a block in a language is code, not prose
    assert check_text("```bash\necho 1 + 1 = 3\n```\n").claims == []


def test_a_number_touching_a_name_is_a_coefficient_never_a_cut():
    # 2x + 1 is read whole (2 times x), never as x + 1: with x unknown, unverifiable; with x = 2, 5
    (c,) = check_text("2x + 1 = 5\n").findings
    assert (c.label, str(c.verdict)) == ("2*x + 1", "unverifiable")
    assert [str(c.verdict) for c in check_text("With x = 2: 2x + 1 = 5 here.\n").findings
            if c.kind != "definition"] == ["ok"]
    # ordinals are no products
    assert check_text("The 1st = best.\n").findings == []


@pytest.mark.parametrize("sentence, verdict, expected", [
    # -1.16 - 0.1 * (-0.18) = -1.16 + 0.018 = -1.142
    ("So the new weight is -1.16 - 0.1 * (-0.18) = -1.142.", "ok", None),
    # -0.5 * 4 = -2, not -2.1: judged, not left as "becomes minus ..."
    ("The score becomes -0.5 * 4 = -2.1 after scaling.", "wrong", "-2.0"),
])
def test_a_word_before_a_signed_number_is_prose(sentence, verdict, expected):
    (claim,) = [c for c in check_text(sentence + "\n").findings if c.verdict != "given"]
    assert claim.verdict == verdict and (expected is None or claim.expected == expected)
    assert "has no value" not in claim.message


def test_a_name_minus_a_number_with_spaces_on_both_sides_is_a_subtraction():
    # loss = 2, so loss - 0.5 = 1.5
    found = check_text("With loss = 2, we get loss - 0.5 = 1.5 here.\n").findings
    assert [(c.verdict, c.printed) for c in found if c.verdict != "given"] == [("ok", "1.5")]
