"""Markdown tables: header formulas, rows binding their names, cells judged as claims.

Every expected value below was computed with mpmath (mp.dps = 50), never with
derive, and is written in the comment beside the test: e.g. sigma(2) =
1/(1 + exp(-2)) = 0.880797077978, which rounds to 0.8808 at 4 decimals.
"""

import mpmath as mp

from derive.check.read.delimiters import MathSpan
from derive.check.read.markdown import Table, document, scan
from derive.check.pipeline import check_text


def claims(text):
    """(line, label, verdict) of every finding that is not a definition."""
    return [(f.line, f.label, f.verdict) for f in check_text(text).findings if f.kind != "definition"]


def table_findings(text, first_line):
    return [f for f in check_text(text).findings if f.line >= first_line]


# ------------------------------------------------------------------ the Markdown scan

def test_a_table_is_one_item_with_located_cells_and_their_math():
    text = "Intro $a = 1$.\n\n| $z$ | value |\n|---|---|\n| 2 | $0.5$ |\n| -1 | 0.25 |\n\nAfter $b = 2$.\n"
    doc = document(text)
    items = scan(doc)
    tables = [it for it in items if isinstance(it, Table)]
    spans = [it.text for it in items if isinstance(it, MathSpan)]
    assert spans == ["a = 1", "b = 2"]            # cell math belongs to the table, not the prose
    (table,) = tables
    assert table.line == 3 and [c.text for c in table.header] == ["$z$", "value"]
    assert [c.spans[0].text for c in table.header if c.spans] == ["z"]
    assert [n for n, _ in table.rows] == [5, 6]
    for n, cells in table.rows:
        for cell in cells:
            assert doc.text[cell.start:cell.start + len(cell.text)] == cell.text
            assert doc.line_of(cell.start) == n
    assert table.rows[0][1][1].spans[0].text == "0.5"


def test_pipes_without_a_delimiter_row_are_prose():
    items = scan(document("a | b $x = 1$ | c\n"))
    assert not any(isinstance(it, Table) for it in items)
    assert [it.text for it in items if isinstance(it, MathSpan)] == ["x = 1"]


# ------------------------------------------------------------------ a formula over a bound column

SIGMOID_ROWS = "| 0 | 0.5 |\n| 2 | 0.8808 |\n| -1 | 0.2689 |\n| 3 | 0.9525 |\n| 1 | 0.7000 |\n"
# sigma(0) = 0.5 exactly; sigma(2) = 0.880797 -> 0.8808 rounded; sigma(-1) = 0.268941 -> 0.2689
# rounded; sigma(3) = 0.952574 -> 0.9526, so 0.9525 is cut, wrong in a table that rounds 0.880797 up;
# sigma(1) = 0.731059: 0.7000 wrong
SIGMOID_VERDICTS = ["ok", "rounded", "rounded", "wrong", "wrong"]


def test_sigmoid_column_in_math_is_judged_row_by_row_at_the_row_line():
    text = "Values:\n\n| $z$ | $\\sigma(z)$ |\n|---|---|\n" + SIGMOID_ROWS
    found = claims(text)
    assert [v for _, _, v in found] == SIGMOID_VERDICTS
    assert [line for line, _, _ in found] == [5, 6, 7, 8, 9]
    assert [label for _, label, _ in found] == ["sigma(0)", "sigma(2)", "sigma(-1)", "sigma(3)", "sigma(1)"]


def test_plain_text_and_unicode_headers_read_the_same():
    for header in ("| z | σ(z) |", "| z | sigmoid(z) |", "| $z$ | $\\mathrm{sigmoid}(z)$ |"):
        text = header + "\n|---|---|\n" + SIGMOID_ROWS
        assert [v for _, _, v in claims(text)] == SIGMOID_VERDICTS, header


