"""Inputs the fuzzer (tests/test_fuzz.py, bench/fuzz.py) found derive failing on,
each written again here by hand, with what derive must do instead."""

from derive.cli import main

SPEC_HEAD = 'name = "masked"\n[inputs]\nA = [[1, 2], [3, 1]]\n'


def step(name: str, stage: str, *operands: str) -> str:
    ops = ", ".join(f'"{o}"' for o in operands)
    return f'[[steps]]\nname = "{name}"\nstage = "{stage}"\noperands = [{ops}]\n'


def run_spec(tmp_path, body: str, capsys) -> tuple[int, str]:
    path = tmp_path / "masked.toml"
    path.write_text(SPEC_HEAD + body, encoding="utf-8")
    code = main(["run", str(path), "--format", "json"])
    return code, capsys.readouterr().err


def test_a_causal_mask_plus_a_computed_value_stays_minus_infinity(tmp_path, capsys):
    # -oo + log(2) is -oo; it was a sum SymPy could not close, and the Arb walk failed on it
    body = step("M", "causal_mask", "A") + step("Z", "logits", "A") + step("S", "add", "M", "Z")
    assert run_spec(tmp_path, body, capsys) == (0, "")


def test_a_causal_mask_times_a_value_of_unknown_sign_is_refused_by_name(tmp_path, capsys):
    body = step("M", "causal_mask", "A") + step("Z", "logits", "A") + step("S", "matmul", "M", "Z")
    code, err = run_spec(tmp_path, body, capsys)
    assert code == 2
    assert err.startswith("derive: error: ") and "step 'S': entry (1, 1)" in err and "infinity" in err


def test_a_number_printed_where_a_causal_mask_has_minus_infinity_is_wrong(tmp_path, capsys):
    body = step("M", "causal_mask", "A") + "printed = [[1, 0], [3, 1]]\n"
    path = tmp_path / "masked.toml"
    path.write_text(SPEC_HEAD + body, encoding="utf-8")
    assert main(["run", str(path)]) == 1          # the 0 printed for -oo is wrong
    page = capsys.readouterr().out
    assert "\\boxed{0}" in page and "\\boxed{1}" not in page   # only the 0 printed for -oo is marked


def test_comparing_a_decimal_with_minus_infinity_says_wrong():
    import sympy as sp

    from derive.numbers import compare

    found = compare("0.5", -sp.oo)
    assert (found.verdict, found.expected) == ("wrong", "-inf")


