r"""LaTeX forms the checker must read like any other matrix or name.

* matrices wrapped in sized brackets (``\left[\begin{array}...\end{array}\right]``)
* printed masks with ``-\infty`` entries
* superscripted names (``W^K``, ``W^{Q}``, ``h^{(1)}``) beside powers and transposes
* an internal error of derive is said to be one, and the check goes on

Expected values are worked out by hand (or with mpmath, as noted) and written
here as literals; derive is never asked for them.
"""

from __future__ import annotations

import pytest

from derive.check.read import nodes as N
from derive.check.bind import chains
from derive.check.read.latex import parse, parse_statements
from derive.check.pipeline import check_file, check_text


def _doc(*displays: str) -> str:
    """A document: a title on line 1, then display k on line 2k + 1."""
    return "# t\n\n" + "\n\n".join(f"$$ {d} $$" for d in displays) + "\n"


def _by_line(text: str, tmp_path=None) -> dict[int, list]:
    if tmp_path is not None:
        path = tmp_path / "doc.md"
        path.write_text(text)
        report = check_file(str(path))
    else:
        report = check_text(text, "doc.md", specs=[])
    out: dict[int, list] = {}
    for f in report.findings:
        out.setdefault(f.line, []).append(f)
    return out


def _one(found: dict[int, list], line: int):
    (f,) = found[line]
    return f


def _no_internal_text(found: dict[int, list]) -> None:
    for fs in found.values():
        for f in fs:
            assert "Error" not in f.message and f.note != "internal-error", f.message


# ----------------------------------------------------------------- 1. wrapped matrices

WRAPPERS = [
    (r"\left[\begin{matrix}", r"\end{matrix}\right]"),
    (r"\left[\begin{array}{cc}", r"\end{array}\right]"),
    (r"\left(\begin{array}{cc}", r"\end{array}\right)"),
    (r"\left(\begin{matrix}", r"\end{matrix}\right)"),
    (r"\Bigl[\begin{matrix}", r"\end{matrix}\Bigr]"),
    (r"\big(\begin{array}{cc}", r"\end{array}\big)"),
    (r"\left\lbrack\begin{array}{cc}", r"\end{array}\right\rbrack"),
    (r"\begin{pmatrix}", r"\end{pmatrix}"),            # the reference form
]


@pytest.mark.parametrize("open_, close", WRAPPERS)
def test_wrapped_matrix_reads_like_a_pmatrix(tmp_path, open_, close):
    m = lambda a, b, c, d: open_ + f" {a} & {b} " + "\\\\" + f" {c} & {d} " + close  # noqa: E731
    text = _doc("E = " + m("0.1", "0.2", "0.3", "0.4"),
                "2E = " + m("0.2", "0.4", "0.6", "0.9"),         # 2 * 0.4 = 0.8, not 0.9
                "F = E + E = " + m("0.2", "0.4", "0.6", "0.8"),  # 0.1+0.1 ... 0.4+0.4: exact
                "3 E = " + m("0.3", "0.6", "0.9", "1.2"))         # 3 * E, exact
    found = _by_line(text, tmp_path)
    _no_internal_text(found)
    d = _one(found, 3)
    assert (d.kind, d.verdict, d.label) == ("definition", "given", "E")
    assert d.message == "defines E (2x2)"
    w = _one(found, 5)
    assert (w.kind, w.verdict) == ("matrix", "wrong")
    assert w.wrong_entries == [{"row": 2, "col": 2, "printed": "0.9", "expected": "0.8"}]
    f = _one(found, 7)
    assert (f.verdict, f.label) == ("ok", "F")
    assert _one(found, 9).verdict == "ok"


def test_bracketed_single_matrix_is_that_matrix():
    # [[1, 2]] is the 1 x 2 row (1, 2), not a matrix holding a matrix
    found = _by_line(_doc("v = [[1, 2]]", r"v + v = [[2, 4]]", r"v + v = [[2, 5]]"))
    assert _one(found, 3).message == "defines v (1x2)"
    assert _one(found, 5).verdict == "ok"
    assert _one(found, 7).verdict == "wrong"


# ----------------------------------------------------------------- 2. -\infty entries

