"""Token embeddings and sinusoidal positional encoding.

    PE_{(pos, 2i)}   = \\sin\\left(pos / 10000^{2i/d}\\right)
    PE_{(pos, 2i+1)} = \\cos\\left(pos / 10000^{2i/d}\\right)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import sympy as sp

from derive.stages.matexpr import is_explicit, shape_text


def embed(tokens: Sequence[str], table: Mapping[str, Sequence[sp.Expr]]) -> sp.ImmutableMatrix:
    """X: one row per token, the token's vector from the embedding table."""
    missing = [t for t in tokens if t not in table]
    if missing:
        raise ValueError(f"token {missing[0]!r} is not in the embedding table")
    widths = {len(table[t]) for t in tokens}
    if len(widths) != 1:
        raise ValueError("embedding vectors have different lengths")
    return sp.ImmutableMatrix([list(table[t]) for t in tokens])


def pe_angle(pos, i, d, evaluate=True, base=10000):
    r"""The angle of pair i at position pos: \frac{pos}{base^{2i/d}} (base 10000, as
    the sinusoidal encoding and RoPE use).

    ``evaluate=False`` keeps the fraction as written, for display.
    """
    base = sp.Integer(base) if isinstance(base, int) else base
    power = sp.Pow(base, sp.Integer(2) * i / d, evaluate=evaluate)
    return sp.Mul(pos, sp.Pow(power, -1, evaluate=evaluate), evaluate=evaluate)


def positional_encoding(n: int, d: int) -> sp.ImmutableMatrix:
    r"""PE (n x d): column 2i holds \sin of pe_angle(pos, i, d), column 2i+1 its \cos."""
    if d <= 0 or d % 2:
        raise ValueError(f"positional encoding needs an even width d, got {d}")
    if n <= 0:
        raise ValueError(f"positional encoding needs at least one position, got {n}")

    def entry(pos, col):
        angle = pe_angle(sp.Integer(pos), col // 2, d)
        return sp.sin(angle) if col % 2 == 0 else sp.cos(angle)

    return sp.ImmutableMatrix(n, d, entry)


def add(A, B):
    """A + B, element-wise (X + PE)."""
    if A.shape != B.shape:
        raise ValueError(f"cannot add a {shape_text(A)} and a {shape_text(B)} matrix")
    if is_explicit(A) and is_explicit(B):
        return sp.ImmutableMatrix(A + B)
    return sp.MatAdd(A, B, evaluate=False)  # keep the reader's order: X + PE
