r"""Other readings of notation that leaves its grouping unsaid.

Some writing can be read two ways, and authors mean the one a strict parser
does not take: ``8/10 \cdot \log_2 10/3`` is, strictly, ``\log_2(10)`` divided
by 3, but its author means ``\log_2(10/3)``. A reading is tried only when the
strict one makes the claim wrong, and only the rules below (one table) make
readings; the verdict is then against the reading, and says why it was taken. A reading never makes a
claim right that no reading of its text supports: a changed digit in the
printed value still fails under every reading.

    bare_argument_division   f x / d  read as  f(x / d)   (f's one argument
                             written without parentheses or braces)
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from derive.check.read import nodes as N


def _absorbed(node: N.Node) -> N.Node | None:
    r"""``a \cdot f x / d`` as ``a \cdot f(x / d)`` when ``f x`` is a bare call; None otherwise."""
    if not isinstance(node, N.Div):
        return None
    num = node.num
    last = num.factors[-1] if isinstance(num, N.Mul) else num
    if not (isinstance(last, N.Call) and last.bare and len(last.args) == 1):
        return None
    arg = last.args[0]
    call = N.Call(last.start, node.end, last.name, (N.Div(arg.start, node.end, arg, node.den),))
    return N.Mul(node.start, node.end, num.factors[:-1] + (call,)) if isinstance(num, N.Mul) else call


def bare_argument_division(ref: N.Node) -> Iterator[tuple[str, N.Node]]:
    r"""Every ``f x / d`` of ``ref`` read as ``f(x / d)`` at once: one reading."""
    sites = [(node, new) for node in N.walk(ref) if (new := _absorbed(node)) is not None]
    if not sites:
        return
    read = ref
    for old, new in sites:          # parents first: an inner site keeps its identity inside the new parent
        read = N.substitute(read, old, new)
    yield "a function's argument written without parentheses read to the end of the fraction after it", read


RULES: tuple[Callable[[N.Node], Iterator[tuple[str, N.Node]]], ...] = (bare_argument_division,)


def readings(ref: N.Node) -> Iterator[tuple[str, N.Node]]:
    """The other readings of ``ref``, each with the reason it may be meant."""
    for rule in RULES:
        yield from rule(ref)
