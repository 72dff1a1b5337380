r"""Worked-example specs: a TOML file that names inputs and a recipe of steps.

    name = "encoder"
    title = "..."
    [tables.embedding]            # token -> vector tables, for the embed stage
    You = [0.1, 0.2, -0.1, 0.4]
    [inputs]                      # named matrices (a flat list is a 1 x m row)
    W_Q = [[1, 0, 0, 1], ...]
    [[steps]]                     # run in order
    name = "Q"                    # an identifier, unique in the spec
    stage = "project"             # a stage from derive.derivation.STAGES
    operands = ["X_PE", "W_Q"]    # inputs or earlier steps
    # or, instead of stage and operands, a formula over inputs, earlier steps and
    # this step's parameters, in LaTeX (derive.spec_formula):
    formula = '\mathrm{GELU}(X W_1 + b_1)'
    label = "Q"                   # LaTeX of the name (optional)
    title = "Queries"             # a heading (optional)
    printed = [[1.5, 1.1, ...]]   # what a document printed for it (optional)
    # any other key is a parameter of the stage: d_k = 4, eps = 1e-6, ...

Numbers are read from their text (``parse_float`` hands us the digits), so
``0.1`` is exactly 1/10 and keeps its one printed decimal.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path

import sympy as sp

from derive import limits
from derive.errors import FileError, SpecError
from derive.files import read_regular
from derive.numbers import Printed
from derive.spec_formula import FormulaError, ParsedFormula, formula_operands, parse_formula, spell
from derive.spec_schema import (PARAMS, STEP_KEYS, TOP_KEYS, FloatText, Where, boolean, identifier,
                                known_keys, matrix, rows, table, text, vector, whole)

FORMULA = "formula"      # the stage of a step given by a formula

__all__ = ["FloatText", "Spec", "StepSpec", "example_path", "load_spec"]


@dataclass(frozen=True)
class StepSpec:
    """One step of a recipe, as the spec file states it."""

    name: str
    stage: str
    operands: tuple[str, ...]
    params: dict
    label: str
    title: str
    note: str = ""
    printed: tuple[tuple[Printed, ...], ...] | None = None
    variant_of: str | None = None   # another step this one computes differently
    use_printed: bool = False       # always consume the operands' printed values
    formula: ParsedFormula | None = None   # a formula step's LaTeX, read (stage "formula")


@dataclass(frozen=True)
class Spec:
    """A worked example: its inputs and the ordered steps that derive from them."""

    name: str
    title: str
    path: str
    tables: dict = field(default_factory=dict)
    inputs: dict = field(default_factory=dict)      # name -> ImmutableMatrix of Rationals
    labels: dict = field(default_factory=dict)      # name -> LaTeX
    steps: tuple[StepSpec, ...] = ()


def example_path(name: str) -> Path:
    """The path of a spec shipped with derive (``derive/examples/NAME.toml``)."""
    return Path(str(resources.files("derive.examples").joinpath(f"{name}.toml")))


def load_spec(path: str | Path) -> Spec:
    """Read and validate a spec file; every problem is a one-line SpecError."""
    path = Path(path)
    return _load(path, (path.resolve(),))


def _load(path: Path, chain: tuple[Path, ...]) -> Spec:
    """A spec and the specs it extends (``chain``: the files on the way here)."""
    where = str(path)
    data = _read_toml(path)
    known_keys(data, TOP_KEYS, Where(where), "a spec")
    base = _base_spec(data["extends"], path, chain) if "extends" in data else Spec("", "", where)
    inputs = {**base.inputs, **_inputs(data.get("inputs", {}), where),
              **_random_inputs(data.get("random"), where)}
    tables = {**base.tables, **_tables(data.get("tables", {}), where)}
    labels = {**base.labels, **_texts(data.get("labels", {}), Where(where, key="labels"))}
    steps = _formula_operands(where, base.steps + _steps(data.get("steps", []), where), inputs, labels)
    _check_totals(where, inputs, tables, steps)
    _check_names(where, inputs, steps)
    return Spec(name=text(data.get("name", path.stem), Where(where, key="name")),
                title=text(data.get("title", path.stem), Where(where, key="title")),
                path=where, tables=tables, inputs=inputs, labels=labels,
                steps=_inherit_printed(steps))


def _read_toml(path: Path) -> dict:
    """The TOML of a spec file: a regular file of at most ``limits.SPEC_BYTES``."""
    try:
        data = read_regular(path, limits.SPEC_BYTES).decode("utf-8")
        return tomllib.loads(data, parse_float=FloatText)
    except FileError as exc:
        raise SpecError(str(path), None, f"cannot read: {exc.reason}") from None
    except UnicodeDecodeError as exc:
        raise SpecError(str(path), None, f"not UTF-8 text (invalid byte at offset {exc.start})") from None
    except tomllib.TOMLDecodeError as exc:
        raise SpecError(str(path), None, f"not valid TOML: {exc}") from None
    except ValueError:   # tomllib's int() of a whole number past Python's 4300 digits
        raise SpecError(str(path), None, "not valid TOML: a whole number with more than 4300 digits") from None
    except RecursionError:
        raise SpecError(str(path), None, "not valid TOML: arrays or tables nested too deeply") from None


def _base_spec(name, path: Path, chain: tuple[Path, ...]) -> Spec:
    """The spec named by ``extends``: beside this one, else a shipped example."""
    where = Where(str(path), key="extends")
    name = identifier(name, where)
    beside = path.parent / f"{name}.toml"
    target = beside if beside.is_file() else example_path(name)
    if not target.is_file():
        raise where.error(f"no spec {name!r}: neither {beside} nor a shipped example")
    if target.resolve() in chain:
        names = " -> ".join(p.name for p in chain + (target.resolve(),))
        raise where.error(f"specs extend each other in a cycle ({names})")
    if len(chain) > limits.EXTENDS_DEPTH:
        raise where.error(f"a chain of more than {limits.EXTENDS_DEPTH} specs extending each other")
    return _load(target, chain + (target.resolve(),))


def _inputs(raw, where: str) -> dict:
    """``[inputs]``: named matrices of exact numbers."""
    at = Where(where, key="inputs")
    return {text(k, at): matrix(v, at.at(k)) for k, v in table(raw, at).items()}


def _tables(raw, where: str) -> dict:
    """``[tables.NAME]``: token -> vector tables for the embed stage."""
    at = Where(where, key="tables")
    return {text(t, at): {text(tok, at.at(t)): vector(vec, at.at(t).at(tok))
                          for tok, vec in table(rows_, at.at(t)).items()}
            for t, rows_ in table(raw, at).items()}


def _texts(raw, at: Where) -> dict:
    return {text(k, at): text(v, at.at(k)) for k, v in table(raw, at).items()}


def _random_inputs(raw, where: str) -> dict:
    """Inputs drawn the way a NumPy script draws them, each float taken exactly.

        [random]
        seed = 42                      # numpy.random.RandomState(42), legacy
        draws = [["W_q", 4, 4], ...]   # rand(4, 4) for each, in this order
    """
    if raw is None:
        return {}
    at = Where(where, key="random")
    known_keys(table(raw, at), ("seed", "draws"), at, "[random]")
    seed = whole(raw.get("seed", 0), at.at("seed"), 0, limits.SEED_MAX)
    draws = [_draw(d, at.at(f"draws[{i}]")) for i, d in enumerate(_list(raw.get("draws", []), at.at("draws")), 1)]
    import numpy as np

    rng, inputs = np.random.RandomState(seed), {}
    for name, n, m in draws:
        values = rng.rand(n, m)
        inputs[name] = sp.ImmutableMatrix(n, m, lambda i, j: sp.Rational(float(values[i, j])))
    return inputs


def _draw(raw, at: Where) -> tuple[str, int, int]:
    """One draw ``[name, rows, cols]``, no larger than ``limits.MATRIX_ENTRIES``."""
    if not isinstance(raw, list) or len(raw) != 3:
        raise at.error(f"a random draw is [name, rows, cols], got {raw!r}"[:200])
    name = identifier(raw[0], at)
    n, m = (whole(k, at, 1, limits.MATRIX_ENTRIES) for k in raw[1:])
    if n * m > limits.MATRIX_ENTRIES:
        raise at.error(f"{n} x {m} entries, more than the limit of {limits.MATRIX_ENTRIES}")
    return name, n, m


def _list(raw, at: Where) -> list:
    if not isinstance(raw, list):
        raise at.error(f"must be a list, got {raw!r}"[:200])
    return raw


def _check_totals(where: str, inputs: dict, tables: dict, steps: tuple) -> None:
    """The limits on a whole spec, its bases included."""
    entries = sum(len(M) for M in inputs.values()) + sum(
        len(vec) for t in tables.values() for vec in t.values())
    if entries > limits.SPEC_ENTRIES:
        raise SpecError(where, None, f"{entries} numbers in inputs, tables and draws, "
                                     f"more than the limit of {limits.SPEC_ENTRIES}")
    if len(steps) > limits.STEPS:
        raise SpecError(where, None, f"{len(steps)} steps, more than the limit of {limits.STEPS}")


def _inherit_printed(steps: tuple[StepSpec, ...]) -> tuple[StepSpec, ...]:
    """A variant without printed values of its own is judged against its original's."""
    printed = {s.name: s.printed for s in steps}
    return tuple(replace(s, printed=printed.get(s.variant_of)) if s.variant_of and s.printed is None
                 else s for s in steps)


