r"""An identity to prove, and the record of its proof.

An ``Identity`` says: the derivative of ``forward`` with respect to each
variable in ``wrt`` equals the matching entry of ``claimed``. A scalar forward
takes one claimed entry per variable; a list of outputs takes a row per
output (a Jacobian). With no variables, it says ``forward == claimed``, entry by
entry. ``prove_identity`` checks it numerically at certified precision first
(a certain counterexample ends the proof), then symbolically within a budget.

Three verdicts, never more than the evidence:

* ``proved``: the difference of the two sides simplifies to exactly 0;
* ``refuted``: a point where the two sides certainly differ (Arb balls that
  exclude each other's value; the difference may be far below the digits
  compared, 10^-45 is still refuted);
* ``checked``: agreement at every point tried, no proof: said so.
"""

from __future__ import annotations

import functools
import itertools
import random
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import sympy as sp

from derive.symbols import as_expr
from derive.proofs import numeric, symbolic
from derive.proofs.rational import denominators_outside
from derive.stages.activation import ReLU
from derive.stages.matexpr import is_explicit
from derive.symbols import latex

SYMBOLIC = "symbolic"
NUMERIC = "certified numeric"
BOTH = "symbolic + certified numeric"
PROVED, REFUTED, CHECKED = "proved", "refuted", "checked"


@dataclass(frozen=True)
class Claim:
    """One entry: d output / d var = claimed (no var: output = claimed)."""

    label: str
    output: sp.Expr
    var: sp.Expr | None
    claimed: sp.Expr

    @functools.cached_property
    def derivative(self) -> sp.Expr:
        """d output / d var, worked out once (a 4 x 4 determinant's takes a while)."""
        return sp.diff(self.output, self.var) if self.var is not None else self.output


def _matrix_symbols(obj) -> set:
    if isinstance(obj, (list, tuple)):
        return set().union(set(), *(_matrix_symbols(o) for o in obj))
    if isinstance(obj, sp.MatrixSymbol):
        return {obj}
    return set(obj.atoms(sp.MatrixSymbol)) if isinstance(obj, sp.Basic) else set()


def explicit_table(*objs) -> dict:
    """MatrixSymbol -> the matrix of its entries as real symbols (``X_11``, or ``X_1`` for a
    row or a column), for every MatrixSymbol of whole-number sizes in ``objs``."""
    table = {}
    for M in sorted(set().union(*(_matrix_symbols(o) for o in objs)), key=sp.default_sort_key):
        rows, cols = M.shape
        if not (rows.is_Integer and cols.is_Integer):
            raise ValueError(f"{M.name} has sizes {rows} x {cols}: give whole numbers to prove it")
        vector = rows == 1 or cols == 1

        def entry(i, j, name=M.name, vector=vector):
            return sp.Symbol(f"{name}_{i + j + 1}" if vector else f"{name}_{i + 1}{j + 1}", real=True)
        table[M] = sp.ImmutableMatrix(int(rows), int(cols), entry)
    return table


def explicit(obj, table: dict):
    """``obj`` with its MatrixSymbols replaced by their entries and matrix functions worked out:
    an inverse as adj / det, a determinant by Laplace (``_determinant``), and each entry's
    shared powers of a denominator taken out of its sums (``denominators_outside``): short
    trees, quick to differentiate and to walk."""
    if not table:
        return obj
    if isinstance(obj, (list, tuple)):
        return [explicit(o, table) for o in obj]
    if isinstance(obj, sp.MatrixSymbol):
        return table[obj]
    if isinstance(obj, sp.Basic):
        out = obj.xreplace(table).replace(lambda e: isinstance(e, sp.Inverse), _adjugate_inverse)
        out = out.replace(lambda e: isinstance(e, sp.Determinant), _explicit_determinant)
        out = out.doit() if hasattr(out, "doit") else out
        return denominators_outside(out.as_explicit() if isinstance(out, sp.MatrixExpr) else out)
    return obj


def _adjugate_inverse(e: sp.Inverse):
    r"""X^{-1} = \mathrm{adj}(X) / \det X for an explicit X: polynomial entries over one
    determinant (SymPy's default elimination writes nested fractions, slow to simplify)."""
    M = _worked_out(e.arg)
    return e if M is None else sp.ImmutableMatrix(_adjugate(M) / _determinant(M))


