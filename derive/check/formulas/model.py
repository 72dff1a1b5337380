r"""A document's definitions read into SymPy: the model a derivative claim is proved in.

``ModelReader`` extends the identity reader (``derive.proofs.latex.Reader``, the
checker's strict parser underneath: never ``sympify``) with what documents write
and identity files do not:

* **names resolve to their definitions** (``derive.check.formulas.stated``), the
  latest one before the claim (else the first after it in the same section), down
  to names nothing defines: those are free, real and arbitrary;
* **leaves**: the variable of a derivative stays a variable, whatever its
  definition (``z = W x + b`` is held as z in \partial L / \partial z);
* **indices**: ``y_i`` under ``\sum_i`` is an entry of the vector y; sums without
  bounds run over the vector's ``POLICY.formula_size`` entries; ``\delta_{ij}`` is
  Kronecker's delta; ``p_i = ...`` defines p entry by entry;
* **shapes by promotion**: a free name starts as a number and becomes a column
  vector (or a square matrix) when the formula needs it: added to a vector,
  indexed, transposed, given to softmax, the left factor of a vector. The reading
  then starts again (``Promote``), at most ``MAX_PROMOTIONS`` times. All vectors
  have ``POLICY.formula_size`` entries and matrices are square: a claim proved so
  is proved at that size (said so in the verdict);
* **derivatives inside a formula** (a chain rule): ``\frac{\partial L}{\partial p}``
  is the derivative of L's definition with p held as a variable, then p replaced by
  what it is.

What the reader cannot take (a name defined through itself, a function nobody
defines, shapes that do not fit) raises ``Unsupported`` with the reason: the claim is
then unverifiable, never wrong.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Mapping

import sympy as sp

from derive.check.formulas.stated import ACCENTS, Definition, bound_name
from derive.check.policy import POLICY
from derive.check.read import nodes as N
from derive.proofs.latex import (MATRIX_FUNCTIONS, SCALAR_FUNCTIONS, IdentityTextError, Reader,
                                 product)
from derive.stages.matexpr import is_explicit
from derive.symbols import as_expr

MAX_PROMOTIONS = 12        # readings of one claim, each after a name changed shape
MAX_DEPTH = 40             # definitions inside definitions, at most
MAX_SIZE = 8               # the most entries of a vector a written sum may set
CAPITAL = re.compile(r"[A-Z](?:_\w+|\^\(?[\w+-]+\)?)?")   # W, W_1, W^(2), W^L: one capital letter, maybe indexed


class Unsupported(Exception):
    """The model cannot be built; the message says why (the claim is unverifiable)."""


class Promote(Exception):
    """A free name must be read with another shape: start again."""

    def __init__(self, name: str, kind: str):
        super().__init__(f"{name} -> {kind}")
        self.name, self.kind = name, kind


VECTOR, MATRIX = "vector", "matrix"


class Definitions:
    """The definitions a claim at ``at`` may use: of each name, the latest one before the
    claim in its section (``nearby``), else the first one after it in the section
    ("... = p - y, where p = ..."), else the latest one before the section."""

    def __init__(self, table: Mapping[str, list[Definition]], at: int, nearby: Callable[[Definition], bool],
                 upstream: Mapping[str, list[N.Node]] | None = None):
        self.table, self.at, self.nearby = table, at, nearby
        self.upstream = upstream or {}      # L -> the names y of every dL/dy the document writes

    def of(self, name: str) -> Definition | None:
        found = self.table.get(name)
        if not found:
            return None
        here = [d for d in found if self.nearby(d)]
        before = [d for d in here if d.at < self.at]
        if before:
            return before[-1]
        after = [d for d in here if d.at >= self.at]
        if after:
            return after[0]
        earlier = [d for d in found if d.at < self.at]
        return earlier[-1] if earlier else None


class Shapes:
    """What the readings of one claim have learnt: names' shapes and their symbols."""

    def __init__(self, size: int, declared: Mapping[str, str] | None = None, counts=()):
        self.size = size
        self.fixed = False                  # a sum with written bounds (1 to 4) has set the size
        self.kinds: dict[str, str] = dict(declared or {})     # x \in R^n said so: a vector from the start
        self.defaulted: set[str] = set()    # matrices only by POLICY.capital_matrices: evidence may say vector
        self.counts: set[str] = set(counts)  # names that count the entries (the N of \sum_{i=1}^{N})

    def resize(self, terms: int) -> None:
        """A sum of ``terms`` terms: the vectors have that many entries (read again if that
        changes the size); two sums of different lengths cannot both be over the vectors."""
        if terms == self.size:
            self.fixed = True
            return
        if self.fixed or not 1 <= terms <= MAX_SIZE:
            raise Unsupported(f"a sum over {terms} terms, not over the vectors' {self.size} entries")
        self.size, self.fixed = terms, True
        raise Promote("", f"size {terms}")

    def promote(self, name: str, kind: str) -> bool:
        rank = {None: 0, VECTOR: 1, MATRIX: 2}
        if name in self.defaulted and kind != self.kinds.get(name):
            self.defaulted.discard(name)         # a capital X indexed as X_i: a vector after all
        elif rank[kind] <= rank[self.kinds.get(name)]:
            return False
        self.kinds[name] = kind
        return True

    def free(self, name: str):
        """The value of a free name: a real symbol, a column of them, or a square matrix."""
        kind, n = self.kinds.get(name), self.size
        if kind is None and POLICY.capital_matrices and CAPITAL.fullmatch(name) and name not in self.counts:
            kind = self.kinds[name] = MATRIX
            self.defaulted.add(name)
        if kind == VECTOR:
            return sp.ImmutableMatrix(n, 1, [sp.Symbol(f"{name}[{i + 1}]", real=True) for i in range(n)])
        if kind == MATRIX:
            return sp.ImmutableMatrix(n, n, lambda i, j: sp.Symbol(f"{name}[{i + 1},{j + 1}]", real=True))
        return sp.Symbol(name, real=True)