# softmax of the row (0, 1): 1/(1+e) = 0.268941421369995..., e/(1+e) = 0.731058578630004...
# (mpmath, mp.dps = 50); 1/sqrt(2) = 0.707106781186547...
MASK_DOC = _doc(
    r"Q = \begin{pmatrix} 1 & 0 \\ 0 & 1 \end{pmatrix}",                                          # 3
    r"M_1 = \operatorname{mask}\left(\frac{Q Q^T}{\sqrt{2}}\right) = "
    r"\begin{pmatrix} 0.7071 & -\infty \\ 0 & 0.7071 \end{pmatrix}",                              # 5
    r"M_2 = \mathrm{mask}(Q) = \begin{pmatrix} 1 & -\infty \\ 0 & 1 \end{pmatrix}",               # 7
    r"\operatorname{softmax}(M_2) = \begin{pmatrix} 1 & 0 \\ 0.2689 & 0.7311 \end{pmatrix}",      # 9
    r"\mathrm{mask}(Q) = \begin{pmatrix} 1 & 0 \\ 0 & 1 \end{pmatrix}",                           # 11
    r"\mathrm{mask}(Q) = \begin{pmatrix} 1 & -\infty \\ -\infty & 1 \end{pmatrix}",               # 13
    r"\mathrm{mask}(Q) = \begin{pmatrix} 1 & \infty \\ 0 & 1 \end{pmatrix}",                      # 15
    r"S = \begin{pmatrix} 0 & -\inf \\ 0 & 0 \end{pmatrix}",                                      # 17
    r"\operatorname{softmax}(S) = \begin{pmatrix} 1 & 0 \\ 0.5 & 0.5 \end{pmatrix}",              # 19
    r"\operatorname{softmax}\begin{pmatrix} 0 & -\infty \\ 0 & 0 \end{pmatrix} = "
    r"\begin{pmatrix} 1 & 0 \\ 0.5 & 0.5 \end{pmatrix}",                                          # 21
    r"z = [0, -\infty]",                                                                          # 23
    r"\operatorname{softmax}(z) = [1, 0]",                                                        # 25
    r"\begin{pmatrix} 0 & -\infty \\ 0 & 0 \end{pmatrix}",                                        # 27
)


@pytest.fixture(scope="module")
def masks():
    return _by_line(MASK_DOC)


def test_mask_with_minus_infinity_is_judged(masks):
    f = _one(masks, 5)
    assert (f.label, f.verdict) == ("M_1", "rounded")        # 0.7071 rounds 1/sqrt(2); -inf exact
    assert f.printed == "[[0.7071, -inf], [0, 0.7071]]"
    # the 0 among 0.7071 is printed at the grid's precision, so it is 0.0000
    assert f.expected == "[[0.7071, -inf], [0.0000, 0.7071]]"
    assert _one(masks, 7).verdict == "ok"                     # every entry exact


def test_a_definition_with_minus_infinity_binds_the_name(masks):
    f = _one(masks, 9)                                       # softmax(M_2) uses the printed M_2
    assert f.verdict == "rounded" and "softmax(M_2)" in f.message
    assert f.expected == "[[1.0000, 0.0000], [0.2689, 0.7311]]"    # the grid is printed at 4 decimals
    d = _one(masks, 17)
    assert (d.kind, d.verdict, d.message) == ("definition", "given", "defines S (2x2)")
    assert _one(masks, 19).verdict == "ok"                   # softmax(0, -oo) = (1, 0) exactly
    assert _one(masks, 21).verdict == "ok"                   # the literal inside softmax
    assert _one(masks, 23).message == "defines z (1x2)"
    assert _one(masks, 25).verdict == "ok"


@pytest.mark.parametrize("line, row, col, printed, expected", [
    (11, 1, 2, "0", "-inf"),          # a finite number where the mask puts -oo
    (13, 2, 1, "-inf", "0"),          # -oo where the mask keeps the score 0
])
def test_infinity_equals_only_itself(masks, line, row, col, printed, expected):
    f = _one(masks, line)
    assert f.verdict == "wrong"
    assert f.wrong_entries == [{"row": row, "col": col, "printed": printed, "expected": expected}]


def test_plus_infinity_entry_is_plus_infinity(masks):
    # a printed \infty entry is exactly +oo: where the mask puts -oo it is wrong
    f = _one(masks, 15)
    assert f.verdict == "wrong"
    assert f.wrong_entries == [{"row": 1, "col": 2, "printed": "inf", "expected": "-inf"}]


def test_a_bare_mask_is_matched_to_an_earlier_value(masks):
    f = _one(masks, 27)
    assert f.verdict == "ok" and f.message.startswith("agrees with S (line 17)")


