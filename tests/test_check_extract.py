"""Finding math, code and output blocks in Markdown, with line numbers."""

import pytest

from derive.check.read.outputs import literals, numpy_precision, printouts
from derive.check.read.delimiters import MathSpan
from derive.check.read.markdown import CodeBlock, document, scan


def _spans(text):
    doc = document(text)
    return doc, [it for it in scan(doc) if isinstance(it, MathSpan)]


@pytest.mark.parametrize("text, content, display", [
    ("before $$ x = 1 $$ after", " x = 1 ", True),
    ("before $x = 1$ after", "x = 1", False),
    (r"before \[ x = 1 \] after", " x = 1 ", True),
    (r"before \( x = 1 \) after", " x = 1 ", False),
    ("```math\nx = 1\n```\n", "x = 1\n", True),
])
def test_math_delimiters(text, content, display):
    _, spans = _spans(text)
    assert [(s.text, s.display) for s in spans] == [(content, display)]


@pytest.mark.parametrize("text", [
    "costs $5 and $10 today",          # dollars, not math
    "`$x = 1$` in inline code",
    "```\n$$ x = 1 $$\n```\n",         # inside a code block
    "    $$ x = 1 $$\n",               # an indented code block
    r"an escaped \$ sign $",
])
def test_no_math_where_there_is_none(text):
    assert _spans(text)[1] == []


def test_line_numbers_of_spans_and_block_quotes():
    doc, spans = _spans("# Title\n\ntext\n\n> quoted $a = 1$\n> $$\n> b = 2\n> $$\n")
    assert [doc.line_of(s.start) for s in spans] == [5, 6]
    assert "b = 2" in spans[1].text and ">" not in spans[1].text


def test_unterminated_display_math_is_a_problem_and_scanning_goes_on():
    doc = document("$$ x = 1\n\nlater $y = 2$\n")
    items = scan(doc)
    assert [type(i).__name__ for i in items] == ["Problem", "MathSpan"]
    assert doc.line_of(items[0].start) == 1


def test_code_block_and_its_output_block():
    text = "```python\nprint(1)\n```\n\nOutput:\n\n```\n1\n```\n\n```python\nx = 2\n```\n"
    blocks = [it for it in scan(document(text)) if isinstance(it, CodeBlock)]
    assert blocks[0].output is not None and blocks[0].output.line == 8
    assert blocks[1].output is None


def test_sections_come_from_headings():
    doc = document("# A\n\n$x = 1$\n\n## B\n\n$y = 2$\n")
    scan(doc)
    assert doc.section(3) == "A" and doc.section(7) == "B"


@pytest.mark.parametrize("text, rows, texts", [
    ("[[1.5 1.1 2.6 0.  ]\n [1.3415 1.60005 2.29995 0.6416]]", 2, ["1.5", "0."]),
    ("[1.5e-03 2.0e+00]", 1, ["1.5e-03", "2.0e+00"]),
    ("[[ 0.1  0.2  0.3  0.4  0.5\n   0.6]\n [ 1.   2.   3.   4.   5.\n   6. ]]", 2, ["0.1", "0.6"]),
])
def test_numpy_printouts_including_wrapped_rows(text, rows, texts):
    (p,) = printouts(text)
    assert len(p.grid) == rows and p.grid[0][0].text == texts[0] and p.grid[0][-1].text == texts[1]


def test_numpy_entries_carry_the_array_precision():
    (p,) = printouts("[[1.5    1.3415]]")
    assert [q.decimals for q in p.grid[0]] == [4, 4]
    (s,) = printouts("[1.5e-03 2.5e+00]")
    assert [q.decimals for q in s.grid[0]] == [4, 1]


def test_labels_of_printouts():
    outs = printouts("Q:\n[[1. 2.]]\nLoss for first prediction: 0.357\nAttention(Q, K, V) = \n[[1 2]]")
    assert [(p.label, p.grid[0][0].text) for p in outs] == [
        ("Q", "1."), ("Loss for first prediction", "0.357"), ("Attention(Q, K, V)", "1")]


def test_nan_and_inf_in_output_are_not_numbers():
    (p,) = printouts("[1.0 nan inf]")
    assert p.grid is None and p.special == "nan"


def test_code_literals_are_read_without_running_the_code(tmp_path):
    marker = tmp_path / "ran"
    code = (f"import numpy as np\nopen({str(marker)!r}, 'w').write('x')\n"
            "W = np.array([[1, -0.5], [2, 3.25]])\nb = -0.5\nlr = 1e-3\ncomputed = W * 2\n")
    lits = literals(CodeBlock(10, 16, "python", code, 0))
    assert [(l.name, l.line) for l in lits] == [("W", 12), ("b", 13), ("lr", 14)]
    assert lits[0].grid[1][1].text == "3.25" and lits[1].scalar
    assert not marker.exists()


def test_numpy_precision_leaves_scientific_entries_alone():
    (p,) = printouts("[1.5e-03 2.0e+00]")
    assert numpy_precision(p.grid) == p.grid