def test_the_document_s_own_definition_is_used_and_the_wrong_cell_has_its_expected_value():
    # sigma defined by the document; sigma(3) = 0.952574 -> 0.9526 (cut); sigma(1) = 0.731059 -> 0.7311
    text = "$$ \\sigma(z) = \\frac{1}{1 + e^{-z}} $$\n\n| $z$ | $\\sigma(z)$ |\n|---|---|\n" + SIGMOID_ROWS
    wrong = [f for f in check_text(text).findings if f.verdict == "wrong"]
    assert [(f.line, f.printed, f.expected) for f in wrong] == [(8, "0.9525", "0.9526"), (9, "0.7000", "0.7311")]


def test_names_the_document_gave_enter_the_column_formula():
    # w = 0.5, b = 0.25 given in prose; y = w x + b: x = 2 -> 1.25 (ok), x = -1 -> -0.25 (ok),
    # x = 4 -> 2.25, printed 2.5: wrong
    text = ("Take $w = 0.5$ and $b = 0.25$.\n\n| $x$ | $w x + b$ |\n|---|---|\n"
            "| 2 | 1.25 |\n| -1 | -0.25 |\n| 4 | 2.5 |\n")
    assert [(line, v) for line, _, v in claims(text) if line >= 5] == [(5, "ok"), (6, "ok"), (7, "wrong")]


def test_subscripted_names_bind_and_thousands_separators_are_one_number():
    # by hand: 12 * 768^2 = 7,077,888; 12 * 1600^2 = 30,720,000; 12 * 12288^2 = 1,811,939,328
    text = ("| model | $d_{\\text{model}}$ | $12 d_{\\text{model}}^{2}$ |\n|---|---:|---:|\n"
            "| small | 768 | 7,077,888 |\n| large | 1,600 | 30,720,000 |\n| huge | 12,288 | 1,811,939,329 |\n")
    found = check_text(text).findings
    assert [(f.line, f.verdict, f.printed) for f in found] == [
        (3, "ok", "7077888"), (4, "ok", "30720000"), (5, "wrong", "1811939329")]
    assert found[2].expected == "1811939328"


def test_a_row_binding_does_not_leak_into_the_rest_of_the_document():
    # z = 0.8 before the table; after it sigma(z) = sigma(0.8) = 0.689974 -> 0.6900 (rounded)
    text = ("Let $z = 0.8$.\n\n| $z$ | $\\sigma(z)$ |\n|---|---|\n| 2 | 0.8808 |\n\n"
            "Then $\\sigma(z) \\approx 0.6900$.\n")
    assert claims(text)[-1] == (7, "sigma(z)", "rounded")


def test_entry_i_of_a_vector_and_an_index_column():
    # p = (0.5, 0.3, 0.2); ln 0.5 = -0.693147 -> -0.6931, ln 0.3 = -1.203973 -> -1.2040,
    # ln 0.2 = -1.609438 -> -1.6094, printed -1.6049: wrong
    text = ("$p = (0.5, 0.3, 0.2)$\n\n| $i$ | $p_i$ | $\\ln p_i$ |\n|---|---|---|\n"
            "| 1 | 0.5 | -0.6931 |\n| 2 | 0.3 | -1.2040 |\n| 3 | 0.2 | -1.6049 |\n")
    found = [(line, v) for line, _, v in claims(text) if line >= 5]
    assert found == [(5, "ok"), (5, "rounded"), (6, "ok"), (6, "rounded"), (7, "ok"), (7, "wrong")]


def test_an_index_of_a_call():
    # softmax(2, 1, 0.1) = (0.659001, 0.242433, 0.098566) -> 0.6590, 0.2424, 0.0986
    text = ("$z = (2, 1, 0.1)$\n\n| $i$ | $\\mathrm{softmax}(z)_i$ |\n|---|---|\n"
            "| 1 | 0.6590 |\n| 2 | 0.2424 |\n| 3 | 0.0986 |\n")
    assert [v for line, _, v in claims(text) if line >= 5] == ["rounded"] * 3


# ------------------------------------------------------------------ functions defined on patterns

PE = ("$$ \\mathrm{PE}_{(pos, 2i)} = \\sin\\left(\\frac{pos}{10000^{2i/d}}\\right), \\quad "
      "\\mathrm{PE}_{(pos, 2i+1)} = \\cos\\left(\\frac{pos}{10000^{2i/d}}\\right) $$\n\nwith $d = 4$.\n\n")