def _explicit_determinant(e: sp.Determinant):
    r"""\det M for an explicit M (``_determinant``; SymPy's default, Bareiss, cancels a
    fraction at every step: det(A X B) at 4 x 4 did not finish in 15 minutes)."""
    M = _worked_out(e.arg)
    return e if M is None else _determinant(M)


LAPLACE_UP_TO = 4     # n! products: 24 at 4 x 4; beyond, Berkowitz's O(n^4) nested form is shorter


def _determinant(M) -> sp.Expr:
    r"""\det M = \sum_j (-1)^j M_{1j} \det M^{(1j)} (Laplace, along the first row): expanded
    when the entries are letters or numbers (det X: 24 terms at 4 x 4, one expression for X
    and X^T), else with nothing multiplied out (det(A X B) at 4 x 4: a tree of 4033 nodes,
    against 8087 in Berkowitz's form). Berkowitz's form beyond ``LAPLACE_UP_TO``."""
    if M.rows > LAPLACE_UP_TO:
        return M.det(method="berkowitz")
    if M.rows == 0:
        return sp.S.One
    det = sp.Add(*[(-1)**j * M[0, j] * _determinant(M.minor_submatrix(0, j)) for j in range(M.cols)])
    return sp.expand(det) if all(entry.is_Atom for entry in M) else det


def _adjugate(M) -> sp.ImmutableMatrix:
    r"""\mathrm{adj}(M)_{ij} = (-1)^{i+j} \det M^{(ji)}, each cofactor a ``_determinant``."""
    if M.rows > LAPLACE_UP_TO:
        return sp.ImmutableMatrix(M.adjugate(method="berkowitz"))
    return sp.ImmutableMatrix(M.rows, M.cols,
                              lambda i, j: (-1)**(i + j) * _determinant(M.minor_submatrix(j, i)))


def _worked_out(M):
    """M as an explicit matrix (a product or sum of explicit matrices worked out), else None."""
    M = M.doit()
    if isinstance(M, sp.MatrixExpr) and not is_explicit(M) and not M.atoms(sp.MatrixSymbol):
        M = M.as_explicit()
    return M if is_explicit(M) else None


@dataclass(frozen=True)
class Identity:
    """A gradient identity at one size (all entries as SymPy expressions)."""

    name: str
    forward: Any                      # an expression, or a list of outputs
    wrt: Sequence = ()                # symbols, or matrices of symbols
    claimed: Any = ()                 # one entry per variable (per output and variable)
    sizes: str = ""                   # e.g. "V = 3"
    statement: str = ""               # LaTeX
    at: Mapping = field(default_factory=dict)  # substituted after differentiating
    where: Any = None                 # a SymPy predicate for index ranges (i <= V)
    symbolic: bool = True             # attempt a symbolic proof
    numeric: bool = True              # run the certified numeric check
    definite: tuple = ()              # MatrixSymbols assumed positive definite: points are L L^T + I
    entries: tuple = ()               # Claims given one by one (a document's d p_i / d z_j for each i, j)
    # claims(), once; not an init field, so that ``replace(identity, claimed=...)`` starts afresh
    _worked: dict = field(default_factory=dict, init=False, compare=False, repr=False)

    def claims(self) -> list[Claim]:
        """The entries, in row-major order of outputs and variables. ``MatrixSymbol``s of
        whole-number sizes (in the forward, the variables or the claim) are made explicit
        first: X of 3 x 3 becomes the entries X_11 ... X_33, and tr, det, inverse and
        transpose of them are worked out (once per identity: the result is kept)."""
        if "claims" not in self._worked:
            self._worked["claims"] = self._claims()
        return list(self._worked["claims"])

    def _claims(self) -> list[Claim]:
        if self.entries:
            return list(self.entries)
        table = explicit_table(self.forward, self.wrt, self.claimed)
        outputs = _flat(explicit(self.forward, table))
        variables = _flat(explicit(self.wrt, table))
        claimed = _flat(explicit(self.claimed, table))
        if not variables:
            _same_length(outputs, claimed, "outputs")
            return [Claim(f"entry {k + 1}", o, None, c) for k, (o, c) in
                    enumerate(zip(outputs, claimed))]
        if not all(isinstance(v, (sp.Symbol, sp.Indexed)) for v in variables):
            raise ValueError("every variable to differentiate must be a symbol")
        _same_length([(o, v) for o in outputs for v in variables], claimed, "derivatives")
        if any(v in as_expr(e).free_symbols for v in variables for e in self.at.values()):
            raise ValueError("a value in `at` depends on a variable being differentiated")
        pairs = [(k, o, v) for k, o in enumerate(outputs) for v in variables]
        return [Claim(_label(k, len(outputs), v), o, v, c) for (k, o, v), c in zip(pairs, claimed)]

    def latex_statement(self, claims: list[Claim] | None = None, shown: int = 2) -> str:
        r"""``statement``, or the first claims as $\frac{\partial}{\partial v} f = g$."""
        if self.statement:
            return self.statement
        claims = self.claims() if claims is None else claims
        parts = []
        for c in claims[:shown]:
            lhs = latex(c.output) if c.var is None else \
                rf"\frac{{\partial}}{{\partial {latex(c.var)}}} {latex(c.output)}"
            parts.append(f"{lhs} = {latex(c.claimed)}")
        more = len(claims) > shown
        return r", \quad ".join(parts) + (r", \quad \dots" if more else "")


