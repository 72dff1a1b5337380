r"""What a claim is judged against, and the judging of it.

    Q = X W_Q  ...  Q = \begin{pmatrix} ... \end{pmatrix}    Q's formula, then Q's earlier values
    LN(h) = (h - \mu)/s \approx c                             c is a claim about LN(h), the
                                                              first member; the working beside it
                                                              counts when LN(h) cannot be computed
    LN(x_i) = ...  (x_i never given)                          the matrices the document gave
    W \leftarrow W - \eta g  ...  W' = ...                    the rule, with the values before it
    x W_1  (displayed alone)  ...  \begin{pmatrix}...          the formula just before it
"""

from __future__ import annotations

import numpy as np

from derive.check.bind.drafts import Draft
from derive.check.bind.env import Env
from derive.check.bind.resolve import evaluate, exact_value, founded
from derive.check.bind.substitution import substituted
from derive.check.claim import Verdict
from derive.check.variants import normalisation_variants
from derive.check.evaluate.fastface import FAST
from derive.check.judge.compare import judge, judge_both_printed
from derive.check.judge.search import FAILURES, Outcome, check_link
from derive.numbers import last_unit
from derive.check.policy import POLICY
from derive.check.read import nodes as N
from derive.check.read.grids import grid_of


def label_claim(d: Draft, env: Env) -> tuple[Outcome | None, N.Node | None]:
    """A value printed for a label: judged by computing the label (its formulas,
    its function, its operands), else against its earlier values."""
    label, key, approx = d.label, N.key(d.label), d.relation == "approx"
    refs = [f for f, at, _ in sorted(env.formulas.get(key, []), key=lambda f: -f[1]) if at <= d.at] \
        if isinstance(label, N.Sym) else []
    computed, ref = best(refs + [label], d.part, env, d.at, frozenset({key}), approx)
    if (computed is None or computed.judgement is None) and isinstance(label, N.Call):
        found, where = argument_search(label, d.part, env, d.at)
        computed, ref = (found, where) if found is not None else (computed, ref)
    if computed is not None and computed.judgement is not None:
        return computed, ref
    own = [b for b in env.candidates(key, d.at) if b.origin != "default"]     # values of its own, not guesses
    if grid_of(d.part) is None:
        own = [b for b in own if env.section(b.at) == env.section(d.at)]     # working: this example's values
    if own:
        again = check_link(label, d.part, env, d.at)
        if again.reproduces and any(again.picks.values()):
            return None, None       # it restates an older value, not the latest: a value given again, not a check
        if again.judgement is not None:
            return again, label
        return again, None
    return computed, None


def best(refs: list[N.Node], part: N.Node, env: Env, at: int, exclude: frozenset = frozenset(),
         approx: bool = False) -> tuple[Outcome | None, N.Node | None]:
    """The first reference that reproduces the claim, else the first judged one."""
    first: tuple[Outcome | None, N.Node | None] = (None, None)
    for ref in refs:
        outcome = check_link(ref, part, env, at, exclude=exclude, approx=approx)
        if outcome.reproduces:
            return outcome, ref
        if first[0] is None or (first[0].judgement is None and outcome.judgement is not None):
            first = (outcome, ref)
    return first


def argument_search(call: N.Call, part: N.Node, env: Env, at: int) -> tuple[Outcome | None, N.Node | None]:
    """``LN(x_i)`` with x_i never given: try the matrices the document gave, with
    the standard formula first, then with its variants (a diagnosis)."""
    if len(call.args) != 1 or not isinstance(call.args[0], N.Sym) or env.candidates(call.args[0].name, at):
        return None, None
    arg, hide = call.args[0], frozenset({N.key(call)})
    refs = [N.Call(call.start, call.end, call.name, (N.Sym(arg.start, arg.end, k, k),))
            for k in _recent_matrices(env, N.key(call), at)]
    for ref in refs:
        outcome = check_link(ref, part, env, at, exclude=hide, settle=False)
        if outcome.reproduces:
            return outcome, ref
    for ref in refs:
        for variant in normalisation_variants(ref):
            if check_link(variant.ref, part, env, at, options=[variant.options], exclude=hide, settle=False,
                          excuse_units=POLICY.enclosure_max_units).reproduces:
                outcome = check_link(ref, part, env, at, exclude=hide)
                if outcome.judgement is not None:
                    outcome.diagnosis = variant.sentence
                    return outcome, ref
    return None, None


def _recent_matrices(env: Env, own: str, at: int) -> list[str]:
    """Names of matrices given before ``at``, latest first (at most ``POLICY.argument_candidates``)."""
    recent = {}
    for key, bindings in env.values.items():
        places = [b.at for b in bindings if b.at <= at and not b.scalar and b.printed is not None]
        if places and key != own:
            recent[key] = max(places)
    return sorted(recent, key=lambda k: (-recent[k], k))[:POLICY.argument_candidates]


# ---------------------------------------------------------------- a member of a derivation

def link_claim(d: Draft, env: Env) -> tuple[Outcome | None, N.Node | None, str]:
    """Member k of a derivation: a claim about its first member. A label derive
    can compute on its own (``LN(h)``, ``e^{s_1}``, a name with a formula:
    ``out = \\sigma(net)``) is the reference, unless the working computes
    something else; otherwise the nearest member before it that evaluates."""
    approx = d.relation == "approx"
    outcome, ref, error = nearest_part(d, env, approx)
    label = d.label
    if label is not None and (not isinstance(label, N.Sym) or _formula_before(label, env, d.at)):
        direct = check_link(label, d.part, env, d.at, approx=approx)
        # the label counts when it is what the working computes (the same values, taken the
        # same way: the latest, exact or as printed) from values better founded than the
        # working's: never a guess, nor a number given rounded that nothing computes
        if direct.judgement is not None and all(founded(b, env) for b in direct.used.values()) \
                and not any(direct.picks.values()) \
                and (ref is None or _close(label, ref, env, d.at, direct.hypothesis, _given_before(d, direct))):
            # a name is shown by the working that computes it
            return direct, (ref if isinstance(label, N.Sym) and ref is not None else label), error
    return outcome, ref, error


