"""Math names, declared once: the shapes and the matrices of the symbolic face.

Every symbolic formula derive prints is built from these objects, so the LaTeX
a reader sees is the LaTeX of the expression that is evaluated.
"""

from __future__ import annotations

from fractions import Fraction

import sympy as sp
from sympy.printing.latex import LatexPrinter

# Shapes: sequence length, model width, key width, feed-forward width, heads.
n, d_model, d_k, d_v, d_ff, h = sp.symbols("n d_model d_k d_v d_ff h", integer=True, positive=True)
# Scalars of layer norm and of training.
eps, alpha = sp.symbols("epsilon alpha", positive=True)

X = sp.MatrixSymbol("X", n, d_model)            # token embeddings, one row a token
PE = sp.MatrixSymbol("PE", n, d_model)          # positional encoding
W_Q = sp.MatrixSymbol("W_Q", d_model, d_k)
W_K = sp.MatrixSymbol("W_K", d_model, d_k)
W_V = sp.MatrixSymbol("W_V", d_model, d_v)
W_O = sp.MatrixSymbol("W_O", h * d_v, d_model)
W_1 = sp.MatrixSymbol("W_1", d_model, d_ff)
b_1 = sp.MatrixSymbol("b_1", 1, d_ff)
W_2 = sp.MatrixSymbol("W_2", d_ff, d_model)
b_2 = sp.MatrixSymbol("b_2", 1, d_model)
gamma = sp.MatrixSymbol("gamma", 1, d_model)
beta = sp.MatrixSymbol("beta", 1, d_model)

def as_expr(value) -> sp.Basic:
    """A number or SymPy object as a SymPy object. Text is refused: derive never
    parses strings into expressions (document text is data, not code)."""
    if isinstance(value, sp.Basic):
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float, Fraction)):
        raise TypeError(f"not a number or a SymPy object: {type(value).__name__}")
    if isinstance(value, Fraction):
        return sp.Rational(value.numerator, value.denominator)
    return sp.Integer(value) if isinstance(value, int) else sp.Float(value)


# LaTeX for names whose default rendering is not how the paper writes them.
LATEX_NAMES = {
    "d_model": r"d_{\text{model}}",
    "d_ff": r"d_{\text{ff}}",
    "epsilon": r"\epsilon",
    "PE": r"PE",
}


class _Printer(LatexPrinter):
    """SymPy's LaTeX, but a scalar divisor of a matrix product is written as a
    fraction, the way papers write it: ``\\frac{Q K^{T}}{\\sqrt{d_{k}}}``."""

    def _print_MatMul(self, expr):
        coeff, matrices = expr.as_coeff_matrices()
        num, den = sp.fraction(coeff)
        if den == 1:
            return super()._print_MatMul(expr)
        product = sp.MatMul(*matrices) if num == 1 else sp.MatMul(num, *matrices)
        return rf"\frac{{{self._print(product)}}}{{{self._print(den)}}}"

    def _print_Transpose(self, expr):
        """A primed name is braced before its ^{T}: K'^{T} is a double
        superscript (the prime is one) that KaTeX and MathJax reject."""
        printed = super()._print_Transpose(expr)
        base = printed.removesuffix("^{T}")
        return f"{{{base}}}^{{T}}" if "'" in base and not base.startswith(r"\left(") else printed

    def _print_MatAdd(self, expr):
        """A sum of matrices in the order it was written (X + PE, not PE + X)."""
        return self._print_Add(expr, order="none")


def latex(expr, names: dict | None = None, order: str | None = None) -> str:
    """LaTeX of a symbolic-face expression, with derive's names.

    ``names`` maps further symbols (a step's MatrixSymbol) to their LaTeX.
    """
    table = {a: LATEX_NAMES[a.name] for a in _atoms(expr) if a.name in LATEX_NAMES}
    table.update(names or {})
    printer = _Printer({"symbol_names": table, "mat_str": "pmatrix", "mat_delim": "", "order": order})
    return printer.doprint(expr)


def _atoms(expr):
    if not hasattr(expr, "atoms"):
        return []
    return sorted(expr.atoms(sp.Symbol, sp.MatrixSymbol), key=str)
