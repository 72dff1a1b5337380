r"""Markdown tables: header cells are formulas, and each row gives them arguments.

    | $z$ | $\sigma(z)$ |     a column under a bare name, holding numbers, gives
    |-----|-------------|     that name's value for the row; a column under a
    | 2   | 0.8808      |     formula of those names (and of names the document
                              gave) is a claim, judged as ``\sigma(2) \approx 0.8808`` is

    | $pos$ | dim 0 | dim 1 | columns numbered under one word, rows keyed by the
    | 1     | 0.8415| 0.5403| other parameters of the one function the document
                              defines on them (``PE_{(pos,2i)} = ...``): PE(pos, k)

    | quantity    | value  |  two columns, formulas in the first: each row
    | $\sigma(2)$ | 0.8808 |  says ``label = value``

A row's values are put into the formula (as exact inputs), never bound in the
document's environment, so nothing leaks past the table. Numbered columns
starting at 1 may count from 1: both readings are drafted and the judge takes
the one with fewer wrong cells. A word header, a cell that is not a number and
a table without formulas give no claim; a formula column that names no column
of the row cannot say which value each row means (unverifiable); math in a cell
the table does not read is bound as any other math. Plain header text is read
by the same LaTeX parser (its lexer maps σ, √, ·, −, × to LaTeX) and counts as
a formula only when every word in it is a name the document or derive knows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import sympy as sp

from derive.check.bind.drafts import Draft
from derive.check.bind.patterns import number, patterns_before, put
from derive.check.evaluate.functions import KNOWN
from derive.check.read import nodes as N
from derive.check.read.atoms import FUNCTIONS, GREEK
from derive.check.read.delimiters import MathSpan
from derive.check.read.grids import grid_of
from derive.check.read.latex import parse_statements
from derive.check.read.markdown import Cell, Table
from derive.check.read.plain import INPUT_WORDS, _applied_function, parse_plain
from derive.check.policy import POLICY
from derive.numbers import compare

NUMBERED = re.compile(r"([A-Za-z]+)\s*_?\s*(\d+)")     # "dim 0", "key 1", "col_3"
THOUSANDS = re.compile(r"[-−]?\d{1,3}(,\d{3})+(\.\d+)?")


@dataclass
class Column:
    kind: str                   # bind | claim | numbered | ignored
    node: N.Node | None = None
    index: int | None = None    # of a numbered column


@dataclass(frozen=True)
class CellClaim:
    """A cell's place in its table: which table, and which reading of numbered columns."""

    table: int                  # the table's offset
    reading: str                # "as-is" | "from-one"
    why: str = ""               # why it cannot be judged, when it cannot


def bind_table(walk, table: Table) -> None:
    """Draft every claim a table makes; bind its other math as math."""
    env = walk.env
    heads = [_formula(c) for c in table.header]
    values = [[_literal(c) for c in cells] for _, cells in table.rows]
    cols = _columns(table, heads, values, env, table.start)
    readings = _readings(table, cols, values)
    claims = readings[0][1] if readings[0][1] else {}
    read = {id(c) for c, col in zip(table.header, cols) if col.kind != "ignored"} if claims else set()
    if not claims:
        claims = _transposed(table, values, env)
        readings = [("as-is", claims)]
    for span in (s for c in table.header if id(c) not in read for s in c.spans):
        walk.math(span)
    for _, cells in table.rows:
        for cell in cells:
            if id(cell) not in claims:
                for span in cell.spans:
                    walk.math(span)
    for reading, found in readings:
        for cell_id, claim in found.items():
            if claim is not None:
                _draft(walk, *claim, CellClaim(table.start, reading, claim[3]))


def _draft(walk, label: N.Node, part: N.Node, span: MathSpan, why: str, info: CellClaim) -> None:
    doc = walk.doc
    at = span.start + part.start
    walk.drafts.append(Draft("cell", at, doc.line_of(at), doc.line_of(span.start + max(part.start, part.end - 1)),
                             label=label, part=part, origin=span.start, text=span.text[part.start:part.end],
                             cell=info))


