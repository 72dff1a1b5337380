"""Judge one link ``ref = claim`` over the values the document gave its names.

A formula's names may have several values in a document. The search tries
them (latest first, at most ``MAX_COMBINATIONS`` combinations) in the fast
face; a combination that could reproduce the claim is then judged exactly.
When none does, the claim is judged against the preferred combination (or,
when that does not evaluate, the first earlier one that does) and is wrong.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field, replace

import numpy as np
import sympy as sp

from derive.check.read import nodes as N
from derive.check.judge.allowance import NEAR, equation_allowance, printed_allowance, tolerance
from derive.check.bind.env import Binding, Env
from derive.check.evaluate.functions import LAYER_NORM
from derive.check.read.grids import Grid, grid_of
from derive.check.judge.compare import (Judgement, allow, allow_equal, deviation, fast_equal, judge,
                                judge_both_printed, judge_equal, screen)
from derive.check.bind.resolve import Link, Resolver
from derive.check.evaluate.values import EvalError, Options, Val

MAX_COMBINATIONS = 256


@dataclass
class Outcome:
    """The verdict on one link, with the values and choices behind it."""

    judgement: Judgement | None = None
    expected: Val | None = None          # exact value of the side that was not printed
    printed: Grid | None = None          # the printed side
    used: dict[str, Binding] = field(default_factory=dict)
    error: str = ""
    options: Options = Options()
    diagnosis: str | None = None        # set when a variant of the formula explains the claim
    picks: dict = field(default_factory=dict)   # which candidate each name took

    @property
    def verdict(self) -> str:
        return self.judgement.verdict if self.judgement else "unverifiable"

    @property
    def reproduces(self) -> bool:
        """Judged and not wrong: the printed numbers are this value (exact, rounded or truncated)."""
        return self.judgement is not None and self.verdict != "wrong"


def option_variants(nodes: list[N.Node]) -> list[Options]:
    """Epsilons to try when a layer norm appears and the document names none."""
    has_ln = any(isinstance(n, N.Call) and n.name in LAYER_NORM for node in nodes for n in N.walk(node))
    if not has_ln:
        return [Options()]
    plain = [Options(), Options(eps=sp.Rational(1, 10**5)), Options(eps=sp.Rational(1, 10**12)),
             Options(layer_norm="no_eps")]
    return plain + [replace(o, affine=True) for o in plain]   # with the document's gamma and beta


def combinations(seen: dict[str, int]) -> list[dict[str, int]]:
    """Choices of candidates, fewest departures from the latest values first."""
    keys = sorted(k for k, n in seen.items() if n > 1)
    ranges = [range(seen[k]) for k in keys]
    combos = [dict(zip(keys, c)) for c in itertools.product(*ranges)] if keys else [{}]
    combos.sort(key=lambda c: (sum(1 for v in c.values() if v), sum(c.values())))
    return combos[:MAX_COMBINATIONS]


def check_link(ref: N.Node, claim: N.Node, env: Env, line: int,
               options: list[Options] | None = None, exclude: frozenset = frozenset(),
               later: frozenset = frozenset(), rounded_literals: bool = False) -> Outcome:
    """Is ``claim`` the value of ``ref`` (or is ``ref``'s printed value ``claim``'s)?

    ``exclude`` hides names (a label's own values, when its formula is wanted);
    ``later`` lets names take values given further down (a restatement);
    ``rounded_literals``: the numbers written in ``claim`` are roundings."""
    options = options or option_variants([ref, claim])
    link = Link(ref, claim, grid_of(claim), env, line, exclude, later, rounded_literals)
    try:
        seen, ref_error = _candidate_counts(link, options[0])
    except EvalError as exc:
        return Outcome(error=str(exc))
    found = _first_fit(link, seen, options)
    if found is not None:
        return found
    first_error = None
    for k, picks in enumerate(combinations(seen)):   # the latest values first; earlier ones when those do not fit
        try:
            outcome = _judged(link, picks, options[0])
        except EvalError as exc:
            first_error = first_error or str(exc)
            continue
        if k == 0 or all(b.line <= link.line for b in outcome.used.values()):
            return outcome
    return Outcome(error=ref_error or first_error or "")


def _candidate_counts(link: Link, opt: Options) -> tuple[dict[str, int], str]:
    """How many values each name of the link can take (a fast probe), and why
    ``ref`` does not evaluate if it does not; an EvalError when an unprinted
    claim does not evaluate."""
    ref_error = ""
    try:
        _, probe = link.evaluate(link.ref, False, {}, opt)
        seen = dict(probe.seen)
    except EvalError as exc:
        ref_error = str(exc)
        # the latest values did not fit (a 2x3 where a 3x2 is needed): try the others
        seen = dict(getattr(getattr(exc, "resolver", None), "seen", {}))
    if link.claim_grid is None:
        _, probe = link.evaluate(link.claim, False, {}, opt)
        seen.update(probe.seen)
    return seen, ref_error


def _first_fit(link: Link, seen: dict[str, int], options: list[Options]) -> Outcome | None:
    """The first combination (and option) judged ok, else the first judged a
    rounding or truncation, else None."""
    best = None
    for picks in combinations(seen):
        for opt in options:
            outcome = _attempt(link, picks, opt)
            if outcome is None or outcome.verdict == "wrong":
                continue
            if outcome.verdict == "ok":
                return outcome
            best = best or outcome
    return best


def attempt(ref: N.Node, claim: N.Node, env: Env, line: int, picks: dict, options: Options,
            exclude: frozenset = frozenset()) -> Outcome | None:
    """One combination only: the judged outcome if it could match, else None."""
    return _attempt(Link(ref, claim, grid_of(claim), env, line, exclude), picks, options)


def _attempt(link: Link, picks: dict, opt: Options) -> Outcome | None:
    """Screen one combination in floats; judge it exactly when it could match."""
    try:
        could = _could_be_printed if link.claim_grid is not None else _could_equal
        if not could(link, picks, opt):
            return None
        return _judged(link, picks, opt)
    except EvalError:
        return None


def _could_be_printed(link: Link, picks: dict, opt: Options) -> bool:
    """Could the printed claim be ``ref``'s value rounded (or ``ref``'s printing
    the claim's)? Close misses are given the rounding of ``ref``'s inputs."""
    grid = link.claim_grid
    ref_fast, r = link.evaluate(link.ref, False, picks, opt)
    ref_grid = _direct_grid(link.ref, r)
    if screen(grid, ref_fast) or (ref_grid is not None and screen(ref_grid, _grid_val(grid))):
        return True
    if ref_grid is None and deviation(grid, ref_fast) < NEAR:
        margin = printed_allowance(link, picks, opt, r.used, ref_fast)
        return margin is not None and screen(grid, ref_fast, margin)
    return False


def _could_equal(link: Link, picks: dict, opt: Options) -> bool:
    """Could two written computations be equal, within the ``tolerance`` of their
    numbers? Close misses are given the rounding of ``ref``'s inputs."""
    ref_fast, r = link.evaluate(link.ref, False, picks, opt)
    ref_grid = _direct_grid(link.ref, r)
    claim_fast, c = link.evaluate(link.claim, False, picks, opt)
    tol = float(tolerance(link.claim, link.ref))
    if ref_grid is not None:
        return screen(ref_grid, claim_fast)
    if fast_equal(claim_fast, ref_fast, tol):
        return True
    if fast_equal(claim_fast, ref_fast, tol + NEAR * 1e-12 + 1e-3):
        margin = equation_allowance(link, picks, opt, [(link.ref, r.used, ref_fast),
                                                       (link.claim, c.used, claim_fast)])
        return margin is not None and fast_equal(claim_fast, ref_fast, tol, margin)
    return False


def _judged(link: Link, picks: dict, opt: Options) -> Outcome:
    """The exact judgement of one combination (the choices kept for diagnosis)."""
    ref_val, r = link.evaluate(link.ref, True, picks, opt)
    ref_grid = _direct_grid(link.ref, r)
    if link.claim_grid is not None:
        outcome = _judge_printed(link, picks, opt, ref_val, ref_grid, dict(r.used))
    else:
        outcome = _judge_equation(link, picks, opt, ref_val, ref_grid, r.used)
    outcome.picks = dict(picks)
    return outcome


def _judge_printed(link: Link, picks: dict, opt: Options, ref_val: Val, ref_grid, used) -> Outcome:
    """Printed numbers against ``ref``'s exact value (or its printing); wrong
    entries that the rounding of ``ref``'s inputs explains are 'rounded'."""
    grid = link.claim_grid
    if ref_grid is not None:
        return Outcome(judge_both_printed(grid, ref_grid), ref_val, grid, used, options=opt)
    j = judge(grid, ref_val)
    if j.verdict in ("wrong", "truncated") and not j.reason:
        fast, _ = link.evaluate(link.ref, False, picks, opt)
        margin = printed_allowance(link, picks, opt, used, fast) if deviation(grid, fast) < NEAR else None
        if margin is not None:
            j = _allowed(j, grid, fast, margin)
    return Outcome(j, ref_val, grid, used, options=opt)


def _allowed(j: Judgement, grid: Grid, fast: Val, margin) -> Judgement:
    """A wrong or truncated printing that the rounding of ``ref``'s inputs
    explains is a rounding: a value computed from rounded inputs is itself
    known only to that margin, so a truncation of it cannot be told apart."""
    if j.verdict == "wrong":
        return allow(j, grid, fast, margin)
    every = [(i, k, "", "") for i in range(fast.shape[0]) for k in range(fast.shape[1])]
    widened = allow(Judgement("wrong", j.expected, every), grid, fast, margin)
    return widened if widened.verdict == "rounded" else j


def _judge_equation(link: Link, picks: dict, opt: Options, ref_val: Val, ref_grid, ref_used) -> Outcome:
    """Two written computations, equal within the ``tolerance`` of their numbers
    (and the rounding of ``ref``'s inputs)."""
    claim_val, c = link.evaluate(link.claim, True, picks, opt)
    used = dict(ref_used)
    used.update(c.used)
    if ref_grid is not None:
        return Outcome(judge(ref_grid, claim_val), claim_val, ref_grid, used, options=opt)
    tol = tolerance(link.claim, link.ref)
    j = judge_equal(claim_val, ref_val, tol)
    if j.verdict == "wrong" and not j.reason:
        ref_fast, _ = link.evaluate(link.ref, False, picks, opt)
        claim_fast, _ = link.evaluate(link.claim, False, picks, opt)
        margin = equation_allowance(link, picks, opt, [(link.ref, ref_used, ref_fast),
                                                       (link.claim, c.used, claim_fast)])
        if margin is not None:
            j = allow_equal(j, claim_fast, ref_fast, float(tol), margin)
    return Outcome(j, ref_val, None, used, options=opt)


def _direct_grid(ref: N.Node, resolver: Resolver) -> Grid | None:
    """The printed numbers of ``ref`` when it is itself a printed value or a bound name."""
    grid = grid_of(ref)
    if grid is not None:
        return grid
    b = resolver.used.get(N.key(ref))
    return b.printed if b is not None else None


def _grid_val(grid: Grid) -> Val:
    """Printed numbers as a float value (to screen one printing against another)."""
    return Val(np.array([[float(p.value) for p in row] for row in grid]))
