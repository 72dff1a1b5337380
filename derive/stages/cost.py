"""Scalar operation counts: what a stage's ``ops`` rule returns.

``Ops`` holds one SymPy expression per kind of operation, in the shape symbols
of the matrices it counts; ``flops`` weighs a multiply-accumulate as two.
The counting convention of each stage is in its docstring; the decoder-level
tables that add them up are in ``derive.complexity``.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import sympy as sp

from derive.symbols import as_expr


@dataclass(frozen=True)
class Ops:
    """Scalar operations by kind (SymPy expressions in the shape symbols)."""

    mac: sp.Expr = sp.S.Zero
    add: sp.Expr = sp.S.Zero
    mul: sp.Expr = sp.S.Zero
    div: sp.Expr = sp.S.Zero
    exp: sp.Expr = sp.S.Zero
    sqrt: sp.Expr = sp.S.Zero
    cmp: sp.Expr = sp.S.Zero
    special: sp.Expr = sp.S.Zero      # erf, tanh: one special-function evaluation each

    def items(self) -> list[tuple[str, sp.Expr]]:
        return [(f.name, getattr(self, f.name)) for f in fields(self)]

    def __add__(self, other: Ops) -> Ops:
        return Ops(*[a + b for (_, a), (_, b) in zip(self.items(), other.items())])

    def scale(self, k) -> Ops:
        return Ops(*[sp.expand(k * v) for _, v in self.items()])

    def subs(self, values: dict) -> Ops:
        return Ops(*[sp.expand(as_expr(v).subs(values)) for _, v in self.items()])

    @property
    def flops(self) -> sp.Expr:
        """2 mac + every other operation (a multiply-accumulate is two flops)."""
        return sp.expand(2 * self.mac + sum(v for k, v in self.items() if k != "mac"))
