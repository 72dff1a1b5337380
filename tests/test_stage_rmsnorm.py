"""RMSNorm: values and backward rule against mpmath at 50 digits, a spec step, and
the checker reading it in a document."""

from __future__ import annotations

import mpmath
import sympy as sp
from stage_oracles import TOLERANCE, as_mp, mp, numeric_vjp, run_step

from derive.check.pipeline import check_text
from derive.stages.rmsnorm import RMS_NORM


def mp_rms_norm(xs, eps):
    r = mpmath.sqrt(sum(x**2 for x in xs) / len(xs) + eps)
    return [x / r for x in xs]


def test_values_and_backward_rule_against_mpmath():
    xs = [sp.Rational(3, 10), sp.Rational(-12, 10), sp.Rational(7, 4), sp.Integer(0)]
    us = [sp.Rational(1, 2), sp.Integer(-1), sp.Rational(1, 3), sp.Integer(2)]
    eps = sp.Rational(1, 10**6)
    mx, mu, meps = [mp(x) for x in xs], [mp(u) for u in us], mp(eps)
    for got, want in zip(RMS_NORM.row(xs, eps), mp_rms_norm(mx, meps)):
        assert abs(as_mp(got) - want) < TOLERANCE
    for got, want in zip(RMS_NORM.vjp(xs, us, eps), numeric_vjp(lambda r: mp_rms_norm(r, meps), mx, mu)):
        assert abs(as_mp(got) - want) < TOLERANCE


def test_a_row_has_root_mean_square_one_without_epsilon():
    out = RMS_NORM.row([sp.Integer(1), sp.Integer(2), sp.Integer(2)], 0)   # rms = sqrt(3)
    assert out == [1 / sp.sqrt(3), 2 / sp.sqrt(3), 2 / sp.sqrt(3)]
    assert sp.simplify(sum(v**2 for v in out) / 3) == 1


def test_a_spec_step(tmp_path):
    d = run_step(tmp_path, "X = [[3, 4]]", 'name = "Y"\nstage = "rms_norm"\noperands = ["X"]\neps = 0')
    assert d.step("Y").equation == r"Y = \mathrm{RMSNorm}\left(X\right) \qquad \epsilon = 0"   # the parameter shown
    # rms of (3, 4) is sqrt(12.5); 3 / sqrt(12.5) = 0.848528..., 4 / sqrt(12.5) = 1.131370...
    assert d.digits("Y", 6)[0] == ["0.848528", "1.131371"]


def test_the_checker_reads_rmsnorm_in_a_document():
    text = ("$$\\mathrm{RMSNorm}([3, 4]) \\approx [0.8485, 1.1314]$$\n\n"
            "$$\\mathrm{RMSNorm}([3, 4]) \\approx [0.6, 0.8]$$\n")
    verdicts = [str(c.verdict) for c in check_text(text).findings if c.verdict != "given"]
    assert verdicts == ["rounded", "wrong"]
