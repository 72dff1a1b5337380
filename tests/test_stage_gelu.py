"""GELU, exact and tanh forms: values and slopes against mpmath at 50 digits,
the checker reading them in documents, and the cost per entry."""

from __future__ import annotations

import mpmath
import pytest
import sympy as sp
from stage_oracles import as_mp, mp

from derive.check.pipeline import check_text
from derive.stages.gelu import GELU, GELU_TANH
POINTS = ["-3.5", "-1", "-0.25", "0", "0.5", "1", "2.75"]


def mp_gelu(x):
    return x / 2 * (1 + mpmath.erf(x / mpmath.sqrt(2)))


def mp_gelu_tanh(x):
    return x / 2 * (1 + mpmath.tanh(mpmath.sqrt(2 / mpmath.pi) * (x + mpmath.mpf("0.044715") * x**3)))


def close(expr, want, digits=40) -> bool:
    return abs(as_mp(expr) - want) <= mpmath.mpf(10) ** -digits


@pytest.mark.parametrize("stage, oracle", [(GELU, mp_gelu), (GELU_TANH, mp_gelu_tanh)])
def test_values_and_backward_rule_against_mpmath(stage, oracle):
    xs = [sp.Rational(p) for p in POINTS]
    gs = [sp.Rational(k, 7) for k in range(1, len(xs) + 1)]
    values = stage.row(xs)
    vjp = stage.vjp(xs, gs)
    for x, g, v, dv in zip(POINTS, gs, values, vjp):
        assert close(v, oracle(mpmath.mpf(x)))
        slope = mpmath.diff(oracle, mpmath.mpf(x))
        assert close(dv, mp(g) * slope)


def test_known_values_of_gelu():
    # GELU(1) = Phi(1) and GELU(-1) = -(1 - Phi(1)), Phi the standard normal CDF
    phi1 = mpmath.ncdf(1)
    assert close(GELU.row([sp.Integer(1)])[0], phi1)
    assert close(GELU.row([sp.Integer(-1)])[0], -(1 - phi1))
    # the tanh form differs from the exact one by less than 1e-3 on [-4, 4]
    worst = max(abs(mp_gelu(mpmath.mpf(k) / 10) - mp_gelu_tanh(mpmath.mpf(k) / 10)) for k in range(-40, 41))
    assert worst < mpmath.mpf("1e-3")


def test_the_checker_reads_gelu_in_a_document():
    # GELU(0.5) = 0.25 (1 + erf(0.5 / sqrt 2)) = 0.345731...
    text = ("$$\\mathrm{GELU}(0.5) \\approx 0.3457$$\n\n"
            "$$\\mathrm{GELU}(0.5) \\approx 0.3475$$\n\n"
            "$$\\mathrm{GELU}([1, -1]) \\approx [0.8413, -0.1587]$$\n")
    verdicts = [(c.line, str(c.verdict)) for c in check_text(text).findings if c.verdict != "given"]
    assert verdicts == [(1, "rounded"), (3, "wrong"), (5, "rounded")]


def test_cost_per_entry():
    r, c = sp.symbols("r c", positive=True)
    assert GELU.ops(r, c).special == r * c and GELU_TANH.ops(r, c).mul == 6 * r * c


def test_a_tanh_gelu_value_under_the_name_gelu_is_wrong_and_says_why():
    # tanh form at 1: 0.841192; exact GELU(1) = 0.841345
    claim = next(c for c in check_text("$$\\mathrm{GELU}(1) \\approx 0.8412$$\n").findings if c.verdict != "given")
    assert str(claim.verdict) == "wrong" and claim.expected == "0.8413"
    assert "tanh approximation" in claim.diagnosis
