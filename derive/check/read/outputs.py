r"""Code blocks and the output blocks that follow them.

* Literal arrays in Python code (``W_Q = np.array([[1, 0], ...])``) are read
  with Python's own parser (``ast.parse`` builds a tree and runs nothing) and
  become values of names, so the text's formulas can be judged against the
  numbers the author's code used.
* An output block is a sequence of printed items, in order, each one claim:

  - a NumPy array (``[[0.  1.5]``/`` [2.  3. ]]``, rows wrapped over lines),
    a Python list or tuple (``[1.0, 2.0]``, ``(2, 3)``), a repr
    (``array([...], dtype=float32)``, ``tensor([...])``, ``tensor(0.5)``,
    ``np.float64(0.5)``); the text before it, or a caption line above it
    (``Q matrix:``), is its label;
  - a line of numbers: a bare scalar (``0.6155``, ``-3``, ``1e-05``,
    ``nan``, ``inf``) or several (``0.1 0.2 0.3``);
  - ``label: number`` / ``label = number`` (several on a line: ``a=1, b=2``),
    ``label: 1 2 3`` and ``label number`` (``loss 0.25``).

  A line like ``...`` or ``...SNIP...`` marks output left out (a gap).
  Inside a NumPy printout (no commas, or an ``array(``/``tensor(`` repr)
  every entry carries the array's precision, since NumPy drops trailing
  zeros; a Python list or a plain line keeps each number's own decimals.
"""

from __future__ import annotations

import ast
import functools
import re
from dataclasses import dataclass

from derive.check.read import nodes as N
from derive.check.read.delimiters import MathSpan
from derive.check.read.lexer import LatexError
from derive.check.read.markdown import CodeBlock
from derive.check.read.plain import labelled, parse_expression
from derive.check.read.python import line_starts, without_magics
from derive.check.read.grids import numpy_precision
from derive.errors import DeriveError
from derive.numbers import Printed, parse_decimal
from derive.check.policy import POLICY

ARRAY_CALLS = {"array", "asarray", "tensor", "matrix", "Tensor", "constant"}
_NUM = r"(?<![\w.])[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?(?![\w.])|(?<![\w])[-+]?(?:nan|inf)(?![\w])"
NUMBER = re.compile(_NUM)
NUMBERS_ONLY = re.compile(rf"(?:(?:{_NUM})[\s,;]*)+")
SEP_NUMBER = re.compile(rf"[:=]\s*({_NUM})")
OPENING = re.compile(rf"[\[(](?=[\s\[(]*(?:{_NUM}))")        # a bracket opening a list of numbers
ARRAY_PREFIX = re.compile(r"(?:[\w.]*\.)?(?:array|tensor|Tensor|matrix)\(?\s*$")
WRAPPED_SCALAR = re.compile(r"\b(?:np|numpy|torch)\.[a-z]+\d*\(\s*([^()]*?)\s*\)")   # np.float64(0.5)
KWARGS = re.compile(r"\s*,\s*[A-Za-z_]\w*\s*=")
KWARGS_TAIL = re.compile(r",\s*[A-Za-z_]\w*\s*=.*", re.S)
GAP = re.compile(r"[#\s\[\](){}<>]*(?:\.{3,}|\u2026)[^\d]*")
MAX_ARRAY_ENTRIES = POLICY.max_entries

Grid = tuple[tuple[Printed, ...], ...]


@dataclass(frozen=True)
class Literal:
    """A name the code gives a literal array or number."""

    name: str
    grid: Grid
    line: int
    scalar: bool = False


@dataclass(frozen=True)
class Printout:
    """One printed value in an output block: a label, its numbers, its lines."""

    label: str
    grid: Grid | None          # None when an entry is nan or inf
    line: int                  # offset of its first line inside the block
    end_line: int
    text: str
    special: str = ""          # "nan" / "inf" when present, "ragged" for rows of different lengths
    cells: tuple[tuple[str, ...], ...] = ()    # the numbers as printed, row by row
    gap: bool = False          # output was left out just before it ("...")
    numpy: bool = False        # NumPy's trailing-zero rule applies


# ---------------------------------------------------------------- code literals