@dataclass(frozen=True)
class Failure:
    """Where a claim failed: the point, the claim, and the two values."""

    claim: str
    point: dict[str, str]
    derivative: str
    claimed: str
    against: str                      # "derivative" or "finite difference"
    diagnosis: str | None = None      # the slip that explains it (derive.proofs.diagnose)


@dataclass(frozen=True)
class ProofResult:
    name: str
    statement: str
    method: str
    sizes: str
    result: str                       # proved | refuted | checked
    seconds: float
    failure: Failure | None = None
    note: str = ""
    points: int = 0
    digits: int = 0                   # fewest digits the two sides agreed to
    difference_digits: int | None = None  # fewest digits the finite difference agreed to
    rewritings: tuple[str, ...] = ()
    parts: tuple[ProofResult, ...] = ()
    attempted: bool = False           # a symbolic proof was tried (numeric-only sizes: False)

    @property
    def proved(self) -> bool:
        return self.result == PROVED

    @property
    def refuted(self) -> bool:
        return self.result == REFUTED

    def _repr_markdown_(self) -> str:
        """A notebook shows a proof as its statement, verdict and method, and the point that
        refutes it (with the slip, when the catalogue names one)."""
        lines = [f"**{self.name}**: **{self.result}** ({self.method}, {self.sizes})", "", "$$",
                 self.statement, "$$"]
        f = self.failure
        if f is not None:
            point = ", ".join(f"{k} = {v}" for k, v in f.point.items())
            lines += ["", f"At {point}: {f.claim} is {f.derivative}, the claim gives {f.claimed}."]
            if f.diagnosis:
                lines += ["", f"Why: {f.diagnosis}."]
        if self.note:
            lines += ["", self.note]
        return "\n".join(lines) + "\n"


def _flat(obj) -> list:
    """Entries of nested lists and matrices, row-major; numbers become SymPy numbers.

    ``strict=True``: a string is refused, never parsed.
    """
    if is_explicit(obj):
        return list(obj)
    if isinstance(obj, (list, tuple)):
        return [e for item in obj for e in _flat(item)]
    return [as_expr(obj)]


def _same_length(expected, claimed, what):
    if len(expected) != len(claimed):
        raise ValueError(f"{len(claimed)} claimed entries for {len(expected)} {what}")


def _label(k: int, outputs: int, var) -> str:
    name = "f" if outputs == 1 else f"f_{k + 1}"
    return f"d{name}/d{var}"


