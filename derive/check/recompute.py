r"""Walk a document's math in order, judge every printed number, remember names.

    X = \begin{pmatrix} ... \end{pmatrix}     a definition: X is bound
    Q = X W_Q                                 a formula: remembered for Q
    Q = \begin{pmatrix} ... \end{pmatrix}     a claim: judged against the formula
    a = b \approx c                           every link of a chain is judged

Names keep every value the document gave them (``derive.check.env``); a
claim is right when the document's own formula, applied to the values the
document gave, reproduces it at the printed precision.
"""

from __future__ import annotations

import re

from derive.check import nodes as N
from derive.check.claims import Claims, snippet
from derive.check.env import Binding, Env
from derive.check.extract import Document, MathSpan
from derive.check.findings import Finding, kind_of_grid
from derive.check.judge import grid_of, judge, screen
from derive.check.latex import LatexError, parse_statements
from derive.check.diagnose import layer_norm_variants, softmax_variants
from derive.check.search import Outcome, check_link, evaluate
from derive.check.values import EXACT, EvalError, Val
from derive.errors import DeriveError
from derive.numbers import parse_decimal

ARGUMENT_CANDIDATES = 12   # matrices tried for an argument the document never names
PENDING_LINES = 8          # a bare result may follow its formula within this many lines
MAX_KNOWN = 60             # earlier values compared with an unlabelled matrix
SCRIPT = re.compile(r"[_^](\{[^{}]*\}|\\?[A-Za-z0-9])")

# e and pi keep their exact values: "e \approx 2.71828" approximates, it does not rebind.
CONSTANTS = {"e", "pi"}


def function_variants(ref: N.Node):
    """Variants of the functions in a formula (layer norm, softmax), for an argument search."""
    yield from layer_norm_variants(ref, {})
    yield from softmax_variants(ref, {})


