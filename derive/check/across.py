r"""The last pass: verdicts that only the claims after a claim can settle.

A name printed again with other values than it had *restates* it: that claim
was judged against the old value (``derive.check.bind.chains``), and the new
value was kept beside the old one, on trial. The claims after it decide:

    a later claim computes with the new value (and not with the old one)
        -> a change of value on purpose: the restatement is a value given
           (note ``redefinition``)
    a later claim still computes with the old value
        -> a value changed by mistake: the restatement stays wrong, and says so
    the document's code further down (before the text gives the name again)
    gives the name another value
        -> it stays wrong: neither the old value nor the code's bears it out
    nothing after it uses either
        -> it stays wrong: it contradicts the value the name had, unless a
           heading stands between the two (a new section, maybe a new example),
           the new value has another shape (another thing, the same name), or
           it is another setting of a number that was given, not computed,
           mentioned in a sentence (``for $P = 16$ or $P = 32$``: inline math
           giving a bare value): then it is a value given

When the prose says the value changes (``now``, ``new``, ``instead`` ...,
``POLICY.changing_words``) it is a value given on purpose whatever follows, and
the old value is out of date after it: a later claim still using it is the slip.
Either way a value given is never "ok": it claims nothing.

A claim judged right from a value the document got wrong (``-0.0013``, the
product of printed factors one of which has the wrong sign) is judged again
with that value as it should be (the expected value of the wrong claim about
it): when it is then wrong, it carries the slip, and says from which line. The
same holds for a wrong result's printed number written into a later working
(``0.25(-0.1462)(-1)`` after a wrong ``\delta = -0.1462``), when that result
was judged against a working whose every decimal is a number the document
printed as right before it: a working with a number that appears nowhere else
(a typo: ``e^{-0.3875}`` for ``e^{-0.3925}``) may be the slip itself, the
printed result right.

A value given before any working (``Final answer: y = 0.7109``), that nothing
uses until a working further down computes the same name afresh (within
``POLICY.ahead_lines``), was a result stated ahead: it is judged against that
working's value.

A value cut toward zero (``truncated``: 0.5968 for 0.59688) is a convention
only in a document that never rounds up: once a document prints
``POLICY.rounded_up_evidence`` values rounded where cutting would print
another number, it rounds, and a cut value in it is wrong (a planted
last-digit slip is often exactly a cut).

This pass reads the claim records and returns new ones; it never edits a record.
"""

from __future__ import annotations

from dataclasses import replace

from derive.check.bind.env import Binding, Env
from derive.check.bind.resolve import sources
from derive.check.bind.resolve import exact_value
from derive.check.claim import CORRECT, Basis, Claim, Verdict, kind_of_grid, wrong_entries
from derive.check.diagnose.causes import PinnedEnv, recheck
from derive.check.evaluate.values import EVAL_FAILURES, Val
from derive.check.judge.compare import judge
from derive.check.judge.search import check_link
from derive.check.policy import POLICY
from derive.check.read.grids import fit, grid_of, rows_text
from derive.numbers import Printed, compare, parse_decimal, significant_digits
from derive.check.read import nodes as N


def across(claims: list[Claim], env: Env) -> list[Claim]:
    out = []
    for c in claims:
        if c.verdict == Verdict.WRONG and _restates(c):
            c = _settled(c, c.context["draft"], claims, env)
        out.append(c)
    return ahead(carried(cut_where_rounded(out), env), env)


def ahead(claims: list[Claim], env: Env) -> list[Claim]:
    """Values given ahead of the working that computes them, judged against it."""
    return [(_stated_ahead(c, claims, env) or c) if c.verdict == Verdict.GIVEN and c.grid is not None else c
            for c in claims]


