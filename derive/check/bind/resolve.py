"""Evaluating a formula over the values a document gave its names.

A name may have several values (``derive.check.bind.env``); a ``Resolver`` looks
each name up, taking the candidate a search picked for it (``picks``), and
notes how many candidates each name had (``seen``) and which it took
(``used``). A ``Link`` is one ``ref = claim`` to judge at one line.
"""

from __future__ import annotations

from dataclasses import dataclass

from derive.check.read import nodes as N
from derive.check.bind.env import Binding, Env
from derive.check.evaluate.evaluator import Evaluator
from derive.check.evaluate.fastface import FAST
from derive.check.read.grids import Grid
from derive.check.evaluate.values import EXACT, EvalError, Options, Val


class Resolver:
    """Looks names up in the environment, taking the candidate the search picked."""

    def __init__(self, env: Env, line: int, exact: bool, picks: dict[str, int],
                 exclude: frozenset = frozenset(), later: frozenset = frozenset()):
        self.env, self.line, self.exact, self.picks, self.exclude = env, line, exact, picks, exclude
        self.later = later
        self.override: dict[str, Val] = {}
        self.seen: dict[str, int] = {}
        self.used: dict[str, Binding] = {}
        self.recomputing: set[str] = set()

    def __call__(self, key: str) -> Val | None:
        if key in self.exclude:
            return None
        if key in self.override:
            self.seen.setdefault(key, 1)
            return self.override[key]
        cands = self.env.candidates(key, self.line, key in self.later)
        if not cands:
            return self._recomputed(key)
        self.seen[key] = len(cands)
        b = cands[min(self.picks.get(key, 0), len(cands) - 1)]
        self.used[key] = b
        return b.value if self.exact else b.fast()

    def _recomputed(self, key: str) -> Val | None:
        """A name with no value of its own (``p = \\mathrm{softmax}(z)`` gave only a
        formula), or whose every value is stale (its inputs were given anew), is
        computed from its latest formula over the current values."""
        formulas = [f for f, at in self.env.formulas.get(key, []) if at <= self.line]
        if not formulas or key in self.recomputing:
            return None
        self.recomputing.add(key)
        try:
            value = Evaluator(EXACT if self.exact else FAST, self, self.function, Options()).value_of(formulas[-1])
        except EvalError:
            return None
        finally:
            self.recomputing.discard(key)
        self.seen.setdefault(key, 1)
        return value

    def function(self, name: str):
        return self.env.function(name, self.line)


def evaluate(node: N.Node, env: Env, line: int, exact: bool, picks: dict[str, int],
             options: Options = Options(), exclude: frozenset = frozenset(),
             later: frozenset = frozenset()) -> tuple[Val, Resolver]:
    """The value of ``node`` (exact or fast), and the resolver that says which values it took."""
    resolver = Resolver(env, line, exact, picks, exclude, later)
    try:
        value = Evaluator(EXACT if exact else FAST, resolver, resolver.function, options).value_of(node)
    except EvalError as exc:
        exc.resolver = resolver          # which names had several values, for another try
        raise
    return value, resolver


@dataclass(frozen=True, eq=False)
class Link:
    """One link ``ref = claim`` to judge: where it stands, which names are hidden
    (``exclude``) and which may take values given further down (``later``)."""

    ref: N.Node
    claim: N.Node
    claim_grid: Grid | None          # the claim's printed numbers, when it is printed
    env: Env
    line: int
    exclude: frozenset = frozenset()
    later: frozenset = frozenset()
    rounded_literals: bool = False   # the claim is working written after \approx

    def evaluate(self, node: N.Node, exact: bool, picks: dict, opt: Options) -> tuple[Val, Resolver]:
        return evaluate(node, self.env, self.line, exact, picks, opt, self.exclude, self.later)
