r"""Evaluate a parsed formula in one face (exact or fast), given the values of names.

Names are looked up through a ``resolve`` callable (the environment, with the
candidate the search has chosen for each name); a function the document
defines (``\sigma(z) = \frac{1}{1+e^{-z}}``) is applied by binding its
parameters. Each kind of node has one method (the table ``RULES``); how a
name finds its value is in ``derive.check.evaluate.lookup``; the functions a formula
calls by name (softmax, LN, ReLU ...) are in ``derive.check.evaluate.functions``;
the norm ``‖x‖`` and ``diag`` are here. Every failure is an ``EvalError`` with a reason.

A sum written without bounds (``\sum_j e^{z_j}``, ``\sum_i p_i \ln p_i``) runs over
the entries of the vectors its index picks from: j = 1 .. n when every such
vector has n entries (``sum_range``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import numpy as np
import sympy as sp

from derive.check.read import nodes as N
from derive.check.read.atoms import NORM
from derive.check.evaluate.functions import NamedFunctions
from derive.check.evaluate.lookup import NameLookup
from derive.check.evaluate.values import EXACT, EvalError, Face, Options, Pin, Unbound, Val, shape_text
from derive.check.policy import POLICY

MAX_SUM_TERMS = POLICY.max_sum_terms
MAX_EVAL_DEPTH = POLICY.max_depth
COMPOSITE = (N.Add, N.Mul, N.Div, N.Pow, N.Call, N.Index, N.Transpose, N.Neg, N.Hadamard, N.Kron)
SIGNS = {"pm", "mp"}


class Evaluator(NamedFunctions, NameLookup):
    """One evaluation: a face, a name resolver, the document's functions, a variant."""

    def __init__(self, face: Face, resolve: Callable[[str], Val | None],
                 functions: Callable[[str], tuple | None] = lambda name: None,
                 options: Options = Options(), widen: dict | None = None):
        self.face = face
        self.resolve = resolve
        self.functions = functions
        self.options = options
        self.widen = widen or {}        # id of a written number -> half a unit it may be off by, or a Pin
        self.sum_from: dict[str, int | None] = {}   # a sum's index -> its lower bound (0: entries count from 0)
        self.scopes: list[dict[str, Val]] = []
        self.applied: dict[tuple, tuple] = {}      # a document function's value per arguments (``_call_key``)
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
        """A written number; one that is a rounding is widened by half a unit (ball face), or
        pinned to the exact value it is the rounding of (``Pin``)."""
        half = self.widen.get(id(node))
        if isinstance(half, Pin):
            return self.face.scalar(self.face.number(half.value))
        if half is not None:
            return self.face.scalar(self.face.rounding(node.printed.value, half))
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
            term = self.value_of(t)
            if term.shape == (1, 1) and total.shape[0] == total.shape[1] > 1:
                term = self._as_outer(t, term, total.shape[0])
            total = self.face.add(total, term, s)
        return total

    def _as_outer(self, node: N.Node, value: Val, n: int) -> Val:
        r"""``\mathrm{diag}(p) - p p^T`` with p written as a tuple (a row): added to an
        n x n matrix, ``p p^T`` is the outer product of columns, not a number."""
        if not (isinstance(node, N.Mul) and len(node.factors) == 2 and isinstance(node.factors[1], N.Transpose)):
            return value
        u, v = self.value_of(node.factors[0]), self.value_of(node.factors[1].arg)
        if u.shape == v.shape == (1, n):
            return self.face.mul(self.face.transpose(u), v)
        return value

    def product(self, node: N.Mul) -> Val:
        """f_1 f_2 ... f_m, left to right (a matrix times a matrix is a matrix product)."""
        value = self.value_of(node.factors[0])
        for f in node.factors[1:]:
            right = self.value_of(f)
            if isinstance(f, N.Transpose) and value.shape[0] == right.shape[0] == 1 \
                    and value.shape[1] != right.shape[1]:
                # u v^T with v a column and u a row of another length: only the outer product fits
                value = self.face.mul(self.face.transpose(value), right)
            else:
                value = self.face.mul(value, right)
        return value

    def entrywise(self, node: N.Hadamard) -> Val:
        """a \\odot b: entry by entry, a row or column stretched over the other operand."""
        return self.face.hadamard(self.value_of(node.left), self.value_of(node.right))

    def outer(self, node: N.Kron) -> Val:
        """u \\otimes v: the outer product of vectors, the Kronecker product of matrices."""
        return self.face.kron(self.value_of(node.left), self.value_of(node.right))

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
        """Quoted text, a relation, NaN and an ellipsis have no value in a formula;
        ``\\infty`` is +oo (so e^{-\\infty} is exactly 0, as exp(-oo) is)."""
        if isinstance(node, N.Special) and node.what in ("inf", "Inf"):
            return self.face.scalar(self.face.number(sp.S.Infinity))
        if isinstance(node, N.Special):
            raise EvalError(f"not a finite number: {node.what}")
        if isinstance(node, N.Str):
            raise EvalError(f'text "{node.text}" has no value')
        raise EvalError("a relation inside a formula")

    def integer(self, v: Val) -> int:
        if not v.scalar:
            raise EvalError("an index must be a number")
        k = self.face.whole(v.entry(0, 0))
        if k is None:
            raise EvalError("an index must be a whole number")
        return k

    # -- structure
    def index(self, node: N.Index) -> Val:
        """``Z[i, j]``: counting from 0 when an index is 0 (``Z[0]``) or runs in a sum
        from 0 (``\\sum_{i=0}^{5} v[i]``), else from 1 (``Q[1,1]``)."""
        base = self.value_of(node.base)
        ix = [self.integer(self.value_of(i)) for i in node.indices]
        from_zero = 0 in ix or any(isinstance(i, N.Sym) and self.sum_from.get(i.name) == 0 for i in node.indices)
        offset = 0 if from_zero else 1
        ix = [k - offset for k in ix]
        if len(ix) == 1 and 1 in base.shape:
            ix = [0, ix[0]] if base.shape[0] == 1 else [ix[0], 0]
        if len(ix) != 2 or not (0 <= ix[0] < base.shape[0] and 0 <= ix[1] < base.shape[1]):
            raise EvalError(f"index {N.key(node)} outside a {shape_text(base.shape)} matrix")
        return self.face.scalar(base.entry(ix[0], ix[1]))

    def sum(self, node: N.Sum) -> Val:
        if not node.var:
            # \sum e^{x_j}: the one subscript of the body that is no value in scope is the index
            free = {n.sub.name for n in N.walk(node.body) if isinstance(n, N.Sym) and isinstance(n.sub, N.Sym)
                    and self._local(n.sub.name) is None}
            if len(free) != 1:
                raise EvalError("a sum without bounds")
            node = replace(node, var=free.pop())
        lo = self.integer(self.value_of(node.lo)) if node.lo is not None else 1
        hi = self.integer(self.value_of(node.hi)) if node.hi is not None else self.sum_range(node, lo)
        if hi - lo + 1 > MAX_SUM_TERMS:
            raise EvalError("a sum with too many terms")
        total = self.face.scalar(self.face.number(sp.Integer(0)))
        outer = self.sum_from.get(node.var)
        self.sum_from[node.var] = lo
        try:
            for k in range(lo, hi + 1):
                self.scopes.append({node.var: self.face.scalar(self.face.number(sp.Integer(k)))})
                try:
                    total = self.face.add(total, self.value_of(node.body))
                finally:
                    self.scopes.pop()
        finally:
            self.sum_from[node.var] = outer
        return total

    def sum_range(self, node: N.Sum, lo: int) -> int:
        r"""The last index of ``\sum_j body`` written without an upper bound: the
        length n of the vectors the body indexes with j (``z_j``, ``z[j]``), which
        must all agree; the sum then counts from 1 (or from its lower bound) to n."""
        lengths, bases = set(), []
        for n in N.walk(node.body):
            if isinstance(n, N.Sym) and isinstance(n.sub, N.Sym) and n.sub.name == node.var:
                base = n.base
            elif isinstance(n, N.Index) and isinstance(n.base, N.Sym) and \
                    any(isinstance(i, N.Sym) and i.name == node.var for i in n.indices):
                base = n.base.name
            else:
                continue
            value = self._vector(base)
            bases.append(base)
            if value is not None:
                lengths.add(max(value.shape))
        if not lengths and bases and self._free(bases[0]):
            raise Unbound(bases[0])
        if len(lengths) != 1 or lo != 1:
            raise EvalError("a sum without bounds" if not lengths else
                            "a sum without bounds over vectors of different lengths")
        return lengths.pop()

    # -- functions
    def norm(self, args: list[Val]) -> Val:
        r"""\lVert x \rVert = \sqrt{\sum_{ij} x_{ij}^2} (Euclidean; Frobenius for a matrix)."""
        if len(args) != 1:
            raise EvalError("a norm of one value")
        x = args[0]
        squares = [self.face.square(x.entry(i, j)) for i in range(x.shape[0]) for j in range(x.shape[1])]
        return self.face.scalar(self.face.function("sqrt", sum(squares[1:], squares[0])))

    def diagonal(self, args: list[Val]) -> Val:
        r"""\mathrm{diag}(v): the square matrix with v on its diagonal (v a vector,
        or its entries given one by one: diag(a, b, c))."""
        if len(args) == 1 and not args[0].scalar and 1 in args[0].shape:
            v = args[0]
            entries = [v.entry(k, 0) if v.shape[1] == 1 else v.entry(0, k) for k in range(max(v.shape))]
        elif args and all(a.scalar for a in args):
            entries = [a.entry(0, 0) for a in args]
        else:
            raise EvalError("diag of something other than a vector")
        zero = self.face.number(sp.Integer(0))
        n = len(entries)
        return Val(self.face.matrix([[entries[i] if i == j else zero for j in range(n)] for i in range(n)]))

    def call(self, node: N.Call) -> Val:
        if node.name in SIGNS:
            raise EvalError(f"\\{node.name} stands for two values")
        defined = None if self._local(node.name) else self.functions(node.name)
        if defined is not None:
            try:
                return self.apply(defined, node)
            except Unbound as exc:
                if not self.builtin_known(node.name) or exc.name in _param_names(defined):
                    raise
        if node.name == NORM:
            return self.norm([self.value_of(a) for a in node.args])
        if node.name == "diag":
            return self.diagonal([self.value_of(a) for a in node.args])
        if self.builtin_known(node.name):
            return self.builtin(node.name, [self.value_of(a) for a in node.args])
        factor = self._scalar_name(node)
        if factor is not None:
            return self.face.mul(factor, self.value_of(node.args[0]))
        raise Unbound(N.key(node))

    def _scalar_name(self, node: N.Call) -> Val | None:
        """``out(1 - out)``: a name with a number for its value, before one parenthesis, is a
        factor (no function of that name is known)."""
        if len(node.args) != 1:
            return None
        try:
            value = self.value_of(N.Sym(node.start, node.start, node.name, node.name))
        except Unbound:
            return None
        return value if value.shape == (1, 1) else None

    def apply(self, defined: tuple, node: N.Call) -> Val:
        params, body = defined
        if body is None:
            raise EvalError(f"{node.name} is defined by a formula derive cannot read")
        if len(params) != len(node.args):
            raise EvalError(f"{node.name} takes {len(params)} arguments, given {len(node.args)}")
        args = {p: self.value_of(a) for p, a in zip(params, node.args)}
        key = _call_key(node.name, body, args.values())
        if key in self.applied:
            return self.applied[key][1]
        self.scopes.append(args)
        try:
            value = self.value_of(body)
        finally:
            self.scopes.pop()
        self.applied[key] = (tuple(args.values()), value)    # the arguments kept alive: their ids stay theirs
        return value


