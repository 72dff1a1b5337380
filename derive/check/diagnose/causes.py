r"""Why is a printed value wrong? Try plausible alternatives; name the one that fits.

The alternatives are the catalogue of ``derive.check.variants``, tried on the
formula a claim was judged against and on that formula with a named operand
expanded one step up. A variant that reproduces every printed number (rounded
or truncated) is the diagnosis. When none does, checks on the values
themselves follow: a value the document had replaced, a common scale factor,
slips of the pen, inputs rounded before use, a copy of another value.
"""

from __future__ import annotations

from collections.abc import Iterator

from derive.check.bind.env import Binding, Env, PinnedEnv
from derive.check.bind.patterns import MAX_INDEX, apply_pattern, patterns_before
from derive.check.claim import Claim
from derive.check.variants import RULES, Variant
from derive.check.evaluate.fastface import to_fast
from derive.check.evaluate.values import grid_value
from derive.check.judge.compare import judge
from derive.check.judge.search import attempt, check_link
from derive.check.policy import POLICY
from derive.check.read import nodes as N
from derive.check.read.grids import grid_of, same_numbers
from derive.numbers import format_decimal, parse_decimal


def diagnose(c: Claim, env: Env) -> str | None:
    """The first variant that reproduces the claim, else what the values themselves show."""
    ctx = dict(c.context)
    ref, claim, outcome = ctx["ref"], ctx["claim"], ctx["outcome"]
    ctx.update(env=env, used=outcome.used)
    if _reproduces(Variant("", ref, outcome.options), claim, env, ctx):
        return None     # the formula itself comes within a wider enclosure: no variant can say more
    for tried, (variant, how) in enumerate(_variants(ref, env, ctx), start=1):
        if tried > POLICY.max_variants:
            return rounded_inputs(c, env, ctx)
        if _reproduces(variant, claim, env, ctx):
            return variant.sentence + how
    return (outdated_value(c, env, ctx) or scale_factor(c, outcome) or entry_slips(c)
            or rounded_inputs(c, env, ctx) or copy_of_other(c, env, ctx))


def _variants(ref: N.Node, env: Env, ctx: dict) -> Iterator[tuple[Variant, str]]:
    """Every rule's variants of the formula, then of its expansions (with where the change sits)."""
    for tree, how in [(ref, "")] + expansions(ref, env, ctx["at"]):
        for _, rule in RULES:
            for variant in rule(tree, ctx):
                yield variant, how


def expansions(ref: N.Node, env: Env, at: int) -> list[tuple[N.Node, str]]:
    """The formula with a named operand replaced by that operand's own formula
    (``softmax(S)`` -> ``softmax(Q K^T / sqrt(d_k))``): a mistake may sit one step up."""
    out = []
    for node in N.walk(ref):
        if isinstance(node, N.Sym) and env.formulas.get(node.name):
            before = [f for f, where, _ in env.formulas[node.name] if where <= at]
            if before:
                out.append((N.substitute(ref, node, before[-1]), f" (in {node.name} = {N.pretty(before[-1])})"))
    return out[:POLICY.max_expansions]


def _reproduces(variant: Variant, claim: N.Node, env: Env, ctx: dict) -> bool:
    """Does the variant, on the values the claim was judged with, give every
    printed number (the claim's own label hidden)?"""
    literal, printed = grid_of(variant.ref), grid_of(claim)
    if literal is not None and printed is not None:
        # the formula collapsed to a written number (1/sqrt(2) without its
        # division is 1): that number is exact, not a printing of the claim
        return judge(printed, grid_value(literal, False)).verdict != "wrong"
    outcome = attempt(variant.ref, claim, env, ctx["at"], ctx["outcome"].picks, variant.options,
                      ctx.get("exclude", frozenset()))
    return outcome is not None and outcome.reproduces


def outdated_value(c: Claim, env: Env, ctx: dict) -> str | None:
    """The claim was computed with a value the document had changed on purpose before it."""
    for key, ats in sorted(env.superseded.items()):
        changed = [at for at in ats if at <= ctx["at"]]
        if not changed or key not in ctx["used"]:
            continue
        for old in [b for b in env.values.get(key, []) if b.at < changed[-1]][::-1]:
            outcome = recheck(ctx, env, {key: old}, excuse_units=POLICY.enclosure_max_units)
            if outcome.reproduces:
                line = next(b.line for b in env.values[key] if b.at >= changed[-1])
                return f"it still uses {key} of line {old.line}, which line {line} changed"
    return None


