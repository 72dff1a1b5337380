r"""A registered identity: its statement, its sizes, and a worked derivation.

A ``Theorem`` is what ``derive prove NAME`` proves: a list of ``Identity``
instances (one per size, symbolic where the algebra allows, numeric alone at
larger sizes) and a ``Walkthrough`` per shown entry, the steps from SymPy's
derivative to the closed form, for ``output/proofs.md``. Steps are SymPy
expressions; ``why`` names the rewriting, and the template holds its prose.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import sympy as sp

from derive.symbols import as_expr
from derive.proofs.identity import BOTH, CHECKED, NUMERIC, PROVED, REFUTED, SYMBOLIC, Identity, \
    ProofResult, prove_identity
from derive.symbols import latex


@dataclass(frozen=True)
class Step:
    """One rewriting: ``lhs = expr``, reached by the operation named ``why``."""

    why: str
    lhs: str
    expr: sp.Expr

    @property
    def latex(self) -> str:
        return f"{self.lhs} = {show(self.expr)}"


@dataclass(frozen=True)
class Walkthrough:
    """One entry worked by hand: forward, SymPy's derivative, steps, closed form."""

    size: str
    forward: Step
    derivative: Step | None           # None for an identity without a derivative
    steps: tuple[Step, ...]
    closed: Step


@dataclass(frozen=True)
class Theorem:
    name: str
    title: str
    statement: tuple[str, ...]        # LaTeX equations, from SymPy objects
    given: tuple[str, ...]            # LaTeX definitions the statement relies on
    sizes: str                        # a short summary for the table
    instances: Callable[[], list[Identity]]
    walkthroughs: Callable[[], list[Walkthrough]]


_LAYERED = re.compile(r"^([A-Za-z]+)(\d)_(\d+)$")  # W1_12: entry 12 of W_1


def show(expr) -> str:
    r"""LaTeX of an expression: entries of numbered matrices as $W^{(1)}_{12}$,
    the Heaviside step as $H$."""
    expr = as_expr(expr).replace(sp.Heaviside, lambda a, *rest: sp.Function("H")(a))
    names = {}
    for symbol in sorted(expr.free_symbols, key=str):
        match = _LAYERED.match(symbol.name)
        if match:
            names[symbol] = f"{match[1]}^{{({match[2]})}}_{{{match[3]}}}"
    return latex(expr, names)


def partial(f: str, v) -> str:
    r"""$\frac{\partial f}{\partial v}$, with v's LaTeX from its object."""
    return rf"\frac{{\partial {f}}}{{\partial {show(v)}}}"


def vector(name: str, size: int, **assumptions) -> list[sp.Symbol]:
    """Symbols name_1 ... name_size (real unless told otherwise)."""
    assumptions.setdefault("real", True)
    return [sp.Symbol(f"{name}_{k}", **assumptions) for k in range(1, size + 1)]


def matrix(name: str, rows: int, cols: int, **assumptions) -> sp.ImmutableMatrix:
    """A rows x cols matrix of real symbols name_ij (1-based; a row: name_j)."""
    assumptions.setdefault("real", True)

    def entry(i, j):
        index = f"{j + 1}" if rows == 1 else f"{i + 1}{j + 1}"
        return sp.Symbol(f"{name}_{index}", **assumptions)
    return sp.ImmutableMatrix(rows, cols, entry)


def entry_sum(A, B) -> sp.Expr:
    r"""$\sum_{ij} A_{ij} B_{ij}$: the scalar whose gradient is backpropagation with upstream A."""
    return sp.Add(*[a * b for a, b in zip(A, B)])


def name_softmax(expr: sp.Expr, scores, weights) -> sp.Expr:
    r"""``expr`` with each softmax named: per row r, $\sum_c e^{s_{rc}} = \Sigma_r$ and
    $e^{s_{rc}} = P_{rc} \Sigma_r$ (``scores`` and ``weights``: rows of equal shape)."""
    for r, (row, names) in enumerate(zip(scores, weights)):
        total = sp.Symbol(r"\Sigma" if len(scores) == 1 else rf"\Sigma_{r + 1}", positive=True)
        expr = expr.subs(sp.Add(*[sp.exp(s) for s in row]), total)
        expr = expr.subs({sp.exp(s): p * total for s, p in zip(row, names)})
    return sp.factor(sp.simplify(expr))


def prove_theorem(theorem: Theorem, points: int = 4, seed: int = 0,
                  budget: float = 30.0) -> ProofResult:
    """Every instance of ``theorem``, combined into one result (parts kept)."""
    start = time.perf_counter()
    statement = r", \quad ".join(theorem.statement)
    parts = tuple(prove_identity(i if i.statement else replace(i, statement=statement), points=points,
                                 seed=seed, budget=budget) for i in theorem.instances())
    return combine(theorem, parts, time.perf_counter() - start)


def combine(theorem: Theorem, parts: Sequence[ProofResult], seconds: float) -> ProofResult:
    """One result: refuted if a part is refuted; proved if every part that tried a symbolic
    proof (sizes not in ``(+...)``) is proved, and there is one; else checked. Parts
    checked numerically only by design are extra evidence: they can refute, not prove."""
    results = [p.result for p in parts]
    symbolic_parts = [p for p in parts if p.attempted]
    result = REFUTED if REFUTED in results else PROVED if symbolic_parts and all(
        p.result == PROVED for p in symbolic_parts) else CHECKED
    methods = {p.method for p in parts}
    symbolic = any(m in (SYMBOLIC, BOTH) for m in methods)
    numeric = any(m in (NUMERIC, BOTH) for m in methods)
    method = BOTH if symbolic and numeric else SYMBOLIC if symbolic else NUMERIC
    failure = next((p.failure for p in parts if p.failure is not None), None)
    notes = "; ".join(p.note for p in parts if p.note)
    fd = [p.difference_digits for p in parts if p.difference_digits is not None]
    digits = [p.digits for p in parts if p.points]
    return ProofResult(
        name=theorem.name, statement=r", \quad ".join(theorem.statement), method=method,
        sizes=theorem.sizes, result=result, seconds=seconds, failure=failure, note=notes,
        points=sum(p.points for p in parts), digits=min(digits, default=0),
        difference_digits=min(fd, default=None),
        rewritings=tuple(sorted({r for p in parts for r in p.rewritings})), parts=tuple(parts),
        attempted=bool(symbolic_parts))
