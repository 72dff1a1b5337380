"""Worked-example specs: a TOML file that names inputs and a recipe of steps.

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

from derive.errors import DeriveError, SpecError
from derive.numbers import Printed, parse_decimal

STEP_KEYS = {"name", "stage", "operands", "label", "title", "printed", "note",
             "variant_of", "use_printed"}


class FloatText(str):
    """The text of a TOML float, kept as text so that no float is ever made."""


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
    where = str(path)
    data = _read_toml(path)
    base = _base_spec(data.get("extends"), path) if "extends" in data else Spec("", "", where)
    inputs = dict(base.inputs)
    inputs.update({k: _matrix(v, where, k) for k, v in data.get("inputs", {}).items()})
    inputs.update(_random_inputs(data.get("random"), where))
    tables = dict(base.tables)
    tables.update({t: {tok: [_number(x, where, t) for x in vec] for tok, vec in table.items()}
                   for t, table in data.get("tables", {}).items()})
    steps = base.steps + tuple(_step(s, where) for s in data.get("steps", []))
    _check_names(where, inputs, steps)
    return Spec(name=str(data.get("name", path.stem)), title=str(data.get("title", path.stem)),
                path=where, tables=tables, inputs=inputs,
                labels={**base.labels, **data.get("labels", {})}, steps=_inherit_printed(steps))


def _read_toml(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"), parse_float=FloatText)
    except OSError as exc:
        raise SpecError(str(path), None, f"cannot read: {exc.strerror or exc}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SpecError(str(path), None, f"not valid TOML: {exc}") from None


def _base_spec(name, path: Path) -> Spec:
    """The spec named by ``extends``: beside this one, else a shipped example."""
    if not isinstance(name, str) or not name.isidentifier():
        raise SpecError(str(path), None, f"extends needs a spec name, got {name!r}")
    beside = path.parent / f"{name}.toml"
    return load_spec(beside if beside.exists() else example_path(name))


def _random_inputs(table, where: str) -> dict:
    """Inputs drawn the way a NumPy script draws them, each float taken exactly.

        [random]
        seed = 42                      # numpy.random.RandomState(42), legacy
        draws = [["W_q", 4, 4], ...]   # rand(4, 4) for each, in this order
    """
    if table is None:
        return {}
    import numpy as np

    rng = np.random.RandomState(int(table.get("seed", 0)))
    inputs = {}
    for draw in table.get("draws", []):
        if len(draw) != 3 or not all(isinstance(k, int) and k > 0 for k in draw[1:]):
            raise SpecError(where, None, f"a random draw is [name, rows, cols], got {draw!r}")
        values = rng.rand(draw[1], draw[2])
        inputs[draw[0]] = sp.ImmutableMatrix(draw[1], draw[2],
                                             lambda i, j: sp.Rational(float(values[i, j])))
    return inputs


def _inherit_printed(steps: tuple[StepSpec, ...]) -> tuple[StepSpec, ...]:
    """A variant without printed values of its own is judged against its original's."""
    printed = {s.name: s.printed for s in steps}
    return tuple(replace(s, printed=printed.get(s.variant_of)) if s.variant_of and s.printed is None
                 else s for s in steps)


def _step(raw: dict, where: str) -> StepSpec:
    name = raw.get("name")
    if not isinstance(name, str) or not name.isidentifier():
        raise SpecError(where, None, f"a step needs an identifier as its name, got {name!r}")
    if not isinstance(raw.get("stage"), str):
        raise SpecError(where, name, "no stage given")
    printed = raw.get("printed")
    return StepSpec(
        name=name, stage=raw["stage"], operands=tuple(raw.get("operands", ())),
        params={k: _param(v, where, name) for k, v in raw.items() if k not in STEP_KEYS},
        label=str(raw.get("label", name)), title=str(raw.get("title", name)),
        note=str(raw.get("note", "")),
        printed=None if printed is None else _printed(printed, where, name),
        variant_of=raw.get("variant_of"), use_printed=bool(raw.get("use_printed", False)))


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


def _number(x, where: str, what: str) -> Printed:
    """One number of a spec: TOML float text or int, or a decimal string."""
    if isinstance(x, bool) or not isinstance(x, (int, str)):
        raise SpecError(where, what, f"not a number: {x!r}")
    try:
        return parse_decimal(str(x))
    except DeriveError:
        raise SpecError(where, what, f"not a number: {x!r}") from None


def _printed(rows, where: str, what: str) -> tuple[tuple[Printed, ...], ...]:
    rows = rows if rows and isinstance(rows[0], list) else [rows]
    if len({len(r) for r in rows}) != 1:
        raise SpecError(where, what, "rows of different lengths")
    return tuple(tuple(_number(x, where, what) for x in row) for row in rows)


def _matrix(rows, where: str, what: str) -> sp.ImmutableMatrix:
    return sp.ImmutableMatrix([[x.value for x in row] for row in _printed(rows, where, what)])


def _param(v, where: str, step: str):
    """A stage parameter: a TOML number becomes exact; anything else stays as given."""
    if isinstance(v, FloatText) or (isinstance(v, int) and not isinstance(v, bool)):
        return _number(v, where, step).value
    return v
