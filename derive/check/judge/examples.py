r"""Tie printed results to the steps of the worked examples derive ships.

A claim whose numbers are a step's ``printed`` values (same shape, same
numbers; or most of them, when the result has ``POLICY.known_min_entries``
entries or more: one printed differently is then judged) *is* that step. Its
chained verdict compares it with the step run from first principles
(``run(spec)``). When nothing in the document let derive judge it locally, or
it was only compared with an earlier copy of itself that nothing computes,
the step run on the printed values the worked example records
(``run(spec, "as_printed")``) gives the local verdict (basis ``worked-example``).
The diagnosis pass asks the same index which variant step, or which earlier
step, explains a difference (``variant_reproducing``, ``upstream``).
"""

from __future__ import annotations

import os
from dataclasses import replace
from importlib import resources

import numpy as np
import sympy as sp

from derive.check.bind.resolve import computed
from derive.check.claim import RANK, Basis, Claim, Verdict, wrong_entries
from derive.check.policy import POLICY
from derive.check.read import nodes as N
from derive.check.read.grids import fit, rows_text
from derive.derivation import Derivation, run
from derive.errors import DeriveError
from derive.numbers import compare
from derive.spec import Spec, load_spec


_LOADED: dict[tuple[str, float], Spec | None] = {}


def shipped_specs() -> list[Spec]:
    """Every worked example in derive/examples (a broken one is skipped); each
    file is read once per modification time."""
    specs = []
    folder = resources.files("derive.examples")
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            path = str(entry)
            stamp = (path, os.path.getmtime(path))
            if stamp not in _LOADED:
                try:
                    _LOADED[stamp] = load_spec(path)
                except DeriveError:
                    _LOADED[stamp] = None
            if _LOADED[stamp] is not None:
                specs.append(_LOADED[stamp])
    return specs


def _key(rows) -> tuple:
    return (len(rows), len(rows[0]), tuple(p.value for row in rows for p in row))


class Ties:
    """The steps of the specs, indexed by their printed numbers; runs made once."""

    def __init__(self, specs: list[Spec]):
        self.index: dict[tuple, list] = {}
        self.shapes: dict[tuple, list] = {}
        for spec in specs:
            for step in spec.steps:
                if step.printed:
                    self.index.setdefault(_key(step.printed), []).append((spec, step))
                    self.shapes.setdefault(_key(step.printed)[:2], []).append((spec, step))
        self.runs: dict[tuple[str, str], Derivation] = {}

    def derivation(self, spec: Spec, mode: str) -> Derivation:
        if (spec.path, mode) not in self.runs:
            self.runs[(spec.path, mode)] = run(spec, mode)
        return self.runs[(spec.path, mode)]

    def step_for(self, c: Claim):
        if c.grid is None:
            return None
        found = self.index.get(_key(c.grid)) or self._most(c.grid)
        if not found:
            return None
        for spec, step in found:  # prefer the step named like the claim
            if c.label and c.label.replace(" ", "") in (step.name, step.label.replace(" ", "")):
                return spec, step
        return found[0]

    def _most(self, grid) -> list:
        """Steps of the same shape whose printed numbers equal most of the grid's."""
        key = _key(grid)
        if key[0] * key[1] < POLICY.known_min_entries:
            return []
        scored = []
        for spec, step in self.shapes.get(key[:2], []):
            same = sum(a == b for a, b in zip(key[2], _key(step.printed)[2]))
            if 2 * same > len(key[2]):
                scored.append((-same, spec, step))
        scored.sort(key=lambda s: s[0])
        return [(spec, step) for _, spec, step in scored]


def tie(claims: list[Claim], env, specs: list[Spec] | None = None) -> tuple[list[Claim], Ties | None]:
    """Claims with their chained verdicts (and local ones where nothing else judged
    them, or where they were compared only with an earlier copy of themselves)."""
    ties = Ties(shipped_specs() if specs is None else specs)
    if not ties.index:
        return claims, None
    return [_tied(c, ties, env) for c in claims], ties


def _tied(c: Claim, ties: Ties, env) -> Claim:
    found = ties.step_for(c)
    if found is None:
        return c
    spec, step = found
    try:
        chained = judge_step(c.grid, ties.derivation(spec, "chained"), step.name)
    except Exception:  # noqa: BLE001 - a spec that cannot run gives no chained verdict
        return c
    context = {**(c.context if isinstance(c.context, dict) else {}), "spec": spec, "step": step.name,
               "chained_expected": chained[1]}
    c = replace(c, chained_verdict=Verdict(chained[0]), context=context)
    if c.verdict == Verdict.UNVERIFIABLE and c.kind != "code-output" or _copy_only(c, env):
        c = local(c, ties, spec, step.name)
    return c