def _given_before(d: Draft, direct: Outcome):
    """The printed numbers of the claim when its label is a name whose value was given
    in an earlier formula (then the working may give it a new value: the two must agree
    to the printed digits for the old value to be the reference), else None."""
    b = direct.used.get(N.key(d.label)) if isinstance(d.label, N.Sym) else None
    return grid_of(d.part) if b is not None and b.at < d.origin else None


def _formula_before(label: N.Sym, env: Env, at: int) -> bool:
    """Does the name have a formula, or a value computed by one, before ``at``?"""
    return any(where <= at for _, where, _ in env.formulas.get(label.name, ())) or \
        any(b.formula is not None for b in env.candidates(label.name, at))


def nearest_part(d: Draft, env: Env, approx: bool) -> tuple[Outcome | None, N.Node | None, str]:
    r"""The judged outcome of member k against the nearest earlier member (not a
    bare name), with that member; else the first error met. When the nearest
    member does not explain it but an earlier one does, that one is the
    reference: the middle member was written from rounded values
    (``= 0.4 \cdot 0.5944 + 0.5 \cdot 0.5963 = 0.2378 + 0.2982 = 0.5359``).
    A member that only puts numbers into the formula before it vouches for the
    value only if the formula, with its names' values, agrees: ``y(1 - y) =
    0.7391(1 - 0.7391) = 0.1928`` with y = 0.7491 is wrong (a value carried from
    a slip in the working)."""
    error, first = "", None
    lowest = 1 if d.label is not None else 0
    for j in range(d.k - 1, lowest - 1, -1):
        ref = d.parts[j]
        if not N.has_numbers(ref) and j > 0 and isinstance(ref, N.Sym):
            continue
        outcome = check_link(ref, d.part, env, d.at, approx=approx)
        if outcome.judgement is not None and outcome.verdict != Verdict.WRONG:
            carried = _carried(d, j, env, approx)
            if carried is not None:
                return (*carried, error)
            return outcome, ref, error
        if outcome.judgement is not None:
            first = first or (outcome, ref)
        error = error or outcome.error
    return (*first, error) if first else (None, None, error)


def _carried(d: Draft, j: int, env: Env, approx: bool) -> tuple[Outcome, N.Node] | None:
    """Member j (numbers only) is the formula of member j - 1 with numbers put in:
    when that formula, judged with the values its names have, convicts the claim,
    the claim carries a slip of the working (that outcome, with a diagnosis)."""
    if j < 1 or N.names(d.parts[j]):
        return None
    formula = d.parts[j - 1]
    put = substituted(formula, d.parts[j]) if not isinstance(formula, N.Sym) else None
    if put is None:
        return None
    outcome = check_link(formula, d.part, env, d.at, approx=approx)
    if outcome.judgement is None or outcome.verdict != Verdict.WRONG or \
            any(b.origin in ("default", "substituted") for b in outcome.used.values()):
        return None
    numbers = ", ".join(f"{N.pretty(number)} for {N.pretty(sym)}" for _, (sym, number) in sorted(put.items()))
    outcome.diagnosis = f"a slip carried from the working: it follows {N.pretty(d.parts[j])}, which puts in {numbers}"
    return outcome, formula


def _close(a: N.Node, b: N.Node, env: Env, at: int, hypothesis: str = "exact", grid=None) -> bool:
    """Do two formulas agree to rounding level (0.1 %, and within one unit of the
    printed ``grid``'s last place when given), in floats (``a`` under a hypothesis)?
    A name's old value and the working of its new one (``w = 0.0099955 + 0.0000042``)
    differ by less than 0.1 % in a small update step, but not to the printed digits."""
    hypothesis = "exact" if hypothesis == "exact" else "printed"
    try:
        x, _ = evaluate(a, env, at, FAST, hypothesis)
        y, _ = evaluate(b, env, at, FAST)
    except FAILURES:
        return False
    x, y = np.asarray(x.data, dtype=float), np.asarray(y.data, dtype=float)
    if x.shape != y.shape or not np.allclose(x, y, rtol=1e-3, atol=1e-9):
        return False
    if grid is None:
        return True
    unit = float(last_unit(max(p.decimals for row in grid for p in row)))
    return bool(np.all(np.abs(x - y) <= unit))


# ---------------------------------------------------------------- values standing alone

def known_value(d: Draft, env: Env):
    """An earlier (or later) value this unnamed printing is: one that every entry
    fits, else one that most entries fit (the others are then wrong)."""
    grid = grid_of(d.part)
    shape = (len(grid), len(grid[0]))
    if shape[0] * shape[1] < POLICY.known_min_entries or all(p.value.is_integer for row in grid for p in row):
        return None
    most = None
    seen = 0
    for key, b in env.same_shape(shape, d.at) + env.same_shape(shape[::-1], d.at):
        seen += 1
        if seen > POLICY.known_values:
            break
        trials = []
        try:
            trials.append(("exact", judge(grid, exact_value(b, env))))
        except FAILURES:
            pass
        if b.printed is not None:
            trials.append(("printed", judge_both_printed(grid, b.printed)))
        for hypothesis, j in trials:
            if j.verdict != Verdict.WRONG:
                return key, b, j, hypothesis
            if 2 * j.fits > j.total and j.fits >= POLICY.known_min_entries and (most is None or j.fits > most[2].fits):
                most = (key, b, j, hypothesis)
    return most
