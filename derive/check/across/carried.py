r"""Slips followed: a claim judged right from a value the document got wrong.

A claim judged right from a value the document got wrong (``-0.0013``, the
product of printed factors one of which has the wrong sign) is judged again
with that value as it should be (the expected value of the wrong claim about
it): when it is then wrong, it carries the slip, and says from which line. The
same holds for a wrong result's printed number written into a later working
(``0.25(-0.1462)(-1)`` after a wrong ``\delta = -0.1462``), when that result
was judged against a working whose every decimal is a number the document
printed as right before it: a working with a number that appears nowhere else
(a typo: ``e^{-0.3875}`` for ``e^{-0.3925}``) may be the slip itself, the
printed result right. A value given with exactly the numbers of a wrong result
is that slip under a name.
"""

from __future__ import annotations

from dataclasses import replace

import sympy as sp

from derive.check.bind.env import Binding, Env, PinnedEnv
from derive.check.claim import CORRECT, Claim, Verdict, wrong_entries
from derive.check.evaluate.values import Val
from derive.check.judge.search import check_link
from derive.check.across.rounding import off_entries
from derive.check.policy import POLICY
from derive.check.read import nodes as N
from derive.check.read.grids import grid_of, rows_text
from derive.numbers import Printed, significant_digits


def carried(claims: list[Claim], env: Env, rounds: bool = False) -> list[Claim]:
    """Right claims computed from a value judged wrong (through its name, or its printed
    number written into a working), judged again with its right value (``rounds``: the
    document rounds, so a value that is then only a cut of the right one is wrong too)."""
    slips: dict[tuple, tuple[Claim, Val]] = {}       # (name, line) and (name, "span", span) -> slip, right value
    numbers: dict[tuple, tuple[Claim, Val]] = {}     # a wrong result's printed numbers -> it, its right value
    shown: dict[str, bool] = {}                      # a scalar printed so far -> was it right (or given)?
    out = []
    for c in claims:
        ctx = c.context if isinstance(c.context, dict) else {}
        if c.verdict in CORRECT and "outcome" in ctx and (slips or numbers):
            c = _carries(c, ctx, env, slips, rounds) or _carries_number(c, ctx, env, numbers, rounds) or c
            ctx = c.context if isinstance(c.context, dict) else {}
        restates = c.verdict == Verdict.GIVEN or (c.verdict in CORRECT and isinstance(ctx.get("ref"), N.Sym))
        texts = _texts(c)
        if restates and texts is not None and len(texts) > 1 and texts in numbers:
            c = _restates_slip(c, *numbers[texts])
            ctx = c.context
        right = right_value(c, ctx, named=False)
        if c.verdict == Verdict.WRONG and right is not None:
            if ctx["draft"].label is not None:
                key = N.key(ctx["draft"].label)
                slips[(key, c.line)] = slips[(key, "span", ctx["draft"].origin)] = (c, right)
            if _scalar_text(c) is not None and right.shape == (1, 1) and _trusted(ctx.get("ref"), shown):
                numbers[(_scalar_text(c),)] = (c, right)
            if texts is not None and len(texts) > 1:
                numbers[texts] = (c, right)
                numbers.update(_wrong_entry_numbers(c, right))
        if c.grid is not None and len(c.grid) == len(c.grid[0]) == 1:
            shown[c.grid[0][0].text.replace("\u2212", "-")] = c.verdict != Verdict.WRONG
        out.append(c)
    return out


def _texts(c: Claim) -> tuple | None:
    """A claim's printed numbers as written, in order (None without numbers)."""
    return tuple(p.text.replace("\u2212", "-") for row in c.grid for p in row) if c.grid is not None else None


def _restates_slip(c: Claim, wrong: Claim, right: Val) -> Claim:
    """A value given (or a name restated) with exactly the numbers of a wrong result
    (``y_pred = [0.098, 0.659, 0.242]`` after a softmax printed so): the slip, given a name;
    wrong, and carried from there on."""
    return replace(c, verdict=Verdict.WRONG, kind=wrong.kind, note="carried", expected=wrong.expected,
                   wrong_entries=wrong.wrong_entries, basis=None,
                   message=f"restates the wrong result of {wrong.place}", diagnosis=f"a slip carried from {wrong.place}",
                   context={**(c.context if isinstance(c.context, dict) else {}), "true": right})


