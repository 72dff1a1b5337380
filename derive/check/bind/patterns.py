r"""Functions a document defines on patterns of their arguments.

    \mathrm{PE}_{(pos,2i)}   = \sin(pos / 10000^{2i/d})
    \mathrm{PE}_{(pos,2i+1)} = \cos(pos / 10000^{2i/d})

``PE(2, 3)`` matches the second definition: 2i + 1 = 3 gives i = 1, so it is
\cos(2 / 10000^{2/d}). A parameter is a name, or ``a u + b`` in one unknown u
taking a whole value in [0, ``MAX_INDEX``]. The definitions are read from the
document's math before the place that needs them; a call is replaced by the
matching body (``expand``), which the checker then evaluates as any formula.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from derive.check.bind.resolve import evaluate
from derive.check.evaluate.evaluator import evaluate_exact
from derive.check.evaluate.values import EXACT, EvalError
from derive.check.read import nodes as N
from derive.check.read.grids import grid_of
from derive.numbers import parse_decimal
from derive.check.policy import POLICY

MAX_INDEX = POLICY.pattern_max_index     # a pattern's unknown (the i of 2i+1) is whole and at most this


@dataclass(frozen=True)
class Pattern:
    name: str
    params: tuple[N.Node, ...]
    body: N.Node
    at: int


def pattern_of(label: N.Node, body: N.Node, at: int) -> Pattern | None:
    """``F_{(pos,2i)} = body`` or ``F(pos, 2i+1) = body``: a definition on patterns."""
    if isinstance(label, N.Sym) and isinstance(label.sub, N.Tuple):
        name, params = label.base, label.sub.items
    elif isinstance(label, N.Call) and not all(isinstance(a, N.Sym) for a in label.args):
        name, params = label.name, label.args
    else:
        return None   # f(x) = ... is an ordinary function of the document
    if grid_of(body) is None and N.names(body) and all(len(N.names(p)) == 1 for p in params):
        return Pattern(name, tuple(params), body, at)
    return None


def patterns_before(env, at: int) -> dict[str, list[Pattern]]:
    """The pattern definitions given before ``at``, by name."""
    out: dict[str, list[Pattern]] = {}
    for p in env.patterns:
        if p.at < at:
            out.setdefault(p.name, []).append(p)
    return out


def put(node: N.Node, bound: dict[str, N.Node]) -> N.Node:
    """The formula with values put in for names (in indices too); ``p_i`` with i
    given is entry i of p."""
    for n in list(N.walk(node)):
        if isinstance(n, N.Sym) and n.name in bound:
            node = N.substitute(node, n, bound[n.name])
        elif isinstance(n, N.Sym) and isinstance(n.sub, N.Sym) and n.sub.name in bound:
            base = N.Sym(n.start, n.end, n.base, n.base)
            node = N.substitute(node, n, N.Index(n.start, n.end, base, (bound[n.sub.name],)))
        elif isinstance(n, N.Index) and any(set(N.names(i)) & set(bound) for i in n.indices):
            node = N.substitute(node, n, N.Index(n.start, n.end, n.base, tuple(put(i, bound) for i in n.indices)))
    return node


def number(k: int) -> N.Num:
    return N.Num(0, 0, parse_decimal(str(k)))


def expand(label: N.Node, env, at: int):
    """The label with every call of a pattern function replaced by the matching
    body, and (pattern, unknown, value) when the label itself is such a call."""
    patterns = patterns_before(env, at)
    ref, solved = label, None
    for n in list(N.walk(label)):
        if isinstance(n, N.Call) and n.name in patterns and env.function(n.name, at) is None:
            applied = apply_pattern(n, patterns[n.name], env, at)
            if applied is None:
                raise EvalError(f"no definition of {n.name} fits {N.pretty(n)}")
            ref = N.substitute(ref, n, applied[0])
            solved = applied[1] if n is label else solved
    return ref, solved


def apply_pattern(call: N.Call, patterns: list[Pattern], env, at: int, other: int | None = None):
    """The body of the latest definition whose parameters match the arguments,
    with (pattern, unknown, value); ``other`` gives the unknown another value."""
    for pat in reversed(patterns):
        if len(pat.params) != len(call.args):
            continue
        bound, solved = {}, None
        for p, a in zip(pat.params, call.args):
            if isinstance(p, N.Sym):
                bound[p.name] = a
                continue
            found = _solve(p, _value(a, env, at))
            if found is None:
                break
            solved = (pat, *found)
            bound[found[0]] = number(found[1] if other is None else other)
        else:
            return put(pat.body, bound), solved
    return None


def _value(node: N.Node, env, at: int):
    """The exact rational value of an argument, else None."""
    try:
        value, _ = evaluate(node, env, at)
    except EvalError:
        return None
    x = value.entry(0, 0) if value.scalar else None
    return x if x is not None and x.is_Rational else None


def _solve(pattern: N.Node, v) -> tuple[str, int] | None:
    """``a u + b = v`` for a whole u in [0, MAX_INDEX]: (u, its value)."""
    if v is None:
        return None
    u = N.names(pattern)[0]
    try:
        f0, f1, f2 = (evaluate_exact(pattern, {u: EXACT.scalar(sp.Integer(t))}).entry(0, 0) for t in (0, 1, 2))
    except EvalError:
        return None
    if not (f0.is_Rational and f1.is_Rational and f2.is_Rational) or f1 == f0 or f2 - f1 != f1 - f0:
        return None
    k = (v - f0) / (f1 - f0)
    return (u, int(k)) if k.is_Integer and 0 <= k <= MAX_INDEX else None
