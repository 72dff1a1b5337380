r"""More notation the checker must read as the author means it (second red team).

1. digits grouped by thousands: ``12{,}288``, ``12\,288``, and a bare ``12,288`` where
   a list makes no sense; ``(1,288)``, ``A_{1,100}`` and ``0{,}125`` are not grouped
2. words beside an aligned derivation (``\quad \text{(exponentiate)}``, ``\text{ by (3)}``)
   are comments: no label, no definition, and ``&=`` still continues the line before
3. ``\underbrace{X}_{note}`` / ``\overbrace{X}^{note}`` are X, a note ``\approx v`` is a
   claim about X; ``\mathrm{diag}(v)``; the norms ``\lVert x \rVert``, ``\|x\|``, ``\|x\|_2``;
   an unreadable line voids only its own statement
4. ``p_0`` is the first entry of a vector p that has no p_0 of its own
5. ``\sum_j e^{z_j}`` without bounds runs over the entries of the vectors it indexes
6. an entry that the rounding of the inputs explains is not listed among the differing ones
7. a restatement: whole numbers printed without a point are exact (no rounding of 1.3)
8. a table header with a word and math (``exponential $e^{z_i}$``) reads the math

Every expected value is worked out by hand or with mpmath (mp.dps = 50, as noted)
and written here as a literal; derive is never asked for it.
"""

from __future__ import annotations

import pytest

from derive.check.read import nodes as N
from derive.check.judge.compare import judge_both_printed
from derive.check.read.latex import parse, parse_statements
from derive.check.read.lexer import tokenize
from derive.check.pipeline import check_text
from derive.numbers import parse_decimal


def _findings(text: str) -> list:
    return check_text(text, "doc.md", specs=[]).findings


def _on(text: str, line: int) -> list:
    return [f for f in _findings(text) if f.line == line]


def _verdicts(text: str, line: int) -> list[str]:
    return sorted(f.verdict for f in _on(text, line))


# ----------------------------------------------------------------- 1. thousands separators

@pytest.mark.parametrize("latex, number", [
    ("12{,}288", "12288"),
    (r"12\,288", "12288"),
    ("1{,}024{,}000", "1024000"),
    ("1,024", "1024"),
    ("1{,}234.5", "1234.5"),
])
def test_grouped_digits_are_one_number(latex, number):
    (tok,) = tokenize(latex)
    assert (tok.kind, tok.text) == ("NUM", number)


@pytest.mark.parametrize("latex", ["(1,288)", "[1,288]", "A_{1,100}", "f(0,125)", "1,234,56", "0{,}125",
                                   "1, 288", "3,14"])
def test_pairs_and_decimal_commas_are_not_grouped(latex):
    assert any(t.text == "," for t in tokenize(latex))


def test_a_bare_comma_groups_outside_brackets_only():
    # 1,024 at the top and in a fraction is a thousand; in parentheses a pair
    assert N.key(parse(r"\frac{12,288}{96}")) == "(12288)/(96)"
    assert isinstance(parse("(1,288)"), N.Tuple)


# 6272 + 1040 = 7312 (by hand); 12288 / 96 = 128; 1024 + 2048 = 3072
@pytest.mark.parametrize("math, verdict", [
    ("6{,}272 + 1{,}040 = 7{,}312", "ok"),
    ("6{,}272 + 1{,}040 = 7{,}213", "wrong"),
    (r"d = 12\,288 / 96 = 128", "ok"),
    (r"d = 12\,288 / 96 = 129", "wrong"),
    ("1,024 + 2,048 = 3,072", "ok"),
    ("1,024 + 2,048 = 3,027", "wrong"),
])
def test_sums_of_grouped_numbers_are_judged(math, verdict):
    assert _verdicts(f"# t\n\n${math}$\n", 3)[-1] == verdict


# ----------------------------------------------------------------- 2. comments in aligned

def _aligned(*lines: str) -> str:
    """An aligned block whose k-th line (from 0) is on line 5 + k."""
    return "# t\n\n$$\n\\begin{aligned}\n" + " \\\\\n".join(lines) + "\n\\end{aligned}\n$$\n"


# e + 1 + 1/e = 4.0861612696... (mpmath, mp.dps = 50): 4.0862 at 4 decimals
@pytest.mark.parametrize("note", [r"\quad \text{(exponentiate)}", r"\qquad\text{by (3)}", r"\text{ by (3)}",
                                  r"\quad \text{exponentiate}"])