def _scalar_text(c: Claim) -> str | None:
    """The printed number of a one-number claim, with enough digits to be told apart."""
    if c.grid is None or len(c.grid) != 1 or len(c.grid[0]) != 1:
        return None
    text = c.grid[0][0].text.replace("\u2212", "-")
    return text if significant_digits(text) >= POLICY.rounding_given_digits else None


def _wrong_entry_numbers(c: Claim, right: Val) -> dict[tuple, tuple[Claim, Val]]:
    """The wrong entries of a wrong vector or matrix, each a number a later working may write
    (``0.149 / 1.517`` after ``[0.149, 1.0, 0.368]`` cut from e^{-1.9}), with its right value."""
    out = {}
    if c.grid is None or right.shape != (len(c.grid), len(c.grid[0])) or not hasattr(right.data, "free_symbols"):
        return out
    for e in c.wrong_entries:
        i, k = e["row"] - 1, e["col"] - 1
        text = c.grid[i][k].text.replace("\u2212", "-")
        if significant_digits(text) >= POLICY.rounding_given_digits:
            out[(text,)] = (c, Val(sp.ImmutableMatrix([[right.data[i, k]]]), True))
    return out


def _trusted(ref, shown: dict[str, bool]) -> bool:
    """Is every decimal written in the working ``ref`` a number the document printed as right before?"""
    if ref is None:
        return False
    for n in N.walk(ref):
        if isinstance(n, N.Num) and "." in n.printed.text and n.printed.decimals != POLICY.exact_decimals \
                and not shown.get(n.printed.text, False):
            return False        # (a number derive put in for a slip is its own: trusted)
    return True


def _number_text(node: N.Node) -> str | None:
    """The printed text of a number in a working (``-0.1462`` for a negated one), else None."""
    if isinstance(node, N.Neg) and isinstance(node.arg, N.Num):
        return "-" + node.arg.printed.text
    return node.printed.text if isinstance(node, N.Num) else None


def _written(node: N.Node) -> tuple | None:
    """What a node of a working writes: the text of one number, or (for a bracket vector or
    matrix of numbers, ``[0.098, 0.659, 0.242]``) the texts of its entries in order."""
    if isinstance(node, N.Mat):
        texts = tuple(_number_text(e) for row in node.rows for e in row)
        return texts if len(texts) > 1 and None not in texts else None
    text = _number_text(node)
    return (text,) if text is not None else None


def _put_right(node: N.Node, right: Val) -> N.Node | None:
    """The number or matrix ``node`` with the right value's entries in place of the printed ones."""
    def exact(value) -> N.Num:
        return N.Num(node.start, node.end, Printed(str(value), value, POLICY.exact_decimals))
    if not isinstance(node, N.Mat):
        return exact(right.entry(0, 0))
    if (len(node.rows), len(node.rows[0])) != right.shape:
        return None
    return N.Mat(node.start, node.end, tuple(tuple(exact(right.entry(i, j)) for j in range(right.shape[1]))
                                             for i in range(right.shape[0])), node.bracket)


def _carries_number(c: Claim, ctx: dict, env: Env, numbers: dict, rounds: bool) -> Claim | None:
    """The claim, wrong, when a working of it has a wrong result's printed number (or its printed
    vector, entry for entry) written into it and the right value makes it wrong."""
    draft = ctx.get("draft")
    workings = [ctx.get("ref")] + [p for p in getattr(draft, "parts", ())[1:getattr(draft, "k", 0)]
                                   if grid_of(p) is None and N.has_numbers(p)]
    for ref in (w for w in workings if w is not None):
        sites: dict[tuple, list[N.Node]] = {}
        for node in N.walk(ref):
            written = _written(node)
            slip = numbers.get(written) if written is not None else None
            if slip is not None and slip[0].line < c.line:
                sites.setdefault(written, []).append(node)
        for written, nodes in sites.items():
            wrong, right = numbers[written]
            fixed = ref
            for node in nodes:                 # the number written several times: each one put right
                new = _put_right(node, right)
                fixed = N.substitute(fixed, node, new) if new is not None else fixed
            if fixed is ref:
                continue
            text = written[0] if len(written) == 1 else "[" + ", ".join(written) + "]"
            found = _carried_slip(c, {**ctx, "ref": fixed}, env, wrong,
                                  f"its working puts in {text}, the wrong result of {wrong.place}; with {wrong.expected}",
                                  f"({wrong.printed}, should be {wrong.expected})", rounds)
            if found is not None:
                return found
    return None


