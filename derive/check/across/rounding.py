r"""Cut or rounded: the document's own convention.

A value cut toward zero (``truncated``: 0.5968 for 0.59688) is a convention
only in a document that never rounds up: once a document prints
``POLICY.rounded_up_evidence`` values rounded where cutting would print
another number (in the same row or anywhere else), it rounds, and a cut value
in it is wrong (a planted last-digit slip is often exactly a cut).
"""

from __future__ import annotations

from dataclasses import replace

from derive.check.claim import CORRECT, Claim, Verdict
from derive.check.policy import POLICY
from derive.check.read.grids import fit
from derive.numbers import compare, parse_decimal


def rounds_up(claims: list[Claim]) -> Claim | None:
    """The first claim showing that the document rounds (rounds up where a cut would print
    another number), when enough of them do (``POLICY.rounded_up_evidence``); else None."""
    ups = [c for c in claims if c.verdict in CORRECT and _rounded_up(c)]     # (a cut row may round up another entry)
    return ups[0] if len(ups) >= POLICY.rounded_up_evidence else None


def cut_where_rounded(claims: list[Claim], up: Claim | None) -> list[Claim]:
    """Truncated claims in a document that rounds up elsewhere (``up``: ``rounds_up``): wrong."""
    if up is None:
        return claims
    return [_cut(c, up) if c.verdict == Verdict.TRUNCATED else c for c in claims]


def _judgement(c: Claim):
    outcome = c.context.get("outcome") if isinstance(c.context, dict) else None
    return getattr(outcome, "judgement", None)


def _rounded_up(c: Claim) -> int:
    return getattr(_judgement(c), "ups", 0)


def off_entries(grid, j) -> list[dict]:
    """The entries of a printed grid that are neither exact nor rounded from judgement ``j``'s
    expected values (cut ones included), as wrong entries."""
    expected = j.expected if j is not None and j.expected else []
    grid = fit(grid, (len(expected), len(expected[0]))) if grid is not None and expected else None
    return [{"row": i + 1, "col": k + 1, "printed": p.text, "expected": e}
            for i, (row, exp) in enumerate(zip(grid or (), expected)) for k, (p, e) in enumerate(zip(row, exp))
            if compare(p, parse_decimal(e).value).verdict not in ("exact", "rounded")]


def _cut(c: Claim, up: Claim) -> Claim:
    """The truncated claim as wrong: each cut entry beside its rounding."""
    return replace(c, verdict=Verdict.WRONG, basis=None, wrong_entries=off_entries(c.grid, _judgement(c)),
                   message=c.message.replace("is a truncation of", "is cut from", 1) + ", not rounded",
                   diagnosis=f"cut toward zero, not rounded: the document rounds elsewhere ({up.place} rounds up), "
                             f"so this rounds to {c.expected}")