def literals(block: CodeBlock) -> list[Literal]:
    """``NAME = np.array([...])`` and ``NAME = 0.5`` assignments of a Python block (``A = B = 0.5`` too)."""
    try:
        tree = ast.parse(block.text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []
    out = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Assign) and all(isinstance(t, ast.Name) for t in node.targets)):
            continue
        grid = _grid(node.value, block.text)
        if grid is not None:                     # (``Q = K = V = [...]``: each name gets it)
            scalar = not isinstance(node.value, (ast.List, ast.Tuple, ast.Call))
            out.extend(Literal(t.id, grid, block.line + node.lineno - 1, scalar) for t in node.targets)
    return out


def restated_results(block: CodeBlock, text: str) -> list[MathSpan]:
    """``scores = Q @ K.T`` and, a few lines on, ``scores = [[1.93, 1.09], ...]``: code that
    computes a name and then writes down its value, as tutorials do. The literal claims the
    value of the computation (a labelled span of the literal, labelled with the name and the
    formula), when nothing read the name between the two and the formula does not use the
    name itself. ``text``: the document with its comments blanked (offsets kept)."""
    try:
        tree = ast.parse(without_magics(block.text))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []
    starts = line_starts(block.text)
    computed: dict[str, ast.expr] = {}     # name -> the formula last assigned to it, unread since
    out = []
    for stmt in tree.body:
        for n in ast.walk(stmt):
            if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load):
                computed.pop(n.id, None)
        if not (isinstance(stmt, ast.Assign) and all(isinstance(t, ast.Name) for t in stmt.targets)):
            for n in ast.walk(stmt):
                if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store):
                    computed.pop(n.id, None)
            continue
        value, names = _array_literal(stmt.value), [t.id for t in stmt.targets]
        if not _nested(value, block.text):          # a formula (a literal needs numbers)
            reads = {n.id for n in ast.walk(stmt.value) if isinstance(n, ast.Name)}
            computed.update((name, stmt.value) for name in names if name not in reads)
            continue
        for name in names:
            formula = computed.pop(name, None)
            try:
                label = parse_expression(ast.get_source_segment(block.text, formula) or "") if formula else None
            except (SyntaxError, ValueError, LatexError, RecursionError, MemoryError):
                label = None                         # a formula derive does not read: no claim
            if label is not None:
                lo = block.start + starts[value.lineno - 1] + value.col_offset
                hi = block.start + starts[value.end_lineno - 1] + value.end_col_offset
                out.append(labelled(lo, text[lo:hi], (N.Sym(0, 0, name, name), label)))
    return out


def _array_literal(value: ast.expr) -> ast.expr:
    """``np.array([...])``, ``torch.tensor([...], dtype=...)``: the literal inside (else ``value``)."""
    if isinstance(value, ast.Call) and value.args and _call_name(value.func) in ARRAY_CALLS:
        return value.args[0]
    return value


def _grid(value: ast.expr, source: str) -> Grid | None:
    rows = _nested(_array_literal(value), source)
    if rows is None:
        return None
    if isinstance(rows, Printed):
        return ((rows,),)
    if all(isinstance(r, Printed) for r in rows):
        return (tuple(rows),) if rows else None
    if all(isinstance(r, list) and r and all(isinstance(x, Printed) for x in r) for r in rows):
        if len({len(r) for r in rows}) == 1:
            return tuple(tuple(r) for r in rows)
    return None


def _call_name(func: ast.expr) -> str:
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def _nested(node: ast.expr, source: str):
    """A number, or a (nested) list of numbers, read from the source text."""
    if isinstance(node, (ast.List, ast.Tuple)):
        items = [_nested(e, source) for e in node.elts]
        return None if any(i is None for i in items) else items
    sign = ""
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        sign = "-" if isinstance(node.op, ast.USub) else ""
        node = node.operand
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        text = ast.get_source_segment(source, node) or ""
        try:
            return parse_decimal(sign + text.replace("_", ""))
        except DeriveError:
            return None
    return None


# ---------------------------------------------------------------- output blocks

# settings a tensor's repr prints beside its numbers (``<tf.Tensor: shape=(2, 3), dtype=float32, numpy=``)
REPR_SETTINGS = re.compile(r"\b(?:shape|dtype|device)=(?:\([^()]*\)|[\w.'\":]+),?")


