"""SiLU: values and slope against mpmath at 50 digits, and the checker reading it."""

from __future__ import annotations

import mpmath
import sympy as sp
from flint import ctx

from derive.check.pipeline import check_text
from derive.evaluate import ball
from derive.stages.silu import SILU

mpmath.mp.dps = 50


def mp_silu(x):
    return x / (1 + mpmath.exp(-x))


def test_values_and_backward_rule_against_mpmath():
    points = ["-6", "-1.5", "-0.1", "0", "0.3", "2", "9.25"]
    xs = [sp.Rational(p) for p in points]
    gs = [sp.Rational(k, 5) - 1 for k in range(len(xs))]
    for p, g, v, dv in zip(points, gs, SILU.row(xs), SILU.vjp(xs, gs)):
        x = mpmath.mpf(p)
        with ctx.workprec(400):
            got, slope = ball(v), ball(dv)
        assert abs(mpmath.mpf(got.mid().str(60, radius=False)) - mp_silu(x)) < mpmath.mpf(10) ** -40
        want = mpmath.mpf(g.p) / g.q * mpmath.diff(mp_silu, x)
        assert abs(mpmath.mpf(slope.mid().str(60, radius=False)) - want) < mpmath.mpf(10) ** -40


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
        a, b, g = (mpmath.mpf(M[0, j].p) / M[0, j].q for M in (A, B, G))
        with ctx.workprec(400):
            got, ga, gb = (mpmath.mpf(ball(E[0, j]).mid().str(60, radius=False)) for E in (out, dA, dB))
        assert abs(got - mp_silu(a) * b) < mpmath.mpf(10) ** -40
        assert abs(ga - g * b * mpmath.diff(mp_silu, a)) < mpmath.mpf(10) ** -40
        assert abs(gb - g * mp_silu(a)) < mpmath.mpf(10) ** -40
