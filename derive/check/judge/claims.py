"""Drafts of values and working -> claim records: the verdict, its basis, and why.

    claim     judged against its label (``references.label_claim``) or, inside a
              derivation, against its first member or the working before it
    bare      the result of a displayed formula just before it, else a printing of
              a value the document gave, else unverifiable
    update    the next value of a name, against its update rule
    supposed  a value supposed in prose: given, claims nothing

A verdict is lowered, never raised, by what derive had to guess or what the
prose says: a value derive guessed (an unbound ``d_k``) may confirm a claim,
and convicts only entries of a result whose other entries it reproduces; a
claim the prose only supposes ("if $x^2 = 5$") is at worst unverifiable.
"""

from __future__ import annotations

from dataclasses import replace

from derive.check.bind.drafts import Draft
from derive.check.bind.env import Env
from derive.check.claim import Basis, Claim, Used, Verdict, kind_of_grid, wrong_entries
import derive.check.judge.references as R
from derive.check.judge.search import COARSE, Outcome, check_link
from derive.check.policy import POLICY
from derive.check.read import nodes as N
from derive.check.read.grids import grid_of, grid_spans, grid_text, rows_text


def judge_value(d: Draft, env: Env, section: str) -> Claim:
    """One draft of a value (claim, bare, update, supposed) as a claim record."""
    if d.what == "supposed":
        return given(d, section, f"supposes {N.pretty(d.label)} = {grid_text(grid_of(d.part))}", note="supposed")
    if d.what == "update":
        outcome = check_link(d.rule.rhs, d.part, env, d.at)
        return record(d, env, d.rule.rhs, outcome, section) if outcome.judgement is not None \
            else unjudged(d, outcome.error, section)
    if d.what == "bare":
        return bare(d, env, section)
    if d.k == 1 and d.label is not None:
        outcome, ref = R.label_claim(d, env)
        if outcome is not None and outcome.judgement is not None:
            return record(d, env, ref, outcome, section)
        return unjudged(d, outcome.error if outcome else "", section)
    outcome, ref, error = R.link_claim(d, env)
    if outcome is not None:
        return record(d, env, ref, outcome, section)
    if grid_of(d.part) is None:
        return None
    if d.label is None:
        return cannot_evaluate(d, section, error)
    outcome, ref = R.label_claim(d, env)
    found = record(d, env, ref, outcome, section) if outcome is not None and outcome.judgement is not None \
        else unjudged(d, outcome.error if outcome else "", section)
    if found is not None and error and found.verdict in (Verdict.UNVERIFIABLE, Verdict.GIVEN):
        return cannot_evaluate(d, section, error)
    return found


def cannot_evaluate(d: Draft, section: str, error: str) -> Claim:
    """Unverifiable: what it equals cannot be evaluated, or only too coarsely to tell (``COARSE``)."""
    return claim(d, section, Verdict.UNVERIFIABLE, error if error == COARSE else f"cannot evaluate what it equals: {error}")


def bare(d: Draft, env: Env, section: str) -> Claim:
    """A value standing alone."""
    if d.pending is not None:
        outcome = check_link(d.pending, d.part, env, d.at)
        if outcome.judgement is not None:
            return record(d, env, d.pending, outcome, section)
    known = R.known_value(d, env)
    if known is not None:
        key, b, j, hypothesis = known
        outcome = Outcome(j, None, grid_of(d.part), {key: b}, hypothesis=hypothesis)
        return record(d, env, N.Sym(0, 0, key, key), outcome, section, f"{key} (line {b.line})")
    return claim(d, section, Verdict.UNVERIFIABLE, "stands alone: nothing in the document derives it")


def record(d: Draft, env: Env, ref: N.Node, outcome: Outcome, section: str, what: str | None = None) -> Claim:
    """A judged claim: verdict, basis, expected value, the values it was computed with
    (against the reading of ``ref`` that was judged, when it is not the strict one)."""
    ref = outcome.reading[1] if outcome.reading else ref
    j = outcome.judgement
    grid = grid_of(d.part)
    verdict = j.verdict
    guessed = sorted(k for k, b in outcome.used.items() if b.origin == "default")
    if verdict == Verdict.WRONG and guessed and not 2 * j.fits > j.total > 1:
        # a guess confirmed by most entries of a result may convict the others; else it convicts nothing
        return claim(d, section, Verdict.UNVERIFIABLE, f"{', '.join(guessed)} is not given before this line")
    if verdict == Verdict.WRONG and d.supposed:
        return claim(d, section, Verdict.UNVERIFIABLE, f"{_against(ref, what)} gives other values, but the "
                     "prose only supposes it", note="supposed")
    if verdict == Verdict.WRONG and d.unit and d.unit.lower() not in POLICY.plain_units \
            and _converted(grid_of(d.part), outcome):
        return claim(d, section, Verdict.UNVERIFIABLE, f"printed in {d.unit}: {_against(ref, what)} gives "
                     f"{j.expected[0][0] if j.expected else 'another value'} in units derive cannot convert",
                     note="unit")
    message = _message(verdict, _against(ref, what), j, _choices(outcome, env, d))
    context = {"draft": d, "ref": ref, "claim": d.part, "outcome": outcome, "expected": outcome.expected,
               "at": d.at, "exclude": frozenset({N.key(d.label)}) if d.label is not None else frozenset()}
    return Claim(d.line, d.end_line, kind_of_grid(grid) if grid is not None else "equation",
                 N.pretty(d.label) if d.label is not None else None, verdict,
                 grid_text(grid) if grid is not None else snippet(d.text), message,
                 relation=d.relation, basis=_basis(outcome, ref) if verdict != Verdict.WRONG else None,
                 expected=rows_text(j.expected) if j.expected else None,
                 wrong_entries=wrong_entries(j.wrong) if verdict == Verdict.WRONG and grid is not None else (),
                 diagnosis=outcome.diagnosis if verdict == Verdict.WRONG else None, section=section,
                 against=_against(ref, what), used=_used(outcome), spans=_spans(d), grid=grid, context=context)


