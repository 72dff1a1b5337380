r"""Values of formulas, in two faces: exact (SymPy) and fast (NumPy floats).

The fast face screens candidates (which earlier value did the author use,
which variant of a formula reproduces a printed number); the exact face, built
from derive's own stages (matmul, softmax, layer norm, ReLU), gives the value
a printed number is finally judged against. A ``Val`` is a 2-D array of
entries with a flag for scalars, so that ``0.1 \times h`` scales a vector.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sympy as sp
from flint import arb, ctx, fmpq

from derive.evaluate import ball
from derive.stages import attention
from derive.check.policy import POLICY

MAX_EXPONENT = POLICY.max_exponent      # 10^{10^{10}} is refused, not computed
MAX_POWER_FRACTION = POLICY.max_power_fraction   # SymPy writes x^p out for x^{p/q}
MAX_ENTRIES = POLICY.max_entries


class EvalError(Exception):
    """A formula that cannot be evaluated; the message says why."""


# What an evaluation may raise on a formula it cannot compute: the claim is then unverifiable.
EVAL_FAILURES = (EvalError, ArithmeticError, ValueError, RecursionError)


class Unbound(EvalError):
    """A name with no value in the document (yet)."""

    def __init__(self, name: str):
        super().__init__(f"{name} has no value")
        self.name = name


@dataclass(frozen=True)
class Val:
    data: Any            # sp.ImmutableMatrix (exact) or np.ndarray (fast), always 2-D
    scalar: bool = False

    @property
    def shape(self) -> tuple[int, int]:
        return tuple(self.data.shape)

    def entry(self, i: int, j: int):
        return self.data[i, j]


@dataclass(frozen=True)
class Pin:
    """A written number that stands for a value derive knows exactly: the result it
    is the printed rounding of (``(0 - 0.9591)^2`` after ``\\hat{y} \\approx 0.9591``)."""

    value: object          # a SymPy scalar


@dataclass(frozen=True)
class Options:
    """Which variant of a formula to compute (the standard one by default)."""

    layer_norm: str = "standard"     # standard | std_eps | sample | no_eps
    eps: Any = None                  # None: the document's epsilon, else 1e-6
    softmax: str = "rows"            # rows | columns | masked
    log_base: int = 0                # 0: natural log; 10 or 2
    swap_trig: bool = False          # sin <-> cos
    affine: bool = False             # layer norm scaled and shifted by the document's gamma and beta


def shape_text(shape) -> str:
    return f"{shape[0]}x{shape[1]}"


class Face:
    """The operations every face shares; subclasses fill in the arithmetic."""

    exact = True

    def square(self, x):
        return x * x

    def rounding(self, value, half):
        """A number known only to +-half: its written value, except in the ball face."""
        return self.number(value)

    def scalar(self, x) -> Val:
        return Val(self.matrix([[x]]), True)

    def stage(self, stage, data, params: tuple = (), more: tuple = ()):
        """A ``Stage`` record (softmax, LN, GELU ...) on the rows of ``data`` (and of the
        ``more`` operands of a stage that takes several), in this face."""
        try:
            return self.apply_stage(stage, (data, *more), params)
        except ValueError as exc:      # a sample variance of one value
            raise EvalError(str(exc)) from exc

    def stack(self, rows: list[list[Val]]) -> Val:
        if any(not v.scalar for row in rows for v in row):
            return self.block(rows)
        if len({len(r) for r in rows}) != 1:
            raise EvalError("rows of different lengths (a ragged matrix)")
        return Val(self.matrix([[v.entry(0, 0) for v in row] for row in rows]))

    def block(self, rows: list[list[Val]]) -> Val:
        """A vector of vectors ([[1, 2], [3, 4]]): stack the rows."""
        if len(rows) == 1 and all(v.shape[0] == 1 for v in rows[0]):
            widths = {v.shape[1] for v in rows[0]}
            if len(widths) == 1:
                return Val(self.matrix([[v.entry(0, j) for j in range(v.shape[1])] for v in rows[0]]))
        raise EvalError("a matrix with matrices inside")

    # -- arithmetic with broadcasting of scalars and bias rows
    def add(self, a: Val, b: Val, sign: int = 1) -> Val:
        b = b if sign > 0 else self.neg(b)
        if a.scalar or b.scalar:
            s, m = (a, b) if a.scalar else (b, a)
            return Val(self.map2(m.data, s.entry(0, 0), lambda x, y: x + y), a.scalar and b.scalar)
        if a.shape == b.shape:
            return Val(a.data + b.data)
        row = self._as_row(b, a.shape[1]) if a.shape[0] > 1 else None
        if row is not None:
            return Val(self.add_rows(a.data, row))
        if 1 in a.shape and a.shape == b.shape[::-1]:
            # z - (p - y) with z computed as a column and p, y written as tuples:
            # one vector written two ways, added entry by entry (shaped as the left)
            return Val(a.data + self.transpose_data(b.data))
        raise EvalError(f"cannot add a {shape_text(a.shape)} and a {shape_text(b.shape)} matrix")

    def _as_row(self, b: Val, width: int):
        """A bias written as a row or a column of the right length, as a row."""
        if b.shape == (1, width):
            return b.data
        if b.shape == (width, 1):
            return self.transpose_data(b.data)
        return None

    def neg(self, a: Val) -> Val:
        return Val(-a.data, a.scalar)

    def mul(self, a: Val, b: Val) -> Val:
        if a.scalar or b.scalar:
            s, m = (a, b) if a.scalar else (b, a)
            return Val(self.map2(m.data, s.entry(0, 0), lambda x, y: x * y), a.scalar and b.scalar)
        if a.shape[1] == b.shape[0]:
            return Val(self.matmul(a.data, b.data))
        if b.shape[0] == 1 and a.shape[1] == b.shape[1] > 1:
            # W h with h written as a tuple (h_1, ..., h_n): h is the column vector
            return Val(self.matmul(a.data, self.transpose_data(b.data)))
        if a.shape[0] == 1 and b.shape[1] == 1:
            # a row times a column of another length: only the outer product fits
            # (p - y) h^T, the vectors written as tuples
            return Val(self.matmul(self.transpose_data(a.data), self.transpose_data(b.data)))
        raise EvalError(f"cannot multiply a {shape_text(a.shape)} by a {shape_text(b.shape)} matrix")

    def hadamard(self, a: Val, b: Val) -> Val:
        """a \\odot b entry by entry; a row (or column) stretches over the rows (or
        columns) of the other operand, and a vector may be read either way."""
        if a.scalar or b.scalar:
            return self.mul(a, b)
        readings = [(a, b)]
        readings += [(self.transpose(a), b)] if 1 in a.shape else []
        readings += [(a, self.transpose(b))] if 1 in b.shape else []
        shape = None
        for x, y in readings:
            shape = _stretched(x.shape, y.shape)
            if shape is not None:
                a, b = x, y
                break
        if shape is None:
            raise EvalError(f"cannot multiply a {shape_text(a.shape)} and a {shape_text(b.shape)} "
                            "matrix entry by entry")
        at = lambda v, i, j: v.entry(i if v.shape[0] > 1 else 0, j if v.shape[1] > 1 else 0)  # noqa: E731
        rows, cols = shape
        return Val(self.matrix([[at(a, i, j) * at(b, i, j) for j in range(cols)] for i in range(rows)]))

    def kron(self, a: Val, b: Val) -> Val:
        """u \\otimes v: for two vectors the outer product u v^T (an n x m matrix),
        for matrices the Kronecker product."""
        if a.scalar or b.scalar:
            return self.mul(a, b)
        if 1 in a.shape and 1 in b.shape:
            a = a if a.shape[1] == 1 else self.transpose(a)
            b = b if b.shape[0] == 1 else self.transpose(b)
        (ar, ac), (br, bc) = a.shape, b.shape
        if ar * ac * br * bc > MAX_ENTRIES:
            raise EvalError("matrix too large")
        return Val(self.matrix([[a.entry(i // br, j // bc) * b.entry(i % br, j % bc) for j in range(ac * bc)]
                                for i in range(ar * br)]))

    def div(self, a: Val, b: Val) -> Val:
        if not b.scalar:
            if (a.shape == b.shape or a.scalar) and 1 in b.shape:
                # m / \sqrt{v} of two vectors (an Adam step), 1 / (1 + e^{-z}) of a vector z: entry by entry
                if any(self.is_zero(b.entry(i, j)) for i in range(b.shape[0]) for j in range(b.shape[1])):
                    raise EvalError("division by zero")
                inverse = Val(self.map(b.data, lambda x: 1 / x))
                return self.hadamard(a, inverse)
            raise EvalError("division by a matrix")
        if self.is_zero(b.entry(0, 0)):
            raise EvalError("division by zero")
        return Val(self.map2(a.data, b.entry(0, 0), lambda x, y: x / y), a.scalar)

    def transpose(self, a: Val) -> Val:
        return Val(self.transpose_data(a.data), a.scalar)

    def power(self, a: Val, e: Val) -> Val:
        if not e.scalar:
            raise EvalError("a matrix exponent")
        return Val(self.map(a.data, lambda x: self.pow(x, e.entry(0, 0))), a.scalar)


def _stretched(s: tuple[int, int], t: tuple[int, int]) -> tuple[int, int] | None:
    """The shape of an entry-by-entry product: equal sides, or a side of 1 that
    stretches; only one operand may stretch (a row times a column is no such product)."""
    shape = tuple(x if x == y or y == 1 else y if x == 1 else -1 for x, y in zip(s, t))
    return shape if -1 not in shape and shape in (tuple(s), tuple(t)) else None


class ExactFace(Face):
    """Exact SymPy values; matrices through derive's stages."""

    exact = True

    def matrix(self, rows):
        if sum(len(r) for r in rows) > MAX_ENTRIES:
            raise EvalError("matrix too large")
        return sp.ImmutableMatrix(rows)

    def number(self, value: sp.Rational):
        return value

    def map(self, data, fn):
        return sp.ImmutableMatrix(data.applyfunc(fn))

    def map2(self, data, s, fn):
        return sp.ImmutableMatrix(data.applyfunc(lambda x: fn(x, s)))

    def add_rows(self, data, row):
        return sp.ImmutableMatrix(data + sp.ones(data.rows, 1) * row)

    def matmul(self, a, b):
        return attention.matmul(a, b)

    def transpose_data(self, data):
        return sp.ImmutableMatrix(data.T)

    def is_zero(self, x) -> bool:
        return x == 0

    def whole(self, x) -> int | None:
        return int(x) if x.is_Integer else None

    def pow(self, x, e):
        if e not in (sp.S.Infinity, sp.S.NegativeInfinity) and not _certainly(e, lambda b: abs(b) <= MAX_EXPONENT):
            raise EvalError("exponent too large to evaluate")
        if x == 0 and _certainly(e, lambda b: b < 0):
            raise EvalError("division by zero")
        if not e.is_Integer and _certainly(x, lambda b: b < 0):
            raise EvalError("a negative number to a power that is not whole")
        if x.is_Rational and e.is_Rational and max(abs(e.p), e.q) > MAX_POWER_FRACTION:
            raise EvalError(f"a power to a fraction p/q with p or q past {MAX_POWER_FRACTION}")
        return sp.Pow(x, e)

    def constant(self, name: str):
        return {"e": sp.E, "pi": sp.pi}[name]

    def function(self, name: str, x):
        if name == "sqrt" and _certainly(x, lambda b: b < 0):
            raise EvalError("square root of a negative number")
        if name in ("log", "log10", "log2") and _certainly(x, lambda b: b <= 0):
            raise EvalError("logarithm of a number that is not positive")
        if name in ("exp", "tanh") and x not in (sp.S.Infinity, sp.S.NegativeInfinity) \
                and not _certainly(x, lambda b: abs(b) <= MAX_EXPONENT):
            raise EvalError("exponent too large to evaluate")
        return EXACT_FUNCTIONS[name](x)

    def apply_stage(self, stage, operands: tuple, params: tuple):
        """A ``Stage`` record's exact face on the rows of its operands; an input past the
        range of exp is refused where the stage exponentiates it."""
        if stage.exponent_guard and any(x not in (sp.S.Infinity, sp.S.NegativeInfinity)
                                        and not _certainly(x, lambda b: abs(b) <= MAX_EXPONENT)
                                        for data in operands for x in data):
            raise EvalError("exponent too large to evaluate")
        return stage(*[sp.ImmutableMatrix(data) for data in operands], *params)

    def causal_mask(self, data):
        return attention.causal_mask(data)

    def maximum(self, x, y):
        return sp.Max(x, y)

    def hstack(self, blocks):
        return sp.ImmutableMatrix(sp.Matrix.hstack(*blocks))


def _certainly(x, test) -> bool:
    """Does ``test`` hold for every value in a (64-bit) Arb ball of the exact number x?
    Never SymPy's own comparisons: they evaluate deep trees again and again."""
    if x.is_Rational:
        return bool(test(arb(fmpq(int(x.p), int(x.q)))))
    try:
        with ctx.workprec(64):
            b = ball(x)
    except (TypeError, KeyError, ValueError, ZeroDivisionError):
        return False
    return b.is_finite() and bool(test(b))


EXACT_FUNCTIONS = {
    "sin": sp.sin, "cos": sp.cos, "tan": sp.tan, "exp": sp.exp, "log": sp.log,
    "log10": lambda x: sp.log(x) / sp.log(10), "log2": lambda x: sp.log(x) / sp.log(2),
    "sqrt": sp.sqrt, "tanh": sp.tanh, "abs": sp.Abs, "ceil": sp.ceiling, "floor": sp.floor, "erf": sp.erf,
}


EXACT = ExactFace()


def grid_value(grid, scalar: bool) -> Val:
    """The exact value of printed numbers (a bare number is a scalar)."""
    value = EXACT.stack([[EXACT.scalar(p.value) for p in row] for row in grid])
    return Val(value.data, scalar and value.shape == (1, 1))
