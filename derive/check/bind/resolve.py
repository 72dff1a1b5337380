r"""The value of a formula over the bindings a document gave its names, under a hypothesis.

Three hypotheses say which value of a binding a formula takes (the judge
tries them in this order, ``derive.check.judge.hypotheses``):

    exact      its exact value: its formula evaluated over the exact values of
               the bindings before it (a DAG walk, memoised per binding), or the
               numbers printed for it when nothing computes it
    printed    the numbers printed for it, taken as exact (what a reader
               working by hand from the page gets)
    enclosure  a ball of half a unit around each printed number that may be a
               rounding (the ball face only): every value the author may have had

and three faces how it is computed: exact (SymPy), fast (floats, to screen
candidates) and ball (Arb). A ``Resolver`` looks each name up, taking the
candidate a search picked for it (``picks``), and notes how many candidates
each name had (``seen``) and which it took (``used``).
"""

from __future__ import annotations

import sympy as sp
from flint import arb, ctx, fmpq

from derive.check.bind.env import Binding, Env
from derive.check.evaluate.arbface import ARB, hull, rational, widened
from derive.check.evaluate.evaluator import Evaluator
from derive.check.evaluate.fastface import FAST, to_fast
from derive.check.evaluate.values import EVAL_FAILURES, EXACT, EvalError, Face, Options, Val
from derive.evaluate import ball as exact_ball
from derive.check.policy import POLICY
from derive.check.read import nodes as N
from derive.numbers import last_unit, significant_digits

class Resolver:
    """Looks names up in the environment at one place, under one hypothesis and face."""

    def __init__(self, env: Env, at: int, face: Face = EXACT, hypothesis: str = "exact",
                 picks: dict[str, int] | None = None, exclude: frozenset = frozenset(),
                 later: frozenset = frozenset()):
        self.env, self.at, self.face, self.hypothesis = env, at, face, hypothesis
        self.picks = picks or {}
        self.exclude, self.later = exclude, later
        self.override: dict[str, Val] = {}
        self.seen: dict[str, int] = {}
        self.used: dict[str, Binding] = {}
        self.recomputing: set[str] = set()
        self.recomputed: dict[str, Val | None] = {}     # each name computed once per look-up: a DAG walk

    def __call__(self, key: str) -> Val | None:
        if key in self.exclude:
            return None
        if key in self.override:
            self.seen.setdefault(key, 1)
            return self.override[key]
        cands = self.env.candidates(key, self.at, key in self.later)
        if not cands:
            return self._recomputed(key)
        # an expression printed before (X + PE) may also be computed from its parts anew
        self.seen[key] = len(cands) + (1 if cands[0].composite else 0)
        pick = self.picks.get(key, 0)
        if pick == len(cands):
            return None
        b = cands[min(pick, len(cands) - 1)]
        self.used[key] = b
        return value_of(b, self.env, self.hypothesis, self.face)

    def _recomputed(self, key: str) -> Val | None:
        """A name with no value of its own (``p = \\mathrm{softmax}(z)`` gave only a
        formula), or whose every value is stale (its inputs were given anew), is
        computed from its latest formula over the current values."""
        if key in self.recomputed:
            return self.recomputed[key]
        formulas = [f for f, at, _ in self.env.formulas.get(key, []) if at <= self.at]
        if not formulas or key in self.recomputing:
            return None
        self.recomputing.add(key)
        try:
            value = Evaluator(self.face, self, self.function, Options()).value_of(formulas[-1])
        except EvalError:
            value = None
        finally:
            self.recomputing.discard(key)
        self.recomputed[key] = value
        if value is not None:
            self.seen.setdefault(key, 1)
        return value

    def function(self, name: str):
        return self.env.function(name, self.at)


def evaluate(node, env: Env, at: int, face: Face = EXACT, hypothesis: str = "exact",
             picks: dict | None = None, options: Options = Options(), exclude: frozenset = frozenset(),
             later: frozenset = frozenset(), widen: dict | None = None,
             override: dict | None = None) -> tuple[Val, Resolver]:
    """The value of ``node`` and the resolver that says which values it took.
    ``widen`` (id of a number node -> half a unit) makes written numbers balls;
    ``override`` (name -> Val) sets names to values of the caller's."""
    resolver = Resolver(env, at, face, hypothesis, picks, exclude, later)
    resolver.override.update(override or {})
    try:
        value = Evaluator(face, resolver, resolver.function, options, widen).value_of(node)
    except EvalError as exc:
        exc.resolver = resolver          # which names had several values, for another try
        raise
    return value, resolver


