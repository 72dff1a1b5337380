"""Specs that cannot be run fail with one line naming the spec and the step."""

from pathlib import Path

import pytest

from derive.derivation import run
from derive.errors import SpecError
from derive.spec import load_spec

HEADER = """
name = "bad"
[tables.t]
a = [0.1, 0.2, 0.3, 0.4]
b = [0.5, 0.6, 0.7, 0.8]
"""


def write(tmp_path, body):
    path = tmp_path / "bad.toml"
    path.write_text(HEADER + body, encoding="utf-8")
    return path


CASES = [
    ("mismatched shapes", """
[inputs]
A = [[1, 2, 3, 4], [1, 2, 3, 4], [1, 2, 3, 4]]
B = [[1, 2, 3, 4], [1, 2, 3, 4], [1, 2, 3, 4]]
[[steps]]
name = "P"
stage = "project"
operands = ["A", "B"]
""", "step 'P': cannot multiply a 3x4 by a 3x4 matrix"),
    ("non-numeric entry", """
[inputs]
A = [[1, "x"], [1, 2]]
""", "not a number: 'x'"),
    ("odd width", """
[[steps]]
name = "PE"
stage = "positional_encoding"
n = 3
d = 5
""", "step 'PE': positional encoding needs an even width d, got 5"),
    ("unknown stage", """
[[steps]]
name = "Z"
stage = "teleport"
""", "step 'Z': unknown stage 'teleport'"),
    ("unknown operand", """
[[steps]]
name = "Z"
stage = "softmax"
operands = ["nowhere"]
""", "step 'Z': operand 'nowhere' is not an input or an earlier step"),
    ("unknown token", """
[[steps]]
name = "X"
stage = "embed"
tokens = ["a", "zzz"]
table = "t"
""", "step 'X': token 'zzz' is not in the embedding table"),
    ("ragged rows", """
[inputs]
A = [[1, 2], [1]]
""", "rows of different lengths"),
    ("not toml", "[[steps\n", "not valid TOML"),
    ("unknown parameter", """
[inputs]
A = [[1, 2]]
[[steps]]
name = "Z"
stage = "softmax"
operands = ["A"]
temperature = 2.0
""", "step 'Z': stage 'softmax' takes no parameter 'temperature'"),
]


@pytest.mark.parametrize("case, body, message", CASES, ids=[c[0] for c in CASES])
def test_bad_spec_gives_one_line_naming_spec_and_step(tmp_path, case, body, message):
    path = write(tmp_path, body)
    with pytest.raises(SpecError) as info:
        run(load_spec(path))
    text = str(info.value)
    assert text.startswith(str(path)) and message in text and "\n" not in text


def test_missing_spec_file(tmp_path):
    with pytest.raises(SpecError, match="cannot read"):
        load_spec(tmp_path / "nope.toml")


def test_a_user_spec_runs():
    path = Path(__file__).parent / "fixtures" / "tiny.toml"
    derivation = run(load_spec(path))
    # a = (0.1, 0.2, 0.3, 0.4): 0.1 + 0.3 = 0.4, 2(0.2) + 0.3 = 0.7
    # b = (0.5, 0.6, 0.7, 0.8): 0.5 + 0.7 = 1.2, 2(0.6) + 0.7 = 1.9, printed as 1.8
    assert derivation.digits("Y", 2) == [["0.40", "0.70"], ["1.20", "1.90"]]
    verdicts = [[c.verdict for c in row] for row in derivation.compare_printed("Y")]
    assert verdicts == [["exact", "exact"], ["exact", "wrong"]]
