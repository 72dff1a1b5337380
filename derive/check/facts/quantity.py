r"""Numbers as people write them about models: 124M, 1.5 billion, 50,257, 2k, 8K.

A reading keeps the exact value (through integers, never a float) and the
*unit* of its last significant digit, which is how precisely it was written:

* ``124M`` is 124,000,000 to the million (unit 10^6); ``1.5B`` is good to 10^8;
  ``50,257`` and ``2048`` to 1;
* a trailing zero of a whole number is not significant, but a lone digit keeps
  one: ``110M`` has unit 10^7, ``100M`` also 10^7 and ``200B`` 10^10; after a
  word of approximation (``about 100M``) the lone digit stands alone (10^8);
* ``k``/``K`` multiplies by 1000, and ``Nk`` may also mean N x 1024 (``2k``
  context = 2048): the reading keeps that *binary* value beside.

``rounds_to(x, unit)`` is x rounded to a multiple of the unit, half away from zero.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

from derive.check.policy import POLICY

# 124M, 1.5B, 12k (the checker's plain-text suffixes) and the spelled-out words.
MULTIPLIERS = {**{s: 10 ** e for s, e in POLICY.number_suffixes}, "T": 10 ** 12, "bn": 10 ** 9,
               "thousand": 10 ** 3, "million": 10 ** 6, "billion": 10 ** 9, "trillion": 10 ** 12}

# One number: 50,257 | 1542 | 1.5 ; then an optional multiplier (1.5B, 1.5 B, 175-billion).
NUMBER = re.compile(
    r"(?<![\w.,])(?P<digits>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"(?:[ \t]?-?[ \t]?(?P<word>(?i:thousand|million|billion|trillion))"
    r"|[ \t]?(?P<suffix>bn|[kKMBT]))?"
    r"(?![\w%]|[.,]\d)")


@dataclass(frozen=True)
class Reading:
    """A number as written: its text, exact value, the unit of its last digit,
    its multiplier (1 for a bare number) and, for ``Nk``, the value N x 1024."""

    text: str
    value: int | Fraction
    unit: Fraction
    multiplier: int
    binary: int | None = None


def _exact(x: Fraction) -> int | Fraction:
    return int(x) if x.denominator == 1 else x


def read_number(match: re.Match, approximate: bool = False) -> Reading:
    """The reading of a ``NUMBER`` match (``approximate``: written after "about", "~")."""
    digits = match.group("digits").replace(",", "")
    tag = match.group("word") or match.group("suffix")
    multiplier = MULTIPLIERS[tag.lower() if match.group("word") else tag] if tag else 1
    whole, _, frac = digits.partition(".")
    mantissa = Fraction(int(whole + frac), 10 ** len(frac))
    if frac:
        unit = Fraction(multiplier, 10 ** len(frac))
    else:
        zeros = len(whole) - len(whole.rstrip("0")) if whole.strip("0") else 0
        if zeros and len(whole) - zeros == 1 and not approximate:
            zeros -= 1                                    # 100M: good to 10M, not to 100M
        unit = Fraction(multiplier * 10 ** zeros)
    binary = None
    if tag in ("k", "K") and mantissa.denominator == 1:
        binary = int(mantissa) * 1024
    return Reading(match.group(0), _exact(mantissa * multiplier), unit, multiplier, binary)


def parse_number(text: str, approximate: bool = False) -> Reading:
    """``'1.5B'`` -> Reading(value=1_500_000_000, unit=10**8, ...)."""
    match = NUMBER.fullmatch(text.strip())
    if not match:
        raise ValueError(f"not a number as written about models: {text!r}")
    return read_number(match, approximate)


def rounds_to(x: int | Fraction, unit: Fraction) -> Fraction:
    """x rounded to a multiple of ``unit``, a half away from zero (x >= 0 here)."""
    q = Fraction(x) / unit
    n = (q.numerator * 2 + q.denominator) // (2 * q.denominator)   # floor(q + 1/2)
    return n * unit


def show(x: int | Fraction) -> str:
    """An exact value for a message: 124439808 -> '124,439,808'."""
    if isinstance(x, Fraction) and x.denominator != 1:
        return str(float(x))
    return f"{int(x):,}"
