"""Specs whose steps are formulas, and the spec errors a newcomer meets first.

Expected values come from mpmath at 50 digits (GELU(x) = x/2 (1 + erf(x / sqrt 2)))."""

from pathlib import Path

import mpmath as mp
import pytest

from derive.cli import main
from derive.derivation import run
from derive.spec import default_label, load_spec

mp.mp.dps = 50

SPEC = """
name = "gelu_mlp"
title = "A GELU MLP"

[labels]
W_s = 'W_{{\\sigma}}'

[inputs]
X = [[1, 0], [0, 1]]
W_s = [[0.5, -1], [1, 0.5]]
b_1 = [0.1, -0.1]
W_2 = [[1], [-1]]

[[steps]]
name = "H"
formula = '\\mathrm{{GELU}}(X W_{{\\sigma}} + b_1)'

[[steps]]
name = "Y"
formula = '\\alpha H W_2'
alpha = 0.5
printed = {printed}
"""


def gelu(x):
    return x / 2 * (1 + mp.erf(x / mp.sqrt(2)))


def write(tmp_path: Path, printed: str = "[[0.2923], [0.3443]]", text: str = SPEC) -> Path:
    path = tmp_path / "mlp.toml"
    path.write_text(text.format(printed=printed), encoding="utf-8")
    return path


def test_a_formula_step_is_run_exactly(tmp_path):
    derivation = run(load_spec(write(tmp_path)))
    # H = GELU(X W + b): rows of W plus b, X the identity
    h = [[gelu(mp.mpf("0.6")), gelu(mp.mpf("-1.1"))], [gelu(mp.mpf("1.1")), gelu(mp.mpf("0.4"))]]
    got = derivation.significant("H", 30)
    for i in range(2):
        for j in range(2):
            assert mp.almosteq(mp.mpf(got[i][j]), h[i][j], 1e-28)
    y = [mp.mpf("0.5") * (h[i][0] - h[i][1]) for i in range(2)]
    assert all(mp.almosteq(mp.mpf(r[0]), v, 1e-28) for r, v in zip(derivation.significant("Y", 30), y))
    assert [mp.nstr(v, 4) for v in y] == ["0.2923", "0.3443"]
    step = derivation.step("Y")
    assert step.operands == ("H", "W_2") and step.equation == r"Y = \alpha H W_2 \qquad \alpha = 0.5"
    assert derivation.step("H").operands == ("X", "W_s", "b_1")   # W_{\sigma} is the input W_s by its label


def test_derive_run_exits_1_when_a_printed_value_does_not_hold(tmp_path, capsys):
    assert main(["run", str(write(tmp_path))]) == 0
    out = capsys.readouterr().out
    assert r"Y = \alpha H W_2 \qquad \alpha = 0.5" in out and r"H = \mathrm{GELU}(X W_{\sigma} + b_1)" in out
    assert main(["run", str(write(tmp_path, "[[0.1], [0.3443]]"))]) == 1
    assert r"\boxed{" in capsys.readouterr().out


@pytest.mark.parametrize("change, message", [
    (("formula = '\\alpha H W_2'", "formula = '\\alpha H V'"), "step 'Y': formula: V is not an input"),
    (("formula = '\\alpha H W_2'", "formula = '\\alpha H W_2 +'"), "step 'Y': formula: column"),
    (("formula = '\\alpha H W_2'", "formula = 'H + W_2'"), "step 'Y': formula: cannot be formed"),
    (("alpha = 0.5", "alpha = 'half'"), "step 'Y': alpha: not a number"),
    (("printed = {printed}", "printed = [1, 2, 3]"), "step 'Y': printed is 1 x 3, but the step is 2 x 1"),
    (("formula = '\\alpha H W_2'", "stage = 'scaled_scores'\noperands = ['H', 'H']"),
     "step 'Y': stage 'scaled_scores' takes no parameter 'alpha'"),
])
def test_a_bad_formula_step_is_one_line_naming_file_step_and_key(tmp_path, capsys, change, message):
    path = write(tmp_path, text=SPEC.replace(*change))
    assert main(["run", str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and str(path) in err and message in err, err


def test_a_missing_stage_parameter_is_named(tmp_path, capsys):
    path = tmp_path / "s.toml"
    path.write_text("[inputs]\nQ = [[1, 0], [0, 1]]\n[[steps]]\nname = 'S'\nstage = 'scaled_scores'\n"
                    "operands = ['Q', 'Q']\n", encoding="utf-8")
    assert main(["run", str(path)]) == 2
    assert "needs the parameter d_k (give it in the step: d_k = ...)" in capsys.readouterr().err


def test_a_scalar_printed_bare_and_names_as_labels(tmp_path, capsys):
    # sum of squares of (1, 2): 5, a 1 x 1 step; printed bare
    path = tmp_path / "s.toml"
    path.write_text("[inputs]\nv = [1, 2]\n[[steps]]\nname = 'total_sq'\nformula = 'v v^T'\nprinted = 5\n",
                    encoding="utf-8")
    assert main(["run", str(path)]) == 0
    assert r"\text{total}_{\text{sq}} = v v^T" in capsys.readouterr().out
    assert default_label("H_direct") == r"H_{\text{direct}}" and default_label("W_Q") == "W_Q"


def test_the_readme_formula_step_example_is_what_derive_run_prints(capsys):
    import re

    root = Path(__file__).resolve().parents[1]
    readme = (root / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("#### Formula steps"):]
    toml = re.search(r"```toml\n(.*?)```", section, re.S).group(1)
    fixture = (root / "tests/fixtures/specs/gelu_mlp.toml").read_text(encoding="utf-8")
    assert toml.split("[inputs]")[1].strip() in fixture          # the README shows the fixture's inputs and steps
    shown = re.search(r"exact value, and the rounded value:\n\n```\n(.*?)```", section, re.S).group(1)
    assert main(["run", str(root / "tests/fixtures/specs/gelu_mlp.toml")]) == 1
    out = capsys.readouterr().out
    assert shown.strip() in out
    # by mpmath: 0.5 (GELU(0.6) - GELU(-1.1)) = 0.2923..., 0.5 (GELU(1.1) - GELU(0.4)) = 0.3443... (0.3543 is wrong)
    assert mp.nstr(0.5 * (gelu(mp.mpf("1.1")) - gelu(mp.mpf("0.4"))), 4) == "0.3443"
    assert r"\boxed{0.3\underline{543}}" in out


def test_run_json_carries_inputs_parameters_printed_values_and_verdicts(capsys):
    import json

    root = Path(__file__).resolve().parents[1]
    assert main(["run", str(root / "tests/fixtures/specs/gelu_mlp.toml"), "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["inputs"]["b_1"] == [["0.1", "-0.1"]]
    y = data["steps"][1]
    assert y["parameters"] == {"alpha": "0.5"} and y["printed"] == [["0.2923"], ["0.3543"]]
    assert y["verdicts"] == [["rounded"], ["wrong"]]          # 0.29234... rounds to 0.2923; 0.3443 is not 0.3543
