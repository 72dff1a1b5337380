"""The shape of a spec, checked before anything is computed: types, sizes, limits.

Each reader takes a raw TOML value and where it stands (``Where``: the file,
the step, the key) and returns a clean value, or raises a one-line SpecError
naming all three: ``tiny.toml: step 'Y': printed: row 2 has 3 entries, row 1 has 2``.
Every limit is one of ``derive.limits``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import sympy as sp

from derive import limits
from derive.errors import DeriveError, SpecError
from derive.numbers import Printed, parse_decimal

TOP_KEYS = ("name", "title", "source", "extends", "labels", "tables", "inputs", "random", "steps")
STEP_KEYS = ("name", "stage", "formula", "operands", "label", "title", "printed", "note",
             "variant_of", "use_printed")


class FloatText(str):
    """The text of a TOML float, kept as text so that no float is ever made."""


@dataclass(frozen=True)
class Where:
    """Where a value stands in a spec, for the one line that reports it."""

    path: str
    step: str | None = None
    key: str = ""

    def at(self, key: str) -> Where:
        """One level down: ``inputs`` -> ``inputs.W_Q``."""
        return replace(self, key=f"{self.key}.{key}" if self.key else key)

    def error(self, message: str) -> SpecError:
        return SpecError(self.path, self.step, f"{self.key}: {message}" if self.key else message)


def shown(value) -> str:
    """A raw value in a message, cut short: a message is one line."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def table(value, where: Where) -> dict:
    """A TOML table (``[inputs]``, ``[labels]`` ...)."""
    if not isinstance(value, dict):
        raise where.error(f"must be a table of named entries, got {shown(value)}")
    return value


def text(value, where: Where) -> str:
    """A string of at most ``limits.TEXT_CHARS`` characters."""
    if not isinstance(value, str):
        raise where.error(f"must be a string, got {shown(value)}")
    if len(value) > limits.TEXT_CHARS:
        raise where.error(f"longer than {limits.TEXT_CHARS} characters")
    return value


def identifier(value, where: Where) -> str:
    """A name a formula can use: letters, digits and _, not starting with a digit."""
    if not isinstance(value, str) or not value.isidentifier() or len(value) > limits.TEXT_CHARS:
        raise where.error(f"must be a name (letters, digits, _), got {shown(value)}")
    return value


def boolean(value, where: Where) -> bool:
    if not isinstance(value, bool):
        raise where.error(f"must be true or false, got {shown(value)}")
    return value


def texts(value, where: Where, each: Callable = text) -> tuple:
    """A non-empty list of strings (tokens, a vocabulary, operands)."""
    if not isinstance(value, list) or not value:
        raise where.error(f"must be a non-empty list, got {shown(value)}")
    if len(value) > limits.MATRIX_ENTRIES:
        raise where.error(f"more than {limits.MATRIX_ENTRIES} items")
    return tuple(each(v, where) for v in value)


def number(value, where: Where) -> Printed:
    """One number: TOML float text, an integer, or a decimal string; exact."""
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise where.error(f"not a number: {shown(value)}")
    raw = str(value)   # a TOML integer has at most 4300 digits: tomllib refuses longer
    if len(raw) > limits.NUMBER_CHARS:
        raise where.error(f"a number longer than {limits.NUMBER_CHARS} characters")
    try:
        return parse_decimal(raw)
    except DeriveError:
        raise where.error(f"not a number: {shown(value)}") from None


def whole(value, where: Where, low: int, high: int) -> int:
    """A whole number from ``low`` to ``high``."""
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise where.error(f"must be a whole number from {low} to {high}, got {shown(value)}")
    return value