def test_unprinted_equations_with_minus_infinity():
    # mask(Q) = [[1, -oo], [0, 1]]; mask(2Q) - Q = [[2-1, -oo-0], [0-0, 2-1]]: the same;
    # mask(3Q) - Q = [[2, -oo], [0, 2]]: 2 of 4 entries differ;
    # mask(2Q)^T - Q = [[1, 0], [-oo, 1]]: -oo and 0 swap places, 2 of 4 differ
    found = _by_line(_doc(r"Q = \begin{pmatrix} 1 & 0 \\ 0 & 1 \end{pmatrix}",
                          r"\mathrm{mask}(Q) = \mathrm{mask}(2 Q) - Q",
                          r"\mathrm{mask}(Q) = \mathrm{mask}(3 Q) - Q",
                          r"\mathrm{mask}(Q) = \mathrm{mask}(2 Q)^T - Q"))
    assert _one(found, 5).verdict == "ok"
    assert _one(found, 7).verdict == "wrong" and _one(found, 7).message.startswith("2 of 4 entries")
    assert _one(found, 9).verdict == "wrong" and _one(found, 9).message.startswith("2 of 4 entries")


def test_infinity_outside_a_matrix_stays_special():
    chain = parse(r"x \leq \infty")
    assert isinstance(chain.parts[1], N.Special)


# ----------------------------------------------------------------- 3. superscripted names

def test_superscript_parses():
    assert isinstance(parse("W^K"), N.Pow)                    # a use: a power node, key W^K
    assert N.key(parse("W^K")) == "W^K"
    (lhs,) = [c.parts[0] for c in parse_statements(r"W^{K} = 1")]
    assert isinstance(lhs, N.Sym) and lhs.name == "W^K"       # being defined: a name
    (lhs,) = [c.parts[0] for c in parse_statements(r"W^{\text{enc}} = 1")]
    assert isinstance(lhs, N.Sym) and lhs.name == "W^enc"
    for text in (r"e^{x} = 1", "x^2 = 1", r"x^{-1} = 1", r"10000^{2i/d} = 1", "K^T = 1",
                 r"K^\top = 1", r"K^{\intercal} = 1", r"(W^K)^T = 1"):
        (lhs,) = [c.parts[0] for c in parse_statements(text)]
        assert not isinstance(lhs, N.Sym), text
    assert isinstance(parse(r"K^\top"), N.Transpose)
    t = parse("W_Q^T")
    assert isinstance(t, N.Transpose) and t.arg.name == "W_Q"
    t = parse("(W^K)^T")
    assert isinstance(t, N.Transpose) and isinstance(t.arg, N.Pow)
    h = parse(r"h^{(1)}")
    assert isinstance(h, N.Sym) and h.name == "h^(1)"
    assert parse(r"h^{(l+1)}").name == "h^(l+1)"
    assert parse(r"h^{(1)}_2").name == "h^(1)_2"


SUPERSCRIPT_DOC = _doc(
    r"X = \begin{pmatrix} 1 & 2 \\ 3 & 4 \end{pmatrix}, \quad "
    r"W^{Q} = \begin{pmatrix} 1 & 0 \\ 1 & 1 \end{pmatrix}",                        # 3
    r"Q = X W^Q = \begin{pmatrix} 3 & 2 \\ 7 & 4 \end{pmatrix}",                    # 5: [1+2, 2; 3+4, 4]
    r"(W^Q)^T = \begin{pmatrix} 1 & 1 \\ 0 & 1 \end{pmatrix}",                      # 7
    r"X (W^{Q})^T = \begin{pmatrix} 1 & 3 \\ 3 & 7 \end{pmatrix}",                  # 9: [1, 1+2; 3, 3+4]
    r"W_Q = \begin{pmatrix} 2 & 0 \\ 0 & 2 \end{pmatrix}",                          # 11
    r"X W_Q^T = \begin{pmatrix} 2 & 4 \\ 6 & 8 \end{pmatrix}",                      # 13: 2X
    r"Q Q^\top = \begin{pmatrix} 13 & 29 \\ 29 & 65 \end{pmatrix}",                 # 15: 9+4, 21+8; 49+16
    r"h^{(1)} = \begin{pmatrix} 1 & 1 \end{pmatrix}",                               # 17
    r"h^{(2)} = h^{(1)} X = \begin{pmatrix} 4 & 6 \end{pmatrix}",                   # 19: (1+3, 2+4)
    r"x = 2, \quad n = 3",                                                          # 21
    r"x^n = 8",                                                                     # 23: 2^3, a power
    r"x^{n} = 9",                                                                   # 25: wrong
    r"e^{n} \approx 20.09",                                                         # 27: e^3 = 20.0855...
    r"x^2 = 4",                                                                     # 29
    r"10000^{n / 6} = 100",                                                         # 31: 10^(4/2)
)