def _steps(raw, where: str) -> tuple[StepSpec, ...]:
    """``[[steps]]``: a list of tables, at most ``limits.STEPS``."""
    raw = _list(raw, Where(where, key="steps"))
    if len(raw) > limits.STEPS:
        raise SpecError(where, None, f"{len(raw)} steps, more than the limit of {limits.STEPS}")
    return tuple(_step(s, where, i) for i, s in enumerate(raw, 1))


def _step(raw, where: str, index: int) -> StepSpec:
    """One step, every key checked: its name first, so that errors can name it."""
    raw = table(raw, Where(where, key=f"steps[{index}]"))
    name = identifier(raw.get("name"), Where(where, key=f"steps[{index}].name"))
    at = Where(where, name)
    stage = text(raw.get("stage"), at.at("stage")) if "stage" in raw else None
    formula = None
    if "formula" in raw:
        if stage is not None or "operands" in raw:
            raise at.error("give a formula, or a stage and its operands, not both")
        try:
            formula = parse_formula(text(raw["formula"], at.at("formula")))
        except FormulaError as exc:
            raise at.at("formula").error(str(exc)) from None
        stage = FORMULA
    if stage is None:
        raise at.error("no stage given (give stage and operands, or a formula)")
    operands = tuple(text(o, at.at("operands")) for o in _list(raw.get("operands", []), at.at("operands")))
    printed = raw.get("printed")
    return StepSpec(
        name=name, stage=stage, operands=operands, formula=formula,
        params={k: PARAMS[k](v, at.at(k)) if k in PARAMS else v
                for k, v in raw.items() if k not in STEP_KEYS},
        label=text(raw["label"], at.at("label")) if "label" in raw else default_label(name),
        title=text(raw.get("title", name), at.at("title")),
        note=text(raw.get("note", ""), at.at("note")),
        printed=None if printed is None else rows(printed, at.at("printed")),
        variant_of=None if raw.get("variant_of") is None else text(raw["variant_of"], at.at("variant_of")),
        use_printed=boolean(raw.get("use_printed", False), at.at("use_printed")))


