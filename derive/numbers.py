"""Decimal text <-> exact values, rounding, and the comparison of a printed
number with the exact value it claims.

Rules (one for each question, used everywhere):

* Decimal text becomes an exact ``Rational`` through integers, never a float,
  and keeps how many decimals were printed: that is the claim's precision.
  ``1.5e-03`` has 4 decimals, ``1.`` has 0, ``1.5e+03`` has -2 (hundreds).
* Rounding is to the nearest multiple of ``10**-decimals``; a value exactly
  halfway is rounded **away from zero** (0.125 -> 0.13, -0.125 -> -0.13).
* There is no negative zero: -0.00001 at 4 decimals prints ``0.0000``.
* Truncation drops digits **toward zero** (0.129 -> 0.12, -0.129 -> -0.12).
* A printed value is ``exact`` when it equals the value, ``rounded`` when it is
  the value rounded by the rule above, ``truncated`` when it is the value
  truncated, and ``wrong`` otherwise. At an exact halfway tie both neighbours
  are ``rounded`` (0.099999245 -> 0.09999924 is how Python and NumPy round,
  half to even), and neither is evidence of rounding up.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from fractions import Fraction

import sympy as sp

from derive.errors import NumberFormatError, UndecidableError
from flint import arb, ctx, fmpq

from derive.evaluate import START_PREC, Undecided, ball, describe, enclosure

_DECIMAL = re.compile(r"([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?")


@dataclass(frozen=True)
class Printed:
    """A number as a document printed it: its text, exact value, and decimals."""

    text: str
    value: sp.Rational
    decimals: int


def parse_decimal(text: str) -> Printed:
    """``'-1.5e-03'`` -> Printed(value=-3/2000, decimals=4), through integers only."""
    match = _DECIMAL.fullmatch(text.strip())
    if not match or not (match.group(2) or match.group(3)):
        raise NumberFormatError(f"not a decimal number: {text!r}")
    sign, whole, frac, exp = match.groups()
    frac = frac or ""
    exponent = int(exp or 0)
    if abs(exponent) > 400:
        raise NumberFormatError(f"exponent out of range: {text!r}")
    mantissa = int((whole or "0") + frac) * (-1 if sign == "-" else 1)
    value = sp.Rational(mantissa, 10 ** len(frac)) * sp.Rational(10) ** exponent
    return Printed(text.strip(), value, len(frac) - exponent)


def last_unit(decimals: int) -> Fraction:
    """One unit in the last printed place, ``10**-decimals``, exactly (also for
    numbers good only to the thousand or the million: ``124M`` has decimals -6);
    0 past 300 decimals, where no unit can be told from nought."""
    if decimals >= 300:
        return Fraction(0)
    return Fraction(1, 10 ** decimals) if decimals >= 0 else Fraction(10 ** -decimals)


def _on_grid(x: Fraction, decimals: int, mode: str) -> int:
    """The integer k with k * 10**-decimals = x rounded ('round') or truncated."""
    scaled = abs(x) * Fraction(10) ** decimals
    k = math.floor(scaled + Fraction(1, 2)) if mode == "round" else math.floor(scaled)
    return -k if x < 0 else k


def grid_value(value: sp.Expr, decimals: int, mode: str = "round", env_at=None) -> int:
    """The exact value rounded or truncated to ``decimals``, as an integer count
    of ``10**-decimals``; decided with certainty (see ``derive.evaluate``).

    ``env_at`` binds the free symbols of a chained value (``derive.derivation``)."""
    if value.is_Rational:
        return _on_grid(Fraction(int(value.p), int(value.q)), decimals, mode)

    def check(lo: Fraction, hi: Fraction) -> int:
        low, high = _on_grid(lo, decimals, mode), _on_grid(hi, decimals, mode)
        if low != high:
            raise Undecided
        return low

    try:
        return enclosure(value, check, lambda: f"{describe(value)} to {decimals} decimals", env_at)
    except UndecidableError:
        if _negligible(value, decimals, mode, env_at):
            return 0
        # Only an exact halfway value can defeat every precision: if the value
        # is a rational in disguise, round that rational exactly.
        simpler = sp.simplify(value) if env_at is None and _small(value) else value
        if simpler.is_Rational:
            return _on_grid(Fraction(int(simpler.p), int(simpler.q)), decimals, mode)
        raise


def _negligible(value: sp.Expr, decimals: int, mode: str, env_at) -> bool:
    """Is the value certainly less than the grid's first step from 0 (half a unit
    when rounding)? Exact bounds refuse a value below 2^-65536 (e^{-2222222}):
    undecided at every precision, yet certainly 0 on the grid."""
    step = last_unit(decimals) / (2 if mode == "round" else 1)
    if step == 0:
        return False
    with ctx.workprec(START_PREC):
        try:
            size = abs(ball(value, env_at() if env_at else None))
        except Undecided:   # an earlier step of the chain is undecided (an argmax of a tie)
            return False
    return bool(size < arb(fmpq(step.numerator, step.denominator)))


def _small(expr: sp.Expr, limit: int = 40, digits: int = 30, exponent: int = 1000) -> bool:
    """Has the expression at most ``limit`` nodes, no number longer than ``digits``
    digits and no exponential of a number beyond ``exponent``? simplify is tried on
    those only: on anything larger it may run for hours (its nsimplify writes
    exp(2222222) out digit by digit)."""
    for count, node in enumerate(sp.preorder_traversal(expr), start=1):
        if count > limit or node.is_Rational and max(len(str(node.p)), len(str(node.q))) > digits:
            return False
        if isinstance(node, sp.exp) and node.args[0].is_Number and abs(node.args[0]) > exponent:
            return False
    return True


def grid_text(k: int, decimals: int) -> str:
    """``k * 10**-decimals`` as text with exactly ``decimals`` places."""
    if decimals <= 0:
        return str(k * 10 ** -decimals)
    digits = str(abs(k)).rjust(decimals + 1, "0")
    sign = "-" if k < 0 else ""
    return f"{sign}{digits[:-decimals]}.{digits[-decimals:]}"


def format_decimal(value: sp.Expr, decimals: int, mode: str = "round", env_at=None) -> str:
    """An exact value as text at ``decimals`` places, correctly rounded (or
    truncated) and certain. ``format_decimal(sin(1), 4) == '0.8415'``."""
    return grid_text(grid_value(value, decimals, mode, env_at), decimals)


def magnitude(value: sp.Expr, env_at=None) -> int | None:
    """floor(log10 |value|), or None for an exact zero (certain up to a
    one-off at exact powers of ten, which ``format_significant`` absorbs)."""
    if value.is_Rational and value == 0:     # never SymPy's is_zero: it evaluates deep trees
        return None

    def check(lo: Fraction, hi: Fraction) -> int | None:
        if lo == hi == 0:  # an exact zero reached through a chain
            return None
        if lo <= 0 <= hi:
            raise Undecided
        return floor_log10(min(abs(lo), abs(hi)))

    return enclosure(value, check, lambda: f"the magnitude of {describe(value)}", env_at)


def floor_log10(x: Fraction) -> int:
    """floor(log10 x) for an exact x > 0, by integer arithmetic."""
    e = len(str(x.numerator)) - len(str(x.denominator))
    while x < Fraction(10) ** e:
        e -= 1
    while x >= Fraction(10) ** (e + 1):
        e += 1
    return e


def format_significant(value: sp.Expr, digits: int, env_at=None) -> str:
    """An exact value rounded to ``digits`` significant digits, as plain decimal text.

    A value that may be exactly zero but cannot be shown to be (a zero reached
    through a chain of intermediates) is given at ``2 * digits`` decimals
    instead, all of them certified zeros.
    """
    try:
        exponent = magnitude(value, env_at)
    except UndecidableError:
        return format_decimal(value, 2 * digits, env_at=env_at)
    if exponent is None:
        return "0"
    decimals = digits - 1 - exponent
    k = grid_value(value, decimals, "round", env_at)
    if len(str(abs(k))) > digits:  # rounded up to the next power of ten
        decimals -= 1
        k = grid_value(value, decimals, "round", env_at)
    return grid_text(k, decimals)


def decimal_text(value: sp.Rational) -> str:
    """The shortest decimal text that is exactly ``value`` (1/8 -> '0.125').

    Only for values with a terminating decimal expansion (inputs read from text).
    """
    q = int(value.q)
    for decimals in range(0, 400):
        if (10 ** decimals) % q == 0:
            return grid_text(int(value.p) * (10 ** decimals // q), decimals)
    raise NumberFormatError(f"{value} has no finite decimal expansion")


@dataclass(frozen=True)
class Comparison:
    """The verdict on one printed number against its exact value."""

    verdict: str          # exact | rounded | truncated | wrong
    printed: Printed
    expected: str         # the exact value at the printed number of decimals
    difference: str       # printed - exact, to 3 significant digits
    rounded_up: bool = False   # rounded, and cutting toward zero would print another number

    def _repr_markdown_(self) -> str:
        """How a notebook shows it: the printed number, the verdict, the exact value."""
        return f"`{self.printed.text}` is **{self.verdict}**: the exact value is `{self.expected}` at its decimals"


VERDICTS = ("exact", "rounded", "truncated", "wrong")


def compare(printed: str | Printed, value: sp.Expr, env_at=None) -> Comparison:
    """Judge ``printed`` against the exact ``value`` at the printed decimals."""
    claim = parse_decimal(printed) if isinstance(printed, str) else printed
    if value in (sp.oo, -sp.oo):   # a causal mask's -oo: no decimal is it, and Arb has no ball for it
        sign = "-" if value is sp.S.NegativeInfinity else ""
        return Comparison("wrong", claim, f"{sign}inf", "inf" if sign else "-inf")
    rounded = grid_value(value, claim.decimals, "round", env_at)
    claimed = _on_grid(Fraction(int(claim.value.p), int(claim.value.q)), claim.decimals, "round")
    if value.is_Rational and claim.value == value:
        verdict = "exact"
    elif claimed == rounded:
        verdict = "rounded"
    elif claimed == grid_value(value, claim.decimals, "truncate", env_at):
        verdict = "rounded" if _tie(value, claim.decimals) else "truncated"
    else:
        verdict = "wrong"
    difference = format_significant(claim.value - value, 3, env_at)
    up = verdict == "rounded" and not (value.is_Rational and claim.value == value) and claimed == rounded \
        and not _tie(value, claim.decimals) and rounded != grid_value(value, claim.decimals, "truncate", env_at)
    shown = grid_text(rounded, claim.decimals)
    if rounded == 0 and claimed != 0 and value != 0:     # 8192 printed as 8M, 32 for 3e-5: not "expected 0"
        shown = str(value) if value.is_Integer else format_significant(value, 3, env_at)
    return Comparison(verdict, claim, shown, difference, up)


def _tie(value: sp.Expr, decimals: int) -> bool:
    """Is the value exactly halfway between two numbers of ``decimals`` decimals?"""
    if not value.is_Rational:
        return False
    twice = abs(Fraction(int(value.p), int(value.q))) * Fraction(10) ** decimals * 2
    return twice.denominator == 1 and twice.numerator % 2 == 1


def significant_digits(text: str) -> int:
    """Significant digits of a decimal as written: ``0.4493`` -> 4, ``12.50`` -> 4, ``0.0002`` -> 1."""
    digits = "".join(c for c in text.lower().split("e")[0] if c.isdigit()).lstrip("0")
    return len(digits)