class ModelReader(Reader):
    """One reading of formulas under a document's definitions (see the module docstring)."""

    def __init__(self, definitions: Definitions, shapes: Shapes, leaves: frozenset[str],
                 index: Mapping[str, int] | None = None, letters: frozenset[str] = frozenset()):
        super().__init__({}, {})
        self.definitions, self.shapes, self.leaves = definitions, shapes, leaves
        self.index = dict(index or {})          # index letter -> its value (1-based)
        self.letters = letters | frozenset(self.index)  # letters that are indices wherever they appear
        self.bound: list[dict] = []             # a document function's arguments, innermost last
        self.memo: dict = {}
        self.stack: list[str] = []
        self.free_names: set[str] = set()
        self.used: set[tuple[str, int]] = set()  # (name, line) of every definition read
        self.upstream_used: set[str] = set()      # gradients dL/dy standing for an L never defined

    # ------------------------------------------------------------------ names
    def _sym(self, node: N.Sym):
        if node.derivative is not None:
            return self.derivative_value(*node.derivative)
        return self.name(node.name, node)

    def name(self, name: str, node: N.Node):
        for frame in reversed(self.bound):
            if name in frame:
                return frame[name]
        if name in self.index:
            return sp.Integer(self.index[name])
        if isinstance(node, N.Sym) and node.sub is not None and node.base:
            entry = self._subscripted(node)
            if entry is not None:
                return entry
        upper = upper_index(node) if isinstance(node, N.Sym) else None
        if upper is not None and upper[1] in self.letters and name not in self.leaves:
            return self.entry(upper[0], self.index_value(upper[1]))      # y^{(i)}: entry i of y
        if name in self.leaves:
            return self.free(name)
        if name in self.shapes.counts:
            return sp.Integer(self.shapes.size)
        definition = self.definitions.of(name)
        if definition is not None and definition.params is None:
            return self.defined(definition)
        if name in ("e", "pi") and definition is None:
            return sp.E if name == "e" else sp.pi
        if definition is not None:             # J for J(w, b): the function of its own arguments
            params = tuple(N.Sym(node.start, node.end, p, p) for p in definition.params)
            return self.apply(definition, N.Call(node.start, node.end, name, params))
        if name in self.definitions.upstream:
            value = self.through_gradient(name)
            if value is not None:
                return value
        return self.free(name)

    def through_gradient(self, name: str):
        r"""A function L the document never defines but whose gradient by a defined y it names
        (rac{\partial L}{\partial y}, "write g = \partial L / \partial y"): any such L, as far as
        first derivatives go, is L = \sum_k G_k y_k with G free (named dL/dy): a formula
        proved for it holds for every L. The first such y that depends on a variable held."""
        held = set().union(*(_symbols(self.free(leaf)) for leaf in self.leaves))
        for wrt in self.definitions.upstream[name]:
            leaf, _ = leaf_of(wrt, self.letters)
            if leaf not in self.leaves and self.definitions.of(leaf) is None:
                continue
            y = self.name(leaf, N.Sym(0, 0, leaf, leaf))
            if not _symbols(y) & held:
                continue
            G = self.free(f"d{name}/d{leaf}") if not is_explicit(y) else None
            if G is None:
                self.shapes.kinds[f"d{name}/d{leaf}"] = VECTOR if 1 in y.shape else MATRIX   # y's shape
                G = self.free(f"d{name}/d{leaf}")
                if not is_explicit(G) or G.shape != y.shape:
                    raise Unsupported(f"the gradient of {name} by {leaf} has another shape than {leaf}")
            self.upstream_used.add(f"d{name}/d{leaf}")
            return sum((g * v for g, v in zip(G, y)), sp.S.Zero) if is_explicit(y) else G * y
        return None

    def free(self, name: str):
        self.free_names.add(name)
        return self.shapes.free(name)

    def _subscripted(self, node: N.Sym):
        """``y_i`` (i an index) or ``\\delta_{ij}``: an entry, Kronecker's delta; None for a plain name."""
        sub = node.sub
        if node.base == "delta" and isinstance(sub, N.Sym) and len(sub.name) == 2 \
                and all(c in self.letters for c in sub.name):
            i, j = (self.index_value(c) for c in sub.name)
            return sp.KroneckerDelta(i, j)
        position = self.position(sub)
        if position is None:
            return None
        if node.name in self.leaves or (self.definitions.of(node.name) is not None and not self.is_vector(node.base)):
            return None            # w_1 held as a variable, or defined as a name of its own
        return self.entry(node.base, position)

    def position(self, sub: N.Node | None) -> int | None:
        if isinstance(sub, N.Sym) and sub.name in self.letters:
            return self.index_value(sub.name)
        if isinstance(sub, N.Num) and sub.printed.text.isdigit():
            return int(sub.printed.text)
        return None

    def is_vector(self, base: str) -> bool:
        d = self.definitions.of(base)
        return self.shapes.kinds.get(base) == VECTOR or (d is not None and d.index is not None)

    def index_value(self, letter: str) -> int:
        if letter not in self.index:
            raise Unsupported(f"the index {letter} is used outside a sum over it")
        return self.index[letter]

    def entry(self, base: str, position: int):
        """Entry ``position`` (from 1) of the vector ``base``."""
        definition = None if base in self.leaves else self.definitions.of(base)
        if definition is not None and definition.index is not None and definition.params is None:
            return self.with_index({definition.index: position}, lambda: self.defined(definition))
        if definition is None:
            self.need(base, VECTOR)
        value = self.name(base, N.Sym(0, 0, base, base))
        if not is_explicit(value) or 1 not in value.shape:
            raise Unsupported(f"{base} is indexed but is not a vector")
        entries = list(value)
        if not 1 <= position <= len(entries):
            raise Unsupported(f"{base}_{position} is outside the vector's {len(entries)} entries")
        return entries[position - 1]

    def with_index(self, values: Mapping[str, int], compute):
        saved = dict(self.index)
        self.index.update(values)
        letters = self.letters
        self.letters = letters | frozenset(values)
        try:
            return compute()
        finally:
            self.index, self.letters = saved, letters

    def defined(self, definition: Definition):
        """The value of a definition's body (entry-wise: at the current index), once."""
        key = (definition.name, definition.at, tuple(sorted(self.index.items())))   # x_i in a body: per i
        if key in self.memo:
            return self.memo[key]
        self.used.add((definition.name, definition.line))
        if definition.name in self.stack:
            raise Unsupported(f"{definition.name} is defined through itself (line {definition.line})")
        if len(self.stack) >= MAX_DEPTH:
            raise Unsupported("the definitions are nested too deeply")
        if definition.index is not None and definition.index not in self.index:
            value = self.whole_vector(definition)
        else:
            self.stack.append(definition.name)
            try:
                value = self.value(definition.body)
            finally:
                self.stack.pop()
        self.memo[key] = value
        return value

    def whole_vector(self, definition: Definition):
        """A vector defined entry by entry, as a column."""
        n = self.shapes.size
        return sp.ImmutableMatrix(n, 1, [self.with_index({definition.index: k}, lambda: self.defined(definition))
                                         for k in range(1, n + 1)])

    # ------------------------------------------------------------------ forms documents write
    def _sum(self, node: N.Sum):
        lo = self.bound_value(node.lo, 1)
        hi = self.bound_value(node.hi, lo + self.shapes.size - 1)
        self.count_name(node.hi)
        self.shapes.resize(hi - lo + 1)
        terms = [self.with_index({node.var: k - lo + 1}, lambda: self.value(node.body)) for k in range(lo, hi + 1)]
        total = terms[0]
        for t in terms[1:]:
            total = total + t
        return total

    def count_name(self, hi: N.Node | None) -> None:
        r"""The name in a sum's upper bound (N of \sum_{i=1}^{N}, \sum_{i=0}^{N-1}, even the loose
        \sum_{i=0}^{N}) counts the vectors' entries: it is their size wherever it appears."""
        name = bound_name(hi)
        if name is None or name in self.letters or self.definitions.of(name) is not None or name in self.shapes.counts:
            return
        self.shapes.counts.add(name)
        if name in self.free_names:
            raise Promote(name, "count")      # read as a free number already: read again

    def bound_value(self, node: N.Node | None, default: int) -> int:
        """A sum's bound: a whole number as written, else (a size such as n, K) the default."""
        if isinstance(node, N.Num) and node.printed.text.isdigit():
            return int(node.printed.text)
        return default

    def _index(self, node: N.Index):
        if len(node.indices) != 1:
            raise Unsupported("an entry of a matrix by two indices")
        position = self.position(node.indices[0])
        if position is None:
            raise Unsupported(f"the index {N.key(node.indices[0])} is not an index derive knows")
        if isinstance(node.base, N.Call) and node.base.name in ACCENTS:
            return self.entry(N.key(node.base), position)
        value = self.value(node.base)
        if not is_explicit(value) and isinstance(node.base, N.Call):   # \sigma(z)_i: z is a vector
            for arg in node.base.args:
                self.promote_free(arg, VECTOR)
        if not is_explicit(value) or 1 not in value.shape:
            raise Unsupported(f"{N.key(node.base)} is indexed but is not a vector")
        return list(value)[position - 1]

    def _mat(self, node: N.Mat):
        rows = [[self.value(c) for c in row] for row in node.rows]
        if len({len(r) for r in rows}) != 1:
            raise Unsupported("a ragged matrix")
        return sp.ImmutableMatrix(rows)

    def _add(self, node: N.Add):
        values = [self.value(t) * sign for t, sign in zip(node.terms, node.signs)]
        shaped = [v for v in values if is_explicit(v) and v.shape != (1, 1)]
        if shaped:
            for term, v in zip(node.terms, values):       # W x + b, x read as a number: x is the vector
                if is_explicit(v) and 1 not in v.shape and isinstance(term, N.Mul) \
                        and isinstance(term.factors[-1], N.Sym) and self.shapes.kinds.get(term.factors[-1].name) is None:
                    self.promote_free(term.factors[-1], VECTOR)
            for term, v in zip(node.terms, values):
                if not is_explicit(v):
                    self.promote_free(term, MATRIX if 1 not in shaped[0].shape else VECTOR)
            if len({v.shape for v in values if is_explicit(v)}) != 1:
                for term, v in zip(node.terms, values):    # W x + b with x read as a number: x is a vector
                    if is_explicit(v) and 1 not in v.shape and isinstance(term, N.Mul):
                        self.promote_free(term.factors[-1], VECTOR)
            if len({v.shape for v in values if is_explicit(v)}) != 1 or len(shaped) != len(values):
                raise Unsupported(f"a sum of values of different shapes: {N.pretty(node)}")
        else:
            values = [v[0, 0] if is_explicit(v) else v for v in values]
        total = values[0]
        for v in values[1:]:
            total = total + v
        return total

    def _hadamard(self, node: N.Hadamard):
        a, b = self.value(node.left), self.value(node.right)
        for term, v, other in ((node.left, a, b), (node.right, b, a)):
            if not is_explicit(v) and is_explicit(other):
                self.promote_free(term, VECTOR if 1 in other.shape else MATRIX)
        if not (is_explicit(a) and is_explicit(b)) or a.shape != b.shape:
            raise Unsupported("an entry-wise product of two values of different shapes")
        return a.multiply_elementwise(b)

    def _mul(self, node: N.Mul):
        out = self.value(node.factors[0])
        for left, f in zip(node.factors, node.factors[1:]):
            right = self.value(f)
            try:
                out = product(out, right)
            except (sp.ShapeError, TypeError):
                self.promote_free(left, MATRIX)
                raise Unsupported(f"the shapes in {N.pretty(node)} do not fit") from None
        return out

    def _transpose(self, node: N.Transpose):
        value = self.value(node.arg)
        if not is_explicit(value):
            self.promote_free(node.arg, VECTOR)
            return value
        return value.T

    def _pow(self, node: N.Pow):
        exp = node.exp
        base = node.base
        name = N.key(node)
        if name in self.leaves or name in self.definitions.table or layer_index(node):   # \sigma^2, W^L: a name
            return self.name(name, node)
        if isinstance(base, N.Sym) and base.base == "delta" and isinstance(base.sub, N.Sym) \
                and isinstance(exp, N.Sym) and {base.sub.name, exp.name} <= self.letters:
            return sp.KroneckerDelta(self.index_value(base.sub.name), self.index_value(exp.name))  # \delta_j^i
        transposed = isinstance(exp, N.Sym) and exp.name == "T"
        if transposed and not is_explicit(self.value(node.base)):
            self.promote_free(node.base, VECTOR)
        try:
            return super()._pow(node)
        except (AttributeError, TypeError, sp.ShapeError) as exc:
            raise Unsupported(f"cannot take the power {N.pretty(node)}: {exc}") from None

    def held_like(self, leaf: str, value) -> None:
        """A defined name held as a variable has the shape of its value, as read now (set, not
        learnt: the value's shape may still change as other names do)."""
        if is_explicit(value) and value.shape != (1, 1):
            self.shapes.kinds[leaf] = VECTOR if 1 in value.shape else MATRIX
        else:
            self.shapes.kinds.pop(leaf, None)

    def promote_free(self, node: N.Node, kind: str) -> None:
        """``node`` is a free name read with a shape too small: read it again as ``kind``."""
        name = node.name if isinstance(node, N.Sym) else N.key(node) if isinstance(node, N.Pow) else None
        if name is not None and name in self.free_names and name not in self.index:
            self.need(name, kind)

    def need(self, name: str, kind: str) -> None:
        """A free name (or a variable) must be at least ``kind``: if it was read smaller, start again."""
        if self.shapes.promote(name, kind):
            raise Promote(name, kind)

    def _call(self, node: N.Call):
        name = node.name
        if name in ACCENTS and len(node.args) == 1 and isinstance(node.args[0], N.Sym):
            return self.name(N.key(node), node)                    # \hat{y}: a name
        definition = self.definitions.of(name)
        if definition is not None and definition.params is not None:
            return self.apply(definition, node)
        if name.endswith("'") and len(node.args) == 1:
            return self.function_derivative(name[:-1], node)
        if name == "diag" and len(node.args) == 1:
            v = self.value(node.args[0])
            if not is_explicit(v):
                self.promote_free(node.args[0], VECTOR)
            if not is_explicit(v) or 1 not in v.shape:
                raise Unsupported("diag of something that is not a vector")
            return sp.ImmutableMatrix(sp.diag(*list(v)))
        if name in self.stages or name in SCALAR_FUNCTIONS or name in MATRIX_FUNCTIONS or name in ("max", "min", "‖"):
            return self.function(node)
        if len(node.args) == 1 and (definition is not None or self.shapes.kinds.get(name) is not None
                                     or name in self.leaves or (node.args and _juxtaposed(node))):
            return product(self.value(_name_node(node)), self.value(node.args[0]))
        raise Unsupported(f"the function {name} is not defined in the document")

    def function(self, node: N.Call):
        """A function derive knows: entry by entry on a vector; a row stage on a column vector."""
        name = node.name
        if name in self.stages and len(node.args) == 1:
            x = self.value(node.args[0])
            if not is_explicit(x):
                if not self.stages[name].entrywise:
                    self.promote_free(node.args[0], VECTOR)
            elif x.shape[1] == 1 and x.shape[0] > 1 and not self.stages[name].entrywise:
                return self.stages[name](x.T, *self._stage_params(node, self.stages[name])).T
        if name in SCALAR_FUNCTIONS and len(node.args) == 1:
            x = self.value(node.args[0])
            if is_explicit(x) and x.shape != (1, 1):
                return x.applyfunc(SCALAR_FUNCTIONS[name])
        if (name == "‖" or name in MATRIX_FUNCTIONS) and len(node.args) == 1:
            x = self.value(node.args[0])
            if is_explicit(x):             # worked out on the entries: \|v\| = sqrt(sum v_i^2), tr, det
                return sp.sqrt(sum(e ** 2 for e in x)) if name == "‖" else \
                    x.trace() if MATRIX_FUNCTIONS[name] is sp.Trace else x.det(method="berkowitz")
        try:
            return super()._call(node)
        except IdentityTextError as exc:
            raise Unsupported(str(exc)) from None

    def apply(self, definition: Definition, node: N.Call):
        """A function the document defines, on its arguments."""
        if len(node.args) != len(definition.params):
            raise Unsupported(f"{definition.name} takes {len(definition.params)} arguments")
        if definition.name in self.stack or len(self.stack) >= MAX_DEPTH:
            raise Unsupported(f"{definition.name} is defined through itself (line {definition.line})")
        frame = {p: self.value(a) for p, a in zip(definition.params, node.args)}
        self.used.add((definition.name, definition.line))
        self.bound.append(frame)
        self.stack.append(definition.name)
        try:
            if definition.index is not None and definition.index not in self.index:   # f(z)_j = ...: a vector
                n = self.shapes.size
                return sp.ImmutableMatrix(n, 1, [self.with_index({definition.index: k},
                                                                  lambda: self.value(definition.body))
                                                 for k in range(1, n + 1)])
            return self.value(definition.body)
        finally:
            self.bound.pop()
            self.stack.pop()

    def function_derivative(self, name: str, node: N.Call):
        """``\\sigma'(x)``: the derivative of a one-argument function at x."""
        t = sp.Dummy("t", real=True)
        call = N.Call(node.start, node.end, name, (N.Sym(node.start, node.end, "__t", "__t"),))
        self.bound.append({"__t": t})
        try:
            f = self._call(call)
        finally:
            self.bound.pop()
        x = self.value(node.args[0])
        derivative = sp.diff(f, t)
        if is_explicit(x):
            return x.applyfunc(lambda v: derivative.xreplace({t: v}))
        return derivative.xreplace({t: x})

    # ------------------------------------------------------------------ derivatives
    def derivative_value(self, of: N.Node, wrt: N.Node):
        """d(of)/d(wrt) inside a formula: computed with ``wrt`` held as a variable, then
        ``wrt`` replaced by what it is here (the chain rule's factors)."""
        leaf, var_node = leaf_of(wrt, self.letters)
        if leaf not in self.leaves:
            self.held_like(leaf, self.name(leaf, N.Sym(0, 0, leaf, leaf)))
        inner = ModelReader(self.definitions, self.shapes, self.leaves | {leaf}, self.index, self.letters)
        inner.stack = list(self.stack)
        outputs = inner.value(of)
        variable = inner.value(var_node)
        self.free_names |= inner.free_names - {leaf}
        self.used |= inner.used
        self.upstream_used |= inner.upstream_used
        result = derivative(outputs, variable)
        if leaf in self.leaves:
            return result
        here = self.name(leaf, N.Sym(0, 0, leaf, leaf))
        held = inner.free(leaf)
        pairs = zip(list(held), list(here)) if is_explicit(held) and is_explicit(here) and \
            held.shape == here.shape else [(held, here)] if not is_explicit(held) and not is_explicit(here) else None
        if pairs is None:
            raise Unsupported(f"{leaf} has another shape than the derivative by it needs")
        table = dict(pairs)
        return result.xreplace(table) if not is_explicit(result) else result.applyfunc(lambda e: e.xreplace(table))


