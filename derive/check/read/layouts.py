r"""Matrix arithmetic drawn in plain text: operands side by side, or stacked.

Tutorials draw a matrix product or a sum of vectors in a text block instead
of writing it in one line::

    side by side                              stacked
                   [0, 0, 1]                    [0.0, 0.0, 0.0]
    [1, 0, 1, 0]   [1, 1, 0]   [0, 1, 1]      + [1.0, 4.0, 0.0]
    [0, 2, 0, 2] x [0, 1, 0] = [4, 4, 0]      + [1.0, 3.0, 1.5]
    [1, 1, 1, 1]   [1, 1, 0]   [2, 3, 1]      -----------------
                                              = [2.0, 7.0, 1.5]

Side by side, the bracketed rows that overlap one another horizontally form one
column: a matrix, its rows top to bottom (a column of one row is a row vector).
Between two columns stands one operator, on any line: ``x``, ``×``, ``*``,
``·`` or ``@`` (the matrix product), ``+``, ``-`` or ``=``. Stacked, each line
holds one vector with the operator that joins it (``+``, ``-``; none on the
first), a rule of dashes may follow, and the last line is ``= [..]``.

The reading is strict: a line with anything else on it (a word, a label, a
number outside brackets), rows of unequal length in one column, two operators
between two columns, or no ``=`` make no layout at all. What is read becomes
one chain ``A x B = C`` whose numbers are nodes at their own places in the
block, so a wrong entry is reported on its own line.
"""

from __future__ import annotations

import re

from derive.check.read import nodes as N
from derive.check.read.delimiters import MathSpan
from derive.numbers import parse_decimal

