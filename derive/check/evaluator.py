r"""Evaluate a parsed formula in one face (exact or fast), given the values of names.

Names are looked up through a ``resolve`` callable (the environment, with the
candidate the search has chosen for each name); a function the document
defines (``\sigma(z) = \frac{1}{1+e^{-z}}``) is applied by binding its
parameters. Every failure is an ``EvalError`` with a reason.
"""

from __future__ import annotations

from collections.abc import Callable

import sympy as sp

from derive.check import nodes as N
from derive.check.values import EXACT, EvalError, Face, Options, Unbound, Val, shape_text

ELEMENTWISE = {"sin": "sin", "cos": "cos", "tan": "tan", "exp": "exp", "ln": "log",
               "log": "log", "log10": "log10", "log_10": "log10", "log2": "log2", "log_2": "log2",
               "sqrt": "sqrt", "tanh": "tanh", "abs": "abs", "sigma": "sigmoid",
               "sigmoid": "sigmoid", "ReLU": "relu", "relu": "relu"}
SOFTMAX = {"softmax", "Softmax"}
LAYER_NORM = {"LN", "LayerNorm", "layernorm", "Norm", "LayerNormalization"}
CONCAT = {"Concat", "concat"}
MASK = {"mask", "Mask", "causal", "CausalMask", "masked"}
REDUCTIONS = {"sum", "mean", "var", "std"}
MAX_SUM_TERMS = 1000
COMPOSITE = (N.Add, N.Mul, N.Div, N.Pow, N.Call, N.Index, N.Transpose, N.Neg)


