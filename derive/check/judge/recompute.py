r"""Walk a document's math in order, judge every printed number, remember names.

    X = \begin{pmatrix} ... \end{pmatrix}     a definition: X is bound
    Q = X W_Q                                 a formula: remembered for Q
    Q = \begin{pmatrix} ... \end{pmatrix}     a claim: judged against the formula
    a = b \approx c                           every link of a chain is judged

Names keep every value the document gave them (``derive.check.bind.env``); a
claim is right when the document's own formula, applied to the values the
document gave, reproduces it at the printed precision. What a claim is judged
against is found in ``derive.check.judge.references``; the values a chain leaves
are recorded by ``derive.check.bind.bindings``; update rules (``W \leftarrow ...``)
are kept by ``derive.check.bind.updates``; findings are built in ``derive.check.judge.claims``.
"""

from __future__ import annotations

import re
import traceback
from pathlib import Path

from derive.check.read import nodes as N
from derive.check.bind.bindings import Bindings
from derive.check.judge.claims import Claims, snippet
from derive.check.bind.env import Env
from derive.check.read.delimiters import MathSpan
from derive.check.read.markdown import Document
from derive.check.findings import Finding
from derive.check.read.grids import grid_of, grid_text
from derive.check.judge.compare import judge, screen
from derive.check.read.latex import LatexError, parse_statements
from derive.check.judge.references import References
from derive.check.bind.resolve import evaluate
from derive.check.judge.search import check_link
from derive.check.read.prose import supposes
from derive.check.bind.updates import Updates
from derive.check.evaluate.values import EvalError
from derive.errors import DeriveError

PENDING_LINES = 8          # a bare result may follow its formula within this many lines
MAX_KNOWN = 60             # earlier values compared with an unlabelled matrix
SCRIPT = re.compile(r"[_^](\{[^{}]*\}|\\?[A-Za-z0-9])")
JUDGED_RELATIONS = ("=", "approx")
# What a formula derive cannot handle may raise; it must not stop the rest of the document.
EVALUATION_FAILURES = (ArithmeticError, ValueError, RuntimeError, DeriveError)
# A bug of derive itself: said so on its line (never blamed on the document); the check goes on.
INTERNAL_ERRORS = (TypeError, LookupError, AttributeError, NameError, AssertionError)

# e and pi keep their exact values: "e \approx 2.71828" approximates, it does not rebind.
CONSTANTS = {"e", "pi"}


