"""One finding per claim: where it is, what it prints, and the verdict on it."""

from __future__ import annotations

from dataclasses import dataclass, field

VERDICTS = ("ok", "rounded", "truncated", "wrong", "unverifiable")
KINDS = ("matrix", "vector", "scalar", "equation", "code-output", "definition")


@dataclass
class Finding:
    line: int
    end_line: int
    kind: str
    label: str | None
    verdict: str
    printed: str
    message: str
    expected: str | None = None
    chained_verdict: str | None = None
    wrong_entries: list[dict] = field(default_factory=list)
    diagnosis: str | None = None
    section: str = ""
    note: str | None = None          # e.g. a redefinition that is not (yet) an error
    grid: object = field(default=None, repr=False, compare=False)   # the printed numbers
    context: object = field(default=None, repr=False, compare=False)  # what diagnosis needs

    def as_json(self) -> dict:
        """The finding in the shape of the issue (plus section and note)."""
        return {
            "line": self.line, "end_line": self.end_line, "kind": self.kind,
            "label": self.label, "verdict": self.verdict,
            "chained_verdict": self.chained_verdict, "printed": self.printed,
            "expected": self.expected, "wrong_entries": self.wrong_entries,
            "message": self.message, "diagnosis": self.diagnosis,
            "section": self.section, "note": self.note,
        }


def summary(findings: list[Finding]) -> dict:
    counts = {"claims": len(findings)}
    for v in VERDICTS:
        counts[v] = sum(1 for f in findings if f.verdict == v)
    return counts


def kind_of_grid(grid) -> str:
    rows, cols = len(grid), len(grid[0])
    if rows == 1 and cols == 1:
        return "scalar"
    return "vector" if 1 in (rows, cols) else "matrix"


def wrong_entries(grid, wrong: list[tuple[int, int, str, str]]) -> list[dict]:
    return [{"row": i + 1, "col": j + 1, "printed": p, "expected": e} for i, j, p, e in wrong]
