"""A notebook pasted as text (``In [n]:`` prompts, no fences) is read as code cells with outputs."""

from __future__ import annotations

import mpmath as mp
import nbformat

from derive.check.pipeline import check_file, check_text
from derive.check.read import markdown_document
from derive.check.run import run_python, shown_last

mp.mp.dps = 50
# softmax(1, 2, 3) = (0.09003057, 0.24472847, 0.66524096) to 8 decimals (mpmath)
E = [mp.e ** k for k in (1, 2, 3)]
SOFTMAX = [f"{int(mp.nint(v / sum(E) * 10**8)) / 10**8:.8f}" for v in E]

PAGE = """Some words about softmax.

In [1]:
import numpy as np
z = np.array([1.0, 2.0, 3.0])

In [2]:
p = np.exp(z) / np.exp(z).sum()
p.round(8)

array([{a}, {b}, {c}])

More words after it.
"""


def _page(**kw) -> str:
    values = dict(a=SOFTMAX[0], b=SOFTMAX[1], c=SOFTMAX[2])
    values.update(kw)
    return PAGE.format(**values)


def test_the_oracle():
    assert SOFTMAX == ["0.09003057", "0.24472847", "0.66524096"]


def test_prompt_cells_become_code_with_their_output_at_the_author_s_lines():
    doc = markdown_document(_page(), "page.md")
    lines = doc.text.split("\n")
    k = lines.index("p.round(8)")
    assert lines[k + 1] == "```" and lines[k + 3] == "```output"
    assert doc.source.origin(k + 1).line == 9           # p.round(8) is line 9 of the page
    assert doc.source.origin(k + 5).line == 11          # the printed array is line 11


def test_the_output_of_a_last_expression_is_judged_when_run():
    found = check_text(_page(), "page.md", run_code=True).claims
    assert [(c.line, str(c.verdict)) for c in found if c.kind == "code-output"] == [(11, "ok")]
    bad = check_text(_page(c="0.66524069"), "page.md", run_code=True).claims
    assert [(c.line, str(c.verdict)) for c in bad if c.kind == "code-output"] == [(11, "wrong")]


def test_text_without_prompts_is_left_alone():
    text = "Here $x = 1 + 1 = 2$.\n\n```python\nIn [1]: not a prompt inside a fence\n```\n"
    doc = markdown_document(text, "a.md")
    assert doc.text == text and doc.source is None


def test_a_prompt_followed_by_prose_has_no_output():
    text = "In [1]: x = 2\n\nThe value is now set.\n"
    doc = markdown_document(text, "a.md")
    assert "```output" not in doc.text and "The value is now set." in doc.text


def test_a_cell_shows_its_last_expression_as_jupyter_does():
    assert run_python(shown_last("x = 2\nx * 3")).stdout == "6\n"
    assert run_python(shown_last("x = [1, 2]\nx")).stdout == "[1, 2]\n"
    assert run_python(shown_last("print(5)")).stdout == "5\n"          # a print is not shown twice
    assert run_python(shown_last("x = 2\nNone")).stdout == ""           # None shows nothing
    assert shown_last("x = 2") == "x = 2"


def test_a_stored_result_of_a_notebook_cell_is_compared_with_the_last_expression(tmp_path):
    # the cell ends in a bare expression; the notebook stored its value as an execute_result
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "language": "python", "display_name": "Python 3"}
    result = nbformat.v4.new_output("execute_result", data={"text/plain": "0.24472847"}, execution_count=1)
    nb.cells = [nbformat.v4.new_code_cell("import math\nz = [1, 2, 3]\nround(math.exp(2) / sum(math.exp(v) for v in z), 8)",
                                          outputs=[result])]
    path = tmp_path / "nb.ipynb"
    nbformat.write(nb, str(path))
    found = check_file(str(path), run_code=True).claims
    assert [str(c.verdict) for c in found if c.kind == "code-output"] == ["ok"]


def _nb(tmp_path, cells) -> str:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "language": "python", "display_name": "Python 3"}
    nb.cells = cells
    path = tmp_path / "nb.ipynb"
    nbformat.write(nb, str(path))
    return str(path)


def _out(text: str):
    return nbformat.v4.new_output("stream", name="stdout", text=text)


def test_random_numbers_without_a_seed_are_unverifiable_not_wrong(tmp_path):
    cells = [nbformat.v4.new_code_cell("import numpy as np\nx = np.random.rand(3)\nprint(x)",
                                       outputs=[_out("[0.1 0.2 0.3]\n")])]
    found = check_file(_nb(tmp_path, cells), run_code=True).claims
    assert [(str(c.verdict), "without a seed" in c.message) for c in found] == [("unverifiable", True)]
    seeded = [nbformat.v4.new_code_cell("import numpy as np\nnp.random.seed(0)\nprint(np.random.rand(2).round(4))",
                                        outputs=[_out("[0.5488 0.7152]\n")])]      # NumPy's seed 0, by hand
    assert [str(c.verdict) for c in check_file(_nb(tmp_path, seeded), run_code=True).claims] == ["ok"]


def test_ipython_magics_do_not_stop_a_notebook_from_running(tmp_path):
    # 2 ** 10 = 1024 by hand; the magic line would be a syntax error in plain Python
    cells = [nbformat.v4.new_code_cell("%matplotlib inline\nimport math\nn = 10"),
             nbformat.v4.new_code_cell("print(2 ** n)", outputs=[_out("1024\n")])]
    assert [str(c.verdict) for c in check_file(_nb(tmp_path, cells), run_code=True).claims] == ["ok"]