# ------------------------------------------------------------------ reading cells

def _formula(cell: Cell) -> tuple[N.Node | None, bool]:
    """A header's formula (the math in it, else its text), and whether it was math."""
    text, math = _text(cell)
    node = _single(text if math or text is None else _head_text(text)) if text is not None else None
    if isinstance(node, N.Sym) and isinstance(node.sub, N.Tuple):     # PE_{(pos, 0)} is PE(pos, 0)
        node = N.Call(node.start, node.end, node.base, node.sub.items)
    return node, math


BOLD = re.compile(r"(\*\*|__)(?P<inner>[^*_]+)\1")


def _literal(cell: Cell) -> tuple[N.Node, MathSpan] | None:
    """A cell that is a printed number (or a list of them; in bold or not), with the span it is read from."""
    bold = BOLD.fullmatch(cell.text.strip()) if not cell.spans else None
    if bold:
        cell = Cell(cell.start + cell.text.index(bold.group("inner")), bold.group("inner"))
    text, math = _text(cell)
    if text is None or not text.strip() or (math and cell.text.strip().strip("$").strip() != text.strip()):
        return None
    span = cell.spans[0] if math else MathSpan(cell.start, _thousands(cell.text), False)
    node = _single(span.text)
    return (node, span) if node is not None and grid_of(node) is not None else None


def _thousands(text: str) -> str:
    """``12,288`` in a table is twelve thousand, not the pair (12, 288)."""
    return text.replace(",", "") if THOUSANDS.fullmatch(text.strip()) else text


def _text(cell: Cell) -> tuple[str | None, bool]:
    """The math of a cell with one span (``logits $z$`` names z), else its text."""
    if len(cell.spans) == 1:
        return cell.spans[0].text, True
    return (None, False) if cell.spans else (cell.text, False)


LEADING_WORDS = re.compile(r"^(?:[A-Za-z][a-z]{2,}\s+)+(?=\S)")


def _head_text(text: str) -> str:
    """A plain header's formula after its words: ``Activation σ(z)`` is σ(z), ``Net Input (z)``
    is z (words of three letters or more, not a function derive knows, come off the front)."""
    m = LEADING_WORDS.match(text.strip())
    if m is None or any(w.lower() in KNOWN or w in FUNCTIONS for w in m.group(0).split()):
        return text
    rest = text.strip()[m.end():]
    if not any(ch.isalpha() for ch in rest):
        return text     # "key 2": a numbered column
    return rest[1:-1] if rest.startswith("(") and rest.endswith(")") and "(" not in rest[1:-1] else rest


def _single(text: str) -> N.Node | None:
    """One expression, no relation (a header saying ``f(x) = ...`` is math, not a label)."""
    parsed = parse_statements(text)
    if len(parsed) != 1 or not isinstance(parsed[0], N.Chain) or len(parsed[0].parts) != 1:
        return None
    return parsed[0].parts[0]


# ------------------------------------------------------------------ what each column is

def _columns(table: Table, heads, values, env, at: int) -> list[Column]:
    """bind: a bare name over numbers; claim: a formula over numbers; numbered: ``dim 3``."""
    cols = []
    for k, (node, math) in enumerate(heads):
        filled = [row[k] for row, (_, cells) in zip(values, table.rows)
                  if k < len(cells) and cells[k].text.strip()]
        numeric = bool(filled) and all(filled)
        m = NUMBERED.fullmatch(table.header[k].text.strip()) if not table.header[k].spans else None
        if m and numeric:
            cols.append(Column("numbered", N.Sym(0, 0, m.group(1), m.group(1)), int(m.group(2))))
        elif isinstance(node, N.Sym):
            cols.append(Column("bind" if numeric else "ignored", node))
        elif node is not None and any(filled):
            cols.append(Column("claim", node))
        else:
            cols.append(Column("ignored"))
    names = {c.node.name for c in cols if c.kind == "bind"}
    patterns = patterns_before(env, at)
    for col in cols:
        if col.kind == "claim":
            col.node = letters_of(col.node, names, env)
    for col, (node, math) in zip(cols, heads):
        if col.kind == "bind" and isinstance(node.sub, N.Sym) and node.sub.name in names - {node.name}:
            col.kind = "claim"      # p_i beside a column i: entry i of p
        elif col.kind == "claim" and not (math or _words_known(node, names, env, patterns)):
            col.kind = "ignored"
    _numbered(cols, env, at, patterns)
    return cols


