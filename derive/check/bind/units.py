r"""Quantities: numbers with units, put in the unit of the value a chain claims.

A number with a unit right after it (``160 KB``, ``1282 \text{ secs}``, ``2.0 MB``)
is a quantity. Units of one kind (``POLICY.unit_scales``: time, compute, data)
convert into each other, so a member of a chain is judged in the unit of the
value it is equated to:

    1282 \text{ secs} = 0.0148 \text{ days}    the printed 1282, times 1 s, over 86400 s
    160 KB × 32,768 = 5.3 GB                    each unit inside a working becomes its size
                                                in the base unit (KB -> 1000 B), the working
                                                is divided by the size of GB: when the
                                                working is one unit of the kind (not a ratio)
    2 × 80 × 8 × 128 × 2 = 160 KB               a working with no unit beside a value in a
                                                data unit counts bytes (``POLICY.counted_units``)
    90 GB / 160 KB = 562,500 tokens             a ratio of quantities beside a plain number:
                                                the units become their sizes, and cancel

In the converted working a unit stands as a number printed as the unit's name
(``KB`` with the value 1000), so that a reading (``derive.check.judge.readings``)
can read it in another convention: KB as 1024 bytes, or a working with no unit
in the value's own unit.
"""

from __future__ import annotations

import re

import sympy as sp

from derive.check.policy import POLICY
from derive.check.read import nodes as N
from derive.check.read.derivations import PLAIN_UNIT, UNIT as LATEX_UNIT
from derive.check.read.grids import grid_of
from derive.numbers import Printed

Unit = tuple[str, int, str]         # kind, size in the kind's base unit, name as written

UNIT_GAP = re.compile(r"(?:\s|\\[,;:! ]|~|\{)*(?:\\(?:text|mathrm|textrm|mbox|operatorname)\s*\{\s*)?")


def unit_of(name: str) -> Unit | None:
    """A unit derive converts (``POLICY.unit_scales``): its kind, size and name; None otherwise."""
    found = POLICY.unit_scales.get(name.strip()) if name else None
    return (found[0], found[1], name.strip()) if found else None


def unit_after(text: str, at: int) -> str:
    r"""The unit written right after offset ``at`` (``\text{ days}``, or a word: ``secs``), or ""."""
    m = LATEX_UNIT.match(text, at) or PLAIN_UNIT.match(text, at)
    return m.group(1) if m else ""


def unit_number(unit: Unit, node: N.Node) -> N.Num:
    """A unit in a working: a number printed as the unit's name, worth its size."""
    return N.Num(node.start, node.end, Printed(unit[2], sp.Integer(unit[1]), POLICY.exact_decimals))


def is_unit_number(node: N.Node) -> bool:
    """Is ``node`` a unit put into a working by ``unit_number``?"""
    return isinstance(node, N.Num) and node.printed.text[:1].isalpha()


# --------------------------------------------------------------------------- quantities in a working

def quantity_units(node: N.Node, text: str, origin: int) -> dict[int, Unit]:
    r"""The unit names of ``node`` that follow a number (``160 KB``, ``2\,\text{GB}``): by the
    id of their name node. A name of a unit elsewhere (a variable ``B``) is no unit."""
    out = {}
    for n in N.walk(node):
        if not isinstance(n, N.Mul):
            continue
        for before, after in zip(n.factors, n.factors[1:]):
            unit = unit_of(after.name) if isinstance(after, N.Sym) and after.sub is None else None
            if unit is not None and isinstance(before, (N.Num, N.Pow)) and grid_of(before) is not None \
                    and UNIT_GAP.fullmatch(text, origin + before.end, origin + after.start):
                out[id(after)] = unit
    return out


