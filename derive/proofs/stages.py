r"""The backward rule of every ``Stage`` record, proved against its forward row.

For a stage f applied row by row and an upstream gradient G of the same shape,

    L = \sum_{ij} G_{ij} f(X)_{ij}, \qquad
    \frac{\partial L}{\partial X_{ij}} = \left(J(X_{i \cdot})^T G_{i \cdot}\right)_j,

so the record's ``vjp`` is proved by differentiating L, built from the record's
own ``row``. Sizes: one and two rows of widths 2 and 3 symbolically (a single
entry for an element-wise stage), wider rows numerically. A stage whose row
uses ReLU is proved region by region (see ``identity.region_differences``);
one using another function of derive's that declares its own derivative would be
checked numerically only: SymPy would differentiate it by that same declaration.
"""

from __future__ import annotations

import sympy as sp

from derive.proofs.identity import Identity
from derive.proofs.theorem import Step, Theorem, Walkthrough, entry_sum, matrix, partial
from derive.stages.activation import ReLU
from derive.stages.record import Stage, all_stages

# A stage's parameters in its proof: symbols with the sign their domain gives them
# (a probability p is q / (1 + q) for a positive q, so every p in (0, 1) is covered).
_q = sp.Symbol("q", positive=True)
NAMED = {"eps": sp.Symbol("epsilon", positive=True)}
BY_DOMAIN = {"probability": lambda name: _q / (1 + _q),
             "non_negative": lambda name: sp.Symbol(name, nonnegative=True)}
ROW_SYMBOLIC = ((1, 2), (1, 3), (2, 2))
ROW_NUMERIC = ((2, 5), (3, 4), (1, 8))
ENTRY_SYMBOLIC = ((1, 1),)
ENTRY_NUMERIC = ((2, 3),)


def theorem_name(stage: Stage) -> str:
    return f"{stage.name.replace('_', '-')}-backward"


def _params(stage: Stage) -> tuple:
    return tuple(NAMED.get(p) or BY_DOMAIN.get(stage.domains.get(p), lambda n: sp.Symbol(n, positive=True))(p)
                 for p in stage.params)


def self_declared(expr) -> bool:
    """Does ``expr`` use a function of derive's that states its own derivative (``fdiff``),
    other than ReLU (which the symbolic proof splits into regions instead of trusting)?"""
    return any(type(f).__module__.startswith("derive.") and "fdiff" in vars(type(f)) and not isinstance(f, ReLU)
               for f in expr.atoms(sp.Function))


OPERAND_NAMES = ("x", "y", "z")


def _operands(stage: Stage, rows: int, cols: int) -> list:
    return [matrix(name, rows, cols) for name in OPERAND_NAMES[:stage.arity]]


def _gradients(stage: Stage, operands: list, G) -> list:
    grads = stage.backward(*operands, G, params=_params(stage))
    return [grads] if stage.arity == 1 else list(grads)


def numeric_only(stage: Stage) -> bool:
    """Is the stage's backward rule checked numerically only (its row declares its own derivative)?"""
    return self_declared(stage(*_operands(stage, 1, 2), *_params(stage)))


def fits(stage: Stage, rows: int, cols: int) -> bool:
    """Does the stage take inputs of this shape (RoPE: an even width)?"""
    try:
        stage(*_operands(stage, rows, cols), *_params(stage))
    except ValueError:
        return False
    return True


def backward_at(stage: Stage, rows: int, cols: int, symbolic: bool = True) -> Identity:
    r"""L = \sum G \circ f(X, ...) against \partial L / \partial X, ... = ``stage.backward``."""
    operands, G = _operands(stage, rows, cols), matrix("g", rows, cols)
    forward = entry_sum(G, stage(*operands, *_params(stage)))
    symbolic = symbolic and not self_declared(forward)
    return Identity(theorem_name(stage), forward, operands, _gradients(stage, operands, G),
                    sizes=f"{rows}x{cols}", symbolic=symbolic)


def backward_walkthrough(stage: Stage) -> list[Walkthrough]:
    width = 1 if stage.entrywise else 4 if stage.positional else 3
    operands, G = _operands(stage, 1, width), matrix("g", 1, width)
    forward = entry_sum(G, stage(*operands, *_params(stage)))
    first = operands[0][0, 0]
    lhs = partial("L", first)
    raw = None if self_declared(forward) else Step("sympy", lhs, sp.diff(forward, first))
    closed = _gradients(stage, operands, G)[0][0, 0]
    return [Walkthrough(f"1x{width}", Step("forward", "L", forward), raw, (), Step("closed", lhs, closed))]


def backward_theorem(stage: Stage) -> Theorem:
    symbolic_sizes, numeric_sizes = ((ENTRY_SYMBOLIC, ENTRY_NUMERIC) if stage.entrywise
                                     else (ROW_SYMBOLIC, ROW_NUMERIC))
    symbolic_sizes = [s for s in symbolic_sizes if fits(stage, *s)]
    numeric_sizes = [s for s in numeric_sizes if fits(stage, *s)]
    shown = ", ".join(f"{r}x{c}" for r, c in symbolic_sizes)
    more = ", ".join(f"{r}x{c}" for r, c in numeric_sizes)
    names = OPERAND_NAMES[:stage.arity]
    inputs = ", ".join(names)
    return Theorem(
        name=theorem_name(stage), title=f"{stage.title}: the backward rule",
        statement=tuple(rf"\frac{{\partial L}}{{\partial {v}_j}} = \left(J_{{{v}}}^T g\right)_j" if stage.arity > 1
                        else r"\frac{\partial L}{\partial x_j} = \left(J(x)^T g\right)_j" for v in names),
        given=(rf"f({inputs})_j = {stage.definition}", rf"L = \sum_j g_j \, f({inputs})_j"),
        sizes=f"{shown} (+{more})",
        instances=lambda: [backward_at(stage, *s) for s in symbolic_sizes]
        + [backward_at(stage, *s, symbolic=False) for s in numeric_sizes],
        walkthroughs=lambda: backward_walkthrough(stage))


def stage_theorems() -> dict:
    """``NAME-backward`` for every Stage record, in the records' order."""
    return {theorem_name(stage): (lambda stage=stage: backward_theorem(stage)) for stage in all_stages().values()}
