"""SiLU: values and slope against mpmath at 50 digits, and the checker reading it."""

from __future__ import annotations

import mpmath
import sympy as sp
from stage_oracles import TOLERANCE, as_mp, mp

from derive.check.pipeline import check_text
from derive.stages.silu import SILU


def mp_silu(x):
    return x / (1 + mpmath.exp(-x))


def test_values_and_backward_rule_against_mpmath():
    points = ["-6", "-1.5", "-0.1", "0", "0.3", "2", "9.25"]
    xs = [sp.Rational(p) for p in points]
    gs = [sp.Rational(k, 5) - 1 for k in range(len(xs))]
    for p, g, v, dv in zip(points, gs, SILU.row(xs), SILU.vjp(xs, gs)):
        x = mpmath.mpf(p)
        assert abs(as_mp(v) - mp_silu(x)) < TOLERANCE
        assert abs(as_mp(dv) - mp(g) * mpmath.diff(mp_silu, x)) < TOLERANCE


def test_the_checker_reads_silu_and_swish():
    # SiLU(1) = 1 / (1 + e^{-1}) = 0.7310585...; swish(2) = 2 / (1 + e^{-2}) = 1.7615941...
    text = "Here SiLU(1) = 0.7311 and swish(2) = 1.7616, but SiLU(1) = 0.7301.\n"
    verdicts = [str(c.verdict) for c in check_text(text).findings if c.verdict != "given"]
    assert verdicts == ["rounded", "rounded", "wrong"]


def test_swiglu_gate_and_its_two_partials_against_mpmath():
    from derive.stages.silu import SWIGLU_GATE

    A = sp.ImmutableMatrix([[sp.Rational(1, 2), -2, 3]])
    B = sp.ImmutableMatrix([[4, sp.Rational(-1, 3), 1]])
    G = sp.ImmutableMatrix([[1, 2, -1]])
    out = SWIGLU_GATE(A, B)
    dA, dB = SWIGLU_GATE.backward(A, B, G)
    for j in range(3):
        a, b, g = (mp(M[0, j]) for M in (A, B, G))
        got, ga, gb = (as_mp(E[0, j]) for E in (out, dA, dB))
        assert abs(got - mp_silu(a) * b) < TOLERANCE
        assert abs(ga - g * b * mpmath.diff(mp_silu, a)) < TOLERANCE
        assert abs(gb - g * mp_silu(a)) < TOLERANCE
