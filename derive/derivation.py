"""Running a worked example: an ordered record of steps, kept exact.

Each step's exact value is kept as a *link*: an explicit matrix whose entries
are small expressions over the named entries of the steps before it
(``Symbol('Q[0,1]')``), never one giant composed expression. Digits come from
walking the links with Arb balls (``derive.evaluate``), so they are certified.
Where the composed closed form stays short (PE, X + PE, Q, K, V) it is kept
too, for display.

Two runs (DESIGN.md):

* ``chained``: each step consumes the exact results before it;
* ``as_printed``: where an operand has values a document printed, the step
  consumes those rounded values instead (what the author's own code saw).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass, field

import sympy as sp
from flint import ctx

from derive import display, html, limits, symbols
from derive.check.read import nodes as N
from derive.errors import DeriveError, SpecError
from derive.evaluate import ball, describe
from derive.numbers import Comparison, compare, decimal_text, format_decimal, format_significant, parse_decimal
from derive.proofs.identity import explicit
from derive.spec import Spec, StepSpec, default_label
from derive.spec_formula import FormulaError, formula_expression, spell
from derive.stages.registry import FORMULA_SYMBOLS, STAGES, Entry

MODES = ("chained", "as_printed")
SUBSTITUTED_ENTRIES = 16     # an operand larger than this is not written out in a step's substituted line
CLOSED_FORM_LIMIT = 160   # characters of the longest entry shown in closed form


@dataclass(frozen=True)
class Step:
    """One worked step: name, general formula, operands, and exact value."""

    name: str
    title: str
    label: str                      # LaTeX of the name
    equation: str                   # LaTeX of the general formula: label = ...
    operands: tuple[str, ...]
    link: sp.ImmutableMatrix        # exact entries over the operands' named entries
    closed: sp.ImmutableMatrix | None   # the same values in closed form, where short
    symbol: sp.MatrixSymbol         # how later formulas refer to this step
    inline: bool = False            # parenthesise the label when referenced
    variant_of: str | None = None   # the step this one computes differently
    params: dict = field(default_factory=dict)   # the spec's parameters of the stage
    note: str = ""
    printed: tuple | None = None    # what the document printed for this step
    general: sp.Basic | None = None  # the formula over the operands' MatrixSymbols (parameters as symbols)

    @property
    def shape(self) -> tuple[int, int]:
        return tuple(self.link.shape)

    def _repr_latex_(self) -> str:
        """A notebook shows a step as its general formula."""
        return f"$${self.equation}$$"

    def _repr_markdown_(self) -> str:
        return f"**{self.title}**\n\n$$\n{self.equation}\n$$\n"


def entry_symbol(name: str, i: int, j: int) -> sp.Symbol:
    """The name of entry (i, j) of a step, used in the links of later steps.

    Finite: an entry that is infinite (a causal mask's -oo) is passed on as the
    number itself, never as a symbol, so -oo + S[0,1] is -oo, not a sum."""
    return sp.Symbol(f"{name}[{i},{j}]", finite=True)


@dataclass
class Derivation:
    """The steps of a spec, run in one mode, with certified digits on demand."""

    spec: Spec
    mode: str
    steps: list[Step] = field(default_factory=list)
    _envs: dict = field(default_factory=dict, repr=False)

    def _repr_markdown_(self, decimals: int = 4) -> str:
        """A notebook shows a derivation as its steps: formula, the numbers put in, the value
        rounded to ``decimals`` (the Markdown Jupyter renders with its math)."""
        parts = [f"### {self.spec.title}", ""]
        for s in self.steps:
            parts += [f"**{s.title}**", "", "$$", s.equation, "$$", ""]
            substituted = self.substituted(s.name, decimals)
            if substituted is not None:
                parts += ["$$", substituted, "$$", ""]
            rows = self.integers(s.name)
            shown = [[str(v) for v in row] for row in rows] if rows is not None else self.digits(s.name, decimals)
            relation = "=" if rows is not None else r"\approx"
            parts += ["$$", f"{s.label} {relation} {display.pmatrix(shown, one_line=True)}", "$$", ""]
        return "\n".join(parts)

    def _repr_html_(self) -> str:
        """The same as a standalone HTML fragment with MathML (``derive.html``)."""
        return html.page(self._repr_markdown_()).html

    def step(self, name: str) -> Step:
        for s in self.steps:
            if s.name == name:
                return s
        raise KeyError(name)

    def label(self, name: str) -> str:
        """The LaTeX name of a step or an input."""
        for s in self.steps:
            if s.name == name:
                return s.label
        return self.spec.labels.get(name) or default_label(name)

    def env_at(self) -> dict:
        """Balls for every named entry of every step, at the current precision."""
        prec = ctx.prec
        if prec not in self._envs:
            env: dict = {}
            for s in self.steps:
                memo: dict = {}
                for (i, j), value in _entries(s.link):
                    if s.closed is not None and s.closed[i, j].is_Number:
                        value = s.closed[i, j]   # exact: an argmax of a tie, which no ball decides
                    if value.is_finite is not False:
                        env[entry_symbol(s.name, i, j)] = ball(value, env, memo)
            self._envs[prec] = env
        return self._envs[prec]

    def value(self, name: str, i: int, j: int) -> sp.Expr:
        """The exact value of one entry: its closed form, or its link."""
        s = self.step(name)
        return s.closed[i, j] if s.closed is not None else s.link[i, j]

    def integers(self, name: str) -> list[list[int]] | None:
        """The step's values if each is certainly a whole number (an argmax, a
        threshold): exact balls with integer midpoints. Otherwise None."""
        s = self.step(name)
        if s.closed is not None:
            whole = all(v.is_Integer for v in s.closed)
            return [[int(v) for v in row] for row in s.closed.tolist()] if whole else None
        env = self.env_at()
        balls = [[env.get(entry_symbol(name, i, j)) for j in range(s.shape[1])] for i in range(s.shape[0])]
        if not all(b is not None and b.is_exact() and b.is_integer() for row in balls for b in row):
            return None
        return [[int(b.mid().unique_fmpz()) for b in row] for row in balls]

    def digits(self, name: str, decimals: int) -> list[list[str]]:
        """The step's values rounded to ``decimals`` places (certified)."""
        return self._each(name, lambda v: format_decimal(v, decimals, env_at=self.env_at))

    def significant(self, name: str, digits: int = 30) -> list[list[str]]:
        """The step's values to ``digits`` significant digits (certified)."""
        return self._each(name, lambda v: format_significant(v, digits, env_at=self.env_at))

    def substituted(self, name: str, decimals: int) -> str | None:
        r"""The step's formula with its operands' values put in (rounded to ``decimals``) and
        its parameters' values: ``S = \frac{(1 \ 0) (2 \ 1)^T}{\sqrt{4}}``. None when the step
        has no such formula, an operand has more than ``SUBSTITUTED_ENTRIES`` entries, or the
        line would not fit the page (``derive.display.fits``)."""
        s = self.step(name)
        if s.general is None:
            return None
        names = {}
        for o in s.operands:
            rows = self._shown_rows(o, decimals)
            if rows is None or len(rows) * len(rows[0]) > SUBSTITUTED_ENTRIES:
                return None
            names[sp.MatrixSymbol(o, len(rows), len(rows[0]))] = display.pmatrix(rows, one_line=True)
        for k, v in s.params.items():
            text = _parameter_text(v)
            if text is not None:
                names[FORMULA_SYMBOLS.get(k, sp.Symbol(k, real=True))] = text
        general = s.general.replace(lambda e: isinstance(e, sp.OneMatrix),    # a broadcast row's ones
                                    lambda e: sp.ImmutableMatrix.ones(*e.shape))
        line = f"{s.label} = {symbols.latex(general, names)}"
        return line if display.fits(line) else None

    def _shown_rows(self, name: str, decimals: int) -> list[list[str]] | None:
        """An operand's values as shown on the page: an input as the spec wrote it, a step rounded."""
        if name in self.spec.inputs:
            M = self.spec.inputs[name]
            if not is_decimal(M):
                return None
            return [[decimal_text(v) for v in row] for row in M.tolist()]
        return self.digits(name, decimals)

    def compare_printed(self, name: str) -> list[list[Comparison]] | None:
        """Each number the document printed for the step, judged against this run."""
        s = self.step(name)
        if s.printed is None or (len(s.printed), len(s.printed[0])) != s.shape:
            return None
        return [[compare(p, self.value(name, i, j), env_at=self.env_at)
                 for j, p in enumerate(row)] for i, row in enumerate(s.printed)]

    def _each(self, name: str, fmt: Callable[[sp.Expr], str]) -> list[list[str]]:
        s = self.step(name)
        rows, cols = s.shape
        return [[_infinite_text(self.value(name, i, j)) or fmt(self.value(name, i, j))
                 for j in range(cols)] for i in range(rows)]