def _stated_ahead(c: Claim, claims: list[Claim], env: Env) -> Claim | None:
    draft = c.context.get("draft") if isinstance(c.context, dict) else None
    label = getattr(draft, "label", None)
    if not isinstance(label, (N.Sym, N.Call)) or getattr(draft, "what", "") != "claim":
        return None
    key = N.key(label)
    bindings = sorted(env.values.get(key, []), key=lambda b: b.at)
    mine = [k for k, b in enumerate(bindings) if b.line == c.line]
    if not mine or mine[-1] + 1 >= len(bindings):
        return None
    given, later = bindings[mine[-1]], bindings[mine[-1] + 1]
    if later.origin != "derived" or later.formula is None or N.key(later.formula) == key or key in later.depends or later.line - c.line > POLICY.ahead_lines \
            or any(_uses(d, given, env) for d in claims if c.line < d.line < later.line
                   and isinstance(d.context, dict) and "outcome" in d.context and not _restating(d, key)):
        return None
    # the working's own claim, when it was found wrong (a slip carried into it): its right value
    slipped = [d for d in claims if d.line == later.line and d.verdict == Verdict.WRONG and isinstance(d.context, dict)
               and N.key(getattr(d.context.get("draft"), "label", None) or N.Sym(0, 0, "", "")) == key]
    right = _right_value(slipped[0], slipped[0].context) if slipped else None
    try:
        j = judge(c.grid, right if right is not None else exact_value(later, env))
    except EVAL_FAILURES:
        return None
    where = f"the working on line {later.line}" + (" (which carries a slip)" if right is not None else "")
    common = dict(basis=Basis.EXACT if j.verdict != Verdict.WRONG else None, kind=kind_of_grid(c.grid), note="ahead",
                  expected=rows_text(j.expected) if j.expected else None, against=where)
    if j.verdict == Verdict.WRONG:
        return replace(c, verdict=Verdict.WRONG, wrong_entries=wrong_entries(j.wrong), **common,
                       message=f"stated ahead of {where}, which gives {rows_text(j.expected) if j.expected else '?'}")
    return replace(c, verdict=j.verdict, message=f"stated ahead of {where}, which agrees", **common)


def carried(claims: list[Claim], env: Env) -> list[Claim]:
    """Right claims computed from a value judged wrong (through its name, or its printed
    number written into a working), judged again with its right value."""
    slips: dict[tuple[str, int], tuple[Claim, Val]] = {}
    numbers: dict[str, tuple[Claim, Val]] = {}      # a wrong scalar's printed text -> it, its right value
    shown: dict[str, bool] = {}                      # a scalar printed so far -> was it right (or given)?
    results: dict[tuple, tuple[Claim, Val]] = {}     # a wrong result's printed numbers (two or more)
    out = []
    for c in claims:
        ctx = c.context if isinstance(c.context, dict) else {}
        if c.verdict in CORRECT and "outcome" in ctx and (slips or numbers):
            c = _carries(c, ctx, env, slips) or _carries_number(c, ctx, env, numbers) or c
            ctx = c.context if isinstance(c.context, dict) else {}
        if c.verdict == Verdict.GIVEN and _texts(c) in results:
            c = _restates_slip(c, *results[_texts(c)])
            ctx = c.context
        right = _right_value(c, ctx)
        if c.verdict == Verdict.WRONG and right is not None:
            slips[(N.key(ctx["draft"].label), c.line)] = (c, right)
            if _scalar_text(c) is not None and right.shape == (1, 1) and _trusted(ctx.get("ref"), shown):
                numbers[_scalar_text(c)] = (c, right)
            if _texts(c) is not None and len(_texts(c)) > 1:
                results[_texts(c)] = (c, right)
        if c.grid is not None and len(c.grid) == len(c.grid[0]) == 1:
            shown[c.grid[0][0].text.replace("\u2212", "-")] = c.verdict != Verdict.WRONG
        out.append(c)
    return out


def _texts(c: Claim) -> tuple | None:
    """A claim's printed numbers as written, in order (None without numbers)."""
    return tuple(p.text.replace("\u2212", "-") for row in c.grid for p in row) if c.grid is not None else None


def _restates_slip(c: Claim, wrong: Claim, right: Val) -> Claim:
    """A value given with exactly the numbers of a wrong result (``y_pred = [0.098, 0.659, 0.242]``
    after a softmax printed so): the slip, given a name; wrong, and carried from there on."""
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


def _trusted(ref, shown: dict[str, bool]) -> bool:
    """Is every decimal written in the working ``ref`` a number the document printed as right before?"""
    if ref is None:
        return False
    for n in N.walk(ref):
        if isinstance(n, N.Num) and "." in n.printed.text and n.printed.decimals != POLICY.exact_decimals \
                and not shown.get(n.printed.text, False):
            return False        # (a number derive put in for a slip is its own: trusted)
    return True


