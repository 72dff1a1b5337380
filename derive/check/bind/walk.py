"""The bind pass: the items a document was read into -> its names' values and its drafts.

    code        literal arrays and numbers the code gives names, the values its
                names hold once it has run (``--run-code``), the items its output
                blocks print (``derive.check.bind.code``)
    statements  formulas, values and claims (``derive.check.bind.chains``)
    tables      a claim per cell under a formula header (``derive.check.bind.tables``)

Nothing is judged here; values are computed only where the reading of a
statement depends on it (is ``f(x) = ...`` a function of the document or a
claim about a function derive knows?).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from derive.budget import OutOfTime, time_limit
from derive.check.bind.chains import EVALUATION_FAILURES, StatementBinder
from derive.check.bind.code import bind_code
from derive.check.bind.drafts import Draft
from derive.check.bind.env import Env
from derive.check.bind.tables import bind_table
from derive.check.read import CodeBlock, Problem, Reading, Statement, Table, Unreadable
from derive.check.read import nodes as N
from derive.check.read.latex import parse_statements
from derive.check.read.delimiters import MathSpan
from derive.check.read.nodes import Node
from derive.check.policy import POLICY
from derive.check.run import TIMEOUT
from derive.errors import bug


@dataclass
class Bound:
    env: Env
    drafts: list[Draft] = field(default_factory=list)


@dataclass
class Walk:
    """The state of the pass: the environment, the drafts so far, a formula waiting for its value."""

    reading: Reading
    env: Env
    drafts: list[Draft] = field(default_factory=list)
    pending: tuple[Node, int] | None = None

    @property
    def doc(self):
        return self.reading.doc

    def statement(self, st: Statement) -> None:
        try:
            StatementBinder(self, st).run()
        except RecursionError:
            self.failed(st, "the formula is nested too deeply")
        except EVALUATION_FAILURES as exc:
            self.failed(st, f"derive could not evaluate it ({type(exc).__name__}: {str(exc)[:80]})")
        except Exception as exc:  # noqa: BLE001 - derive's own bug on one statement: say so, bind the rest
            self.unreadable(st.start, st.end, st.span.text[st.start - st.span.start:st.end - st.span.start],
                            bug(exc), internal=True)

    def math(self, span: MathSpan) -> None:
        """The statements of a span met inside another item (a table cell)."""
        for st in self.reading.cells.get(id(span), ()):
            self.item(st)

    def item(self, item) -> None:
        if isinstance(item, Statement):
            self.statement(item)
        elif isinstance(item, Unreadable):
            self.unreadable(item.start, item.end, item.text, item.message if item.internal
                            else f"cannot read the formula: {item.message}", item.internal)
        elif isinstance(item, Table):
            bind_table(self, item)
        elif isinstance(item, CodeBlock) and item.output is not None:
            line = item.output.line
            self.drafts.append(Draft("output", item.output.start, line, item.output.end_line, block=item))
        elif isinstance(item, Problem):
            self.unreadable(item.start, item.start, "$$", f"cannot read the math: {item.message}")

    def failed(self, st: Statement, reason: str) -> None:
        if any(N.has_numbers(p) for p in st.parts):
            self.unreadable(st.start, st.end, st.span.text[st.start - st.span.start:st.end - st.span.start], reason)

    def unreadable(self, start: int, end: int, text: str, message: str, internal: bool = False,
                   note: str | None = None) -> None:
        doc = self.doc
        self.drafts.append(Draft("unverifiable", start, doc.line_of(start), doc.line_of(max(start, end)),
                                 text=text, message=message, note="internal-error" if internal else note))
        self.unread_definition(text, start)

    def unread_definition(self, text: str, at: int) -> None:
        """``f(x) = \\begin{cases} ...`` that derive cannot read still defines f anew: the
        earlier f (or value of a name) is out of date after it, never silently used."""
        head = text.split("=", 1)[0] if "=" in text else ""
        parsed = parse_statements(head) if head.strip() else []
        if len(parsed) != 1 or not isinstance(parsed[0], N.Chain) or len(parsed[0].parts) != 1:
            return
        left = parsed[0].parts[0]
        if isinstance(left, N.Call) and left.args and all(isinstance(a, N.Sym) for a in left.args):
            self.env.define(left.name, tuple(a.name for a in left.args), None, at)
        elif isinstance(left, N.Sym):
            self.env.reassign(left.name, at)


def bind(reading: Reading, run_code: bool = False, timeout: float = TIMEOUT) -> Bound:
    """Every value the document gives a name, and every claim it makes, in order."""
    doc = reading.doc
    headings = [doc.line_starts[line - 1] for line, _, _ in doc.headings]
    walk = Walk(reading, Env(zero_based=set(reading.zero_based), headings=headings))
    try:
        with time_limit(POLICY.document_seconds):
            bind_code(walk, run_code, timeout)
    except OutOfTime:
        walk.unreadable(0, 0, "", f"not read: binding the code's values took longer than "
                        f"{POLICY.document_seconds:g} s", note="budget")
    for item in reading.items:
        seconds = POLICY.claim_seconds
        try:
            with time_limit(seconds):
                walk.item(item)
        except OutOfTime:           # each item of the bind pass has a claim's budget, as each claim has
            start = getattr(item, "start", 0)
            walk.unreadable(start, start, "", f"not read: reading it took longer than {seconds:g} s", note="budget")
        except Exception as exc:  # noqa: BLE001 - derive's own bug on one item (a table): say so, go on
            start = getattr(item, "start", 0)
            walk.unreadable(start, start, "", bug(exc), internal=True)
    return Bound(walk.env, walk.drafts)
