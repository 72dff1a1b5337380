"""Judge one link ``ref = claim``: which values, which formula variant, which hypothesis.

A formula's names may have several values in a document (``Env.candidates``),
and a layer norm several conventions (``option_variants``). The rule, for the
whole printed result at once:

1. the first choice (latest values first, the standard formula first) under
   which the *exact* or the *printed* hypothesis explains every entry wins;
2. else the preferred choice (latest values, standard formula) is judged under
   whichever of the two explains more entries; when that is most of them, the
   entries it does not explain are wrong, save those a narrow enclosure of the
   same inputs explains (at most ``POLICY.enclosure_excuse_units`` last-place
   units wide: the author's inputs had digits the page does not show; a digit
   moved by more than that is never excused);
3. only when neither explains most entries may the *enclosure* hypothesis
   (every value the inputs' rounding allows) explain them all;
4. when only an enclosure too wide to vouch for the printed digits holds them
   (up to ``POLICY.coarse_enclosure_units``), the claim is unverifiable, not
   wrong: the author may have carried digits the page does not show
   (``(0 - 0.9591)^2 = 0.91988`` from an unrounded 0.959146).

So a matrix printed to 8 decimals from inputs printed to 4 is held to its 8
decimals when the printed inputs reproduce it, and a single wrong entry is
never excused by the rounding that excuses none of the others.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field, replace

from derive.check.bind.env import Binding, Env
from derive.check.bind.resolve import printed_roundings
from derive.check.claim import Basis, Verdict
from derive.check.evaluate.fastface import FAST
from derive.check.evaluate.functions import LAYER_NORM
from derive.check.evaluate.values import EVAL_FAILURES, Options, Val
from derive.check.judge.compare import Judgement, excuse
from derive.check.judge.hypotheses import Link, Trial, enclosure, near, screened, trial
from derive.check.judge.readings import readings
from derive.check.judge.screen import near_entries
from derive.check.policy import POLICY
from derive.check.read import nodes as N
from derive.check.read.grids import Grid, grid_of
from derive.numbers import parse_decimal

COARSE = ("it lies within the rounding of its inputs, which is too coarse to vouch for its printed digits "
          "(the author may have used unrounded values)")
BASIS = {"exact": Basis.EXACT, "printed": Basis.PRINTED, "enclosure": Basis.ENCLOSURE}
FAILURES = EVAL_FAILURES


@dataclass
class Outcome:
    """The verdict on one link, with the values, variant and hypothesis behind it."""

    judgement: Judgement | None = None
    expected: Val | None = None          # the exact value of the side that was not printed
    printed: Grid | None = None          # the printed side
    used: dict[str, Binding] = field(default_factory=dict)
    error: str = ""
    options: Options = Options()
    diagnosis: str | None = None         # set when a variant of the formula explains the claim
    picks: dict = field(default_factory=dict)
    hypothesis: str = "exact"
    reading: tuple[str, N.Node] | None = None   # (why, the formula) when another reading was judged (``readings``)

    @property
    def verdict(self) -> Verdict:
        return self.judgement.verdict if self.judgement else Verdict.UNVERIFIABLE

    @property
    def reproduces(self) -> bool:
        """Judged and not wrong: the printed numbers are this value (exact, rounded or truncated)."""
        return self.judgement is not None and self.verdict != Verdict.WRONG

    @property
    def basis(self) -> Basis | None:
        return BASIS[self.hypothesis] if self.reproduces else None


def option_variants(nodes: list[N.Node]) -> list[Options]:
    """The conventions tried when a layer norm appears and the document names no epsilon."""
    has_ln = any(isinstance(n, N.Call) and n.name in LAYER_NORM for node in nodes for n in N.walk(node))
    if not has_ln:
        return [Options()]
    plain = [Options()] + [Options(eps=parse_decimal(e).value) for e in POLICY.epsilons] + \
        [Options(layer_norm="no_eps")]
    return plain + [replace(o, affine=True) for o in plain]   # with the document's gamma and beta


def combinations(seen: dict[str, int]) -> list[dict[str, int]]:
    """Choices of candidates, fewest departures from the latest values first."""
    keys = sorted(k for k, n in seen.items() if n > 1)
    combos = [dict(zip(keys, c)) for c in itertools.product(*[range(seen[k]) for k in keys])] if keys else [{}]
    combos.sort(key=lambda c: (sum(1 for v in c.values() if v), sum(c.values())))
    return combos[:POLICY.max_combinations]


def check_link(ref: N.Node, claim: N.Node, env: Env, at: int, options: list[Options] | None = None,
               exclude: frozenset = frozenset(), later: frozenset = frozenset(), approx: bool = False,
               settle: bool = True, excuse_units: int = POLICY.enclosure_excuse_units,
               read_again: bool = True) -> Outcome:
    """Is ``claim`` the value of ``ref``? As ``judged_link``; when that finds it wrong (or
    only a truncation), the other readings of ``ref``'s notation (``derive.check.judge.readings``)
    are judged in turn, and the first one that reproduces the claim is the outcome (not with
    ``read_again``: ``ref`` is already the reading a verdict was given under)."""
    args = (claim, env, at, options, exclude, later, approx, settle, excuse_units)
    outcome = judged_link(ref, *args)
    if not read_again or outcome.verdict not in (Verdict.WRONG, Verdict.TRUNCATED):
        return outcome
    for why, other in readings(ref):
        found = judged_link(other, *args)
        if found.reproduces:
            return replace(found, reading=(why, other))
    return outcome


def judged_link(ref: N.Node, claim: N.Node, env: Env, at: int, options: list[Options] | None = None,
                exclude: frozenset = frozenset(), later: frozenset = frozenset(), approx: bool = False,
                settle: bool = True, excuse_units: int = POLICY.enclosure_excuse_units) -> Outcome:
    """Is ``claim`` the value of ``ref`` (or is ``ref``'s printed value ``claim``'s)?

    ``exclude`` hides names (a label's own values, when its formula is wanted);
    ``later`` lets names take values given further down (a restatement);
    ``approx``: the claim is working written after ``\\approx``; without
    ``settle`` only a choice that explains every entry is judged (a search
    among candidates asks no more); ``excuse_units``: how narrow an enclosure
    must be to excuse an entry (a diagnosis trying variants may allow the
    widest an enclosure may be to vouch for anything)."""
    options = options or option_variants([ref, claim])
    link = Link(ref, claim, grid_of(claim), env, at, exclude, later, approx, excuse_units)
    try:
        seen, ref_error = _candidate_counts(link, options[0])
    except FAILURES as exc:
        return Outcome(error=str(exc))
    combos = combinations(seen)
    found = _first_fit(link, combos, options)
    if found is not None:
        return _outcome(link, found)
    if not settle:
        return Outcome(error=ref_error or "no choice of values reproduces it")
    preferred, error = _preferred(link, combos, options[0])
    if preferred is None:
        return Outcome(error=ref_error or error)
    if preferred.majority:
        preferred = _excused(link, preferred)
    if not preferred.majority:
        first = None
        for picks in combos:
            for opt in options:
                t = _enclosure(link, picks, opt)
                if t is not None and t.fits_all:
                    return _outcome(link, t)
                first = first or t
        if first is not None and first.judgement.fits > preferred.judgement.fits:
            return _outcome(link, first)        # it explains more entries: the others are wrong
        if first is not None and _coarse(link, first):
            return Outcome(error=COARSE)
    return _outcome(link, preferred)


def _coarse(link: Link, t: Trial) -> bool:
    """Does an enclosure of the same inputs, as wide as ``POLICY.coarse_enclosure_units``, hold every entry?"""
    try:
        wide = enclosure(link, t.picks, t.options, t.value, POLICY.coarse_enclosure_units)
    except FAILURES:
        return False
    return wide.judgement.fits == wide.judgement.total


def attempt(ref: N.Node, claim: N.Node, env: Env, at: int, picks: dict, options: Options,
            exclude: frozenset = frozenset()) -> Outcome | None:
    """One choice only: the outcome when the exact or printed hypothesis explains
    every entry, else None (a diagnosis trying a variant of the formula: entries
    within any enclosure narrow enough to vouch for digits count as explained)."""
    link = Link(ref, claim, grid_of(claim), env, at, exclude, excuse_units=POLICY.enclosure_max_units)
    found = _first_fit(link, [picks], [options])
    return _outcome(link, found) if found is not None else None


def _candidate_counts(link: Link, opt: Options) -> tuple[dict[str, int], str]:
    """How many values each name of the link can take (a fast probe), and why
    ``ref`` does not evaluate if it does not; raises when an unprinted claim does not."""
    ref_error = ""
    try:
        _, probe = link.evaluate(link.ref, FAST, "exact", {}, opt)
        seen = dict(probe.seen)
    except FAILURES as exc:
        ref_error = str(exc)
        seen = dict(getattr(getattr(exc, "resolver", None), "seen", {}))
    if link.claim_grid is None:
        _, probe = link.evaluate(link.claim, FAST, "exact", {}, opt)
        seen.update(probe.seen)
    return seen, ref_error


def _first_fit(link: Link, combos: list[dict], options: list[Options]) -> Trial | None:
    """The first choice explained entirely by the exact hypothesis, else by the
    printed one (entries a narrow enclosure explains count as explained). A fit
    only as a truncation gives way to a later choice that rounds (0.2731 is a
    truncation under the exact hypothesis, a rounding of the author's working
    from the printed 0.7491)."""
    cut = None
    for picks in combos:
        for opt in options:
            for hypothesis in ("exact", "printed"):
                t = _attempt(link, picks, opt, hypothesis)
                t = _excused(link, t) if t is not None and t.majority and not t.fits_all else t
                if t is not None and t.fits_all and (t.judgement.verdict == Verdict.TRUNCATED or
                                                     cut is not None and t.hypothesis == "enclosure"):
                    cut = cut or t      # an excused entry is no better than a cut one
                    continue
                if t is not None and t.fits_all:
                    return t
    return _rounded_within(link, cut) if cut is not None and cut.hypothesis != "enclosure" else cut


def _rounded_within(link: Link, cut: Trial) -> Trial:
    """A fit only as a truncation that a narrow enclosure of the same inputs explains as a
    rounding (0.0765 for the printed inputs' 0.07655, the author's own 0.07654): rounded, on
    the enclosure; else the truncation. Not when the working writes out a result printed before
    (``e^{-0.2051}`` after S printed -0.2051): those are the digits its author used, and a cut of
    their value is a cut."""
    if printed_roundings(link.ref, link.env, link.at):
        return cut
    try:
        narrow = enclosure(link, cut.picks, cut.options, cut.value, link.excuse_units)
    except FAILURES:
        return cut
    j = narrow.judgement
    return narrow if j.fits == j.total and j.verdict in (Verdict.OK, Verdict.ROUNDED) else cut


def _excused(link: Link, t: Trial) -> Trial:
    """The trial with the entries it misses, but a narrow enclosure of the same
    inputs explains, counted as rounded (then its basis is the enclosure)."""
    try:
        narrow = enclosure(link, t.picks, t.options, t.value, link.excuse_units)
    except FAILURES:
        return t
    j = excuse(t.judgement, narrow.judgement)
    if j is t.judgement:
        return t
    return Trial("enclosure", j, t.value, t.used, t.picks, t.options)


def _attempt(link: Link, picks: dict, opt: Options, hypothesis: str) -> Trial | None:
    try:
        if not screened(link, picks, opt, hypothesis):
            return None
        return trial(link, picks, opt, hypothesis)
    except FAILURES:
        return None


def _preferred(link: Link, combos: list[dict], opt: Options) -> tuple[Trial | None, str]:
    """The latest values that evaluate, under the hypothesis that explains more
    entries; other values (earlier ones, or the code's further down) only when
    they explain most entries, and more of them (counted in floats); judged exactly."""
    error, best = "", None
    total = len(link.claim_grid) * len(link.claim_grid[0]) if link.claim_grid is not None else 1
    for k, picks in enumerate(combos):
        for hypothesis in ("exact", "printed"):
            try:
                fast, r = link.evaluate(link.ref, FAST, hypothesis, picks, opt)
            except FAILURES as exc:
                error = error or str(exc)
                continue
            count = near_entries(link.claim_grid, fast) if link.claim_grid is not None else 0
            if best is None or count > best[0] and (2 * count > total or best[3] == k):
                best = (count, picks, hypothesis, k)
    if best is None:
        return None, error
    try:
        return trial(link, best[1], opt, best[2]), error
    except FAILURES as exc:
        return None, error or str(exc)


def _enclosure(link: Link, picks: dict, opt: Options) -> Trial | None:
    try:
        if not near(link, picks, opt):
            return None
        exact = trial(link, picks, opt, "exact").value
        return enclosure(link, picks, opt, exact)
    except FAILURES:
        return None


def _outcome(link: Link, t: Trial) -> Outcome:
    return Outcome(t.judgement, t.value, link.claim_grid, t.used, options=t.options, picks=t.picks,
                   hypothesis=t.hypothesis)