def is_decimal(M) -> bool:
    """Inputs read from decimal text print exactly; drawn floats are shown by name only."""
    return all(10 ** 40 % int(v.q) == 0 for v in M)


def _infinite_text(value: sp.Expr) -> str | None:
    if value is sp.S.NegativeInfinity:
        return "-inf"
    if value is sp.S.Infinity:
        return "inf"
    return None


def _entries(M):
    for i in range(M.rows):
        for j in range(M.cols):
            yield (i, j), M[i, j]


def run(spec: Spec, mode: str = "chained") -> Derivation:
    """Run every step of ``spec`` in order; errors name the spec and the step."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}")
    derivation = Derivation(spec, mode)
    nodes = {name: _input_node(name, M, spec) for name, M in spec.inputs.items()}
    for s in spec.steps:
        step = _run_step(spec, s, nodes, mode)
        if s.printed is not None and (len(s.printed), len(s.printed[0])) != step.shape:
            raise SpecError(spec.path, s.name, f"printed is {len(s.printed)} x {len(s.printed[0])}, but the step "
                                               f"is {step.shape[0]} x {step.shape[1]}")
        nodes[s.name] = step
        derivation.steps.append(step)
    return derivation


@dataclass(frozen=True)
class _Input:
    """An input matrix: exact rationals, its own closed form and link."""

    link: sp.ImmutableMatrix
    symbol: sp.MatrixSymbol
    label: str
    printed: tuple | None = None
    inline: bool = False

    @property
    def closed(self):
        return self.link


def _input_node(name: str, M: sp.ImmutableMatrix, spec: Spec) -> _Input:
    label = spec.labels.get(name) or default_label(name)
    return _Input(M, sp.MatrixSymbol(name, *M.shape), label)


def _operand(name: str, node, as_printed: bool) -> sp.ImmutableMatrix:
    """The matrix a step sees for an operand: numbers stay numbers, other
    entries become the operand's named entries (or, as printed, its printed values)."""
    if as_printed and node.printed is not None \
            and (len(node.printed), len(node.printed[0])) == tuple(node.link.shape):
        return sp.ImmutableMatrix([[p.value for p in row] for row in node.printed])
    if isinstance(node, _Input):
        return node.link
    return sp.ImmutableMatrix(*node.link.shape, lambda i, j: node.link[i, j]
                              if node.link[i, j].is_Number else entry_symbol(name, i, j))


