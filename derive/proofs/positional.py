r"""Sinusoidal positions shift linearly: PE(pos + k) = M(k) PE(pos).

Pair $i$ of columns holds $(\sin \theta, \cos \theta)$ with $\theta = pos\,\omega_i$,
$\omega_i = 10000^{-2i/d}$ (derive's ``pe_angle``). Moving $k$ positions on
turns each pair by the angle $k\,\omega_i$:

    \begin{pmatrix} \sin (pos + k)\omega \\ \cos (pos + k)\omega \end{pmatrix}
    = \begin{pmatrix} \cos k\omega & \sin k\omega \\ -\sin k\omega & \cos k\omega \end{pmatrix}
      \begin{pmatrix} \sin pos\,\omega \\ \cos pos\,\omega \end{pmatrix}

$M(k)$ is block diagonal with these rotations; it is built from $k$ alone, so
it is the same map for every position. No derivative is involved: the
identity is an equality of vectors, proved entry by entry.
"""

from __future__ import annotations

import sympy as sp

from derive.proofs.identity import Identity
from derive.proofs.theorem import Step, Theorem, Walkthrough
from derive.stages.embedding import pe_angle
from derive.symbols import latex

pos, k = sp.symbols("pos k", integer=True, nonnegative=True)
SYMBOLIC_D = (2, 4, 6, 8)
NUMERIC_D = (16, 64)


def pe_row(p, d: int) -> sp.ImmutableMatrix:
    r"""PE(p) as a column: entry 2i is \sin of pe_angle(p, i, d), entry 2i+1 its \cos."""
    def entry(col, _):
        angle = pe_angle(p, col // 2, d)
        return sp.sin(angle) if col % 2 == 0 else sp.cos(angle)
    return sp.ImmutableMatrix(d, 1, entry)


def rotation(angle) -> sp.ImmutableMatrix:
    r"""\begin{pmatrix} \cos a & \sin a \\ -\sin a & \cos a \end{pmatrix}."""
    return sp.ImmutableMatrix([[sp.cos(angle), sp.sin(angle)], [-sp.sin(angle), sp.cos(angle)]])


def shift_map(shift, d: int) -> sp.ImmutableMatrix:
    """M(k): the block-diagonal rotation by pe_angle(k, i, d) in each pair i."""
    M = sp.ImmutableMatrix(sp.diag(*[rotation(pe_angle(shift, i, d)) for i in range(d // 2)]))
    if pos in M.free_symbols:
        raise AssertionError("the shift map must not depend on the position")
    return M


def positional_at(d: int, symbolic: bool = True) -> Identity:
    return Identity("positional-shift", pe_row(pos + k, d), (), shift_map(k, d) * pe_row(pos, d),
                    sizes=f"d = {d}", symbolic=symbolic)


def positional_walkthrough() -> list[Walkthrough]:
    d, i = 4, 1
    angle = pe_angle(pos + k, i, d)
    forward = sp.sin(angle)
    lhs = r"PE_{(pos + k,\, 2)}"
    expanded = sp.expand_trig(sp.sin(sp.expand(angle)))
    closed = (shift_map(k, d) * pe_row(pos, d))[2 * i]
    return [Walkthrough("d = 4, pair i = 1", Step("forward", lhs, forward), None,
                        (Step("angle_sum", lhs, expanded),),
                        Step("closed", lhs, closed))]


def positional_theorem() -> Theorem:
    i, d = sp.symbols("i d", integer=True, nonnegative=True)
    omega = pe_angle(1, i, d)
    column = lambda p: sp.Matrix([sp.sin(p * sp.Symbol(r"\omega_i")),  # noqa: E731
                                  sp.cos(p * sp.Symbol(r"\omega_i"))])
    w = sp.Symbol(r"\omega_i")
    return Theorem(
        name="positional-shift", title="Positional encodings shift by a fixed rotation",
        statement=(f"{latex(column(pos + k))} = {latex(rotation(k * w))} {latex(column(pos))}",),
        given=(rf"\omega_i = {latex(omega)}",),
        sizes="d = 2, 4, 6, 8 (+16, 64)",
        instances=lambda: [positional_at(d) for d in SYMBOLIC_D]
        + [positional_at(d, symbolic=False) for d in NUMERIC_D],
        walkthroughs=positional_walkthrough)
