"""--run-code: each Python block runs in its own process; its output is compared
with the document's output block, number by number."""

import pytest

from derive.check.pipeline import check_text
from derive.check.run import run_python

CODE = "```python\nimport math\nprint('pi:', round(math.pi, {digits}))\nprint([0.5, 0.25])\n```\n\nOutput:\n\n```\n{output}\n```\n"


@pytest.mark.parametrize("digits, output, verdicts", [
    (6, "pi: 3.141593\n[0.5  0.25]", ["ok", "ok"]),
    (6, "pi: 3.1416\n[0.5  0.25]", ["rounded", "ok"]),
    (6, "pi: 3.1417\n[0.5  0.25]", ["wrong", "ok"]),
    (6, "pi: 3.141593\n[0.5  0.35]", ["ok", "wrong"]),
])
def test_outputs_are_compared_number_by_number(digits, output, verdicts):
    findings = check_text(CODE.format(digits=digits, output=output), run_code=True).findings
    assert [f.verdict for f in findings] == verdicts
    assert all(f.kind == "code-output" for f in findings)


def test_without_run_code_outputs_are_unverifiable_and_nothing_runs(tmp_path):
    marker = tmp_path / "ran"
    text = f"```python\nopen({str(marker)!r}, 'w').write('x')\nprint(1)\n```\n\n```\n1\n```\n"
    text = text.replace("print(1)", "print('v:', 1)").replace("```\n1\n```", "```\nv: 1\n```")
    (f,) = check_text(text).findings
    assert f.verdict == "unverifiable" and "--run-code" in f.message
    assert not marker.exists()


def test_a_missing_module_is_named():
    text = "```python\nimport no_such_module_for_derive\nprint('a:', 1)\n```\n\n```\na: 1\n```\n"
    (f,) = check_text(text, run_code=True).findings
    assert f.verdict == "unverifiable" and "no_such_module_for_derive" in f.message


def test_a_block_that_runs_too_long_is_stopped():
    run = run_python("while True:\n    pass\n", timeout=1)
    assert "did not finish" in run.problem


def test_a_failing_block_says_why():
    run = run_python("raise ValueError('boom')\n")
    assert "ValueError: boom" in run.problem


def test_code_runs_in_a_temporary_folder(tmp_path):
    run = run_python("import os\nprint(os.getcwd())\n")
    assert "derive-check-" in run.stdout


def test_a_printed_value_the_code_does_not_print_is_wrong():
    text = "```python\nprint('a:', 1)\n```\n\n```\na: 1\nb: 2\n```\n"
    findings = check_text(text, run_code=True).findings
    assert [f.verdict for f in findings] == ["ok", "wrong"]