def _run_step(spec: Spec, s: StepSpec, nodes: dict, mode: str) -> Step:
    if s.formula is not None:
        return _run_formula_step(spec, s, nodes, mode)
    stage = STAGES.get(s.stage)
    if stage is None:
        raise SpecError(spec.path, s.name, f"unknown stage {s.stage!r}; known: {', '.join(sorted(STAGES))}")
    params = _stage_params(spec, s, stage)
    operand_nodes = [nodes[o] for o in s.operands]
    general = _general(stage, operand_nodes, params)
    _check_size(spec, s, params, general)
    operands = [_operand(o, nodes[o], mode == "as_printed" or s.use_printed) for o in s.operands]
    try:
        link = sp.ImmutableMatrix(stage.function(*operands, **params))
    except (ValueError, TypeError, sp.ShapeError) as exc:
        raise SpecError(spec.path, s.name, str(exc)) from None
    _check_defined(spec, s, link)
    closed = _closed(link, s.operands, nodes)
    if closed is not None:   # the log of an earlier entry that is negative shows only here
        _check_defined(spec, s, closed)
    return Step(name=s.name, title=s.title, label=s.label,
                equation=_with_parameters(_equation(stage, s, operand_nodes, params, general), params),
                operands=s.operands,
                link=link, closed=closed,
                symbol=sp.MatrixSymbol(s.name, *link.shape), inline=stage.inline,
                variant_of=s.variant_of, params=dict(s.params), note=s.note, printed=s.printed,
                general=general)


