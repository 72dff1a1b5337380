"""``derive prove [NAME ...]``: prove identities and print a table.

Each row is printed as soon as its proof ends, so a slow proof shows. In the
sizes column, sizes in ``(+...)`` have the certified numeric check only.
Exit code: 0 when every identity is proved, 1 when one is refuted, 3 when none
is refuted but some are only checked; an unknown name raises ``UsageError``
(exit code 2), listing the known names.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Mapping
from typing import TextIO

from derive.proofs.catalog import prove_each, select
from derive.proofs.identity import ProofResult
from derive.proofs.theorem import Theorem

COLUMNS = (("name", 22), ("sizes", 42), ("method", 29), ("result", 9), ("seconds", 8))


def row(cells: tuple[str, ...], widths: tuple[int, ...] | None = None) -> str:
    """One line of the table: left-aligned text, right-aligned seconds."""
    *text, seconds = cells
    widths = widths or tuple(w for _, w in COLUMNS)
    return "  ".join(c.ljust(w) for c, w in zip(text, widths)) + seconds.rjust(widths[-1])


def column_widths(theorems: list[Theorem]) -> tuple[int, ...]:
    """The default widths, widened to the longest name and sizes to be printed (a file's
    identities have long names), so that every row lines up."""
    widths = [w for _, w in COLUMNS]
    widths[0] = max(widths[0], *(len(t.name) for t in theorems))
    widths[1] = max(widths[1], *(len(t.sizes) for t in theorems))
    return tuple(widths)


def failure_lines(result: ProofResult) -> list[str]:
    """Where a proof failed: the claim, the two values, and the point."""
    f = result.failure
    if f is None:
        return [f"  {result.name}: {result.note}"] if result.note else []
    point = ", ".join(f"{name} = {value}" for name, value in f.point.items())
    other = "SymPy's derivative" if f.against == "derivative" else "the finite difference"
    lines = [f"  {result.name}: {f.claim} is {f.claimed} but {other} gives {f.derivative}",
             f"    first failing point: {point}"]
    return lines + ([f"    diagnosis: {f.diagnosis}"] if f.diagnosis else [])


def prove_command(names: list[str], points: int = 4, seed: int = 0, budget: float = 30.0,
                  table: Mapping[str, Callable[[], Theorem]] | None = None,
                  out: TextIO | None = None) -> int:
    """Prove ``names`` (all when empty); print the table; 0 if all are proved, 1 if one is
    refuted, 3 if some are only checked."""
    out = out or sys.stdout
    widths = column_widths(select(names, table))     # an unknown name is refused before the table starts
    print(row(tuple(title for title, _ in COLUMNS), widths), file=out, flush=True)
    start, results = time.perf_counter(), []
    for r in prove_each(names, points, seed, budget, table):
        results.append(r)
        print(row((r.name, r.sizes, r.method, r.result, f"{r.seconds:.2f}"), widths), file=out, flush=True)
    proved = sum(r.proved for r in results)
    refuted = sum(r.refuted for r in results)
    checked = len(results) - proved - refuted
    print(f"{proved} proved, {refuted} refuted, {checked} only checked (agreement at points, not a proof); "
          f"{time.perf_counter() - start:.1f} s in all. Sizes in (+...) are checked numerically only.", file=out)
    for r in results:
        for line in failure_lines(r) if not r.proved or r.note else []:
            print(line, file=out)
    return 1 if refuted else 3 if checked else 0