MAX_LINES = 40
ROW = re.compile(r"\[([^\[\]\n]*)\]")
NUMBER = re.compile(r"[-−]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
PRODUCT = {"x", "×", "*", "·", "@", "⋅"}
OPERATORS = PRODUCT | {"+", "-", "−", "="}
RULE = re.compile(r"^[ \t]*[-=_─—]{3,}[ \t]*$")
STACKED = re.compile(r"^[ \t]*(?P<op>[-+−=])?[ \t]*(?P<row>\[[^\[\]\n]*\])[ \t]*$")


def layout_spans(text: str, start: int) -> list[MathSpan]:
    """The layouts in a text block (a fenced block that is not code) at document offset
    ``start``: each a span of notation ``layout`` whose label is the chain it draws."""
    lines = text.split("\n")
    offsets = [0]
    for line in lines[:-1]:
        offsets.append(offsets[-1] + len(line) + 1)
    out = []
    for lo, hi in _runs(lines):
        chain = _stacked(lines, offsets, lo, hi) or _side_by_side(lines, offsets, lo, hi)
        if chain is not None:
            out.append(MathSpan(start, text, True, "layout", chain))
    return out


def _runs(lines: list[str]) -> list[tuple[int, int]]:
    """Runs of consecutive non-blank lines (at most ``MAX_LINES`` long) that hold a bracket."""
    runs, lo = [], None
    for k, line in enumerate(lines + [""]):
        if line.strip() and lo is None:
            lo = k
        elif not line.strip() and lo is not None:
            if k - lo <= MAX_LINES and any("[" in x for x in lines[lo:k]):
                runs.append((lo, k))
            lo = None
    return runs


def _row(text: str, at: int) -> tuple[N.Node, ...] | None:
    """The numbers of one bracketed row (``text`` inside the brackets, at offset ``at``), or None."""
    items = [x for x in re.split(r"[,;\s]+", text.strip()) if x]
    found = list(NUMBER.finditer(text))
    if not found or len(found) != len(items) or any(m.group() != x for m, x in zip(found, items)):
        return None
    return tuple(_number(m.group(), at + m.start()) for m in found)


def _number(text: str, at: int) -> N.Node:
    negative = text[0] in "-−"
    body = text[1:] if negative else text
    num = N.Num(at + negative, at + len(text), parse_decimal(body))
    return N.Neg(at, at + len(text), num) if negative else num


def _matrix(rows: list[tuple[N.Node, ...]]) -> N.Mat:
    first, last = rows[0][0], rows[-1][-1]
    return N.Mat(first.start, last.end, tuple(rows), bracket=True)


def _stacked(lines, offsets, lo: int, hi: int) -> N.Chain | None:
    """``  [a] / + [b] / - [c] / ---- / = [d]``: a sum written down the page."""
    terms, signs, result = [], [], None
    for k in range(lo, hi):
        if RULE.match(lines[k]):
            continue
        m = STACKED.match(lines[k])
        if m is None or result is not None:
            return None
        row = _row(m.group("row")[1:-1], offsets[k] + m.start("row") + 1)
        if row is None:
            return None
        op = m.group("op")
        if op == "=":
            result = _matrix([row])
        elif op is None and terms or op is not None and not terms:
            return None
        else:
            terms.append(_matrix([row]))
            signs.append(-1 if op in ("-", "−") else 1)
    if result is None or len(terms) < 2 or len({len(t.rows[0]) for t in terms + [result]}) != 1:
        return None
    total = N.Add(terms[0].start, terms[-1].end, tuple(terms), tuple(signs))
    return N.Chain(total.start, result.end, (total, result), ("=",))


def _side_by_side(lines, offsets, lo: int, hi: int) -> N.Chain | None:
    """Columns of bracketed rows with one operator between each two columns."""
    groups = []                         # (line, first column, last column, row)
    for k in range(lo, hi):
        rest = lines[k]
        for m in ROW.finditer(lines[k]):
            row = _row(m.group(1), offsets[k] + m.start(1))
            if row is None:
                return None
            groups.append((k, m.start(), m.end(), row))
            rest = rest[:m.start()] + " " * (m.end() - m.start()) + rest[m.end():]
        if any(token not in OPERATORS for token in rest.split()):
            return None
    columns = _columns(groups)
    if len(columns) < 2:
        return None
    operators = [_between(lines, lo, hi, a[-1][2], b[0][1]) for a, b in zip(columns, columns[1:])]
    if None in operators or "=" not in operators:
        return None
    matrices = []
    for col in columns:
        rows = [g[3] for g in sorted(col)]
        if len({len(r) for r in rows}) != 1 or [g[0] for g in sorted(col)] != list(range(col[0][0], col[0][0] + len(col))):
            return None
        matrices.append(_matrix(rows))
    return _chain(matrices, operators)


def _columns(groups: list) -> list[list]:
    """Groups of rows that overlap horizontally, left to right."""
    columns: list[list] = []
    for g in sorted(groups, key=lambda g: g[1]):
        if columns and g[1] < max(x[2] for x in columns[-1]):
            columns[-1].append(g)
        else:
            columns.append([g])
    for col in columns:
        col.sort(key=lambda g: g[0])
    return columns


def _between(lines, lo: int, hi: int, left: int, right: int) -> str | None:
    """The one operator written between two columns (on any line), or None."""
    found = {token for k in range(lo, hi) for token in lines[k][left:right].split()}
    return found.pop() if len(found) == 1 else None


def _chain(matrices: list[N.Mat], operators: list[str]) -> N.Chain | None:
    """``A x B = C``: the operands between equals signs folded left to right."""
    parts, current = [], matrices[0]
    for op, right in zip(operators, matrices[1:]):
        if op == "=":
            parts.append(current)
            current = right
        elif op in PRODUCT:
            current = N.Mul(current.start, right.end, (current, right))
        else:
            sign = -1 if op in ("-", "−") else 1
            terms = current.terms + (right,) if isinstance(current, N.Add) else (current, right)
            signs = current.signs + (sign,) if isinstance(current, N.Add) else (1, sign)
            current = N.Add(current.start, right.end, terms, signs)
    parts.append(current)
    if len(parts) < 2:
        return None
    return N.Chain(parts[0].start, parts[-1].end, tuple(parts), ("=",) * (len(parts) - 1))
