r"""Judge a stated fact against the paper, and stated facts against each other.

**One value** (``judge``). The references of a fact are the published value
(as printed, good to its last digit), the other values that are right for a
stated reason (``Fact.also``), and for a parameter count the exact count of
the formula (``derive.check.facts.formula``). A printed value is

* ``ok``        when it equals a reference (``2k`` also when N x 1024 equals one);
* ``rounded``   when a reference at least as fine, rounded to the printed digits,
                gives it: 124M is 124,439,808 rounded; 1.5B is the paper's 1542M
                rounded; 7B is LLaMA's 6.7B rounded. Only for parameter counts,
                vocabularies, numbers with a multiplier (2K) or after "about";
                layers, widths and heads must be exact;
* ``unverifiable`` when every reference is coarser than the printed value and
                agrees with it to the reference's digit (T5-3B "2.8B" against the
                paper's "3B"), or when the paper gives no such fact;
* ``wrong``     otherwise. "more than X" / "up to X" compare with the published value.

For a family name (``BERT``, ``GPT-2``) the value is judged against every
member; it is right if it fits one (and the claim says which), wrong if none.

**Consistency** (``consistency``). Where a document states a parameter count
and the layers or the width of the same model, the formula with the stated
sizes (the rest from the paper) must give the count at its printed digits.
"""

from __future__ import annotations

import operator
from functools import lru_cache
from dataclasses import dataclass
from fractions import Fraction

from derive.check.claim import CORRECT, Verdict
from derive.check.facts.formula import formula_inputs, model_parameters
from derive.check.facts.models import (ATTRIBUTE_NAMES, FAMILIES, MODELS, Model, Paper, members,
                                       paper_of, phrase)
from derive.check.facts.quantity import NUMBER, Reading, rounds_to, show
from derive.check.policy import POLICY