def _carries_number(c: Claim, ctx: dict, env: Env, numbers: dict) -> Claim | None:
    """The claim, wrong, when a working of it has a wrong result's printed number written
    into it and the right value makes it wrong."""
    draft = ctx.get("draft")
    workings = [ctx.get("ref")] + [p for p in getattr(draft, "parts", ())[1:getattr(draft, "k", 0)]
                                   if grid_of(p) is None and N.has_numbers(p)]
    for ref, node in ((w, n) for w in workings if w is not None for n in N.walk(w)):
        text = "-" + node.arg.printed.text if isinstance(node, N.Neg) and isinstance(node.arg, N.Num) else \
            node.printed.text if isinstance(node, N.Num) else None
        slip = numbers.get(text) if text is not None else None
        if slip is None or slip[0].line >= c.line:
            continue
        wrong, right = slip
        value = right.entry(0, 0)
        fixed = N.substitute(ref, node, N.Num(node.start, node.end, Printed(str(value), value, POLICY.exact_decimals)))
        found = _carried_slip(c, {**ctx, "ref": fixed}, env, wrong,
                              f"its working puts in {text}, the wrong result of {wrong.place}; with {wrong.expected}",
                              f"({wrong.printed}, should be {wrong.expected})")
        if found is not None:
            return found
    return None


def _carried_slip(c: Claim, ctx: dict, env: Env, wrong: Claim, said: str, slip: str) -> Claim | None:
    """The claim judged again as ``ctx`` says (the right value in place of the slip): wrong, as
    carried from ``wrong``, when it is then wrong."""
    again = check_link(ctx["ref"], ctx["claim"], env, ctx["at"], options=[ctx["outcome"].options],
                       exclude=ctx.get("exclude", frozenset()))
    if again.judgement is None or again.verdict != Verdict.WRONG or c.grid is None:
        return None
    j = again.judgement
    expected = rows_text(j.expected) if j.expected else None
    return replace(c, verdict=Verdict.WRONG, basis=None, expected=expected, wrong_entries=wrong_entries(j.wrong),
                   note="carried", message=f"{said} it is {expected or 'another value'}",
                   diagnosis=f"a slip carried from {wrong.place} {slip}", context={**ctx, "outcome": again})


def _right_value(c: Claim, ctx: dict) -> Val | None:
    """What a wrong claim's name should have been (its expected value), if derive knows it."""
    draft = ctx.get("draft")
    if getattr(draft, "label", None) is None:
        return None
    true = ctx.get("true")
    outcome = ctx.get("outcome")
    return true if true is not None else getattr(outcome, "expected", None)


def _carries(c: Claim, ctx: dict, env: Env, slips: dict) -> Claim | None:
    """The claim, wrong, when the right value of a slip it used makes it wrong."""
    for key, b in sorted(ctx["outcome"].used.items()):
        slip = slips.get((key, b.line))
        if slip is None:
            continue
        wrong, right = slip
        pinned = Binding(key, b.at, b.line, "given", value=right, scalar=right.shape == (1, 1))
        found = _carried_slip(c, ctx, PinnedEnv(env, {key: pinned}), wrong,
                              f"follows from {key} as printed on {wrong.place}, which is wrong; with {key} = "
                              f"{wrong.expected}", f"({key} printed {wrong.printed}, should be {wrong.expected})")
        if found is not None:
            return found
    return None


def cut_where_rounded(claims: list[Claim]) -> list[Claim]:
    """Truncated claims in a document that rounds up elsewhere: wrong."""
    ups = [c for c in claims if c.verdict in CORRECT and _rounded_up(c)]     # (a cut row may round up another entry)
    if len(ups) < POLICY.rounded_up_evidence:
        return claims
    return [_cut(c, ups[0]) if c.verdict == Verdict.TRUNCATED else c for c in claims]


def _judgement(c: Claim):
    outcome = c.context.get("outcome") if isinstance(c.context, dict) else None
    return getattr(outcome, "judgement", None)


def _rounded_up(c: Claim) -> int:
    return getattr(_judgement(c), "ups", 0)


def _cut(c: Claim, up: Claim) -> Claim:
    """The truncated claim as wrong: each cut entry beside its rounding."""
    j = _judgement(c)
    expected = j.expected if j is not None and j.expected else []
    grid = fit(c.grid, (len(expected), len(expected[0]))) if c.grid is not None and expected else None
    cut = [{"row": i + 1, "col": k + 1, "printed": p.text, "expected": e}
           for i, (row, exp) in enumerate(zip(grid or (), expected)) for k, (p, e) in enumerate(zip(row, exp))
           if compare(p, parse_decimal(e).value).verdict not in ("exact", "rounded")]
    return replace(c, verdict=Verdict.WRONG, basis=None, wrong_entries=cut,
                   message=c.message.replace("is a truncation of", "is cut from", 1) + ", not rounded",
                   diagnosis=f"cut toward zero, not rounded: the document rounds elsewhere ({up.place} rounds up), "
                             f"so this rounds to {c.expected}")


