"""Exact values to certified digits, with Arb ball arithmetic.

An exact SymPy value is never turned into a float. To get its digits we walk
its expression tree with python-flint's ``arb`` balls: each ball is a midpoint
and a radius that provably encloses the true value. A decision (a sign, the
last digit of a rounding) is taken only when the whole ball lies on one side;
otherwise the walk is repeated at twice the precision, up to ``MAX_PREC`` bits.

Walking memoises every sub-expression, so shared intermediates (the mean and
variance of a layer-norm row, a softmax denominator) are evaluated once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from fractions import Fraction
from typing import TypeVar

import sympy as sp
from flint import arb, ctx, fmpq

from derive.errors import UndecidableError

START_PREC = 96
MAX_PREC = 16384

T = TypeVar("T")


class Undecided(Exception):
    """Raised inside a walk when a ball is too wide to take a decision."""


def rational_ball(q: sp.Rational) -> arb:
    """The ball around an exact rational, at the current precision."""
    return arb(fmpq(int(q.p), int(q.q)))


def ball(expr: sp.Expr, env: Mapping[sp.Symbol, arb] | None = None,
         memo: dict | None = None) -> arb:
    """A ball enclosing ``expr``; ``env`` gives balls for its free symbols."""
    memo = {} if memo is None else memo
    env = env or {}
    if expr in memo:
        return memo[expr]
    result = _walk(expr, env, memo)
    memo[expr] = result
    return result


def _walk(expr, env, memo) -> arb:
    """One node of the walk: the arithmetic of ``expr``'s head on its args' balls."""
    if expr.is_Rational:
        return rational_ball(expr)
    if expr.is_Float:  # floats have no place in exact values; convert exactly
        return rational_ball(sp.Rational(expr))
    if expr.is_Symbol:
        if expr not in env:
            raise KeyError(f"no value bound to {expr}")
        return env[expr]
    if expr is sp.pi:
        return arb.pi()
    if expr is sp.E:
        return arb(1).exp()
    args = [ball(a, env, memo) for a in expr.args]
    if hasattr(expr, "_arb"):  # derive's own functions (ReLU) bring their rule
        return expr._arb(*args)
    if expr.is_Add:
        return _fold(args, lambda a, b: a + b)
    if expr.is_Mul:
        return _fold(args, lambda a, b: a * b)
    if expr.is_Pow:
        return _power(expr, args[0])
    rule = _FUNCTIONS.get(type(expr))
    if rule is None:
        raise TypeError(f"cannot evaluate {type(expr).__name__}: {expr}")
    return rule(*args)


def _fold(args, op):
    total = args[0]
    for a in args[1:]:
        total = op(total, a)
    return total


def _power(expr: sp.Pow, base: arb) -> arb:
    """base ** e: integers exactly, 1/2 as sqrt, anything else as exp(e log base)."""
    e = expr.exp
    if e.is_Integer:
        # by multiplication: flint's arb ** int is nan for a ball touching 0
        power = _integer_power(base, abs(int(e)))
        return power if e > 0 else 1 / power
    if e == sp.S.Half:
        return base.sqrt()
    if e == -sp.S.Half:
        return 1 / base.sqrt()
    if e.is_Rational:
        return base ** fmpq(int(e.p), int(e.q))
    return (ball(e) * base.log()).exp()


def _integer_power(base: arb, k: int) -> arb:
    """base ** k for k >= 0, by repeated squaring."""
    result, square = arb(1), base
    while k:
        if k & 1:
            result *= square
        square *= square
        k >>= 1
    return result


def _max(*balls: arb) -> arb:
    """max of balls, only when one of them is certainly the largest."""
    for candidate in balls:
        if all(candidate is other or _certainly_ge(candidate, other) for other in balls):
            return candidate
    raise Undecided("max is too close to call")


def _min(*balls: arb) -> arb:
    return -_max(*[-b for b in balls])


def _heaviside(x: arb, *_half_maximum) -> arb:
    """H(x): 1 or 0 once the side of zero is certain (undefined at 0)."""
    if x > 0:
        return arb(1)
    if x < 0:
        return arb(0)
    raise Undecided("Heaviside argument too close to zero")


def as_ball(x) -> arb:
    """A ball from an exact rational (``fmpq``, int) or a ball already."""
    return x if isinstance(x, arb) else arb(x)


def square_ball(x: arb) -> arb:
    """x^2 over a ball: [min x^2, max x^2], never below 0 (x * x of a ball holding 0 is)."""
    if x > 0 or x < 0:
        return x * x
    top = abs(x.lower()).upper().max(abs(x.upper()).upper())
    return arb.union(arb(0), top * top)


def _sign(x: arb) -> arb:
    """sign(x): 1, -1, or 0 for an exact zero; undecided for a ball around 0."""
    if x > 0:
        return arb(1)
    if x < 0:
        return arb(-1)
    if x.is_exact() and x.is_zero():
        return arb(0)
    raise Undecided("sign argument too close to zero")


def _certainly_ge(a: arb, b: arb) -> bool:
    diff = a - b
    return bool(diff >= 0) or (diff.is_exact() and diff.is_zero())


_FUNCTIONS: dict[type, Callable[..., arb]] = {
    sp.exp: lambda a: a.exp(),
    sp.log: lambda a: a.log(),
    sp.sin: lambda a: a.sin(),
    sp.cos: lambda a: a.cos(),
    sp.tan: lambda a: a.tan(),
    sp.tanh: lambda a: a.tanh(),
    sp.erf: lambda a: a.erf(),
    sp.Abs: lambda a: abs(a),
    sp.Max: _max,
    sp.Min: _min,
    sp.Heaviside: _heaviside,
    sp.sign: _sign,
}


MAX_EXPONENT_BITS = 1 << 16     # a ball beyond 2^65536 (or below 2^-65536) is no number a document prints


def bounds(b: arb) -> tuple[Fraction, Fraction]:
    """The exact rational interval [mid - rad, mid + rad] of a finite ball."""
    if not b.is_finite():
        raise Undecided("the ball is not finite")
    man, exp = b.mid().man_exp()
    rman, rexp = b.rad().man_exp()
    if max(abs(int(exp)), abs(int(rexp))) > MAX_EXPONENT_BITS:
        raise Undecided("the value is too large or too small")
    mid = Fraction(int(man)) * Fraction(2) ** int(exp)
    rad = Fraction(int(rman)) * Fraction(2) ** int(rexp)
    return mid - rad, mid + rad


def describe(expr) -> str:
    """A short text of an expression for error messages."""
    try:
        text = str(expr)
    except ValueError:  # integers too long to print
        return "a value"
    return text if len(text) <= 60 else text[:57] + "..."


def certainly(evaluate_at: Callable[[], T], what: Callable[[], str] | str,
              start: int = START_PREC) -> T:
    """Run ``evaluate_at`` at rising precision (from ``start`` bits) until it
    stops being Undecided.

    ``evaluate_at`` reads the precision from the flint context, so the same
    closure serves every attempt.
    """
    prec = start
    while prec <= MAX_PREC:
        with ctx.workprec(prec):
            try:
                return evaluate_at()
            except Undecided:
                prec *= 2
    what = what() if callable(what) else what
    raise UndecidableError(f"cannot decide {what} with certainty at {MAX_PREC} bits")


def sign(expr: sp.Expr) -> int:
    """The sign of an exact value (-1, 0 or 1), decided with certainty.

    An exact zero is 0. A value whose ball still straddles zero at the highest
    precision is tested for being zero symbolically; failing that, it raises.
    """
    if expr.is_Rational:
        return int(bool(expr > 0)) - int(bool(expr < 0))

    def decide():
        lo, hi = bounds(ball(expr))
        if lo > 0:
            return 1
        if hi < 0:
            return -1
        raise Undecided

    try:
        return certainly(decide, lambda: f"the sign of {describe(expr)}")
    except UndecidableError:
        if sp.simplify(expr) == 0:
            return 0
        raise


def enclosure(expr: sp.Expr, check: Callable[[Fraction, Fraction], T], what: Callable[[], str] | str,
              env_at: Callable[[], Mapping] | None = None) -> T:
    """``check(lo, hi)`` on ever tighter exact bounds of ``expr`` until it decides.

    ``check`` raises Undecided while [lo, hi] is too wide. ``env_at`` rebuilds
    the balls of the free symbols at the current precision (a chain of steps).
    """
    def attempt():
        env = env_at() if env_at else None
        return check(*bounds(ball(expr, env)))

    return certainly(attempt, what)