# ---------------------------------------------------------------- one binding's value

def value_of(b: Binding, env: Env, hypothesis: str, face: Face) -> Val:
    """A binding's value under a hypothesis, in a face (memoised in the binding)."""
    if face is EXACT:
        return printed_or_exact(b, env) if hypothesis != "exact" else exact_value(b, env)
    if face is FAST:
        key = ("fast", hypothesis == "exact")
        if key not in b.memo:
            exact = exact_value(b, env) if hypothesis == "exact" else printed_or_exact(b, env)
            b.memo[key] = to_fast(exact)
        return b.memo[key]
    return _balls(b, env, hypothesis)


def exact_value(b: Binding, env: Env) -> Val:
    """The binding's formula over the exact values before it; else what was given."""
    if "exact" in b.memo:
        if b.memo["exact"] is None:            # a formula that reaches itself
            raise EvalError(f"{b.name} is computed from itself")
        return b.memo["exact"]
    b.memo["exact"] = None
    value = None
    if b.value is not None:
        value = b.value
    elif b.formula is not None:
        value = _formula_value(b, env)
    b.memo["computed"] = value is not None and b.value is None
    if value is None:
        value = b.printed_value()
    if value is None:
        raise EvalError(f"{b.name} has no value")
    b.memo["exact"] = value
    return value


def founded(b: Binding, env: Env) -> bool:
    """Is the binding's exact value known: exact data, or computed by a formula from
    founded values? Not a guess, nor a number given rounded that nothing computes."""
    if "founded" in b.memo:
        return b.memo["founded"]
    b.memo["founded"] = False                   # a formula that reaches itself is not founded
    if b.origin == "default":
        return False
    if computed(b, env):
        b.memo["founded"] = all(founded(u, env) for u in b.memo.get("from", ()))
    else:
        b.memo["founded"] = b.value is not None or not b.rounding
    return b.memo["founded"]


def sources(bindings, env: Env) -> list[Binding]:
    """The bindings and, through the formulas that computed them, every binding
    their exact values came from (each once)."""
    out, todo = [], list(bindings)
    while todo:
        b = todo.pop()
        if any(b is o for o in out):
            continue
        out.append(b)
        if computed(b, env):
            todo.extend(b.memo.get("from", ()))
    return out


def computed(b: Binding, env: Env) -> bool:
    """Does a formula of the document compute the binding (rather than its printing alone)?"""
    try:
        exact_value(b, env)
    except EvalError:
        return False
    return b.memo.get("computed", False)


def _formula_value(b: Binding, env: Env) -> Val | None:
    """The value of the first of its formula and workings that evaluates from
    founded values (else of the first that evaluates at all): the true value
    even when the document printed it in another shape, transposed say, since
    the steps after it are judged from it."""
    found = None
    for formula in (b.formula, *b.workings):
        try:
            value, r = evaluate(formula, env, b.formula_at)
        except EVAL_FAILURES:
            continue
        value = Val(value.data, b.scalar) if value.shape == (1, 1) and b.printed is not None else value
        if all(founded(u, env) for u in r.used.values()):
            b.memo["from"], b.memo["source"] = tuple(r.used.values()), formula
            return value
        found = found or (value, tuple(r.used.values()), formula)
    if found is None:
        return None
    b.memo["from"], b.memo["source"] = found[1], found[2]
    return found[0]


def printed_or_exact(b: Binding, env: Env) -> Val:
    """The numbers printed for it, else its exact value."""
    printed = b.printed_value()
    return printed if printed is not None else exact_value(b, env)


