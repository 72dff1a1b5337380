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
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import sympy as sp

from derive.errors import DeriveError, SpecError
from derive.numbers import Printed, parse_decimal

STEP_KEYS = {"name", "stage", "operands", "label", "title", "printed", "note"}


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
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"), parse_float=FloatText)
    except OSError as exc:
        raise SpecError(where, None, f"cannot read: {exc.strerror or exc}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SpecError(where, None, f"not valid TOML: {exc}") from None
    inputs = {k: _matrix(v, where, k) for k, v in data.get("inputs", {}).items()}
    tables = {t: {tok: [_number(x, where, t) for x in vec] for tok, vec in table.items()}
              for t, table in data.get("tables", {}).items()}
    steps = tuple(_step(s, where) for s in data.get("steps", []))
    _check_names(where, inputs, steps)
    return Spec(name=str(data.get("name", path.stem)), title=str(data.get("title", path.stem)),
                path=where, tables=tables, inputs=inputs,
                labels=dict(data.get("labels", {})), steps=steps)


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
        printed=None if printed is None else _printed(printed, where, name))


def _check_names(where: str, inputs: dict, steps: tuple[StepSpec, ...]) -> None:
    known = set(inputs)
    for step in steps:
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
