"""The last pass: verdicts that only the claims after a claim can settle, in order.

    restated  a name given again with other values: a change on purpose, or a slip?
    rounding  a value cut toward zero, in a document that rounds: wrong
    carried   a claim right only from a value found wrong carries the slip
    ahead     a value stated before the working that computes it is judged against it

Each reads the claim records and returns new ones; none edits a record.
"""

from __future__ import annotations

from derive.check.across.ahead import ahead
from derive.check.across.carried import carried
from derive.check.across.restated import settle
from derive.check.across.rounding import cut_where_rounded, rounds_up
from derive.check.bind.env import Env
from derive.check.claim import Claim


def across(claims: list[Claim], env: Env) -> list[Claim]:
    up = rounds_up(claims)
    settled = settle(claims, env, rounds=up is not None)
    return ahead(carried(cut_where_rounded(settled, up), env, rounds=up is not None), env)


__all__ = ["across"]