# PE(1, .) = sin 1, cos 1, sin 0.01, cos 0.01 = 0.841471, 0.540302, 0.00999983, 0.99995000042
# PE(2, .) = 0.909297, -0.416147, sin 0.02 = 0.0199987, cos 0.02 = 0.999800007
# PE(3, .) = 0.141120, -0.989992, sin 0.03 = 0.0299955, cos 0.03 = 0.999550034
PE_ROWS = "| 1 | 0.8415 | 0.5403 | 0.0100 | 1.0000 |\n| 2 | 0.9093 | -0.4161 | 0.0002 | 0.9998 |\n" \
          "| 3 | 0.1411 | -0.9900 | 0.0300 | 0.9996 |\n"


def test_numbered_columns_are_the_defined_function_at_row_and_column():
    text = PE + "| $pos$ | dim 0 | dim 1 | dim 2 | dim 3 |\n|---|---|---|---|---|\n" + PE_ROWS
    found = [f for f in check_text(text).findings if f.label and f.label.startswith("PE")]
    assert [f.label for f in found[4:8]] == ["PE(2,0)", "PE(2,1)", "PE(2,2)", "PE(2,3)"]
    assert {f.verdict for f in found} == {"rounded", "wrong"}
    (bad,) = [f for f in found if f.verdict == "wrong"]
    # 0.0002 is sin(2 / 10000^{4/4}) = 0.000199999999: the exponent taken with i = 2
    assert (bad.line, bad.printed, bad.expected) == (8, "0.0002", "0.0200")
    assert "i = 2" in bad.diagnosis and "i = 1" in bad.diagnosis


def test_numbered_columns_counting_from_one():
    text = PE + "| $pos$ | dim 1 | dim 2 | dim 3 | dim 4 |\n|---|---|---|---|---|\n" + PE_ROWS
    found = [f for f in check_text(text).findings if f.label and f.label.startswith("PE")]
    assert found[0].label == "PE(1,0)" and [f.verdict for f in found].count("wrong") == 1


def test_a_pattern_call_in_a_header_with_an_index_column():
    # PE(pos, 2i), PE(pos, 2i+1) at pos = 1: i = 0 -> sin 1, cos 1; i = 1 -> sin 0.01, cos 0.01
    text = PE + ("| pos | i | PE(pos, 2i) | PE(pos, 2i+1) |\n|---|---|---|---|\n"
                 "| 1 | 0 | 0.8415 | 0.5403 |\n| 1 | 1 | 0.0100 | 1.0000 |\n")
    assert [v for _, label, v in claims(text) if label and label.startswith("PE")] == ["rounded"] * 4


def test_numbered_columns_without_a_function_give_nothing():
    text = "| $t$ | key 1 | key 2 |\n|---|---|---|\n| 1 | 0.7071 | $-\\infty$ |\n| 2 | 3.5355 | 0.7071 |\n"
    assert check_text(text).findings == []


# ------------------------------------------------------------------ quantity | value

def test_a_quantity_value_table():
    # sigma(2) = 0.880797 -> 0.8808; e = 2.718282 -> 2.7183; sqrt 3 = 1.7320508 -> 1.7321 (1.7320
    # cut, wrong where 0.880797 is rounded up); ln 2 = 0.693147 -> 0.6931 (0.6932 wrong); exp(-1) = 0.367879 -> 0.3679
    text = ("| quantity | value |\n|---|---|\n| $\\sigma(2)$ | 0.8808 |\n| $e^{1}$ | 2.7183 |\n"
            "| $\\sqrt{3}$ | 1.7320 |\n| $\\ln 2$ | 0.6932 |\n| exp(-1) | 0.3679 |\n| a note | 3 |\n")
    assert claims(text) == [(3, "sigma(2)", "rounded"), (4, "e^1", "rounded"), (5, "sqrt(3)", "wrong"),
                            (6, "ln(2)", "wrong"), (7, "exp(-1)", "rounded")]