def letters_of(node: N.Node, names: set[str], env) -> N.Node:
    """``12lh^2`` over columns ``l`` and ``h``: math writes a product of one-letter names side by
    side; a run of letters that is no name of its own but every letter a column's name is that
    product (a power on the run belongs to its last letter)."""
    def run(n: N.Node) -> bool:
        return isinstance(n, N.Sym) and n.sub is None and n.power is None and len(n.name) > 1 \
            and n.name.isalpha() and n.name not in env.values and set(n.name) <= names

    def product(n: N.Sym, exp: N.Node | None, end: int) -> N.Mul:
        letters = [N.Sym(n.start + k, n.start + k + 1, c, c) for k, c in enumerate(n.name)]
        if exp is not None:
            letters[-1] = N.Pow(letters[-1].start, end, letters[-1], exp)
        return N.Mul(n.start, end, tuple(letters))

    for n in list(N.walk(node)):
        if isinstance(n, N.Pow) and run(n.base):
            node = N.substitute(node, n, product(n.base, n.exp, n.end))
    for n in list(N.walk(node)):
        if run(n):
            node = N.substitute(node, n, product(n, None, n.end))
    return node


def _words_known(node: N.Node, names: set[str], env, patterns) -> bool:
    """Plain text is a formula when every word in it is a name the document or derive knows."""
    for n in N.walk(node):
        if isinstance(n, N.Sym) and n.sub is None and len(n.name) > 1 and n.name not in GREEK \
                and n.name not in names and n.name not in env.values and n.name not in env.formulas:
            return False
        if isinstance(n, N.Call) and not (n.name in FUNCTIONS or n.name in KNOWN or n.name in GREEK
                                          or n.name in env.functions or n.name in patterns):
            return False
    return True


def _numbered(cols: list[Column], env, at: int, patterns) -> None:
    """Numbered columns are F(row names, k) for the one function the document
    defined whose other parameters are the table's bound names; else ignored."""
    numbered = [c for c in cols if c.kind == "numbered"]
    names = [c.node.name for c in cols if c.kind == "bind"]
    defs = {name: [p.params for p in pats] for name, pats in patterns.items()}
    for name, plain in env.functions.items():
        defs.setdefault(name, []).extend(tuple(N.Sym(0, 0, p, p) for p in params)
                                         for params, _, where in plain if where <= at)
    fits = {name: fit for name, params in defs.items()
            for fit in [next((p for p in params if _free_slot(p, names) is not None), None)] if fit}
    words = {c.node.name for c in numbered}
    for col in numbered:
        if len(fits) != 1 or len(words) != 1:
            col.kind = "ignored"
            continue
        (name, params), = fits.items()
        args = tuple(N.Sym(0, 0, p.name, p.name) if isinstance(p, N.Sym) and p.name in names
                     else number(col.index) for p in params)
        col.kind, col.node = "claim", N.Call(0, 0, name, args)


def _free_slot(params, names: list[str]) -> int | None:
    """The one parameter no bound name fills, when every bound name fills one."""
    syms = [p.name for p in params if isinstance(p, N.Sym)]
    free = [k for k, p in enumerate(params) if not (isinstance(p, N.Sym) and p.name in names)]
    return free[0] if len(free) == 1 and names and set(names) <= set(syms) else None


# ------------------------------------------------------------------ claims of the rows

