r"""LaTeX of an identity, read into SymPy by derive's own parser: never ``sympify``.

The text is parsed by ``derive.check.read.latex.parse`` (the checker's strict parser)
into a tree, and this module turns the tree into SymPy over *declared* names only:
a name with a shape is a ``MatrixSymbol`` (made explicit for the proof), any other
declared name a real symbol with the file's assumptions. An undeclared name, a
function derive does not know, or notation outside the subset is an error that
names what it met.

    A X, A^T, X^{-1}, X^{-T}, \mathrm{tr}(X), \det X, \log, \ln, \exp, e^{x},
    \sqrt{x}, \frac{a}{b}, \sin, \cos, \tanh, \sigma(x), \mathrm{erf}, \mathrm{softplus},
    \max, \min, |x|, \mathrm{sign}, \mathrm{ReLU}, H(x) (the step), \|x\| (Frobenius),
    A \odot B, and the stage records by name on a row: \mathrm{softmax}(z),
    \mathrm{LN}(x), \mathrm{RMSNorm}(x), \mathrm{GELU}(x) ...
"""

from __future__ import annotations

from collections.abc import Mapping

import sympy as sp
from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction

from derive.check.read import nodes as N
from derive.check.read.latex import parse
from derive.check.read.lexer import LatexError
from derive.stages.activation import ReLU, sigmoid
from derive.stages.record import all_stages

CONSTANTS = {"e": sp.E, "pi": sp.pi}
SCALAR_FUNCTIONS = {
    "exp": sp.exp, "log": sp.log, "ln": sp.log, "sin": sp.sin, "cos": sp.cos, "tan": sp.tan,
    "tanh": sp.tanh, "sqrt": sp.sqrt, "erf": sp.erf, "abs": sp.Abs, "sign": sp.sign, "sgn": sp.sign,
    "sigma": sigmoid, "sigmoid": sigmoid, "softplus": lambda v: sp.log(1 + sp.exp(v)),
    "ReLU": ReLU, "relu": ReLU, "H": sp.Heaviside, "Heaviside": sp.Heaviside,
}
MATRIX_FUNCTIONS = {"tr": sp.Trace, "Tr": sp.Trace, "trace": sp.Trace, "det": sp.Determinant}


class IdentityTextError(ValueError):
    """LaTeX of an identity that derive does not read; ``column`` is 1-based."""

    def __init__(self, message: str, column: int | None = None):
        super().__init__(message if column is None else f"column {column}: {message}")
        self.column = column


def read(text: str, names: Mapping[str, sp.Basic], params: Mapping[str, sp.Basic] | None = None) -> sp.Basic:
    """The SymPy value of ``text`` over the declared ``names`` (stage parameters such as
    epsilon from ``params``)."""
    try:
        tree = parse(text)
    except LatexError as exc:
        raise IdentityTextError(str(exc), exc.offset + 1) from None
    return Reader(names, params or {}).value(tree)


def _scalar(v):
    """A 1 x 1 matrix expression (a^T x, z g^T) as the number it is."""
    return v[0, 0] if isinstance(v, sp.MatrixExpr) and v.shape == (1, 1) else v


def product(a, b):
    """a b; a 1 x 1 factor that does not fit as a matrix is taken as a number."""
    try:
        return a * b
    except sp.ShapeError:
        return _scalar(a) * _scalar(b)