def recheck(ctx: dict, env: Env, pins: dict[str, Binding | None], **kw):
    """The claim of ``ctx`` judged again, in its own variant, with ``pins`` fixed (``PinnedEnv``)."""
    return check_link(ctx["ref"], ctx["claim"], PinnedEnv(env, pins), ctx["at"], options=[ctx["outcome"].options],
                      exclude=ctx.get("exclude", frozenset()), settle=False, **kw)


def copy_of_other(c: Claim, env: Env, ctx: dict) -> str | None:
    """The printed numbers are exactly another value of the document."""
    grid = c.grid
    if grid is None or len(grid) * len(grid[0]) < 2:
        return None
    for key, b in env.same_shape((len(grid), len(grid[0])), ctx["at"], set(ctx["used"])):
        if b.printed is None or b.at >= ctx["at"] or key == c.label:
            continue
        if same_numbers(b.printed, grid):
            return f"the values are those of {key} (line {b.line}), copied"
    return None


def entry_slips(c: Claim) -> str | None:
    """Every wrong entry is the true one with its sign flipped, or with two
    neighbouring digits swapped (0.7017 for 0.7071): a slip of the pen."""
    wrong = c.wrong_entries
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
        and any(ch in "123456789" for ch in p)


def _digits_swapped(printed: str, expected: str) -> bool:
    """Equal but for one adjacent pair of different digits exchanged."""
    if len(printed) != len(expected):
        return False
    diff = [k for k, (a, b) in enumerate(zip(printed, expected)) if a != b]
    return len(diff) == 2 and diff[1] == diff[0] + 1 and printed[diff[0]].isdigit() and \
        printed[diff[1]].isdigit() and printed[diff[0]] == expected[diff[1]] and printed[diff[1]] == expected[diff[0]]


def scale_factor(c: Claim, outcome) -> str | None:
    """Every printed number is the true one times the same factor (``POLICY.scale_factors``)."""
    grid, expected = c.grid, outcome.expected
    if grid is None or expected is None or expected.shape != (len(grid), len(grid[0])):
        return None
    ratios = _ratios(grid, expected)
    if ratios is None or len(ratios) != 1:
        return None
    r = ratios.pop()
    for name, factor in POLICY.scale_factors:
        if abs(r - factor) <= 0.002 * abs(factor):
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


def rounded_inputs(c: Claim, env: Env, ctx: dict) -> str | None:
    """The formula reproduces the claim when its inputs are first rounded."""
    used = {k: b for k, b in ctx["used"].items() if b.origin != "default"}
    if not used or c.grid is None:
        return None
    for decimals in POLICY.rounded_input_decimals:
        outcome = recheck(ctx, env, {k: _round_binding(b, env, decimals) for k, b in used.items()},
                          excuse_units=POLICY.enclosure_max_units)
        if outcome.reproduces:
            return f"the inputs were rounded to {decimals} decimals before use"
    return None


def _round_binding(b: Binding, env: Env, decimals: int) -> Binding | None:
    """The binding with every entry rounded to ``decimals`` (kept as printed numbers)."""
    from derive.check.bind.resolve import exact_value
    try:
        value = exact_value(b, env)
        grid = tuple(tuple(parse_decimal(format_decimal(value.entry(i, j), decimals))
                           for j in range(value.shape[1])) for i in range(value.shape[0]))
    except Exception:  # noqa: BLE001 - a value that cannot be rounded gives no variant
        return None
    return Binding(b.name, b.at, b.line, b.origin, printed=grid, scalar=value.scalar)


def other_index(c: Claim, env: Env) -> str | None:
    """A table cell that is the pattern function at another whole value of its unknown."""
    label, part, at = c.context["draft"].label, c.context["claim"], c.context["at"]
    _, u, k = c.context["pattern"]
    patterns = patterns_before(env, at)
    for other in range(0, min(MAX_INDEX, 2 * k + 8)):
        applied = apply_pattern(label, patterns[label.name], env, at, other) if other != k else None
        if applied is not None and check_link(applied[0], part, env, at, settle=False).reproduces:
            return f"it is {N.pretty(label)} computed with {u} = {other}; the definition gives {u} = {k}"
    return None