ROUNDABLE = POLICY.fact_roundable
_RANK = {Verdict.OK: 0, Verdict.ROUNDED: 1, Verdict.UNVERIFIABLE: 2, Verdict.WRONG: 3}
_COMPARE = {">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le}


@dataclass(frozen=True)
class FactClaim:
    """A fact a document states about a known model, and the verdict on it."""

    start: int                     # offsets of the number in the original text
    end: int
    model: str                     # canonical model key (gpt-2-small), or a family key (bert)
    attribute: str                 # one of models.ATTRIBUTES
    printed: str                   # the number as printed (text[start:end])
    value: int | Fraction          # the value read, exact
    expected: int | tuple | None   # the published value (for a wrong family claim: every member's)
    paper: Paper | None
    verdict: Verdict
    message: str
    relation: str = "="            # = | ~ | > | >= | < | <=
    unit: Fraction = Fraction(1)   # the printed value is good to this unit (124M: 10**6)
    member: str | None = None      # for a family name: the model the value fits
    basis: str = ""                # paper | also | formula | family
    name: str = ""                 # the model's name as printed
    name_start: int = 0
    line: int = 1


@dataclass(frozen=True)
class Judgement:
    verdict: Verdict
    expected: int | tuple | None
    paper: Paper | None
    message: str
    basis: str = ""
    member: str | None = None


@dataclass(frozen=True)
class _Ref:
    value: int
    unit: Fraction
    basis: str                     # paper | also | formula
    shown: str                     # how a message names it
    why: str = ""


def _where(model: Model, attribute: str) -> str:
    f = model.facts[attribute]
    where = f", {f.where}" if f.where else ""
    note = f"; {f.note}" if f.note else ""
    return f"{paper_of(model, attribute).cite()}{where}{note}"


def _references(model: Model, attribute: str) -> list[_Ref]:
    f = model.facts[attribute]
    refs = [_Ref(f.value, f.unit, "paper", f"the published {f.printed}")]
    refs += [_Ref(a.value, Fraction(1), "also", show(a.value), f"{a.why}; the reference value is {f.printed}")
             for a in f.also]
    if attribute == "params":
        exact = model_parameters(model)
        if exact is not None:
            refs.append(_Ref(exact, Fraction(1), "formula", show(exact),
                             f"the formula's count of the published architecture; the paper prints {f.printed}"))
    return refs


def judge_model(model: Model, attribute: str, reading: Reading, relation: str = "=") -> Judgement:
    """The verdict on ``reading`` as the ``attribute`` of ``model`` (see the module's docstring)."""
    what = ATTRIBUTE_NAMES[attribute]
    if attribute not in model.facts:
        return Judgement(Verdict.UNVERIFIABLE, None, model.paper,
                         f"{model.name}: {model.paper.cite()} does not give the {what}")
    f, paper, printed = model.facts[attribute], paper_of(model, attribute), reading.text
    source = _where(model, attribute)
    if relation in _COMPARE:
        holds = _COMPARE[relation](Fraction(f.value), Fraction(reading.value))
        verdict = Verdict.OK if holds else Verdict.WRONG
        return Judgement(verdict, f.value, paper,
                         f"{model.name}: the published {what}, {f.printed}, is {'' if holds else 'not '}"
                         f"{relation} {printed} ({source})", "paper")
    refs = _references(model, attribute)
    for r in refs:
        if reading.value == r.value or reading.binary == r.value:
            k = f", read as {show(r.value)} (k = 1024)" if reading.value != r.value else ""
            as_ = r.why if r.basis != "paper" else "as in the reference" if f.note else "as published"
            return Judgement(Verdict.OK, f.value, paper,
                             f"{model.name}: {phrase(attribute, printed)}{k}, {as_} ({source})", r.basis)
    if attribute in ROUNDABLE or reading.multiplier > 1 or relation == "~":
        for r in refs:
            if reading.unit >= r.unit and rounds_to(r.value, reading.unit) == reading.value:
                return Judgement(Verdict.ROUNDED, f.value, paper,
                                 f"{model.name}: {phrase(attribute, printed)} is {r.shown} rounded "
                                 f"({r.why + '; ' if r.why else ''}{source})", r.basis)
    if all(r.unit > reading.unit for r in refs) and \
            any(abs(Fraction(reading.value) - r.value) * 2 <= r.unit for r in refs):
        return Judgement(Verdict.UNVERIFIABLE, f.value, paper,
                         f"{model.name}: {printed} is finer than the published {f.printed} ({source}), "
                         f"which agrees with it to its last digit; derive has no exact value", "paper")
    exact = [r for r in refs if r.basis == "formula"]
    extra = f"; the formula's exact count is {show(exact[0].value)}" if exact else ""
    return Judgement(Verdict.WRONG, f.value, paper,
                     f"{model.name} has {phrase(attribute, f.printed)} in {source}, not {printed}{extra}",
                     "paper")


@lru_cache(maxsize=4096)
def judge(key: str, attribute: str, reading: Reading, relation: str = "=") -> Judgement:
    """The verdict for a model key, or for a family key against each of its members."""
    if key in MODELS:
        return judge_model(MODELS[key], attribute, reading, relation)
    family = FAMILIES[key]
    results = [(m, judge_model(m, attribute, reading, relation)) for m in members(key)
               if attribute in m.facts]
    what = ATTRIBUTE_NAMES[attribute]
    if not results:
        return Judgement(Verdict.UNVERIFIABLE, None, MODELS[family.members[0]].paper,
                         f"{family.name}: no paper of the family gives the {what}")
    best = min(_RANK[j.verdict] for _, j in results)
    fits = [(m, j) for m, j in results if _RANK[j.verdict] == best]
    if fits[0][1].verdict in CORRECT:
        member = fits[0][0].key if len(fits) == 1 else None
        values = {j.expected for _, j in fits}
        expected = values.pop() if len(values) == 1 else tuple(sorted(values))
        names = ", ".join(m.name for m, _ in fits)
        return Judgement(fits[0][1].verdict, expected, fits[0][1].paper,
                         f"{family.name}: fits {names}. {fits[0][1].message}", "family", member)
    if fits[0][1].verdict == Verdict.UNVERIFIABLE:
        return Judgement(Verdict.UNVERIFIABLE, None, fits[0][1].paper, fits[0][1].message, "family")
    sizes = "; ".join(f"{m.name} {m.facts[attribute].printed}" for m, _ in results)
    expected = tuple(m.facts[attribute].value for m, _ in results)
    return Judgement(Verdict.WRONG, expected, results[0][1].paper,
                     f"no {family.name} model has {phrase(attribute, reading.text)} "
                     f"({results[0][1].paper.cite()}: {sizes})", "family")


# ---- consistency ----------------------------------------------------------------

@dataclass(frozen=True)
class Finding:
    """Stated facts of one model that do not fit together."""

    model: str
    claims: tuple[FactClaim, ...]
    verdict: Verdict
    message: str
    formula: int | None = None     # the formula's count with the stated sizes
    published: int | None = None   # the formula's count with the published sizes


def _like(x: int, printed: str) -> str:
    """x written the way ``printed`` is: 194,536,704 like '110M' -> '195M'."""
    m = NUMBER.search(printed.replace("{,}", ","))
    if not m:
        return show(x)
    tag = m.group("word") or m.group("suffix") or ""
    frac = m.group("digits").partition(".")[2]
    scale = {"k": 10 ** 3, "K": 10 ** 3, "M": 10 ** 6, "B": 10 ** 9, "bn": 10 ** 9, "T": 10 ** 12,
             "thousand": 10 ** 3, "million": 10 ** 6, "billion": 10 ** 9, "trillion": 10 ** 12}
    mult = scale.get(tag, scale.get(tag.lower(), 1))
    unit = Fraction(mult, 10 ** len(frac))
    value = rounds_to(x, unit) / mult
    text = f"{float(value):.{len(frac)}f}" if frac else f"{int(value):,}"
    return f"{text}{tag}" if tag in ("k", "K", "M", "B", "T", "bn") else f"{text} {tag}".rstrip()


def _sizes_text(layers, width) -> str:
    return " at ".join(p for p in (f"{layers} layers" if layers else "",
                                   f"width {width}" if width else "") if p)


def _nearest(claims: list[FactClaim], at: int) -> FactClaim | None:
    return min(claims, key=lambda c: abs(c.start - at)) if claims else None


def _count_finding(model: Model, count: FactClaim, stated: dict[str, FactClaim]) -> Finding | None:
    values = {a: int(c.value) for a, c in stated.items()
              if c.relation == "=" and Fraction(c.value).denominator == 1}
    formula = model_parameters(model, values)
    published = model_parameters(model)
    if formula is None:
        return None
    wrong_sizes = [c for c in stated.values() if c.verdict == Verdict.WRONG]
    if not wrong_sizes and count.verdict in CORRECT:
        return None
    x = formula_inputs(model, values)
    p = formula_inputs(model)
    said = _sizes_text(x["layers"], x["d_model"])
    paper = _sizes_text(p["layers"], p["d_model"])
    fits = rounds_to(formula, count.unit) == count.value
    involved = (count, *stated.values())
    vocab = f"with {model.name}'s vocabulary ({show(x['vocab'])}) and context ({show(x['context'])})"
    if not wrong_sizes:
        message = (f"{said} give {_like(formula, count.printed)} parameters {vocab} "
                   f"({show(formula)} by the formula), not {count.printed}")
    elif count.verdict in CORRECT:
        wrong = ", ".join(f"{c.printed} {ATTRIBUTE_NAMES[c.attribute]}" for c in wrong_sizes)
        message = (f"{said} give about {_like(formula, count.printed)} parameters {vocab}, "
                   f"not {count.printed}; {count.printed} is the count for the published {paper} "
                   f"({show(published)} by the formula): the stated {wrong} contradict it")
    elif fits:
        message = (f"{count.printed} follows from the stated {said} ({show(formula)} by the formula), "
                   f"but {model.name} has {paper} and {model.facts['params'].printed} parameters in "
                   f"{model.paper.cite()}")
    else:
        message = (f"{count.printed} follows neither from the stated {said} (about "
                   f"{_like(formula, count.printed)}) nor from the published {paper} "
                   f"(about {_like(published, count.printed)})")
    return Finding(model.key, involved, Verdict.WRONG, message, formula, published)


def consistency(claims: list[FactClaim]) -> list[Finding]:
    """Counts that contradict the stated sizes, and family names whose facts fit different models."""
    findings = []
    by_model: dict[str, list[FactClaim]] = {}
    for c in claims:
        if c.model in MODELS and c.relation == "=":
            by_model.setdefault(c.model, []).append(c)
    for key, group in by_model.items():
        model = MODELS[key]
        if model.formula is None:
            continue
        for count in (c for c in group if c.attribute == "params"):
            stated = {a: _nearest([c for c in group if c.attribute == a], count.start)
                      for a in ("layers", "d_model", "vocab", "context", "d_ff")}
            stated = {a: c for a, c in stated.items() if c is not None}
            if "layers" in stated or "d_model" in stated:
                finding = _count_finding(model, count, stated)
                if finding:
                    findings.append(finding)
    by_name: dict[tuple[str, int], list[FactClaim]] = {}
    for c in claims:
        if c.model in FAMILIES and c.member:
            by_name.setdefault((c.model, c.name_start), []).append(c)
    for (family, _), group in by_name.items():
        fitted = {c.member for c in group}
        if len(fitted) > 1:
            parts = "; ".join(f"{c.printed} {ATTRIBUTE_NAMES[c.attribute]} fits {MODELS[c.member].name}"
                              for c in group)
            findings.append(Finding(family, tuple(group), Verdict.WRONG,
                                    f"the facts stated for {FAMILIES[family].name} belong to different "
                                    f"models: {parts}"))
    return findings
