"""What the document has said so far: values of names, formulas, functions.

A name can be given several values over a document (a restatement, a new
example, a mistake). Every value is kept with its line; a formula is judged
against the value the author most likely used: the latest one before the
claim first, then the older ones, then later ones (code further down that the
text points to).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sympy as sp

from derive.check.read import nodes as N
from derive.check.evaluate.fastface import to_fast
from derive.check.evaluate.values import EXACT, Val, grid_value
from derive.numbers import Printed

MAX_CANDIDATES = 5
DIMENSIONS = {"d_k", "d_v", "d_q", "d_model", "d", "d_{k}", "d_head", "n", "d_ff"}

Grid = tuple[tuple[Printed, ...], ...]


@dataclass(eq=False)
class Binding:
    """One value a document gave a name, where, and how it was given."""

    value: Val                  # exact face
    line: int
    origin: str                 # literal | derived | code | run | output | corrected | default
    label: str
    printed: Grid | None = None
    finding: object = None      # the finding of the claim that made it
    span: int = -1              # which math span gave it (a derivation spans one block)
    rounded: bool = False       # printed results are known only to their last digit
    depends: frozenset = frozenset()   # names the value was computed from
    _fast: Val | None = field(default=None, repr=False)

    def fast(self) -> Val:
        if self._fast is None:
            self._fast = to_fast(self.value)
        return self._fast


@dataclass(eq=False)
class Update:
    """``W \\leftarrow rhs`` given on ``line``: the next value of W is rhs, computed
    from the values before it; spent once W is given a value again."""

    rhs: N.Node
    line: int
    spent: bool = False


@dataclass
class Env:
    values: dict[str, list[Binding]] = field(default_factory=dict)
    formulas: dict[str, list[tuple[N.Node, int]]] = field(default_factory=dict)
    functions: dict[str, list[tuple[tuple[str, ...], N.Node, int]]] = field(default_factory=dict)
    roundings: list[tuple] = field(default_factory=list)     # (line, value, decimals) printed rounded
    zero_based: set[str] = field(default_factory=set)        # vectors whose entries start at v_0
    superseded: dict[str, list[int]] = field(default_factory=dict)   # name -> lines it was changed on purpose
    updates: dict[str, list[Update]] = field(default_factory=dict)

    def bind(self, key: str, binding: Binding) -> None:
        self.values.setdefault(key, []).append(binding)
        for u in self.updates.get(key, ()):
            if binding.line >= u.line:
                u.spent = True

    def update(self, key: str, rhs: N.Node, line: int) -> None:
        self.updates.setdefault(key, []).append(Update(rhs, line))

    def pending_update(self, key: str, line: int) -> Update | None:
        """The latest update rule of ``key`` before ``line`` that no value has followed yet."""
        live = [u for u in self.updates.get(key, ()) if u.line <= line and not u.spent]
        return live[-1] if live else None

    def formula(self, key: str, node: N.Node, line: int) -> None:
        known = self.formulas.setdefault(key, [])
        if all(N.key(f) != N.key(node) for f, _ in known):
            known.append((node, line))

    def define(self, name: str, params: tuple[str, ...], body: N.Node, line: int) -> None:
        self.functions.setdefault(name, []).append((params, body, line))

    def candidates(self, key: str, line: int, later: bool = False) -> list[Binding]:
        """Values of ``key``: latest before ``line`` first, then older, then later
        ones (code further down); a name first given after ``line`` has no value
        there unless ``later`` (a restatement may be checked against it)."""
        found = self.values.get(key)
        if not found:
            return self._dimension(key, line) if key in DIMENSIONS else []
        found = [b for b in found if not self.stale(b, line) and not self.outdated(key, b, line)]
        before = [b for b in found if b.line <= line]
        if not before and not later:
            return self._dimension(key, line) if key in DIMENSIONS else []
        # A name first given further down counts only as printed by code output;
        # what code computes when run (``run``) counts only after the code.
        after = [b for b in found if b.line > line and b.origin != "run" and (before or b.origin == "output")]
        ordered = sorted(before, key=lambda b: -b.line) + sorted(after, key=lambda b: b.line)
        out: list[Binding] = []
        for b in ordered:
            if not any(_same(b, o) for o in out):
                out.append(b)
        return out[:MAX_CANDIDATES]

    def stale(self, b: Binding, line: int) -> bool:
        r"""A value computed from names given other values since (``\sqrt{d_k} \approx
        11.31`` after ``d_k = 16``; ``s_1`` after the vector s is given anew)."""
        for dep in b.depends:
            now = self.latest(dep, line)
            if now is None or now.line <= b.line:
                continue
            then = self.latest(dep, b.line)
            if then is None or not _same(now, then):
                return True
        return False

    def supersede(self, key: str, line: int) -> None:
        """``key`` was given new values on purpose at ``line``: older ones are out of date after it."""
        self.superseded.setdefault(key, []).append(line)

    def outdated(self, key: str, b: Binding, line: int) -> bool:
        return any(b.line < at <= line for at in self.superseded.get(key, ()))

    def note_rounded(self, grid: Grid, line: int) -> None:
        """Numbers a claim printed as a rounding (``-\\ln 0.5 \\approx 0.6931``)."""
        self.roundings.extend((line, p.value, p.decimals) for row in grid for p in row)

    def rounded_numbers(self, line: int) -> set[tuple]:
        """(value, decimals) of every number printed as a rounding up to ``line``."""
        bound = {(p.value, p.decimals) for bs in self.values.values() for b in bs
                 if b.rounded and b.printed is not None and b.line <= line for row in b.printed for p in row}
        return bound | {(v, d) for at, v, d in self.roundings if at <= line}

    def latest(self, key: str, line: int) -> Binding | None:
        before = [b for b in self.values.get(key, []) if b.line <= line]
        return before[-1] if before else None

    def function(self, name: str, line: int):
        defs = self.functions.get(name)
        if not defs:
            return None
        before = [d for d in defs if d[2] <= line]
        params, body, _ = (before or defs)[-1]
        return params, body

    def _dimension(self, key: str, line: int) -> list[Binding]:
        """An unbound d_k: try the widths of the latest matrices the document gave."""
        sizes: list[int] = []
        recent = sorted((b for bs in self.values.values() for b in bs if b.line <= line and not b.value.scalar),
                        key=lambda b: -b.line)
        for b in recent:
            for s in (b.value.shape[1], b.value.shape[0]):
                if s > 1 and s not in sizes:
                    sizes.append(s)
            if len(sizes) >= 3:
                break
        return [Binding(EXACT.scalar(sp.Integer(s)), 0, "default", key) for s in sizes[:3]]

    def same_shape(self, shape, line: int, exclude: set[str] = frozenset()) -> list[tuple[str, Binding]]:
        """Every value of the given shape, most recent first (for diagnosis)."""
        out = []
        for key, bindings in self.values.items():
            if key in exclude:
                continue
            for b in bindings:
                if tuple(b.value.shape) == tuple(shape) and not b.value.scalar:
                    out.append((key, b))
        out.sort(key=lambda kb: (abs(kb[1].line - line), kb[0]))
        return out


def printed_binding(grid: Grid, line: int, origin: str, label: str, scalar: bool = False) -> Binding:
    """A value the document printed: the exact value of its numbers, the numbers kept."""
    return Binding(grid_value(grid, scalar), line, origin, label, grid)


def same_numbers(a: Grid, b: Grid) -> bool:
    """The same printed values, entry by entry (however they are written: 0.50 = 0.5)."""
    return [[p.value for p in r] for r in a] == [[p.value for p in r] for r in b]


def _same(a: Binding, b: Binding) -> bool:
    """Two bindings with the same printed numbers (a restatement) count once."""
    if a.printed is not None and b.printed is not None:
        return same_numbers(a.printed, b.printed)
    return a.value.data == b.value.data if a.value.shape == b.value.shape else False