class Checker(Claims):
    """The state of one pass over a document."""

    def __init__(self, doc: Document, env: Env | None = None):
        self.doc = doc
        self.env = env or Env()
        self.findings: list[Finding] = []
        self.pending: tuple[N.Node, int] | None = None
        self.span_id = 0
        self.span: MathSpan | None = None

    # ---------------------------------------------------------------- spans
    def math(self, span: MathSpan) -> None:
        self.span_id += 1
        self.span = span
        last = None
        for st in parse_statements(span.text):
            if isinstance(st, LatexError):
                self.unreadable(span, st)
                last = None
                continue
            try:
                last = self.chain(st, last)
            except RecursionError:
                self.failed(st, "the formula is nested too deeply")
                last = None
            except (ArithmeticError, ValueError, TypeError, KeyError, IndexError, AttributeError,
                    RuntimeError, DeriveError) as exc:
                # One formula derive cannot handle must not stop the rest of the document.
                self.failed(st, f"derive could not evaluate it ({type(exc).__name__}: {str(exc)[:80]})")
                last = None

    def failed(self, chain: N.Chain, reason: str) -> None:
        line = self.line(chain.start)
        if N.has_numbers(chain):
            self.add(Finding(line, self.line(max(chain.start, chain.end - 1)), "equation", None, "unverifiable",
                             snippet(self.span.text[chain.start:chain.end]), reason,
                             section=self.doc.section(line)))

    def line(self, offset: int) -> int:
        return self.doc.line_of(self.span.start + offset)

    def unreadable(self, span: MathSpan, exc: LatexError) -> None:
        if not re.search(r"\d", SCRIPT.sub("", span.text)):
            return  # no printed number in it: nothing is claimed
        line = self.doc.line_of(span.start + exc.offset)
        first = self.doc.line_of(span.start)
        self.add(Finding(first, max(line, first), "equation", None, "unverifiable",
                         snippet(span.text), f"cannot read the formula: {exc}"))

    # ---------------------------------------------------------------- chains
    def chain(self, chain: N.Chain, last: N.Chain | None) -> N.Chain | None:
        """Judge every link of ``a = b = c``; a line starting with ``=`` (an aligned
        derivation) continues the chain before it, whose links were judged already."""
        parts, rels, done = list(chain.parts), list(chain.rels), 1
        if isinstance(parts[0], N.Special) and parts[0].what == "continuation":
            if last is None:
                parts, rels = parts[1:], rels[1:]
            else:
                parts, rels, done = list(last.parts) + parts[1:], list(last.rels) + rels, len(last.parts)
        if not parts:
            return last
        whole = N.Chain(parts[0].start, parts[-1].end, tuple(parts), tuple(rels))
        label = parts[0] if _is_label(parts[0]) else None
        if len(parts) == 1:
            self.bare(parts[0])
            return whole
        self.pending = None
        finding, formula = None, False
        for k in range(done, len(parts)):
            if rels[k - 1] not in ("=", "approx"):
                continue
            part, grid = parts[k], grid_of(parts[k])
            if self.malformed(part):
                continue
            if k == 1 and label is not None and self.definition(label, part):
                formula = True
                continue
            if grid is None and not N.has_numbers(part):
                continue
            if k == 1 and label is not None:
                finding = self.label_claim(label, part, grid) or finding
            else:
                finding = self.link_claim(parts, k, grid, label) or finding
        if not (formula and all(grid_of(p) is None for p in parts[2:])):
            if not (rels[-1] == "approx" and label is not None and N.key(label) in CONSTANTS):
                self.bind(parts, label, finding)  # a formula alone gives no value
        return whole

    def definition(self, label: N.Node, part: N.Node) -> bool:
        """``Q = X W_Q`` or ``\\sigma(z) = ...``: remember the formula; no claim."""
        if grid_of(part) is not None:
            return False
        line = self.line(label.start)
        if isinstance(label, N.Call) and label.args and all(isinstance(a, N.Sym) for a in label.args):
            params = tuple(a.name for a in label.args)
            if N.names(part) and not self._evaluates(label):
                self.env.define(label.name, params, part, line)
                return True
        if isinstance(label, N.Sym) and N.names(part) and not N.has_numbers(part):
            self.env.formula(label.name, part, line)
            return True
        return False

    def _evaluates(self, node: N.Node) -> bool:
        try:
            evaluate(node, self.env, self.line(node.start), False, {})
            return True
        except EvalError:
            return False

    # ---------------------------------------------------------------- claims
    def label_claim(self, label: N.Node, part: N.Node, grid) -> Finding | None:
        """A value printed for a label: judged by computing the label (its
        formula, its function, its operands), else against its earlier values."""
        line = self.line(part.start)
        key = N.key(label)
        plain = isinstance(label, N.Sym)
        if grid is None and plain:
            b = self.env.latest(key, line)
            if b is None or b.span != self.span_id:
                return None  # a new value for the name, not a claim about the old one
        computed, ref = self.best(self.refs(label), part, line, frozenset({key}))
        if (computed is None or computed.judgement is None) and isinstance(label, N.Call):
            computed, ref = self.argument_search(label, part, line)
        if computed is not None and computed.judgement is not None:
            return self.record(part, label, ref, computed)
        if self.env.values.get(key):
            again = check_link(label, part, self.env, line, later=frozenset({key}))
            if again.judgement is not None:
                if again.verdict == "wrong" and grid is not None:
                    return self.redefinition(label, part, grid, again)
                return self.record(part, label, label, again)
        return self.unjudged(label, part, grid, computed)

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
            outcome = check_link(ref, part, self.env, line, exclude=exclude)
            if outcome.judgement is not None and outcome.verdict != "wrong":
                return outcome, ref
            if first[0] is None or (first[0].judgement is None and outcome.judgement is not None):
                first = (outcome, ref)
        return first

    def argument_search(self, call: N.Call, part: N.Node, line: int):
        """``LN(x_i)`` with x_i never given: try the matrices the document gave,
        with the standard formula first, then with its variants (a diagnosis)."""
        if len(call.args) != 1 or not isinstance(call.args[0], N.Sym) \
                or self.env.candidates(call.args[0].name, line):
            return None, None
        recent = {}
        for key, bindings in self.env.values.items():
            lines = [b.line for b in bindings if b.line <= line and not b.value.scalar]
            if lines and key != N.key(call):
                recent[key] = max(lines)
        keys = sorted(recent, key=lambda k: (-recent[k], k))[:ARGUMENT_CANDIDATES]
        hide = frozenset({N.key(call)})
        refs = [N.Call(call.start, call.end, call.name, (N.Sym(call.args[0].start, call.args[0].end, k, k),))
                for k in keys]
        for ref in refs:
            outcome = check_link(ref, part, self.env, line, exclude=hide)
            if outcome.judgement is not None and outcome.verdict != "wrong":
                return outcome, ref
        for ref in refs:
            for variant in function_variants(ref):
                trial = check_link(variant.ref, part, self.env, line, options=[variant.options], exclude=hide)
                if trial.judgement is not None and trial.verdict != "wrong":
                    outcome = check_link(ref, part, self.env, line, exclude=hide)
                    if outcome.judgement is not None:
                        outcome.diagnosis = variant.sentence
                        return outcome, ref
        return None, None

    def link_claim(self, parts: list[N.Node], k: int, grid, label) -> Finding | None:
        """Part k of a chain against the nearest part before it that evaluates."""
        line = self.line(parts[k].start)
        error = ""
        lowest = 1 if label is not None else 0
        for j in range(k - 1, lowest - 1, -1):
            ref = parts[j]
            if not N.has_numbers(ref) and j > 0 and isinstance(ref, N.Sym):
                continue
            outcome = check_link(ref, parts[k], self.env, line)
            if outcome.judgement is not None:
                return self.record(parts[k], label, ref, outcome)
            error = error or outcome.error
        if grid is None:
            return None
        if label is not None:
            f = self.label_claim(label, parts[k], grid)
            if f is not None and error and (f.verdict == "unverifiable" or f.kind == "definition"):
                f.verdict, f.kind, f.note = "unverifiable", kind_of_grid(grid), None
                f.message = f"cannot evaluate what it equals: {error}"
            return f
        return self.add(self.finding(parts[k], grid, "unverifiable",
                                     f"cannot evaluate what it equals: {error}", label=None))

    def bare(self, part: N.Node) -> None:
        grid = grid_of(part)
        line = self.line(part.start)
        if self.malformed(part):
            return
        if grid is None:
            if N.names(part) and not isinstance(part, N.Sym):
                self.pending = (part, line)
            return
        pending, self.pending = self.pending, None
        if pending is not None and line - pending[1] <= PENDING_LINES:
            outcome = check_link(pending[0], part, self.env, line)
            if outcome.judgement is not None:
                self.record(part, pending[0], pending[0], outcome)
                return
        known = self.known_value(grid, line)
        if known is not None:
            key, b = known
            self.add(self.finding(part, grid, "ok", f"equals {key} (line {b.line})", label=None))
            return
        self.add(self.finding(part, grid, "unverifiable",
                              "stands alone: nothing in the document derives it", label=None))

    def known_value(self, grid, line: int):
        """An earlier (or later) value of the same shape that this printing rounds."""
        shape = (len(grid), len(grid[0]))
        if shape[0] * shape[1] < 4 or all(p.value.q == 1 for row in grid for p in row):
            return None  # small or whole-number values match by coincidence
        seen = 0
        for key, b in self.env.same_shape(shape, line) + self.env.same_shape(shape[::-1], line):
            seen += 1
            if seen > MAX_KNOWN:
                break
            if screen(grid, b.fast()) and judge(grid, b.value).verdict != "wrong":
                return key, b
        return None

    # ---------------------------------------------------------------- bindings
    def bind(self, parts: list[N.Node], label: N.Node | None, finding: Finding | None) -> None:
        if label is None:
            return
        line = self.line(label.start)
        value, grid = self.final_value(parts)
        if value is None:
            return
        names = [N.key(label)] + [p.name for p in parts[1:-1] if isinstance(p, N.Sym)]
        rounded = grid is not None and finding is not None and \
            (finding.kind != "definition" or finding.note == "redefinition")
        for key in names:
            self.env.bind(key, Binding(value, line, "literal" if grid else "derived", key, grid,
                                       finding, self.span_id, rounded))
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
        if grid is None or (outcome.expected is not None and outcome.expected.shape != (len(grid), len(grid[0]))):
            return None
        return Binding(grid_value(grid, False), line, "corrected", key, grid, finding, self.span_id, True)

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

def grid_value(grid, scalar: bool) -> Val:
    """The exact value of printed numbers (a bare number is a scalar)."""
    value = EXACT.stack([[EXACT.scalar(p.value) for p in row] for row in grid])
    return Val(value.data, scalar and value.shape == (1, 1))


def _is_label(node: N.Node) -> bool:
    """A name, a name's entry, or an expression of names: something a value is claimed for."""
    if N.is_literal(node) or isinstance(node, N.Special):
        return False
    if isinstance(node, (N.Sym, N.Index, N.Call)):
        return True
    return bool(N.names(node)) and not any(isinstance(n, N.Mat) for n in N.walk(node))


