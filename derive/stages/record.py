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
    row: Callable[..., list]                  # exact: (x: list, *params) -> list
    fast: Callable[..., np.ndarray]           # (x, *params, own=False) over the last axis
    ball: Callable[..., list]                 # (x: list[arb], *params) -> list[arb]
    vjp: Callable[..., list]                  # (x: list, g: list, *params) -> J(x)^T g
    ops: Callable[[Any, Any], Ops]            # (rows, cols) -> operations
    params: tuple[str, ...] = ()              # scalar parameters after the input (eps, T)
    domains: dict = field(default_factory=dict)   # param -> "positive" | "non_negative" (else any number)
    names: tuple[str, ...] = ()               # how documents call it (``softmax``, ``LN``)
    latex: Callable[..., str] | None = None   # (input LaTeX, *parameter LaTeX) -> the call
    entrywise: bool = False                   # f applied to each entry alone
    parameters: Callable[[Any], sp.Expr] = _no_parameters   # learnable, for width d
    exponent_guard: bool = False              # refuse exact inputs past exp's range (checker)
    symbolic: type = field(init=False, repr=False)

    def __post_init__(self):
        latex = self.latex or _plain_latex(self.name)
        cls = type(_class_name(self.name), (StageFunction,), {"stage": self, "call_latex": staticmethod(latex)})
        object.__setattr__(self, "symbolic", cls)

    def __call__(self, M, *args, **named):
        """The stage on a matrix: explicit rows give the exact value, a matrix
        expression gives the symbolic face (``Softmax(S)``). Parameters by
        position or by name (``eps=...``)."""
        params = self.parameters_of(args, named)
        if not is_explicit(M):
            return self.symbolic(M, *params)
        return sp.ImmutableMatrix([self.row(list(M.row(i)), *params) for i in range(M.rows)])

    def parameters_of(self, args: tuple, named: dict) -> tuple:
        """The parameters in ``params`` order, from positions then names."""
        unknown = sorted(set(named) - set(self.params[len(args):]))
        if len(args) > len(self.params) or unknown:
            raise TypeError(f"{self.name} takes the parameters {', '.join(self.params) or 'none'}")
        missing = [p for p in self.params[len(args):] if p not in named]
        if missing:
            raise TypeError(f"{self.name} needs the parameter {missing[0]}")
        return tuple(args) + tuple(named[p] for p in self.params[len(args):])

    def backward(self, M, G, *params) -> sp.ImmutableMatrix:
        r"""\frac{\partial}{\partial X} \sum_{ij} G_{ij} f(X)_{ij}: ``vjp`` on each row."""
        return sp.ImmutableMatrix([self.vjp(list(M.row(i)), list(G.row(i)), *params) for i in range(M.rows)])


class StageFunction(MatrixFunction):
    """The symbolic face of a ``Stage``: f(X, params...), shaped like X."""

    stage: Stage
    call_latex: Callable[..., str]

    def doit(self, **hints):
        args = [a.doit(**hints) for a in self.args]
        if is_explicit(args[0]):
            return self.stage(*args)
        return type(self)(*args)

    def _latex(self, printer):
        return self.call_latex(*[printer._print(a) for a in self.args])


def _class_name(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_")) + "Function"


def entrywise(name: str, title: str, definition: str, f: Callable, df: Callable, fast: Callable,
              ball: Callable, ops_per_entry: Ops, **more) -> Stage:
    r"""A stage f applied to each entry: row = [f(x_j)], vjp = [g_j f'(x_j)],
    cost ``ops_per_entry`` times r c. ``fast`` and ``ball`` act on arrays / one ball."""
    return Stage(
        name=name, title=title, definition=definition,
        row=lambda xs: [f(x) for x in xs],
        fast=fast,
        ball=lambda xs: [ball(x) for x in xs],
        vjp=lambda xs, gs: [g * df(x) for x, g in zip(xs, gs)],
        ops=lambda r, c: ops_per_entry.scale(r * c),
        entrywise=True, **more)


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
