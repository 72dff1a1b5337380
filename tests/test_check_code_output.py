"""Output blocks after Python code: every printed item is a claim; with
--run-code each one is judged against what the code really prints, in order.

Expected values were computed with mpmath (mp.dps = 50), never with derive:
  -ln(0.25)     = 1.38629436111989061883...  -> 1.3863 at 4 decimals
  0.9 / sqrt(2) = 0.63639610306789277196...  -> 0.6364 rounded, 0.6363 truncated
  1/3 = 0.33333...,  2/3 = 0.66666...        -> 0.3333 / 0.6667 (0.6666 truncated)
  0.1 + 0.2 in binary floating point prints as 0.30000000000000004 (Python repr).
"""

import subprocess
import sys

import pytest

from derive.check.read.outputs import printouts
from derive.check.pipeline import check_text
from derive.check.run import pair


def _doc(code: str, output: str) -> str:
    return f"# t\n\n```python\n{code}\n```\n\n```text\n{output}\n```\n"


def _verdicts(code: str, output: str, run_code: bool = True) -> list[str]:
    return [f.verdict for f in check_text(_doc(code, output), run_code=run_code).findings]


# ---------------------------------------------------------------- cutting a block into items

@pytest.mark.parametrize("text, items", [
    ("[1. 2.]\n0.6155\n0.5", [("", [["1.", "2."]]), ("", [["0.6155"]]), ("", [["0.5"]])]),
    ("-3\n1e-05\nnan\n-inf", [("", [["-3"]]), ("", [["1e-05"]]), ("", [["nan"]]), ("", [["-inf"]])]),
    ("0.1 0.2 0.3", [("", [["0.1", "0.2", "0.3"]])]),
    ("[1.0, 2.5]\n(2, 3)", [("", [["1.0", "2.5"]]), ("", [["2", "3"]])]),
    ("a = 0.5, b = 0.25", [("a", [["0.5"]]), ("b", [["0.25"]])]),
    ("loss: 0.25\nx: 1 2 3\nepoch 3", [("loss", [["0.25"]]), ("x", [["1", "2", "3"]]), ("epoch", [["3"]])]),
    ("tensor([[1.0000, 2.0000],\n        [3.0000, 4.0000]], device='cuda:0')",
     [("", [["1.0000", "2.0000"], ["3.0000", "4.0000"]])]),
    ("tensor(0.5000, grad_fn=<AddBackward0>)", [("", [["0.5000"]])]),
    ("y = array([1. , 0.5], dtype=float32)", [("y", [["1.", "0.5"]])]),
    ("[np.float64(0.5), np.float64(0.25)]", [("", [["0.5", "0.25"]])]),
    ("x[0] = 0.5", [("x[0]", [["0.5"]])]),
    ("Q:\n[[1. 2.]\n [3. 4.]]", [("Q", [["1.", "2."], ["3.", "4."]])]),
])
def test_an_output_block_is_a_sequence_of_printed_items(text, items):
    assert [(p.label, [list(r) for r in p.cells]) for p in printouts(text)] == items


def test_an_elision_mark_flags_the_next_item():
    outs = printouts("step 0: 1.0\n...SNIP...\nstep 9: 0.1")
    assert [(p.label, p.gap) for p in outs] == [("step 0", False), ("step 9", True)]


def test_numpy_arrays_carry_the_array_precision_but_python_lists_do_not():
    (a,) = printouts("[0.5  0.25]")
    (b,) = printouts("[0.5, 0.25]")
    assert [p.decimals for p in a.grid[0]] == [2, 2]
    assert [p.decimals for p in b.grid[0]] == [1, 2]


# ---------------------------------------------------------------- without --run-code

def test_without_run_code_every_item_is_an_unverifiable_claim(tmp_path):
    marker = tmp_path / "ran"
    code = f"open({str(marker)!r}, 'w').write('x')\nprint([1.0, 2.0])\nprint(1.3863)\nprint(0.5)"
    findings = check_text(_doc(code, "[1. 2.]\n1.3863\n0.5")).findings
    assert [(f.verdict, f.printed) for f in findings] == [
        ("unverifiable", "[1., 2.]"), ("unverifiable", "1.3863"), ("unverifiable", "0.5")]
    assert "a 1x2 array" in findings[0].message and "a scalar" in findings[1].message
    assert all("--run-code" in f.message for f in findings)
    assert not marker.exists()


# ---------------------------------------------------------------- with --run-code

CODE = "import math\nprint([1.0, 2.0])\nprint(round(-math.log(0.25), 4))\nprint(0.5)"


@pytest.mark.parametrize("output, verdicts", [
    ("[1. 2.]\n1.3863\n0.5", ["ok", "ok", "ok"]),
    ("[1. 2.]\n0.9999\n0.7", ["ok", "wrong", "wrong"]),      # the probe p12 case: no longer ignored
    ("[1. 2.]\n1.386\n0.5", ["ok", "rounded", "ok"]),        # 1.3863 at 3 decimals is 1.386
    ("[1. 2.]\n1.39\n0.50", ["ok", "rounded", "ok"]),
])
def test_bare_scalars_are_judged_against_the_real_output(output, verdicts):
    assert _verdicts(CODE, output) == verdicts