class Evaluator:
    """One evaluation: a face, a name resolver, the document's functions, a variant."""

    def __init__(self, face: Face, resolve: Callable[[str], Val | None],
                 functions: Callable[[str], tuple | None] = lambda name: None,
                 options: Options = Options()):
        self.face = face
        self.resolve = resolve
        self.functions = functions
        self.options = options
        self.scopes: list[dict[str, Val]] = []
        self.depth = 0

    def eval(self, node: N.Node) -> Val:
        self.depth += 1
        if self.depth > 200:
            raise EvalError("formula nested too deeply")
        try:
            return self._eval(node)
        finally:
            self.depth -= 1

    def _eval(self, node: N.Node) -> Val:
        face = self.face
        if isinstance(node, COMPOSITE):
            bound = self._label(node)
            if bound is not None:
                return bound
        match node:
            case N.Num(printed=p):
                return face.scalar(face.number(p.value))
            case N.Sym():
                return self.name(node)
            case N.Mat(rows=rows):
                return face.stack([[self.eval(c) for c in row] for row in rows])
            case N.Neg(arg=a):
                return face.neg(self.eval(a))
            case N.Add(terms=terms, signs=signs):
                total = self.eval(terms[0])
                total = total if signs[0] > 0 else face.neg(total)
                for t, s in zip(terms[1:], signs[1:]):
                    total = face.add(total, self.eval(t), s)
                return total
            case N.Mul(factors=factors):
                value = self.eval(factors[0])
                for f in factors[1:]:
                    value = face.mul(value, self.eval(f))
                return value
            case N.Div(num=a, den=b):
                return face.div(self.eval(a), self.eval(b))
            case N.Pow(base=N.Sym(name="e"), exp=e) if self._free("e"):
                return self.elementwise("exp", self.eval(e))
            case N.Pow(base=b, exp=e):
                power = self.eval(e)
                split = self._split_operand(b, lambda v: face.power(v, power))
                return split if split is not None else face.power(self.eval(b), power)
            case N.Transpose(arg=a):
                split = self._split_operand(a, face.transpose)
                return split if split is not None else face.transpose(self.eval(a))
            case N.Call():
                return self.call(node)
            case N.Index():
                return self.index(node)
            case N.Sum():
                return self.sum(node)
            case N.Special(what=what):
                raise EvalError(f"not a finite number: {what}")
            case N.Str(text=text):
                raise EvalError(f'text "{text}" has no value')
            case N.Tuple(items=items):
                values = [self.eval(i) for i in items]
                if not all(v.scalar for v in values):
                    raise EvalError("a list of values where one value is expected")
                return face.stack([values])
            case N.Chain():
                raise EvalError("a relation inside a formula")
        raise EvalError(f"cannot evaluate {type(node).__name__}")

    # -- names
    def _local(self, name: str) -> Val | None:
        for scope in reversed(self.scopes):
            if name in scope:
                return scope[name]
        return None

    def _free(self, name: str) -> bool:
        return self._local(name) is None and self.resolve(name) is None

    def _label(self, node: N.Node) -> Val | None:
        """A composite expression the document printed a value for (``X + PE``)."""
        return None if self.scopes else self.resolve(N.key(node))

    def name(self, node: N.Sym) -> Val:
        value = self._local(node.name)
        if value is None:
            value = self.resolve(node.name)
        if value is not None:
            return value
        if node.name in ("e", "pi"):
            return self.face.scalar(self.face.constant(node.name))
        if node.sub is not None:
            indexed = self._indexed(node)
            if indexed is not None:
                return indexed
        split = self._direct(node.name) if "_" not in node.name else None
        split = split if split is not None else self._split(node.name)
        if split is not None:
            return split
        raise Unbound(node.name)

    def _indexed(self, node: N.Sym) -> Val | None:
        """``y_i`` inside a sum: entry i of the vector y (counting from 1)."""
        if not (isinstance(node.sub, N.Sym) and self._local(node.sub.name) is not None):
            return None  # only a summation index picks an entry; W_1 is a name
        base = self._local(node.base) or self.resolve(node.base) \
            or self.resolve(node.base.upper()) or self.resolve(node.base.lower())
        if base is None or base.scalar or 1 not in base.shape:
            return None
        try:
            k = self.integer(self.eval(node.sub))
        except EvalError:
            return None
        flat = base.shape[1] if base.shape[0] == 1 else base.shape[0]
        if not 1 <= k <= flat:
            raise EvalError(f"index {k} outside {node.base} of length {flat}")
        return self.face.scalar(base.entry(0, k - 1) if base.shape[0] == 1 else base.entry(k - 1, 0))

    def _split(self, name: str, last=None) -> Val | None:
        """``xW1`` may be x times W1 and ``XW_Q`` X times W_Q (one cut of the letters
        before any subscript); ``last`` transforms the right factor (``QK^T``)."""
        letters = name.split("_", 1)[0]
        if not letters.isalnum() or len(letters) < 2:
            return None
        for k in range(1, len(letters)):
            a, b = self._direct(name[:k]), self._direct(name[k:])
            if a is not None and b is not None:
                return self.face.mul(a, last(b) if last else b)
        return None

    def _split_operand(self, node: N.Node, last) -> Val | None:
        """``QK^T`` read as one name: Q times K^T when QK has no value of its own."""
        if isinstance(node, N.Sym) and self._local(node.name) is None and self.resolve(node.name) is None:
            return self._split(node.name, last)
        return None

    def _direct(self, name: str) -> Val | None:
        """A name's value, or the value of its subscripted spelling (W1 -> W_1)."""
        value = self._local(name) or self.resolve(name)
        if value is None and len(name) > 1 and name[-1].isdigit() and name[0].isalpha():
            k = len(name.rstrip("0123456789"))
            alias = f"{name[:k]}_{name[k:]}"
            value = self._local(alias) or self.resolve(alias)
        return value

    def integer(self, v: Val) -> int:
        if not v.scalar:
            raise EvalError("an index must be a number")
        x = v.entry(0, 0)
        if self.face.exact:
            if not (x.is_Integer):
                raise EvalError("an index must be a whole number")
            return int(x)
        if float(x) != int(float(x)):
            raise EvalError("an index must be a whole number")
        return int(float(x))

    # -- structure
    def index(self, node: N.Index) -> Val:
        base = self.eval(node.base)
        ix = [self.integer(self.eval(i)) for i in node.indices]
        offset = 0 if 0 in ix else 1          # Z[0] counts from 0, Q[1,1] from 1
        ix = [k - offset for k in ix]
        if len(ix) == 1 and 1 in base.shape:
            ix = [0, ix[0]] if base.shape[0] == 1 else [ix[0], 0]
        if len(ix) != 2 or not (0 <= ix[0] < base.shape[0] and 0 <= ix[1] < base.shape[1]):
            raise EvalError(f"index {N.key(node)} outside a {shape_text(base.shape)} matrix")
        return self.face.scalar(base.entry(ix[0], ix[1]))

    def sum(self, node: N.Sum) -> Val:
        if node.hi is None or not node.var:
            raise EvalError("a sum without bounds")
        lo = self.integer(self.eval(node.lo)) if node.lo is not None else 1
        hi = self.integer(self.eval(node.hi))
        if hi - lo + 1 > MAX_SUM_TERMS:
            raise EvalError("a sum with too many terms")
        total = self.face.scalar(self.face.number(sp.Integer(0)))
        for k in range(lo, hi + 1):
            self.scopes.append({node.var: self.face.scalar(self.face.number(sp.Integer(k)))})
            try:
                total = self.face.add(total, self.eval(node.body))
            finally:
                self.scopes.pop()
        return total

    # -- functions
    def call(self, node: N.Call) -> Val:
        defined = None if self._local(node.name) else self.functions(node.name)
        if defined is not None:
            try:
                return self.apply(defined, node)
            except Unbound as exc:
                if not self.builtin_known(node.name) or exc.name in _param_names(defined):
                    raise
        if self.builtin_known(node.name):
            return self.builtin(node.name, [self.eval(a) for a in node.args])
        raise Unbound(N.key(node))

    def apply(self, defined: tuple, node: N.Call) -> Val:
        params, body = defined
        if len(params) != len(node.args):
            raise EvalError(f"{node.name} takes {len(params)} arguments, given {len(node.args)}")
        args = {p: self.eval(a) for p, a in zip(params, node.args)}
        self.scopes.append(args)
        try:
            return self.eval(body)
        finally:
            self.scopes.pop()

    @staticmethod
    def builtin_known(name: str) -> bool:
        return name in ELEMENTWISE or name in SOFTMAX or name in LAYER_NORM or name in CONCAT or name in MASK \
            or name in ("max", "min") or name in REDUCTIONS

    def builtin(self, name: str, args: list[Val]) -> Val:
        face = self.face
        if name in CONCAT:
            if len({a.shape[0] for a in args}) != 1:
                raise EvalError("blocks to concatenate have different numbers of rows")
            return Val(face.hstack([a.data for a in args]))
        if name in ("max", "min"):
            return self.extremum(name, args)
        if len(args) != 1:
            raise EvalError(f"{name} takes one argument")
        x = args[0]
        if name in SOFTMAX:
            return Val(face.softmax(x.data, self.options.softmax))
        if name in MASK:
            return Val(face.causal_mask(x.data))
        if name in LAYER_NORM:
            return Val(face.layer_norm(x.data, self.epsilon(), self.options.layer_norm))
        if name in REDUCTIONS:
            return self.reduction(name, x)
        return self.elementwise(ELEMENTWISE[name], x)

    def elementwise(self, fn: str, x: Val) -> Val:
        if fn == "log" and self.options.log_base:
            fn = f"log{self.options.log_base}"
        if self.options.swap_trig and fn in ("sin", "cos"):
            fn = "cos" if fn == "sin" else "sin"
        if fn == "relu" and not x.scalar:
            return Val(self.face.relu(x.data))
        return Val(self.face.map(x.data, lambda v: self.face.function(fn, v)), x.scalar)

    def extremum(self, name: str, args: list[Val]) -> Val:
        if len(args) != 2:
            raise EvalError(f"\\{name} of {len(args)} values")
        a, b = args
        if name == "max" and a.scalar and not b.scalar and self.face.is_zero(a.entry(0, 0)):
            return Val(self.face.relu(b.data))  # max(0, z): ReLU element-wise
        if a.scalar != b.scalar:                  # max(c, Z): element-wise against a number
            s, m = (a, b) if a.scalar else (b, a)
            c = s.entry(0, 0)
            pick = self.face.maximum if name == "max" else (lambda x, y: -self.face.maximum(-x, -y))
            return Val(self.face.map(m.data, lambda v: pick(v, c)))
        if not (a.scalar and b.scalar):
            raise EvalError(f"\\{name} of two matrices")
        x, y = a.entry(0, 0), b.entry(0, 0)
        if name == "min":
            return self.face.scalar(-self.face.maximum(-x, -y))
        return self.face.scalar(self.face.maximum(x, y))

    def reduction(self, name: str, x: Val) -> Val:
        entries = [x.entry(i, j) for i in range(x.shape[0]) for j in range(x.shape[1])]
        total = entries[0]
        for e in entries[1:]:
            total = total + e
        mean = total / len(entries)
        if name == "sum":
            return self.face.scalar(total)
        if name == "mean":
            return self.face.scalar(mean)
        var = sum(((e - mean) ** 2 for e in entries[1:]), (entries[0] - mean) ** 2) / len(entries)
        if name == "var":
            return self.face.scalar(var)
        return self.face.scalar(self.face.function("sqrt", var))

    def epsilon(self):
        """The document's epsilon, else the option's, else 10^-6."""
        for name in ("epsilon", "varepsilon", "eps"):
            v = self._local(name) or self.resolve(name)
            if v is not None and v.scalar:
                return v.entry(0, 0)
        eps = self.options.eps if self.options.eps is not None else sp.Rational(1, 10**6)
        return eps if self.face.exact else float(eps)


def _param_names(defined: tuple) -> list[str]:
    return list(defined[0])


def evaluate_exact(node: N.Node, values: dict[str, Val] | None = None) -> Val:
    """The exact value of a formula over named values (a convenience for tests)."""
    values = values or {}
    return Evaluator(EXACT, values.get).eval(node)
