r"""How far a computed value may lie from a printed one and still be its rounding.

* ``tolerance``: numbers written into a computation (``-0.2 + 0.8415``) are
  good to half a unit in their last place.
* ``input_allowance``: a result computed from values the document printed
  rounded moves, to first order, by the sum of what each rounded input entry
  moves it when shifted by half a unit in its last place.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import sympy as sp

from derive.check.read import nodes as N
from derive.check.bind.env import Binding
from derive.check.evaluate.evaluator import Evaluator
from derive.check.evaluate.fastface import FAST
from derive.check.read.grids import Grid, fit
from derive.check.bind.resolve import Link, Resolver
from derive.check.evaluate.values import EvalError, Options, Val
from derive.numbers import significant_digits

NEAR = 1000          # within this many last-place units, rounded inputs may explain a difference
MAX_PERTURBED = 200  # entries perturbed to measure that


def tolerance(claim: N.Node, ref: N.Node) -> sp.Rational:
    """How far two written computations may differ: half a unit in the last place
    of the most precise number either writes (``-0.2 + 0.8415`` for -0.2 + sin 1).
    Values of names add their own margin (``input_allowance``)."""
    decimals = [n.printed.decimals for node in (claim, ref) for n in N.walk(node) if isinstance(n, N.Num)]
    finest = max(decimals, default=0)
    return sp.Rational(1, 2 * 10**finest) if finest > 0 else sp.Integer(0)


def input_allowance(link: Link, picks: dict, opt: Options, used: dict[str, Binding], base: Val,
                    node: N.Node | None = None):
    r"""How far each entry of ``node`` (``ref`` by default) can move when the
    printed (rounded) results it is computed from move by half a unit in their
    last place (first order):
    \sum_{x} |f(x + \tfrac12 10^{-d_x}) - f(x)| over every rounded input entry x."""
    node = link.ref if node is None else node
    rounded = [(k, b) for k, b in sorted(used.items()) if b.rounded and b.printed is not None]
    if not rounded or sum(b.value.shape[0] * b.value.shape[1] for _, b in rounded) > MAX_PERTURBED:
        return None
    base_data = np.asarray(base.data, dtype=float)
    total = np.zeros(base.shape)
    for key, b in rounded:
        grid = fit(b.printed, b.value.shape)
        if grid is None:
            return None
        for i, j, half in _half_units(grid):
            data = b.fast().data.copy()
            data[i, j] += half
            moved = _value_with(link, node, picks, opt, {key: Val(data, b.value.scalar)})
            if moved is None:
                return None
            total += np.abs(moved - base_data)
    return total if np.all(np.isfinite(total)) else None


def _half_units(grid: Grid):
    """Each entry (i, j) with half a unit in its last printed place; a grid of
    whole numbers only (``[[0, 1], [1, 2]]``) is read as exact: none."""
    finest = max(p.decimals for row in grid for p in row)
    if finest == 0 and not any("." in p.text or "e" in p.text.lower() for row in grid for p in row):
        return
    for i, row in enumerate(grid):
        for j, p in enumerate(row):
            # a whole number among decimals (the 0 of 0.7071 & 0) is read
            # as exact to the matrix's finest decimals, not as +-0.5
            places = finest if "." not in p.text and "e" not in p.text.lower() else p.decimals
            yield i, j, 0.5 * 10.0 ** (-places)


def literal_allowance(link: Link, picks: dict, opt: Options, node: N.Node, base: Val,
                      all_rounded: bool = False, long_rounded: bool = False) -> np.ndarray | None:
    r"""How far ``node`` moves when each decimal number written in it that is a
    rounding moves by half a unit in its last place, to first order. Working
    written after ``\approx`` (``1.3499 + 1.6487``) is made of roundings
    (``all_rounded``); elsewhere a number is one when the document printed it
    before as a rounding with three or more significant digits
    (``\hat{x}_4 \approx 1.3416`` ... ``2 \times 1.3416``; never ``0.1``),
    never ``\sqrt{4.375} \approx 2.0916`` or ``0.1 + 0.2``. Between two written
    computations (``long_rounded``: ``e^{s_1} = e^{1.7678}``) a number with four or
    more significant digits is taken as a rounding too."""
    printed = None if all_rounded else link.env.rounded_numbers(link.line)

    def rounding(p) -> bool:
        digits = significant_digits(p.text)
        return all_rounded and digits >= 2 or long_rounded and digits >= 4 or \
            digits >= 3 and printed is not None and (p.value, p.decimals) in printed
    numbers = [n for n in N.walk(node) if isinstance(n, N.Num) and n.printed.decimals > 0 and rounding(n.printed)]
    if not numbers or len(numbers) > MAX_PERTURBED:
        return None
    base_data = np.asarray(base.data, dtype=float)
    total = np.zeros(base.shape)
    for n in numbers:
        half = sp.Rational(1, 2 * 10**n.printed.decimals)
        moved_num = N.Num(n.start, n.end, replace(n.printed, value=n.printed.value + half))
        moved = _value_with(link, N.substitute(node, n, moved_num), picks, opt, {})
        if moved is None or moved.shape != base_data.shape:
            return None
        total += np.abs(moved - base_data)
    return total if np.all(np.isfinite(total)) else None


def printed_allowance(link: Link, picks: dict, opt: Options, used: dict[str, Binding], base: Val):
    """What ``ref`` may be off by when a printed claim is judged against it: the
    rounding of the printed values it uses, plus that of the numbers written in
    it that are as long as roundings usually are (``2 \times 1.3416 - 0.1``)."""
    margins = [input_allowance(link, picks, opt, used, base),
               literal_allowance(link, picks, opt, link.ref, base)]
    margins = [m for m in margins if m is not None]
    return sum(margins[1:], margins[0]) if margins else None


def equation_allowance(link: Link, picks: dict, opt: Options, sides) -> np.ndarray | None:
    """The input allowance of both sides of ``ref = claim`` added up: each side
    given as (node, the values it used, its float value); the claim's written
    numbers count too when the link says they are rounded (``link.rounded_literals``)."""
    margins = [input_allowance(link, picks, opt, used, base, node) for node, used, base in sides]
    for k, (node, _, base) in enumerate(sides):
        claim_after_approx = link.rounded_literals and k == len(sides) - 1
        margins.append(literal_allowance(link, picks, opt, node, base, claim_after_approx, long_rounded=True))
    margins = [m for m in margins if m is not None]
    if not margins or len({m.shape for m in margins}) != 1:
        return None
    return sum(margins[1:], margins[0])


def _value_with(link: Link, node: N.Node, picks: dict, opt: Options,
                override: dict[str, Val]) -> np.ndarray | None:
    """``node`` in floats with some names given other values (None if it fails)."""
    resolver = Resolver(link.env, link.line, False, picks, link.exclude, link.later)
    resolver.override = override
    try:
        moved = Evaluator(FAST, resolver, resolver.function, opt).value_of(node)
    except EvalError:
        return None
    return np.asarray(moved.data, dtype=float)
