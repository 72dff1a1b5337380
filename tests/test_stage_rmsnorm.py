"""RMSNorm: values and backward rule against mpmath at 50 digits, a spec step, and
the checker reading it in a document."""

from __future__ import annotations

import mpmath
import sympy as sp
from flint import ctx

from derive.check.pipeline import check_text
from derive.evaluate import ball
from derive.stages.rmsnorm import RMS_NORM

mpmath.mp.dps = 50


def mp_rms_norm(xs, eps):
    r = mpmath.sqrt(sum(x**2 for x in xs) / len(xs) + eps)
    return [x / r for x in xs]


def as_mp(expr):
    with ctx.workprec(400):
        return mpmath.mpf(ball(expr).mid().str(60, radius=False))


def test_values_and_backward_rule_against_mpmath():
    xs = [sp.Rational(3, 10), sp.Rational(-12, 10), sp.Rational(7, 4), sp.Integer(0)]
    us = [sp.Rational(1, 2), sp.Integer(-1), sp.Rational(1, 3), sp.Integer(2)]
    eps = sp.Rational(1, 10**6)
    mx = [mpmath.mpf(x.p) / x.q for x in xs]
    mu = [mpmath.mpf(u.p) / u.q for u in us]
    meps = mpmath.mpf(1) / 10**6
    for got, want in zip(RMS_NORM.row(xs, eps), mp_rms_norm(mx, meps)):
        assert abs(as_mp(got) - want) < mpmath.mpf(10) ** -40
    for j, got in enumerate(RMS_NORM.vjp(xs, us, eps)):
        def L(t, j=j):
            row = [t if k == j else mx[k] for k in range(len(mx))]
            return sum(u * y for u, y in zip(mu, mp_rms_norm(row, meps)))
        assert abs(as_mp(got) - mpmath.diff(L, mx[j])) < mpmath.mpf(10) ** -35


def test_a_row_has_root_mean_square_one_without_epsilon():
    out = RMS_NORM.row([sp.Integer(1), sp.Integer(2), sp.Integer(2)], 0)   # rms = sqrt(3)
    assert out == [1 / sp.sqrt(3), 2 / sp.sqrt(3), 2 / sp.sqrt(3)]
    assert sp.simplify(sum(v**2 for v in out) / 3) == 1


def test_a_spec_step(tmp_path):
    from derive.derivation import run
    from derive.spec import load_spec

    spec = tmp_path / "r.toml"
    spec.write_text('name = "r"\n[inputs]\nX = [[3, 4]]\n'
                    '[[steps]]\nname = "Y"\nstage = "rms_norm"\noperands = ["X"]\neps = 0\n')
    d = run(load_spec(spec))
    assert d.step("Y").equation == r"Y = \mathrm{RMSNorm}\left(X\right)"
    # rms of (3, 4) is sqrt(12.5); 3 / sqrt(12.5) = 0.848528..., 4 / sqrt(12.5) = 1.131370...
    assert d.digits("Y", 6)[0] == ["0.848528", "1.131371"]


def test_the_checker_reads_rmsnorm_in_a_document():
    text = ("$$\\mathrm{RMSNorm}([3, 4]) \\approx [0.8485, 1.1314]$$\n\n"
            "$$\\mathrm{RMSNorm}([3, 4]) \\approx [0.6, 0.8]$$\n")
    verdicts = [str(c.verdict) for c in check_text(text).findings if c.verdict != "given"]
    assert verdicts == ["rounded", "wrong"]
