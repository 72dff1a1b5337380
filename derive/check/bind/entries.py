r"""``\text{softmax}(10)`` beside a row of scores: the entry of that row's softmax.

The softmax of one number is 1, so no author means it: ``softmax(10)`` is the
entry for the score 10 of a row of scores given before (``z = (10, 8, 2)``).
The call is read as ``softmax(z)[k]``, where z is the latest vector the
document gave whose entries hold that score exactly once (so the reading is
unambiguous), and k its place; with no such row it stays unverifiable
(``POLICY.entry_functions``).
"""

from __future__ import annotations

from derive.check.bind.env import Env
from derive.check.policy import POLICY
from derive.check.read import nodes as N
from derive.numbers import parse_decimal


def entry_readings(node: N.Node, env: Env, at: int) -> N.Node:
    """``node`` with every ``f(score)`` of an entry function read as ``f(row)[k]``."""
    for call in [n for n in N.walk(node) if isinstance(n, N.Call) and n.name in POLICY.entry_functions
                 and len(n.args) == 1 and _score(n.args[0]) is not None]:
        found = _row_holding(env, _score(call.args[0]), at)
        if found is None:
            continue
        name, k = found
        row = N.Sym(call.start, call.end, name, name)
        entry = N.Index(call.start, call.end, N.Call(call.start, call.end, call.name, (row,)),
                        (N.Num(call.start, call.end, parse_decimal(str(k))),))
        node = N.substitute(node, call, entry)
    return node


def _score(node: N.Node):
    if isinstance(node, N.Num):
        return node.printed.value
    if isinstance(node, N.Neg) and isinstance(node.arg, N.Num):
        return -node.arg.printed.value
    return None


def _row_holding(env: Env, score, at: int) -> tuple[str, int] | None:
    """The latest named vector before ``at`` holding ``score`` once, and its place (from 1)."""
    best = None
    for name, bindings in env.values.items():
        for b in bindings:
            if b.at > at or b.printed is None or b.composite or 1 not in (len(b.printed), len(b.printed[0])):
                continue
            flat = [p.value for row in b.printed for p in row]
            if len(flat) > 1 and flat.count(score) == 1 and (best is None or b.at > best[0]):
                best = (b.at, name, flat.index(score) + 1)
    return None if best is None else best[1:]
