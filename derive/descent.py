r"""Gradient descent on four logits, run the way the whitepaper's script runs it.

Each iteration computes, from the logits z (the script calls them "weights"),

    P = \mathrm{softmax}(z), \qquad \frac{\partial L}{\partial z} = P - y, \qquad
    z \leftarrow z - \alpha (P - y)

with y the one-hot vector of the true class. Iteration i records the logits
*after* its update and the probabilities computed *before* it (that is what the
script prints at every tenth iteration); the final probabilities are the
softmax of the final logits. The softmax is taken without subtracting the
largest logit, as in the script: ``exp(z) / sum(exp(z))``.

Three arithmetics run the same loop:

* float64 (NumPy), operation for operation as the script, so its numbers are
  the script's numbers bit for bit;
* mpmath at ``dps`` digits, starting from the exact decimals (1/10, 7/10, 1/100);
* exact SymPy for the first few iterations (``exp`` left unevaluated), checked
  against mpmath with Arb balls; and an Arb run of the whole loop bounds how
  far the mpmath trajectory is from the true one.
"""

from __future__ import annotations

from dataclasses import dataclass

import mpmath
import numpy as np
import sympy as sp
from flint import arb, ctx, fmpq

from derive.errors import UsageError
from derive.evaluate import ball
from derive.numbers import parse_decimal
from derive.stages.softmax import softmax_row


@dataclass(frozen=True)
class Loop:
    """The loop's parameters, as decimal text; the defaults are the paper's script."""

    logits: tuple[str, ...] = ("0.1", "0.1", "0.1", "0.7")  # initial z ("weights")
    true_class: int = 0            # index of the true word ("mat")
    learning_rate: str = "0.01"    # alpha
    iterations: int = 2000
    every: int = 10                # the script prints iteration i when i % every == 0

    def __post_init__(self):
        if not 0 <= self.true_class < len(self.logits):
            raise UsageError(f"true class {self.true_class} is not one of {len(self.logits)} classes")
        if self.iterations < 1 or self.every < 1:
            raise UsageError("the loop needs at least one iteration and a positive print interval")

    def exact_logits(self) -> list[sp.Rational]:
        return [parse_decimal(t).value for t in self.logits]

    def exact_rate(self) -> sp.Rational:
        return parse_decimal(self.learning_rate).value

    def one_hot(self) -> list[int]:
        """y: 1 at the true class, 0 elsewhere."""
        return [int(j == self.true_class) for j in range(len(self.logits))]


PAPER = Loop()


@dataclass(frozen=True)
class Trajectory:
    """z[i]: logits after iteration i; P[i]: probabilities computed in iteration i."""

    z: list
    P: list
    final: list   # softmax of the final logits


# --- float64: the script's own arithmetic ---------------------------------------

def float64_trajectory(loop: Loop = PAPER) -> Trajectory:
    r"""The loop in NumPy float64, operation for operation as the script runs it."""
    z = np.array([float(t) for t in loop.logits])   # float("0.1") is the literal 0.1
    alpha = float(loop.learning_rate)
    zs = np.empty((loop.iterations, z.size))
    Ps = np.empty((loop.iterations, z.size))
    for i in range(loop.iterations):
        e = np.exp(z)
        P = e / np.sum(e)                 # no max shift, as the script
        grad = P.copy()
        grad[loop.true_class] -= 1        # P - y
        z -= alpha * grad
        zs[i], Ps[i] = z, P
    final = np.exp(z) / np.sum(np.exp(z))
    return Trajectory(zs, Ps, final)


# --- mpmath at dps digits ------------------------------------------------------

def _mp_softmax(z):
    e = [mpmath.exp(v) for v in z]
    total = mpmath.fsum(e)
    return [v / total for v in e]


def mpmath_trajectory(loop: Loop = PAPER, dps: int = 50) -> Trajectory:
    r"""The same loop in mpmath at ``dps`` digits, from the exact decimal inputs."""
    y = loop.one_hot()
    zs, Ps = [], []
    with mpmath.workdps(dps):
        z = [mpmath.mpf(q.p) / q.q for q in loop.exact_logits()]
        rate = loop.exact_rate()
        alpha = mpmath.mpf(rate.p) / rate.q
        for _ in range(loop.iterations):
            P = _mp_softmax(z)
            z = [z_j - alpha * (P_j - y_j) for z_j, P_j, y_j in zip(z, P, y)]
            zs.append(z)
            Ps.append(P)
        final = _mp_softmax(z)
    return Trajectory(zs, Ps, final)


# --- exact: the first iterations as SymPy expressions ---------------------------

@dataclass(frozen=True)
class ExactStep:
    """Iteration i exactly: P = softmax(z) before the update, z after it."""

    i: int
    P: list
    z: list


def exact_iterations(k: int = 2, loop: Loop = PAPER) -> list[ExactStep]:
    r"""The first k iterations exactly: P = softmax(z), z' = z - \alpha (P - y)."""
    if not 1 <= k <= loop.iterations:
        raise UsageError(f"cannot take {k} exact iterations of a {loop.iterations}-iteration loop")
    z, alpha, y = loop.exact_logits(), loop.exact_rate(), loop.one_hot()
    steps = []
    for i in range(k):
        P = softmax_row(z)
        z = [z_j - alpha * (P_j - y_j) for z_j, P_j, y_j in zip(z, P, y)]
        steps.append(ExactStep(i, P, z))
    return steps