def test_a_named_quantity_is_judged_by_its_formula_and_headers_may_be_subscripted_calls():
    # p = softmax(2, 1, 0.1) = (0.659001, 0.242433, 0.098566) -> (0.6590, 0.2424, 0.0986);
    # PE_{(1,0)} = sin 1 = 0.841471 -> 0.8415, PE_{(1,1)} = cos 1 = 0.540302: 0.5404 is wrong
    text = ("$z = (2, 1, 0.1)$ and $p = \\mathrm{softmax}(z)$.\n\n| name | value |\n|---|---|\n"
            "| $p$ | (0.6590, 0.2424, 0.0986) |\n")
    assert claims(text)[-1] == (5, "p", "rounded")
    text = PE + ("| $pos$ | $\\mathrm{PE}_{(pos,0)}$ | $\\mathrm{PE}_{(pos,1)}$ |\n|---|---|---|\n"
                 "| 1 | 0.8415 | 0.5404 |\n")
    assert [(label, v) for _, label, v in claims(text) if label and label.startswith("PE")] == \
        [("PE(1,0)", "rounded"), ("PE(1,1)", "wrong")]


# ------------------------------------------------------------------ what is not a claim

def test_word_tables_give_no_finding():
    text = ("| query \\ key | the | cat |\n|---|---|---|\n| the | 0.27 | 0.40 |\n| cat | 0.30 | 0.34 |\n\n"
            "| word | logit | probability |\n|---|---|---|\n| 1 | 2.0 | 0.6590 |\n\n"
            "| token | meaning |\n|---|---|\n| 3 | cat |\n\n"
            "| Score (raw) | n |\n|---|---|\n| 0.5 | 2 |\n")
    assert check_text(text).findings == []


def test_an_unevaluable_formula_column_is_unverifiable_never_wrong():
    # sigma^2 names no column and sigma has no value; f is never defined
    text = ("| row | $\\mu$ | $\\sigma^2$ |\n|---|---|---|\n| 1 | 0.600 | 0.515 |\n| 2 | 0.448 | 0.319 |\n\n"
            "| $x$ | $f(x)$ |\n|---|---|\n| 1 | 0.5 |\n")
    found = check_text(text).findings
    assert [(f.line, f.verdict) for f in found] == [(3, "unverifiable"), (4, "unverifiable"), (8, "unverifiable")]
    assert "sigma has no value" in found[0].message


def test_a_constant_formula_over_several_rows_is_not_judged():
    # d = 4 is given, sqrt(d) = 2; the column does not depend on the row, so each row's value is unsaid
    text = "$d = 4$\n\n| $n$ | $\\sqrt{d}$ |\n|---|---|\n| 1 | 2 |\n| 2 | 3 |\n"
    found = [f for f in check_text(text).findings if f.line >= 5]
    assert [(f.line, f.verdict) for f in found] == [(5, "unverifiable"), (6, "unverifiable")]
    assert "names no column" in found[0].message


def test_math_in_a_cell_the_table_does_not_read_is_still_checked():
    # 1 + 1 = 2, so "= 3" is wrong, and it stays wrong inside a table
    text = "| step | working |\n|---|---|\n| one | $1 + 1 = 3$ |\n"
    assert [(f.line, f.verdict) for f in check_text(text).findings] == [(3, "wrong")]


def test_a_blank_argument_is_not_judged_against_another_value():
    # the second row has no z: its cell is not compared with sigma of the document's z
    text = "Let $z = 0.8$.\n\n| $z$ | $\\sigma(z)$ |\n|---|---|\n| 2 | 0.8808 |\n|  | 0.1234 |\n"
    assert [(line, v) for line, _, v in claims(text) if line >= 5] == [(5, "rounded")]