def _run_formula_step(spec: Spec, s: StepSpec, nodes: dict, mode: str) -> Step:
    """A step given by a formula (``derive.spec_formula``): read over its operands' symbols,
    with its parameters as symbols (the general formula) and then as their values."""
    operand_nodes = [nodes[o] for o in s.operands]
    spellings = {}
    for name, node in zip(s.operands, operand_nodes):
        spell(spellings, name, node.label, node.symbol)
    values = {}
    for k, v in s.params.items():
        try:
            values[k] = parse_decimal(str(v)).value if not isinstance(v, sp.Basic) else v
        except DeriveError:
            raise SpecError(spec.path, s.name, f"{k}: a formula's parameter must be a number, got {v!r}") from None
    symbols_ = {k: FORMULA_SYMBOLS.get(k, sp.Symbol(k, real=True)) for k in values}
    try:
        general = formula_expression(s.formula, spellings, symbols_)
        valued = formula_expression(s.formula, spellings, values)
    except FormulaError as exc:
        raise SpecError(spec.path, s.name, f"formula: {exc}") from None
    table = {node.symbol: _operand(name, node, mode == "as_printed" or s.use_printed)
             for name, node in zip(s.operands, operand_nodes)}
    try:
        worked = explicit(valued, table)
        link = sp.ImmutableMatrix(worked) if isinstance(worked, sp.MatrixBase) else sp.ImmutableMatrix([[worked]])
    except (ValueError, TypeError, sp.ShapeError, NotImplementedError) as exc:
        raise SpecError(spec.path, s.name, f"formula: cannot be worked out: {exc}") from None
    if len(link) > limits.MATRIX_ENTRIES:
        raise SpecError(spec.path, s.name, f"the result would be {link.rows} x {link.cols}, more than "
                                           f"the limit of {limits.MATRIX_ENTRIES} entries")
    _check_defined(spec, s, link)
    closed = _closed(link, s.operands, nodes)
    if closed is not None:
        _check_defined(spec, s, closed)
    return Step(name=s.name, title=s.title, label=s.label,
                equation=_with_parameters(f"{s.label} = {s.formula.text}", values),
                operands=s.operands, link=link, closed=closed,
                symbol=sp.MatrixSymbol(s.name, *link.shape), inline=isinstance(s.formula.tree, N.Add),
                variant_of=s.variant_of, params=values, note=s.note, printed=s.printed, general=general)


def _required(function) -> list[str]:
    """The keyword parameters a stage function cannot do without."""
    try:
        signature = inspect.signature(function)
    except (TypeError, ValueError):
        return []
    return [p.name for p in signature.parameters.values() if p.default is inspect.Parameter.empty
            and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]


def _with_parameters(equation: str, params: dict) -> str:
    r"""The equation and the values of its numeric parameters: ``S = ... \qquad d_k = 4``."""
    shown = [f"{symbols.latex(FORMULA_SYMBOLS[k]) if k in FORMULA_SYMBOLS else default_label(k)} = {text}"
             for k, text in parameter_texts(params).items()]
    return equation + (r" \qquad " + r",\ ".join(shown) if shown else "")


def parameter_texts(params: dict) -> dict[str, str]:
    """The numeric parameters of a step, as exact decimal text."""
    texts = {k: _parameter_text(v) for k, v in sorted(params.items())}
    return {k: text for k, text in texts.items() if text is not None}


def _parameter_text(value) -> str | None:
    """A parameter's value as the spec gave it (exact decimal), None if it is not a number."""
    if isinstance(value, bool) or not isinstance(value, (int, sp.Rational)):
        return None
    return decimal_text(sp.Rational(value))


def _general(stage: Entry, operand_nodes: list, params: dict):
    """A stage's formula over its operands' symbols (parameters as symbols), when the stage
    is written as one (a lookup or a loss is not)."""
    if stage.equation is not None:
        return None
    general = {k: FORMULA_SYMBOLS.get(k, v) for k, v in params.items()}
    try:
        return stage.function(*[node.symbol for node in operand_nodes], **general)
    except (ValueError, TypeError, sp.ShapeError):
        return None


