r"""A step given as a formula: ``formula = '\mathrm{GELU}(X W_1 + b_1)'``.

The LaTeX is read by derive's own strict parser (``derive.check.read.latex``)
and turned into SymPy by the identity reader (``derive.proofs.latex.Reader``):
names are the spec's inputs and earlier steps (by name, ``W_1``, or by label,
``W_{\sigma}``) as ``MatrixSymbol``s of their shapes, the step's parameters
(``alpha = 0.5``, ``d_k = 3``) and the constants e and pi as numbers, and the
stage records are functions (``\mathrm{softmax}``, ``\mathrm{LN}``, ``\sigma``,
``\mathrm{ReLU}``, ``\mathrm{GELU}`` ...). A row added to a matrix is added to
each of its rows (``X W + b``), as the ``project`` stage does. Never ``sympify``.

The result is the step's general formula over its operands' symbols (shown on
the page, and with the operands' numbers put in); the step's value is that
formula on the operands' values.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import sympy as sp

from derive.check.read import nodes as N
from derive.check.read.latex import parse
from derive.check.read.lexer import LatexError
from derive.proofs.latex import IdentityTextError, Reader


class FormulaError(ValueError):
    """A formula derive cannot read or form; ``column`` counts from 1."""

    def __init__(self, message: str, column: int | None = None):
        super().__init__(message if column is None else f"column {column}: {message}")


@dataclass(frozen=True)
class ParsedFormula:
    """The formula's tree and the names it uses (before any shape is known)."""

    text: str
    tree: N.Node
    names: tuple[str, ...]


def parse_formula(text: str) -> ParsedFormula:
    try:
        tree = parse(text)
    except LatexError as exc:
        raise FormulaError(str(exc), exc.offset + 1) from None
    return ParsedFormula(text, tree, tuple(N.names(tree)))


def formula_operands(formula: ParsedFormula, known: Mapping[str, str], params) -> tuple[str, ...]:
    """The inputs and earlier steps the formula uses, in order of first use (``known``: how the
    formula may write each name, by name or by its label's key -> the spec's name). A name that is
    none of these, nor a parameter nor a constant, is an error naming it."""
    operands = []
    for name in formula.names:
        if name in known:
            if known[name] not in operands:
                operands.append(known[name])
        elif name not in params and name not in ("e", "pi"):
            raise FormulaError(f"{name} is not an input, an earlier step or a parameter of this step")
    return tuple(operands)


def formula_expression(formula: ParsedFormula, symbols: Mapping[str, sp.Basic], params: Mapping[str, sp.Basic]):
    """The SymPy value of the formula: ``symbols`` maps each way of writing an operand to its
    MatrixSymbol, ``params`` each parameter to a symbol or a number."""
    try:
        return SpecReader({**params, **symbols}, params).value(formula.tree)
    except IdentityTextError as exc:
        raise FormulaError(str(exc)) from None
    except (ValueError, TypeError, sp.ShapeError, NotImplementedError, AttributeError) as exc:
        raise FormulaError(f"cannot be formed: {exc}") from None


def spell(known: dict, name: str, label: str, value) -> None:
    r"""Record how a formula may write ``name``: by name (which always wins), and as its label
    writes it (``W_{\sigma}`` for an input ``W_s`` so labelled)."""
    known[name] = value
    key = latex_key(label)
    if key is not None:
        known.setdefault(key, value)


def latex_key(label: str) -> str | None:
    """How the parser names what a label writes (``W_{\\sigma}`` -> ``W_sigma``), or None."""
    try:
        node = parse(label)
    except LatexError:
        return None
    return N.key(node) if isinstance(node, N.Sym) else None


class SpecReader(Reader):
    """The identity reader, with a row added to a matrix broadcast over its rows."""

    def _add(self, node: N.Add):
        values = [self.value(t) * sign for t, sign in zip(node.terms, node.signs)]
        rows = max((v.shape[0] for v in values if isinstance(v, sp.MatrixExpr)), default=None)
        if rows is not None:
            values = [sp.OneMatrix(rows, 1) * v if isinstance(v, sp.MatrixExpr) and v.shape[0] == 1 and rows > 1
                      else v for v in values]
        total = values[0]
        for v in values[1:]:
            total = total + v
        return total
