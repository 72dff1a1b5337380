"""Softmax at a temperature: values and backward rule against mpmath, and as a spec stage."""

from __future__ import annotations

import mpmath
import sympy as sp
from flint import ctx

from derive.evaluate import ball
from derive.stages.temperature import SOFTMAX_TEMPERATURE

mpmath.mp.dps = 50


def mp_softmax(xs, T):
    e = [mpmath.exp(x / T) for x in xs]
    return [v / sum(e) for v in e]


def as_mp(expr):
    with ctx.workprec(400):
        return mpmath.mpf(ball(expr).mid().str(60, radius=False))


def test_values_and_backward_rule_against_mpmath():
    xs = [sp.Rational(2), sp.Rational(1), sp.Rational(-1, 2)]
    gs = [sp.Rational(1), sp.Rational(-3, 4), sp.Rational(1, 3)]
    for T in (sp.Rational(1, 2), sp.Integer(1), sp.Rational(5, 2)):
        mx = [mpmath.mpf(x.p) / x.q for x in xs]
        mT = mpmath.mpf(T.p) / T.q
        want = mp_softmax(mx, mT)
        for got, w in zip(SOFTMAX_TEMPERATURE.row(xs, T), want):
            assert abs(as_mp(got) - w) < mpmath.mpf(10) ** -40
        mg = [mpmath.mpf(g.p) / g.q for g in gs]
        for j, got in enumerate(SOFTMAX_TEMPERATURE.vjp(xs, gs, T)):
            def L(t, j=j):
                shifted = [t if k == j else mx[k] for k in range(len(mx))]
                return sum(g * p for g, p in zip(mg, mp_softmax(shifted, mT)))
            assert abs(as_mp(got) - mpmath.diff(L, mx[j])) < mpmath.mpf(10) ** -35


def test_temperature_one_is_the_softmax_and_a_low_temperature_sharpens():
    from derive.stages.softmax import softmax_row

    xs = [sp.Integer(3), sp.Integer(1), sp.Integer(0)]
    assert SOFTMAX_TEMPERATURE.row(xs, 1) == softmax_row(xs)
    cold, hot = SOFTMAX_TEMPERATURE.row(xs, sp.Rational(1, 4)), SOFTMAX_TEMPERATURE.row(xs, 4)
    assert as_mp(cold[0]) > as_mp(softmax_row(xs)[0]) > as_mp(hot[0]) > mpmath.mpf(1) / 3


def test_a_spec_step_shows_the_temperature_in_its_formula(tmp_path):
    from derive.spec import load_spec
    from derive.derivation import run

    spec = tmp_path / "t.toml"
    spec.write_text('name = "t"\n[inputs]\nS = [[2, 1, 0]]\n'
                    '[[steps]]\nname = "P"\nstage = "softmax_temperature"\noperands = ["S"]\nT = 0.5\n')
    d = run(load_spec(spec))
    assert d.step("P").equation == r"P = \mathrm{softmax}\left(\frac{S}{T}\right)"
    e4 = [mpmath.exp(4), mpmath.exp(2), mpmath.mpf(1)]
    assert d.digits("P", 6)[0] == [f"{float(v / sum(e4)):.6f}" for v in e4]
