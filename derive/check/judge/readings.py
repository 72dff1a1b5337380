r"""Other readings of notation that leaves its grouping unsaid.

Some writing can be read two ways, and authors mean the one a strict parser
does not take: ``8/10 \cdot \log_2 10/3`` is, strictly, ``\log_2(10)`` divided
by 3, but its author means ``\log_2(10/3)``. A reading is tried only when the
strict one makes the claim wrong, and only the rules below (one table) make
readings; the verdict is then against the reading, and says why it was taken. A reading never makes a
claim right that no reading of its text supports: a changed digit in the
printed value still fails under every reading.

    bare_argument_division   f x / d  read as  f(x / d)   (f's one argument
                             written without parentheses or braces)
    sample_statistics        std(x), var(x) of n written numbers as the sample
                             statistics (divided by n - 1, not n): numpy's std is
                             the first, torch's the second, and prose names both "std"
    binary_units             KB, MB, GB, TB as powers of 1024 (``POLICY.binary_units``),
                             every one of the working at once: 2 x 64 x 8192 x 2 bytes
                             = 2.0 MB in MiB
    julian_years             a year of 365.25 days, not 365
    unit_in_working          a working with no unit, counted in bytes before a value in
                             a data unit (``derive.check.bind.units``), read in the
                             value's own unit instead: (1 x 2048 x 8192 x 80 x 2) / 1024^3
                             = 2.5 GB
    caret_exponent           2e^{-5} (a number touching e^{...}) as 2 x 10^{-5}:
                             scientific notation typed with a caret

A claim wrong (or only truncated) under its strict reading is tried again under
each reading: a reading that reproduces it names why it was taken.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace

import sympy as sp

from derive.check.bind.patterns import number
from derive.check.bind.units import is_unit_number
from derive.check.policy import POLICY
from derive.check.read import nodes as N


def _absorbed(node: N.Node) -> N.Node | None:
    r"""``a \cdot f x / d`` as ``a \cdot f(x / d)`` when ``f x`` is a bare call; None otherwise."""
    if not isinstance(node, N.Div):
        return None
    num = node.num
    last = num.factors[-1] if isinstance(num, N.Mul) else num
    if not (isinstance(last, N.Call) and last.bare and len(last.args) == 1):
        return None
    arg = last.args[0]
    call = N.Call(last.start, node.end, last.name, (N.Div(arg.start, node.end, arg, node.den),))
    return N.Mul(node.start, node.end, num.factors[:-1] + (call,)) if isinstance(num, N.Mul) else call


def bare_argument_division(ref: N.Node) -> Iterator[tuple[str, N.Node]]:
    r"""Every ``f x / d`` of ``ref`` read as ``f(x / d)`` at once: one reading."""
    sites = [(node, new) for node in N.walk(ref) if (new := _absorbed(node)) is not None]
    if not sites:
        return
    read = ref
    for old, new in sites:          # parents first: an inner site keeps its identity inside the new parent
        read = N.substitute(read, old, new)
    yield "a function's argument written without parentheses read to the end of the fraction after it", read


def sample_statistics(ref: N.Node) -> Iterator[tuple[str, N.Node]]:
    r"""Every ``std(x)`` and ``var(x)`` of a written matrix of n entries, made the sample
    statistic: ``std(x) \sqrt{n/(n-1)}``, ``var(x) \cdot n/(n-1)``: one reading."""
    sites = [node for node in N.walk(ref) if isinstance(node, N.Call) and node.name in ("std", "var")
             and len(node.args) == 1 and isinstance(node.args[0], N.Mat)]
    read = ref
    for node in sites:
        n = sum(len(row) for row in node.args[0].rows)
        if n < 2:
            return
        ratio = N.Div(node.start, node.end, number(n), number(n - 1))
        scale = N.Call(node.start, node.end, "sqrt", (ratio,)) if node.name == "std" else ratio
        read = N.substitute(read, node, N.Mul(node.start, node.end, (node, scale)))
    if sites:
        yield "the sample statistic (divided by n - 1)", read


def _resized(ref: N.Node, sizes: dict) -> N.Node | None:
    """``ref`` with every unit in it named in ``sizes`` given that size; None when it has none."""
    sites = [n for n in N.walk(ref) if is_unit_number(n) and n.printed.text in sizes]
    read = ref
    for n in sites:
        read = N.substitute(read, n, N.Num(n.start, n.end, replace(n.printed, value=sp.Integer(sizes[n.printed.text]))))
    return read if sites else None


def binary_units(ref: N.Node) -> Iterator[tuple[str, N.Node]]:
    """Every data unit of ``ref`` that also names a power of 1024 given that size: one reading."""
    read = _resized(ref, POLICY.binary_units)
    if read is not None:
        yield "KB, MB, GB and TB taken as powers of 1024 (KiB, MiB, GiB, TiB)", read


def julian_years(ref: N.Node) -> Iterator[tuple[str, N.Node]]:
    """Every year of ``ref`` given 365.25 days: one reading."""
    read = _resized(ref, POLICY.julian_years)
    if read is not None:
        yield "a year taken as 365.25 days", read


def unit_in_working(ref: N.Node) -> Iterator[tuple[str, N.Node]]:
    """A working with no unit, counted in base units over the value's unit (``(w B) / GB``),
    taken in the value's unit (``w``): one reading."""
    counted = set(POLICY.counted_units.values())
    if isinstance(ref, N.Div) and is_unit_number(ref.den) and isinstance(ref.num, N.Mul) \
            and len(ref.num.factors) == 2 and is_unit_number(ref.num.factors[1]) \
            and ref.num.factors[1].printed.text in counted:
        yield f"the working taken in {ref.den.printed.text}, the unit of its value", ref.num.factors[0]


def caret_exponent(ref: N.Node) -> Iterator[tuple[str, N.Node]]:
    """Every number written against ``e^{k}`` read as the number times 10^k: one reading."""
    sites = []
    for node in N.walk(ref):
        if isinstance(node, N.Mul):
            for a, b in zip(node.factors, node.factors[1:]):
                if isinstance(a, N.Num) and isinstance(b, N.Pow) and isinstance(b.base, N.Sym) \
                        and b.base.name == "e" and a.end == b.start:
                    sites.append(b.base)
    read = ref
    for e in sites:
        read = N.substitute(read, e, number(10))
    if sites:
        yield "a number written against e^{k} read as scientific notation (times 10^k)", read


RULES: tuple[Callable[[N.Node], Iterator[tuple[str, N.Node]]], ...] = (
    bare_argument_division, sample_statistics, binary_units, julian_years, unit_in_working, caret_exponent)


def readings(ref: N.Node) -> Iterator[tuple[str, N.Node]]:
    """The other readings of ``ref``, each with the reason it may be meant."""
    for rule in RULES:
        yield from rule(ref)