@pytest.mark.parametrize("total, verdict", [("4.0862", "rounded"), ("4.1962", "wrong")])
def test_a_comment_is_no_label_and_the_derivation_goes_on(note, total, verdict):
    doc = _aligned("Z &= e^{1} + e^{0} + e^{-1}", f"  &\\approx 2.7183 + 1 + 0.3679 {note}", f"  &= {total}")
    found = _findings(doc)
    assert not any(f.kind == "definition" for f in found)
    (last,) = [f for f in found if f.line == 7]
    assert last.verdict in ((verdict, "ok") if verdict == "rounded" else (verdict,))
    assert "Z" in (last.label or "")


def test_a_header_in_words_alone_still_names_a_column():
    # a span that is only upright text is kept (a table header such as $\text{val loss}$)
    (chain,) = parse_statements(r"\text{val loss}")
    assert N.key(chain) == "val loss"


# ----------------------------------------------------------------- 3. braces, diag, norms

def test_underbrace_is_its_argument():
    # 1/4 (2 - 1 + 0 + 3) = 1 (by hand)
    assert _verdicts(r"# t" "\n\n" r"$\mu = \underbrace{\tfrac{1}{4}(2 - 1 + 0 + 3)}_{\text{mean}} = 1$" "\n", 3) == ["ok"]
    assert _verdicts(r"# t" "\n\n" r"$\mu = \underbrace{\tfrac{1}{4}(2 - 1 + 0 + 3)}_{\text{mean}} = 2$" "\n", 3) == ["wrong"]


# sqrt(2.5) = 1.58113883008... (mpmath, mp.dps = 50): 1.5811 at 4 decimals
@pytest.mark.parametrize("printed, verdict", [("1.5811", "rounded"), ("1.5812", "wrong")])
def test_a_note_under_a_brace_is_a_claim(printed, verdict):
    doc = "# t\n\n" + r"$\sigma = \underbrace{\sqrt{2.5}}_{\approx " + printed + "}$\n"
    (f,) = [f for f in _on(doc, 3) if f.kind != "definition"]
    assert f.verdict == verdict and f.label == "sqrt(2.5)"


# 1 + 2 + 3 = 6 (by hand)
@pytest.mark.parametrize("note, verdict", [("= 6", "ok"), ("= 7", "wrong")])
def test_overbrace_note_and_a_continued_derivation(note, verdict):
    doc = _aligned("t &= 1 + 2 + 3", "  &= \\overbrace{4 + 2}^{" + note + "}", "  &= 5")
    found = _findings(doc)
    (noted,) = [f for f in found if f.line == 6 and f.kind == "scalar"]
    assert noted.verdict == verdict and "4 + 2" in noted.message
    (last,) = [f for f in found if f.line == 7]
    assert last.verdict == "wrong" and "t" in last.label    # 5 is no value of t = 6


def test_an_unreadable_line_voids_only_itself():
    doc = _aligned("a &= 1 + 2 = 3", r"b &= \mathfrak{q} + 1 = 4", "d &= 2 \\cdot 3 = 7")
    found = _findings(doc)
    assert [f.verdict for f in found if f.line == 5] == ["ok"]
    assert [f.verdict for f in found if f.line == 7] == ["wrong"]        # 2 * 3 = 6


# a = (0.6, 0.4) as a row: a^T a = [[0.36, 0.24], [0.24, 0.16]] (by hand), so
# diag(a) - a^T a = [[0.24, -0.24], [-0.24, 0.24]]
@pytest.mark.parametrize("matrix, verdict", [
    (r"\begin{pmatrix} 0.6 & 0 \\ 0 & 0.4 \end{pmatrix}", "ok"),
    (r"\begin{pmatrix} 0.4 & 0 \\ 0 & 0.6 \end{pmatrix}", "wrong"),
])
def test_diag_of_a_vector(matrix, verdict):
    doc = "# t\n\nLet $a = (0.6, 0.4)$.\n\n$$ \\mathrm{diag}(a) = " + matrix + " $$\n"
    assert _verdicts(doc, 5) == [verdict]


@pytest.mark.parametrize("matrix, verdict", [
    (r"\begin{pmatrix} 0.24 & -0.24 \\ -0.24 & 0.24 \end{pmatrix}", "ok"),
    (r"\begin{pmatrix} 0.24 & 0.24 \\ -0.24 & 0.24 \end{pmatrix}", "wrong"),
])
def test_diag_minus_an_outer_product(matrix, verdict):
    doc = "# t\n\nLet $a = (0.6, 0.4)$.\n\n$$ \\mathrm{diag}(a) - a^\\top a = " + matrix + " $$\n"
    assert _verdicts(doc, 5) == [verdict]


