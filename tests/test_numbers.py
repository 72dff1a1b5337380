"""derive.numbers: exact parsing, certified rounding, and the verdict rules."""

from fractions import Fraction

import mpmath
import pytest
import sympy as sp

from derive.errors import NumberFormatError, UndecidableError
from derive.numbers import (compare, decimal_text, format_decimal, format_significant,
                            parse_decimal)

R = sp.Rational


@pytest.mark.parametrize("text, value, decimals", [
    ("0.8415", R(1683, 2000), 4),
    ("-0.3", R(-3, 10), 1),
    (".5", R(1, 2), 1),
    ("1.", R(1), 0),
    ("1.5e-03", R(3, 2000), 4),
    ("1.5E+03", R(1500), -2),
    ("12", R(12), 0),
    ("+3.25", R(13, 4), 2),
    ("-0.0000", R(0), 4),
    ("0.1", R(1, 10), 1),           # exactly 1/10, never the float 0.1000000000000000055
])
def test_parse_decimal_is_exact_and_keeps_decimals(text, value, decimals):
    printed = parse_decimal(text)
    assert printed.value == value and printed.decimals == decimals


@pytest.mark.parametrize("text", ["", "abc", "1.2.3", "nan", "inf", "1e999", "--1", ".", "0x10"])
def test_parse_decimal_rejects_non_numbers(text):
    with pytest.raises(NumberFormatError):
        parse_decimal(text)


@pytest.mark.parametrize("value, decimals, text", [
    (R(1, 8), 2, "0.13"),            # exactly halfway: away from zero
    (R(-1, 8), 2, "-0.13"),
    (R(3, 8), 2, "0.38"),
    (R(99995, 100000), 4, "1.0000"),  # the carry ripples into the units
    (R(-1, 100000), 4, "0.0000"),    # no negative zero
    (R(-5, 100000), 4, "-0.0001"),   # halfway, away from zero
    (R(-4, 100000), 4, "0.0000"),
    (R(7), 0, "7"),
    (R(1234), -2, "1200"),
])
def test_format_decimal_rules(value, decimals, text):
    assert format_decimal(value, decimals) == text


@pytest.mark.parametrize("value, decimals, text", [
    (R(129, 1000), 2, "0.12"),
    (R(-129, 1000), 2, "-0.12"),
    (R(99995, 100000), 4, "0.9999"),
])
def test_truncation_goes_toward_zero(value, decimals, text):
    assert format_decimal(value, decimals, mode="truncate") == text


MPMATH_CASES = [
    (sp.sin(1), lambda: mpmath.sin(1)),
    (sp.cos(sp.Rational(1, 100)), lambda: mpmath.cos(mpmath.mpf(1) / 100)),
    (sp.exp(sp.Rational(-7, 3)), lambda: mpmath.exp(mpmath.mpf(-7) / 3)),
    (sp.sqrt(2) - sp.Rational(141421, 100000), lambda: mpmath.sqrt(2) - mpmath.mpf(141421) / 100000),
    (sp.log(sp.Rational(7, 10)), lambda: mpmath.log(mpmath.mpf(7) / 10)),
]


@pytest.mark.parametrize("value, oracle", MPMATH_CASES)
@pytest.mark.parametrize("decimals", [0, 4, 12, 25])
def test_format_decimal_agrees_with_mpmath(value, oracle, decimals):
    with mpmath.workdps(80):
        expected = mpmath.nstr(oracle(), 70, strip_zeros=False)
    # round the 70-digit oracle by hand, half away from zero
    exact = Fraction(expected)
    scaled = abs(exact) * 10 ** decimals
    k = int(scaled + Fraction(1, 2))
    sign = "-" if exact < 0 and k else ""
    digits = str(k).rjust(decimals + 1, "0")
    text = sign + (digits[:-decimals] + "." + digits[-decimals:] if decimals else digits)
    assert format_decimal(value, decimals) == text, expected


