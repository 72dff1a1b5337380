r"""What a document states in formulas: its definitions and the derivatives it claims.

Every statement of the reading (``derive.check.read``) is a chain of members
joined by ``=``. A chain whose first member is a name and whose next member is
a formula of names is a **definition** (``p = \mathrm{softmax}(z)``,
``L = -\sum_i y_i \log p_i``; an entry ``p_i = e^{z_i} / \sum_j e^{z_j}`` defines
the vector p entry by entry; ``f(x) = x^2`` defines a function). A chain whose
first member is a derivative (``\frac{\partial L}{\partial z}``, ``\nabla_z L``,
``\sigma'(x)``) and whose later members are formulas of names is a **derivative
claim**, one per formula member. Members that are numbers only are the numeric
checker's business, not this one's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from derive.check.policy import POLICY
from derive.check.read import Reading, Statement
from derive.check.read import nodes as N
from derive.check.read.grids import grid_of
from derive.check.read.latex import parse
from derive.check.read.lexer import LatexError

DEFINING = ("=",)


@dataclass(frozen=True)
class Definition:
    """``name = body`` at ``at``; ``index`` is the letter of an entry-wise definition
    (``p_i = ...``), ``params`` the arguments of a function's (``f(x) = ...``)."""

    name: str
    body: N.Node
    at: int
    line: int
    index: str | None = None
    params: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Stated:
    """A derivative the document claims equals ``formula``: of ``of`` by ``wrt``
    (a function's derivative ``f'(x)``: ``function`` is f, ``wrt`` is x)."""

    label: N.Node
    of: N.Node
    wrt: N.Node
    formula: N.Node
    at: int
    line: int
    end_line: int
    text: str
    condition: tuple[str, str, str] | None = None    # (i, "=" or "!=", j): the claim holds where it holds


@dataclass
class Statements:
    definitions: dict[str, list[Definition]]
    claims: list[Stated]
    upstream: dict[str, list[N.Node]]    # L -> the variables y of every dL/dy written, in order
    declared: dict[str, str]             # name -> "vector" | "matrix", from x \in \mathbb{R}^n
    counts: set[str]                     # names in the upper bound of a sum (the N of \sum_{i=1}^N)


def stated(reading: Reading) -> Statements:
    """The definitions (by name, in document order) and the derivative claims of a document."""
    doc = reading.doc
    definitions: dict[str, list[Definition]] = {}
    claims: list[Stated] = []
    upstream: dict[str, list[N.Node]] = {}
    for st in reading.items:
        if not isinstance(st, Statement):
            continue
        for part in st.parts[st.done:] if st.done else st.parts:
            _gradients_named(part, upstream)
        if st.label is None:
            continue
        origin = st.span.start
        label = st.parts[0]
        for k in range(max(st.done, 1), len(st.parts)):
            part, rel = st.parts[k], st.rels[k - 1]
            if rel not in DEFINING or not _formula(part):
                continue
            at = origin + part.start
            derivative = derivative_of(label)
            if derivative is not None:
                end = doc.line_of(origin + max(part.start, part.end - 1))
                claims.append(Stated(label, *derivative, part, at, doc.line_of(at), end,
                                     written(st.span.text, part.start, part.end),
                                     index_condition(st.span.text, part.end)))
            elif k == 1 or not _defined(definitions, label):
                definition = defining(label, part, at, doc.line_of(at))
                if definition is not None:
                    definitions.setdefault(definition.name, []).append(definition)
            if derivative is None and isinstance(part, N.Sym) and k + 1 < len(st.parts) \
                    and st.rels[k] in DEFINING and _formula(st.parts[k + 1]):
                named = defining(part, st.parts[k + 1], at, doc.line_of(at))    # C = MSE = ...: MSE too
                if named is not None:
                    definitions.setdefault(named.name, []).append(named)
    nodes = [d.body for ds in definitions.values() for d in ds] + [c.formula for c in claims]
    return Statements(definitions, claims, upstream, declared_shapes(doc.text), count_names(nodes))