def _copy_only(c: Claim, env) -> bool:
    """A wrong claim that was compared only with an earlier printing of the same
    label, which nothing computes: a worked example's computation outranks that copy."""
    ctx = c.context if isinstance(c.context, dict) else {}
    draft, ref, outcome = ctx.get("draft"), ctx.get("ref"), ctx.get("outcome")
    if c.verdict != Verdict.WRONG or draft is None or draft.label is None or ref is None or outcome is None:
        return False
    b = outcome.used.get(N.key(draft.label))
    return N.key(ref) == N.key(draft.label) and b is not None and b.printed is not None \
        and not computed(b, env)


def judge_step(grid, d: Derivation, name: str) -> tuple[str, str, list]:
    """The printed grid against a step of a derivation: verdict, expected text, wrong entries."""
    s = d.step(name)
    grid = fit(grid, s.shape)
    verdict, expected, wrong = Verdict.OK, [], []
    for i, row in enumerate(grid):
        expected.append([])
        for j, p in enumerate(row):
            value = d.value(name, i, j)
            if value in (sp.S.Infinity, sp.S.NegativeInfinity):
                expected[-1].append(str(value))
                continue
            c = compare(p, value, env_at=d.env_at)
            v = Verdict.OK if c.verdict == "exact" else Verdict(c.verdict)
            expected[-1].append(c.expected)
            if v == "wrong":
                wrong.append((i, j, p.text, c.expected))
            verdict = v if RANK[v] > RANK[verdict] else verdict
    return verdict, rows_text(expected), wrong


def variant_reproducing(grid, ties: Ties, spec: Spec, name: str) -> str | None:
    """A variant step of the spec (``variant_of = name``) that gives the printed numbers."""
    d = ties.derivation(spec, "chained")
    for step in spec.steps:
        if step.variant_of != name:
            continue
        try:
            verdict = judge_step(grid, d, step.name)[0]
        except DeriveError:
            continue
        if verdict != "wrong":
            return f"the printed values are what the variant {step.name!r} computes: {step.title}"
    return None


def local(c: Claim, ties: Ties, spec: Spec, name: str) -> Claim:
    """No local check was possible: use the step run on the document's printed values."""
    try:
        verdict, expected, wrong = judge_step(c.grid, ties.derivation(spec, "as_printed"), name)
    except DeriveError:
        return c
    message = (f"step {name!r} of the worked example {spec.name!r}, computed from the document's own "
               f"printed values: " + ("agrees" if verdict != Verdict.WRONG else f"{len(wrong)} entries differ"))
    if c.verdict == Verdict.WRONG and verdict != Verdict.WRONG:
        message += f" ({c.message}: that earlier printing is the one off)"
    return replace(c, verdict=verdict, expected=expected, message=message,
                   basis=Basis.EXAMPLE if verdict != Verdict.WRONG else None,
                   wrong_entries=wrong_entries(wrong) if verdict == Verdict.WRONG else ())


def upstream(ties: Ties, spec: Spec, name: str) -> str:
    """Where a chained difference comes from: the first step that is already off."""
    d = ties.derivation(spec, "chained")
    for step in spec.steps:
        if step.printed is not None:
            try:
                verdict = judge_step(step.printed, d, step.name)[0]
            except DeriveError:
                verdict = "ok"
            if verdict == "wrong":
                if step.name == name:
                    return stage_variant(spec, step) or f"differs from the standard formula of step {name!r}"
                return (f"follows from the document's earlier values; from first principles it differs "
                        f"because step {step.name!r} ({step.title}) is already off")
        if step.name == name:
            break
    return f"differs from first principles (step {name!r})"


def stage_variant(spec: Spec, step) -> str | None:
    """Known variants of a stage that reproduce the printed numbers (positional encoding)."""
    if step.stage != "positional_encoding":
        return None
    n, d = int(step.params["n"]), int(step.params["d"])
    printed = np.array([[float(p.value) for p in row] for row in step.printed])
    decimals = np.array([[p.decimals for p in row] for row in step.printed])
    for sentence, angle_power in PE_VARIANTS:
        values = _pe(n, d, angle_power)
        if np.all(np.abs(values - printed) <= 10.0 ** (-decimals.astype(float)) * 0.5 + 1e-12):
            return sentence
    return None


def _pe(n: int, d: int, power) -> np.ndarray:
    out = np.zeros((n, d))
    for pos in range(n):
        for j in range(d):
            angle = pos / 10000.0 ** power(j, d)
            out[pos, j] = np.sin(angle) if j % 2 == 0 else np.cos(angle)
    return out


PE_VARIANTS = (
    ("the exponent uses the column index j, 10000^{2j/d}, where the formula has 10000^{2i/d} "
     "for the pair (2i, 2i+1)", lambda j, d: 2 * j / d),
    ("the exponent is i/d instead of 2i/d", lambda j, d: (j // 2) / d),
)
