r"""One link ``ref = claim`` judged under one hypothesis of how the author computed it.

    exact      the inputs' exact values: what the document's own formulas give
    printed    the inputs as the document printed them, taken as exact (by hand,
               from the page); a printed ``ref`` may round the claim or be rounded by it
    enclosure  every value the inputs' rounding allows (Arb balls, never a first-order
               estimate): printed numbers that may be roundings, and numbers written
               into working that are roundings (``literal_roundings``), widened by half a unit

A ``Trial`` counts the entries the hypothesis explains; which trial wins is
``derive.check.judge.search``'s rule.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flint import ctx

from derive.check.bind.env import Binding, Env
from derive.check.bind.resolve import evaluate, exact_value, founded, from_roundings, half_unit, printed_roundings
from derive.check.claim import Verdict
from derive.check.evaluate.arbface import ARB
from derive.check.evaluate.fastface import FAST
from derive.check.evaluate.values import EVAL_FAILURES, EXACT, EvalError, Options, Pin, Val
from derive.check.judge.compare import Judgement, equal_balls, judge, judge_balls, judge_both_printed, judge_equal
from derive.check.judge.screen import deviation, fast_equal, screen
from derive.check.policy import POLICY
from derive.check.read import nodes as N
from derive.check.read.grids import Grid, grid_of
from derive.numbers import compare, significant_digits

BALL_PRECISION = 128      # bits: the balls' width comes from the inputs, not from arithmetic


@dataclass(frozen=True, eq=False)
class Link:
    """One link ``ref = claim`` at one place: which names are hidden (``exclude``),
    which may take values given further down (``later``), and whether the claim is
    working written after ``\\approx`` (its numbers are roundings)."""

    ref: N.Node
    claim: N.Node
    claim_grid: Grid | None
    env: Env
    at: int
    exclude: frozenset = frozenset()
    later: frozenset = frozenset()
    approx: bool = False
    excuse_units: int = POLICY.enclosure_excuse_units

    def evaluate(self, node: N.Node, face, hypothesis: str, picks: dict, opt: Options, widen=None):
        if hypothesis == "exact" and widen is None:
            widen = literal_results(self, node)
        return evaluate(node, self.env, self.at, face, hypothesis, picks, opt, self.exclude, self.later, widen)


@dataclass
class Trial:
    """A link judged under one hypothesis, with one choice of values and formula variant."""

    hypothesis: str
    judgement: Judgement
    value: Val | None                    # the reference's exact value (for messages and diagnosis)
    used: dict[str, Binding] = field(default_factory=dict)
    picks: dict = field(default_factory=dict)
    options: Options = Options()

    @property
    def fits_all(self) -> bool:
        return self.judgement.verdict != Verdict.WRONG

    @property
    def majority(self) -> bool:
        """Does the hypothesis explain most entries? (Then those it does not are wrong.)"""
        j = self.judgement
        return not j.reason and 2 * j.fits > j.total


# ---------------------------------------------------------------- exact and printed

def screened(link: Link, picks: dict, opt: Options, hypothesis: str) -> bool:
    """Could the hypothesis explain the claim (with an excuse), judging by floats?"""
    units = 1.0001 + link.excuse_units
    ref_fast, r = link.evaluate(link.ref, FAST, hypothesis, picks, opt)
    if link.claim_grid is not None:
        direct = direct_grid(link.ref, r) if hypothesis != "exact" else None
        if direct is not None and screen(direct, Val(_floats(link.claim_grid)), units):
            return True
        return screen(link.claim_grid, ref_fast, units)
    claim_fast, _ = link.evaluate(link.claim, FAST, hypothesis, picks, opt)
    direct = direct_grid(link.ref, r)
    if direct is not None:
        return screen(direct, claim_fast, units)
    return fast_equal(claim_fast, ref_fast)


def trial(link: Link, picks: dict, opt: Options, hypothesis: str) -> Trial:
    """The exact judgement of one choice under the exact or the printed hypothesis."""
    ref_val, r = link.evaluate(link.ref, EXACT, hypothesis, picks, opt)
    used = dict(r.used)
    direct = direct_grid(link.ref, r) if hypothesis != "exact" or grid_of(link.ref) is not None else None
    if link.claim_grid is not None:
        j = judge_both_printed(link.claim_grid, direct) if direct is not None else judge(link.claim_grid, ref_val)
        return Trial(hypothesis, j, ref_val, used, dict(picks), opt)
    claim_val, c = link.evaluate(link.claim, EXACT, hypothesis, picks, opt)
    used.update(c.used)
    j = judge(direct, claim_val) if direct is not None else judge_equal(claim_val, ref_val)
    return Trial(hypothesis, j, ref_val, used, dict(picks), opt)


def direct_grid(ref: N.Node, resolver) -> Grid | None:
    """The printed numbers of ``ref`` when it is itself printed, or a name with printed numbers."""
    grid = grid_of(ref)
    if grid is not None:
        return grid
    b = resolver.used.get(N.key(ref))
    return b.printed if b is not None else None


# ---------------------------------------------------------------- enclosure

def enclosure(link: Link, picks: dict, opt: Options, exact: Val | None,
              units: int = POLICY.enclosure_max_units) -> Trial:
    """Balls for every input that may be a rounding; the claim fits where the balls
    meet it (balls at most ``units`` last-place units wide)."""
    with ctx.workprec(BALL_PRECISION):
        ref_balls, r = link.evaluate(link.ref, ARB, "enclosure", picks, opt,
                                     literal_roundings(link, link.ref, link.claim_grid is None, False))
        used = dict(r.used)
        if link.claim_grid is not None:
            j = judge_balls(link.claim_grid, ref_balls, exact, units)
            return Trial("enclosure", j, exact, used, dict(picks), opt)
        claim_balls, c = link.evaluate(link.claim, ARB, "enclosure", picks, opt,
                                       literal_roundings(link, link.claim, True, True))
        used.update(c.used)
        direct = direct_grid(link.ref, r)
        j = judge_balls(direct, claim_balls) if direct is not None else equal_balls(claim_balls, ref_balls)
        return Trial("enclosure", j, exact, used, dict(picks), opt)


def near(link: Link, picks: dict, opt: Options) -> bool:
    """Worth computing an enclosure: within ``POLICY.screen_units`` of the printed value."""
    if link.claim_grid is None:
        return True
    try:
        fast, _ = link.evaluate(link.ref, FAST, "printed", picks, opt)
    except EvalError:
        return False
    return deviation(link.claim_grid, fast) <= POLICY.screen_units


def literal_results(link: Link, node: N.Node, working: bool = False) -> dict[int, Pin]:
    r"""Numbers written into ``node`` that are the printed rounding of a result derive
    computes exactly (id of the node -> its ``Pin``): under the exact hypothesis, and in
    the enclosure, ``0.9591`` in ``(0 - 0.9591)^2`` after ``\hat{y} \approx 0.9591`` is
    that \hat{y}, whose digits are known; the printed hypothesis keeps the number as written.
    In ``working`` set against a formula (an equation's written side), a result the
    document computed from its own roundings is no pin: its digits carry that rounding."""
    out = {}
    for n in N.walk(node):
        if isinstance(n, N.Num) and 0 < n.printed.decimals < 300 \
                and significant_digits(n.printed.text) >= POLICY.rounding_given_digits:
            exact = _result_of(link.env, n.printed, link.at, working)
            if exact is not None:
                out[id(n)] = Pin(exact)
    return out


def _result_of(env: Env, p, at: int, working: bool = False):
    """The exact value of the latest computed result before ``at`` printed as ``p``, if any
    (with ``working``, not one computed from numbers printed as roundings)."""
    for b in env.results_printed_as(p.value, p.decimals, at):
        try:
            if not founded(b, env) or working and from_roundings(b, env):
                continue
            value = exact_value(b, env)
        except EVAL_FAILURES:
            continue
        if value.shape == (1, 1) and compare(p, value.entry(0, 0)).verdict in ("exact", "rounded"):
            return value.entry(0, 0)
    return None


def literal_roundings(link: Link, node: N.Node, equation: bool, claim_side: bool) -> dict[int, object]:
    r"""Numbers written into ``node`` that are roundings (id of the node -> half a unit):
    after ``\approx`` (``1.3499 + 1.6487``); printed before as a result
    (``2 \times 1.3416`` after ``\hat{x}_4 \approx 1.3416``); between two written
    computations, long ones (``e^{1.7678}``); standing where the member before it has
    a computation (``0.7 \log(1.4) = 0.7 \times 0.336``: 0.336 is log 1.4 rounded).
    Never ``0.1`` or ``\sqrt{4.375}``."""
    out: dict[int, object] = {**printed_roundings(node, link.env, link.at),
                              **literal_results(link, node, equation and claim_side and link.claim_grid is None)}
    if equation and claim_side and link.claim_grid is None:
        for n in stand_ins(link.ref, node):
            out.setdefault(id(n), half_unit(n.printed))
    for n in N.walk(node):
        if id(n) in out or not isinstance(n, N.Num) or not 0 < n.printed.decimals < 300:
            continue
        digits = significant_digits(n.printed.text)
        if (claim_side and link.approx and digits >= POLICY.rounding_after_approx_digits) \
                or (equation and digits >= POLICY.rounding_working_digits):
            out[id(n)] = half_unit(n.printed)
    return out


def stand_ins(ref: N.Node, claim: N.Node) -> list[N.Num]:
    """The numbers of ``claim`` written where ``ref``, of the same shape otherwise, has a
    computation (``log(1.4)`` in ``0.7 log(1.4)`` against ``0.7 * 0.336``)."""
    number = claim.arg if isinstance(claim, N.Neg) and isinstance(claim.arg, N.Num) else claim
    if isinstance(number, N.Num):
        plain = isinstance(ref, N.Num) or isinstance(ref, N.Neg) and isinstance(ref.arg, N.Num)
        return [] if plain or isinstance(ref, N.Sym) or not 0 < number.printed.decimals < 300 else [number]
    if type(ref) is not type(claim):
        return []
    mine, theirs = N.children(ref), N.children(claim)
    if len(mine) != len(theirs):
        return []
    return [n for a, b in zip(mine, theirs) for n in stand_ins(a, b)]


def _floats(grid: Grid):
    import numpy as np
    return np.array([[float(p.value) for p in row] for row in grid])