def prove_identity(identity: Identity, points: int = 4, seed: int = 0, budget: float = 30.0,
                   digits: int = numeric.DIGITS) -> ProofResult:
    """Prove ``identity``: certified numeric check at ``points`` points, then symbolic;
    when the symbolic proof does not come, look for a point where the sides certainly differ."""
    start = time.perf_counter()
    claims = identity.claims()
    checked, missing = None, ""
    if _numeric_ok(identity):
        try:
            checked = _numeric_check(identity, claims, points, seed, digits)
        except numeric.NoPoint as exc:
            missing = f"not checked at any point: {exc}"
        except (TypeError, KeyError) as exc:     # a function derive cannot evaluate (an abstract f)
            missing = f"not checked numerically: {str(exc).strip(chr(39))}"
    statement = identity.latex_statement(claims)
    if checked is not None and checked["failure"] is not None:
        checked["failure"] = _diagnosed(identity, claims, checked["failure"])
        return _result(identity, statement, NUMERIC, REFUTED, start, attempted=identity.symbolic, **checked)
    status, used = symbolic.PROVED, []
    if identity.symbolic:
        differences, regions = region_differences(claims)
        status, used = symbolic.prove_zero(differences, budget, identity.at, identity.where)
        used = used + ([f"region by region ({regions} sign patterns of ReLU)"] if regions else [])
    proved = identity.symbolic and status == symbolic.PROVED
    if not proved and checked is not None:
        failure = _tiny_difference(identity, claims, seed)
        if failure is not None:
            failure = _diagnosed(identity, claims, failure)
            return _result(identity, statement, NUMERIC, REFUTED, start, attempted=True,
                           **{**checked, "failure": failure})
    method = BOTH if proved and checked else SYMBOLIC if proved else NUMERIC
    note = "; ".join(n for n in (_note(identity, status, budget), missing) if n)
    return _result(identity, statement, method, PROVED if proved else CHECKED, start, note=note,
                   rewritings=tuple(sorted(set(used))), attempted=identity.symbolic,
                   **(checked or dict(points=0)))


MAX_REGION_KINKS = 8       # ReLUs split into regions: 2^8 sign patterns at most


def region_differences(claims: list[Claim]) -> tuple[list[sp.Expr], int]:
    """The differences to prove 0, and how many regions they cover.

    A kink (Max, Min, Abs, sign, Heaviside, Piecewise, derive's ReLU) has no derivative
    SymPy can simplify through, and derive's ReLU declares its own (H): a proof through
    that declaration would rest on it. So the proof is made region by region, each
    kinked function replaced by the branch it takes there *before* differentiating:

    * every kink a function of one symbol x, its boundaries rational (``kink_regions``):
      the open intervals between the boundaries;
    * otherwise ReLUs only, at most ``MAX_REGION_KINKS``: every sign pattern of their
      arguments, ReLU(u) as u or 0 and H(u) as 1 or 0.

    Anything else: the plain differences (a kink left in them rarely simplifies: then the
    identity is only checked)."""
    outputs = [as_expr(c.output) for c in claims]
    regions = kink_regions(outputs + [as_expr(c.claimed) for c in claims])
    if regions:
        differences = []
        for point in regions:
            for c in claims:
                output = branch_at(as_expr(c.output), point)
                derivative = sp.diff(output, c.var) if c.var is not None else output
                differences.append(derivative - branch_at(as_expr(c.claimed), point))
        return differences, len(regions)
    atoms = sorted(set().union(*(o.atoms(ReLU) for o in outputs)), key=sp.default_sort_key)
    if not atoms or len(atoms) > MAX_REGION_KINKS:
        return [c.derivative - c.claimed for c in claims], 0
    differences = []
    for pattern in itertools.product((0, 1), repeat=len(atoms)):
        branch = {a: (a.args[0] if on else sp.S.Zero) for a, on in zip(atoms, pattern)}
        side = {sp.expand(a.args[0]): on for a, on in zip(atoms, pattern)}
        for c in claims:
            output = as_expr(c.output).xreplace(branch)
            derivative = sp.diff(output, c.var) if c.var is not None else output
            claimed = as_expr(c.claimed).xreplace(branch).replace(
                sp.Heaviside, lambda u, *rest: sp.Integer(side[sp.expand(u)]) if sp.expand(u) in side
                else sp.Heaviside(u, *rest))
            differences.append(derivative - claimed)
    return differences, 2 ** len(atoms)


def kink_regions(exprs: list[sp.Expr]) -> list[dict]:
    """One interior point per open interval between the kinks, when every kinked function
    in ``exprs`` depends on one symbol x only and its boundaries are rational
    (``numeric.kink_locations``); the branch each kink takes is the same all over an
    interval (checked at a second interior point). [] when this does not apply."""
    atoms = set().union(*(e.atoms(*numeric.KINKED) for e in exprs))
    symbols = set().union(set(), *(a.free_symbols for a in atoms))
    if not atoms or len(symbols) != 1:
        return []
    (x,) = symbols
    cuts = sorted({v for s, v in numeric.kink_locations(numeric.kinked(exprs)) if s == x})
    if not cuts or len(cuts) > numeric.MAX_KINKS - 1:
        return []
    edges = [cuts[0] - 2] + cuts + [cuts[-1] + 2]
    regions = []
    for lo, hi in zip(edges, edges[1:]):
        first, second = {x: lo + (hi - lo) / 3}, {x: lo + 2 * (hi - lo) / 3}
        if any(branch_at(e, first) != branch_at(e, second) for e in exprs):
            return []                 # a kink not where the boundaries say: no region proof
        regions.append(first)
    return regions