@pytest.mark.parametrize("output, verdict", [
    ("0.6363961030678927", "ok"),
    ("0.6364", "rounded"),
    ("0.6363", "truncated"),
    ("0.6365", "wrong"),
])
def test_each_number_is_judged_at_the_decimals_the_document_printed(output, verdict):
    assert _verdicts("import math\nprint(0.9 / math.sqrt(2))", output) == [verdict]


@pytest.mark.parametrize("output, verdict", [
    ("0.3", "rounded"), ("0.30000000000000004", "ok"), ("0.30", "rounded"), ("0.31", "wrong")])
def test_python_float_repr_printed_short_is_a_rounding(output, verdict):
    assert _verdicts("print(0.1 + 0.2)", output) == [verdict]


def test_integers_exponents_nan_and_inf():
    code = "print(-3)\nprint(1e-05)\nprint(float('nan'))\nprint(float('-inf'))"
    assert _verdicts(code, "-3\n1e-05\nnan\n-inf") == ["ok", "ok", "ok", "ok"]
    assert _verdicts(code, "-3\n1e-04\ninf\n-inf") == ["ok", "wrong", "wrong", "ok"]


def test_lines_of_several_numbers_and_labelled_pairs():
    code = "print(1/3, 2/3)\nprint(f'a = {0.5}, b = {0.25}')\nprint((2, 3))"
    assert _verdicts(code, "0.3333 0.6667\na = 0.5, b = 0.25\n(2, 3)") == ["rounded", "ok", "ok", "ok"]
    findings = check_text(_doc(code, "0.3333 0.6666\na = 0.5, b = 0.35\n(2, 3)"), run_code=True).findings
    assert [f.verdict for f in findings] == ["truncated", "ok", "wrong", "ok"]
    assert findings[2].label == "b" and findings[2].wrong_entries == [
        {"row": 1, "col": 1, "printed": "0.35", "expected": "0.25"}]


def test_numpy_arrays_use_the_trailing_zero_rule():
    code = "import numpy as np\nprint(np.array([0.5, 0.25, 1/3]))"
    assert _verdicts(code, "[0.5    0.25   0.3333]") == ["rounded"]
    findings = check_text(_doc(code, "[0.5    0.25   0.3334]"), run_code=True).findings
    assert findings[0].verdict == "wrong" and len(findings[0].wrong_entries) == 1


def test_a_shape_difference_is_one_finding_not_a_mispairing():
    code = "print([1.0, 2.0, 3.0])\nprint(7)\nprint(8)"
    findings = check_text(_doc(code, "[1. 2.]\n7\n8"), run_code=True).findings
    (f,) = findings
    assert f.verdict == "wrong" and "1x2" in f.message and "1x3" in f.message
    assert f.line == 10 and f.end_line == 12          # from the unpaired item to the block's end


def test_an_item_the_code_does_not_print_is_one_finding():
    findings = check_text(_doc("print(1.5)", "1.5\n2.5\n3.5"), run_code=True).findings
    assert [f.verdict for f in findings] == ["ok", "wrong"]
    assert "3 printed items" in findings[1].message and "1 printed item" in findings[1].message


def test_a_log_shown_in_part_pairs_by_label_and_by_elision():
    code = "for i in range(5):\n    print(f'step {i}: {1 / (i + 1):.4f}')"
    # steps 0..4 print 1.0000, 0.5000, 0.3333, 0.2500, 0.2000 (1/(i+1) at 4 decimals)
    assert _verdicts(code, "step 0: 1.0000\nstep 3: 0.2500") == ["ok", "ok"]
    assert _verdicts(code, "step 0: 1.0000\nstep 3: 0.2600") == ["ok", "wrong"]
    bare = "for i in range(5):\n    print(round(1 / (i + 1), 4))"
    assert _verdicts(bare, "1.0\n0.5\n...\n0.2") == ["ok", "ok", "ok"]       # head ... tail
    assert _verdicts(bare, "1.0\n...\n0.3333\n...\n0.2") == ["ok", "ok", "ok"]


def test_unlabelled_items_are_never_skipped_without_a_mark():
    document = printouts("1\n3")
    actual = printouts("1\n2\n3")
    p = pair(document, actual)
    assert p.pairs == [(0, 0), (1, 1)] and p.unshown == 1


def test_the_command_exits_1_on_a_wrong_bare_scalar(tmp_path):
    path = tmp_path / "p.md"
    path.write_text(_doc(CODE, "[1. 2.]\n0.9999\n0.5"))
    done = subprocess.run([sys.executable, "-m", "derive", "check", str(path), "--run-code"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1 and "0.9999" in done.stdout