def test_the_log_of_an_earlier_negative_entry_is_refused_by_name(tmp_path, capsys):
    # logits of probabilities are negative; a cross-entropy taking them as probabilities
    # takes their log: complex, seen only once the earlier step's values are put in
    path = tmp_path / "logs.toml"
    path.write_text('[inputs]\nP = [0.25, 0.75]\n' + step("Z", "logits", "P") + step("L", "cross_entropy", "Z", "P"),
                    encoding="utf-8")
    assert main(["run", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("derive: error: ") and "step 'L'" in err and "not real" in err


def _softmax_entry(k: int):
    """softmax([2.941, 2222222.5849, -0.6085])_k, exactly: one score so large that the
    others' weights are below 2^-65536 and the large one's is 1 minus that."""
    import sympy as sp

    scores = [sp.Rational(2941, 1000), sp.Rational(22222225849, 10000), sp.Rational(-1217, 2000)]
    return sp.exp(scores[k]) / sum(sp.exp(s) for s in scores)


def test_a_weight_below_two_to_the_minus_65536_rounds_to_zero():
    from derive.numbers import compare, grid_value

    assert grid_value(_softmax_entry(0), 4) == 0
    assert grid_value(-_softmax_entry(2), 4, "truncate") == 0
    assert compare("0.0166", _softmax_entry(0)).verdict == "wrong"


def test_a_weight_a_hair_under_one_is_undecidable_at_once_not_after_seconds_of_simplify():
    import time

    import pytest

    from derive.errors import UndecidableError
    from derive.numbers import grid_value

    start = time.monotonic()
    with pytest.raises(UndecidableError):     # cut to 4 decimals: 0.9999 or 1.0000 needs 3 million bits
        grid_value(_softmax_entry(1), 4, "truncate")
    assert time.monotonic() - start < 2


def test_a_softmax_row_with_a_huge_score_is_judged_within_its_budget():
    import time

    from derive.check.pipeline import check_text

    doc = ("$$ S = \\begin{pmatrix} 2.9410 & 2222222.5849 & -0.6085 \\end{pmatrix} $$\n\n"
           "$$ A = \\mathrm{softmax}(S) = \\begin{pmatrix} 0.5783 & 0.4051 & 0.0166 \\end{pmatrix} $$\n")
    start = time.monotonic()
    findings = check_text(doc, "doc.md").findings
    assert time.monotonic() - start < 10
    assert [(c.label, str(c.verdict)) for c in findings if c.line == 3] == [("A", "wrong")]


def test_a_time_limit_inside_another_leaves_the_outer_one_armed():
    # the judge puts a limit on each claim; a caller's limit on the whole check
    # was switched off by the first claim's, so a slow document could run on
    import time

    import pytest

    from derive.budget import OutOfTime, time_limit

    start = time.monotonic()
    with pytest.raises(OutOfTime):
        with time_limit(0.2):
            with time_limit(5):
                pass
            while time.monotonic() - start < 3:   # a run-away block, cut at 0.2 s
                pass


def test_a_time_limit_inside_a_shorter_one_ends_with_the_outer_one():
    import time

    import pytest

    from derive.budget import OutOfTime, time_limit

    start = time.monotonic()
    with pytest.raises(OutOfTime):
        with time_limit(0.2):
            with time_limit(30):
                while time.monotonic() - start < 3:
                    pass
    assert time.monotonic() - start < 2


def test_an_argmax_of_an_exact_tie_in_a_chain_is_no_internal_error(tmp_path, capsys):
    # both entries of a row are sigmoid(3): equal exactly, so no ball can order them
    path = tmp_path / "tie.toml"
    path.write_text('[inputs]\nH = [[3, 3], [1, 2]]\n' + step("A", "sigmoid", "H")
                    + step("I", "argmax", "A") + 'vocabulary = ["yes", "no"]\n', encoding="utf-8")
    assert main(["run", str(path), "--format", "json"]) == 0
    assert capsys.readouterr().err == ""


def test_an_argmax_of_an_exact_tie_picks_the_first_and_later_digits_follow(tmp_path):
    from derive.derivation import run
    from derive.spec import load_spec

    path = tmp_path / "tie.toml"
    path.write_text('[inputs]\nH = [[3, 3], [1, 2]]\n' + step("A", "sigmoid", "H") + step("I", "argmax", "A"),
                    encoding="utf-8")
    d = run(load_spec(path))
    assert d.digits("I", 0) == [["0"], ["1"]]
    assert d.digits("A", 4)[0] == ["0.9526", "0.9526"]


def test_a_power_to_a_fraction_with_a_long_numerator_is_refused_not_expanded():
    # 16796000^{3990319/1000000}: SymPy would write out 16796000^3990319 (30 million digits)
    import time

    from derive.check.pipeline import check_text

    start = time.monotonic()
    found = check_text("$$ 16796000^{3.990319} = 15.9 $$\n", "doc.md").findings
    assert time.monotonic() - start < 5
    assert [str(c.verdict) for c in found] == ["unverifiable"]
    assert "p or q past" in found[0].message
    assert [str(c.verdict) for c in check_text("$$ 2^{0.5} \\approx 1.4142 $$\n").findings] == ["rounded"]


def test_the_float_screen_of_a_number_past_float64_is_infinite_not_an_error():
    import math

    import sympy as sp

    from derive.check.evaluate.fastface import FAST

    assert FAST.number(sp.Integer(10) ** 400) == math.inf
    assert FAST.number(-sp.Integer(10) ** 400) == -math.inf
    assert FAST.number(sp.Rational(10 ** 320, 10 ** 299)) == 1e21     # a long numerator, a float value
    assert FAST.number(sp.Rational(3, 4)) == 0.75


def test_a_number_whose_last_place_is_past_float_range_is_screened_not_an_error():
    from derive.check.pipeline import check_text

    # "0.e311" is 0 good to its last place, 10^311: the float screen of the gap used to overflow
    found = check_text("$$ e^{1} / (e^{1} + e^{0}) \\approx 0.e311 $$\n", "doc.md").findings
    assert [c.note for c in found if c.note == "internal-error"] == []
    assert [str(c.verdict) for c in check_text("$$ e^{1} / (e^{1} + e^{0}) \\approx 0.7311 $$\n").findings] == ["rounded"]
