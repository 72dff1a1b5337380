r"""Evaluate a parsed formula in one face (exact or fast), given the values of names.

Names are looked up through a ``resolve`` callable (the environment, with the
candidate the search has chosen for each name); a function the document
defines (``\sigma(z) = \frac{1}{1+e^{-z}}``) is applied by binding its
parameters. Each kind of node has one method (the table ``RULES``); the
functions a formula calls by name (softmax, LN, ReLU ...) are in
``derive.check.functions``. Every failure is an ``EvalError`` with a reason.
"""

from __future__ import annotations

from collections.abc import Callable

import sympy as sp

from derive.check import nodes as N
from derive.check.functions import NamedFunctions
from derive.check.values import EXACT, EvalError, Face, Options, Unbound, Val, shape_text

MAX_SUM_TERMS = 1000
MAX_EVAL_DEPTH = 200
COMPOSITE = (N.Add, N.Mul, N.Div, N.Pow, N.Call, N.Index, N.Transpose, N.Neg)


class Evaluator(NamedFunctions):
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

    def value_of(self, node: N.Node) -> Val:
        self.depth += 1
        if self.depth > MAX_EVAL_DEPTH:
            raise EvalError("formula nested too deeply")
        try:
            return self._eval(node)
        finally:
            self.depth -= 1

    def _eval(self, node: N.Node) -> Val:
        if isinstance(node, COMPOSITE):
            bound = self._label(node)
            if bound is not None:
                return bound
        rule = RULES.get(type(node))
        if rule is None:
            raise EvalError(f"cannot evaluate {type(node).__name__}")
        return rule(self, node)

    # -- arithmetic
    def number(self, node: N.Num) -> Val:
        return self.face.scalar(self.face.number(node.printed.value))

    def matrix(self, node: N.Mat) -> Val:
        return self.face.stack([[self.value_of(c) for c in row] for row in node.rows])

    def negation(self, node: N.Neg) -> Val:
        return self.face.neg(self.value_of(node.arg))

    def signed_sum(self, node: N.Add) -> Val:
        r"""\sum_k s_k t_k with signs s_k = \pm 1."""
        total = self.value_of(node.terms[0])
        total = total if node.signs[0] > 0 else self.face.neg(total)
        for t, s in zip(node.terms[1:], node.signs[1:]):
            total = self.face.add(total, self.value_of(t), s)
        return total

    def product(self, node: N.Mul) -> Val:
        """f_1 f_2 ... f_m, left to right (a matrix times a matrix is a matrix product)."""
        value = self.value_of(node.factors[0])
        for f in node.factors[1:]:
            value = self.face.mul(value, self.value_of(f))
        return value

    def quotient(self, node: N.Div) -> Val:
        return self.face.div(self.value_of(node.num), self.value_of(node.den))

    def power(self, node: N.Pow) -> Val:
        """b^e entry by entry; e^x is exp(x) unless the document names an e;
        ``QK^2`` read as one name is Q times K^2."""
        if isinstance(node.base, N.Sym) and node.base.name == "e" and self._free("e"):
            return self.elementwise("exp", self.value_of(node.exp))
        exponent = self.value_of(node.exp)
        split = self._split_operand(node.base, lambda v: self.face.power(v, exponent))
        return split if split is not None else self.face.power(self.value_of(node.base), exponent)

    def transpose(self, node: N.Transpose) -> Val:
        """A^T; ``QK^T`` read as one name is Q times K^T."""
        split = self._split_operand(node.arg, self.face.transpose)
        return split if split is not None else self.face.transpose(self.value_of(node.arg))

    def row_of_numbers(self, node: N.Tuple) -> Val:
        """``(a, b, c)`` as a value: a 1 x 3 row of numbers."""
        values = [self.value_of(i) for i in node.items]
        if not all(v.scalar for v in values):
            raise EvalError("a list of values where one value is expected")
        return self.face.stack([values])

    def no_value(self, node: N.Node) -> Val:
        """Infinity, quoted text and a relation have no value in a formula."""
        if isinstance(node, N.Special):
            raise EvalError(f"not a finite number: {node.what}")
        if isinstance(node, N.Str):
            raise EvalError(f'text "{node.text}" has no value')
        raise EvalError("a relation inside a formula")

    # -- names
    def _local(self, name: str) -> Val | None:
        for scope in reversed(self.scopes):
            if name in scope:
                return scope[name]
        return None

    def _free(self, name: str) -> bool:
        return self._local(name) is None and self.resolve(name) is None

    def _label(self, node: N.Node) -> Val | None:
        """A composite expression the document printed a value for (``X + PE``,
        ``W^K``), also inside a function's body when it involves no parameter."""
        if self.scopes and any(isinstance(n, N.Sym) and self._local(n.name) is not None for n in N.walk(node)):
            return None
        return self.resolve(N.key(node))

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
        if node.power is not None:
            return self._as_power(node)
        raise Unbound(node.name)

    def _as_power(self, node: N.Sym) -> Val:
        """A superscripted name with no value (``x^n``) is a power when it is a number."""
        try:
            value = self.value_of(node.power)
        except EvalError:
            value = None
        if value is None or not value.scalar:
            raise Unbound(node.name)
        return value

    def _indexed(self, node: N.Sym) -> Val | None:
        """``y_i`` inside a sum, or ``p_2`` when only the vector p has a value:
        an entry of the vector (counting from 1)."""
        by_index = isinstance(node.sub, N.Sym) and self._local(node.sub.name) is not None
        if not (by_index or isinstance(node.sub, N.Num)):
            return None  # only a summation index or a number picks an entry; W_Q is a name
        base = self._local(node.base) or self.resolve(node.base) \
            or self.resolve(node.base.upper()) or self.resolve(node.base.lower())
        if base is None or base.scalar or 1 not in base.shape:
            return None
        try:
            k = self.integer(self.value_of(node.sub))
        except EvalError:
            return None
        flat = base.shape[1] if base.shape[0] == 1 else base.shape[0]
        if not 1 <= k <= flat:
            if not by_index:
                return None  # x_0 or x_9 of a 3-vector: a name of its own
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
        if isinstance(node, N.Sym) and self._free(node.name):
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
        base = self.value_of(node.base)
        ix = [self.integer(self.value_of(i)) for i in node.indices]
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
        lo = self.integer(self.value_of(node.lo)) if node.lo is not None else 1
        hi = self.integer(self.value_of(node.hi))
        if hi - lo + 1 > MAX_SUM_TERMS:
            raise EvalError("a sum with too many terms")
        total = self.face.scalar(self.face.number(sp.Integer(0)))
        for k in range(lo, hi + 1):
            self.scopes.append({node.var: self.face.scalar(self.face.number(sp.Integer(k)))})
            try:
                total = self.face.add(total, self.value_of(node.body))
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
            return self.builtin(node.name, [self.value_of(a) for a in node.args])
        raise Unbound(N.key(node))

    def apply(self, defined: tuple, node: N.Call) -> Val:
        params, body = defined
        if len(params) != len(node.args):
            raise EvalError(f"{node.name} takes {len(params)} arguments, given {len(node.args)}")
        args = {p: self.value_of(a) for p, a in zip(params, node.args)}
        self.scopes.append(args)
        try:
            return self.value_of(body)
        finally:
            self.scopes.pop()


# How each kind of node is evaluated.
RULES: dict[type, Callable[[Evaluator, N.Node], Val]] = {
    N.Num: Evaluator.number, N.Sym: Evaluator.name, N.Mat: Evaluator.matrix,
    N.Neg: Evaluator.negation, N.Add: Evaluator.signed_sum, N.Mul: Evaluator.product,
    N.Div: Evaluator.quotient, N.Pow: Evaluator.power, N.Transpose: Evaluator.transpose,
    N.Call: Evaluator.call, N.Index: Evaluator.index, N.Sum: Evaluator.sum,
    N.Tuple: Evaluator.row_of_numbers,
    N.Special: Evaluator.no_value, N.Str: Evaluator.no_value, N.Chain: Evaluator.no_value,
}


def _param_names(defined: tuple) -> list[str]:
    return list(defined[0])


def evaluate_exact(node: N.Node, values: dict[str, Val] | None = None) -> Val:
    """The exact value of a formula over named values (a convenience for tests)."""
    values = values or {}
    return Evaluator(EXACT, values.get).value_of(node)
