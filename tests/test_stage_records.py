"""Every Stage record: its four faces agree, its symbolic face is its exact face,
its cost and name tables are complete, and each consumer reads it.

The faces are computed independently of each other (SymPy rows certified with
Arb, the NumPy kernel, the Arb row on point balls); the independent oracle of
each stage's values (mpmath) is in that stage's own test.
"""

from __future__ import annotations

import random
from dataclasses import replace

import numpy as np
import pytest
import sympy as sp
from flint import arb, ctx, fmpq

from derive.evaluate import ball
from derive.fast import compile_stages
from derive.fast_kernels import KERNELS, kernel_name
from derive.stages.cost import Ops
from derive.stages.record import Stage, StageFunction, all_stages
from derive.stages.registry import STAGES as SPEC_STAGES

RECORDS = all_stages()
PARAMS = {"eps": sp.Rational(1, 10**5), "T": sp.Rational(7, 10), "p": sp.Rational(1, 5), "base": sp.Integer(100)}
SIZES = ((1, 2), (2, 4), (3, 8))


def random_matrix(rng: random.Random, rows: int, cols: int) -> sp.ImmutableMatrix:
    return sp.ImmutableMatrix(rows, cols, lambda i, j: sp.Rational(rng.randint(-400, 400), 100))


def exact_floats(M) -> np.ndarray:
    with ctx.workprec(300):
        return np.array([[float(ball(v).mid()) for v in M.row(i)] for i in range(M.rows)])


def point_balls(X) -> np.ndarray:
    out = np.empty(X.shape, dtype=object)
    for i in range(X.rows):
        for j in range(X.cols):
            out[i, j] = arb(fmpq(int(X[i, j].p), int(X[i, j].q)))
    return out


@pytest.mark.parametrize("name", list(RECORDS))
def test_the_four_faces_agree_to_1e_12(name):
    stage = RECORDS[name]
    rng = random.Random(20261206)
    params = [PARAMS[p] for p in stage.params]
    for rows, cols in SIZES:
        Xs = [random_matrix(rng, rows, cols) for _ in range(stage.arity)]
        exact = stage(*Xs, *params)
        want = exact_floats(exact)
        scale = np.maximum(1.0, np.abs(want))
        fast = stage.fast(*[np.array(X.tolist(), dtype=float) for X in Xs], *[float(p) for p in params])
        assert np.all(np.abs(fast - want) <= 1e-12 * scale), (name, fast, want)
        with ctx.workprec(200):
            balls = stage.by_rows(stage.ball, [point_balls(X) for X in Xs],
                                  tuple(arb(fmpq(int(p.p), int(p.q))) for p in params))
        with ctx.workprec(400):
            for i in range(rows):
                for j in range(cols):
                    assert balls[i][j].contains(ball(exact[i, j])), (name, i, j)
                    assert abs(float(balls[i][j].mid()) - want[i, j]) <= 1e-12 * scale[i, j]
        Ms = [sp.MatrixSymbol(f"M{k}", rows, cols) for k in range(stage.arity)]
        symbolic = stage(*Ms, *params)
        assert isinstance(symbolic, StageFunction) and symbolic.shape == (rows, cols)
        assert symbolic.subs(dict(zip(Ms, Xs))).doit() == exact


@pytest.mark.parametrize("name", list(RECORDS))
def test_the_compiled_fast_face_is_the_kernel(name):
    """The NumPy function compiled from the symbolic face calls the record's kernel."""
    stage = RECORDS[name]
    n, d = sp.symbols("n d", integer=True, positive=True)
    Xs = [sp.MatrixSymbol(f"X{k}", n, d) for k in range(stage.arity)]
    params = {sp.Symbol(p): float(PARAMS[p]) for p in stage.params}
    run = compile_stages(stage(*Xs, *params.keys()), Xs, params)
    rng = np.random.default_rng(3)
    xs = [rng.normal(size=(2, 3, 6)) for _ in Xs]     # a batch passes through
    want = stage.fast(*[x.copy() for x in xs], *params.values())
    assert np.allclose(run(*xs), want, rtol=0, atol=1e-14)
    assert KERNELS[kernel_name(name)] is stage.fast


@pytest.mark.parametrize("name", list(RECORDS))
def test_every_record_is_a_spec_stage_with_a_cost_and_a_backward_theorem(name):
    from derive.proofs.catalog import THEOREMS
    from derive.proofs.stages import theorem_name

    stage = RECORDS[name]
    assert SPEC_STAGES[name].function is stage and SPEC_STAGES[name].params == stage.params
    r, c = sp.symbols("r c", positive=True)
    ops = stage.ops(r, c)
    assert isinstance(ops, Ops) and sp.expand(ops.flops).free_symbols <= {r, c}   # dropout at evaluation: 0
    assert theorem_name(stage) in THEOREMS


