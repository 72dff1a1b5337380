"""Softmax at a temperature: values and backward rule against mpmath, and as a spec stage."""

from __future__ import annotations

import mpmath
import sympy as sp
from stage_oracles import TOLERANCE, as_mp, mp, numeric_vjp, run_step

from derive.stages.temperature import SOFTMAX_TEMPERATURE


def mp_softmax(xs, T):
    e = [mpmath.exp(x / T) for x in xs]
    return [v / sum(e) for v in e]


def test_values_and_backward_rule_against_mpmath():
    xs = [sp.Rational(2), sp.Rational(1), sp.Rational(-1, 2)]
    gs = [sp.Rational(1), sp.Rational(-3, 4), sp.Rational(1, 3)]
    for T in (sp.Rational(1, 2), sp.Integer(1), sp.Rational(5, 2)):
        mx, mg, mT = [mp(x) for x in xs], [mp(g) for g in gs], mp(T)
        for got, want in zip(SOFTMAX_TEMPERATURE.row(xs, T), mp_softmax(mx, mT)):
            assert abs(as_mp(got) - want) < TOLERANCE
        slopes = numeric_vjp(lambda r: mp_softmax(r, mT), mx, mg)
        for got, want in zip(SOFTMAX_TEMPERATURE.vjp(xs, gs, T), slopes):
            assert abs(as_mp(got) - want) < TOLERANCE


def test_temperature_one_is_the_softmax_and_a_low_temperature_sharpens():
    from derive.stages.softmax import softmax_row

    xs = [sp.Integer(3), sp.Integer(1), sp.Integer(0)]
    assert SOFTMAX_TEMPERATURE.row(xs, 1) == softmax_row(xs)
    cold, hot = SOFTMAX_TEMPERATURE.row(xs, sp.Rational(1, 4)), SOFTMAX_TEMPERATURE.row(xs, 4)
    assert as_mp(cold[0]) > as_mp(softmax_row(xs)[0]) > as_mp(hot[0]) > mpmath.mpf(1) / 3


def test_a_spec_step_shows_the_temperature_in_its_formula(tmp_path):
    d = run_step(tmp_path, "S = [[2, 1, 0]]", 'name = "P"\nstage = "softmax_temperature"\noperands = ["S"]\nT = 0.5')
    assert d.step("P").equation == r"P = \mathrm{softmax}\left(\frac{S}{T}\right) \qquad T = 0.5"
    e4 = [mpmath.exp(4), mpmath.exp(2), mpmath.mpf(1)]
    assert d.digits("P", 6)[0] == [f"{float(v / sum(e4)):.6f}" for v in e4]
