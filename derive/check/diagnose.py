r"""Why is a printed value wrong? Try plausible alternatives; name the one that fits.

The catalogue is data: each rule turns the formula a claim was judged against
into variants (a transposed operand, a dropped term, another exponent, epsilon
added to the standard deviation ...), each with the sentence that explains it.
A variant that reproduces every printed number (rounded or truncated) is the
diagnosis. Rules work on any document: they only read the formula's tree.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from fractions import Fraction

import sympy as sp

from derive.check import nodes as N
from derive.check.env import Binding, Env
from derive.check.evaluator import LAYER_NORM, MASK, SOFTMAX
from derive.check.findings import Finding
from derive.check.search import attempt, check_link
from derive.check.fastface import to_fast
from derive.check.values import EXACT, Options, Val
from derive.numbers import format_decimal, parse_decimal

MAX_VARIANTS = 80


@dataclass(frozen=True)
class Variant:
    sentence: str
    ref: N.Node
    options: Options = Options()


Rule = Callable[[N.Node, dict], Iterator[Variant]]


# ---------------------------------------------------------------- rules

def layer_norm_variants(ref: N.Node, ctx: dict) -> Iterator[Variant]:
    if _calls(ref, LAYER_NORM):
        yield Variant("epsilon is added to the standard deviation, (x - mu)/(sigma + eps), "
                      "instead of under the square root", ref, Options(layer_norm="std_eps"))
        yield Variant("the variance is the sample variance (divided by n - 1)", ref, Options(layer_norm="sample"))
        yield Variant("epsilon is left out", ref, Options(layer_norm="no_eps"))


def softmax_variants(ref: N.Node, ctx: dict) -> Iterator[Variant]:
    for node in N.walk(ref):
        if isinstance(node, N.Call) and node.name in MASK and len(node.args) == 1:
            yield Variant("the causal mask was left out", _swap(ref, node, node.args[0]))
    if _calls(ref, SOFTMAX) and not _calls(ref, MASK):
        yield Variant("a causal mask was applied before the softmax", ref, Options(softmax="masked"))
        yield Variant("the softmax runs over columns instead of rows", ref, Options(softmax="columns"))


def function_variants(ref: N.Node, ctx: dict) -> Iterator[Variant]:
    if _calls(ref, {"log", "ln"}):
        yield Variant("the logarithm is taken to base 10", ref, Options(log_base=10))
        yield Variant("the logarithm is taken to base 2", ref, Options(log_base=2))
    if _calls(ref, {"sin", "cos"}):
        yield Variant("sin and cos are swapped", ref, Options(swap_trig=True))


def dropped_scale(ref: N.Node, ctx: dict) -> Iterator[Variant]:
    """``Q K^T / sqrt(d_k)`` computed without the division (or with it squared)."""
    for node in N.walk(ref):
        if isinstance(node, N.Div):
            yield Variant(f"the division by {N.pretty(node.den)} is missing", _swap(ref, node, node.num))
            squared = N.Pow(node.den.start, node.den.end, node.den, _num("2"))
            yield Variant(f"it divides by ({N.pretty(node.den)})^2 instead of {N.pretty(node.den)}",
                          _swap(ref, node, N.Div(node.start, node.end, node.num, squared)))


def transposed_operand(ref: N.Node, ctx: dict) -> Iterator[Variant]:
    for node in _operands(ref, ctx):
        yield Variant(f"{N.pretty(node)} is transposed", _swap(ref, node, N.Transpose(node.start, node.end, node)))


def other_operand(ref: N.Node, ctx: dict) -> Iterator[Variant]:
    env: Env = ctx["env"]
    for node in _operands(ref, ctx):
        value = ctx["used"].get(N.key(node))
        if value is None:
            continue
        for key, _ in env.same_shape(value.value.shape, ctx["line"], {N.key(node)})[:8]:
            yield Variant(f"{key} is used in place of {N.pretty(node)}", _swap(ref, node, N.Sym(node.start, node.end, key, key)))


def dropped_term(ref: N.Node, ctx: dict) -> Iterator[Variant]:
    for node in N.walk(ref):
        if isinstance(node, N.Add) and len(node.terms) > 1:
            for k, term in enumerate(node.terms):
                rest = [(t, s) for i, (t, s) in enumerate(zip(node.terms, node.signs)) if i != k]
                smaller = rest[0][0] if len(rest) == 1 and rest[0][1] > 0 else \
                    N.Add(node.start, node.end, tuple(t for t, _ in rest), tuple(s for _, s in rest))
                yield Variant(f"the term {N.pretty(term)} is dropped", _swap(ref, node, smaller))
            for k, term in enumerate(node.terms):
                signs = tuple(-s if i == k else s for i, s in enumerate(node.signs))
                yield Variant(f"the sign of {N.pretty(term)} is flipped",
                              _swap(ref, node, N.Add(node.start, node.end, node.terms, signs)))


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
                tree = _swap(tree, node, N.Pow(node.start, node.end, node.base, _num(_text(alt))))
            yield Variant(f"the exponent is {_text(alt)} instead of {first.exp.printed.text} "
                          f"({N.pretty(new)} in place of {N.pretty(first)})", tree)


RULES: tuple[tuple[str, Rule], ...] = (
    ("formula variant", layer_norm_variants),
    ("formula variant", softmax_variants),
    ("formula variant", function_variants),
    ("scale factor", dropped_scale),
    ("transposed operand", transposed_operand),
    ("dropped or extra term", dropped_term),
    ("exponent", other_exponent),
    ("other operand", other_operand),
)


# ---------------------------------------------------------------- running the catalogue

def diagnose_all(findings: list[Finding], env: Env) -> None:
    """A diagnosis for every wrong finding that has none yet."""
    for f in findings:
        if f.verdict == "wrong" and f.diagnosis is None and isinstance(f.context, dict) and "ref" in f.context:
            try:
                f.diagnosis = diagnose(f, env)
            except Exception:  # noqa: BLE001 - a diagnosis is a best effort; the verdict stands
                f.diagnosis = None


def diagnose(f: Finding, env: Env) -> str | None:
    ctx = dict(f.context)
    ref, claim, outcome = ctx["ref"], ctx["claim"], ctx["outcome"]
    ctx.update(env=env, used=outcome.used)
    tried = 0
    for tree, how in [(ref, "")] + expansions(ref, env, ctx["line"]):
        for _, rule in RULES:
            for variant in rule(tree, ctx):
                tried += 1
                if tried > MAX_VARIANTS:
                    return rounded_inputs(f, env, ctx)
                if _reproduces(variant, claim, env, ctx):
                    return variant.sentence + how
    return scale_factor(f, outcome) or rounded_inputs(f, env, ctx) or copy_of_other(f, env, ctx)


def expansions(ref: N.Node, env: Env, line: int) -> list[tuple[N.Node, str]]:
    """The formula with a named operand replaced by that operand's own formula
    (``softmax(S)`` -> ``softmax(Q K^T / sqrt(d_k))``): a mistake may sit one step up."""
    out = []
    for node in N.walk(ref):
        if isinstance(node, N.Sym) and env.formulas.get(node.name):
            before = [f for f, at in env.formulas[node.name] if at <= line]
            if before:
                out.append((_swap(ref, node, before[-1]), f" (in {node.name} = {N.pretty(before[-1])})"))
    return out[:3]


def _reproduces(variant: Variant, claim: N.Node, env: Env, ctx: dict) -> bool:
    """Does the variant, on the values the claim was judged with, give every
    printed number (the claim's own label hidden)?"""
    outcome = attempt(variant.ref, claim, env, ctx["line"], ctx["outcome"].picks, variant.options,
                      ctx.get("exclude", frozenset()))
    return outcome is not None and outcome.judgement is not None and outcome.verdict != "wrong"


def copy_of_other(f: Finding, env: Env, ctx: dict) -> str | None:
    """The printed numbers are exactly another value of the document."""
    grid = f.grid
    if grid is None or len(grid) * len(grid[0]) < 2:
        return None
    used = set(ctx["used"])
    for key, b in env.same_shape((len(grid), len(grid[0])), f.line, used):
        if b.printed is None or b.line >= f.line or key == f.label:
            continue
        if [[p.value for p in r] for r in b.printed] == [[p.value for p in r] for r in grid]:
            return f"the values are those of {key} (line {b.line}), copied"
    return None


def scale_factor(f: Finding, outcome) -> str | None:
    """Every printed number is the true one times the same factor."""
    grid, expected = f.grid, outcome.expected
    if grid is None or expected is None or expected.shape != (len(grid), len(grid[0])):
        return None
    ratios = set()
    try:
        fast = to_fast(expected)
        for i, row in enumerate(grid):
            for j, p in enumerate(row):
                x = float(fast.entry(i, j))
                if abs(x) < 1e-12:
                    if p.value != 0:
                        return None
                    continue
                ratios.add(round(float(p.value) / x, 3))
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    if len(ratios) != 1:
        return None
    r = ratios.pop()
    for name, c in (("2", 2), ("1/2", 0.5), ("-1", -1), ("10", 10), ("1/10", 0.1), ("sqrt(2)", 2**0.5),
                    ("1/sqrt(2)", 2**-0.5), ("4", 4), ("1/4", 0.25), ("8", 8), ("1/8", 0.125),
                    ("sqrt(3)", 3**0.5), ("1/sqrt(3)", 3**-0.5)):
        if abs(r - c) <= 0.002 * abs(c):
            return f"every value is the true one times {name} (a scale factor)"
    return None


def rounded_inputs(f: Finding, env: Env, ctx: dict) -> str | None:
    """The formula reproduces the claim when its inputs are first rounded."""
    used = {k: b for k, b in ctx["used"].items() if b.origin != "default"}
    if not used or f.grid is None:
        return None
    for decimals in (4, 3, 2, 1):
        trial = _RoundedEnv(env, used, decimals)
        outcome = check_link(ctx["ref"], ctx["claim"], trial, ctx["line"], options=[ctx["outcome"].options],
                             exclude=ctx.get("exclude", frozenset()))
        if outcome.judgement is not None and outcome.verdict != "wrong":
            return f"the inputs were rounded to {decimals} decimals before use"
    return None


class _RoundedEnv(Env):
    """An environment whose given values are first rounded to some decimals."""

    def __init__(self, env: Env, used: dict[str, Binding], decimals: int):
        super().__init__(env.values, env.formulas, env.functions)
        self.rounded = {k: _round_binding(b, decimals) for k, b in used.items()}

    def candidates(self, key: str, line: int, later: bool = False) -> list[Binding]:
        if key in self.rounded and self.rounded[key] is not None:
            return [self.rounded[key]]
        return super().candidates(key, line, later)


def _round_binding(b: Binding, decimals: int) -> Binding | None:
    try:
        rows = [[parse_decimal(format_decimal(b.value.entry(i, j), decimals)) for j in range(b.value.shape[1])]
                for i in range(b.value.shape[0])]
    except Exception:  # noqa: BLE001 - a value that cannot be rounded gives no variant
        return None
    grid = tuple(tuple(r) for r in rows)
    value = EXACT.stack([[EXACT.scalar(p.value) for p in row] for row in grid])
    return Binding(Val(value.data, b.value.scalar), b.line, b.origin, b.label, grid)


# ---------------------------------------------------------------- tree helpers

def _calls(node: N.Node, names) -> bool:
    return any(isinstance(n, N.Call) and n.name in names for n in N.walk(node))


def _operands(ref: N.Node, ctx: dict) -> list[N.Node]:
    """Named matrices of a formula (operands a mistake could swap or transpose)."""
    out = []
    for n in N.walk(ref):
        if isinstance(n, N.Sym) and n.name in ctx["used"] and not ctx["used"][n.name].value.scalar:
            if all(N.key(o) != N.key(n) for o in out):
                out.append(n)
    return out


def _swap(tree: N.Node, old: N.Node, new: N.Node) -> N.Node:
    """``tree`` with the subtree ``old`` (by identity) replaced by ``new``;
    untouched subtrees keep their identity."""
    if tree is old:
        return new
    kids = N.children(tree)
    if not kids or not any(_contains(k, old) for k in kids):
        return tree
    s = lambda t: _swap(t, old, new)  # noqa: E731
    match tree:
        case N.Mat(rows=rows):
            return replace(tree, rows=tuple(tuple(s(c) for c in row) for row in rows))
        case N.Add():
            return replace(tree, terms=tuple(s(t) for t in tree.terms))
        case N.Mul():
            return replace(tree, factors=tuple(s(t) for t in tree.factors))
        case N.Tuple():
            return replace(tree, items=tuple(s(t) for t in tree.items))
        case N.Call():
            return replace(tree, args=tuple(s(t) for t in tree.args))
        case N.Div():
            return replace(tree, num=s(tree.num), den=s(tree.den))
        case N.Pow():
            return replace(tree, base=s(tree.base), exp=s(tree.exp))
        case N.Neg() | N.Transpose():
            return replace(tree, arg=s(tree.arg))
        case N.Index():
            return replace(tree, base=s(tree.base))
        case N.Sum():
            return replace(tree, body=s(tree.body))
    return tree


def _contains(tree: N.Node, node: N.Node) -> bool:
    return any(n is node for n in N.walk(tree))


def _exponents(e: sp.Rational) -> list[sp.Rational]:
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
    frac = Fraction(int(q.p), int(q.q))
    if frac.denominator == 1:
        return str(frac.numerator)
    for decimals in range(1, 8):
        if (frac * 10**decimals).denominator == 1:
            return format_decimal(q, decimals)
    return format_decimal(q, 6)
