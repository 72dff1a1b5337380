r"""One derivative formula of a document: proved, refuted or only checked, with the engine
of ``derive prove`` (``derive.proofs.identity``), under the document's definitions.

For a claim d(of)/d(wrt) = formula, the model (``derive.check.formulas.model``)
reads ``of`` with ``wrt`` held as a variable, and the formula, over vectors of
``POLICY.formula_size`` entries. The claimed gradient has the variable's shape (a
vector in either orientation); a vector by a vector is the Jacobian
J_ij = d of_i / d wrt_j. An index of the derivative's name (z_i, p_i / z_j) runs
over every entry: one claim per value.

Verdicts, never more than the evidence:

* ``ok`` (basis ``proof``): the difference is exactly 0 at that size;
* ``wrong``: a point where the two sides certainly differ (Arb), with the slip that
  explains it when the catalogue of ``derive.proofs.diagnose`` has one;
* ``unverifiable``: agreement at points but no proof within ``POLICY.formula_seconds``
  ("checked"), or a model derive cannot build (a name never defined, shapes that do not
  fit, what is differentiated does not depend on the variable): the message says which.

A formula that holds only when a vector of the model sums to 1 (p - y, y one-hot) is
right when the document says so in words (``POLICY.distribution_words``), and
unverifiable otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from derive.check.formulas.model import (MAX_PROMOTIONS, Definitions, ModelReader, Promote, Shapes,
                                         Unsupported, assignments, derivative, leaf_of, upper_index)
from derive.check.formulas.stated import Stated
from derive.check.policy import POLICY
from derive.check.read import nodes as N
from derive.proofs import identity as I
from derive.proofs.diagnose import diagnose
from derive.proofs.latex import IdentityTextError
from derive.stages.matexpr import is_explicit
from derive.symbols import as_expr

PROVED, REFUTED, CHECKED, UNSUPPORTED = "proved", "refuted", "checked", "unsupported"


@dataclass(frozen=True)
class Outcome:
    """What became of one claim: ``result`` and the words for it."""

    result: str                       # proved | refuted | checked | unsupported
    message: str
    diagnosis: str | None = None
    assumed: str | None = None        # the vector assumed to sum to 1, when the proof needed it


@dataclass(frozen=True)
class Model:
    """The claim read once: its entries (``derive.proofs.identity.Claim``), the variable held,
    the derivative's shape, the free vectors (candidates to sum to 1), the definitions used."""

    entries: tuple
    leaf: str
    shape: tuple[int, int]
    vectors: tuple[str, ...]
    used: tuple[tuple[str, int], ...]
    size: int                         # entries of every vector of the model
    shaped: bool                      # some name of the model is a vector or a matrix
    matrices: bool = False            # some name of the model is a matrix


def built(claim: Stated, definitions: Definitions, shapes: Shapes) -> Model:
    """Read the claim under the definitions, starting again each time a name changes shape
    (``shapes`` keeps what was learnt, for the next claim of the section too)."""
    letters = [c for c in _label_letters(claim) if c in POLICY.index_letters]
    for _ in range(MAX_PROMOTIONS):
        try:
            return _read(claim, definitions, shapes, letters)
        except Promote:
            continue
    raise Unsupported("the shapes of its names could not be settled")


def _label_letters(claim: Stated) -> list[str]:
    out = []
    for node in (claim.of, claim.wrt):
        for n in N.walk(node):
            sub = n.sub if isinstance(n, N.Sym) else n.indices[0] if isinstance(n, N.Index) and n.indices else None
            if isinstance(n, N.Sym) and sub is None and upper_index(n) is not None:
                sub = n.power.exp
            if isinstance(sub, N.Sym) and len(sub.name) == 1 and sub.name not in out:
                out.append(sub.name)
    return out


def _read(claim: Stated, definitions: Definitions, shapes: Shapes, letters: list[str]) -> Model:
    leaf, var_node = leaf_of(claim.wrt, frozenset(letters))
    if definitions.of(leaf) is not None:                  # z = W x + b held as z: z's shape
        plain = ModelReader(definitions, shapes, frozenset(), {}, frozenset(letters))
        try:
            plain.held_like(leaf, plain.name(leaf, N.Sym(0, 0, leaf, leaf)))
        except Unsupported:
            pass
    entries, free, used, shape = [], set(), set(), None
    for index in assignments(letters, shapes.size):
        if not _holds(claim.condition, index):
            continue
        reader = ModelReader(definitions, shapes, frozenset({leaf}), index, frozenset(letters))
        try:
            output, variable, claimed = (_number(reader.value(n)) for n in (claim.of, var_node, claim.formula))
        except (IdentityTextError, sp.ShapeError, TypeError, ValueError, AttributeError) as exc:
            raise Unsupported(f"derive cannot read it as a formula of numbers, vectors and matrices ({exc})") from None
        found, shape = _entries(claim, reader, output, variable, claimed, index)
        entries += found
        free |= reader.free_names
        used |= reader.used
    if letters:
        shape = (1, len(entries))
    vectors = tuple(sorted(n for n in free - {leaf} if shapes.kinds.get(n) == "vector"))
    return Model(tuple(entries), leaf, shape, vectors, tuple(sorted(used, key=lambda u: (u[1], u[0]))),
                 shapes.size, any(shapes.kinds.get(n) for n in free), any(shapes.kinds.get(n) == "matrix" for n in free))


def _number(value):
    """A 1 x 1 matrix (w^T x) as the number it is."""
    return value[0, 0] if is_explicit(value) and value.shape == (1, 1) else value


