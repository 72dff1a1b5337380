r"""Why is a printed value wrong? Try plausible alternatives; name the one that fits.

The alternatives are the catalogue of ``derive.check.diagnose.variants``, tried on the
formula a claim was judged against and on that formula with a named operand
expanded one step up. A variant that reproduces every printed number (rounded
or truncated) is the diagnosis. When none does, three checks on the values
themselves follow: a common scale factor, inputs rounded before use, a copy
of another value of the document.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import fields

from derive.check.read import nodes as N
from derive.check.bind.env import Binding, Env, printed_binding, same_numbers
from derive.check.evaluate.fastface import to_fast
from derive.check.findings import Finding
from derive.check.read.grids import grid_of
from derive.check.judge.compare import judge
from derive.check.judge.search import attempt, check_link
from derive.check.evaluate.values import grid_value
from derive.check.diagnose.variants import RULES, Variant
from derive.numbers import format_decimal, parse_decimal

MAX_VARIANTS = 80
MAX_EXPANSIONS = 3
ROUNDED_INPUT_DECIMALS = (4, 3, 2, 1)
# A common factor c of every entry, with how the diagnosis writes it.
SCALE_FACTORS = (("2", 2), ("1/2", 0.5), ("-1", -1), ("10", 10), ("1/10", 0.1), ("sqrt(2)", 2**0.5),
                 ("1/sqrt(2)", 2**-0.5), ("4", 4), ("1/4", 0.25), ("8", 8), ("1/8", 0.125),
                 ("sqrt(3)", 3**0.5), ("1/sqrt(3)", 3**-0.5))


def diagnose_all(findings: list[Finding], env: Env) -> None:
    """A diagnosis for every wrong finding that has none yet."""
    for f in findings:
        if f.verdict == "wrong" and f.diagnosis is None and isinstance(f.context, dict) and "ref" in f.context:
            try:
                f.diagnosis = diagnose(f, env)
            except Exception:  # noqa: BLE001 - a diagnosis is a best effort; the verdict stands
                f.diagnosis = None


def diagnose(f: Finding, env: Env) -> str | None:
    """The first variant that reproduces the claim, else what the values themselves show."""
    ctx = dict(f.context)
    ref, claim, outcome = ctx["ref"], ctx["claim"], ctx["outcome"]
    ctx.update(env=env, used=outcome.used)
    for tried, (variant, how) in enumerate(_variants(ref, env, ctx), start=1):
        if tried > MAX_VARIANTS:
            return rounded_inputs(f, env, ctx)
        if _reproduces(variant, claim, env, ctx):
            return variant.sentence + how
    return (outdated_value(f, env, ctx) or scale_factor(f, outcome) or entry_slips(f)
            or rounded_inputs(f, env, ctx) or copy_of_other(f, env, ctx))


def _variants(ref: N.Node, env: Env, ctx: dict) -> Iterator[tuple[Variant, str]]:
    """Every rule's variants of the formula, then of its expansions (with where the change sits)."""
    for tree, how in [(ref, "")] + expansions(ref, env, ctx["line"]):
        for _, rule in RULES:
            for variant in rule(tree, ctx):
                yield variant, how


def expansions(ref: N.Node, env: Env, line: int) -> list[tuple[N.Node, str]]:
    """The formula with a named operand replaced by that operand's own formula
    (``softmax(S)`` -> ``softmax(Q K^T / sqrt(d_k))``): a mistake may sit one step up."""
    out = []
    for node in N.walk(ref):
        if isinstance(node, N.Sym) and env.formulas.get(node.name):
            before = [f for f, at in env.formulas[node.name] if at <= line]
            if before:
                out.append((N.substitute(ref, node, before[-1]), f" (in {node.name} = {N.pretty(before[-1])})"))
    return out[:MAX_EXPANSIONS]


def _reproduces(variant: Variant, claim: N.Node, env: Env, ctx: dict) -> bool:
    """Does the variant, on the values the claim was judged with, give every
    printed number (the claim's own label hidden)?"""
    literal, printed = grid_of(variant.ref), grid_of(claim)
    if literal is not None and printed is not None:
        # the formula collapsed to a written number (1/sqrt(2) without its
        # division is 1): that number is exact, not a printing of the claim
        return judge(printed, grid_value(literal, False)).verdict != "wrong"
    outcome = attempt(variant.ref, claim, env, ctx["line"], ctx["outcome"].picks, variant.options,
                      ctx.get("exclude", frozenset()))
    return outcome is not None and outcome.reproduces


def outdated_value(f: Finding, env: Env, ctx: dict) -> str | None:
    """The claim was computed with a value the document had changed on purpose before it."""
    for key, lines in sorted(env.superseded.items()):
        changed = [at for at in lines if at <= f.line]
        if not changed or key not in ctx["used"]:
            continue
        for old in [b for b in env.values.get(key, []) if b.line < changed[-1]][::-1]:
            outcome = check_link(ctx["ref"], ctx["claim"], _PinnedEnv(env, {key: old}), ctx["line"],
                                 options=[ctx["outcome"].options], exclude=ctx.get("exclude", frozenset()))
            if outcome.reproduces:
                return f"it still uses {key} of line {old.line}, which line {changed[-1]} changed"
    return None


