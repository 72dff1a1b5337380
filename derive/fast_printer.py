"""From a symbolic stage graph to the source of one NumPy function.

Three passes, each a short function:

1. ``canonical``: the same matrix expression with transposes pulled out of sums
   (``PE^T + X^T -> (PE + X)^T``) and each run of transposed factors in a
   product regrouped (``W_K^T (X + PE)^T -> ((X + PE) W_K)^T``, that is K^T).
   SymPy flattens ``Q K^T`` into one product of four factors; regrouping gets
   the stage graph's own intermediates back, so each is computed once.
2. ``graph``: the distinct nodes in an order where operands come first, and how
   many times each is read.
3. ``emit``: one line of Python per node, from the rule table ``RULES``.
   A node's value may be overwritten by its reader (``own=True``) only when it
   is a fresh array read exactly once.

Only our own templates and checked identifiers reach the generated text: a name
that is not a plain identifier is replaced, and a scalar is printed by a small
printer that knows numbers, symbols, + * ** sqrt exp log and refuses the rest.
"""

from __future__ import annotations

import keyword
from collections import Counter

import sympy as sp

from derive.symbols import as_expr
from derive.errors import DeriveError
from derive.fast_kernels import kernel_name
from derive.stages.attention import CausalMask
from derive.stages.matexpr import Concat, RowBroadcast
from derive.stages.record import StageFunction

RESERVED = {"np", "math"}


class CompileError(DeriveError):
    """A stage graph that cannot be compiled to NumPy (an unknown node, an unbound scalar)."""


# 1. canonical form -------------------------------------------------------

def canonical(expr, memo: dict | None = None):
    """``expr`` with transposes pulled out of sums and transposed runs regrouped."""
    memo = {} if memo is None else memo
    if expr not in memo:
        memo[expr] = _canonical_node(expr, memo)
    return memo[expr]


def _canonical_node(expr, memo):
    if isinstance(expr, sp.MatrixSymbol) or not isinstance(expr, sp.MatrixExpr):
        return expr
    if isinstance(expr, sp.Transpose):
        inner = canonical(expr.arg, memo)
        return inner.arg if isinstance(inner, sp.Transpose) else sp.Transpose(inner)
    if isinstance(expr, sp.MatAdd):
        terms = _flat(sp.MatAdd, [canonical(a, memo) for a in expr.args])
        if all(isinstance(t, sp.Transpose) for t in terms):  # A^T + B^T = (A + B)^T
            return sp.Transpose(_sum([t.arg for t in terms]))
        return _sum(terms)
    if isinstance(expr, sp.MatMul):
        return _product(expr, memo)
    return expr.func(*[canonical(a, memo) for a in expr.args])


def _flat(kind, terms: list) -> list:
    """Nested sums (or products) as one flat list: SymPy's ``doit`` flattens some
    copies of a node and not others, and both must be the same node here."""
    return [u for t in terms for u in (t.args if isinstance(t, kind) else [t])]


def _sum(terms):
    return sp.MatAdd(*sorted(terms, key=sp.default_sort_key))


def _product(expr, memo):
    """c A B ...: flat, with the coefficient in front and transposed runs regrouped."""
    coeff, factors = expr.as_coeff_matrices()
    flat = []
    for f in (canonical(f, memo) for f in factors):
        c, fs = f.as_coeff_matrices() if isinstance(f, sp.MatMul) else (1, [f])
        coeff, flat = coeff * c, flat + fs
    factors = _regroup(flat)
    if coeff == 1 and len(factors) == 1:
        return factors[0]
    return sp.MatMul(*([] if coeff == 1 else [coeff]), *factors)


def _regroup(factors: list) -> list:
    r"""A^T B^T -> (B A)^T for every run of two or more transposed factors."""
    out, run = [], []
    for f in factors + [None]:
        if isinstance(f, sp.Transpose):
            run.append(f.arg)
            continue
        if len(run) == 1:
            out.append(sp.Transpose(run[0]))
        elif run:
            out.append(sp.Transpose(sp.MatMul(*reversed(run))))
        run = []
        if f is not None:
            out.append(f)
    return out


# 2. the graph ---------------------------------------------------------------

def operands(expr) -> list:
    """The matrix-valued arguments of a node (scalars such as epsilon are not nodes)."""
    if isinstance(expr, sp.MatMul):
        return expr.as_coeff_matrices()[1]
    if isinstance(expr, sp.MatrixSymbol):
        return []
    return [a for a in expr.args if isinstance(a, sp.MatrixExpr)]


def graph(outputs: list) -> tuple[list, Counter]:
    """Distinct nodes, operands first (post-order), and how often each is read."""
    order, seen, reads = [], set(), Counter()

    def visit(node):
        if node in seen:
            return
        seen.add(node)
        for a in operands(node):
            visit(a)
        order.append(node)

    for out in outputs:
        visit(out)
        reads[out] += 1
    for node in order:
        for a in operands(node):
            reads[a] += 1
    return order, reads


# 3. emission ----------------------------------------------------------------

# How each kind of node is written: (template, fresh). ``{0}`` is the first
# operand, ``{own0}`` whether it may be overwritten, ``{s0}`` the first scalar.
RULES: dict[type, tuple[str, bool]] = {
    sp.Transpose: ("{0}.swapaxes(-1, -2)", False),      # a view: no copy
    StageFunction: ("{kernel}({all}, {scalars}{own0})", True),  # a Stage record's fast face
    CausalMask: ("_causal_mask({0}, {own0})", True),
    Concat: ("np.concatenate(({all},), axis=-1)", True),
    sp.HadamardProduct: ("{product}", True),
    sp.MatAdd: ("{sum}", True),
}