def test_significant_digits_of_sin_one():
    with mpmath.workdps(60):
        expected = mpmath.nstr(mpmath.sin(1), 30, strip_zeros=False)
    assert format_significant(sp.sin(1), 30) == expected


@pytest.mark.parametrize("value, digits, text", [
    (R(-999999, 1000000), 3, "-1.00"),
    (R(0), 30, "0"),
    (R(1, 3), 5, "0.33333"),
    (R(12345), 3, "12300"),
])
def test_significant_digits_edges(value, digits, text):
    assert format_significant(value, digits) == text


@pytest.mark.parametrize("value", [R(1, 8), R(-7, 3), sp.sin(1), sp.pi, sp.exp(-20), R(123456789, 1000)])
@pytest.mark.parametrize("decimals", [0, 2, 4, 9])
def test_round_trip_parse_format(value, decimals):
    text = format_decimal(value, decimals)
    printed = parse_decimal(text)
    assert printed.decimals == decimals
    assert format_decimal(printed.value, decimals) == text
    assert compare(text, value).verdict in ("rounded", "exact")


@pytest.mark.parametrize("printed, value, verdict", [
    ("0.8415", sp.sin(1), "rounded"),      # sin 1 = 0.84147 09848...
    ("0.8414", sp.sin(1), "truncated"),
    ("0.8416", sp.sin(1), "wrong"),
    ("0.125", R(1, 8), "exact"),
    ("0.13", R(1, 8), "rounded"),
    ("0.12", R(1, 8), "rounded"),         # the other neighbour of a tie (half to even, as Python rounds)
    ("-0.12", R(-1, 8), "rounded"),
    ("0.11", R(1, 8), "wrong"),
    ("0.99995", sp.cos(R(1, 100)), "rounded"),
    ("0.5403", sp.cos(1), "rounded"),
    ("0.99995", sp.cos(1), "wrong"),
    ("-0.0000", R(-1, 100000), "rounded"),
    ("1", R(1), "exact"),
])
def test_compare_verdicts(printed, value, verdict):
    assert compare(printed, value).verdict == verdict


@pytest.mark.parametrize("printed, value, up", [
    ("0.8415", sp.sin(1), True),          # 0.84147...: cutting gives 0.8414
    ("0.5403", sp.cos(1), False),         # 0.54030...: cutting gives the same
    ("0.13", R(1, 8), False),             # a tie says nothing of the convention
    ("0.125", R(1, 8), False),
])
def test_a_rounding_up_is_told_from_one_a_cut_would_print_too(printed, value, up):
    assert compare(printed, value).rounded_up is up


def test_compare_reports_expected_and_difference():
    result = compare("0.8416", sp.sin(1))
    assert result.expected == "0.8415"
    # 0.8416 - sin(1) = 0.0001290151921..., to three significant digits
    assert result.difference == "0.000129"


def test_decimal_text_is_exact():
    assert [decimal_text(v) for v in (R(1, 8), R(-3, 10), R(2), R(37738326, 10**8))] == \
        ["0.125", "-0.3", "2", "0.37738326"]
    with pytest.raises(NumberFormatError):
        decimal_text(R(1, 3))


def test_a_tie_in_disguise_is_rounded_exactly():
    # (sqrt(2) + 1)(sqrt(2) - 1) / 8 is exactly 1/8 = 0.125, halfway at two
    # decimals: no ball decides it, so the value is simplified to a rational.
    value = sp.Mul(sp.sqrt(2) + 1, sp.sqrt(2) - 1, R(1, 8), evaluate=False)
    assert format_decimal(value, 2) == "0.13"


def test_an_undecidable_rounding_raises():
    # 1/2 + e^(-e^20) is above one half by about 10^(-210 million): no
    # working precision we allow can tell it from the tie 1/2.
    value = R(1, 2) + sp.exp(-sp.exp(20))
    with pytest.raises(UndecidableError):
        format_decimal(value, 0)