# ||(1, 2, 2)|| = sqrt(1 + 4 + 4) = 3; ||(3, 4)|| = 5 (by hand)
@pytest.mark.parametrize("math, verdict", [
    (r"\lVert y \rVert = 3", "ok"), (r"\lVert y \rVert = 4", "wrong"),
    (r"\|y\| = 3", "ok"), (r"\|y\|_2 = 2", "wrong"),
    (r"2 \|y\|_2 = 6", "ok"), (r"\|y\|^2 = 9", "ok"), (r"\|y\|^2 = 8", "wrong"),
    (r"\left\| y \right\| = 3", "ok"), ("||y|| = 3", "ok"), ("‖y‖ = 3", "ok"),
    (r"\lVert (3, 4) \rVert = 5", "ok"), (r"\lVert (3, 4) \rVert = 6", "wrong"),
])
def test_euclidean_norms(math, verdict):
    doc = f"# t\n\nLet $y = (1, 2, 2)$.\n\n${math}$\n"
    assert _verdicts(doc, 5) == [verdict]


def test_the_norm_key_and_absolute_bars():
    assert N.key(parse(r"\lVert x \rVert")) == "‖x‖"
    assert N.key(parse(r"\lvert x \rvert")) == "abs(x)"


# ----------------------------------------------------------------- 4. zero-based p_0

# z = (1, 2, 3): -ln softmax(z)_first = 2.40760596444... (mpmath, mp.dps = 50) -> 2.4076
@pytest.mark.parametrize("printed, verdict", [("2.4076", "rounded"), ("2.4706", "wrong")])
def test_p_0_is_the_first_entry(printed, verdict):
    doc = ("# t\n\nWith $z = (1, 2, 3)$, $p = \\mathrm{softmax}(z) \\approx (0.0900, 0.2447, 0.6652)$ "
           f"and $\\mathcal{{L}} = -\\ln p_0 \\approx {printed}$.\n")
    (f,) = [f for f in _on(doc, 3) if f.label == "L"]
    assert f.verdict == verdict


def test_a_name_p_0_of_its_own_wins():
    doc = "# t\n\nLet $p = (0.25, 0.75)$ and $p_0 = 0.5$. Then $2 p_0 = 1$.\n"
    assert [f.verdict for f in _on(doc, 3) if f.label == "2*p_0"] == ["ok"]


# ----------------------------------------------------------------- 5. sums without bounds

# z = (1, 2, 3): sum e^z = 30.1928748505... ; entropy of softmax(z) = 0.83239558183... nats
# (0.83236519574... from the printed p), 0.36150480795... in base 10 (mpmath, mp.dps = 50)
@pytest.mark.parametrize("math, verdict", [
    (r"\sum_j e^{z_j} \approx 30.1929", "rounded"),
    (r"\sum_j e^{z_j} \approx 30.1392", "wrong"),
    (r"H = -\sum_i p_i \ln p_i \approx 0.8324", "rounded"),
    (r"H = -\sum_i p_i \ln p_i \approx 0.3615", "wrong"),
    (r"\sum_{j} z_j = 6", "ok"),
    (r"\sum_i z_i^2 = 14", "ok"),
    (r"\sum_i z_i^2 = 15", "wrong"),
])
def test_a_sum_runs_over_the_vector(math, verdict):
    doc = f"# t\n\nLet $z = (1, 2, 3)$ and $p = \\mathrm{{softmax}}(z) \\approx (0.0900, 0.2447, 0.6652)$.\n\n${math}$\n"
    assert _verdicts(doc, 5) == [verdict]


def test_sum_key_and_unequal_lengths():
    assert N.key(parse(r"\sum_j e^{z_j}")) == "sum_j(e^z_j)"
    doc = "# t\n\nLet $a = (1, 2)$, $b = (1, 2, 3)$.\n\n$\\sum_j a_j b_j = 5$\n"
    assert _verdicts(doc, 5) == ["unverifiable"]


# 0.5 (1, 0) + 0.25 (0, 4) = (0.5, 1) (by hand)
@pytest.mark.parametrize("printed, verdict", [("(0.5, 1)", "ok"), ("(0.5, 2)", "wrong")])
def test_v_j_names_the_vectors_v_1_v_2(printed, verdict):
    doc = f"# t\n\nLet $w = (0.5, 0.25)$, $v_1 = (1, 0)$, $v_2 = (0, 4)$.\n\n$o = \\sum_j w_j v_j = {printed}$\n"
    assert _verdicts(doc, 5) == [verdict]


# ----------------------------------------------------------------- 6. explained entries