def printouts(text: str) -> list[Printout]:
    """The printed items of an output block, in order (see the module docstring); read
    once per text (the read, bind and judge passes all ask, and a block may print 100,000)."""
    return list(_printouts(text))


@functools.lru_cache(maxsize=32)
def _printouts(text: str) -> tuple[Printout, ...]:
    lines = [REPR_SETTINGS.sub(lambda m: " " * len(m.group()), WRAPPED_SCALAR.sub(r"\1", line))
             for line in text.split("\n")]
    out: list[Printout] = []
    caption, gap, k = "", False, 0     # caption: a line without numbers names the item under it
    while k < len(lines):
        line = lines[k]
        start = _opening(line)
        if start >= 0:
            end, body, rest = _bracketed(lines, k, start)
            label = _label(line[:start]) or caption
            numpy = "," not in body or bool(ARRAY_PREFIX.search(line[:start]))
            out.append(_printout(label, _rows(body), k, end, "\n".join(lines[k:end + 1]), numpy, gap))
            caption, gap = "", False
            if NUMBER.search(rest) and not KWARGS.match(rest):
                lines[end], k = rest, end          # another item on the same line
            else:
                k = end + 1
            continue
        stripped = line.strip()
        if not NUMBER.search(stripped):
            if _is_gap(stripped):
                caption, gap = "", True
            elif stripped:
                caption = stripped.rstrip(":=").strip()
        else:
            for label, numbers in _line_items(stripped):
                out.append(_printout(label or caption, [numbers], k, k, stripped, False, gap))
                caption, gap = "", False
        k += 1
    return tuple(out)


def _opening(line: str) -> int:
    """Where a printed list, array, tuple or tensor starts on the line, or -1.
    ``x[0]`` and ``f(2)`` are an index and a call, not printed lists."""
    for m in OPENING.finditer(line):
        before = line[:m.start()].rstrip()
        if not before or before[-1] in ":=,([" or ARRAY_PREFIX.search(line[:m.start()]):
            return m.start()
    return -1


def _bracketed(lines: list[str], k: int, start: int) -> tuple[int, str, str]:
    """Read from the opening bracket until the brackets balance (NumPy wraps long
    rows): the last line, the body, and what follows on that line."""
    depth, body, j = 0, [], k
    while j < len(lines):
        chunk = lines[j][start:] if j == k else lines[j]
        for pos, ch in enumerate(chunk):
            depth += (ch in "[(") - (ch in "])")
            if depth == 0:
                body.append(chunk[:pos + 1])
                offset = start if j == k else 0
                return j, "\n".join(body), lines[j][offset + pos + 1:]
        body.append(chunk)
        j += 1
    return len(lines) - 1, "\n".join(body), ""


def _label(before: str) -> str:
    """``Q:`` -> Q, ``x = array(`` -> x, ``tensor(`` -> ''."""
    before = re.sub(r"[\w.]*\(\s*$", "", ARRAY_PREFIX.sub("", before))    # torch.Size(
    return re.sub(r"\s+", " ", before.strip().rstrip(":=").strip())


def _rows(body: str) -> list[list[str]]:
    """The numbers of each innermost bracket group (a row); keyword arguments of a
    repr (``dtype=float32``, ``device='cuda:0'``) are not entries."""
    rows = []
    for group in re.findall(r"[\[(]([^\[\]()]*)[\])]", body):
        group = KWARGS_TAIL.sub("", group)
        numbers = [m.group() for m in NUMBER.finditer(group)]
        if numbers:
            rows.append(numbers)
    return rows


