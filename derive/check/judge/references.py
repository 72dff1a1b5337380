r"""What a claim is judged against: a label's formulas, its earlier values, or the
part of the chain before it.

    Q = X W_Q  ...  Q = \begin{pmatrix} ... \end{pmatrix}    Q's formula, then Q's earlier values
    a = b \approx c                                           c against b, else against a
    LN(x_i) = ...  (x_i never given)                          the matrices the document gave

A mixin of ``derive.check.judge.recompute.Checker``: it reads ``self.env`` and
``self.line`` and records through ``derive.check.judge.claims.Claims``.
"""

from __future__ import annotations

import numpy as np

from derive.check.read import nodes as N
from derive.check.findings import Finding, kind_of_grid
from derive.check.bind.resolve import evaluate
from derive.check.judge.search import Outcome, check_link
from derive.check.evaluate.values import EvalError
from derive.check.diagnose.variants import normalisation_variants

ARGUMENT_CANDIDATES = 12   # matrices tried for an argument the document never names


class References:
    """Finding the reference a claim is judged against, and judging it."""

    # ---------------------------------------------------------------- a label's value
    def label_claim(self, label: N.Node, part: N.Node, grid) -> Finding | None:
        """A value printed for a label: judged by computing the label (its
        formula, its function, its operands), else against its earlier values."""
        line = self.line(part.start)
        key = N.key(label)
        if grid is None and isinstance(label, N.Sym) and self._new_value(key, line):
            return None  # a new value for the name, not a claim about the old one
        computed, ref = self.best(self.refs(label), part, line, frozenset({key}))
        if (computed is None or computed.judgement is None) and isinstance(label, N.Call):
            computed, ref = self.argument_search(label, part, line)
        if computed is not None and computed.judgement is not None:
            return self.record(part, label, ref, computed)
        restated = self.restatement(label, part, grid, line)
        return restated if restated is not None else self.unjudged(label, part, grid, computed)

    def _new_value(self, key: str, line: int) -> bool:
        """An equation for a name last given in another math block (or never)."""
        b = self.env.latest(key, line)
        return b is None or b.span != self.span_id

    def restatement(self, label: N.Node, part: N.Node, grid, line: int) -> Finding | None:
        """The claim against the label's own values (given before, or further down):
        a restatement when it agrees, a redefinition when printed values differ."""
        key = N.key(label)
        if not self.env.values.get(key):
            return None
        again = check_link(label, part, self.env, line, later=frozenset({key}))
        if again.judgement is None:
            return None
        if again.verdict == "wrong" and grid is not None:
            return self.redefinition(label, part, grid, again)
        return self.record(part, label, label, again)

    def refs(self, label: N.Node) -> list[N.Node]:
        """What a label's value can be computed from: its formulas, then itself."""
        refs: list[N.Node] = []
        if isinstance(label, N.Sym):
            refs.extend(f for f, _ in sorted(self.env.formulas.get(label.name, []), key=lambda fl: -fl[1]))
        refs.append(label)
        return refs

    def best(self, refs: list[N.Node], part: N.Node, line: int, exclude: frozenset = frozenset()):
        """The first reference that reproduces the claim, else the first judged one."""
        first: tuple[Outcome | None, N.Node | None] = (None, None)
        for ref in refs:
            outcome = check_link(ref, part, self.env, line, exclude=exclude,
                                 rounded_literals=self.approximate)
            if outcome.reproduces:
                return outcome, ref
            if first[0] is None or (first[0].judgement is None and outcome.judgement is not None):
                first = (outcome, ref)
        return first

    # ---------------------------------------------------------------- an argument never given
    def argument_search(self, call: N.Call, part: N.Node, line: int):
        """``LN(x_i)`` with x_i never given: try the matrices the document gave,
        with the standard formula first, then with its variants (a diagnosis)."""
        if len(call.args) != 1 or not isinstance(call.args[0], N.Sym) \
                or self.env.candidates(call.args[0].name, line):
            return None, None
        arg, hide = call.args[0], frozenset({N.key(call)})
        refs = [N.Call(call.start, call.end, call.name, (N.Sym(arg.start, arg.end, k, k),))
                for k in self._recent_matrices(N.key(call), line)]
        for ref in refs:
            outcome = check_link(ref, part, self.env, line, exclude=hide)
            if outcome.reproduces:
                return outcome, ref
        return self._variant_argument(refs, part, line, hide)

    def _recent_matrices(self, own: str, line: int) -> list[str]:
        """Names of matrices given up to ``line``, latest first (at most ``ARGUMENT_CANDIDATES``)."""
        recent = {}
        for key, bindings in self.env.values.items():
            lines = [b.line for b in bindings if b.line <= line and not b.value.scalar]
            if lines and key != own:
                recent[key] = max(lines)
        return sorted(recent, key=lambda k: (-recent[k], k))[:ARGUMENT_CANDIDATES]

    def _variant_argument(self, refs: list[N.Call], part: N.Node, line: int, hide: frozenset):
        """An argument for which a variant of the formula reproduces the claim: the
        claim is judged with the standard formula, the variant is its diagnosis."""
        for ref in refs:
            for variant in normalisation_variants(ref):
                trial = check_link(variant.ref, part, self.env, line, options=[variant.options], exclude=hide)
                if trial.reproduces:
                    outcome = check_link(ref, part, self.env, line, exclude=hide)
                    if outcome.judgement is not None:
                        outcome.diagnosis = variant.sentence
                        return outcome, ref
        return None, None

    # ---------------------------------------------------------------- a link of a chain
    def link_claim(self, parts: list[N.Node], k: int, grid, label) -> Finding | None:
        """Part k of a chain against the nearest part before it that evaluates."""
        outcome, ref, error = self._nearest_part(parts, k, label)
        if outcome is not None:
            direct = self._label_itself(label, ref, parts[k], outcome)
            if direct is not None:
                return self.record(parts[k], label, label, direct)
            return self.record(parts[k], label, ref, outcome)
        if grid is None:
            return None
        if label is None:
            return self.add(self.finding(parts[k], grid, "unverifiable",
                                         f"cannot evaluate what it equals: {error}", label=None))
        f = self.label_claim(label, parts[k], grid)
        if f is not None and error and (f.verdict == "unverifiable" or f.kind == "definition"):
            f.verdict, f.kind, f.note = "unverifiable", kind_of_grid(grid), None
            f.message = f"cannot evaluate what it equals: {error}"
        return f

    def _label_itself(self, label, working: N.Node, part: N.Node, nearest: Outcome) -> Outcome | None:
        r"""``LN(h) = (h - \mu)/s \approx c`` or ``e^{s_1} = e^{1.7678} \approx c``: c is
        claimed for the label, which derive computes from exact inputs. When the
        working leaned on rounded values (names printed rounded, numbers written
        rounded) and the label disagrees with the working's verdict, the label's
        verdict stands: it convicts what rounded working let pass, and acquits
        what only the rounded working contradicts."""
        if label is None or isinstance(label, N.Sym):
            return None
        rounded = sorted(k for k, b in nearest.used.items() if b.rounded)
        written = any(isinstance(n, N.Num) and n.printed.decimals > 0 for n in N.walk(working))
        if not rounded and not written:
            return None
        line = self.line(part.start)
        direct = check_link(label, part, self.env, line)
        if direct.judgement is None or (direct.verdict == "wrong") == (nearest.verdict == "wrong") or \
                any(b.rounded or b.origin == "default" for b in direct.used.values()):
            return None
        if not self._close(label, working, line):
            return None  # the working computes something else (a gamma and beta derive's label lacks)
        if direct.verdict == "wrong":
            what = f"{', '.join(rounded)} as printed (rounded)" if rounded else "rounded numbers"
            direct.diagnosis = f"the working uses {what}; {N.pretty(label)} itself gives other digits"
        return direct

    def _close(self, a: N.Node, b: N.Node, line: int) -> bool:
        """Do two formulas agree to rounding level (0.1 %), in floats?"""
        try:
            x, _ = evaluate(a, self.env, line, False, {})
            y, _ = evaluate(b, self.env, line, False, {})
        except EvalError:
            return False
        x, y = np.asarray(x.data, dtype=float), np.asarray(y.data, dtype=float)
        return x.shape == y.shape and bool(np.allclose(x, y, rtol=1e-3, atol=1e-9))

    def _nearest_part(self, parts: list[N.Node], k: int, label):
        """The judged outcome of part k against the nearest earlier part (not the
        label, not a bare name), with that part; else the first error met."""
        line = self.line(parts[k].start)
        error = ""
        lowest = 1 if label is not None else 0
        for j in range(k - 1, lowest - 1, -1):
            ref = parts[j]
            if not N.has_numbers(ref) and j > 0 and isinstance(ref, N.Sym):
                continue
            outcome = check_link(ref, parts[k], self.env, line, rounded_literals=self.approximate)
            if outcome.judgement is not None:
                return outcome, ref, error
            error = error or outcome.error
        return None, None, error