def _row_claims(table: Table, cols: list[Column], values) -> dict[int, tuple]:
    """cell id -> (label, printed node, span, why unverifiable): each claim column
    with the row's values put in for its names."""
    out = {}
    names = {c.node.name for c in cols if c.kind == "bind"}
    for (_, cells), row in zip(table.rows, values):
        bound = {col.node.name: row[k][0] for k, col in enumerate(cols)
                 if col.kind == "bind" and k < len(row) and row[k] is not None}
        for k, col in enumerate(cols):
            wanted = names & _mentions(col.node) if col.kind == "claim" else set()
            if col.kind != "claim" or k >= len(row) or row[k] is None or not wanted <= set(bound):
                continue    # a blank argument: the cell is not judged against a value from elsewhere
            why = "" if wanted or len(table.rows) == 1 else \
                f"{N.pretty(col.node)} names no column of the table: which value each row means is not said"
            out[id(cells[k])] = (put(col.node, bound), *row[k], why)
    return out


def _readings(table: Table, cols: list[Column], values) -> list[tuple[str, dict]]:
    """The claims of the rows; columns numbered from 1 may also count from 1
    (``dim 1`` the first dimension): then both readings, for the judge to choose."""
    claims = {**_row_claims(table, cols, values), **_applied_columns(table, cols, values), **_totals(table, values)}
    numbered = [c for c in cols if c.kind == "claim" and c.index is not None]
    if not numbered or min(c.index for c in numbered) == 0:
        return [("as-is", claims)]
    shifted = [Column(c.kind, N.Call(0, 0, c.node.name, tuple(number(c.index - 1) if isinstance(a, N.Num) else a
                                                              for a in c.node.args)), c.index - 1)
               if any(c is n for n in numbered) else c for c in cols]
    return [("as-is", claims), ("from-one", _row_claims(table, shifted, values))]


APPLIED_HEAD = re.compile(r"^\s*(?P<func>[A-Za-z][A-Za-z ]*?)\s*(?:(?:@|at|with|,)?\s*\(?\s*(?:T|τ|temperature)"
                          r"\s*=\s*(?P<t>\d+(?:\.\d+)?)\s*\)?)?\s*$")


def _applied_columns(table: Table, cols: list[Column], values) -> dict[int, tuple]:
    """``| Logit | Softmax @ T=0.5 |``: a column whose header names a function derive knows
    (``POLICY.applied_functions``), at a temperature or not, beside one column whose header
    names its input (``POLICY.applied_inputs``) is that function of the input column
    (divided by the temperature): each cell claims its entry. Every cell of both columns
    must be a number, and there are two rows at least."""
    heads = [c.text.strip() if not c.spans else "" for c in table.header]
    inputs = [k for k, h in enumerate(heads) if h and INPUT_WORDS.search(h) and _filled(values, k)]
    if len(inputs) != 1 or len(values) < 2:       # one row is part of a table, not its whole input
        return {}
    vector = N.Mat(0, 0, (tuple(row[inputs[0]][0] for row in values),), bracket=True)      # a row
    out = {}
    for k, head in enumerate(heads):
        m = APPLIED_HEAD.match(head)
        func = _applied_function(m.group("func")) if m else None
        if func is None or k == inputs[0] or not _filled(values, k):
            continue
        cols[k] = Column("applied", cols[k].node)
        arg = N.Div(0, 0, vector, number(m.group("t"))) if m.group("t") else vector
        for i, ((_, cells), row) in enumerate(zip(table.rows, values)):
            out[id(cells[k])] = (N.Index(0, 0, N.Call(0, 0, func, (arg,)), (number(i + 1),)), *row[k], "")
    return out


def _filled(values, k: int) -> bool:
    return bool(values) and all(k < len(row) and row[k] is not None for row in values)


