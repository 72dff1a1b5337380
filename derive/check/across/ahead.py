r"""Answers stated first: a value given before the working that computes it.

A value given before any working (``Final answer: y = 0.7109``), that nothing
uses until a working further down computes the same name afresh (within
``POLICY.ahead_lines``), was a result stated ahead: it is judged against that
working's value (its right value, when that working carries a slip).
"""

from __future__ import annotations

from dataclasses import replace

from derive.check.across.carried import right_value
from derive.check.across.restated import restating, uses
from derive.check.bind.env import Env
from derive.check.bind.resolve import exact_value
from derive.check.claim import Basis, Claim, Verdict, kind_of_grid, wrong_entries
from derive.check.evaluate.values import EVAL_FAILURES
from derive.check.judge.compare import judge
from derive.check.policy import POLICY
from derive.check.read import nodes as N
from derive.check.read.grids import rows_text


def ahead(claims: list[Claim], env: Env) -> list[Claim]:
    """Values given ahead of the working that computes them, judged against it."""
    return [(_stated_ahead(c, claims, env) or c) if c.verdict == Verdict.GIVEN and c.grid is not None else c
            for c in claims]


def _stated_ahead(c: Claim, claims: list[Claim], env: Env) -> Claim | None:
    draft = c.context.get("draft") if isinstance(c.context, dict) else None
    label = getattr(draft, "label", None)
    if not isinstance(label, (N.Sym, N.Call)) or getattr(draft, "what", "") != "claim":
        return None
    key = N.key(label)
    bindings = sorted(env.values.get(key, []), key=lambda b: b.at)
    mine = [k for k, b in enumerate(bindings) if b.line == c.line]
    if not mine or mine[-1] + 1 >= len(bindings):
        return None
    given, later = bindings[mine[-1]], bindings[mine[-1] + 1]
    if later.origin != "derived" or later.formula is None or N.key(later.formula) == key or key in later.depends or later.line - c.line > POLICY.ahead_lines \
            or any(uses(d, given, env) for d in claims if c.line < d.line < later.line
                   and isinstance(d.context, dict) and "outcome" in d.context and not restating(d, key)):
        return None
    # the working's own claim, when it was found wrong (a slip carried into it): its right value
    slipped = [d for d in claims if d.line == later.line and d.verdict == Verdict.WRONG and _label_key(d) == key]
    right = right_value(slipped[0], slipped[0].context) if slipped else None
    try:
        j = judge(c.grid, right if right is not None else exact_value(later, env))
    except EVAL_FAILURES:
        return None
    where = f"the working on line {later.line}" + (" (which carries a slip)" if right is not None else "")
    common = dict(basis=Basis.EXACT if j.verdict != Verdict.WRONG else None, kind=kind_of_grid(c.grid), note="ahead",
                  expected=rows_text(j.expected) if j.expected else None, against=where)
    if j.verdict == Verdict.WRONG:
        return replace(c, verdict=Verdict.WRONG, wrong_entries=wrong_entries(j.wrong), **common,
                       message=f"stated ahead of {where}, which gives {rows_text(j.expected) if j.expected else '?'}")
    return replace(c, verdict=j.verdict, message=f"stated ahead of {where}, which agrees", **common)


def _label_key(c: Claim) -> str | None:
    """The key of what a claim is about (its draft's label), if it has one."""
    label = getattr(c.context.get("draft"), "label", None) if isinstance(c.context, dict) else None
    return N.key(label) if label is not None else None
