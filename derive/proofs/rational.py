r"""Exact arithmetic on rational functions: is an expression identically 0?

An expression built from symbols and rational numbers by $+$, $\times$ and integer
powers is a rational function $p / q$ with $p, q \in \mathbb{Q}[x_1, \dots, x_n]$. It
is 0 (wherever it is defined) exactly when $p = 0$. An explicit inverse is
$\mathrm{adj}(X) / \det X$ and its derivatives are fractions over powers of $\det X$:
at $4 \times 4$, FLINT's sparse polynomials (``fmpq_mpoly``) decide
$\partial_X \mathrm{tr}(X^{-1} A) = -(X^{-1} A X^{-1})^T$ in about 0.2 s, where SymPy's
``cancel`` on the same trees did not finish in 30 s.

Anything else ($e^x$, $\log$, $\sqrt{2}$, a float, $\pi$, an undefined function) is
not a rational function over $\mathbb{Q}$: ``NotRational`` is raised and the caller
falls back to SymPy's rewritings.
"""

from __future__ import annotations

import sympy as sp
from flint import fmpq, fmpq_mpoly, fmpq_mpoly_ctx

Fraction = tuple[fmpq_mpoly, fmpq_mpoly]      # (numerator, denominator), denominator != 0
VARIABLES = (sp.Symbol, sp.Indexed)            # the letters of the polynomials (Dummy is a Symbol)
REARRANGED = (sp.Add, sp.Mul, sp.Pow, sp.Function)   # nodes denominators_outside looks inside


class NotRational(Exception):
    """The expression is not a rational function of its symbols over Q."""


class Fractions:
    """Rational functions over Q: one polynomial ring per set of letters, and the
    fraction of every subtree met so far (the differences of one identity share most of
    theirs: det X, adj X, the entries of A X B)."""

    def __init__(self):
        self._rings: dict[frozenset, tuple[fmpq_mpoly_ctx, dict, dict]] = {}   # letters -> (ring, gens, memo)

    def is_zero(self, expr: sp.Expr) -> bool:
        r"""Is ``expr`` identically 0 as a rational function: $p / q$ with $p = 0$?

        Raises ``NotRational`` when ``expr`` is not built from letters and rationals by
        $+$, $\times$ and integer powers (or divides by a denominator that is 0)."""
        letters = rational_letters(expr)
        if not letters:
            return expr == 0
        ring, gens, memo = self._ring(letters)
        numerator, _ = as_fraction(expr, ring, gens, memo)
        return numerator.is_zero()

    def _ring(self, letters: set) -> tuple[fmpq_mpoly_ctx, dict, dict]:
        key = frozenset(letters)
        if key not in self._rings:
            ordered = sorted(letters, key=sp.default_sort_key)
            ring = fmpq_mpoly_ctx.get([f"x{k}" for k in range(len(ordered))], "degrevlex")
            self._rings[key] = (ring, dict(zip(ordered, ring.gens())), {})
        return self._rings[key]


def is_zero_rational(expr: sp.Expr) -> bool:
    """``Fractions().is_zero(expr)``: one expression, nothing kept."""
    return Fractions().is_zero(expr)


def rational_letters(expr: sp.Expr) -> set:
    """The letters (symbols, indexed symbols) of an expression made of letters, rational
    numbers, sums, products and integer powers only; else ``NotRational``. Each distinct
    subtree is looked at once (explicit inverses share many)."""
    seen, letters = set(), set()
    stack = [expr]
    while stack:
        e = stack.pop()
        if e in seen:
            continue
        seen.add(e)
        if isinstance(e, VARIABLES):
            letters.add(e)
        elif isinstance(e, sp.Pow) and e.exp.is_Integer:
            stack.append(e.base)
        elif isinstance(e, (sp.Add, sp.Mul)):
            stack.extend(e.args)
        elif not isinstance(e, sp.Rational):
            raise NotRational
    return letters


