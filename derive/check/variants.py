r"""The catalogue of plausible mistakes: variants of the formula a claim was judged against.

Each rule reads only the formula's tree (and, for operands, which values the
judgement used) and yields variants: a transposed operand, a dropped term,
another exponent, epsilon added to the standard deviation ... each with the
sentence that explains it. ``derive.check.diagnose.causes`` tries them in the order
of ``RULES``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from fractions import Fraction

import sympy as sp

from derive.check.read import nodes as N
from derive.check.bind.env import Env
from derive.check.evaluate.functions import LAYER_NORM, MASK, SOFTMAX, STAGE_NAMES
from derive.check.evaluate.values import Options
from derive.check.policy import POLICY
from derive.stages.record import all_stages
from derive.numbers import format_decimal, parse_decimal



@dataclass(frozen=True)
class Variant:
    sentence: str
    ref: N.Node
    options: Options = Options()


Rule = Callable[[N.Node, dict], Iterator[Variant]]
STAGES = all_stages()


# ---------------------------------------------------------------- rules

def layer_norm_variants(ref: N.Node, ctx: dict) -> Iterator[Variant]:
    r"""(x - \mu)/(\sigma + \epsilon); the sample variance \frac{1}{n-1}\sum (x - \mu)^2; no \epsilon."""
    if _calls(ref, LAYER_NORM):
        yield Variant("epsilon is added to the standard deviation, (x - mu)/(sigma + eps), "
                      "instead of under the square root", ref, Options(layer_norm="std_eps"))
        yield Variant("the variance is the sample variance (divided by n - 1)", ref, Options(layer_norm="sample"))
        yield Variant("epsilon is left out", ref, Options(layer_norm="no_eps"))


def softmax_variants(ref: N.Node, ctx: dict) -> Iterator[Variant]:
    """The causal mask left out or added; the softmax over columns."""
    for node in N.walk(ref):
        if isinstance(node, N.Call) and node.name in MASK and len(node.args) == 1:
            yield Variant("the causal mask was left out", N.substitute(ref, node, node.args[0]))
    if _calls(ref, SOFTMAX) and not _calls(ref, MASK):
        yield Variant("a causal mask was applied before the softmax", ref, Options(softmax="masked"))
        yield Variant("the softmax runs over columns instead of rows", ref, Options(softmax="columns"))


def approximation_variants(ref: N.Node, ctx: dict) -> Iterator[Variant]:
    r"""A stage computed in an approximation its record names (GELU by its tanh form)."""
    for node in N.walk(ref):
        stage = STAGE_NAMES.get(node.name) if isinstance(node, N.Call) else None
        for other, how in (stage.approximations if stage is not None else ()):
            yield Variant(f"{stage.title} is computed with {how}",
                          N.substitute(ref, node, replace(node, name=STAGES[other].names[0])))


def log_and_trig_variants(ref: N.Node, ctx: dict) -> Iterator[Variant]:
    r"""\log_{10} or \log_2 for \ln; \sin and \cos swapped."""
    if _calls(ref, {"log", "ln"}):
        yield Variant("the logarithm is taken to base 10", ref, Options(log_base=10))
        yield Variant("the logarithm is taken to base 2", ref, Options(log_base=2))
    if _calls(ref, {"sin", "cos"}):
        yield Variant("sin and cos are swapped", ref, Options(swap_trig=True))


def dropped_scale(ref: N.Node, ctx: dict) -> Iterator[Variant]:
    """``Q K^T / sqrt(d_k)`` computed without the division (or with it squared)."""
    for node in N.walk(ref):
        if isinstance(node, N.Div):
            yield Variant(f"the division by {N.pretty(node.den)} is missing", N.substitute(ref, node, node.num))
            squared = N.Pow(node.den.start, node.den.end, node.den, _num("2"))
            yield Variant(f"it divides by ({N.pretty(node.den)})^2 instead of {N.pretty(node.den)}",
                          N.substitute(ref, node, N.Div(node.start, node.end, node.num, squared)))


def term_outside_root(ref: N.Node, ctx: dict) -> Iterator[Variant]:
    r"""\sqrt{a + \epsilon} computed as \sqrt{a} + \epsilon: a term added outside the root."""
    for node in N.walk(ref):
        if isinstance(node, N.Call) and node.name == "sqrt" and len(node.args) == 1 \
                and isinstance(node.args[0], N.Add) and len(node.args[0].terms) > 1:
            inner = node.args[0]
            for k, term in enumerate(inner.terms):
                rest = N.Call(node.start, node.end, "sqrt", (_without_term(inner, k),))
                moved = N.Add(node.start, node.end, (rest, term), (1, inner.signs[k]))
                yield Variant(f"{N.pretty(term)} is added outside the square root instead of under it",
                              N.substitute(ref, node, moved))


def transposed_operand(ref: N.Node, ctx: dict) -> Iterator[Variant]:
    """A named matrix used as A^T instead of A."""
    for node in _operands(ref, ctx):
        transposed = N.Transpose(node.start, node.end, node)
        yield Variant(f"{N.pretty(node)} is transposed", N.substitute(ref, node, transposed))


def transposed_result(ref: N.Node, ctx: dict) -> Iterator[Variant]:
    """The whole result transposed (K Q^T printed for Q K^T)."""
    if not isinstance(ref, (N.Num, N.Transpose)):
        yield Variant(f"the result is transposed (the printed matrix is ({N.pretty(ref)})^T)",
                      N.Transpose(ref.start, ref.end, ref))


def other_operand(ref: N.Node, ctx: dict) -> Iterator[Variant]:
    """Another value of the same shape in place of a named matrix."""
    env: Env = ctx["env"]
    for node in _operands(ref, ctx):
        value = ctx["used"].get(N.key(node))
        if value is None:
            continue
        for key, _ in env.same_shape(value.shape, ctx["at"], {N.key(node)})[:POLICY.other_operands]:
            other = N.Sym(node.start, node.end, key, key)
            what = f"the output printed on line {key[7:]}" if key.startswith("output@") else key
            yield Variant(f"{what} is used in place of {N.pretty(node)}", N.substitute(ref, node, other))


def dropped_term(ref: N.Node, ctx: dict) -> Iterator[Variant]:
    r"""\sum_{i \ne k} s_i t_i (a term dropped), then s_k \to -s_k (a sign flipped)."""
    for node in N.walk(ref):
        if isinstance(node, N.Add) and len(node.terms) > 1:
            for k, term in enumerate(node.terms):
                yield Variant(f"the term {N.pretty(term)} is dropped", N.substitute(ref, node, _without_term(node, k)))
            for k, term in enumerate(node.terms):
                signs = tuple(-s if i == k else s for i, s in enumerate(node.signs))
                yield Variant(f"the sign of {N.pretty(term)} is flipped",
                              N.substitute(ref, node, N.Add(node.start, node.end, node.terms, signs)))


def _without_term(node: N.Add, k: int) -> N.Node:
    """The sum without its term k (a single positive term left stands alone)."""
    rest = [(t, s) for i, (t, s) in enumerate(zip(node.terms, node.signs)) if i != k]
    if len(rest) == 1 and rest[0][1] > 0:
        return rest[0][0]
    return N.Add(node.start, node.end, tuple(t for t, _ in rest), tuple(s for _, s in rest))


def other_exponent(ref: N.Node, ctx: dict) -> Iterator[Variant]:
    """Another exponent, changed wherever the same power appears (10000^{2} -> 10000^{1})."""
    groups: dict[str, list[N.Pow]] = {}
    for node in N.walk(ref):
        if isinstance(node, N.Pow) and isinstance(node.exp, N.Num):
            groups.setdefault(N.key(node), []).append(node)
    for nodes in groups.values():
        first = nodes[0]
        for alt in _exponents(first.exp.printed.value):
            new = N.Pow(first.start, first.end, first.base, _num(_text(alt)))
            tree = ref
            for node in nodes:
                tree = N.substitute(tree, node, N.Pow(node.start, node.end, node.base, _num(_text(alt))))
            yield Variant(f"the exponent is {_text(alt)} instead of {first.exp.printed.text} "
                          f"({N.pretty(new)} in place of {N.pretty(first)})", tree)


RULES: tuple[tuple[str, Rule], ...] = (
    ("formula variant", layer_norm_variants),
    ("formula variant", softmax_variants),
    ("formula variant", approximation_variants),
    ("formula variant", log_and_trig_variants),
    ("scale factor", dropped_scale),
    ("term outside the root", term_outside_root),
    ("transposed operand", transposed_operand),
    ("transposed result", transposed_result),
    ("dropped or extra term", dropped_term),
    ("exponent", other_exponent),
    ("other operand", other_operand),
)


def normalisation_variants(ref: N.Node) -> Iterator[Variant]:
    """Variants of the layer norm and softmax in a formula (for an argument search)."""
    yield from layer_norm_variants(ref, {})
    yield from softmax_variants(ref, {})


# ---------------------------------------------------------------- tree helpers

def _calls(node: N.Node, names) -> bool:
    return any(isinstance(n, N.Call) and n.name in names for n in N.walk(node))


def _operands(ref: N.Node, ctx: dict) -> list[N.Node]:
    """Named matrices of a formula (operands a mistake could swap or transpose)."""
    out = []
    for n in N.walk(ref):
        if isinstance(n, N.Sym) and n.name in ctx["used"] and not ctx["used"][n.name].scalar:
            if all(N.key(o) != N.key(n) for o in out):
                out.append(n)
    return out


def _exponents(e: sp.Rational) -> list[sp.Rational]:
    """e - 1, e + 1, 2e, e/2, -e, 1, 0, 1/e: distinct, other than e, at most 100."""
    alts = [e - 1, e + 1, 2 * e, e / 2, -e, sp.Integer(1), sp.Integer(0)]
    if e != 0:
        alts.append(1 / e)
    out = []
    for a in alts:
        if a != e and a not in out and abs(a) <= 100:
            out.append(a)
    return out


def _num(text: str) -> N.Num:
    return N.Num(0, 0, parse_decimal(text))


def _text(q: sp.Rational) -> str:
    """A rational as the shortest decimal that writes it (at most 7 places, else 6 rounded)."""
    frac = Fraction(int(q.p), int(q.q))
    if frac.denominator == 1:
        return str(frac.numerator)
    for decimals in range(1, 8):
        if (frac * 10**decimals).denominator == 1:
            return format_decimal(q, decimals)
    return format_decimal(q, 6)