def _totals(table: Table, values) -> dict[int, tuple]:
    """A column headed "Total" (``POLICY.total_words``) is the sum of the numeric columns
    before it, row by row; a row whose first cell says "Total" is the sum of the rows above
    it, column by column. Only where the table's own numbers say so: some row (or column)
    must add up, to its printed digits, for the others to be claimed."""
    cells = [[_value(c, row[k] if k < len(row) else None) for k, c in enumerate(cs)]
             for (_, cs), row in zip(table.rows, values)]
    out = {}
    heads = [_words(c.text) for c in table.header]
    for k, head in enumerate(heads):
        addends = [j for j in range(k) if all(j < len(r) and r[j] is not None for r in cells)]
        if head in POLICY.total_words and len(addends) >= 2 and all(k < len(r) and r[k] for r in cells):
            sums = [([r[j] for j in addends], r[k]) for r in cells]
            out.update(_supported(sums, [cs[k] for _, cs in table.rows]))
    total = [i for i, (_, cs) in enumerate(table.rows) if cs and _words(cs[0].text) in POLICY.total_words]
    if len(total) == 1 and total[0] >= 2:
        i, above = total[0], cells[:total[0]]
        columns = [k for k in range(1, len(cells[i])) if cells[i][k] and all(k < len(r) and r[k] for r in above)]
        sums = [([r[k] for r in above], cells[i][k]) for k in columns]
        out.update(_supported(sums, [table.rows[i][1][k] for k in columns]))
    return out


def _supported(sums: list, where: list) -> dict[int, tuple]:
    """Each (addends, total) as a claim on its cell, when one of them adds up (printed digits)."""
    whole = [(addends, total, cell) for (addends, total), cell in zip(sums, where)
             if all(_scalar(a) for a in addends + [total])]
    if not any(_adds_up(addends, total) for addends, total, _ in whole):
        return {}
    return {id(cell): (N.Add(0, 0, tuple(a[0] for a in addends), (1,) * len(addends)), *total, "")
            for addends, total, cell in whole}


def _adds_up(addends: list, total) -> bool:
    """Do the printed addends sum to the printed total, to its digits?"""
    exact = sum((grid_of(a[0])[0][0].value for a in addends), sp.Integer(0))
    return compare(grid_of(total[0])[0][0], exact).verdict in ("exact", "rounded")


def _scalar(value) -> bool:
    grid = grid_of(value[0]) if value else None
    return grid is not None and len(grid) == len(grid[0]) == 1


def _value(cell: Cell, literal) -> tuple[N.Node, MathSpan] | None:
    """A cell's number: the cell itself, or the last member of the working in it (``512 × 512 = 262,144``)."""
    if literal is not None:
        return literal
    if len(cell.spans) != 1:
        return None
    span = cell.spans[0]
    parsed = parse_plain(span.text) if span.notation == "plain" else parse_statements(span.text)
    chain = parsed[0] if len(parsed) == 1 and isinstance(parsed[0], N.Chain) else None
    return (chain.parts[-1], span) if chain is not None and grid_of(chain.parts[-1]) is not None else None


def _words(text: str) -> str:
    return re.sub(r"[*_`:]", "", text).strip().lower()


def _transposed(table: Table, values, env) -> dict[int, tuple | None]:
    """``| $\\sigma(2)$ | 0.8808 |``: two columns, each row a formula and its value
    (the formula's cell maps to None: read, nothing claimed in it)."""
    if len(table.header) != 2 or not isinstance(_formula(table.header[1])[0], (N.Sym, type(None))):
        return {}
    out: dict[int, tuple | None] = {}
    patterns = patterns_before(env, table.start)
    for (_, cells), row in zip(table.rows, values):
        if len(cells) < 2 or row[0] is not None or row[1] is None:
            continue
        node, math = _formula(cells[0])
        if node is None or (isinstance(node, N.Sym) and not env.formulas.get(node.name)) \
                or not (math or _words_known(node, set(), env, patterns)):
            continue
        out[id(cells[0])], out[id(cells[1])] = None, (node, *row[1], "")
    return out


def _mentions(node: N.Node) -> set[str]:
    """Every name in a formula, subscripts of names included (the i of ``p_i``)."""
    found = set()
    for n in N.walk(node):
        if isinstance(n, N.Sym):
            found.add(n.name)
            if isinstance(n.sub, N.Sym):
                found.add(n.sub.name)
    return found