def _basis(outcome: Outcome, ref: N.Node) -> Basis | None:
    """The hypothesis behind the verdict; ``restates`` when the claim is a code output's number said again."""
    if isinstance(ref, N.Sym) and outcome.used and all(b.origin == "output" for b in outcome.used.values()):
        return Basis.RESTATES
    return outcome.basis


def _converted(grid, outcome: Outcome) -> bool:
    """Could a change of units explain the printed value: is it more than
    ``POLICY.unit_ratio`` times larger or smaller than the value computed?"""
    from derive.check.evaluate.fastface import to_fast
    if grid is None or outcome.expected is None or outcome.expected.shape != (1, 1):
        return True
    x, p = float(to_fast(outcome.expected).entry(0, 0)), float(grid[0][0].value)
    return x == 0 or p == 0 or not 1 / POLICY.unit_ratio <= p / x <= POLICY.unit_ratio


def unjudged(d: Draft, reason: str, section: str) -> Claim:
    """Nothing computes the label: a value given (a definition), or unverifiable."""
    grid = grid_of(d.part)
    if isinstance(d.label, N.Sym) and grid is not None and (not reason or reason.startswith(f"{N.key(d.label)} has no value")):
        rows, cols = len(grid), len(grid[0])
        shape = "" if rows == cols == 1 else f" ({rows}x{cols})"
        return given(d, section, f"defines {N.pretty(d.label)}{shape}")
    why = f" ({reason})" if reason else ""
    if grid is None:
        return None
    return claim(d, section, Verdict.UNVERIFIABLE, f"nothing in the document computes {N.pretty(d.label)}{why}")


def given(d: Draft, section: str, message: str, note: str | None = None) -> Claim:
    return replace(claim(d, section, Verdict.GIVEN, message, note=note), kind="definition")


def claim(d: Draft, section: str, verdict: Verdict, message: str, note: str | None = None) -> Claim:
    """A record without a judgement (unverifiable, given)."""
    grid = grid_of(d.part) if d.part is not None else None
    kind = kind_of_grid(grid) if grid is not None else (d.kind or "equation")
    return Claim(d.line, d.end_line, kind, N.pretty(d.label) if d.label is not None else None, verdict,
                 grid_text(grid) if grid is not None else snippet(d.text), message, relation=d.relation,
                 section=section, note=note, spans=_spans(d), grid=grid, context={"draft": d})


def _against(ref: N.Node, what: str | None) -> str:
    if what is not None:
        return what
    text = "the formulas written beside it" if isinstance(ref, N.Mat) else N.pretty(ref)
    return text if len(text) <= 70 else text[:67] + "..."


def _message(verdict: Verdict, what: str, j, choices: str) -> str:
    extra = f" (with {choices})" if choices else ""
    if verdict == Verdict.WRONG:
        if j.reason:
            return f"does not fit {what}: {j.reason}"
        total = sum(len(r) for r in j.expected) if j.expected else 0
        if total > 1:
            return f"{len(j.wrong)} of {total} entries differ from {what}{extra}"
        return f"differs from {what} = {j.expected[0][0] if j.expected else '?'}{extra}"
    how = {Verdict.OK: "agrees with", Verdict.ROUNDED: "is a rounding of", Verdict.TRUNCATED: "is a truncation of"}
    return f"{how[verdict]} {what}{extra}"


def _choices(outcome: Outcome, env: Env, d: Draft) -> str:
    """Which values the check took, when not the latest ones before the claim; how it judged."""
    notes = []
    for key, b in sorted(outcome.used.items()):
        latest = env.latest(key, d.at)
        if b.origin == "default":
            notes.append(f"{key} = {b.value.entry(0, 0)}")
        elif b is not latest and b.line != d.line and (latest is None or b.line != latest.line):
            notes.append(f"{key} as on line {b.line}" + (" further down" if b.line > d.line else ""))
    if outcome.options.eps is not None:
        notes.append(f"epsilon = {outcome.options.eps}")
    if outcome.options.layer_norm == "no_eps":
        notes.append("no epsilon")
    if outcome.basis == Basis.PRINTED and any(b.printed is not None and b.formula is not None
                                              for b in outcome.used.values()):
        notes.append("the values as printed")
    if outcome.basis == Basis.ENCLOSURE:
        notes.append("the rounding of the values it is computed from")
    if outcome.reading:
        notes.append(outcome.reading[0])
    return ", ".join(notes)


def _used(outcome: Outcome) -> tuple[Used, ...]:
    return tuple(Used(k, b.line, b.origin) for k, b in sorted(outcome.used.items()))


def _spans(d: Draft) -> tuple[tuple[int, int], ...]:
    if d.part is None or grid_of(d.part) is None:
        return ()
    return tuple((d.origin + a, d.origin + b) for a, b in grid_spans(d.part))


def snippet(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 3] + "..."
