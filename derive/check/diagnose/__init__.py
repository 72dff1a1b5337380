"""The diagnose pass: every wrong claim -> its most likely cause.

    a variant of the formula     ``variants`` (a missing scale, a transposed operand,
                                 epsilon outside the root, a dropped term ...)
    the values themselves        ``causes`` (a replaced value still used, a common
                                 factor, a slip of the pen, rounded inputs, a copy)
    a worked example derive ships  a variant step reproduces it, or an earlier step
                                 is already off (``derive.check.judge.examples``)

A diagnosis is a best effort: it never changes a verdict.
"""

from __future__ import annotations

from dataclasses import replace

from derive.check.bind.env import Env
from derive.check.claim import Claim, Verdict
from derive.check.diagnose.causes import diagnose as cause_of, other_index
from derive.check.judge.examples import Ties, upstream, variant_reproducing


def diagnose(claims: list[Claim], env: Env, ties: Ties | None) -> list[Claim]:
    return [_diagnosed(c, env, ties) for c in claims]


def _diagnosed(c: Claim, env: Env, ties: Ties | None) -> Claim:
    wrong_here = c.verdict == Verdict.WRONG
    if not (wrong_here or c.chained_verdict == Verdict.WRONG) or c.diagnosis is not None:
        return c
    ctx = c.context if isinstance(c.context, dict) else {}
    why = None
    tied = ties is not None and "spec" in ctx
    try:
        if tied:
            why = variant_reproducing(c.grid, ties, ctx["spec"], ctx["step"])
        if why is None and wrong_here and "pattern" in ctx:
            why = other_index(c, env)
        if why is None and wrong_here and "ref" in ctx:
            why = cause_of(c, env)
        if why is None and tied and not wrong_here:
            why = upstream(ties, ctx["spec"], ctx["step"])
    except Exception:  # noqa: BLE001 - a diagnosis is a best effort; the verdict stands
        why = None
    return replace(c, diagnosis=why) if why else c