def _restates(c: Claim) -> bool:
    """A claim judged against its label's own earlier value (not its formula, nor
    a value its code gives further down)."""
    ctx = c.context if isinstance(c.context, dict) else {}
    draft, ref = ctx.get("draft"), ctx.get("ref")
    if draft is None or draft.restated is None or ref is None or N.key(ref) != N.key(draft.label):
        return False
    used = ctx["outcome"].used.get(N.key(draft.label))
    return used is not None and used.at < draft.at


def _settled(c: Claim, draft, claims: list[Claim], env: Env) -> Claim:
    """A restatement that disagrees with the old value, settled by the claims after it."""
    new = draft.restated
    old = env.previous(new)
    where = f"line {old.line}" if old is not None else "further down"
    given = dict(verdict=Verdict.GIVEN, kind="definition", basis=None, wrong_entries=[], diagnosis=None)
    if draft.announced:
        return replace(c, **given, note="changed", message=f"gives {new.name} new values (other values on {where})")
    later = [d for d in claims if d.line > c.line and d.verdict not in (Verdict.WRONG, Verdict.UNVERIFIABLE)
             and isinstance(d.context, dict) and "outcome" in d.context and not _restating(d, new.name)]
    for d in later:
        if _uses(d, new, env) and not _also_with(d, new.name, old, env):
            return replace(c, **given, note="redefinition", message=f"gives {new.name} new values (other values "
                                                                     f"on {where}); line {d.line} computes with them")
    if old is not None:
        for d in later:
            if _uses(d, old, env):
                return replace(c, message=f"redefines {new.name} with other values than on {where}, but line "
                                          f"{d.line} still computes with the values of {where}",
                               diagnosis=f"a value changed by mistake: the document keeps using {new.name} "
                                         f"of line {old.line}")
    if c.context["outcome"].judgement.reason:     # another shape: another thing under the same name
        return replace(c, **given, note="redefinition", message=f"gives {new.name} new values (other values "
                                                                 f"on {where}, of another shape)")
    code = _code_after(new, env)
    if code:
        return replace(c, note="code", message=c.message + f"; the code on line {code[0].line} gives "
                                                          f"{new.name} other values too")
    if draft.apart:                               # a new section
        return replace(c, **given, note="redefinition", message=f"gives {new.name} new values (other values "
                                                                 f"on {where}, in another section)")
    if not draft.display and len(draft.parts) == 2 and old is not None and old.origin in ("given", "supposed") \
            and new.printed is not None and len(new.printed) * len(new.printed[0]) == 1:
        # ``for $P = 16$ or $P = 32$``: another setting of a value that was given, not computed
        return replace(c, **given, note="redefinition", message=f"mentions {new.name} with other values than "
                                                                 f"on {where} (a setting in a sentence)")
    return c


def _restating(d: Claim, name: str) -> bool:
    """Is d the name printed again (``$r = 8$`` in a sentence), which computes nothing with it?"""
    draft = d.context.get("draft")
    label = getattr(draft, "label", None)
    return label is not None and N.key(label) == name and getattr(draft, "k", 0) == 1


def _uses(d: Claim, b: Binding, env: Env) -> bool:
    """Did claim d compute with binding b (directly, or through the formulas of what it used)?"""
    return any(u is b for u in sources(d.context["outcome"].used.values(), env))


def _code_after(new: Binding, env: Env) -> list[Binding]:
    """Values the code gives the name after ``new`` and before the text gives it again."""
    later = [b for b in env.values.get(new.name, ()) if b.at > new.at]
    text = [b.at for b in later if b.origin not in ("code", "output", "run")]
    return [b for b in later if b.origin in ("code", "output") and b.at < min(text, default=b.at + 1)]


def _also_with(d: Claim, name: str, old: Binding | None, env: Env) -> bool:
    """Does claim d hold with the name's old value too (so it says nothing of the new one)?"""
    if old is None:
        return False
    return recheck(d.context, env, {name: old}).reproduces
