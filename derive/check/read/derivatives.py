r"""Derivatives are names: every spelling of dL/dW is the one name ``dL/dW``.

    \frac{\partial L}{\partial W}      \partial L / \partial W      \nabla_W L
    \frac{dL}{dW}    dL/dW    \frac{\mathrm{d} L}{\mathrm{d} W}    \frac{\partial}{\partial W} L

all read as the name dL/dW (``\mathcal{L}`` is L: a typeface is only a look), so
a value printed under one spelling is found under another. A partial and a
total derivative of the same thing share the name; a second derivative
``\frac{\partial^2 L}{\partial x^2}`` is d^2L/dx^2; a function of the parameters
names the function (``\nabla_\theta L(\theta)`` is dL/dtheta).

The parser builds its tree as usual (``\partial L`` is the product of the names
partial and L); these functions turn a quotient of two differentials, or a
gradient applied to what follows it, into the derivative's name. A lone ``d``
is a differential only when the other side of the quotient is one too. A
``\partial`` over a plain name (``\frac{\partial L}{w_1}``, the second
``\partial`` forgotten) is still the derivative: ``\partial`` means nothing else.
"""

from __future__ import annotations

from derive.check.read import nodes as N

PARTIAL = "partial"
MARKERS = {PARTIAL, "d"}


def divide(num: N.Node, den: N.Node, start: int, end: int) -> N.Node:
    """``num / den``: the derivative's name when both are differentials (``num``
    may carry factors before its differential: ``\\eta\\, \\partial L / \\partial W``)."""
    top, bottom = differential(num), differential(den)
    if top is not None and bottom is None and isinstance(den, N.Sym) and den.name not in MARKERS \
            and _partial_mark(num):
        bottom = ((), "", den)
    if top is not None and bottom is not None and not bottom[0] and not bottom[1]:
        before, order, of = top
        name = derivative(of, bottom[2], order, _first(num, before), end)
        return _times(before, name, start, end)
    return N.Div(start, end, num, den)


def _partial_mark(node: N.Node) -> bool:
    r"""Does ``node`` end in ``\partial X`` (not ``d X``: d may be a name)?"""
    return isinstance(node, N.Mul) and len(node.factors) >= 2 and is_partial(node.factors[-2])


def applied(a: N.Node, b: N.Node, start: int, end: int) -> N.Node | None:
    """``\\nabla_W L`` and ``\\frac{\\partial}{\\partial W} L`` (a gradient, or the operator
    d/dW, then what it acts on): the name dL/dW; None for any other product."""
    before = a.factors[:-1] if isinstance(a, N.Mul) else ()
    last = a.factors[-1] if isinstance(a, N.Mul) else a
    if isinstance(last, N.Sym) and last.base == "nabla" and isinstance(last.sub, N.Sym) \
            and last.name.startswith("nabla_"):
        return _times(before, derivative(b, last.sub, "", last.start, end), start, end)
    if isinstance(last, N.Div):
        order, bottom = _marker(last.num), differential(last.den)
        if order is not None and bottom is not None and not bottom[0] and not bottom[1]:
            return _times(before, derivative(b, bottom[2], order, last.start, end), start, end)
    return None


def differential(node: N.Node) -> tuple[tuple[N.Node, ...], str, N.Node] | None:
    """(the factors before it, its order, what is differentiated) when ``node``
    ends in a differential: ``\\partial L``, ``\\partial^2 L``, ``d L``,
    ``\\mathrm{d} L``, or a name ``dL`` / ``dW_Q`` (d and one letter)."""
    if isinstance(node, N.Mul) and len(node.factors) >= 2:
        order = _marker(node.factors[-2])
        if order is not None:
            return node.factors[:-2], order, node.factors[-1]
    applied = _partial_call(node.factors[-1] if isinstance(node, N.Mul) else node)
    if applied is not None:                   # \partial(X_i - \mu)^2: the partial written as a call
        return (node.factors[:-1] if isinstance(node, N.Mul) else ()), "", applied
    if isinstance(node, N.Sym) and len(node.base) == 2 and node.base[0] == "d" and node.base[1].isalpha() \
            and node.name.startswith(node.base) and node.power is None:
        base = node.base[1:]
        return (), "", N.Sym(node.start + 1, node.end, node.name[1:], base, node.sub)
    return None


def _partial_call(node: N.Node) -> N.Node | None:
    r"""What ``\partial(u)`` or ``\partial(u)^2`` differentiates: u, or u^2."""
    if isinstance(node, N.Call) and node.name == PARTIAL and len(node.args) == 1:
        return node.args[0]
    if isinstance(node, N.Pow) and isinstance(node.base, N.Call) and node.base.name == PARTIAL \
            and len(node.base.args) == 1:
        return N.Pow(node.start, node.end, node.base.args[0], node.exp)
    return None


def derivative(of: N.Node, wrt: N.Node, order: str, start: int, end: int) -> N.Sym:
    """The name d<order><of>/d<wrt>: dL/dW, dL/dW_Q, d^2L/dx^2."""
    power = f"^{order}" if order else ""
    name = f"d{power}{_named(of)}/d{_named(wrt)}"
    return N.Sym(start, end, name, name, derivative=(of, wrt) if not order else None)


def is_partial(node: N.Node) -> bool:
    """A bare ``\\partial`` (or ``\\partial^2``), waiting for what it differentiates."""
    return _marker(node) is not None and not (isinstance(node, N.Sym) and node.name == "d")


def _marker(node: N.Node) -> str | None:
    """The order of a differential's mark: ``\\partial`` and ``d`` are 1 (""), ``\\partial^2`` is 2."""
    if isinstance(node, N.Sym) and node.name in MARKERS:
        return ""
    if isinstance(node, N.Pow) and isinstance(node.base, N.Sym) and node.base.name == PARTIAL \
            and isinstance(node.exp, N.Num) and node.exp.printed.text.isdigit():
        return node.exp.printed.text
    return None


def _named(node: N.Node) -> str:
    """A name as written; a function of the parameters is the function (L(W) is L)."""
    if isinstance(node, N.Sym):
        return node.name
    if isinstance(node, N.Call):
        return node.name
    text = N.key(node)
    return text if isinstance(node, (N.Pow, N.Transpose, N.Index)) else f"({text})"


def _first(node: N.Node, before: tuple[N.Node, ...]) -> int:
    return node.factors[len(before)].start if isinstance(node, N.Mul) else node.start


def _times(before: tuple[N.Node, ...], node: N.Node, start: int, end: int) -> N.Node:
    return N.Mul(start, end, before + (node,)) if before else node
