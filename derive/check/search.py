"""Judge one link ``ref = claim`` over the values the document gave its names.

A formula's names may have several values in a document. The search tries
them (latest first, at most ``MAX_COMBINATIONS`` combinations) in the fast
face; a combination that could reproduce the claim is then judged exactly.
When none does, the claim is judged against the preferred combination and is
wrong.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import numpy as np
import sympy as sp

from derive.check import nodes as N
from derive.check.env import Binding, Env
from derive.check.evaluator import Evaluator, LAYER_NORM
from derive.check.judge import (Grid, Judgement, allow, allow_equal, deviation, fast_equal, fit, grid_of,
                                judge, judge_both_printed, judge_equal, screen)
from derive.check.fastface import FAST
from derive.check.values import EXACT, EvalError, Options, Val

MAX_COMBINATIONS = 256
NEAR = 1000          # within this many last-place units, rounded inputs may explain a difference
MAX_PERTURBED = 200  # entries perturbed to measure that


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


class Resolver:
    """Looks names up in the environment, taking the candidate the search picked."""

    def __init__(self, env: Env, line: int, exact: bool, picks: dict[str, int],
                 exclude: frozenset = frozenset(), later: frozenset = frozenset()):
        self.env, self.line, self.exact, self.picks, self.exclude = env, line, exact, picks, exclude
        self.later = later
        self.override: dict[str, Val] = {}
        self.seen: dict[str, int] = {}
        self.used: dict[str, Binding] = {}

    def __call__(self, key: str) -> Val | None:
        if key in self.exclude:
            return None
        if key in self.override:
            self.seen.setdefault(key, 1)
            return self.override[key]
        cands = self.env.candidates(key, self.line, key in self.later)
        if not cands:
            return None
        self.seen[key] = len(cands)
        b = cands[min(self.picks.get(key, 0), len(cands) - 1)]
        self.used[key] = b
        return b.value if self.exact else b.fast()

    def function(self, name: str):
        return self.env.function(name, self.line)


def evaluate(node: N.Node, env: Env, line: int, exact: bool, picks: dict[str, int],
             options: Options = Options(), exclude: frozenset = frozenset(),
             later: frozenset = frozenset()) -> tuple[Val, Resolver]:
    resolver = Resolver(env, line, exact, picks, exclude, later)
    value = Evaluator(EXACT if exact else FAST, resolver, resolver.function, options).eval(node)
    return value, resolver


def option_variants(nodes: list[N.Node]) -> list[Options]:
    """Epsilons to try when a layer norm appears and the document names none."""
    has_ln = any(isinstance(n, N.Call) and n.name in LAYER_NORM for node in nodes for n in N.walk(node))
    if not has_ln:
        return [Options()]
    return [Options(), Options(eps=sp.Rational(1, 10**5)), Options(eps=sp.Rational(1, 10**12)),
            Options(layer_norm="no_eps")]


def combinations(seen: dict[str, int]) -> list[dict[str, int]]:
    """Choices of candidates, fewest departures from the latest values first."""
    keys = sorted(k for k, n in seen.items() if n > 1)
    ranges = [range(seen[k]) for k in keys]
    combos = [dict(zip(keys, c)) for c in itertools.product(*ranges)] if keys else [{}]
    combos.sort(key=lambda c: (sum(1 for v in c.values() if v), sum(c.values())))
    return combos[:MAX_COMBINATIONS]


def check_link(ref: N.Node, claim: N.Node, env: Env, line: int,
               options: list[Options] | None = None, exclude: frozenset = frozenset(),
               later: frozenset = frozenset()) -> Outcome:
    """Is ``claim`` the value of ``ref`` (or is ``ref``'s printed value ``claim``'s)?

    ``exclude`` hides names (a label's own values, when its formula is wanted);
    ``later`` lets names take values given further down (a restatement)."""
    options = options or option_variants([ref, claim])
    claim_grid = grid_of(claim)
    ctx = (ref, claim, claim_grid, env, line, exclude, later)
    first_error = ""
    try:
        _, probe = evaluate(ref, env, line, False, {}, options[0], exclude, later)
        seen = dict(probe.seen)
    except EvalError as exc:
        first_error = str(exc)
        seen = {}
    if claim_grid is None:
        try:
            _, probe = evaluate(claim, env, line, False, {}, options[0], exclude, later)
            seen.update(probe.seen)
        except EvalError as exc:
            return Outcome(error=str(exc))
    best = None
    for picks in combinations(seen):
        for opt in options:
            outcome = _attempt(ctx, picks, opt)
            if outcome is None or outcome.verdict == "wrong":
                continue
            if outcome.verdict == "ok":
                return outcome
            best = best or outcome
    if best is not None:
        return best
    try:
        return _judged(ctx, {}, options[0])
    except EvalError as exc:
        return Outcome(error=first_error or str(exc))


def _attempt(ctx, picks, opt) -> Outcome | None:
    """Screen one combination in floats; judge it exactly when it could match."""
    ref, claim, claim_grid, env, line, exclude, later = ctx
    try:
        ref_fast, r = evaluate(ref, env, line, False, picks, opt, exclude, later)
        ref_grid = _direct_grid(ref, r)
        if claim_grid is not None:
            ok = screen(claim_grid, ref_fast) or (ref_grid is not None and screen(ref_grid, _grid_val(claim_grid)))
            if not ok and ref_grid is None and deviation(claim_grid, ref_fast) < NEAR:
                margin = input_allowance(ctx, picks, opt, r.used, ref_fast)
                ok = margin is not None and screen(claim_grid, ref_fast, margin)
        else:
            claim_fast, c = evaluate(claim, env, line, False, picks, opt, exclude, later)
            tol = float(tolerance(claim, ref))
            ok = screen(ref_grid, claim_fast) if ref_grid is not None else fast_equal(claim_fast, ref_fast, tol)
            if not ok and ref_grid is None and fast_equal(claim_fast, ref_fast, tol + NEAR * 1e-12 + 1e-3):
                margin = input_allowance(ctx, picks, opt, r.used, ref_fast)
                ok = margin is not None and fast_equal(claim_fast, ref_fast, tol, margin)
    except EvalError:
        return None
    if not ok:
        return None
    try:
        return _judged(ctx, picks, opt)
    except EvalError:
        return None


def attempt(ref: N.Node, claim: N.Node, env: Env, line: int, picks: dict, options: Options,
            exclude: frozenset = frozenset()) -> Outcome | None:
    """One combination only: the judged outcome if it could match, else None."""
    return _attempt((ref, claim, grid_of(claim), env, line, exclude, frozenset()), picks, options)


def _judged(ctx, picks, opt) -> Outcome:
    outcome = _judge_combination(ctx, picks, opt)
    outcome.picks = dict(picks)
    return outcome


def _judge_combination(ctx, picks, opt) -> Outcome:
    ref, claim, claim_grid, env, line, exclude, later = ctx
    ref_val, r = evaluate(ref, env, line, True, picks, opt, exclude, later)
    ref_grid = _direct_grid(ref, r)
    used = dict(r.used)
    if claim_grid is not None:
        if ref_grid is not None:
            return Outcome(judge_both_printed(claim_grid, ref_grid), ref_val, claim_grid, used, options=opt)
        j = judge(claim_grid, ref_val)
        if j.verdict == "wrong" and not j.reason:
            fast, _ = evaluate(ref, env, line, False, picks, opt, exclude, later)
            margin = input_allowance(ctx, picks, opt, used, fast) if deviation(claim_grid, fast) < NEAR else None
            if margin is not None:
                j = allow(j, claim_grid, fast, margin)
        return Outcome(j, ref_val, claim_grid, used, options=opt)
    claim_val, c = evaluate(claim, env, line, True, picks, opt, exclude, later)
    used.update(c.used)
    if ref_grid is not None:
        return Outcome(judge(ref_grid, claim_val), claim_val, ref_grid, used, options=opt)
    tol = tolerance(claim, ref)
    j = judge_equal(claim_val, ref_val, tol)
    if j.verdict == "wrong" and not j.reason:
        ref_fast, _ = evaluate(ref, env, line, False, picks, opt, exclude, later)
        claim_fast, _ = evaluate(claim, env, line, False, picks, opt, exclude, later)
        margin = input_allowance(ctx, picks, opt, r.used, ref_fast)
        if margin is not None:
            j = allow_equal(j, claim_fast, ref_fast, float(tol), margin)
    return Outcome(j, ref_val, None, used, options=opt)


def input_allowance(ctx, picks, opt, used: dict[str, Binding], base: Val):
    """How far each entry can move when the printed (rounded) results it is
    computed from move by half a unit in their last place (first order)."""
    ref, claim, claim_grid, env, line, exclude, later = ctx
    rounded = [(k, b) for k, b in sorted(used.items()) if b.rounded and b.printed is not None]
    if not rounded or sum(b.value.shape[0] * b.value.shape[1] for _, b in rounded) > MAX_PERTURBED:
        return None
    total = np.zeros(base.shape)
    for key, b in rounded:
        grid = fit(b.printed, b.value.shape)
        if grid is None:
            return None
        finest = max(p.decimals for row in grid for p in row)
        for i, row in enumerate(grid):
            for j, p in enumerate(row):
                data = b.fast().data.copy()
                # a whole number among decimals (the 0 of 0.7071 & 0) is read
                # as exact to the matrix's finest decimals, not as +-0.5
                places = finest if "." not in p.text and "e" not in p.text.lower() else p.decimals
                half = 0.5 * 10.0 ** (-places)
                data[i, j] += half
                resolver = Resolver(env, line, False, picks, exclude, later)
                resolver.override = {key: Val(data, b.value.scalar)}
                try:
                    moved = Evaluator(FAST, resolver, resolver.function, opt).eval(ref)
                except EvalError:
                    return None
                total += np.abs(np.asarray(moved.data, dtype=float) - np.asarray(base.data, dtype=float))
    return total if np.all(np.isfinite(total)) else None


def _direct_grid(ref: N.Node, resolver: Resolver) -> Grid | None:
    """The printed numbers of ``ref`` when it is itself a printed value or a bound name."""
    grid = grid_of(ref)
    if grid is not None:
        return grid
    b = resolver.used.get(N.key(ref))
    return b.printed if b is not None else None


def _grid_val(grid: Grid) -> Val:
    import numpy as np
    return Val(np.array([[float(p.value) for p in row] for row in grid]))


def tolerance(claim: N.Node, ref: N.Node) -> sp.Rational:
    """How far two written computations may differ: half a unit in the last place
    of the most precise number either writes (``-0.2 + 0.8415`` for -0.2 + sin 1).
    Values of names add their own margin (``input_allowance``)."""
    decimals = [n.printed.decimals for node in (claim, ref) for n in N.walk(node) if isinstance(n, N.Num)]
    finest = max(decimals, default=0)
    return sp.Rational(1, 2 * 10**finest) if finest > 0 else sp.Integer(0)
