"""Table cells, judged as the same label printed in math would be (at the row's line).

The bind pass drafted each claim cell (``derive.check.bind.tables``); a table
whose numbered columns may count from 0 or from 1 was drafted both ways, and
the reading with fewer wrong cells is kept. A table gives no name a value: a
cell nothing computes is unverifiable, never a definition.
"""

from __future__ import annotations

from dataclasses import replace

from derive.check.bind.drafts import Draft
from derive.check.bind.env import Env
from derive.check.bind.patterns import expand
from derive.check.claim import Claim, Verdict, kind_of_grid
from derive.check.judge.claims import claim, record, unjudged
from derive.check.judge.references import label_claim
from derive.check.judge.search import FAILURES, check_link
from derive.check.read import nodes as N
from derive.check.read.grids import grid_of


def judge_cells(drafts: list[Draft], env: Env, section) -> list[Claim]:
    """Every cell claim, each table read the way that leaves fewer cells wrong."""
    tables: dict[int, dict[str, list[Draft]]] = {}
    for d in drafts:
        tables.setdefault(d.cell.table, {}).setdefault(d.cell.reading, []).append(d)
    out = []
    for readings in tables.values():
        judged = {reading: [judge_cell(d, env, section(d.line)) for d in cells] for reading, cells in readings.items()}
        wrong = {reading: sum(c.verdict == Verdict.WRONG for c in claims) for reading, claims in judged.items()}
        out.extend(judged[min(judged, key=lambda r: (wrong[r], r != "as-is"))])
    return out


def judge_cell(d: Draft, env: Env, section: str) -> Claim:
    """One cell: its column's formula with the row's values put in."""
    if d.cell.why:
        try:
            error = check_link(expand(d.label, env, d.at)[0], d.part, env, d.at).error
        except FAILURES as exc:
            error = str(exc)
        message = f"nothing in the document computes {N.pretty(d.label)} ({error})" if error else d.cell.why
        return claim(d, section, Verdict.UNVERIFIABLE, message)
    try:
        ref, solved = expand(d.label, env, d.at)
        if ref is d.label:
            outcome, ref = label_claim(d, env)
        else:
            outcome = check_link(ref, d.part, env, d.at)
        found = record(d, env, ref, outcome, section) if outcome is not None and outcome.judgement is not None \
            else unjudged(d, outcome.error if outcome else "", section)
        if found.verdict == Verdict.WRONG and solved is not None:
            found = replace(found, context={**found.context, "pattern": solved})
    except FAILURES as exc:
        return claim(d, section, Verdict.UNVERIFIABLE, f"derive could not evaluate it ({str(exc)[:80]})")
    if found.kind == "definition":      # a table gives no name a new value
        return replace(found, verdict=Verdict.UNVERIFIABLE, kind=kind_of_grid(grid_of(d.part)), note=None,
                       message=f"nothing in the document computes {N.pretty(d.label)}")
    return found
