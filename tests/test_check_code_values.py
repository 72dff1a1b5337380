"""``--run-code``: the values the author's code leaves in its names judge the text after it.

softmax(2.0, 1.0, 0.1) = (0.659001138886, 0.242432970705, 0.0985658904093) and
-ln 0.242432970705 = 1.41703001628, -log10 of it = 0.615408316761 (mpmath, 50 digits).
"""

import textwrap

import mpmath as mp
import pytest
import sympy as sp

from derive.check.bind import codevars
from derive.check.pipeline import check_text

CODE = """\
    ```python
    import numpy as np
    z = np.array([2.0, 1.0, 0.1])
    p = np.exp(z) / np.exp(z).sum()
    print(p.round(4))
    ```

    ```text
    [0.659  0.2424 0.0986]
    ```

    The loss of the second word is $L = -\\ln p_2 \\approx {loss}$.
"""


def finding_at(report, line):
    return [f for f in report.findings if f.line == line]


@pytest.mark.parametrize("loss, verdict", [("1.4170", "rounded"), ("0.6154", "wrong")])
def test_a_value_computed_by_the_code_judges_the_text(loss, verdict):
    report = check_text(textwrap.dedent(CODE.format(loss=loss)), "doc.md", run_code=True)
    f, = finding_at(report, 12)
    assert f.verdict == verdict, f.message
    if verdict == "wrong":
        assert "base 10" in f.diagnosis


@pytest.mark.parametrize("loss, verdict", [("1.4170", "rounded"), ("0.6154", "wrong")])
def test_without_running_the_code_its_formulas_are_read_and_computed_by_derive(loss, verdict):
    """``p = np.exp(z) / np.exp(z).sum()`` is read with ast and evaluated exactly, never run."""
    report = check_text(textwrap.dedent(CODE.format(loss=loss)), "doc.md")
    f, = finding_at(report, 12)
    assert f.verdict == verdict, f.message
    if verdict == "wrong":
        assert f.expected == "1.4170"


def test_the_output_block_is_still_paired_with_what_the_code_prints():
    report = check_text(textwrap.dedent(CODE.format(loss="1.4170")), "doc.md", run_code=True)
    out, = finding_at(report, 9)
    assert out.kind == "code-output" and out.verdict == "ok", out.message


def test_values_read_back_exactly():
    values = codevars.read_values('{"a": {"rows": [["0x1.8000000000000p-1"]], "scalar": true},'
                                  ' "b": {"rows": [["1", "2"]], "scalar": false}}\n')
    assert list(values) == ["a", "b"] and values["a"].entry(0, 0) == sp.Rational(3, 4) and values["a"].scalar
    assert values["b"].entry(0, 1) == 2 and not values["b"].scalar


@pytest.mark.parametrize("message", [
    "not json\n",
    '{"b": {"rows": [["1", "2"], ["3"]], "scalar": false}}\n',          # ragged rows
    '{"c": 3}\n',                                                      # not an entry the footer writes
    '{"a": {"rows": [["1"]], "scalar": true}}',                         # no newline: not a whole message
    '{"a": {"rows": [["1"]], "scalar": true}}\n{"a": {"rows": [["2"]], "scalar": true}}\n',   # two
    '[1, 2]\n',
])
def test_a_message_not_as_the_footer_writes_it_gives_no_values(message):
    assert codevars.read_values(message) is None


def test_no_message_gives_no_values():
    assert codevars.read_values(b"") == {}


# softmax(1, 2, 3) = (0.0900305732, 0.2447284711, 0.6652409558) (mpmath).
NOTEBOOK = """\
**In [1]:**
```python
import numpy as np
x = np.array([1.0, 2.0, 3.0])
```
**In [2]:**
```python
p = np.exp(x) / np.exp(x).sum()
print(np.round(p, 4))
```
**Out[2]:**
```
[0.0900 0.2447 {last}]
```
"""


@pytest.mark.parametrize("last, verdict", [("0.6652", "ok"), ("0.6552", "wrong")])
def test_notebook_cells_run_after_the_cells_before_them(last, verdict):
    report = check_text(NOTEBOOK.format(last=last), "notebook.md", run_code=True)
    out, = [f for f in report.findings if f.kind == "code-output"]
    assert out.verdict == verdict, out.message


def test_a_failing_cell_keeps_what_ran_before_the_failure_and_later_cells_still_run():
    # the first block imports numpy, then a package that does not exist: numpy stays
    # imported (as in a notebook kernel); [1, 2] * 2 = [2, 4] and 1 + 3 = 4 by hand
    doc = ("```python\nimport numpy as np\nimport not_a_real_package_xyz\n```\n\n"
           "```python\nx = np.array([1.0, 2.0])\nprint(x * 2)\n```\n\n```\n[2. {d}]\n```\n")
    ok, = [f for f in check_text(doc.format(d="4."), "doc.md", run_code=True).findings if f.kind == "code-output"]
    assert ok.verdict == "ok", ok.message
    bad, = [f for f in check_text(doc.format(d="5."), "doc.md", run_code=True).findings if f.kind == "code-output"]
    assert bad.verdict == "wrong"