def count_names(nodes) -> set[str]:
    """The names written as the upper bound of a sum (N of \\sum_{i=1}^{N}, of \\sum_{i=0}^{N-1})."""
    out = set()
    for node in nodes:
        for n in N.walk(node):
            name = bound_name(n.hi) if isinstance(n, N.Sum) else None
            if name is not None:
                out.add(name)
    return out


def bound_name(hi: N.Node | None) -> str | None:
    """The name in a sum's upper bound: N of N, of N - 1 (None for a number or nothing)."""
    term = hi.terms[0] if isinstance(hi, N.Add) and len(hi.terms) == 2 and isinstance(hi.terms[1], N.Num) else hi
    return term.name if isinstance(term, N.Sym) else None


# x \in \mathbb{R}^n, W \in \mathbb{R}^{m \times n}: what the name is (\in is outside the parser's subset)
MEMBERSHIP = re.compile(r"([A-Za-z\\][\w\\{}^()']{0,40}?)\s*\\in\s*\\(?:mathbb|mathbf|Bbb)\s*\{?R\}?\s*\^\s*(\{[^{}$]{1,40}\}|\w)")
TIMES = re.compile(r"\\times|×|,")


def declared_shapes(text: str) -> dict[str, str]:
    """name -> vector or matrix, for every ``NAME \\in \\mathbb{R}^{...}`` of the document."""
    out = {}
    for m in MEMBERSHIP.finditer(text):
        left, dims = m.group(1), [d.strip() for d in TIMES.split(m.group(2).strip("{}"))]
        try:
            node = parse(left.split("$")[-1].split(",")[-1].strip())
        except LatexError:
            continue
        if not isinstance(node, N.Sym):
            continue
        sizes = [d for d in dims if d != "1"]
        if len(dims) > 2 or not sizes:
            continue
        out[node.name] = "vector" if len(sizes) == 1 else "matrix"
    return out


def _gradients_named(node: N.Node, upstream: dict) -> None:
    """Every derivative dL/dy written in ``node`` with L a name: L -> [y, ...]."""
    for n in N.walk(node):
        if isinstance(n, N.Sym) and n.derivative is not None and isinstance(n.derivative[0], N.Sym):
            of, wrt = n.derivative
            known = upstream.setdefault(of.name, [])
            if all(N.key(w) != N.key(wrt) for w in known):
                known.append(wrt)


# ", \quad i = j", "\text{if } i \neq j" right after a claimed formula: where it holds
CONDITION = re.compile(r"\s*(?:,|;|\\[,;]|\\q?quad|\\(?:text|mathrm|textrm)\{[^{}]{0,20}\}|\s|if|for|when)*"
                       r"([a-z])\s*(=|\\neq|\\ne(?![a-z])|≠)\s*([a-z])(?![A-Za-z_])")


def index_condition(text: str, end: int) -> tuple[str, str, str] | None:
    m = CONDITION.match(text, end)
    if m is None:
        return None
    return m.group(1), "=" if m.group(2) == "=" else "!=", m.group(3)


def written(text: str, start: int, end: int) -> str:
    """The text of a member as written: with the typeface command its first name sits in
    (the parser places ``\\mathbf{p}`` at its braces) and the ``\\left``/``\\right`` of its
    parentheses (placed at the parenthesis itself)."""
    command = COMMAND_BEFORE.search(text, 0, start)
    if command is not None and (text[start:start + 1] == "{" or command.group().strip() == "\\left"):
        start = command.start()
    part = text[start:end]
    while part.count("\\left") > part.count("\\right"):
        closing = RIGHT.match(text, end)
        if closing is None:
            break
        end = closing.end()
        part = text[start:end]
    return part


COMMAND_BEFORE = re.compile(r"\\[A-Za-z]+\s*\Z")
RIGHT = re.compile(r"\s*\\right\s*(?:[)\]|.]|\\[}|])")


