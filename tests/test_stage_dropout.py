"""Dropout: the identity at evaluation, the scaled mask in training (by hand), its
backward rule, and the spec's check of p."""

from __future__ import annotations

import pytest
import sympy as sp

from derive.cli import main
from derive.stages.dropout import DROPOUT, DROPOUT_TRAIN

X = sp.ImmutableMatrix([[2, -4, sp.Rational(1, 2)]])
M = sp.ImmutableMatrix([[1, 0, 1]])


def test_identity_at_evaluation_and_inverted_scaling_in_training():
    assert DROPOUT(X, sp.Rational(1, 2)) == X
    # kept entries are divided by 1 - p = 1/4: 2 -> 8, 1/2 -> 2; the dropped one is 0
    assert DROPOUT_TRAIN(X, M, sp.Rational(3, 4)) == sp.ImmutableMatrix([[8, 0, 2]])


def test_backward_rule_by_hand():
    G = sp.ImmutableMatrix([[1, 5, -2]])
    dX, dM = DROPOUT_TRAIN.backward(X, M, G, params=(sp.Rational(1, 2),))
    assert dX == sp.ImmutableMatrix([[2, 0, -4]])             # m g / (1 - p)
    assert dM == sp.ImmutableMatrix([[4, -40, -2]])           # x g / (1 - p)
    assert DROPOUT.backward(X, G, sp.Rational(1, 2)) == G


@pytest.mark.parametrize("p", ["1", "-0.1", "1.5"])
def test_a_spec_with_p_outside_zero_to_one_is_one_line_and_exit_2(tmp_path, capsys, p):
    spec = tmp_path / "d.toml"
    spec.write_text(f'name = "d"\n[inputs]\nX = [[1, 2]]\nM = [[1, 0]]\n'
                    f'[[steps]]\nname = "Y"\nstage = "dropout_train"\noperands = ["X", "M"]\np = {p}\n')
    assert main(["run", str(spec)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "d.toml" in err[0] and "p: must be from 0 up to (not including) 1" in err[0]
