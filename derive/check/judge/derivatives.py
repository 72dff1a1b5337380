r"""A derivative the document names, computed from first principles through its own formulas.

Backpropagation by hand writes ``\partial L / \partial o = 2(t - o) = 0.4689``:
the arithmetic may be right while the formula for the derivative is not
(``-2(t - o)``). When the document gives L as a formula of names, and those
names as formulas down to values it gave, derive expands L into one tree
(``expanded``) and takes its derivative with respect to o numerically,
exactly enough to settle any printed digit:

    dL/do  ~  (L(o + h) - L(o - h)) / 2h,    h = 2^-40 max(1, |o|)

in Arb balls at 128 bits (the truncation error, h^2 L''' / 6, is some 1e-25; the
ball holds the rounding). Every member of the derivation (the written formula,
the printed value) that differs from it by more than ``POLICY.derivative_relative``
and two units of its last printed digit is one more wrong claim, "from first
principles". Nothing is claimed when the expansion is incomplete: a name on the
way that is printed but not computed by a formula, a formula that reaches
itself, or a derivative that does not depend on the variable.
"""

from __future__ import annotations

import re
from dataclasses import replace

import sympy as sp
from flint import arb, ctx

from derive.check.bind.env import Env
from derive.check.bind.resolve import Resolver, evaluate
from derive.check.claim import Claim, Verdict
from derive.check.evaluate.arbface import ARB
from derive.check.evaluate.values import EVAL_FAILURES, EXACT, Val
from derive.check.policy import POLICY
from derive.check.read import nodes as N
from derive.check.read.grids import grid_of
from derive.numbers import format_decimal, last_unit

DERIVATIVE = re.compile(r"^d([^/^]+)/d([^/]+)$")
BITS = 128
MAX_EXPANSION = 40          # names substituted by their formulas, at most
MAX_NODES = 4000            # the largest expanded tree evaluated


def first_principles(claims: list[Claim], env: Env) -> list[Claim]:
    """The claims, those about a derivative that the document's own formulas contradict made wrong."""
    out, memo = [], {}
    for c in claims:
        d = c.context.get("draft") if isinstance(c.context, dict) else None
        m = DERIVATIVE.match(d.label.name) if d is not None and d.what == "claim" and isinstance(d.label, N.Sym) \
            and c.verdict != Verdict.WRONG else None
        if m is not None:
            key = (m.groups(), d.origin)
            if key not in memo:
                memo[key] = _derivative(env, d.origin, *m.groups())
            if memo[key] is not None:
                c = _contradicted(c, d, env, memo[key]) or c
        out.append(c)
    return out


def _derivative(env: Env, at: int, of: str, wrt: str):
    """d(of)/d(wrt) at ``at`` as an arb, or None when the formulas do not reach."""
    try:
        tree = _expanded(env, at, N.Sym(0, 0, of, of), wrt, set())
        if tree is None or wrt not in N.names(tree):
            return None
        point = Resolver(env, at, EXACT, "exact")(wrt)
        if point is None or point.shape != (1, 1):
            return None
        v = point.entry(0, 0)
        # an irrational point (tanh of something) to 40 digits: the derivative there is as good
        x = v if v.is_Rational else sp.Rational(str(sp.N(v, 40)))
        h = sp.Rational(1, 2 ** 40) * max(1, abs(x))
        with ctx.workprec(BITS):
            hi, lo = _at(env, at, tree, wrt, x + h), _at(env, at, tree, wrt, x - h)
            return (hi - lo) / (2 * arb(h.p) / arb(h.q))
    except EVAL_FAILURES:
        return None
    except RecursionError:
        return None


def _at(env: Env, at: int, tree: N.Node, wrt: str, x) -> arb:
    value, _ = evaluate(tree, env, at, ARB, "exact", override={wrt: ARB.scalar(ARB.number(x))})
    if value.shape != (1, 1):
        raise ValueError("not a scalar")
    return value.entry(0, 0)


def _expanded(env: Env, at: int, node: N.Node, wrt: str, seen: set[str]) -> N.Node | None:
    """``node`` with every name but ``wrt`` replaced by its formula, down to values given."""
    for sym in [n for n in N.walk(node) if isinstance(n, N.Sym) and n.name != wrt]:
        if sym.name in POLICY.constants:
            continue
        formula = _formula(env, at, sym.name)
        if formula is None:
            if _computed_without_formula(env, at, sym.name):
                return None         # a result whose formula is not written: the chain is broken
            continue
        if sym.name in seen or len(seen) >= MAX_EXPANSION:
            return None
        inner = _expanded(env, at, formula, wrt, seen | {sym.name})
        if inner is None:
            return None
        node = N.substitute(node, sym, inner)
        if sum(1 for _ in N.walk(node)) > MAX_NODES:
            return None             # names used again and again: the expansion would explode
    return node


def _formula(env: Env, at: int, name: str) -> N.Node | None:
    cands = env.candidates(name, at)
    if cands and cands[0].formula is not None and not cands[0].composite:
        return cands[0].formula
    known = [f for f, where, _ in env.formulas.get(name, []) if where <= at]
    return known[-1] if known else None


def _computed_without_formula(env: Env, at: int, name: str) -> bool:
    cands = env.candidates(name, at)
    return bool(cands) and cands[0].origin == "derived"


def _contradicted(c: Claim, d, env: Env, true: arb) -> Claim | None:
    """The claim, wrong, when its member differs from the true derivative beyond rounding."""
    grid = grid_of(d.part)
    try:
        if grid is not None:
            if len(grid) * len(grid[0]) != 1:
                return None
            p = grid[0][0]
            value, unit = p.value, sp.Rational(last_unit(p.decimals))
        else:
            v, _ = evaluate(d.part, env, d.at, EXACT, "printed")
            if v.shape != (1, 1):
                return None
            value, unit = v.entry(0, 0), sp.Integer(0)
        with ctx.workprec(BITS):
            gap = abs(ARB.number(value) - true)
            tolerance = max(arb(POLICY.derivative_relative) * abs(true), 2 * ARB.number(unit))
            if not gap > tolerance:
                return None
    except EVAL_FAILURES:
        return None
    except (TypeError, ValueError):
        return None
    mid = sp.Rational(true.mid().str(30, radius=False))
    expected = format_decimal(mid, grid[0][0].decimals) if grid is not None else true.mid().str(5, radius=False)
    of, wrt = DERIVATIVE.match(d.label.name).groups()
    context = {**c.context, "true": Val(sp.ImmutableMatrix([[mid]]), True)}
    return replace(c, verdict=Verdict.WRONG, basis=None, expected=expected, wrong_entries=[], diagnosis=None,
                   context=context, message=f"from first principles: the derivative of {of} with respect to {wrt}, through the "
                           f"document's own formulas, is {expected}, not {c.printed}",
                   note="first-principles")