def layer_index(node: N.Pow) -> bool:
    """``W^L``, ``a^{L-1}``: a name with a layer written above (a capital letter in the
    exponent), not a power (``x^n`` stays the n-th power)."""
    return isinstance(node.base, N.Sym) and any(len(n) == 1 and n.isupper() for n in N.names(node.exp)) \
        and not isinstance(node.exp, N.Neg)


def upper_index(node: N.Sym) -> tuple[str, str] | None:
    """(the name, the letter) of a name with an index written above: y^{(i)}, x^{(j)}."""
    power = node.power
    if isinstance(power, N.Pow) and isinstance(power.exp, N.Sym) and len(power.exp.name) == 1:
        return N.key(power.base), power.exp.name
    return None


def _symbols(value) -> set:
    """The free symbols of a value (of all its entries)."""
    return set().union(*(e.free_symbols for e in value)) if is_explicit(value) else set(as_expr(value).free_symbols)


def _juxtaposed(node: N.Call) -> bool:
    """``p_i(\\delta_{ij} - p_j)``: a subscripted name before a parenthesis is a product."""
    return "_" in node.name


def _name_node(node: N.Call) -> N.Sym:
    """The name of ``p_i(...)`` as the parser reads a name: ``p_i`` is p with the subscript i."""
    base, _, sub = node.name.partition("_")
    if not sub:
        return N.Sym(node.start, node.end, node.name, node.name)
    script = N.Sym(node.start, node.end, sub, sub)
    return N.Sym(node.start, node.end, node.name, base, script)