def _line_items(s: str) -> list[tuple[str, list[str]]]:
    """A line outside brackets: its items as (label, numbers)."""
    if NUMBERS_ONLY.fullmatch(s):
        return [("", [m.group() for m in NUMBER.finditer(s)])]          # 0.6155 / 0.1 0.2 0.3
    hits = [m for m in SEP_NUMBER.finditer(s) if m.end() == len(s) or s[m.end()] in " \t,;|"]
    if len(hits) >= 2:                                                  # a: 1, b: 2
        items, prev = [], 0
        for m in hits:
            items.append((s[prev:m.start()].strip(" \t,;|"), [m.group(1)]))
            prev = m.end()
        return items
    sep = re.search(r"[:=]", s)
    numbers = list(NUMBER.finditer(s))
    if sep and sep.start() < numbers[0].start() and NUMBERS_ONLY.fullmatch(s[sep.end():].strip()):
        return [(s[:sep.start()].strip(), [m.group() for m in numbers])]       # a: 1 2 3
    if hits:                                                                  # x[0] = 0.5
        return [(s[:hits[0].start()].strip(), [hits[0].group(1)])]
    last = numbers[-1]
    if sep and sep.start() < numbers[0].start():                             # acc: 95.0%
        return [(s[:last.start()].strip().rstrip(":=").strip(), [last.group()])]
    if last.end() == len(s) and re.search(r"[A-Za-z]\S*\s+$", s[:last.start()]):
        return [(s[:last.start()].strip(), [last.group()])]                   # loss 0.25
    return []


def _is_gap(stripped: str) -> bool:
    """An elision mark (``...``, ``[...]``, ``...SNIP...``): output was left out here."""
    return bool(GAP.fullmatch(stripped)) or "snip" in stripped.lower()


def _printout(label: str, rows: list[list[str]], first: int, last: int, text: str,
              numpy: bool, gap: bool) -> Printout:
    cells = tuple(tuple(r) for r in rows)
    values = [_entry(c) for row in cells for c in row]
    special = next((e.lstrip("+-") for e in values if isinstance(e, str)), "")
    if len({len(r) for r in rows}) != 1:
        special = special or "ragged"
    if sum(len(r) for r in rows) > MAX_ARRAY_ENTRIES:
        special = "too large"
    if special or not rows:
        return Printout(label, None, first, last, text, special or "ragged", cells, gap, numpy)
    grid = tuple(tuple(parse_decimal(c) for c in row) for row in cells)
    return Printout(label, numpy_precision(grid) if numpy else grid, first, last, text, "", cells, gap, numpy)


def _entry(c: str) -> Printed | str:
    """A printed number, or its text when it is not a finite decimal (nan, inf, 1e999)."""
    if c.lstrip("+-") in ("nan", "inf"):
        return c.lstrip("+")
    try:
        return parse_decimal(c)
    except DeriveError:
        return c


def entries(p: Printout) -> list[list[Printed | str]]:
    """The item's entries: a Printed (at the item's precision) or the text of one that
    is not a finite decimal ("nan", "-inf")."""
    if p.grid is not None:
        return [list(row) for row in p.grid]
    out = [[_entry(c) for c in row] for row in p.cells]
    numeric = [e for row in out for e in row if isinstance(e, Printed)]
    if numeric and p.numpy and not any("e" in e.text.lower() for e in numeric):
        decimals = max(e.decimals for e in numeric)       # NumPy's trailing-zero rule
        out = [[Printed(e.text, e.value, decimals) if isinstance(e, Printed) else e for e in row]
               for row in out]
    return out


def describe(p: Printout, labelled: bool = True) -> str:
    """``a scalar``, ``a 1x3 array``, with its label."""
    rows, cols = len(p.cells), len(p.cells[0]) if p.cells else 0
    if p.special == "ragged":
        shape = f"{rows} rows of {', '.join(str(len(r)) for r in p.cells[:10])} values"
    else:
        shape = "a scalar" if (rows, cols) == (1, 1) else f"a {rows}x{cols} array"
    return f"{p.label!r}: {shape}" if p.label and labelled else shape


def label_text(label: str) -> str:
    """A printed label as labels are compared: spaces collapsed, lower case (``Variance  1`` is ``variance 1``)."""
    return " ".join(label.split()).lower()


def label_key(label: str) -> str | None:
    """The name a printout stands for: ``"Q matrix:"`` -> Q, ``"K:"`` -> K."""
    words = label.replace(":", " ").replace("=", " ").split()
    words = [w for w in words if w.lower() not in ("matrix", "the", "output", "result")]
    if len(words) == 1 and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", words[0]):
        return words[0]
    return "".join(label.split()) or None
