"""The node types of the syntax tree of the LaTeX subset that ``derive check`` reads.

Nodes are plain frozen records; ``start`` and ``end`` are offsets into the
math text they came from, so that a claim can name its line. Everything is
used through ``derive.check.read.nodes``, which adds keys and tree walks.

Names carry what the notation says: ``\\hat{X}`` is the name hat(X), ``W'`` the
name W', every spelling of a derivative the name dL/dW (``derive.check.read.derivatives``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from derive.numbers import Printed


@dataclass(frozen=True)
class Node:
    start: int
    end: int


@dataclass(frozen=True)
class Num(Node):
    """A number as printed: ``0.8415``, ``-3``, ``1.5e-03`` (the sign is kept apart)."""

    printed: Printed


@dataclass(frozen=True)
class Sym(Node):
    """A name: ``W_Q``, ``PE_input``, ``d_model``, ``sigma``; ``base`` and ``sub``
    keep the parts of a subscripted name, for indexing (``y_i`` -> y[i]).

    A superscripted name (``W^K``, ``h^{(1)}``) keeps its reading as a power in
    ``power``: it is that power only when the name has no value and the power
    is a number (``x^n`` with x and n given). A derivative's name (``dL/dz``)
    keeps what is differentiated and the variable in ``derivative``."""

    name: str
    base: str = ""
    sub: Node | None = None
    power: Node | None = None
    derivative: tuple[Node, Node] | None = None


@dataclass(frozen=True)
class Str(Node):
    """Quoted text inside ``\\text{"I"}``: a dictionary key, never evaluated."""

    text: str


@dataclass(frozen=True)
class Special(Node):
    """A value that is not a finite number: ``\\infty``, ``NaN``, ``\\dots``."""

    what: str


@dataclass(frozen=True)
class Mat(Node):
    """A matrix (pmatrix, bmatrix, array ...) or a bracket vector ``[a, b]`` (one row)."""

    rows: tuple[tuple[Node, ...], ...]
    bracket: bool = False


@dataclass(frozen=True)
class Add(Node):
    """A sum of signed terms: ``signs[k]`` is +1 or -1 for ``terms[k]``."""

    terms: tuple[Node, ...]
    signs: tuple[int, ...]


@dataclass(frozen=True)
class Mul(Node):
    """A product; a matrix times a matrix is a matrix product."""

    factors: tuple[Node, ...]


@dataclass(frozen=True)
class Hadamard(Node):
    """``a \\odot b`` (or ``\\circ``): the entry-by-entry product; a row or a
    column stretches over the other operand (``\\gamma \\odot \\hat{X}``)."""

    left: Node
    right: Node


@dataclass(frozen=True)
class Kron(Node):
    """``u \\otimes v``: the outer product of two vectors, the Kronecker product of matrices."""

    left: Node
    right: Node


@dataclass(frozen=True)
class Div(Node):
    num: Node
    den: Node


@dataclass(frozen=True)
class Neg(Node):
    arg: Node


@dataclass(frozen=True)
class Pow(Node):
    base: Node
    exp: Node


@dataclass(frozen=True)
class Transpose(Node):
    arg: Node


@dataclass(frozen=True)
class Call(Node):
    """``f(args)``: a known function (sin, softmax, LN ...), a function the
    document defines (``\\sigma(z) = ...``), or a label (``h_0(\\text{"I"})``)."""

    name: str
    args: tuple[Node, ...]
    bare: bool = False      # one argument written without parentheses or braces: ``\log_2 10``


@dataclass(frozen=True)
class Index(Node):
    """``Q[1,2]``: an entry of a named matrix."""

    base: Node
    indices: tuple[Node, ...]


@dataclass(frozen=True)
class Sum(Node):
    r"""``\sum_{var=lo}^{hi} body``."""

    var: str
    lo: Node | None
    hi: Node | None
    body: Node


@dataclass(frozen=True)
class Tuple(Node):
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Chain(Node):
    """``a = b \\approx c``: parts joined by relations ('=', 'approx', ...)."""

    parts: tuple[Node, ...]
    rels: tuple[str, ...] = field(default=())