class Emitter:
    """Writes the function: parameters, shape bindings, one line per node, return."""

    def __init__(self, inputs: list, params: dict):
        self.params = {k: repr(float(v)) for k, v in (params or {}).items()}
        self.names = {m: _identifier(m.name, f"_x{i}") for i, m in enumerate(inputs)}
        self.inputs = inputs
        self.shapes: dict[sp.Symbol, str] = {}
        self.fresh: set = set()
        self.lines: list[str] = []

    def source(self, outputs: list, name: str = "forward") -> str:
        order, reads = graph(outputs)
        for node in order:
            self._node(node, reads, f"_t{len(self.lines)}")
        ret = ", ".join(self.names[o] for o in outputs) + ("," if len(outputs) > 1 else "")
        head = f"def {name}({', '.join(self.names[m] for m in self.inputs)}):"
        body = self._bindings() + self.lines + [f"return {ret}"]
        return "\n".join([head] + ["    " + line for line in body]) + "\n"

    def _node(self, node, reads: Counter, temp: str) -> None:
        if isinstance(node, sp.MatrixSymbol):
            if node not in self.names:
                raise CompileError(f"{node.name} is not among the inputs of the compiled function")
            return
        args = operands(node)
        if isinstance(node, RowBroadcast):  # a (1, m) row broadcasts over rows and batches
            self.names[node] = self.names[args[0]]
            return
        own = [a in self.fresh and reads[a] == 1 for a in args]
        code, fresh = self._code(node, [self.names[a] for a in args], own)
        self.names[node] = temp
        self.lines.append(f"{temp} = {code}")
        if fresh:
            self.fresh.add(node)

    def _code(self, node, args: list[str], own: list[bool]) -> tuple[str, bool]:
        if isinstance(node, sp.MatMul):
            return self._product(node, args, own), True
        rule = next((r for t, r in RULES.items() if isinstance(node, t)), None)
        if rule is None:
            raise CompileError(f"no NumPy rule for {type(node).__name__}")
        scalars = [self.scalar(a) for a in node.args if not isinstance(a, sp.MatrixExpr)]
        fields = {f"own{i}": o for i, o in enumerate(own)}
        fields.update({f"s{i}": s for i, s in enumerate(scalars)})
        fields.update(all=", ".join(args), sum=" + ".join(args), product=" * ".join(args),
                      scalars="".join(f"{v}, " for v in scalars))
        if isinstance(node, StageFunction):
            fields["kernel"] = kernel_name(node.stage.name)
        return rule[0].format(*args, **fields), rule[1]

    def _product(self, node, args: list[str], own: list[bool]) -> str:
        """A B ... as ``@`` (two factors) or a cheapest-order chain; a scalar as ``_scale``."""
        coeff = node.as_coeff_matrices()[0]
        if len(args) == 1:
            product, owned = args[0], own[0]
        else:
            product = " @ ".join(args) if len(args) == 2 else f"_chain({', '.join(args)})"
            owned = True
        if coeff == 1:
            return product
        return f"_scale({product}, {self.scalar(coeff)}, {owned})"

    def scalar(self, expr) -> str:
        """Python for a scalar: numbers, bound symbols, + * ** sqrt exp log."""
        expr = as_expr(expr)
        if expr.is_Integer:
            return str(int(expr))
        if expr.is_Rational:
            return f"({int(expr.p)} / {int(expr.q)})"
        if expr.is_Float:
            return repr(float(expr))
        if expr.is_Symbol:
            return self.params.get(expr) or self._shape(expr)
        if expr.is_Add or expr.is_Mul:
            sep = " + " if expr.is_Add else " * "
            return "(" + sep.join(self.scalar(a) for a in expr.args) + ")"
        if expr.is_Pow:
            return self._power(expr)
        if isinstance(expr, (sp.exp, sp.log)):
            return f"math.{type(expr).__name__}({self.scalar(expr.args[0])})"
        raise CompileError(f"no NumPy rule for the scalar {type(expr).__name__}")

    def _power(self, expr) -> str:
        base, e = self.scalar(expr.base), expr.exp
        if e == sp.S.Half:
            return f"math.sqrt({base})"
        if e == -sp.S.Half:
            return f"(1 / math.sqrt({base}))"
        return f"({base} ** {self.scalar(e)})"

    def _shape(self, symbol: sp.Symbol) -> str:
        """A shape symbol's value, read from the first input that has it as a dimension."""
        if symbol not in self.shapes:
            for m in self.inputs:
                for axis, dim in zip((-2, -1), m.shape):
                    if dim == symbol and symbol not in self.shapes:
                        self.shapes[symbol] = f"{self.names[m]}.shape[{axis}]"
            if symbol not in self.shapes:
                raise CompileError(f"no value for {symbol}: give it in params, or as a shape of an input")
        return self._shape_name(symbol)

    def _shape_name(self, symbol: sp.Symbol) -> str:
        name = _identifier(symbol.name, "_")
        taken = {self.names[m] for m in self.inputs}
        return f"_s{list(self.shapes).index(symbol)}" if name == "_" or name in taken else name

    def _bindings(self) -> list[str]:
        return [f"{self._shape_name(s)} = {where}" for s, where in self.shapes.items()]


def _identifier(name: str, fallback: str) -> str:
    """``name`` if it is a plain identifier we do not use ourselves, else ``fallback``."""
    ok = name.isidentifier() and not keyword.iskeyword(name) and not name.startswith("_")
    return name if ok and name not in RESERVED else fallback