# printed heads: 1.4240 + 1.6728 = 3.0968 and 0.2840 + 0.6728 = 0.9568 (by hand); each
# head entry is good to +-0.00005, so 3.0969 is within the rounding of its inputs
X13 = ("# t\n\nThe heads are $\\mathrm{{head}}_1 \\approx \\begin{{pmatrix}} 1.4240 & 0.2840 \\end{{pmatrix}}$ and\n"
       "$\\mathrm{{head}}_2 \\approx \\begin{{pmatrix}} 1.6728 & 0.6728 \\end{{pmatrix}}$. With\n"
       "$W^O = \\begin{{pmatrix}} 1 & 0 \\\\ 0 & 1 \\\\ 1 & 0 \\\\ 0 & 1 \\end{{pmatrix}}$,\n\n"
       "$$ \\mathrm{{Concat}}(\\mathrm{{head}}_1, \\mathrm{{head}}_2)\\, W^O \\approx "
       "\\begin{{pmatrix}} 3.0969 & {second} \\end{{pmatrix}} $$\n")


def test_only_the_unexplained_entry_differs():
    (f,) = _on(X13.format(second="0.9586"), 7)
    assert f.verdict == "wrong"
    assert [(e["row"], e["col"]) for e in f.wrong_entries] == [(1, 2)]
    assert "1 of 2" in f.message


def test_all_entries_explained_is_a_rounding():
    (f,) = _on(X13.format(second="0.9568"), 7)
    assert f.verdict == "rounded"


# ----------------------------------------------------------------- 7. restatements

def _grid(*rows):
    return tuple(tuple(parse_decimal(x) for x in row) for row in rows)


@pytest.mark.parametrize("new, old, verdict", [
    (("1.3", "2.1"), ("1", "2"), "wrong"),          # (1, 2) is exact: no rounding of (1.3, 2.1)
    (("1", "2"), ("1.3", "2.1"), "wrong"),
    (("1.0", "2.0"), ("1", "2"), "ok"),
    (("0.37", "1"), ("0.3679", "1"), "rounded"),    # the 1 beside 0.3679 is 1.0000
    (("0.37", "1.2"), ("0.3679", "1"), "wrong"),
    (("0.3679", "1"), ("0.37", "1"), "rounded"),
])
def test_whole_numbers_in_a_restatement_are_exact(new, old, verdict):
    assert judge_both_printed(_grid(new), _grid(old)).verdict == verdict


def test_a_lone_number_may_still_round():
    # x = 2.93, "roughly x ~ 3": a lone whole number restated is a rounding
    assert _verdicts("# t\n\nLet $x = 2.93$. Roughly, $x \\approx 3$.\n", 3) == ["given", "rounded"]


# W - eta g = (1, 2) - 0.5 (0.6, 0.2) = (0.7, 1.9); W + eta g = (1.3, 2.1) (by hand)
def test_the_diagnosis_does_not_blame_a_dropped_term():
    doc = ("# t\n\nLet $W = (1, 2)$, $g = (0.6, 0.2)$ and $\\eta = 0.5$.\n\n"
           "The step gives $W' = W - \\eta g \\approx (1.3, 2.1)$.\n")
    (f,) = [f for f in _on(doc, 5) if f.verdict == "wrong"]
    assert "dropped" not in (f.diagnosis or "") and "sign" in (f.diagnosis or "")


# ----------------------------------------------------------------- 8. table headers

# e^1 = 2.71828..., e^2 = 7.38905... (mpmath, mp.dps = 50)
@pytest.mark.parametrize("second, verdict", [("7.3891", "rounded"), ("7.3819", "wrong")])
def test_a_header_with_a_word_and_math_reads_the_math(second, verdict):
    doc = ("# t\n\nLet $z = (1, 2, 3)$.\n\n| $i$ | logit $z_i$ | exponential $e^{z_i}$ |\n|---|---|---|\n"
           f"| 1 | 1 | 2.7183 |\n| 2 | 2 | {second} |\n")
    (f,) = [f for f in _on(doc, 8) if "e^" in (f.label or "")]
    assert f.verdict == verdict


# ----------------------------------------------------------------- a vector written two ways

# z = (1, 2, 3) printed as a column, d as a tuple: z - d = (0.5, 2, 3.5) entry by entry (by hand)
@pytest.mark.parametrize("printed, verdict", [("(0.5, 2, 3.5)", "ok"), ("(0.5, 2, 2.5)", "wrong")])
def test_a_column_minus_a_row_of_the_same_length(printed, verdict):
    doc = ("# t\n\nLet $z = \\begin{pmatrix} 1 \\\\ 2 \\\\ 3 \\end{pmatrix}$ and $d = (0.5, 0, -0.5)$.\n\n"
           f"$z - d = {printed}$\n")
    assert _verdicts(doc, 5)[-1] == verdict