def as_fraction(expr: sp.Expr, ring: fmpq_mpoly_ctx, gens: dict, memo: dict) -> Fraction:
    r"""$(p, q)$ with ``expr`` $= p / q$ in ``ring``, by the rules of fractions
    (``memo``: subtree -> fraction)."""
    if expr in memo:
        return memo[expr]
    if isinstance(expr, VARIABLES):
        result = (gens[expr], ring.constant(1))
    elif isinstance(expr, sp.Rational):
        result = (ring.constant(fmpq(int(expr.p), int(expr.q))), ring.constant(1))
    elif isinstance(expr, sp.Add):
        result = _sum([as_fraction(a, ring, gens, memo) for a in expr.args])
    elif isinstance(expr, sp.Mul):
        result = _product([as_fraction(a, ring, gens, memo) for a in expr.args])
    elif isinstance(expr, sp.Pow) and expr.exp.is_Integer:
        result = _power(as_fraction(expr.base, ring, gens, memo), int(expr.exp))
    else:
        raise NotRational
    memo[expr] = result
    return result


def _sum(terms: list[Fraction]) -> Fraction:
    r"""$\sum_k p_k / q_k$ over $\mathrm{lcm}$ of the $q_k$: terms over one denominator
    (the common case, $\det X$ or its powers) are added before any gcd is taken."""
    groups: list[Fraction] = []
    for p, q in terms:
        for k, (P, Q) in enumerate(groups):
            if Q == q:
                groups[k] = (P + p, Q)
                break
        else:
            groups.append((p, q))
    total = groups[0]
    for p, q in groups[1:]:
        P, Q = total
        g = Q.gcd(q)
        total = (P * (q / g) + p * (Q / g), Q / g * q)
    return total


def _product(factors: list[Fraction]) -> Fraction:
    r"""$\prod_k p_k / q_k = (\prod_k p_k) / (\prod_k q_k)$."""
    p, q = factors[0]
    for a, b in factors[1:]:
        p, q = p * a, q * b
    return p, q


def _power(base: Fraction, n: int) -> Fraction:
    r"""$(p / q)^n$; for $n < 0$ it is $(q / p)^{-n}$, and $p$ must not be 0."""
    p, q = base
    if n < 0:
        if p.is_zero():
            raise NotRational       # 1 / 0: not a function at all
        p, q, n = q, p, -n
    return p**n, q**n


def denominators_outside(expr):
    r"""``expr`` (or each entry of a matrix) with the powers $q^{-k}$ that every term of a
    sum shares taken out of it: $\sum_t a_t q^{-k_t} = q^{-k} \sum_t a_t q^{k - k_t}$,
    $k = \min_t k_t$.

    A product of explicit inverses $\mathrm{adj}(X) / \det X$ writes $\det X$ once per
    term; taken out, it is written once per entry, so the tree (and every walk over it:
    differentiating, finding symbols, evaluating) is several times smaller. The value is
    the same expression, rearranged."""
    memo: dict = {}

    def rebuild(e):
        if e not in memo:
            inside = isinstance(e, REARRANGED) and e.args
            memo[e] = _shared_powers_out(e.func(*map(rebuild, e.args))) if inside else e
        return memo[e]
    if isinstance(expr, sp.MatrixBase):
        return expr.applyfunc(rebuild)         # one memo: the entries share det X and adj X
    return rebuild(expr) if isinstance(expr, sp.Expr) else expr


def _shared_powers_out(e: sp.Expr) -> sp.Expr:
    r"""A sum $\sum_t a_t q^{-k_t}$ as $q^{-k} \sum_t a_t q^{k - k_t}$, $k = \min_t k_t$, for
    every $q$ that each term divides by; anything else unchanged."""
    if not isinstance(e, sp.Add):
        return e
    shared = dict(_denominator_powers(e.args[0]))
    for term in e.args[1:]:
        if not shared:
            break
        powers = dict(_denominator_powers(term))
        shared = {q: min(k, powers[q]) for q, k in shared.items() if q in powers}
    if not shared:
        return e
    outside = sp.Mul(*[q**-k for q, k in shared.items()])
    return outside * sp.Add(*[term / outside for term in e.args])


def _denominator_powers(term: sp.Expr) -> list[tuple[sp.Expr, int]]:
    """(q, k) for each factor q^{-k} of a term, k a positive integer and q not a number."""
    return [(f.base, int(-f.exp)) for f in sp.Mul.make_args(term)
            if isinstance(f, sp.Pow) and f.exp.is_Integer and f.exp < 0 and not f.base.is_Number]
