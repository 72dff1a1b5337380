"""The claim record: one frozen record per number (or formula) a document claims.

Every pass of ``derive check`` speaks in these records: the bind pass writes
what is claimed and where, the judge pass fills in the verdict and its basis,
the diagnose pass the likely cause, and the last pass (``derive.check.across``)
the verdicts that only other claims can settle. A pass never edits a record:
it returns a new one (``dataclasses.replace``). Reports are views of them.

Verdicts (one vocabulary for the whole package):

    ok            the printed value is the value (exactly, or every printed digit)
    rounded       the printed value is the value rounded to the printed decimals
    truncated     the printed value is the value cut toward zero
    wrong         none of the hypotheses derive may use explains it
    unverifiable  nothing in the document lets derive compute it (the message says why)
    given         a value the document gives (a definition): nothing is claimed

Bases (what an ok, rounded or truncated verdict rests on):

    exact            the value computed from the exact values of its inputs
    printed-inputs   the value computed from the inputs as the document printed them
    enclosure        inside a rigorous Arb enclosure of its inputs' rounding
    code-output      what the document's own code prints when run (``--run-code``)
    worked-example   a step of a worked example derive ships, run on the printed values
    published        the configuration a model's paper publishes (``derive.check.facts``)
    restates         the same number as a code output printed above (as right as that output,
                     which is judged on its own line)
    proof            a formula (a derivative) proved equal to the derivative of the document's own
                     definitions: the difference simplifies to exactly 0 (``derive.check.formulas``)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Verdict(StrEnum):
    OK = "ok"
    ROUNDED = "rounded"
    TRUNCATED = "truncated"
    WRONG = "wrong"
    UNVERIFIABLE = "unverifiable"
    GIVEN = "given"


class Basis(StrEnum):
    EXACT = "exact"
    PRINTED = "printed-inputs"
    ENCLOSURE = "enclosure"
    CODE = "code-output"
    EXAMPLE = "worked-example"
    PUBLISHED = "published"
    RESTATES = "restates"
    PROOF = "proof"


CORRECT = (Verdict.OK, Verdict.ROUNDED, Verdict.TRUNCATED)
# How bad a verdict is, when one result has several entries: the worst one counts.
RANK = {Verdict.OK: 0, Verdict.ROUNDED: 1, Verdict.TRUNCATED: 2, Verdict.WRONG: 3}


@dataclass(frozen=True)
class Used:
    """One value a verdict was computed with: the name, where it was given, how."""

    name: str
    line: int
    origin: str


@dataclass(frozen=True)
class Claim:
    """What is claimed, where, and what derive concluded about it."""

    line: int
    end_line: int
    kind: str                               # matrix | vector | scalar | equation | formula | code-output | definition
    label: str | None                       # what the value is claimed for (``Q``, ``softmax(S)``)
    verdict: Verdict
    printed: str                            # the printed value (or formula) as shown
    message: str
    relation: str = "="                     # = | approx | update | < ...
    basis: Basis | None = None
    expected: str | None = None
    chained_verdict: Verdict | None = None  # from first principles (a worked example derive ships)
    wrong_entries: list[dict] = field(default_factory=list)
    diagnosis: str | None = None
    section: str = ""
    note: str | None = None                 # redefinition, supposed, internal-error ...
    against: str | None = None              # the formula it was judged against
    used: tuple[Used, ...] = ()
    spans: tuple[tuple[int, int], ...] = ()  # document offsets of each printed number, row by row
    grid: object = field(default=None, repr=False, compare=False)     # the printed numbers
    context: object = field(default=None, repr=False, compare=False)  # what diagnosis and the last pass need
    origin: object = None                   # where the author wrote it, in a notebook or LaTeX document (an Origin)

    def where(self, path: str) -> str:
        """The claim's place: ``doc.md:12``, ``nb.ipynb: cell 3, line 2``, ``sec/attn.tex:41``."""
        if self.origin is None:
            return f"{path}:{self.line}"
        if self.origin.cell is not None:
            return f"{path}: {self.origin.where()}"
        return self.origin.where()

    @property
    def place(self) -> str:
        """The claim's place in its document: ``line 12``, ``cell 3, line 2``, ``sec/attn.tex:41``."""
        return f"line {self.line}" if self.origin is None else self.origin.where()

    def as_json(self) -> dict:
        return {
            "line": self.line, "end_line": self.end_line, "kind": self.kind,
            "label": self.label, "verdict": str(self.verdict),
            "basis": str(self.basis) if self.basis else None,
            "chained_verdict": str(self.chained_verdict) if self.chained_verdict else None,
            "printed": self.printed, "expected": self.expected,
            "wrong_entries": list(self.wrong_entries), "message": self.message,
            "diagnosis": self.diagnosis, "section": self.section, "note": self.note,
            **({"file": self.origin.file, "cell": self.origin.cell, "part": self.origin.part or None}
               if self.origin is not None else {}),
        }


def summary(claims: list[Claim]) -> dict:
    """How many claims (values given are not claims) have each verdict."""
    counts = {"claims": sum(1 for c in claims if c.verdict != Verdict.GIVEN)}
    for v in Verdict:
        counts[str(v)] = sum(1 for c in claims if c.verdict == v)
    return counts


def kind_of_grid(grid) -> str:
    rows, cols = len(grid), len(grid[0])
    if rows == 1 and cols == 1:
        return "scalar"
    return "vector" if 1 in (rows, cols) else "matrix"


def wrong_entries(wrong: list[tuple[int, int, str, str]]) -> list[dict]:
    """(row, col, printed, expected) of each wrong entry, counted from 1."""
    return [{"row": i + 1, "col": j + 1, "printed": p, "expected": e} for i, j, p, e in wrong]