def test_plain_headers_of_words_then_a_formula():
    assert [mp.nstr(1 / (1 + mp.e ** -mp.mpf(z)), 6) for z in ("0.3825", "0.39")] == ["0.594476", "0.596283"]
    # sigma(0.3825) = 0.594476 -> 0.5945 (0.5944 is cut); sigma(0.39) = 0.596282 -> 0.5963 (mpmath)
    text = ("| Neuron | Net Input (z) | Activation σ(z) | Target |\n|---|---|---|---|\n"
            "| H1 | 0.3825 | {v} | — |\n| H2 | 0.3900 | 0.5963 | — |\n")
    assert claims(text.replace("{v}", "0.5945")) == [(3, "sigma(0.3825)", "rounded"), (4, "sigma(0.3900)", "rounded")]
    assert claims(text.replace("{v}", "0.5954"))[0][2] == "wrong"
    # words alone, or words before a function derive knows, are no formula
    plain = "| Net Input | Softmax output (z) |\n|---|---|\n| 0.3825 | 0.5945 |\n"
    assert claims(plain) == []


def test_a_column_headed_by_a_function_is_that_function_of_the_input_column():
    # softmax([2, 1, 0]) = [0.6652, 0.2447, 0.0900]; at T = 2, softmax([1, 0.5, 0]) = [0.5065, 0.3072, 0.1863]
    def softmax(row):
        exps = [mp.e ** x for x in row]
        return [x / sum(exps) for x in exps]
    assert [mp.nstr(x, 4) for x in softmax([2, 1, 0])] == ["0.6652", "0.2447", "0.09003"]
    assert [mp.nstr(x, 4) for x in softmax([1, 0.5, 0])] == ["0.5065", "0.3072", "0.1863"]
    table = ("| Token | Logit | Softmax | Softmax @ T=2 |\n|---|---|---|---|\n"
             "| a | 2.0 | 0.67 | 0.51 |\n| b | 1.0 | 0.24 | {b2} |\n| c | 0.0 | 0.09 | 0.19 |\n")
    right = check_text(table.format(b2="0.31"), "doc.md").findings
    assert sorted(str(c.verdict) for c in right) == ["rounded"] * 6
    wrong = [(c.line, str(c.verdict)) for c in check_text(table.format(b2="0.35"), "doc.md").findings
             if str(c.verdict) == "wrong"]
    assert wrong == [(4, "wrong")]


def test_a_function_column_without_an_input_column_claims_nothing():
    table = "| Token | Softmax |\n|---|---|\n| a | 0.67 |\n| b | 0.33 |\n"
    assert [str(c.verdict) for c in check_text(table, "doc.md").findings if str(c.verdict) != "given"] == []


TOTALS = ("| Part | Weights | Biases | Total |\n|---|---|---|---|\n"
          "| Q | 64 × 64 = 4,096 | 64 | 4,160 |\n| K | 64 × 64 = 4,096 | 64 | {k} |\n"
          "| **Total** | **8,192** | **128** | **{t}** |\n")
# 4,096 + 64 = 4,160 per row; 8,192 + 128 = 8,320 in all (by hand)


def test_a_total_column_and_a_total_row_are_sums_where_the_table_adds_up():
    right = check_text(TOTALS.format(k="4,160", t="8,320"), "doc.md").findings
    assert all(str(c.verdict) == "ok" for c in right) and len(right) == 7
    wrong = [(c.line, str(c.verdict)) for c in check_text(TOTALS.format(k="4,170", t="8,320"), "doc.md").findings
             if str(c.verdict) == "wrong"]
    assert wrong == [(4, "wrong"), (5, "wrong")]       # the row, and the total of the column it is in
    assert [c.line for c in check_text(TOTALS.format(k="4,160", t="8,330"), "doc.md").findings
            if str(c.verdict) == "wrong"] == [5]


def test_a_total_that_is_no_sum_anywhere_claims_nothing():
    # 12 layers x 100 = 1,200: a product in every row, so the column is not a sum
    table = "| Model | Layers | Per layer | Total |\n|---|---|---|---|\n| a | 12 | 100 | 1,200 |\n| b | 24 | 100 | 2,400 |\n"
    assert not any(str(c.verdict) == "wrong" for c in check_text(table, "doc.md").findings)