@pytest.mark.parametrize("heading, paired", [("### Expected output", True), ("### Next topic", False)])
def test_an_output_block_under_an_output_heading_still_belongs_to_the_code(heading, paired):
    # [1, 2] * 2 = [2, 4]: the block under the heading prints [2, 5]
    doc = (f"```python\nimport numpy as np\nprint(np.array([1.0, 2.0]) * 2)\n```\n\nSome prose.\n\n{heading}\n\n"
           "```\n[2. 5.]\n```\n")
    found = [str(f.verdict) for f in check_text(doc, "doc.md", run_code=True).findings if f.kind == "code-output"]
    assert found == (["wrong"] if paired else [])


def test_a_line_of_prose_restating_a_printed_item_is_a_claim_about_it():
    # the output prints "Variance 1: 0.9999957584163625"; 0.9999958 is its rounding, 0.9999947 is not
    doc = ("```python\nprint('Variance 1:', 0.9999957584163625)\n```\n\n```\nVariance 1: 0.9999957584163625\n```\n\n"
           "Meaning:\n\n- Variance 1: {v}\n")
    found = [str(f.verdict) for f in check_text(doc.replace("{v}", "0.9999958"), "doc.md").findings if f.line == 11]
    assert found == ["rounded"]
    found = [str(f.verdict) for f in check_text(doc.replace("{v}", "0.9999947"), "doc.md").findings if f.line == 11]
    assert found == ["wrong"]
    # a label the code never printed is prose
    other = doc.replace("- Variance 1: {v}", "- Mean 1: 0.5")
    assert [f for f in check_text(other, "doc.md").findings if f.line == 11] == []


def test_without_running_an_output_item_is_judged_from_the_print_call_that_shows_it():
    # softmax(1, 2, 3) = (0.09003, 0.24473, 0.66524) by mpmath; the mean of 1, 2, 3 is 2
    e = [mp.e ** k for k in (1, 2, 3)]
    assert [mp.nstr(v / sum(e), 4) for v in e] == ["0.09003", "0.2447", "0.6652"]
    doc = ("```python\nimport numpy as np\nz = np.array([1.0, 2.0, 3.0])\np = np.exp(z) / np.exp(z).sum()\n"
           "print('p:', p.round(4))\nprint(z.mean())\n```\n\n```\np: [0.09   0.2447 {last}]\n{mean}\n```\n")
    found = lambda text: [(f.line, str(f.verdict)) for f in check_text(text, "doc.md").findings
                          if f.kind == "code-output"]
    assert found(doc.format(last="0.6652", mean="2.0")) == [(10, "rounded"), (11, "ok")]
    assert found(doc.format(last="0.6653", mean="2.5")) == [(10, "wrong"), (11, "wrong")]
    # a print inside a loop: the items cannot be paired with calls, nothing is judged
    loop = doc.replace("print(z.mean())", "for k in range(1):\n    print(z.mean())")
    assert [v for _, v in found(loop.format(last="0.6652", mean="2.0"))] == ["unverifiable", "unverifiable"]


def test_a_value_the_code_gives_later_in_the_document_wins_over_the_texts_earlier_one():
    # the text gives w = 6 first; the code below gives w = 1 and prints 2 * w = 2
    doc = ("$$ w = 6 $$\n\n```python\nw = 1\ny = 2 * w\nprint(y)\n```\n\n```\n{v}\n```\n")
    found = [str(f.verdict) for f in check_text(doc.format(v="2"), "doc.md").findings if f.kind == "code-output"]
    assert found == ["ok"]
    found = [str(f.verdict) for f in check_text(doc.format(v="12"), "doc.md").findings if f.kind == "code-output"]
    assert found == ["wrong"]


def test_one_line_functions_and_tuple_assignments_in_code_are_read_without_running():
    # sigmoid(0.05 + 0.10) = 1 / (1 + e^-0.15) = 0.537429845... (mpmath): printed 0.5374
    assert mp.nstr(1 / (1 + mp.e ** mp.mpf("-0.15")), 4) == "0.5374"
    doc = ("```python\nimport math\n\ndef sigmoid(z): return 1 / (1 + math.exp(-z))\n\n"
           "a, b = 0.05, 0.10\nout = sigmoid(a + b)\n# out={v}  done\n```\n")
    found = lambda v: [str(f.verdict) for f in check_text(doc.format(v=v), "doc.md").findings if f.line == 8]
    assert found("0.5374") == ["rounded"]
    assert found("0.5384") == ["wrong"]