def _check_size(spec: Spec, s: StepSpec, params: dict, general) -> None:
    """Refuse a step whose result would be larger than ``limits.MATRIX_ENTRIES``,
    before computing it: its shape comes from the general formula (symbols only;
    None: a lookup, a loss or an entrywise stage, no larger than its operands, or a
    formula the exact stage will refuse in its own words)."""
    if "n" in params and "d" in params:
        shape = (params["n"], params["d"])
    elif general is not None:
        shape = general.shape
    else:
        return
    if shape[0] * shape[1] > limits.MATRIX_ENTRIES:
        raise SpecError(spec.path, s.name, f"the result would be {shape[0]} x {shape[1]}, more than "
                                           f"the limit of {limits.MATRIX_ENTRIES} entries")


UNDEFINED = ((sp.nan, "undefined (NaN: 0/0, or 0 times infinity)"),
             (sp.zoo, "infinite (a division by 0, or the log of 0)"),
             (sp.I, "not real (the square root or log of a negative number)"))


def _check_defined(spec: Spec, s: StepSpec, link: sp.ImmutableMatrix) -> None:
    """Refuse a step with an entry that is no real number (0/0, 1/0, log 0, sqrt(-1)).
    -oo stays: it is what a causal mask puts above the diagonal; but only as a
    whole entry (-oo times a value whose sign derive does not know is refused)."""
    for (i, j), value in _entries(link):
        for atom, what in UNDEFINED:
            if value.has(atom):
                shown = "" if value == atom else f": {describe(value)}"
                raise SpecError(spec.path, s.name, f"entry ({i + 1}, {j + 1}) is {what}{shown}")
        if value.has(sp.oo, -sp.oo) and not value.is_infinite:
            raise SpecError(spec.path, s.name, f"entry ({i + 1}, {j + 1}) multiplies an infinity (a causal "
                                               f"mask's -oo) by a value of unknown sign: {describe(value)}")


def _reference(node) -> str:
    """How a formula writes an operand: its label, in parentheses if it is a sum."""
    compound = node.inline and any(c in node.label for c in "+-")
    return rf"\left({node.label}\right)" if compound else node.label


def _stage_params(spec: Spec, s: StepSpec, stage: Entry) -> dict:
    unknown = sorted(set(s.params) - set(stage.params))
    if unknown:
        raise SpecError(spec.path, s.name, f"stage {s.stage!r} takes no parameter {unknown[0]!r}")
    missing = [p for p in _required(stage.function) if p in stage.params and p not in s.params]
    if missing:
        raise SpecError(spec.path, s.name, f"stage {s.stage!r} needs the parameter {missing[0]} "
                                           f"(give it in the step: {missing[0]} = ...)")
    params = dict(s.params)
    if "table" in params:
        if params["table"] not in spec.tables:
            raise SpecError(spec.path, s.name, f"no table named {params['table']!r}")
        params["table"] = {t: [p.value for p in v] for t, v in spec.tables[params["table"]].items()}
    for key in ("n", "d"):
        if key in params:
            if not (isinstance(params[key], sp.Integer) or
                    (isinstance(params[key], sp.Rational) and params[key].q == 1)):
                raise SpecError(spec.path, s.name, f"{key} must be a whole number, got {params[key]}")
            params[key] = int(params[key])
    return params


def _equation(stage: Entry, s: StepSpec, operand_nodes: list, params: dict, general) -> str:
    """The step's general formula as LaTeX: ``general`` (the stage applied to its operands'
    symbols, parameters such as d_k and epsilon kept as symbols), or the stage's own writer."""
    if stage.equation is not None:
        return stage.equation(params, s.label, [_reference(node) for node in operand_nodes])
    rhs = symbols.latex(general, {node.symbol: _reference(node) for node in operand_nodes})
    return rhs if stage.inline and rhs == s.label else f"{s.label} = {rhs}"


def _closed(link: sp.ImmutableMatrix, operands: tuple[str, ...], nodes: dict):
    """The link with the operands' closed forms put in, if every entry stays short."""
    mapping = {}
    for name in operands:
        node = nodes[name]
        if node.closed is None:
            return None
        for (i, j), v in _entries(node.closed):
            mapping[entry_symbol(name, i, j)] = v
    closed = link.xreplace(mapping)
    if any(len(str(v)) > CLOSED_FORM_LIMIT for v in closed):
        return None
    return sp.ImmutableMatrix(closed)