def _carried_slip(c: Claim, ctx: dict, env: Env, wrong: Claim, said: str, slip: str,
                  rounds: bool) -> Claim | None:
    """The claim judged again as ``ctx`` says (the right value in place of the slip): wrong, as
    carried from ``wrong``, when it is then wrong (or only cut from it, in a document that rounds).
    The working is read as it was when the claim was judged (the slip's right value is in that
    reading's units: no other reading may explain it away)."""
    again = check_link(ctx["ref"], ctx["claim"], env, ctx["at"], options=[ctx["outcome"].options],
                       exclude=ctx.get("exclude", frozenset()), read_again=False)
    off = again.verdict == Verdict.WRONG or (rounds and again.verdict == Verdict.TRUNCATED)
    if again.judgement is None or not off or c.grid is None:
        return None
    j = again.judgement
    expected = rows_text(j.expected) if j.expected else None
    entries = off_entries(c.grid, j) if rounds else wrong_entries(j.wrong)     # (cut entries are off too)
    return replace(c, verdict=Verdict.WRONG, basis=None, expected=expected, wrong_entries=entries,
                   note="carried", message=f"{said} it is {expected or 'another value'}",
                   diagnosis=f"a slip carried from {wrong.place} {slip}", context={**ctx, "outcome": again})


def right_value(c: Claim, ctx: dict, named: bool = True) -> Val | None:
    """What a wrong claim's name (``named``; else its printed value) should have been (its
    expected value), if derive knows it."""
    draft = ctx.get("draft")
    if draft is None or named and getattr(draft, "label", None) is None:
        return None
    true = ctx.get("true")
    outcome = ctx.get("outcome")
    return true if true is not None else getattr(outcome, "expected", None)


def _used(ctx: dict, env: Env) -> list[tuple[str, Binding]]:
    """The values a verdict used: those its outcome records, the names of the working it was
    judged against, and the values the formulas among them use (one step: ``scaled = scores / 2``
    brings in the ``scores`` it was computed from)."""
    out = dict(sorted(ctx["outcome"].used.items()))
    ref = ctx.get("ref")
    for name in sorted(set(N.names(ref)) if ref is not None else ()):
        found = env.latest(name, ctx["at"])
        if found is not None:
            out.setdefault(name, found)
    for _, b in list(out.items()):
        for dep in sorted(b.depends) if b.formula is not None else ():
            found = env.latest(dep, b.at)
            if found is not None:
                out.setdefault(dep, found)
    return list(out.items())


def _carries(c: Claim, ctx: dict, env: Env, slips: dict, rounds: bool) -> Claim | None:
    """The claim, wrong, when the right value of a slip it used (or a formula it used used)
    makes it wrong."""
    for key, b in _used(ctx, env):
        slip = slips.get((key, b.line)) or slips.get((key, "span", b.span_at))    # (a value printed below its label)
        if slip is None:
            continue
        wrong, right = slip
        pinned = Binding(key, b.at, b.line, "given", value=right, scalar=right.shape == (1, 1))
        found = _carried_slip(c, ctx, PinnedEnv(env, {key: pinned}), wrong,
                              f"follows from {key} as printed on {wrong.place}, which is wrong; with {key} = "
                              f"{wrong.expected}", f"({key} printed {wrong.printed}, should be {wrong.expected})",
                              rounds)
        if found is not None:
            return found
    return None
