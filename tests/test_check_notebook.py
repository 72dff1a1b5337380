"""Notebooks: markdown cells, code cells and stored outputs read in order, claims
reported at ``cell N, line M``; values the code gives read without running it.

softmax(1, 2) = (0.268941421..., 0.731058578...) (mpmath, 50 digits).
"""

import json

import mpmath as mp
import nbformat
import pytest

from derive.check.command import check_command
from derive.check.pipeline import check_file, check_text
from derive.check.read.markdown import InputError
from derive.check.read.notebook import notebook_source

mp.mp.dps = 50
P2 = mp.e ** 2 / (mp.e + mp.e ** 2)


def _notebook(path, cells):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "language": "python", "display_name": "Python 3"}
    nb.cells = cells
    nbformat.write(nb, str(path))
    return str(path)


def _softmax_notebook(tmp_path, p2="0.73", stored="[0.26894142 0.73105858]\n"):
    return _notebook(tmp_path / "nb.ipynb", [
        nbformat.v4.new_markdown_cell("# Two scores\nWith scores 1 and 2,\ne^1 = 2.718 and e^2 = 7.389."),
        nbformat.v4.new_code_cell("import numpy as np\nz = np.array([1.0, 2.0])\np = np.exp(z) / np.exp(z).sum()\n"
                                  "print(p)",
                                  outputs=[nbformat.v4.new_output("stream", name="stdout", text=stored)]),
        nbformat.v4.new_markdown_cell(f"So p_2 = {p2} here."),
    ])


def test_claims_are_reported_at_their_cell_and_line(tmp_path):
    assert mp.nstr(P2, 2) == "0.73"
    report = check_file(_softmax_notebook(tmp_path))
    places = {(c.origin.cell, c.origin.part, c.line, str(c.verdict)) for c in report.claims}
    assert (1, "", 3, "rounded") in places                 # e^1 = 2.718 (2.71828...)
    assert (3, "", 1, "rounded") in places                 # p_2 from the code's own formula, never run
    wrong = check_file(_softmax_notebook(tmp_path, p2="0.74")).claims
    (claim,) = [c for c in wrong if c.verdict == "wrong"]
    assert (claim.origin.cell, claim.line, claim.expected) == (3, 1, "0.73")
    assert claim.where("nb.ipynb") == "nb.ipynb: cell 3, line 1"


def test_the_json_report_names_the_cell(tmp_path, capsys):
    path = _softmax_notebook(tmp_path, p2="0.74")
    assert check_command([path], fmt="json") == 1
    found = json.loads(capsys.readouterr().out)["findings"]
    wrong = [f for f in found if f["verdict"] == "wrong"]
    assert [(f["cell"], f["line"], f["part"]) for f in wrong] == [(3, 1, None)]


def test_stored_outputs_follow_their_code_cell(tmp_path):
    source = notebook_source(_softmax_notebook(tmp_path))
    lines = source.text.split("\n")
    k = lines.index("[0.26894142 0.73105858]")
    assert lines[k - 1].endswith("output") and source.origins[k].cell == 2 and source.origins[k].part == "output"
    assert source.origins[k].where() == "cell 2, output line 1"


def test_a_stored_output_is_judged_when_run(tmp_path):
    # the stored print of p matches softmax(1, 2) to 8 decimals; a changed digit does not
    ok = check_file(_softmax_notebook(tmp_path), run_code=True).claims
    outputs = [c for c in ok if c.kind == "code-output"]
    assert [str(c.verdict) for c in outputs] == ["ok"]
    bad = check_file(_softmax_notebook(tmp_path, stored="[0.26894142 0.73105853]\n"), run_code=True).claims
    assert [str(c.verdict) for c in bad if c.kind == "code-output"] == ["wrong"]


@pytest.mark.parametrize("content, why", [("{not json", "not a notebook"), ('{"cells": 3}', "not a notebook")])
def test_a_broken_notebook_is_one_line(tmp_path, content, why):
    path = tmp_path / "bad.ipynb"
    path.write_text(content)
    with pytest.raises(InputError) as caught:
        check_file(str(path))
    assert str(caught.value).startswith(f"{path}: {why}") and "\n" not in str(caught.value)


def test_code_values_bind_without_running(tmp_path):
    # d = 64, scale = 1 / sqrt(64) = 0.125 exactly; a loop makes a name unknown from there on
    text = ("```python\nimport math\nd = 64\nscale = 1 / math.sqrt(d)\n```\n\n"
            "The scale is scale = 0.125 and scale * 8 = 1.\n\n"
            "```python\nfor k in range(3):\n    scale = scale / 2\n```\n\n"
            "Now scale * 8 = 1 again.\n")
    path = tmp_path / "doc.md"
    path.write_text(text)
    claims = check_file(str(path)).claims
    by_line = {}
    for c in claims:
        by_line.setdefault(c.line, []).append(str(c.verdict))
    assert by_line[7] == ["ok", "ok"]
    assert by_line[14] == ["unverifiable"]


def test_a_lambda_is_a_function_and_a_one_keyword_call_is_judged_without_running():
    # (4 E)(E + 1) at E = 768: 3072 * 769 = 2,362,368 by hand
    text = ("```python\ncount = lambda E: (4 * E) * (E + 1)\nprint(\"Estimate:\", count(E=768))\n```\n\n"
            "```output\nEstimate: {v}\n```\n")
    assert [str(c.verdict) for c in check_text(text.replace("{v}", "2362368")).claims] == ["ok"]
    assert [str(c.verdict) for c in check_text(text.replace("{v}", "2362369")).claims] == ["wrong"]


def test_a_cell_s_last_expression_is_judged_as_shown_without_running(tmp_path):
    # the cell shows x @ w = [[1, 0, 1, 0], [0, 2, 0, 2]] @ [[1], [1], [0], [1]] = [[1], [4]] (by hand)
    code = ("import tensorflow as tf\nx = tf.convert_to_tensor([[1, 0, 1, 0], [0, 2, 0, 2]], dtype=tf.float32)\n"
            "w = tf.constant([[1.0], [1.0], [0.0], [1.0]])\ntf.matmul(x, w)")

    def notebook(shown):
        return _notebook(tmp_path / "nb.ipynb", [nbformat.v4.new_code_cell(code, outputs=[nbformat.v4.new_output(
            "execute_result", data={"text/plain": shown}, execution_count=1)])])
    right = check_file(notebook("array([[1.],\n       [4.]], dtype=float32)")).claims
    assert [(c.kind, str(c.verdict)) for c in right if c.kind == "code-output"] == [("code-output", "ok")]
    wrong = check_file(notebook("array([[1.],\n       [5.]], dtype=float32)")).claims
    assert [str(c.verdict) for c in wrong if c.kind == "code-output"] == ["wrong"]