def rows(value, where: Where) -> tuple[tuple[Printed, ...], ...]:
    """A matrix as rows of numbers: a list of rows, a flat list (one row), or a
    lone number (1 x 1); every row as long as the first."""
    if not isinstance(value, list):
        value = [value]
    if value and all(isinstance(r, list) for r in value):
        grid = value
    elif any(isinstance(r, list) for r in value):
        raise where.error("mixes numbers and rows: give a list of rows, or one row")
    else:
        grid = [value]
    if not grid or not grid[0]:
        raise where.error("an empty matrix")
    for i, r in enumerate(grid[1:], 2):
        if len(r) != len(grid[0]):
            raise where.error(f"rows of different lengths (row 1 has {len(grid[0])} entries, "
                              f"row {i} has {len(r)})")
    if len(grid) * len(grid[0]) > limits.MATRIX_ENTRIES:
        raise where.error(f"{len(grid)} x {len(grid[0])} entries, more than the limit "
                          f"of {limits.MATRIX_ENTRIES}")
    return tuple(tuple(number(x, where) for x in r) for r in grid)


def matrix(value, where: Where) -> sp.ImmutableMatrix:
    """An input matrix of exact rationals."""
    return sp.ImmutableMatrix([[x.value for x in r] for r in rows(value, where)])


def vector(value, where: Where) -> list[Printed]:
    """A token's vector in an embedding table: one row of numbers."""
    if not isinstance(value, list) or any(isinstance(x, list) for x in value):
        raise where.error(f"must be one row of numbers, got {shown(value)}")
    return list(rows(value, where)[0])


def known_keys(raw: dict, allowed, where: Where, what: str) -> None:
    """Refuse a key the spec format does not know (a typo would be ignored)."""
    for key in raw:
        if key not in allowed:
            raise where.error(f"unknown key {key!r} in {what}; known: {', '.join(allowed)}")


def count(value, where: Where) -> sp.Integer:
    """A size (n, d): a whole number from 1 to ``limits.MATRIX_ENTRIES``."""
    v = number(value, where).value
    if not v.is_integer or not 1 <= v <= limits.MATRIX_ENTRIES:
        raise where.error(f"must be a whole number from 1 to {limits.MATRIX_ENTRIES}, got {shown(value)}")
    return sp.Integer(v)


def positive(value, where: Where) -> sp.Rational:
    """A number above 0 (d_k: its square root divides)."""
    v = number(value, where).value
    if v <= 0:
        raise where.error(f"must be positive, got {shown(value)}")
    return v


def non_negative(value, where: Where) -> sp.Rational:
    """A number of at least 0 (eps, added under a square root)."""
    v = number(value, where).value
    if v < 0:
        raise where.error(f"must be 0 or more, got {shown(value)}")
    return v


def exact(value, where: Where) -> sp.Rational:
    return number(value, where).value


def words(value, where: Where) -> list[str]:
    """Tokens or a vocabulary: a non-empty list of strings."""
    return list(texts(value, where))


def probability(value, where: Where) -> sp.Rational:
    """A probability of dropping: from 0 up to, not including, 1."""
    v = number(value, where).value
    if not 0 <= v < 1:
        raise where.error(f"must be from 0 up to (not including) 1, got {shown(value)}")
    return v


DOMAINS = {"positive": positive, "non_negative": non_negative, "probability": probability}


def record_params() -> dict[str, Callable]:
    """The parameters the Stage records declare (temperature T ...), each read as a
    number in the domain its record states."""
    from derive.stages.record import all_stages

    return {p: DOMAINS.get(stage.domains.get(p), exact) for stage in all_stages().values() for p in stage.params}


# The parameters of the stages (derive.stages.registry), each with its reader.
# A key not listed here is passed on as it is, and the stage refuses it by name.
PARAMS: dict[str, Callable] = {
    **record_params(),
    "n": count, "d": count,            # positional encoding: n positions, width d
    "d_k": positive,                   # attention: scores are divided by sqrt(d_k)
    "eps": non_negative,               # layer norm: sqrt(variance + eps)
    "alpha": exact, "at": exact,       # a learning rate; a threshold
    "masked": boolean,
    "tokens": words, "vocabulary": words, "table": text,
}