class _PinnedEnv(Env):
    """The document's environment with some names pinned to one given value each
    (a value the document replaced, or the inputs rounded); all else as it is."""

    def __init__(self, env: Env, pins: dict[str, Binding | None]):
        super().__init__(**{f.name: getattr(env, f.name) for f in fields(env)})
        self.pins = {k: b for k, b in pins.items() if b is not None}

    def candidates(self, key: str, line: int, later: bool = False) -> list[Binding]:
        return [self.pins[key]] if key in self.pins else super().candidates(key, line, later)


def copy_of_other(f: Finding, env: Env, ctx: dict) -> str | None:
    """The printed numbers are exactly another value of the document."""
    grid = f.grid
    if grid is None or len(grid) * len(grid[0]) < 2:
        return None
    used = set(ctx["used"])
    for key, b in env.same_shape((len(grid), len(grid[0])), f.line, used):
        if b.printed is None or b.line >= f.line or key == f.label:
            continue
        if same_numbers(b.printed, grid):
            return f"the values are those of {key} (line {b.line}), copied"
    return None


def entry_slips(f: Finding) -> str | None:
    """Every wrong entry is the true one with its sign flipped, or with two
    neighbouring digits swapped (0.7017 for 0.7071): a slip of the pen."""
    wrong = f.wrong_entries
    if not wrong:
        return None
    where = ", ".join(f"({e['row']}, {e['col']})" for e in wrong[:3]) + (", ..." if len(wrong) > 3 else "")
    entry = "entry" if len(wrong) == 1 else "entries"
    if all(_sign_flipped(e["printed"], e["expected"]) for e in wrong):
        return f"the sign of {entry} {where} is flipped"
    if all(_digits_swapped(e["printed"], e["expected"]) for e in wrong):
        return f"two neighbouring digits are swapped in {entry} {where} (a typo)"
    return None


def _sign_flipped(printed: str, expected: str) -> bool:
    p, e = printed.strip(), expected.strip()
    return p.lstrip("+-") == e.lstrip("+-") and p.startswith("-") != e.startswith("-") \
        and any(c in "123456789" for c in p)


def _digits_swapped(printed: str, expected: str) -> bool:
    """Equal but for one adjacent pair of different digits exchanged."""
    if len(printed) != len(expected):
        return False
    diff = [k for k, (a, b) in enumerate(zip(printed, expected)) if a != b]
    return len(diff) == 2 and diff[1] == diff[0] + 1 and printed[diff[0]].isdigit() and \
        printed[diff[1]].isdigit() and printed[diff[0]] == expected[diff[1]] and printed[diff[1]] == expected[diff[0]]


def scale_factor(f: Finding, outcome) -> str | None:
    """Every printed number is the true one times the same factor c (from ``SCALE_FACTORS``)."""
    grid, expected = f.grid, outcome.expected
    if grid is None or expected is None or expected.shape != (len(grid), len(grid[0])):
        return None
    ratios = _ratios(grid, expected)
    if ratios is None or len(ratios) != 1:
        return None
    r = ratios.pop()
    for name, c in SCALE_FACTORS:
        if abs(r - c) <= 0.002 * abs(c):
            return f"every value is the true one times {name} (a scale factor)"
    return None


def _ratios(grid, expected) -> set[float] | None:
    """The ratios printed / true (to 3 decimals) over the entries whose true value is
    not 0; None when a true 0 is printed as something else."""
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
    return ratios


def rounded_inputs(f: Finding, env: Env, ctx: dict) -> str | None:
    """The formula reproduces the claim when its inputs are first rounded."""
    used = {k: b for k, b in ctx["used"].items() if b.origin != "default"}
    if not used or f.grid is None:
        return None
    for decimals in ROUNDED_INPUT_DECIMALS:
        trial = _PinnedEnv(env, {k: _round_binding(b, decimals) for k, b in used.items()})
        outcome = check_link(ctx["ref"], ctx["claim"], trial, ctx["line"], options=[ctx["outcome"].options],
                             exclude=ctx.get("exclude", frozenset()))
        if outcome.reproduces:
            return f"the inputs were rounded to {decimals} decimals before use"
    return None


def _round_binding(b: Binding, decimals: int) -> Binding | None:
    """The binding with every entry rounded to ``decimals`` (kept as printed numbers)."""
    try:
        grid = tuple(tuple(parse_decimal(format_decimal(b.value.entry(i, j), decimals))
                           for j in range(b.value.shape[1])) for i in range(b.value.shape[0]))
    except Exception:  # noqa: BLE001 - a value that cannot be rounded gives no variant
        return None
    return printed_binding(grid, b.line, b.origin, b.label, b.value.scalar)
