"""Turning judged links into findings: messages, wrong entries, redefinitions.

A mixin of ``derive.check.judge.recompute.Checker``; it reads ``self.env``,
``self.doc``, ``self.span`` and appends to ``self.findings``.
"""

from __future__ import annotations

from derive.check.read import nodes as N
from derive.check.read.delimiters import BLANK_LINE
from derive.check.findings import Finding, kind_of_grid, wrong_entries
from derive.check.read.grids import grid_of, grid_text, rows_text
from derive.check.judge.search import Outcome
from derive.check.read.prose import announces_change


class Claims:
    """Building findings; every finding of a document goes through ``add``."""

    def unjudged(self, label: N.Node, part: N.Node, grid, outcome: Outcome | None) -> Finding | None:
        if grid is None:
            return None
        reason = outcome.error if outcome else ""
        if isinstance(label, N.Sym) and (not reason or _unbound_self(reason, label)):
            rows, cols = len(grid), len(grid[0])
            shape = "" if rows == cols == 1 else f" ({rows}x{cols})"
            return self.add(self.finding(part, grid, "ok", f"defines {N.pretty(label)}{shape}",
                                         label=label, kind="definition"))
        why = f" ({reason})" if reason else ""
        return self.add(self.finding(part, grid, "unverifiable",
                                     f"nothing in the document computes {N.pretty(label)}{why}", label=label))

    def redefinition(self, label, part, grid, outcome: Outcome) -> Finding:
        """Other values for a name given before: a finding, and an error once the
        document is seen computing with the old values (``evidence``)."""
        line = self.line(part.start)
        before = self.env.latest(N.key(label), line)
        where = f"on line {before.line}" if before else "further down"
        f = self.finding(part, grid, "ok", f"redefines {N.pretty(label)} (given other values {where})",
                         label=label, kind="definition")
        f.context = {"redefines": before}
        if self.span is not None and (announces_change(self.doc.text, self.span.start)
                                      or self._after_change(line)):
            # said to change: from here on the old values are out of date, and a line
            # that still computes with them is the slip
            f.message = f"gives {N.pretty(label)} new values (other values {where})"
            self.env.supersede(N.key(label), line)
        else:
            f.note = "redefinition"
        return self.add(f)

    def _after_change(self, line: int) -> bool:
        """A value changed on purpose earlier in the same paragraph: what follows
        from it (``now z = ...``, then ``p \\approx ...``) changes on purpose too."""
        blanks = [m.end() for m in BLANK_LINE.finditer(self.doc.text, 0, self.span.start)]
        first = self.doc.line_of(blanks[-1] if blanks else 0)
        return any(first <= at <= line for ats in self.env.superseded.values() for at in ats)

    def malformed(self, part: N.Node) -> bool:
        """A ragged matrix or a non-number entry: an unverifiable finding, with the reason."""
        if not isinstance(part, N.Mat):
            return False
        widths = sorted({len(r) for r in part.rows})
        special = [c.what for row in part.rows for c in row if isinstance(c, N.Special) and c.what != "..."]
        if len(widths) > 1:
            reason = f"a ragged matrix: its rows have {' and '.join(map(str, widths))} entries"
        elif special:
            reason = f"an entry is not a finite number ({special[0]})"
        else:
            return False
        self.add(Finding(self.line(part.start), self.line(max(part.start, part.end - 1)), "matrix", None,
                         "unverifiable", snippet(self.span.text[part.start:part.end]), reason,
                         section=self.doc.section(self.line(part.start))))
        return True

    def record(self, part: N.Node, label, ref: N.Node, outcome: Outcome) -> Finding:
        j = outcome.judgement
        grid = outcome.printed if outcome.printed is not None else grid_of(part)
        kind = kind_of_grid(grid) if grid_of(part) is not None else "equation"
        verdict = j.verdict
        guessed = sorted(k for k, b in outcome.used.items() if b.origin == "default")
        if verdict == "wrong" and guessed:
            # a value derive had to guess may confirm a claim, never convict it
            return self.add(self.finding(part, grid_of(part), "unverifiable",
                                         f"{', '.join(guessed)} is not given before this line",
                                         label=label, kind=kind))
        message = _message(verdict, ref, j, self._choices(outcome, self.line(part.start)))
        f = self.finding(part, grid_of(part), verdict, message, label=label, kind=kind)
        f.expected = rows_text(j.expected) if j.expected else None
        f.wrong_entries = wrong_entries(grid, j.wrong) if verdict == "wrong" and grid else []
        if verdict in ("rounded", "truncated") and grid_of(part) is not None:
            self.env.note_rounded(grid_of(part), f.line)
        f.context = {"ref": ref, "claim": part, "outcome": outcome, "expected": outcome.expected,
                     "line": f.line, "exclude": frozenset({N.key(label)}) if label is not None else frozenset()}
        if verdict == "wrong" and outcome.diagnosis:
            f.diagnosis = outcome.diagnosis
        self.evidence(outcome, f.line, N.key(ref))
        return self.add(f)

    def _choices(self, outcome: Outcome, line: int) -> str:
        """Which values the check took, when not the latest ones before the claim."""
        notes = []
        for key, b in sorted(outcome.used.items()):
            latest = self.env.latest(key, line)
            if b.origin == "default":
                notes.append(f"{key} = {b.value.entry(0, 0)}")
            elif b.origin == "corrected" and b.line != line:
                notes.append(f"{key} as it should read on line {b.line}")
            elif b is not latest and b.line != line and (latest is None or b.line != latest.line):
                notes.append(f"{key} as on line {b.line}")
        if outcome.options.eps is not None:
            notes.append(f"epsilon = {outcome.options.eps}")
        if outcome.options.layer_norm == "no_eps":
            notes.append("no epsilon")
        return ", ".join(notes)

    def evidence(self, outcome: Outcome, line: int, ref_key: str) -> None:
        """A claim computed with a value a later redefinition replaced: the
        redefinition contradicts the document's own computation (a restatement
        of the name itself is no computation)."""
        if outcome.verdict == "wrong":
            return
        for key, b in outcome.used.items():
            if key == ref_key:
                continue
            latest = self.env.latest(key, line)
            if latest is None or latest is b or b.line >= latest.line:
                continue
            f = latest.finding
            if isinstance(f, Finding) and f.note == "redefinition" and f.verdict != "wrong":
                f.verdict = "wrong"
                f.message = (f"redefines {key} with other values than on line {b.line}, but line {line} "
                             f"still computes with the values of line {b.line}")
                f.diagnosis = f"a value changed by mistake: the document keeps using {key} of line {b.line}"

    def finding(self, part: N.Node, grid, verdict: str, message: str, label=None, kind=None) -> Finding:
        line = self.line(part.start)
        end = self.line(max(part.start, part.end - 1))
        printed = grid_text(grid) if grid is not None else snippet(self.span.text[part.start:part.end])
        kind = kind or (kind_of_grid(grid) if grid is not None else "equation")
        return Finding(line, end, kind, N.pretty(label) if label is not None else None, verdict, printed,
                       message, section=self.doc.section(line), grid=grid)

    def add(self, f: Finding) -> Finding:
        self.findings.append(f)
        return f



def snippet(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _message(verdict: str, ref: N.Node, j, choices: str) -> str:
    what = "the formulas written beside it" if isinstance(ref, N.Mat) else N.pretty(ref)
    what = what if len(what) <= 70 else what[:67] + "..."
    extra = f" (with {choices})" if choices else ""
    if verdict == "wrong":
        if j.reason:
            return f"does not fit {what}: {j.reason}"
        total = sum(len(r) for r in j.expected) if j.expected else 0
        if total > 1:
            return f"{len(j.wrong)} of {total} entries differ from {what}{extra}"
        return f"differs from {what} = {j.expected[0][0] if j.expected else '?'}{extra}"
    how = {"ok": "agrees with", "rounded": "is a rounding of", "truncated": "is a truncation of"}[verdict]
    why = f", {j.reason}" if j.reason else ""   # e.g. within the rounding of the values it is computed from
    return f"{how} {what}{extra}{why}"


def _unbound_self(reason: str, label: N.Node) -> bool:
    return reason.startswith(f"{N.key(label)} has no value")