def branch_at(expr: sp.Expr, point: dict) -> sp.Expr:
    """``expr`` with each kinked function replaced by the branch it takes at ``point``
    (innermost first): Max/Min the argument that wins, |u| as u or -u, sign and H as
    numbers, ReLU(u) as u or 0, Piecewise as the branch whose condition holds."""
    def value(u):
        return as_expr(u).xreplace(point)

    def pick(e):
        if isinstance(e, (sp.Max, sp.Min)):
            vals = [value(a) for a in e.args]
            best = max(vals) if isinstance(e, sp.Max) else min(vals)
            return e.args[vals.index(best)]
        if isinstance(e, sp.Abs):
            return e.args[0] if value(e.args[0]) >= 0 else -e.args[0]
        if isinstance(e, sp.sign):
            return sp.sign(value(e.args[0]))
        if isinstance(e, sp.Heaviside):
            v = value(e.args[0])
            return sp.Heaviside(v) if v != 0 else e
        if isinstance(e, ReLU):
            return e.args[0] if value(e.args[0]) > 0 else sp.S.Zero
        if isinstance(e, sp.Piecewise):
            for branch, condition in e.args:
                if bool(as_expr(condition).xreplace(point)):
                    return branch
        return e
    return expr.replace(lambda e: isinstance(e, numeric.KINKED), pick)


def _diagnosed(identity: Identity, claims: list[Claim], failure: Failure) -> Failure:
    """The failure with the slip that explains it, when the catalogue has one."""
    from dataclasses import replace

    from derive.proofs.diagnose import diagnose

    if any(c.var is None for c in claims):
        return failure
    symbols = {str(s): s for c in claims for e in (c.derivative, c.claimed) for s in as_expr(e).free_symbols}
    symbols.update({str(c.var): c.var for c in claims})
    point = {symbols[k]: sp.Rational(v) for k, v in failure.point.items() if k in symbols}
    table = explicit_table(identity.forward, identity.wrt, identity.claimed)
    variables = []
    for original, item in zip(_items(identity.wrt), _items(explicit(identity.wrt, table))):
        rows, cols = item.shape if is_explicit(item) else (1, 1)
        variables.append((getattr(original, "name", str(original)), rows, cols))
    if sum(r * c for _, r, c in variables) * max(1, len(_flat(identity.forward))) != len(claims):
        return failure
    return replace(failure, diagnosis=diagnose(variables, claims, point))


def _items(wrt) -> list:
    return list(wrt) if isinstance(wrt, (list, tuple)) else [wrt]


def _tiny_difference(identity: Identity, claims: list[Claim], seed: int) -> Failure | None:
    """A point where derivative and claim differ by less than the digits compared but
    certainly differ (the ball of their difference excludes 0 at some precision up to
    ``numeric.REFUTE_PREC``); None when every ball still holds 0."""
    for point in sample_points(identity, claims, 2, seed):
        for claim in claims:
            if numeric.certainly_nonzero(claim.derivative - claim.claimed, point):
                return _failure(claim, point, "derivative")
    return None


def _numeric_ok(identity: Identity) -> bool:
    """Concrete sizes only: indexed sums over a symbolic length have no points."""
    return identity.numeric and not any(e.has(sp.Indexed) for e in _flat(identity.forward))


def _note(identity: Identity, status: str, budget: float) -> str:
    if not identity.symbolic:
        return ""
    if status == symbolic.TIMED_OUT:
        return f"symbolic simplification did not finish in {budget:g} s at {identity.sizes}"
    if status == symbolic.NOT_ZERO:
        return f"the difference did not simplify to 0 at {identity.sizes}"
    return ""


def _result(identity, statement, method, result, start, **fields) -> ProofResult:
    return ProofResult(name=identity.name, statement=statement, method=method,
                       sizes=identity.sizes, result=result,
                       seconds=time.perf_counter() - start, **fields)