def dimension(node: N.Node, units: dict[int, Unit], kind: str) -> int | None:
    """The power of ``kind`` a working's value has (160 KB × 32,768: 1; 90 GB / 160 KB: 0),
    with ``units`` its quantities' units; None when it has none (a sum of bytes and counts)."""
    match node:
        case N.Sym() if id(node) in units:
            return 1 if units[id(node)][0] == kind else None
        case N.Mul(factors=fs):
            dims = [dimension(f, units, kind) for f in fs]
            return None if None in dims else sum(dims)
        case N.Div(num=a, den=b):
            da, db = dimension(a, units, kind), dimension(b, units, kind)
            return None if da is None or db is None else da - db
        case N.Neg(arg=a):
            return dimension(a, units, kind)
        case N.Add(terms=ts):
            dims = {dimension(t, units, kind) for t in ts}
            return dims.pop() if len(dims) == 1 else None
        case N.Pow(base=b, exp=e):
            d = dimension(b, units, kind)
            if d == 0:
                return 0
            p = grid_of(e)
            return d * int(p[0][0].value) if d is not None and p is not None and len(p) == len(p[0]) == 1 \
                and p[0][0].value == int(p[0][0].value) else None
    kids = N.children(node)
    return 0 if all(dimension(k, units, kind) == 0 for k in kids) else None


def in_base_units(node: N.Node, units: dict[int, Unit]) -> N.Node:
    """``node`` with each unit of a quantity put in as its size (KB -> 1000)."""
    out = node
    for n in list(N.walk(node)):
        if id(n) in units:
            out = N.substitute(out, n, unit_number(units[id(n)], n))
    return out


# --------------------------------------------------------------------------- a chain's members

def measured(parts, text: str, origin: int) -> tuple[tuple, list[Unit | None]]:
    r"""The members with a known unit taken off (``1282 \text{ secs}`` is 1282) and each
    member's unit: a name of one as its last factor, or written right after it; None where it
    has none derive knows."""
    values, units = [], []
    for p in parts:
        last = p.factors[-1] if isinstance(p, N.Mul) and len(p.factors) >= 2 else None
        unit = unit_of(last.name) if isinstance(last, N.Sym) else None
        rest = p.factors[:-1] if unit else ()
        value = (rest[0] if len(rest) == 1 else N.Mul(p.start, rest[-1].end, rest)) if rest else p
        if unit and grid_of(value) is not None:
            values.append(value)
            units.append(unit)
        else:
            values.append(p)
            units.append(unit_of(unit_after(text, origin + p.end)))
    return (tuple(values) if any(v is not p for v, p in zip(values, parts)) else parts), units


def in_units_of(parts, units: list, k: int, text: str, origin: int):
    r"""The members before member k put in member k's unit (``parts`` itself when none is):
    a printed quantity of the same kind converted (``12.8 \times 10^2 \text{ secs}`` before
    ``0.0147 \text{ days}`` is 12.8e2 s / 86400 s), a working of that kind with its quantities
    in base units over the size of k's unit, a working with no unit in counted base units
    (``POLICY.counted_units``); before a plain number, a ratio of quantities in base units."""
    mine = units[k]
    if grid_of(parts[k]) is None:
        return parts
    out = list(parts)
    for j in range(k):
        p, theirs = parts[j], units[j]
        if grid_of(p) is not None:
            if mine is not None and theirs is not None and theirs[0] == mine[0] and theirs[1] != mine[1]:
                out[j] = N.Div(p.start, p.end, N.Mul(p.start, p.end, (p, unit_number(theirs, p))),
                               unit_number(mine, p))
            continue
        if not N.has_numbers(p):
            continue
        quantities = quantity_units(p, text, origin)
        kind = mine[0] if mine is not None else None
        if kind is None:
            kinds = {u[0] for u in quantities.values()}
            if len(kinds) == 1 and dimension(p, quantities, kinds.pop()) == 0:
                out[j] = in_base_units(p, quantities)          # a ratio: the units cancel
            continue
        d = dimension(p, quantities, kind)
        if d == 1 and quantities:
            out[j] = N.Div(p.start, p.end, in_base_units(p, quantities), unit_number(mine, p))
        elif d == 0 and not quantities and kind in POLICY.counted_units:
            base = (kind, 1, POLICY.counted_units[kind])
            out[j] = N.Div(p.start, p.end, N.Mul(p.start, p.end, (p, unit_number(base, p))), unit_number(mine, p))
    return tuple(out) if any(a is not b for a, b in zip(out, parts)) else parts
