"""Ties to worked examples: a printed result that is a spec step gets a chained
verdict from first principles, and a local one from the document's own values."""

import numpy as np
import pytest

from derive.check.pipeline import check_text
from derive.spec import load_spec

X = np.array([[1, 2], [3, 4]])
W = np.array([[0.5, 0], [0, 2]])


def _softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def _rows(m, fmt):
    return "[" + ", ".join("[" + ", ".join(fmt(v) for v in row) + "]" for row in m) + "]"


def _latex(m, fmt):
    return "\\begin{pmatrix} " + " \\\\ ".join(" & ".join(fmt(v) for v in row) for row in m) + " \\end{pmatrix}"


@pytest.fixture
def printed():
    Y = X @ W
    Y_wrong = Y.copy()
    Y_wrong[1, 1] += 1                          # the document's slip
    Z = _softmax(Y_wrong)                       # computed from the printed Y
    return Y_wrong, Z


@pytest.fixture
def spec(tmp_path, printed):
    Y_wrong, Z = printed
    g = lambda v: f"{v:g}"                       # noqa: E731
    f4 = lambda v: f"{v:.4f}"                    # noqa: E731
    toml = (f'name = "tiny"\n[inputs]\nX = {_rows(X, g)}\nW = {_rows(W, g)}\n'
            f'[[steps]]\nname = "Y"\nstage = "project"\noperands = ["X", "W"]\nprinted = {_rows(Y_wrong, g)}\n'
            f'[[steps]]\nname = "Z"\nstage = "softmax"\noperands = ["Y"]\nprinted = {_rows(Z, f4)}\n')
    path = tmp_path / "tiny.toml"
    path.write_text(toml)
    return load_spec(path)


def test_results_printed_far_from_their_inputs_get_both_verdicts(spec, printed):
    Y_wrong, Z = printed
    text = (f"Projected:\n\n$$ {_latex(Y_wrong, lambda v: f'{v:g}')} $$\n\n"
            f"and the weights are\n\n$$ {_latex(Z, lambda v: f'{v:.4f}')} $$\n")
    y, z = check_text(text, specs=[spec]).findings
    assert (y.verdict, y.chained_verdict) == ("wrong", "wrong")
    # the 9 beside 0.5 and 1.5 is printed at one decimal, so it is judged at one
    assert y.wrong_entries == [{"row": 2, "col": 2, "printed": f"{Y_wrong[1, 1]:g}",
                                "expected": f"{(X @ W)[1, 1]:.1f}"}]
    assert (z.verdict, z.chained_verdict) == ("rounded", "wrong")
    assert "step 'Y'" in z.diagnosis


def test_no_tie_when_the_numbers_differ(spec):
    (f,) = check_text("$$ \\begin{pmatrix} 9 & 9 \\\\ 9 & 9 \\end{pmatrix} $$", specs=[spec]).findings
    assert f.chained_verdict is None and f.verdict == "unverifiable"


def test_shipped_examples_load():
    from derive.check.judge.examples import shipped_specs
    assert any(s.name == "encoder" for s in shipped_specs())


def test_a_result_tied_by_most_of_its_numbers_is_judged_there(spec, printed):
    """Printed alone, Z is judged by the worked example run on its printed inputs;
    with one entry changed it is still that step (the others agree) and wrong there."""
    _, Z = printed
    f4 = lambda v: f"{v:.4f}"                    # noqa: E731
    (z,) = check_text(f"$$ {_latex(Z, f4)} $$\n", specs=[spec]).findings
    assert (z.verdict, z.basis) == ("rounded", "worked-example")
    changed = Z.copy()
    changed[0, 1] += 0.0005
    (z,) = check_text(f"$$ {_latex(changed, f4)} $$\n", specs=[spec]).findings
    assert z.verdict == "wrong"
    assert z.wrong_entries == [{"row": 1, "col": 2, "printed": f4(changed[0, 1]), "expected": f4(Z[0, 1])}]