def sample_points(identity: Identity, claims: list[Claim], count: int, seed: int = 0) -> list[dict]:
    """The exact points the numeric check uses, in order (deterministic for a seed)."""
    sides = [e for c in claims for e in (c.output, c.claimed)]   # a derivative adds no symbol and no kink
    exprs = sides + [c.derivative for c in claims]
    free = set().union(*(e.free_symbols for e in sides), {c.var for c in claims if c.var is not None}) \
        - set(identity.at)
    free |= set().union(set(), *(as_expr(v).free_symbols for v in identity.at.values()))
    symbols = sorted(free, key=sp.default_sort_key)
    rng = random.Random(f"derive-points/{seed}")      # never the identity's name: every name sees the same points
    kinked = numeric.kinked(sides)
    avoid = numeric.kinks(kinked)
    table = explicit_table(*identity.definite)
    definite = [table[M] for M in identity.definite]

    def usable(point):
        for M in definite:          # a positive definite matrix: L L^T + I from the drawn entries
            L = M.applyfunc(lambda e: point.get(e, 0)).lower_triangular()
            point.update(dict(zip(M, L * L.T + sp.eye(M.rows))))
        point.update({name: as_expr(v).xreplace(point) for name, v in identity.at.items()})
        return numeric.defined(exprs, point)
    points = [numeric.draw_point(symbols, identity.at, avoid, rng, k, usable) for k in range(count)]
    for s, value in numeric.kink_locations(kinked):   # both sides of every kink of one symbol
        for side in (value - numeric.KINK_STEP, value + numeric.KINK_STEP):
            base = numeric.draw_point(symbols, identity.at, avoid, rng, 0, usable)
            moved = {**base, s: side}
            moved.update({name: as_expr(v).xreplace(moved) for name, v in identity.at.items()})
            if s in base and usable(moved) and not any(numeric.is_zero(a.xreplace(moved)) for a in avoid):
                points.append(moved)
    return points


def _numeric_check(identity: Identity, claims: list[Claim], points: int, seed: int,
                   digits: int) -> dict:
    """Every claim at each point: derivative vs claimed, finite difference vs claimed."""
    prepared = _prepare(claims)
    shown, shown_fd = numeric.SHOWN_DIGITS, None
    used = sample_points(identity, claims, points, seed)
    for point in used:
        for claim, balls in zip(claims, prepared):
            outcome = _check_claim(claim, balls, point, digits)
            if isinstance(outcome, Failure):
                return dict(failure=outcome, points=len(used), digits=0, difference_digits=None)
            shown = min(shown, outcome[0])
            if outcome[1] is not None:
                shown_fd = min(outcome[1], shown_fd if shown_fd is not None else outcome[1])
    return dict(failure=None, points=len(used), digits=shown, difference_digits=shown_fd)


def _prepare(claims: list[Claim]) -> list[tuple]:
    """(forward, derivative, claimed) of each claim, for ball arithmetic."""
    return [(c.output, c.derivative, c.claimed) for c in claims]


def _check_claim(claim: Claim, balls: tuple, point: dict, digits: int):
    """(digits, finite-difference digits) when the claim holds at the point, else a Failure."""
    forward, lhs, rhs = balls
    memo: dict = {}

    def side(e, fresh=False):
        def evaluate():
            if fresh:
                memo.clear()  # a new precision: balls from the last one are stale
            return numeric.ball(e, numeric.environment(point), memo)
        return evaluate

    agree, shown = numeric.compare(side(lhs, fresh=True), side(rhs), digits, numeric.SIDES_PREC,
                                   f"{claim.label} at a point")
    if not agree:
        return _failure(claim, point, "derivative")
    if claim.var is None:
        return shown, None
    agree, fd = numeric.compare(lambda: numeric.central_difference(forward, claim.var, point),
                                side(rhs, fresh=True), digits, numeric.STEP_PREC,
                                f"the finite difference of {claim.label}")
    if not agree:
        return _failure(claim, point, "finite difference")
    return shown, fd


def _failure(claim: Claim, point: dict, against: str) -> Failure:
    ordered = sorted(point.items(), key=lambda item: sp.default_sort_key(item[0]))
    lhs, rhs = claim.derivative, claim.claimed
    return Failure(claim=claim.label, point={str(s): str(v) for s, v in ordered},
                   derivative=_digits(lhs, point), claimed=_digits(rhs, point), against=against)


def _digits(expr: sp.Expr, point: dict, significant: int = 20) -> str:
    """A value to ``significant`` digits, for a failure message."""
    from derive.numbers import format_significant

    return format_significant(expr.xreplace(point), significant)
