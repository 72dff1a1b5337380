"""What a document says its names are: every value it gives, with where and how.

The bind pass (``derive.check.bind.walk``) fills an ``Env`` once, in document
order; the judge pass only reads it. Each value is a ``Binding`` placed at a
document offset (``at``): a claim sees the bindings placed before it. A
binding is one node of a DAG: its formula (the working that computed it) is
evaluated over the bindings before the formula's own place, once, on demand
(``derive.check.bind.resolve``), so a chain of n definitions costs O(n).

A name may be given several values (a restatement, a new example, a mistake);
all are kept with their places. ``candidates`` lists the values a claim may
have used, latest first, without the ones that are out of date: values said
to be replaced (``supersede``) and values computed from names given anew since
(``stale``: ``\\sqrt{d_k} \\approx 11.31`` after ``d_k = 16``).
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field, fields, replace

import sympy as sp

from derive.check.evaluate.values import EXACT, Val, grid_value
from derive.check.policy import POLICY
from derive.check.read import nodes as N
from derive.check.read.grids import Grid, same_numbers


@dataclass(eq=False)
class Binding:
    """One value the document gave a name.

    ``printed`` are the numbers it printed (None when only a formula gave it);
    ``formula`` computes it from earlier bindings (looked up at ``formula_at``),
    else the first of ``workings`` that evaluates (``= P - y = 0.1 - 1 = -0.9``);
    ``value`` is a value given outright (what code left in a name, a guess).
    ``rounding``: the printed numbers may be roundings of the true value, so
    the enclosure hypothesis widens them by half a unit."""

    name: str
    at: int
    line: int
    origin: str                      # given | derived | code | run | output | supposed | default
    printed: Grid | None = None
    formula: N.Node | None = None
    formula_at: int = -1
    workings: tuple = ()
    composite: bool = False              # given for an expression (``X + PE``), not a name
    scalar: bool = False
    rounding: bool = False
    value: Val | None = None
    depends: frozenset = frozenset()     # names the value was computed from
    span_at: int = -1                    # the math span that gave it (a derivation spans one)
    memo: dict = field(default_factory=dict, repr=False)

    def printed_value(self) -> Val | None:
        if self.printed is None:
            return None
        if "printed" not in self.memo:
            self.memo["printed"] = grid_value(self.printed, self.scalar)
        return self.memo["printed"]

    @property
    def shape(self) -> tuple[int, int]:
        """Its shape, as far as known without evaluating (a formula's once it was evaluated)."""
        if self.value is not None:
            return self.value.shape
        if self.printed is not None:
            return self.printed_value().shape
        exact = self.memo.get("exact")
        return exact.shape if exact is not None else (0, 0)


INDEXES = ("rounded", "matrices", "matrices_at", "results", "candidates")     # memos built from ``Env.values``


@dataclass(eq=False)
class Update:
    """``W \\leftarrow rhs`` at ``at``: the next value of W is rhs, computed from the
    values before it; spent once W is given a value again."""

    rhs: N.Node
    at: int
    line: int


@dataclass
class Env:
    values: dict[str, list[Binding]] = field(default_factory=dict)
    formulas: dict[str, list[tuple[N.Node, int, int]]] = field(default_factory=dict)        # node, at, line
    functions: dict[str, list[tuple[tuple[str, ...], N.Node, int]]] = field(default_factory=dict)
    updates: dict[str, list[Update]] = field(default_factory=dict)
    superseded: dict[str, list[int]] = field(default_factory=dict)     # name -> where it was changed on purpose
    reassigned: dict[str, list[int]] = field(default_factory=dict)     # name -> where the code assigns it
    roundings: list[tuple[int, object, int]] = field(default_factory=list)   # (at, value, decimals)
    zero_based: set[str] = field(default_factory=set)                  # vectors counted from v_0
    patterns: list = field(default_factory=list)                       # functions defined on patterns (PE_{(pos,2i)})
    headings: list[int] = field(default_factory=list)                  # where each heading is (offsets)
    pairs: list = field(default_factory=list)                          # products of two names put in as numbers
    memo: dict = field(default_factory=dict, repr=False)               # what the judge pass reads again and again

    def section(self, at: int) -> int:
        """Which section ``at`` is in: how many headings come before it."""
        return bisect.bisect_right(self.headings, at)

    # ---------------------------------------------------------------- writing (the bind pass)
    def bind(self, b: Binding) -> Binding:
        self.values.setdefault(b.name, []).append(b)
        for index in INDEXES:                              # built from the values: out of date now
            self.memo.pop(index, None)
        order = self.memo.get(("order", b.name))
        if order is not None:                              # kept in order: after the values at the same place
            k = bisect.bisect_right(order[1], b.at)
            order[0].insert(k, b)
            order[1].insert(k, b.at)
        return b

    def _order(self, key: str) -> tuple[list[Binding], list[int]]:
        """The values of ``key`` in document order (stable: bind order among equals), and their offsets."""
        found = self.memo.get(("order", key))
        if found is None:
            ordered = sorted(self.values.get(key, ()), key=lambda b: b.at)
            found = self.memo[("order", key)] = (ordered, [b.at for b in ordered])
        return found

    def formula(self, key: str, node: N.Node, at: int, line: int) -> None:
        known = self.formulas.setdefault(key, [])
        if all(N.key(f) != N.key(node) for f, _, _ in known):
            known.append((node, at, line))

    def define(self, name: str, params: tuple[str, ...], body: N.Node, at: int) -> None:
        self.functions.setdefault(name, []).append((params, body, at))

    def update(self, key: str, rhs: N.Node, at: int, line: int) -> None:
        self.updates.setdefault(key, []).append(Update(rhs, at, line))

    def supersede(self, key: str, at: int) -> None:
        """``key`` was given new values on purpose at ``at``: older ones are out of date after it."""
        self.superseded.setdefault(key, []).append(at)
        self.memo.pop("candidates", None)

    def reassign(self, key: str, at: int) -> None:
        """The code assigns ``key`` at ``at``: older values are out of date after it (no prose said so)."""
        self.reassigned.setdefault(key, []).append(at)
        self.memo.pop("candidates", None)

    def note_rounded(self, grid: Grid, at: int) -> None:
        """Numbers printed as results: written again in working, they are roundings."""
        self.roundings.extend((at, p.value, p.decimals) for row in grid for p in row)
        self.memo.pop("rounded", None)

    # ---------------------------------------------------------------- reading (the judge pass)
    def candidates(self, key: str, at: int, later: bool = False) -> list[Binding]:
        """Values of ``key`` a claim at ``at`` may have used: latest first, then
        older ones, then values the code gives further down (a document that shows
        results first and its code in an appendix): printed by it (``output``), or
        written in it (``code``) for a name the text gave before too; with
        ``later``, any value the code gives further down."""
        memo = self.memo.setdefault("candidates", {})
        found = memo.get((key, at, later))
        if found is None:
            found = memo[(key, at, later)] = self._candidates(key, at, later)
        return list(found)

    def _candidates(self, key: str, at: int, later: bool) -> tuple[Binding, ...]:
        ordered, ats = self._order(key)
        split = bisect.bisect_right(ats, at)
        live = lambda b: not self.stale(b, at) and not self.outdated(key, b, at)  # noqa: E731
        out: list[Binding] = []
        for b in reversed(ordered[max(0, split - POLICY.candidate_lookback):split]):   # latest first
            if len(out) == POLICY.max_candidates:
                break
            if not any(same_value(b, o) for o in out) and live(b):   # a value met already: it is live
                out.append(b)
        if not out and not later:
            return tuple(self.dimension(key, at)) if key in POLICY.dimension_names else self._given_later(ordered, at)
        for b in ordered[split:split + POLICY.candidate_lookback]:
            if len(out) == POLICY.max_candidates:
                break
            if (b.origin == "output" or b.origin == "code") and not any(same_value(b, o) for o in out) and live(b):
                out.append(b)
        return tuple(out)

    def _given_later(self, ordered: list[Binding], at: int) -> tuple[Binding, ...]:
        """The one value the text gives a name, a number further down in the same section, when it
        gives it no other (``POLICY.given_later``: a list of the variables after the working)."""
        b = ordered[0] if len(ordered) == 1 else None
        if POLICY.given_later and b is not None and b.origin == "given" and (b.span_at if b.span_at >= 0 else b.at) > at \
                and b.printed is not None and len(b.printed) == len(b.printed[0]) == 1 \
                and self.section(b.at) == self.section(at):
            return (b,)
        return ()

    def latest(self, key: str, at: int) -> Binding | None:
        """The value of ``key`` given last before ``at`` (in the document, not in the order
        the bind pass met it: the code's values are bound before the text's)."""
        ordered, ats = self._order(key)
        k = bisect.bisect_right(ats, at)
        return ordered[k - 1] if k else None

    def previous(self, b: Binding) -> Binding | None:
        """The value of b's name just before b."""
        ordered, ats = self._order(b.name)
        k = bisect.bisect_left(ats, b.at)
        return ordered[k - 1] if k else None

    def stale(self, b: Binding, at: int) -> bool:
        """A value computed from names given other values since (or made unknown:
        ``supersede``, a loop in the code that assigns them)."""
        for dep in b.depends:
            if self.outdated(dep, b, at):
                return True
            now = self.latest(dep, at)
            if now is None or now.at <= b.at:
                continue
            then = self.latest(dep, b.at)
            if then is None or not same_value(now, then):
                return True
        return False

    def outdated(self, key: str, b: Binding, at: int) -> bool:
        return any(b.at < changed <= at for changed in (*self.superseded.get(key, ()), *self.reassigned.get(key, ())))

    def rounded_before(self, value, decimals: int, at: int) -> bool:
        """Was ``value`` printed to ``decimals`` as a rounding (a result) before ``at``?
        (One index of where each was first printed, built once: the judge pass reads a
        finished environment, and a query costs O(1), not a pass over the document.)"""
        first = self.memo.get("rounded")
        if first is None:
            first = self.memo["rounded"] = {}
            events = [(b.at, p.value, p.decimals) for bs in self.values.values() for b in bs
                      if b.rounding and b.printed is not None for row in b.printed for p in row]
            for where, v, d in events + list(self.roundings):
                if where < first.get((v, d), where + 1):
                    first[(v, d)] = where
        return first.get((value, decimals), at + 1) <= at

    def results_printed_as(self, value, decimals: int, at: int) -> list[Binding]:
        """The scalar results a formula computes, printed as ``value`` to ``decimals``
        before ``at``, latest first (one index, built once, like ``rounded_before``)."""
        index = self.memo.get("results")
        if index is None:
            index = self.memo["results"] = {}
            for bs in self.values.values():
                for b in bs:
                    if b.formula is not None and b.printed is not None and len(b.printed) * len(b.printed[0]) == 1:
                        q = b.printed[0][0]
                        index.setdefault((q.value, q.decimals), []).append(b)
        return sorted((b for b in index.get((value, decimals), ()) if b.at <= at), key=lambda b: -b.at)

    def function(self, name: str, at: int):
        defs = self.functions.get(name)
        if not defs:
            return None
        before = [d for d in defs if d[2] <= at]
        params, body, _ = (before or defs)[-1]
        return params, body

    def pending_update(self, key: str, at: int) -> Update | None:
        """The latest update rule of ``key`` before ``at`` that no value of it has followed."""
        given = [b.at for b in self.values.get(key, ()) if b.at <= at]
        live = [u for u in self.updates.get(key, ()) if u.at <= at and not any(u.at <= g for g in given)]
        return live[-1] if live else None

    def dimension(self, key: str, at: int) -> list[Binding]:
        """An unbound d_k: guesses from the widths of the latest matrices (they may confirm, never convict)."""
        sizes: list[int] = []
        matrices = self.memo.get("matrices")
        if matrices is None:        # the non-scalar values in document order, indexed once
            matrices = self.memo["matrices"] = sorted((b for bs in self.values.values() for b in bs if not b.scalar),
                                                      key=lambda b: b.at)
            self.memo["matrices_at"] = [b.at for b in matrices]
        k = bisect.bisect_right(self.memo["matrices_at"], at)
        for b in (matrices[j] for j in range(k - 1, -1, -1)):
            if b.shape == (0, 0):
                continue
            for s in (b.shape[1], b.shape[0]):
                if s > 1 and s not in sizes:
                    sizes.append(s)
            if len(sizes) >= 3:
                break
        return [Binding(key, 0, 0, "default", scalar=True, value=EXACT.scalar(sp.Integer(s))) for s in sizes[:3]]

    def same_shape(self, shape, at: int, exclude=frozenset()) -> list[tuple[str, Binding]]:
        """Every value of the given shape, nearest to ``at`` first (for diagnosis)."""
        out = [(key, b) for key, bs in self.values.items() if key not in exclude for b in bs
               if tuple(b.shape) == tuple(shape) and not b.scalar]
        out.sort(key=lambda kb: (abs(kb[1].at - at), kb[0]))
        return out


def same_value(a: Binding, b: Binding) -> bool:
    """Two bindings with the same printed numbers (a restatement) count once."""
    if a.printed is not None and b.printed is not None:
        return same_numbers(a.printed, b.printed)
    if a.value is not None and b.value is not None and a.value.shape == b.value.shape:
        return a.value.data == b.value.data
    return a is b


class PinnedEnv(Env):
    """The document's environment with some names pinned to one given value each
    (a value the document replaced, or the inputs rounded); all else as it is,
    except that values computed by formulas are computed again (their formulas
    may reach a pinned name)."""

    def __init__(self, env: Env, pins: dict[str, Binding | None]):
        super().__init__(**{f.name: getattr(env, f.name) for f in fields(env) if f.name != "memo"})
        self.pins = {k: b for k, b in pins.items() if b is not None}
        self.fresh: dict[int, Binding] = {}

    def candidates(self, key: str, at: int, later: bool = False) -> list[Binding]:
        if key in self.pins:
            return [self.pins[key]]
        return [self._fresh(b) for b in super().candidates(key, at, later)]

    def _fresh(self, b: Binding) -> Binding:
        if b.formula is None and not b.workings:
            return b
        if id(b) not in self.fresh:
            self.fresh[id(b)] = replace(b, memo={})
        return self.fresh[id(b)]


class CodeEnv(PinnedEnv):
    """The document's environment as the code computes it: a name the code gives a value and
    also prints is its value, not the print (a rounding: ``0.9950332`` for sigmoid(5.3))."""

    def __init__(self, env: Env):
        super().__init__(env, {})

    def _order(self, key: str) -> tuple[list[Binding], list[int]]:
        ordered, ats = super()._order(key)
        kept = [k for k, b in enumerate(ordered) if b.origin != "output"]
        return ([ordered[k] for k in kept], [ats[k] for k in kept]) if kept else (ordered, ats)
