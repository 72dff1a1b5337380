r"""Symbolic proof: a difference simplifies to exactly 0, within a time budget.

A claim $\partial f / \partial v = g$ is proved when SymPy turns
$\partial f / \partial v - g$ into the number 0. A difference that is a rational
function over $\mathbb{Q}$ (explicit inverses, determinants, polynomials) is decided
first and exactly by polynomial arithmetic (``derive.proofs.rational``): 0, or
certainly not 0. Anything else goes through cheap rewritings first and SymPy's
general ``simplify`` last; each one either returns 0 (a proof) or something else
(no proof, which is *not* a disproof). The whole attempt runs under a wall-clock
budget; when it runs out the answer is "timed out" and no proof is claimed.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from math import gcd

import sympy as sp

from derive.budget import OutOfTime, time_limit
from derive.proofs.rational import Fractions, NotRational

PROVED, NOT_ZERO, TIMED_OUT = "proved", "not zero", "timed out"
RATIONAL = "rational function arithmetic"


def independent_exponentials(expr: sp.Expr) -> sp.Expr:
    r"""Each family $e^{c T}$ replaced by $E_T^{c/u}$, $E_T$ a fresh positive symbol.

    $u$ is the largest rational with every $c/u$ an integer, so $e^{2T}$ and
    $e^{T}$ stay related ($E^2$ and $E$). If the result is 0 as a rational
    function of the $E_T$, it is 0 for the exponentials too (sound, not
    complete: relations like $e^{a} e^{b} = e^{a+b}$ are forgotten).
    """
    bound = {v for s in expr.atoms(sp.Sum) for v in s.variables}
    families: dict[sp.Expr, list[tuple[sp.Rational, sp.Expr]]] = {}
    for atom in sorted(expr.atoms(sp.exp), key=sp.default_sort_key):
        if atom.free_symbols & bound:
            continue  # e^{z_j} under a sum over j is not one number
        c, T = atom.args[0].as_content_primitive()
        if T.could_extract_minus_sign():
            c, T = -c, -T
        families.setdefault(T, []).append((sp.Rational(c), atom))
    replace = {}
    for members in families.values():
        u = _rational_gcd([c for c, _ in members])
        E = sp.Dummy("E", positive=True)
        replace.update({atom: E ** (c / u) for c, atom in members})
    return expr.xreplace(replace)


def _rational_gcd(values: list[sp.Rational]) -> sp.Rational:
    """The largest u > 0 with every value / u an integer."""
    num, den = 0, 1
    for v in values:
        num = gcd(num, int(v.p))
        den = den * int(v.q) // gcd(den, int(v.q))
    return sp.Rational(num, den)


def _cancel_exponentials(d):
    return sp.cancel(independent_exponentials(d))


def _expand_trig(d):
    return sp.expand(sp.expand_trig(sp.expand(d)))


# Rewritings to try, cheapest first: (name, function).
STRATEGIES = (
    ("cancel", _cancel_exponentials),
    ("expand trigonometric sums", _expand_trig),
    ("simplify", sp.simplify),
)


def prepare(difference: sp.Expr, at: Mapping, where=None) -> sp.Expr:
    r"""Carry out sums ($\sum$ with Kronecker deltas), keep the branch ``where``
    holds (e.g. $1 \le i \le V$) and substitute ``at``."""
    d = difference.xreplace(dict(at))
    if d.has(sp.Sum):
        d = d.doit()
    if where is not None:
        d = sp.refine(sp.piecewise_fold(d), where)
    return d


def simplifies_to_zero(difference: sp.Expr, at: Mapping | None = None, where=None,
                       fractions: Fractions | None = None) -> str | None:
    """The name of the first rewriting that turns ``difference`` into 0, else None.

    A rational function is decided exactly (``fractions`` keeps the fractions of the
    subtrees it has met); anything else is rewritten. ``at`` is substituted before and
    after each rewriting: a constraint such as $\\sum_k y_k = 1$ may only become
    visible once ``simplify`` has factored it out.
    """
    at = dict(at or {})
    d = prepare(difference, at, where)
    if d == 0:
        return "no rewriting needed"
    try:
        # Exact and complete for rational functions: a nonzero numerator is a nonzero
        # difference, which no sound rewriting could bring to 0 either.
        return RATIONAL if (fractions or Fractions()).is_zero(d) else None
    except NotRational:
        pass
    for name, rewrite in STRATEGIES:
        try:
            result = rewrite(d)
        except (sp.PolynomialError, NotImplementedError):
            continue  # this rewriting does not apply; the next one may
        if result == 0 or (at and sp.expand(result.xreplace(at)) == 0):
            return name
    return None


def prove_zero(differences: list[sp.Expr], budget: float, at: Mapping | None = None,
               where=None) -> tuple[str, list[str]]:
    """(PROVED | NOT_ZERO | TIMED_OUT, the rewriting that worked for each difference)."""
    deadline = time.monotonic() + budget
    used: list[str] = []
    fractions = Fractions()          # shared: the differences of an identity share subtrees
    try:
        with time_limit(budget):
            for d in differences:
                if time.monotonic() > deadline:
                    raise OutOfTime
                name = simplifies_to_zero(d, at, where, fractions)
                if name is None:
                    return NOT_ZERO, used
                used.append(name)
    except OutOfTime:
        return TIMED_OUT, used
    return PROVED, used
