r"""A name printed again with other values than it had *restates* it: that claim
was judged against the old value (``derive.check.bind.chains``), and the new
value was kept beside the old one, on trial. The claims after it decide:

    a later claim computes with the new value (and not with the old one)
        -> a change of value on purpose: the restatement is a value given
           (note ``redefinition``)
    a later claim still computes with the old value
        -> a value changed by mistake: the restatement stays wrong, and says so
    the new value has another shape
        -> another thing under the same name: a value given
    the document's code further down (before the text gives the name again)
    gives the name another value
        -> it stays wrong: neither the old value nor the code's bears it out,
           unless it is another setting mentioned in a sentence (below)
    nothing after it uses either
        -> it stays wrong: it contradicts the value the name had, unless a
           heading stands between the two (a new section, maybe a new example),
           or it is another setting of a number that was given, not computed,
           mentioned in a sentence (``for $P = 16$ or $P = 32$``: inline math
           giving a bare value), or another case of a value given a line or two
           above (``POLICY.case_lines``): then it is a value given

When the prose says the value changes (``now``, ``new``, ``instead`` ...,
``POLICY.changing_words``) it is a value given on purpose whatever follows, and
the old value is out of date after it: a later claim still using it is the slip.
Either way a value given is never "ok": it claims nothing.
"""

from __future__ import annotations

from dataclasses import replace

from derive.check.bind.env import Binding, Env
from derive.check.bind.resolve import sources
from derive.check.claim import Claim, Verdict
from derive.check.diagnose.causes import recheck
from derive.check.policy import POLICY
from derive.check.read import nodes as N


def settle(claims: list[Claim], env: Env, rounds: bool = False) -> list[Claim]:
    """Restatements judged wrong, settled by the claims after them (``rounds``: the document
    rounds, so a later value only cut from what it computes bears nothing out)."""
    off = (Verdict.WRONG, Verdict.UNVERIFIABLE) + ((Verdict.TRUNCATED,) if rounds else ())
    return [_settled(c, c.context["draft"], claims, env, off) if c.verdict == Verdict.WRONG and _restates(c) else c
            for c in claims]


def _restates(c: Claim) -> bool:
    """A claim judged against another value of its own label (not its formula): one
    given before it, or one its code gives further down; which one, the claims after
    it settle."""
    ctx = c.context if isinstance(c.context, dict) else {}
    draft, ref = ctx.get("draft"), ctx.get("ref")
    if draft is None or draft.restated is None or ref is None or N.key(ref) != N.key(draft.label):
        return False
    used = ctx["outcome"].used.get(N.key(draft.label))
    return used is not None and used.at != draft.at


def _settled(c: Claim, draft, claims: list[Claim], env: Env, off: tuple) -> Claim:
    """A restatement that disagrees with the old value, settled by the claims after it."""
    new = draft.restated
    old = env.previous(new)
    where = f"line {old.line}" if old is not None else "further down"
    given = dict(verdict=Verdict.GIVEN, kind="definition", basis=None, wrong_entries=[], diagnosis=None)
    if draft.announced and not _just_computed(old, c):
        return replace(c, **given, note="changed", message=f"gives {new.name} new values (other values on {where})")
    later = [d for d in claims if d.line > c.line and d.verdict not in off
             and isinstance(d.context, dict) and "outcome" in d.context and not restating(d, new.name)]
    for d in later:
        if uses(d, new, env) and not _also_with(d, new.name, old, env):
            return replace(c, **given, note="redefinition", message=f"gives {new.name} new values (other values "
                                                                     f"on {where}); line {d.line} computes with them")
    if old is not None:
        for d in later:
            if uses(d, old, env):
                return replace(c, message=f"redefines {new.name} with other values than on {where}, but line "
                                          f"{d.line} still computes with the values of {where}",
                               diagnosis=f"a value changed by mistake: the document keeps using {new.name} "
                                         f"of line {old.line}")
    if c.context["outcome"].judgement.reason:     # another shape: another thing under the same name
        return replace(c, **given, note="redefinition", message=f"gives {new.name} new values (other values "
                                                                 f"on {where}, of another shape)")
    if not draft.display and len(draft.parts) == 2 and old is not None and old.origin in ("given", "supposed") \
            and new.printed is not None and len(new.printed) * len(new.printed[0]) == 1:
        # ``for $P = 16$ or $P = 32$``: another setting of a value that was given, not computed
        return replace(c, **given, note="redefinition", message=f"mentions {new.name} with other values than "
                                                                 f"on {where} (a setting in a sentence)")
    if not draft.display and len(draft.parts) == 2 and old is not None and old.origin == "given" \
            and 0 < new.line - old.line <= POLICY.case_lines:
        return replace(c, **given, note="redefinition", message=f"gives {new.name} the values of another case "
                                                                 f"(other values on {where}, just above)")
    code = _code_after(new, env)
    if code:
        return replace(c, note="code", message=c.message + f"; the code on line {code[0].line} gives "
                                                          f"{new.name} other values too")
    if draft.apart:                               # a new section
        return replace(c, **given, note="redefinition", message=f"gives {new.name} new values (other values "
                                                                 f"on {where}, in another section)")
    return c


def _just_computed(old: Binding | None, c: Claim) -> bool:
    """Was the old value worked out just above (``POLICY.restated_result_lines``)? Then "after
    the update, ..." restates that result: the change it announces is the one just computed,
    and another number is a slip, not a new value."""
    return old is not None and old.formula is not None and 0 < c.line - old.line <= POLICY.restated_result_lines


def restating(d: Claim, name: str) -> bool:
    """Is d the name printed again (``$r = 8$`` in a sentence), which computes nothing with it?"""
    draft = d.context.get("draft")
    label = getattr(draft, "label", None)
    return label is not None and N.key(label) == name and getattr(draft, "k", 0) == 1


def uses(d: Claim, b: Binding, env: Env) -> bool:
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