def _to_arb(value: mpmath.mpf) -> arb:
    """A binary mpmath number as an exact ball (both are dyadic rationals)."""
    man, exp = value.man_exp         # man_exp drops the sign
    return arb((int(-man if value < 0 else man), int(exp)))


def _distance(value: mpmath.mpf, enclosure: arb) -> mpmath.mpf:
    """An upper bound of |value - x| for every x in the ball."""
    man, exp = (_to_arb(value) - enclosure).abs_upper().man_exp()
    return mpmath.mpf((int(man), int(exp)))


def exact_vs_mpmath(steps: list[ExactStep], mp: Trajectory, prec: int = 320) -> mpmath.mpf:
    """max |exact - mpmath| over the exact iterations' P and z, certified by Arb."""
    worst = mpmath.mpf(0)
    with ctx.workprec(prec):
        memo: dict = {}
        for s in steps:
            pairs = list(zip(s.P, mp.P[s.i])) + list(zip(s.z, mp.z[s.i]))
            worst = max([worst] + [_distance(v, ball(e, None, memo)) for e, v in pairs])
    return worst


# --- Arb: a certified bound on the mpmath trajectory ----------------------------

def mpmath_error_bound(mp: Trajectory, loop: Loop = PAPER, prec: int = 320) -> mpmath.mpf:
    """max |mpmath - true value| over every z, P and the final P, from an Arb run."""
    y = [arb(v) for v in loop.one_hot()]
    worst = mpmath.mpf(0)
    with ctx.workprec(prec):
        z = [arb(fmpq(int(q.p), int(q.q))) for q in loop.exact_logits()]
        rate = loop.exact_rate()
        alpha = arb(fmpq(int(rate.p), int(rate.q)))
        for i in range(loop.iterations):
            e = [v.exp() for v in z]
            total = sum(e[1:], e[0])
            P = [v / total for v in e]
            z = [z_j - alpha * (P_j - y_j) for z_j, P_j, y_j in zip(z, P, y)]
            pairs = list(zip(mp.P[i], P)) + list(zip(mp.z[i], z))
            worst = max([worst] + [_distance(v, b) for v, b in pairs])
        e = [v.exp() for v in z]
        total = sum(e[1:], e[0])
        worst = max([worst] + [_distance(v, b / total) for v, b in zip(mp.final, e)])
    return worst


# --- the record the document renders --------------------------------------------

@dataclass(frozen=True)
class Row:
    """One printed iteration in both arithmetics."""

    i: int
    z64: tuple[float, ...]
    P64: tuple[float, ...]
    z_mp: tuple
    P_mp: tuple


@dataclass(frozen=True)
class Summary:
    loop: Loop
    dps: int
    rows: list[Row]                       # iteration 0 and every `every`-th
    final64: tuple[float, ...]
    final_mp: tuple
    max_difference: mpmath.mpf            # max |float64 - mpmath| over every z, P, final
    max_difference_at: tuple[int, str, int]   # (iteration, "z"|"P"|"final", class)
    exact: list[ExactStep]                # the first iterations, exactly
    exact_vs_mpmath: mpmath.mpf           # max |exact - mpmath| over them (Arb-certified)
    mpmath_error: mpmath.mpf              # max |mpmath - true value| over the loop (Arb-certified)


def _largest_difference(f64: Trajectory, mp: Trajectory) -> tuple[mpmath.mpf, tuple[int, str, int]]:
    """max |float64 - mpmath| (floats convert to mpf exactly), and where it is."""
    worst, where = mpmath.mpf(0), (0, "z", 0)
    with mpmath.workdps(60):
        entries = [(i, name, j, a[i][j], b[i][j])
                   for name, a, b in (("z", f64.z, mp.z), ("P", f64.P, mp.P))
                   for i in range(len(mp.z)) for j in range(len(mp.z[0]))]
        entries += [(len(mp.z) - 1, "final", j, f64.final[j], mp.final[j]) for j in range(len(mp.final))]
        for i, name, j, a, b in entries:
            diff = abs(mpmath.mpf(float(a)) - b)
            if diff > worst:
                worst, where = diff, (i, name, j)
    return worst, where


def summary(loop: Loop = PAPER, dps: int = 50, exact_k: int = 2) -> Summary:
    """Both trajectories side by side at the printed iterations, with their differences."""
    f64, mp = float64_trajectory(loop), mpmath_trajectory(loop, dps)
    rows = [Row(i, tuple(f64.z[i].tolist()), tuple(f64.P[i].tolist()), tuple(mp.z[i]), tuple(mp.P[i]))
            for i in range(0, loop.iterations, loop.every)]
    worst, where = _largest_difference(f64, mp)
    steps = exact_iterations(exact_k, loop)
    return Summary(loop, dps, rows, tuple(f64.final.tolist()), tuple(mp.final), worst, where,
                   steps, exact_vs_mpmath(steps, mp), mpmath_error_bound(mp, loop))