class Reader:
    def __init__(self, names: Mapping[str, sp.Basic], params: Mapping[str, sp.Basic]):
        self.names, self.params = names, params
        self.stages = {alias: stage for stage in all_stages().values() for alias in stage.names}

    def fail(self, node: N.Node, what: str):
        raise IdentityTextError(what, node.start + 1)

    def value(self, node: N.Node) -> sp.Basic:
        method = getattr(self, f"_{type(node).__name__.lower()}", None)
        if method is None:
            self.fail(node, f"{type(node).__name__.lower()} is not read in an identity")
        return method(node)

    def _num(self, node: N.Num):
        return sp.Rational(node.printed.value)

    def _sym(self, node: N.Sym):
        if node.name in self.names:
            return self.names[node.name]
        if node.name in CONSTANTS:
            return CONSTANTS[node.name]
        self.fail(node, f"{node.name} is not declared (give it in shapes, or as a scalar in names)")

    def _add(self, node: N.Add):
        values = [self.value(term) * sign for term, sign in zip(node.terms, node.signs)]
        if any(not isinstance(v, sp.MatrixExpr) for v in values):     # a number plus x^T x: numbers
            values = [_scalar(v) for v in values]
        total = values[0]
        for v in values[1:]:
            total = total + v
        return total

    def _mul(self, node: N.Mul):
        out = self.value(node.factors[0])
        for f in node.factors[1:]:
            out = product(out, self.value(f))
        return out

    def _hadamard(self, node: N.Hadamard):
        return sp.HadamardProduct(self.value(node.left), self.value(node.right))

    def _div(self, node: N.Div):
        den = _scalar(self.value(node.den))
        if isinstance(den, sp.MatrixExpr):
            self.fail(node, "a division by a matrix (write its inverse, X^{-1})")
        return self.value(node.num) / den

    def _neg(self, node: N.Neg):
        return -self.value(node.arg)

    def _transpose(self, node: N.Transpose):
        return self.value(node.arg).T

    def _pow(self, node: N.Pow):
        exp = node.exp
        if isinstance(exp, N.Sym) and exp.name == "T":                      # X^T
            return self.value(node.base).T
        if isinstance(exp, N.Neg) and isinstance(exp.arg, N.Sym) and exp.arg.name == "T":   # X^{-T}
            return self.value(node.base).inv().T
        base = self.value(node.base)
        e = _scalar(self.value(exp))
        if isinstance(e, sp.MatrixExpr):
            self.fail(node, "a power whose exponent is a matrix")
        if isinstance(base, sp.MatrixExpr) and base.shape == (1, 1) and not (e.is_Integer and e > 0):
            base = _scalar(base)             # (x^T x)^{1/2}: a number
        if isinstance(base, sp.MatrixExpr):
            if e == -1:
                return base.inv()
            if isinstance(e, sp.Integer) and e > 0:
                return base ** int(e)
            self.fail(node, "a matrix to a power other than a whole number or -1")
        return base ** e

    def _call(self, node: N.Call):
        args = [self.value(a) for a in node.args]
        name = node.name
        if name in ("max", "min") and len(args) == 2:
            return (sp.Max if name == "max" else sp.Min)(*args)
        if name == "‖" and len(args) == 1:                                   # Frobenius norm
            M = args[0]
            return sp.sqrt(sp.Trace(M.T * M)) if isinstance(M, sp.MatrixExpr) else sp.Abs(M)
        if len(args) != 1:
            self.fail(node, f"{name} of {len(args)} arguments")
        (x,) = args
        if name in MATRIX_FUNCTIONS:
            if not isinstance(x, sp.MatrixExpr):
                self.fail(node, f"{name} of a number")
            return MATRIX_FUNCTIONS[name](x)
        if name in self.stages:
            stage = self.stages[name]
            if not isinstance(x, sp.MatrixExpr):
                return stage.row([x], *self._stage_params(node, stage))[0] if stage.entrywise else \
                    self.fail(node, f"{name} of a number")
            return stage(x, *self._stage_params(node, stage))
        if name in SCALAR_FUNCTIONS:
            x = _scalar(x)
            if isinstance(x, sp.MatrixExpr):         # entry by entry: \log(P) of a row of probabilities
                t = sp.Dummy("t")
                return ElementwiseApplyFunction(sp.Lambda(t, SCALAR_FUNCTIONS[name](t)), x)
            return SCALAR_FUNCTIONS[name](x)
        self.fail(node, f"unknown function {name}")

    def _stage_params(self, node: N.Node, stage) -> tuple:
        missing = [p for p in stage.params if p not in self.params and p not in stage.defaults]
        if missing:
            self.fail(node, f"{stage.name} needs the parameter {missing[0]} (give it in names)")
        return tuple(self.params.get(p, stage.defaults.get(p)) for p in stage.params)