class Checker(Claims, References, Bindings, Updates):
    """The state of one pass over a document."""

    def __init__(self, doc: Document, env: Env | None = None):
        self.doc = doc
        self.env = env or Env()
        self.findings: list[Finding] = []
        self.pending: tuple[N.Node, int] | None = None
        self.span_id = 0
        self.span: MathSpan | None = None
        self.approximate = False        # the link being judged follows \approx

    # ---------------------------------------------------------------- spans
    def math(self, span: MathSpan) -> None:
        self.span_id += 1
        self.span = span
        self.supposed = not span.display and supposes(self.doc.text, span.start)
        last = None
        try:
            statements = parse_statements(span.text)
        except (RecursionError, *INTERNAL_ERRORS) as exc:
            self.failed(N.Chain(0, len(span.text), (), ()), f"not checked: derive failed on it "
                        f"({where(exc)}), a bug of derive, not a fault of the document", internal=True)
            return
        for st in statements:
            if isinstance(st, LatexError):
                self.unreadable(span, st)
                last = None
            else:
                last = self.statement(st, last)

    def statement(self, st: N.Chain, last: N.Chain | None) -> N.Chain | None:
        """One chain, judged; a failure becomes an unverifiable finding (and ends the derivation)."""
        try:
            return self.chain(st, last)
        except RecursionError:
            self.failed(st, "the formula is nested too deeply")
        except EVALUATION_FAILURES as exc:
            self.failed(st, f"derive could not evaluate it ({type(exc).__name__}: {str(exc)[:80]})")
        except INTERNAL_ERRORS as exc:
            self.failed(st, f"not checked: derive failed on it ({where(exc)}), a bug of derive, "
                            "not a fault of the document", internal=True)
        return None

    def failed(self, chain: N.Chain, reason: str, internal: bool = False) -> None:
        line = self.line(chain.start)
        if N.has_numbers(chain) or internal:
            f = self.add(Finding(line, self.line(max(chain.start, chain.end - 1)), "equation", None,
                                 "unverifiable", snippet(self.span.text[chain.start:chain.end]), reason,
                                 section=self.doc.section(line)))
            f.note = "internal-error" if internal else f.note

    def line(self, offset: int) -> int:
        return self.doc.line_of(self.span.start + offset)

    def unreadable(self, span: MathSpan, exc: LatexError) -> None:
        """Only the statement that cannot be read (``exc.span``) is void; it is shown alone."""
        lo, hi = exc.span or (0, len(span.text))
        text = span.text[lo:hi]
        if not re.search(r"\d", SCRIPT.sub("", text)):
            return  # no printed number in it: nothing is claimed
        first = self.doc.line_of(span.start + lo)
        line = self.doc.line_of(span.start + max(lo, hi - 1))
        self.add(Finding(first, max(line, first), "equation", None, "unverifiable",
                         snippet(text), f"cannot read the formula: {exc}", section=self.doc.section(first)))

    # ---------------------------------------------------------------- chains
    def chain(self, chain: N.Chain, last: N.Chain | None) -> N.Chain | None:
        """Judge every link of ``a = b = c``; a line starting with ``=`` (an aligned
        derivation) continues the chain before it, whose links were judged already."""
        parts, rels, done = _continued(chain, last)
        if not parts:
            return last
        whole = N.Chain(parts[0].start, parts[-1].end, tuple(parts), tuple(rels))
        label = parts[0] if _is_label(parts[0]) else None
        if len(parts) == 1:
            self.bare(parts[0])
            return whole
        self.pending = None
        if rels[0] == "update" and label is not None:
            return self.update_chain(parts, rels, done, label, whole)
        if rels[0] == "=" and done == 1 and label is not None:
            self.step_rule(label, parts[1])
        if self.supposed and label is not None and N.names(label) and done == 1:
            self.supposition(label, parts, rels)
            return whole
        finding, formula = self.links(parts, rels, done, label)
        if _gives_value(parts, rels, label, formula):
            self.bind(parts, label, finding, approx=rels[-1] == "approx")
        return whole

    def update_chain(self, parts: list[N.Node], rels: list[str], done: int, label: N.Node,
                     whole: N.Chain) -> N.Chain:
        """``W \\leftarrow W - \\eta g``: a rule for the next W (``derive.check.bind.updates``);
        a value printed after it (``W \\leftarrow ... = [...]``) is the next W, judged."""
        if done == 1:
            self.update_rule(label, parts[1])
        finding, _ = self.links(parts, rels, max(done, 2), label)
        if len(parts) > 2:
            self.bind(parts, label, finding, approx=rels[-1] == "approx")
        return whole

    def supposition(self, label: N.Node, parts: list[N.Node], rels: list[str]) -> None:
        """``at $z = 0$ it would be ...``, ``we would have $\\sigma^2 = 10/3 \\approx 3.33$``:
        a case considered, not a claim about z; the working after it is still
        judged, and z takes the value (its earlier values stay candidates)."""
        grid = grid_of(parts[1])
        finding = None
        if grid is not None:
            finding = self.add(self.finding(parts[1], grid, "ok", f"supposes {N.pretty(label)} = {grid_text(grid)}",
                                            label=label, kind="definition"))
        if len(parts) > 2 and not all(isinstance(p, N.Sym) for p in parts[1:-1]):   # w = b = 0 names two
            finding = self.links(parts[1:], rels[1:], 1, None)[0] or finding
        if _gives_value(parts, rels, label, False):
            self.bind(parts, label, finding)

    def links(self, parts: list[N.Node], rels: list[str], done: int, label: N.Node | None):
        """Judge parts ``done``.. of a chain: the last finding, and whether its
        first link defined a formula (``Q = X W_Q``) rather than claimed a value."""
        finding, formula = None, False
        for k in range(done, len(parts)):
            part, grid = parts[k], grid_of(parts[k])
            self.approximate = rels[k - 1] == "approx"
            if rels[k - 1] not in JUDGED_RELATIONS or self.malformed(part):
                continue
            if k == 1 and label is not None and self.definition(label, part):
                formula = True
            elif grid is None and not N.has_numbers(part):
                continue
            elif k == 1 and label is not None:
                after_rule = self.update_claim(label, part) if grid is not None else None
                finding = after_rule or self.label_claim(label, part, grid) or finding
            else:
                finding = self.link_claim(parts, k, grid, label) or finding
        return finding, formula

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

    # ---------------------------------------------------------------- lone values
    def bare(self, part: N.Node) -> None:
        """A value standing alone: the result of the formula just before it, else a
        copy of a value the document gave, else unverifiable. A displayed formula
        standing alone waits for its displayed result (inline math in prose is
        too loose for that: "why $\\sqrt{d_k}$? ... mean $0$")."""
        grid = grid_of(part)
        line = self.line(part.start)
        if self.malformed(part):
            return
        if grid is None:
            if N.names(part) and not isinstance(part, N.Sym) and self.span.display:
                self.pending = (part, line)
            return
        if self.span.display and self.pending_result(part, line):
            return
        known = self.known_value(grid, line)
        if known is not None:
            key, b = known
            self.add(self.finding(part, grid, "ok", f"equals {key} (line {b.line})", label=None))
            return
        self.add(self.finding(part, grid, "unverifiable",
                              "stands alone: nothing in the document derives it", label=None))

    def pending_result(self, part: N.Node, line: int) -> bool:
        """``x W_1`` alone, then a matrix within ``PENDING_LINES``: judged as its value."""
        pending, self.pending = self.pending, None
        if pending is None or line - pending[1] > PENDING_LINES:
            return False
        outcome = check_link(pending[0], part, self.env, line)
        if outcome.judgement is None:
            return False
        self.record(part, pending[0], pending[0], outcome)
        return True

    def known_value(self, grid, line: int):
        """An earlier (or later) value of the same shape that this printing rounds."""
        shape = (len(grid), len(grid[0]))
        if shape[0] * shape[1] < 4 or all(p.value.is_integer for row in grid for p in row):
            return None  # small or whole-number values match by coincidence
        seen = 0
        for key, b in self.env.same_shape(shape, line) + self.env.same_shape(shape[::-1], line):
            seen += 1
            if seen > MAX_KNOWN:
                break
            if screen(grid, b.fast()) and judge(grid, b.value).verdict != "wrong":
                return key, b
        return None