def _balls(b: Binding, env: Env, hypothesis: str) -> Val:
    """Balls: half a unit around printed numbers that may be roundings (enclosure),
    else tight balls around the exact (or printed) value. A printed rounding of a
    value derive computes exactly stands for that value carried to any number of
    digits: the hull of the printed number and the exact value (give or take half
    a unit of the next digit), not every value that rounds to it."""
    key = ("ball", hypothesis, ctx.prec)
    if key in b.memo:
        return b.memo[key]
    if hypothesis == "enclosure" and b.printed is not None and b.rounding:
        known = founded(b, env) and computed(b, env)
        rough = known and from_roundings(b, env)
        exact = exact_value(b, env) if known and not rough else None
        if exact is not None and exact.shape != (len(b.printed), len(b.printed[0])):
            exact = None
        worked = _source_balls(b, env) if rough else None
        rows = [[_carried(p, exact.entry(i, j)) if exact is not None else
                 _within(widened(p.value, half_unit(p)), worked.entry(i, j) if worked is not None else None)
                 for j, p in enumerate(row)] for i, row in enumerate(b.printed)]
        value = Val(ARB.matrix(rows), b.scalar and len(rows) == 1 and len(rows[0]) == 1)
    elif hypothesis == "enclosure" and (working := _working_balls(b, env)) is not None:
        value = working
    else:
        exact = exact_value(b, env) if hypothesis == "exact" else printed_or_exact(b, env)
        value = Val(ARB.matrix([[_ball(exact.entry(i, j)) for j in range(exact.shape[1])]
                                for i in range(exact.shape[0])]), exact.scalar)
    b.memo[key] = value
    return value


def _source_balls(b: Binding, env: Env) -> Val | None:
    """The working a printed value was worked out from, over balls: numbers in it that the
    document printed before as roundings widened to every value they may stand for."""
    try:
        value = _in_balls(b.memo.get("source"), env, b.formula_at)
    except EVAL_FAILURES:
        return None
    return value if value.shape == (len(b.printed), len(b.printed[0])) else None


def _in_balls(node: N.Node, env: Env, at: int) -> Val:
    """``node`` over the balls of its values, the numbers in it printed before as roundings widened."""
    return evaluate(node, env, at, ARB, "enclosure", widen=printed_roundings(node, env, at))[0]


def _within(printed: arb, worked: arb | None) -> arb:
    """What both the printed rounding and the working allow (the printed rounding alone when
    the two do not meet: the working is then someone else's slip, judged where it stands)."""
    if worked is None or not printed.overlaps(worked):
        return printed
    return printed.intersection(worked)


def from_roundings(b: Binding, env: Env) -> bool:
    r"""Was the value worked out from numbers printed before as roundings (``22026.4658 +
    1.0000 + 0.0067`` after ``e^{10} = 22026.4658``; ``[0.7896, 0.7504] \odot [0.0983, 0.1598]``)?
    Then it is known no better than they are: a number that prints it is known to its last digit only."""
    if b.formula is None and not b.workings:
        return False
    try:
        exact_value(b, env)               # (which of its formula and workings gave it)
    except EVAL_FAILURES:
        return False
    source = b.memo.get("source")
    return source is not None and bool(printed_roundings(source, env, b.formula_at))


def _working_balls(b: Binding, env: Env) -> Val | None:
    """A value the document never printed, in balls: its formula (else its first working that
    evaluates) over the balls of the values it is computed from (``O = A V`` with A printed to
    3 decimals), numbers in it that the document printed before as roundings widened too;
    None for a printed value or one with no formula."""
    if b.printed is not None or b.formula is None:
        return None
    for node in (b.formula, *b.workings):
        try:
            return _in_balls(node, env, b.formula_at)
        except EVAL_FAILURES:
            continue
    return None


def printed_roundings(node: N.Node, env: Env, at: int) -> dict[int, sp.Rational]:
    """Numbers written in ``node`` that the document printed before ``at`` as roundings (a
    result, or a value given with enough digits): id -> half a unit."""
    return {id(n): half_unit(n.printed) for n in N.walk(node)
            if isinstance(n, N.Num) and 0 < n.printed.decimals < 300
            and significant_digits(n.printed.text) >= POLICY.rounding_given_digits
            and env.rounded_before(n.printed.value, n.printed.decimals, at)}


def _carried(p, exact) -> arb:
    """Every value an author may have used for ``exact`` printed as ``p``: ``p`` itself,
    or ``exact`` rounded to more digits (within half a unit of the next digit of it)."""
    near = _ball(exact)
    if not near.is_finite():
        return widened(p.value, half_unit(p))
    d = half_unit(p) / 10
    return hull(rational(p.value), near + arb(fmpq(int(d.p), int(d.q)) if d else 0) * arb(0, 1))


def _ball(x):
    if x.is_Rational or x in (sp.S.Infinity, sp.S.NegativeInfinity):
        return rational(x)
    try:
        return exact_ball(x)
    except (TypeError, KeyError, ValueError, ZeroDivisionError) as exc:
        raise EvalError(f"not a real number ({exc})") from None


def half_unit(p) -> sp.Rational:
    """Half a unit in the last printed place of a printed number."""
    return sp.Rational(last_unit(p.decimals)) / 2