def _call_key(name: str, body: N.Node, args) -> tuple:
    """What a call of a document's function is memoised under: its body (by identity) and
    its arguments, by value where a value can be a key, else by identity (a ball), so that
    ``f_k(x) = f_{k-1}(x) + f_{k-1}(x)`` costs one evaluation per function, not two to the k."""
    parts = []
    for v in args:
        data = v.data
        if isinstance(data, np.ndarray) and data.dtype != object:
            parts.append((data.shape, str(data.dtype), data.tobytes(), v.scalar))
            continue
        try:
            hash(data)
            parts.append((data, v.scalar))
        except TypeError:
            parts.append(("same object", id(v)))
    return (name, id(body), tuple(parts))


# How each kind of node is evaluated.
RULES: dict[type, Callable[[Evaluator, N.Node], Val]] = {
    N.Num: Evaluator.number, N.Sym: Evaluator.name, N.Mat: Evaluator.matrix,
    N.Neg: Evaluator.negation, N.Add: Evaluator.signed_sum, N.Mul: Evaluator.product,
    N.Div: Evaluator.quotient, N.Pow: Evaluator.power, N.Transpose: Evaluator.transpose,
    N.Call: Evaluator.call, N.Index: Evaluator.index, N.Sum: Evaluator.sum,
    N.Tuple: Evaluator.row_of_numbers, N.Hadamard: Evaluator.entrywise, N.Kron: Evaluator.outer,
    N.Special: Evaluator.no_value, N.Str: Evaluator.no_value, N.Chain: Evaluator.no_value,
}


def _param_names(defined: tuple) -> list[str]:
    return list(defined[0])


def evaluate_exact(node: N.Node, values: dict[str, Val] | None = None) -> Val:
    """The exact value of a formula over named values (a convenience for tests)."""
    values = values or {}
    return Evaluator(EXACT, values.get).value_of(node)