def _formula(node: N.Node) -> bool:
    """A formula of names: not a printed value, and some name in it."""
    return grid_of(node) is None and not N.is_literal(node) and bool(N.names(node))


def _defined(definitions, label: N.Node) -> bool:
    return N.key(label) in definitions


def derivative_of(label: N.Node) -> tuple[N.Node, N.Node] | None:
    """(what is differentiated, the variable) of a derivative label: ``dL/dz`` read from
    any spelling, or ``f'(x)`` (the function applied to its argument, by the argument)."""
    if isinstance(label, N.Sym) and label.derivative is not None:
        return label.derivative
    if isinstance(label, N.Call) and label.name.endswith("'") and len(label.args) == 1 \
            and isinstance(label.args[0], N.Sym):
        arg = label.args[0]
        return N.Call(label.start, label.end, label.name[:-1], (arg,)), arg
    return None


def defining(label: N.Node, body: N.Node, at: int, line: int) -> Definition | None:
    """The definition ``label = body`` states, if the label is something a definition names."""
    if isinstance(label, N.Sym) and label.derivative is None:
        if len(label.name) == 1 and label.name in POLICY.index_letters:
            return None                           # "i = j": a condition on indices, not a definition
        sub = label.sub
        if isinstance(sub, N.Sym) and len(sub.name) == 1 and label.base and sub.name in subscripts(body):
            return Definition(label.base, body, at, line, index=sub.name)
        power = label.power
        if isinstance(power, N.Pow) and isinstance(power.exp, N.Sym) and len(power.exp.name) == 1 \
                and power.exp.name in subscripts(body):                # y^{(i)} = ...: entry i of y
            return Definition(N.key(power.base), body, at, line, index=power.exp.name)
        return Definition(label.name, body, at, line)
    if isinstance(label, N.Call) and label.args and all(isinstance(a, N.Sym) for a in label.args):
        params = tuple(a.name for a in label.args)
        if len(label.args) == 1 and label.name in ACCENTS:       # \hat{y} = ...: a name
            return Definition(N.key(label), body, at, line)
        return Definition(label.name, body, at, line, params=params)
    if isinstance(label, N.Pow) and N.names(label.base) and not isinstance(label.exp, N.Neg):
        return Definition(N.key(label), body, at, line)          # \sigma^2 = ...: the name sigma^2
    if isinstance(label, N.Index) and len(label.indices) == 1 and isinstance(label.indices[0], N.Sym) \
            and isinstance(label.base, N.Call) and label.base.name in ACCENTS:
        return Definition(N.key(label.base), body, at, line, index=label.indices[0].name)
    if isinstance(label, N.Index) and len(label.indices) == 1 and isinstance(label.indices[0], N.Sym) \
            and isinstance(label.base, N.Call) and label.base.args \
            and all(isinstance(a, N.Sym) for a in label.base.args):    # \sigma(z)_j = ...: a function, entry by entry
        return Definition(label.base.name, body, at, line, index=label.indices[0].name,
                          params=tuple(a.name for a in label.base.args))
    return None


# a typeface or accent over one name makes another name (\hat{y} is not y)
ACCENTS = frozenset({"hat", "bar", "tilde", "vec", "dot", "widehat", "widetilde", "overline"})


def subscripts(node: N.Node) -> set[str]:
    r"""The names and letters written as subscripts in ``node`` (i and j of e^{z_i} / \sum_j e^{z_j})."""
    out = set()
    for n in N.walk(node):
        if isinstance(n, N.Sym) and isinstance(n.sub, N.Sym):
            out.add(n.sub.name)
            if n.base == "delta":
                out.update(n.sub.name)
        elif isinstance(n, N.Index):
            out.update(i.name for i in n.indices if isinstance(i, N.Sym))
        elif isinstance(n, N.Sum):
            out.add(n.var)
        if isinstance(n, N.Sym) and isinstance(n.power, N.Pow) and isinstance(n.power.exp, N.Sym):
            out.add(n.power.exp.name)
    return out
