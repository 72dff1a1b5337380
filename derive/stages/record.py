r"""One record per formula family: every face of a stage, its backward rule and its cost.

A ``Stage`` is defined once, row by row, in SymPy (``row``). That definition is
the exact face (explicit matrices of exact values) and, through a
``StageFunction`` over ``MatrixSymbol``s, the symbolic face: ``doit()`` with
explicit matrices substituted hands them to ``row``. Beside it, in the same
record:

* ``fast``: the NumPy kernel over the last axis (a batch axis passes through),
  which compiled graphs call and the checker screens with; ``own=True`` lets it
  overwrite its argument;
* ``ball``: the Arb face, one row of balls, written so that a wide input ball
  gives a ball no wider than it must be (the checker's enclosure hypothesis);
* ``vjp``: the backward rule, the vector-Jacobian product
  J(x)^T g = \left(\sum_i g_i \frac{\partial f_i}{\partial x_j}\right)_j for one row,
  proved against SymPy's derivative of ``row`` by ``derive prove NAME-backward``;
* ``ops``: the scalar operations on an r x c input (``derive.stages.cost.Ops``);
  ``parameters``: the learnable parameters for rows of width d.

A stage may take several operands of one shape (``arity``: SwiGLU's gate
a \circ \mathrm{SiLU}(b), dropout's x and mask): its row functions then take one row
of each, and ``vjp`` returns one gradient row per operand. A ``positional``
stage (RoPE) also gets the row's index, its position, after the rows.
An element-wise stage (ReLU, GELU) is made by ``entrywise`` from its scalar
function and derivative. Every ``Stage`` defined at the top of a module of
``derive.stages`` is found by ``all_stages``: adding a stage is adding its file.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import sympy as sp
from sympy.matrices.expressions.matexpr import MatrixElement

from derive.evaluate import as_ball
from derive.stages.cost import Ops
from derive.stages.matexpr import MatrixFunction, is_explicit


def _no_parameters(d) -> sp.Expr:
    return sp.S.Zero


def _plain_latex(name: str) -> Callable[..., str]:
    return lambda inner, *params: rf"\mathrm{{{name}}}\left({inner}\right)"


@dataclass(frozen=True, eq=False)
class Stage:
    """A formula family with all its faces; see the module docstring."""

    name: str                                 # spec stage name; ``derive prove NAME-backward``
    title: str                                # for pages and proof tables
    definition: str                           # LaTeX of one output entry, in x_j (and params)
    row: Callable[..., list]                  # exact: (x: list, [position,] *params) -> list
    fast: Callable[..., np.ndarray]           # (x, *params, own=False) over the last axis
    ball: Callable[..., list]                 # (x: list[arb], [position,] *params) -> list[arb]
    vjp: Callable[..., list]                  # (x: list, g: list, [position,] *params) -> J(x)^T g
    ops: Callable[[Any, Any], Ops]            # (rows, cols) -> operations
    params: tuple[str, ...] = ()              # scalar parameters after the input (eps, T)
    domains: dict = field(default_factory=dict)   # param -> "positive" | "non_negative" | "probability"
    defaults: dict = field(default_factory=dict)  # param -> SymPy number when a call leaves it out
    arity: int = 1                            # matrix operands, all of one shape
    positional: bool = False                  # rows also get their index (0-based position)
    names: tuple[str, ...] = ()               # how documents call it (``softmax``, ``LN``)
    latex: Callable[..., str] | None = None   # (input LaTeX, *parameter LaTeX) -> the call
    entrywise: bool = False                   # f applied to each entry alone
    parameters: Callable[[Any], sp.Expr] = _no_parameters   # learnable, for width d
    exponent_guard: bool = False              # refuse exact inputs past exp's range (checker)
    approximations: tuple = ()                # (stage name, how the checker names it): GELU's tanh form
    symbolic: type = field(init=False, repr=False)

    def __post_init__(self):
        latex = self.latex or _plain_latex(self.name)
        cls = type(_class_name(self.name), (StageFunction,), {"stage": self, "call_latex": staticmethod(latex)})
        object.__setattr__(self, "symbolic", cls)

    def __call__(self, M, *args, **named):
        """The stage on its operands: explicit rows give the exact value, matrix
        expressions give the symbolic face (``Softmax(S)``). Parameters by
        position or by name (``eps=...``)."""
        operands, args = (M, *args[:self.arity - 1]), args[self.arity - 1:]
        if len(operands) < self.arity:
            raise TypeError(f"{self.name} takes {self.arity} operands")
        if len({tuple(A.shape) for A in operands}) != 1:
            raise ValueError(f"the operands of {self.name} differ in shape")
        params = self.parameters_of(args, named)
        if not all(is_explicit(A) for A in operands):
            return self.symbolic(*operands, *params)
        return sp.ImmutableMatrix(self.by_rows(self.row, operands, params))

    def by_rows(self, fn: Callable, operands, params: tuple, *more) -> list:
        """``fn`` on each row: the operands' rows, then ``more`` rows (an upstream
        gradient), the position if the stage is positional, then the parameters."""
        rows = []
        first = operands[0]
        for i in range(first.shape[0] if hasattr(first, "shape") else len(first)):
            where = (i,) if self.positional else ()
            rows.append(fn(*[_row(A, i) for A in (*operands, *more)], *where, *params))
        return rows

    def parameters_of(self, args: tuple, named: dict) -> tuple:
        """The parameters in ``params`` order, from positions, names, then defaults."""
        unknown = sorted(set(named) - set(self.params[len(args):]))
        if len(args) > len(self.params) or unknown:
            raise TypeError(f"{self.name} takes the parameters {', '.join(self.params) or 'none'}")
        given = {**self.defaults, **named}
        missing = [p for p in self.params[len(args):] if p not in given]
        if missing:
            raise TypeError(f"{self.name} needs the parameter {missing[0]}")
        return tuple(args) + tuple(given[p] for p in self.params[len(args):])

    def certified(self, *operands, params: tuple = (), digits: int = 50) -> list[list[str]]:
        """Every entry of the stage on explicit matrices of rationals, correctly rounded to
        ``digits`` significant digits, each digit certified by an Arb ball (the precision
        doubles until all are decided); rows of exact rationals go to the ball face as
        ``fmpq``, so what can stay exact does."""
        from flint import arb_mat

        from derive.exact import certify, exact_fmpq, to_fmpq_mat

        rows = [to_fmpq_mat(A).tolist() for A in operands]
        exact_params = tuple(exact_fmpq(p) for p in params)
        return certify(lambda: arb_mat(self.by_rows(self.ball, rows, exact_params)), digits, self.title.lower())

    def backward(self, *args, params: tuple = ()):
        r"""\frac{\partial}{\partial X} \sum_{ij} G_{ij} f(X, \dots)_{ij}: ``vjp`` on each row, called
        as ``backward(X, ..., G, *params)`` (or ``params=``); one gradient matrix per operand (a
        tuple when the stage has several)."""
        operands, G = args[:self.arity], args[self.arity]
        rows = self.by_rows(self.vjp, operands, tuple(args[self.arity + 1:]) + tuple(params), G)
        if self.arity == 1:
            return sp.ImmutableMatrix(rows)
        return tuple(sp.ImmutableMatrix([r[k] for r in rows]) for k in range(self.arity))


def _row(A, i: int) -> list:
    """Row i of an explicit matrix, or of an array or list of rows of balls, as a list."""
    return list(A.row(i)) if isinstance(A, sp.MatrixBase) else list(A[i])


class StageFunction(MatrixFunction):
    """The symbolic face of a ``Stage``: f(X, params...), shaped like X."""

    stage: Stage
    call_latex: Callable[..., str]

    def doit(self, **hints):
        args = [_worked_out(a.doit(**hints)) for a in self.args]
        if all(is_explicit(a) for a in args[:self.stage.arity]):
            return self.stage(*args)
        return type(self)(*args)

    def _entry(self, i, j, **kwargs):
        """Entry (i, j) stays an element of this expression until its operands are explicit."""
        return MatrixElement(self, i, j)

    def _latex(self, printer):
        return self.call_latex(*[printer._print(a) for a in self.args])


def _worked_out(a):
    """A matrix expression with no symbol matrix left in it (``Matrix / T``) as its entries:
    SymPy's doit leaves a scalar times an explicit matrix as a product."""
    if isinstance(a, sp.MatrixExpr) and not is_explicit(a) and not a.atoms(sp.MatrixSymbol) \
            and all(isinstance(n, int) or n.is_Integer for n in a.shape):
        return a.as_explicit()
    return a


