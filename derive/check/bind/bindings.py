"""After a chain: the value it leaves its label (and the names along it) with.

    X = \\begin{pmatrix} 1 & 2 \\end{pmatrix}     X is bound to the printed numbers
    h = 0.5 + 0.25 = 0.75                       h is bound to 0.75 (its last printed value)
    y = 2 \\cdot 3                               y is bound to what the chain evaluates to

A mixin of ``derive.check.judge.recompute.Checker``: it reads ``self.env``,
``self.line`` and ``self.span_id``.
"""

from __future__ import annotations

from derive.check.read import nodes as N
from derive.check.bind.env import Binding
from derive.check.findings import Finding
from derive.check.read.grids import grid_of
from derive.check.bind.resolve import evaluate
from derive.check.evaluate.values import EvalError, Val, grid_value
from derive.errors import DeriveError
from derive.numbers import parse_decimal, significant_digits


class Bindings:
    """Recording the values a chain gives names."""

    def bind(self, parts: list[N.Node], label: N.Node | None, finding: Finding | None,
             approx: bool = False) -> None:
        """Bind the chain's label (and the names along it) to the value it leaves.

        A printed result that rounds (or truncates) a value computed from exact
        inputs leaves two values: that exact value first, then the printed one
        (the author may have computed on from either). A value given with
        ``\approx`` is known only to its last digit."""
        if label is None:
            return
        line = self.line(label.start)
        value, grid = self.final_value(parts)
        if value is None:
            return
        names = [N.key(label)] + [p.name for p in parts[1:-1] if isinstance(p, N.Sym)]
        rounded = grid is not None and (approx or finding is not None and known_to_last_digit(finding, grid))
        exact = exact_behind(finding, value) if grid is not None else None
        depends = dependencies(parts)
        for key in names:
            needs = (depends | _vector_of(key)) - {key}
            if exact is not None:
                self.env.bind(key, Binding(exact, line, "derived", key, None, finding, self.span_id,
                                           depends=needs))
            self.env.bind(key, Binding(value, line, "literal" if grid else "derived", key, grid,
                                       finding, self.span_id, rounded, depends=needs))
            corrected = self.corrected(finding, key, line)
            if corrected is not None:
                self.env.bind(key, corrected)

    def corrected(self, finding: Finding | None, key: str, line: int) -> Binding | None:
        """After a wrong claim, what the author should have printed: later claims
        may have been computed from it (they are judged against both)."""
        context = getattr(finding, "context", None)
        if finding is None or finding.verdict != "wrong" or not isinstance(context, dict):
            return None
        outcome = context.get("outcome")
        rows = outcome.judgement.expected if outcome is not None and outcome.judgement else None
        try:
            grid = tuple(tuple(parse_decimal(t) for t in row) for row in rows) if rows else None
        except DeriveError:
            grid = None
        if grid is None and outcome is not None and outcome.judgement is not None and outcome.judgement.reason \
                and outcome.expected is not None:
            # printed with another shape (a transposed gradient): what it should be is the value itself
            return Binding(outcome.expected, line, "corrected", key, None, finding, self.span_id)
        if grid is None or (outcome.expected is not None and outcome.expected.shape != (len(grid), len(grid[0]))):
            return None
        value = grid_value(grid, False)
        rounded = outcome.expected is None or value.data != outcome.expected.data   # printed exactly: exact
        return Binding(value, line, "corrected", key, grid, finding, self.span_id, rounded)

    def final_value(self, parts: list[N.Node]):
        """The value a chain leaves its label with: its last printed value, else
        the last part that evaluates."""
        for part in reversed(parts[1:]):
            grid = grid_of(part)
            if grid is not None:
                return grid_value(grid, not isinstance(part, N.Mat)), grid
        for part in reversed(parts[1:]):
            try:
                value, _ = evaluate(part, self.env, self.line(part.start), True, {})
                return value, None
            except EvalError:
                continue
        return None, None


def known_to_last_digit(finding: Finding, grid) -> bool:
    """Is a printed value only a rounding (known to its last digit)? A redefinition
    is; a claim judged a rounding is, and so is one equal to values that were
    themselves rounded; a value nothing computes is when it is written with
    three or more significant digits (``0.6897``, not ``0.0002``)."""
    if finding.note == "redefinition":
        return True
    if finding.kind == "definition":
        return False
    if finding.verdict == "unverifiable":
        return max(significant_digits(p.text) for row in grid for p in row) >= 3
    outcome = finding.context.get("outcome") if isinstance(finding.context, dict) else None
    leaned = outcome is not None and any(b.rounded for b in outcome.used.values())
    return finding.verdict != "ok" or leaned



def exact_behind(finding: Finding | None, printed: Val) -> Val | None:
    """The exact value a printed result was judged a rounding or truncation of,
    when that value came from exact inputs alone (no rounded value, no allowance)."""
    context = getattr(finding, "context", None)
    if finding is None or finding.verdict not in ("rounded", "truncated") or not isinstance(context, dict):
        return None
    outcome = context.get("outcome")
    if outcome is None or outcome.judgement is None or outcome.judgement.reason:
        return None
    if any(b.rounded or b.origin == "default" for b in outcome.used.values()):
        return None
    expected = outcome.expected
    if expected is None or expected.shape != printed.shape:
        return None
    return Val(expected.data, printed.scalar)


def dependencies(parts: list[N.Node]) -> frozenset:
    """The names a chain's value is computed from (an entry ``s_1`` also
    depends on the vector ``s``)."""
    found = set()
    label_is_name = isinstance(parts[0], N.Sym)
    for part in parts[1:] if label_is_name else parts:   # sqrt(d_k) ~ 11.31 depends on d_k
        for name in N.names(part):
            found |= {name} | _vector_of(name)
    return frozenset(found)


def _vector_of(name: str) -> set[str]:
    """``s_1`` and ``s_{12}`` are entries of ``s``; ``W_Q`` is a name of its own."""
    base, sep, sub = name.partition("_")
    return {base} if sep and base and sub.strip("{}").isdigit() else set()
