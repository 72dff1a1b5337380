"""The descent loop: float64 bit for bit against a plain NumPy loop written here,
mpmath against an independent 60-digit loop, the exact iterations against
closed forms derived by hand."""

import mpmath
import numpy as np
import pytest
import sympy as sp

from derive.descent import (PAPER, Loop, exact_iterations, exact_vs_mpmath, float64_trajectory,
                            mpmath_error_bound, mpmath_trajectory, summary)
from derive.errors import DeriveError

LOOPS = [
    PAPER,
    Loop(logits=("0.5", "-1.25", "2"), true_class=2, learning_rate="0.5", iterations=57, every=7),
    Loop(logits=("3", "0", "0", "0", "1e-3"), true_class=1, learning_rate="0.125", iterations=300),
]


def plain_numpy_loop(weights, true_class, learning_rate, iterations):
    """The loop written out plainly, recording what the script prints."""
    weights = np.array(weights)
    printed = []
    for i in range(iterations):
        exp_weights = np.exp(weights)
        probabilities = exp_weights / np.sum(exp_weights)
        gradients = probabilities.copy()
        gradients[true_class] -= 1
        weights -= learning_rate * gradients
        printed.append((weights.copy(), probabilities))
    final = np.exp(weights) / np.sum(np.exp(weights))
    return printed, final


@pytest.mark.parametrize("loop", LOOPS)
def test_float64_is_the_plain_numpy_loop_bit_for_bit(loop):
    printed, final = plain_numpy_loop([float(t) for t in loop.logits], loop.true_class,
                                      float(loop.learning_rate), loop.iterations)
    ours = float64_trajectory(loop)
    for i, (w, p) in enumerate(printed):
        assert ours.z[i].tobytes() == w.tobytes(), i
        assert ours.P[i].tobytes() == p.tobytes(), i
    assert np.asarray(ours.final).tobytes() == final.tobytes()


def reference_mpmath_loop(z, true_class, alpha, iterations):
    """An independent loop at 60 digits with the max-shifted softmax (inputs as text)."""
    with mpmath.workdps(60):
        z = [mpmath.mpf(v) for v in z]
        alpha = mpmath.mpf(alpha)
        for _ in range(iterations):
            top = max(z)
            e = [mpmath.exp(v - top) for v in z]
            s = sum(e)
            P = [v / s for v in e]
            z = [v - alpha * (p - (j == true_class)) for j, (v, p) in enumerate(zip(z, P))]
        top = max(z)
        e = [mpmath.exp(v - top) for v in z]
        return z, [v / sum(e) for v in e]


@pytest.mark.parametrize("loop", LOOPS)
def test_mpmath_agrees_with_an_independent_60_digit_loop(loop):
    z_ref, P_ref = reference_mpmath_loop(loop.logits, loop.true_class, loop.learning_rate,
                                         loop.iterations)
    ours = mpmath_trajectory(loop, dps=50)
    with mpmath.workdps(60):
        gap = max(abs(a - b) for a, b in zip(ours.z[-1] + ours.final, z_ref + P_ref))
    assert gap < mpmath.mpf("1e-45")


def test_mpmath_at_higher_precision_moves_less_than_its_certified_bound():
    mp50, mp80 = mpmath_trajectory(dps=50), mpmath_trajectory(dps=80)
    bound = mpmath_error_bound(mp50)
    assert bound < mpmath.mpf("1e-45")
    with mpmath.workdps(90):
        assert max(abs(a - b) for a, b in zip(mp50.final, mp80.final)) <= bound


def test_first_exact_iteration_matches_the_hand_closed_form():
    # softmax(0.1, 0.1, 0.1, 0.7): three entries 1/(3 + e^{3/5}), the last e^{3/5}/(3 + e^{3/5}).
    step = exact_iterations(1)[0]
    r = sp.exp(sp.Rational(3, 5))
    hand_P = [1 / (3 + r)] * 3 + [r / (3 + r)]
    for ours, hand in zip(step.P, hand_P):
        assert sp.simplify(ours - hand) == 0
    hand_z0 = sp.Rational(1, 10) - sp.Rational(1, 100) * (1 / (3 + r) - 1)
    assert sp.simplify(step.z[0] - hand_z0) == 0


def test_exact_iterations_agree_with_mpmath_and_with_a_50_digit_oracle():
    steps = exact_iterations(2)
    assert exact_vs_mpmath(steps, mpmath_trajectory()) < mpmath.mpf("1e-48")
    z_ref, _ = reference_mpmath_loop(PAPER.logits, 0, "0.01", 2)
    for ours, ref in zip(steps[1].z, z_ref):
        assert abs(sp.N(ours, 60) - sp.Float(mpmath.nstr(ref, 60), 60)) < sp.Float("1e-55")
    assert steps[0].z[0].atoms(sp.Float) == set()  # exact: no float anywhere


def test_summary_rows_and_differences():
    s = summary()
    assert [r.i for r in s.rows] == list(range(0, 2000, 10))
    plain, final = plain_numpy_loop([0.1, 0.1, 0.1, 0.7], 0, 0.01, 2000)
    assert s.rows[-1].z64 == tuple(plain[1990][0].tolist())
    assert s.final64 == tuple(final.tolist())
    # The largest float64-vs-mpmath gap, recomputed here over everything recorded.
    f64, mp = float64_trajectory(), mpmath_trajectory()
    with mpmath.workdps(60):
        gaps = [abs(mpmath.mpf(float(a)) - b) for A, B in ((f64.z, mp.z), (f64.P, mp.P))
                for ra, rb in zip(A, B) for a, b in zip(ra, rb)]
        gaps += [abs(mpmath.mpf(float(a)) - b) for a, b in zip(f64.final, mp.final)]
    assert s.max_difference == max(gaps)
    assert 0 < s.max_difference < 1e-12
    with mpmath.workdps(60):
        assert abs(mpmath.fsum(s.final_mp) - 1) < mpmath.mpf("1e-48")


@pytest.mark.parametrize("kwargs", [
    {"true_class": 4},
    {"true_class": -1},
    {"iterations": 0},
    {"every": 0},
])
def test_bad_loops_raise_a_derive_error(kwargs):
    with pytest.raises(DeriveError):
        Loop(**kwargs)


def test_bad_decimal_raises_a_derive_error():
    with pytest.raises(DeriveError):
        mpmath_trajectory(Loop(learning_rate="0.0x1"))
    with pytest.raises(DeriveError):
        exact_iterations(3, Loop(iterations=2))