def leaf_of(wrt: N.Node, letters: frozenset[str]) -> tuple[str, N.Node]:
    """The name held as a variable for a derivative by ``wrt``: ``z`` for z and for z_i
    (i an index letter), ``w_1`` for w_1, ``hat(y)`` for \\hat{y}."""
    if isinstance(wrt, N.Sym):
        if isinstance(wrt.sub, N.Sym) and wrt.sub.name in letters and wrt.base:
            return wrt.base, wrt
        upper = upper_index(wrt)
        if upper is not None and upper[1] in letters:
            return upper[0], wrt
        return wrt.name, wrt
    if isinstance(wrt, N.Call) and wrt.name in ACCENTS:
        return N.key(wrt), wrt
    if isinstance(wrt, N.Pow):                                   # \sigma^2, W^{(L)}, W^L
        return N.key(wrt), wrt
    if isinstance(wrt, N.Index) and isinstance(wrt.base, N.Call) and wrt.base.name in ACCENTS:
        return N.key(wrt.base), wrt
    raise Unsupported(f"a derivative by {N.pretty(wrt)}, which is not a name")


def derivative(outputs, variable):
    """d outputs / d variable: a number by a number; the gradient of a number by a vector or
    matrix (the variable's shape); a vector by a number (its shape); a vector by a vector:
    the Jacobian, J_ij = d outputs_i / d variable_j."""
    if not is_explicit(variable):
        return outputs.applyfunc(lambda e: sp.diff(e, variable)) if is_explicit(outputs) else sp.diff(outputs, variable)
    if not is_explicit(outputs) or outputs.shape == (1, 1):
        f = outputs[0, 0] if is_explicit(outputs) else outputs
        return variable.applyfunc(lambda v: sp.diff(f, v))
    if 1 in outputs.shape and 1 in variable.shape:
        outs, vars_ = list(outputs), list(variable)
        return sp.ImmutableMatrix(len(outs), len(vars_), lambda i, j: sp.diff(outs[i], vars_[j]))
    raise Unsupported("a derivative of a matrix by a vector or a matrix")


def assignments(letters: list[str], size: int):
    """Every assignment of values 1..size to the free index letters."""
    for values in itertools.product(range(1, size + 1), repeat=len(letters)):
        yield dict(zip(letters, values))