def default_label(name: str) -> str:
    r"""A name as LaTeX when the spec gives no label: ``W_Q`` -> ``W_{Q}``, ``H_direct`` ->
    ``H_{\text{direct}}`` (not H_d times irect), ``scores`` -> ``\text{scores}``."""
    base, _, sub = name.partition("_")
    head = base if len(base) == 1 else rf"\text{{{base}}}"
    if not sub:
        return head
    if len(base) == 1 and (len(sub) == 1 or sub.isdigit()):
        return name                                          # W_Q, b_1: LaTeX already
    inner = sub if sub.isdigit() else rf"\text{{{sub.replace('_', chr(92) + '_')}}}"
    return rf"{head}_{{{inner}}}"


def _formula_operands(where: str, steps: tuple[StepSpec, ...], inputs: dict, labels: dict) -> tuple[StepSpec, ...]:
    """Each formula step with its operands: the inputs and earlier steps its formula names
    (by name, or as their label writes them)."""
    out, known = [], {}
    for n in inputs:
        spell(known, n, labels.get(n) or default_label(n), n)
    for step in steps:
        if step.formula is not None:
            try:
                step = replace(step, operands=formula_operands(step.formula, known, step.params))
            except FormulaError as exc:
                raise SpecError(where, step.name, f"formula: {exc}") from None
        out.append(step)
        spell(known, step.name, step.label, step.name)
    return tuple(out)


def _check_names(where: str, inputs: dict, steps: tuple[StepSpec, ...]) -> None:
    known = set(inputs)
    for step in steps:
        if step.variant_of is not None and step.variant_of not in known:
            raise SpecError(where, step.name, f"variant of {step.variant_of!r}, which is not an earlier step")
        for operand in step.operands:
            if operand not in known:
                raise SpecError(where, step.name, f"operand {operand!r} is not an input or an earlier step")
        if step.name in known:
            raise SpecError(where, step.name, "the name is used twice")
        known.add(step.name)