def where(exc: BaseException) -> str:
    """``AttributeError at judge.py:75: ...``: the error and the line of derive that raised it."""
    frames = traceback.extract_tb(exc.__traceback__)
    at = f" at {Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else ""
    return f"{type(exc).__name__}{at}: {str(exc)[:80]}"


def _continued(chain: N.Chain, last: N.Chain | None) -> tuple[list[N.Node], list[str], int]:
    """The parts and relations of a chain, with a leading ``=`` joined to the
    chain before it; and how many parts were judged already."""
    parts, rels = list(chain.parts), list(chain.rels)
    if not (isinstance(parts[0], N.Special) and parts[0].what == "continuation"):
        return parts, rels, 1
    if last is None:
        return parts[1:], rels[1:], 1
    return list(last.parts) + parts[1:], list(last.rels) + rels, len(last.parts)


def _gives_value(parts: list[N.Node], rels: list[str], label: N.Node | None, formula: bool) -> bool:
    """A formula alone gives no value; nor does ``e \\approx 2.718`` (a constant approximated),
    nor an inequality (``T > 1`` says nothing of what T is)."""
    if formula and all(grid_of(p) is None for p in parts[2:]):
        return False
    if any(r not in ("=", "approx") for r in rels):
        return False
    return not (rels[-1] == "approx" and label is not None and N.key(label) in CONSTANTS)


def _is_label(node: N.Node) -> bool:
    """A name, a name's entry, or an expression of names: something a value is claimed for."""
    if N.is_literal(node) or isinstance(node, N.Special):
        return False
    if isinstance(node, (N.Sym, N.Index, N.Call)):
        return True
    return bool(N.names(node)) and not any(isinstance(n, N.Mat) for n in N.walk(node))