def _class_name(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_")) + "Function"


def entrywise(name: str, title: str, definition: str, f: Callable, df: Callable, fast: Callable,
              ball: Callable, ops_per_entry: Ops, arity: int = 1, **more) -> Stage:
    r"""A stage f applied to each entry (of each operand, side by side): row = [f(x_j)],
    vjp = [g_j f'(x_j)] (with several operands, df gives the partial derivatives and
    vjp one row per operand), cost ``ops_per_entry`` times r c. ``fast`` acts on
    arrays, ``ball`` on one ball per operand, ``f`` and ``df`` on one entry per operand."""
    def vjp(*args):
        rows, gs, params = args[:arity], args[arity], args[arity + 1:]
        partials = [df(*entries, *params) for entries in zip(*rows)]
        if arity == 1:
            return [g * d for d, g in zip(partials, gs)]
        return [[g * d[k] for d, g in zip(partials, gs)] for k in range(arity)]

    return Stage(
        name=name, title=title, definition=definition,
        row=lambda *args: [f(*entries, *args[arity:]) for entries in zip(*args[:arity])],
        fast=fast,
        ball=lambda *args: [ball(*map(as_ball, entries), *args[arity:]) for entries in zip(*args[:arity])],
        vjp=vjp,
        ops=lambda r, c: ops_per_entry.scale(r * c),
        entrywise=True, arity=arity, **more)


def all_stages() -> dict[str, Stage]:
    """Every ``Stage`` at the top of a module of ``derive.stages``, by name, in
    module order (a name used twice is a bug: it raises)."""
    import derive.stages as package

    found: dict[str, Stage] = {}
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        for value in vars(module).values():
            if isinstance(value, Stage) and found.get(value.name, value) is not value:
                raise RuntimeError(f"two stages are named {value.name!r}")
            if isinstance(value, Stage):
                found[value.name] = value
    return found