def _holds(condition, index: dict) -> bool:
    """Does the index assignment satisfy the claim's condition (i = j, i != j)?"""
    if condition is None:
        return True
    i, relation, j = condition
    if i not in index or j not in index:
        return True
    return (index[i] == index[j]) == (relation == "=")


def _entries(claim: Stated, reader: ModelReader, output, variable, claimed, index: dict) -> tuple[list, tuple]:
    """The entries of the claim at one index assignment (``Claim``: label, output, variable,
    claimed), and the shape of the derivative."""
    symbols = set(variable) if is_explicit(variable) else {variable}
    if not all(isinstance(v, sp.Symbol) for v in symbols):
        raise Unsupported(f"{N.pretty(claim.wrt)} is not a variable here")
    outputs = list(output) if is_explicit(output) else [output]
    if not any(s in as_expr(o).free_symbols for o in outputs for s in symbols):
        if not reader.used:
            raise Unsupported(f"{N.pretty(claim.of)} is not defined by a formula in the document (before the "
                              "claim, or after it in the same section)")
        raise Unsupported(f"{N.pretty(claim.of)}, as the document defines it, does not depend on "
                          f"{N.pretty(claim.wrt)}")
    unknown = set().union(*(as_expr(c).free_symbols for c in (list(claimed) if is_explicit(claimed) else [claimed]))) \
        - set().union(*(as_expr(o).free_symbols for o in outputs)) - symbols
    if unknown:
        names = ", ".join(sorted({s.name.split("[")[0] for s in unknown}))
        raise Unsupported(f"the formula uses {names}, which {N.pretty(claim.of)} does not depend on "
                          "(not defined in the document, or defined in words)")
    if reader.upstream_used and not any(
            s.name.split("[")[0] in reader.upstream_used
            for c in (list(claimed) if is_explicit(claimed) else [claimed]) for s in as_expr(c).free_symbols):
        raise Unsupported(f"{N.pretty(claim.of)} is not defined; only its gradient by "
                          f"{', '.join(sorted(reader.upstream_used))} is named, and the formula does not go through it")
    true = derivative(output, variable)
    if is_explicit(claimed) and claimed.shape == (1, 1):
        claimed = claimed[0, 0]
    if is_explicit(true) != is_explicit(claimed) or (is_explicit(true) and not _fits(true, claimed)):
        if not is_explicit(variable) and is_explicit(claimed):        # a vector claimed for a number: the
            reader.promote_free(claim.wrt, "vector")                   # variable is a vector (then a matrix)
        elif is_explicit(variable) and 1 in variable.shape and is_explicit(claimed) and 1 not in claimed.shape:
            reader.promote_free(claim.wrt, "matrix")
        raise Unsupported(f"the formula is {_shape_words(claimed)} but the derivative is {_shape_words(true)}")
    where = ", ".join(f"{k} = {v}" for k, v in index.items())
    label = N.pretty(claim.label) + (f" at {where}" if where else "")
    if not is_explicit(true):
        return [I.Claim(label, _one(output), variable, claimed)], (1, 1)
    pairs = _pairs(output, variable, true)
    values = list(claimed) if 1 in true.shape else [claimed[i, j] for i in range(true.rows) for j in range(true.cols)]
    return [I.Claim(f"{label}, entry {k + 1}", o, v, c) for k, ((o, v), c) in enumerate(zip(pairs, values))], \
        tuple(true.shape)


def _one(output):
    return output[0, 0] if is_explicit(output) else output


def _pairs(output, variable, true) -> list:
    """(output entry, variable entry) in the order of the derivative's entries."""
    if not is_explicit(output) or output.shape == (1, 1):
        return [(_one(output), v) for v in variable]
    if not is_explicit(variable):
        return [(o, variable) for o in output]
    return [(o, v) for o in output for v in variable]        # the Jacobian, row by row


def _fits(true, claimed) -> bool:
    """The claim has the derivative's shape (a vector may be written in either orientation)."""
    if true.shape == claimed.shape:
        return True
    return 1 in true.shape and 1 in claimed.shape and len(true) == len(claimed)


def _shape_words(value) -> str:
    if not is_explicit(value) or value.shape == (1, 1):
        return "a number"
    rows, cols = value.shape
    return f"a vector of {len(value)} entries" if 1 in (rows, cols) else f"a {rows} x {cols} matrix"


def proved(model: Model, budget: float, assume: str | None = None):
    """The proof of the model's entries (a vector ``assume`` summing to 1, its last entry
    1 minus the others), as a ``ProofResult``."""
    at = {}
    if assume is not None:
        entries = sorted({s for c in model.entries for e in (c.output, c.claimed)
                          for s in as_expr(e).free_symbols if s.name.startswith(assume + "[")},
                         key=lambda s: int(s.name[len(assume) + 1:-1]))
        if len(entries) < 2:
            return None
        at = {entries[-1]: 1 - sp.Add(*entries[:-1])}
    identity = I.Identity("formula", (), entries=model.entries, at=at, sizes=f"n = {model.size}")
    return I.prove_identity(identity, points=3, budget=budget)


def explained(model: Model, failure: I.Failure) -> str | None:
    """The slip that turns the claim into the derivative at the refuting point, if the
    catalogue (``derive.proofs.diagnose``) has one."""
    symbols = {str(s): s for c in model.entries for e in (c.output, c.derivative, c.claimed)
               for s in as_expr(e).free_symbols}
    point = {symbols[k]: sp.Rational(v) for k, v in failure.point.items() if k in symbols}
    rows, cols = model.shape
    if rows * cols != len(model.entries):
        return None
    return diagnose([(model.leaf, rows, cols)], list(model.entries), point)