def test_records_are_found_once_each_and_names_do_not_clash():
    assert len(RECORDS) == len({id(s) for s in RECORDS.values()})
    aliases = [a for s in RECORDS.values() for a in s.names]
    assert len(aliases) == len(set(aliases))
    assert all(isinstance(s, Stage) for s in RECORDS.values())


def test_parameters_by_name_and_clear_errors():
    ln = RECORDS["layer_norm"]
    X = sp.ImmutableMatrix([[1, 2, 4]])
    assert ln(X, eps=0) == ln(X, 0)
    with pytest.raises(TypeError, match="needs the parameter eps"):
        ln(X)
    with pytest.raises(TypeError, match="takes the parameters eps"):
        ln(X, 0, alpha=1)


def _wrong_rules():
    """Backward rules with a common slip each, built from the records' own pieces."""
    from derive.stages.activation import sigmoid
    from derive.stages.gelu import GELU
    from derive.stages.norm import LAYER_NORM, LAYER_NORM_STD_EPS, normalized_vjp
    from derive.stages.softmax import SOFTMAX, softmax_row

    return {
        "softmax without the inner sum": replace(
            SOFTMAX, vjp=lambda z, g: [p * gj for p, gj in zip(softmax_row(z), g)]),
        "LN with the sample divisor": replace(
            LAYER_NORM, vjp=lambda x, g, eps: normalized_vjp(x, g, eps, len(x) - 1)),
        "(x - mu)/(sigma + eps) given LN's rule": replace(LAYER_NORM_STD_EPS, vjp=LAYER_NORM.vjp),
        "sigmoid' = sigmoid": replace(
            RECORDS["sigmoid"], vjp=lambda xs, gs: [g * sigmoid(x) for x, g in zip(xs, gs)]),
        "ReLU' = 1": replace(RECORDS["relu"], vjp=lambda xs, gs: list(gs)),
        "GELU' = Phi(x) only": replace(
            GELU, vjp=lambda xs, gs: [g * (1 + sp.erf(x / sp.sqrt(2))) / 2 for x, g in zip(xs, gs)]),
    }


@pytest.mark.parametrize("slip", list(_wrong_rules()))
def test_a_wrong_backward_rule_is_refuted(slip):
    from derive.proofs.stages import backward_theorem
    from derive.proofs.theorem import prove_theorem

    result = prove_theorem(backward_theorem(_wrong_rules()[slip]))
    assert result.result == "refuted" and result.failure is not None


def test_the_readme_lists_every_spec_stage():
    from pathlib import Path

    text = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    listed = text[text.index("Stages (parameters in brackets)"):text.index("More keys:")]
    missing = [name for name in SPEC_STAGES if f"`{name}`" not in listed]
    assert not missing, missing


@pytest.mark.parametrize("name", list(RECORDS))
def test_certified_digits_of_exact_rationals_are_the_exact_faces(name):
    """``certified`` hands the ball face rows of fmpq (exact where it can stay exact):
    30 certified digits are those of the exact face's value."""
    from derive.numbers import format_significant

    stage = RECORDS[name]
    rng = random.Random(7)
    Xs = [random_matrix(rng, 2, 4) for _ in range(stage.arity)]
    params = tuple(PARAMS[p] for p in stage.params)
    exact = stage(*Xs, *params)
    texts = stage.certified(*Xs, params=params, digits=30)
    assert texts == [[format_significant(exact[i, j], 30) for j in range(4)] for i in range(2)]


def test_learnable_parameters_of_the_norms_match_the_cost_tables():
    """LN's record counts gamma and beta (2 d); the decoder's parameter table declares
    them as two 1 x d rows per layer norm; RMSNorm has only its gain (d)."""
    from derive import complexity
    from derive.symbols import beta, d_model, gamma

    ln_blocks = [(M, copies) for M, copies in complexity.LAYER_PARAMETERS if M in (gamma, beta)]
    per_norm = sp.expand(complexity.parameter_count(ln_blocks) / 2)      # a layer has two norms
    assert per_norm == RECORDS["layer_norm"].parameters(d_model) == 2 * d_model
    assert RECORDS["rms_norm"].parameters(d_model) == d_model
    assert all(RECORDS[n].parameters(d_model) == 0 for n in ("softmax", "relu", "gelu", "rope"))