@pytest.fixture(scope="module")
def supers():
    return _by_line(SUPERSCRIPT_DOC)


@pytest.mark.parametrize("line, label, verdict", [
    (5, "Q", "ok"), (7, "(W^Q)^T", "ok"), (9, "X*(W^Q)^T", "ok"), (13, "X*W_Q^T", "ok"),
    (15, "Q*Q^T", "ok"), (19, "h^(2)", "ok"), (23, "x^n", "ok"), (25, "x^n", "wrong"),
    (27, "e^n", "rounded"), (29, "x^2", "ok"), (31, None, "ok"),
])
def test_superscripted_names_beside_powers(supers, line, label, verdict):
    f = _one(supers, line)
    assert f.verdict == verdict, f.message
    if label is not None:
        assert f.label == label


def test_superscripted_names_are_definitions(supers):
    defs = {f.label: f.message for f in supers[3]}
    assert defs == {"X": "defines X (2x2)", "W^Q": "defines W^Q (2x2)"}
    assert _one(supers, 17).message == "defines h^(1) (1x2)"
    assert _one(supers, 25).expected == "8"


def test_superscripted_name_inside_a_function_body():
    # f(x) = x W^Q with W^Q = [[1, 0], [1, 1]]: f((1, 2)) = (1 + 2, 2) = (3, 2);
    # W_1^K = 2 (a subscripted base), 3 W_1^K = 6
    found = _by_line(_doc(r"W^Q = \begin{pmatrix} 1 & 0 \\ 1 & 1 \end{pmatrix}",
                          r"f(x) = x W^Q",
                          r"f([1, 2]) = \begin{pmatrix} 3 & 2 \end{pmatrix}",
                          r"f([1, 1]) = \begin{pmatrix} 2 & 2 \end{pmatrix}",
                          r"W_1^{K} = 2, \quad y = 3 W_1^K = 6"))
    assert _one(found, 7).verdict == "ok"
    assert _one(found, 9).verdict == "wrong"          # (1 + 1, 1) = (2, 1)
    assert {f.label: f.verdict for f in found[11]} == {"W_1^K": "given", "y": "ok"}


# ----------------------------------------------------------------- 4. whole numbers are exact inputs

def test_whole_number_definition_is_an_exact_input(tmp_path):
    # X W^K = [[1,0],[0,1]] [[0,1],[1,1]] = [[0,1],[1,1]]; the document prints a 2
    # at (2, 2): wrong, not a rounding of inputs that were never rounded
    for text in (_doc(r"X = \begin{pmatrix} 1 & 0 \\ 0 & 1 \end{pmatrix}, \quad "
                      r"W^K = \begin{pmatrix} 0 & 1 \\ 1 & 1 \end{pmatrix}",
                      r"K = X W^K = \begin{pmatrix} 0 & 1 \\ 1 & 2 \end{pmatrix}"),
                 _doc(r"X = \begin{pmatrix} 1 & 0 \\ 0 & 1 \end{pmatrix}",
                      r"W^{K} = \left[\begin{array}{cc} 0 & 1 \\ 1 & 1 \end{array}\right]",
                      r"K = X W^{K} = \begin{pmatrix} 0 & 1 \\ 1 & 2 \end{pmatrix}")):
        found = _by_line(text, tmp_path)
        last = max(found)
        k = _one(found, last)
        assert (k.label, k.verdict) == ("K", "wrong")
        assert k.expected == "[[0, 1], [1, 1]]"
        assert k.wrong_entries == [{"row": 2, "col": 2, "printed": "2", "expected": "1"}]
        assert any(f.label == "W^K" and f.kind == "definition" for fs in found.values() for f in fs)


# ----------------------------------------------------------------- internal errors

def test_internal_error_is_reported_as_such_and_the_check_goes_on(monkeypatch):
    real = chains.StatementBinder.links

    def links(self, done, label, *args, **kwargs):
        if label is not None and N.key(label) == "B":
            raise AttributeError("'Thing' object has no attribute 'x'")
        return real(self, done, label, *args, **kwargs)

    monkeypatch.setattr(chains.StatementBinder, "links", links)
    found = _by_line(_doc("A = 2", "B = A + 1 = 3", "C = A + 2 = 4", "D = A + 3 = 6"))
    f = _one(found, 5)
    assert f.verdict == "unverifiable" and f.note == "internal-error"
    assert "bug of derive" in f.message and "AttributeError" in f.message
    assert "could not evaluate" not in f.message
    assert _one(found, 7).verdict == "ok"          # 2 + 2 = 4
    assert _one(found, 9).verdict == "wrong"       # 2 + 3 = 5, not 6
