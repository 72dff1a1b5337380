r"""The exact face at real sizes: FLINT rational matrices and certified Arb digits.

SymPy matrices stay the currency at the edges; inside, the work is done by
python-flint:

* ``rational_matmul(A, B)``: A B with exact rationals, as one ``fmpq_mat``
  product (SymPy ``Matrix`` multiplication is two orders of magnitude slower
  at 128 x 128, see bench/). ``to_fmpq_mat`` / ``from_fmpq_mat`` convert, so a
  chain of products can stay in FLINT and come back once.
* ``certify(make_balls, digits)``: every entry of a matrix of balls correctly
  rounded to ``digits`` significant digits, each digit certified by the radius
  of an ``arb`` ball; the precision doubles until every entry is decided. A
  stage record's ``certified`` (softmax, layer norm ...) hands its ball face
  rows of exact rationals through it.
"""

from __future__ import annotations

import math
from fractions import Fraction

import sympy as sp
from flint import arb, ctx, fmpq, fmpq_mat
from sympy.polys.domains import QQ, ZZ
from sympy.polys.matrices import DomainMatrix
from sympy.polys.matrices.exceptions import DMDomainError
from sympy.polys.matrices.sdm import SDM
from sympy.polys.polyerrors import CoercionFailed

from derive.errors import DeriveError, UndecidableError
from derive.evaluate import MAX_PREC, Undecided
from derive.numbers import grid_text

GUARD_BITS = 32
GUARD_DIGITS = 10


class ExactError(DeriveError):
    """A matrix that the exact path cannot take (an entry that is not a rational)."""


# Rational matrices through FLINT ---------------------------------------------

_FLINT_QQ = QQ.dtype is fmpq   # SymPy on flint ground types: QQ elements *are* fmpq


def to_fmpq_mat(M) -> fmpq_mat:
    """A SymPy matrix of rationals as a FLINT ``fmpq_mat`` (exact)."""
    rows, cols = M.shape
    flat = rational_entries(M)
    if flat is None:
        raise ExactError(f"a {rows}x{cols} matrix has an entry that is not a rational number")
    if not _FLINT_QQ:
        flat = [fmpq(int(q.numerator), int(q.denominator)) for q in flat]
    return fmpq_mat(rows, cols, flat)


def is_rational_matrix(M) -> bool:
    """True when SymPy already holds M over ZZ or QQ (no entry needs to be looked at)."""
    rep = getattr(M, "_rep", None)
    return isinstance(rep, DomainMatrix) and rep.domain in (ZZ, QQ)


def rational_entries(M) -> list | None:
    """M's entries row by row as elements of SymPy's QQ, or None when one is not rational.

    A SymPy matrix over ZZ or QQ keeps a sparse ``{i: {j: q}}`` table; reading
    it directly skips SymPy's own conversion, which costs as much as the
    FLINT product it feeds at 128 x 128.
    """
    rows, cols = M.shape
    if is_rational_matrix(M) and M._rep.rep.fmt == "sparse":
        flat = [QQ.zero] * (rows * cols)
        convert = QQ.convert_from if M._rep.domain == ZZ else None
        for i, row in M._rep.rep.items():
            base = i * cols
            for j, q in row.items():
                flat[base + j] = convert(q, ZZ) if convert else q
        return flat
    try:
        return _qq_matrix(M).to_list_flat()
    except (CoercionFailed, DMDomainError, ValueError):
        return None


def _qq_matrix(M) -> DomainMatrix:
    if hasattr(M, "to_DM"):                  # SymPy >= 1.13: reuses the matrix's own rep
        return M.to_DM(QQ)
    return DomainMatrix.from_Matrix(sp.Matrix(M)).convert_to(QQ)


def from_fmpq_mat(F: fmpq_mat) -> sp.Matrix:
    """A FLINT ``fmpq_mat`` as a SymPy ``Matrix`` whose entries are exact ``Rational``s.

    The result is SymPy's own sparse table over QQ, built row by row from the
    FLINT entries; SymPy turns an entry into a ``Rational`` when it is read.
    """
    rows, cols = F.nrows(), F.ncols()
    flat = F.entries()
    if not _FLINT_QQ:
        flat = [QQ(int(q.p), int(q.q)) for q in flat]
    table = {}
    for i in range(rows):
        row = {j: q for j, q in enumerate(flat[i * cols:(i + 1) * cols]) if q}
        if row:
            table[i] = row
    rep = DomainMatrix.from_rep(SDM(table, (rows, cols), QQ))
    if hasattr(sp.Matrix, "_fromrep"):      # SymPy >= 1.13: take the table as it is, no copy
        return sp.Matrix._fromrep(rep)
    return rep.to_Matrix()


def rational_matmul(A, B) -> sp.Matrix:
    """A B for SymPy matrices of rationals, exactly, as one FLINT product."""
    if A.shape[1] != B.shape[0]:
        raise ExactError(f"cannot multiply a {A.shape[0]}x{A.shape[1]} by a {B.shape[0]}x{B.shape[1]} matrix")
    return from_fmpq_mat(to_fmpq_mat(A) * to_fmpq_mat(B))


def exact_fmpq(value) -> fmpq:
    """An exact number (a SymPy rational, an int, decimal text read by derive) as ``fmpq``;
    a float is refused: its binary value is not the decimal a document wrote."""
    if isinstance(value, float):
        raise ExactError(f"a parameter must be exact (a Rational or decimal text), not the float {value!r}")
    q = sp.Rational(value)
    return fmpq(int(q.p), int(q.q))


# Certified digits ---------------------------------------------------------------

def certify(make_balls, digits: int, what: str) -> list[list[str]]:
    """Digits of every ball ``make_balls()`` returns, raising the precision until all are decided."""
    prec = int(digits * math.log2(10)) + GUARD_BITS
    while prec <= MAX_PREC:
        with ctx.workprec(prec):
            balls = make_balls()
            try:
                return [[significant_text(b, digits) for b in row] for row in balls.tolist()]
            except Undecided:
                prec *= 2
    raise UndecidableError(f"cannot certify {digits} digits of the {what} at {MAX_PREC} bits")


def significant_text(b: arb, digits: int) -> str:
    """The value in ball ``b`` rounded to ``digits`` significant digits (half away
    from zero), or Undecided when the ball's two ends round differently."""
    if b.is_exact() and b.is_zero():
        return "0"
    mid, rad, e10 = (int(v) for v in b.mid_rad_10exp(digits + GUARD_DIGITS))
    lo, hi = _round_significant(mid - rad, e10, digits), _round_significant(mid + rad, e10, digits)
    if lo is None or lo != hi:
        raise Undecided(f"the ball {b} is too wide for {digits} digits")
    return grid_text(*lo)


def _round_significant(N: int, e10: int, digits: int) -> tuple[int, int] | None:
    """N 10^e10 rounded to ``digits`` significant digits: (k, decimals) with the
    value k 10^-decimals; None for zero (its digits are not decided)."""
    if N == 0:
        return None
    magnitude = len(str(abs(N))) - 1 + e10          # floor(log10 |N 10^e10|)
    decimals = digits - 1 - magnitude
    k = _round_half_away(Fraction(abs(N)) * Fraction(10) ** (e10 + decimals))
    if len(str(k)) > digits:                        # rounded up to the next power of ten
        decimals, k = decimals - 1, k // 10
    return (k if N > 0 else -k), decimals


def _round_half_away(x: Fraction) -> int:
    return math.floor(x + Fraction(1, 2))
