"""RoPE: rotations by hand (mpmath), the relative-position property, the backward
rule against mpmath derivatives, and a spec step."""

from __future__ import annotations

import mpmath
import pytest
import sympy as sp
from stage_oracles import TOLERANCE, as_mp, mp, numeric_vjp, run_step

from derive.stages.rope import ROPE


def mp_rope(x, m, base=10000):
    d, out = len(x), []
    for k in range(d // 2):
        t = mpmath.mpf(m) / mpmath.power(base, mpmath.mpf(2 * k) / d)
        a, b = x[2 * k], x[2 * k + 1]
        out += [a * mpmath.cos(t) - b * mpmath.sin(t), a * mpmath.sin(t) + b * mpmath.cos(t)]
    return out


X = sp.ImmutableMatrix([[1, 2, -1, sp.Rational(1, 2)], [sp.Rational(3, 10), 0, 2, -1], [-2, 1, 1, 1]])


def test_each_row_turned_by_its_position_against_mpmath():
    out = ROPE(X)
    for m in range(X.rows):
        for got, want in zip(out.row(m), mp_rope([mp(v) for v in X.row(m)], m)):
            assert abs(as_mp(got) - want) < TOLERANCE
    assert list(out.row(0)) == list(X.row(0))          # position 0: no turn


def test_scores_depend_only_on_the_distance_between_positions():
    # <RoPE(q) at m, RoPE(k) at n> is the same for (m, n) = (1, 3) and (4, 6)
    q, k = [mpmath.mpf(v) for v in (1, -2, 3, 1)], [mpmath.mpf(v) for v in (2, 1, -1, 4)]
    dot = lambda a, b: sum(x * y for x, y in zip(a, b))  # noqa: E731
    assert abs(dot(mp_rope(q, 1), mp_rope(k, 3)) - dot(mp_rope(q, 4), mp_rope(k, 6))) < TOLERANCE
    # and derive's exact rows give the same scores
    Q = ROPE(sp.ImmutableMatrix([[1, -2, 3, 1]] * 7))
    K = ROPE(sp.ImmutableMatrix([[2, 1, -1, 4]] * 7))
    s13 = sum(Q[1, j] * K[3, j] for j in range(4))
    s46 = sum(Q[4, j] * K[6, j] for j in range(4))
    assert abs(as_mp(s13 - s46)) < TOLERANCE


def test_backward_rule_against_mpmath():
    G = sp.ImmutableMatrix([[1, -1, 2, sp.Rational(1, 3)]] * 3)
    grad = ROPE.backward(X, G, sp.Integer(10000))
    for m in range(3):
        slopes = numeric_vjp(lambda r, m=m: mp_rope(r, m), [mp(v) for v in X.row(m)], [mp(v) for v in G.row(m)])
        for j in range(4):
            assert abs(as_mp(grad[m, j]) - slopes[j]) < TOLERANCE


def test_an_odd_width_is_refused_and_a_spec_step_uses_the_default_base(tmp_path):
    with pytest.raises(ValueError, match="odd"):
        ROPE(sp.ImmutableMatrix([[1, 2, 3]]))
    d = run_step(tmp_path, "X = [[1, 0], [1, 0]]", 'name = "Y"\nstage = "rope"\noperands = ["X"]')
    assert d.step("Y").equation == r"Y = \mathrm{RoPE}\left(X\right)"
    # position 1, one pair, angle 1 radian: (cos 1, sin 1)
    assert d.digits("Y", 6)[1] == [f"{float(mpmath.cos(1)):.6f}", f"{float(mpmath.sin(1)):.6f}"]


def test_a_documents_rope_call_is_not_judged_by_the_stage():
    """RoPE(q, p) in a document carries its own position and angle convention: not read
    as derive's stage (whose call has no position), so never a false 'wrong'."""
    from derive.check.pipeline import check_text

    text = "With $q = [1, 0, 0, 1]$:\n\n$$\\mathrm{RoPE}(q, 1) = [0.866, 0.5, -0.5, 0.866]$$\n"
    assert all(str(c.verdict) != "wrong" for c in check_text(text).findings)
