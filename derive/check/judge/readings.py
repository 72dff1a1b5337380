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
    sample_statistics        std(x), var(x) of n written numbers as the sample
                             statistics (divided by n - 1, not n): numpy's std is
                             the first, torch's the second, and prose names both "std"
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from derive.check.bind.patterns import number
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


def sample_statistics(ref: N.Node) -> Iterator[tuple[str, N.Node]]:
    r"""Every ``std(x)`` and ``var(x)`` of a written matrix of n entries, made the sample
    statistic: ``std(x) \sqrt{n/(n-1)}``, ``var(x) \cdot n/(n-1)``: one reading."""
    sites = [node for node in N.walk(ref) if isinstance(node, N.Call) and node.name in ("std", "var")
             and len(node.args) == 1 and isinstance(node.args[0], N.Mat)]
    read = ref
    for node in sites:
        n = sum(len(row) for row in node.args[0].rows)
        if n < 2:
            return
        ratio = N.Div(node.start, node.end, number(n), number(n - 1))
        scale = N.Call(node.start, node.end, "sqrt", (ratio,)) if node.name == "std" else ratio
        read = N.substitute(read, node, N.Mul(node.start, node.end, (node, scale)))
    if sites:
        yield "the sample statistic (divided by n - 1)", read


RULES: tuple[Callable[[N.Node], Iterator[tuple[str, N.Node]]], ...] = (bare_argument_division, sample_statistics)


def readings(ref: N.Node) -> Iterator[tuple[str, N.Node]]:
    """The other readings of ``ref``, each with the reason it may be meant."""
    for rule in RULES:
        yield from rule(ref)
