"""What a long check says on stderr: a progress bar while it runs (only when
stderr is a terminal; tqdm) and, at the end, a summary table."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field

from derive.check.claim import summary

SLOWEST_SHOWN = 5


@dataclass
class Tally:
    """Counts over the documents finished so far."""
    documents: int = 0
    claims: int = 0
    wrong: int = 0
    unverifiable: int = 0
    failures: int = 0
    skipped: int = 0                 # already in the --resume file
    times: list[tuple[float, str]] = field(default_factory=list)
    peak_mb: float = 0.0

    def add(self, report, seconds: float, peak_mb: float) -> None:
        self.documents += 1
        self.times.append((seconds, report.path))
        self.peak_mb = max(self.peak_mb, peak_mb)
        if report.error:
            self.failures += 1
            return
        s = summary(report.findings)
        self.claims += s["claims"]
        self.wrong += s["wrong"]
        self.unverifiable += s["unverifiable"]


class Progress:
    """A tqdm bar over the documents, with claims and wrong so far; silent when stderr
    is not a terminal."""

    def __init__(self, total: int, enabled: bool | None = None):
        self.bar = None
        if enabled if enabled is not None else sys.stderr.isatty():
            import tqdm

            tqdm.tqdm.monitor_interval = 0      # no monitor thread: children are forked from this process
            self.bar = tqdm.tqdm(total=total, unit="doc", file=sys.stderr, dynamic_ncols=True, leave=False)

    def update(self, tally: Tally) -> None:
        if self.bar is not None:
            self.bar.set_postfix(claims=tally.claims, wrong=tally.wrong, failed=tally.failures, refresh=False)
            self.bar.update(1)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def summary_table(tally: Tally, seconds: float, jobs: int) -> str:
    """The closing table: documents, claims, wrong, unverifiable, failures, time, memory, the slowest."""
    rate = tally.documents / seconds if seconds > 0 else 0.0
    rows = [("documents", f"{tally.documents}"),
            ("claims judged", f"{tally.claims}"),
            ("wrong", f"{tally.wrong}"),
            ("unverifiable", f"{tally.unverifiable}"),
            ("not checked (errors, time or memory)", f"{tally.failures}")]
    if tally.skipped:
        rows.append(("already in the resumed file", f"{tally.skipped}"))
    rows += [("wall time", f"{seconds:.1f} s with {jobs} at a time ({rate:.2f} documents/s)"),
             ("largest memory of one document", f"{tally.peak_mb:.0f} MB")]
    width = max(len(k) for k, _ in rows)
    lines = ["derive check: summary"] + [f"  {k:<{width}}  {v}" for k, v in rows]
    slowest = sorted(tally.times, key=lambda t: (-t[0], t[1]))[:SLOWEST_SHOWN]
    if slowest:
        lines.append("  slowest documents:")
        lines += [f"    {s:7.1f} s  {path}" for s, path in slowest]
    return "\n".join(lines) + "\n"
