r"""How big a thing derive writes on a page, and how: the display policy.

Every number here is a page-layout decision, kept in one place with its
reason. The helpers work on text derive printed itself (LaTeX from SymPy,
decimals from ``derive.numbers``); nothing here reads a document.

- ``fits``: is a display block narrow enough to show? Widths are estimated
  from the LaTeX (``width_em``), calibrated against KaTeX in headless
  Chromium at 16 px (one em of display math is 1.21 x 16 = 19.4 px) and
  against derive's HTML pages there (MathML, DejaVu Math TeX Gyre).
- ``broken``: a line too wide to fit, as an aligned block of lines that do.
- ``scientific``: a decimal far from 1 as ``1.2 \times 10^{-50}``.
- ``pmatrix``: a matrix's rows, laid out so that no line reads as a list item.
- ``row_break``: extra space under a matrix row that holds a fraction.
- ``marked_digits``: the digits in which two decimals differ, underlined.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass


@dataclass(frozen=True)
class DisplayPolicy:
    # 900 px is the widest display block the rendering goal allows (issue 15);
    # 40 em is 776 px at KaTeX's 19.4 px em, which leaves room for the
    # estimate's error (measured within about 15 % on derive's pages).
    max_width_em: float = 40.0
    # Below 10^-4 a fixed decimal shows more zeros than digits ("0.00001");
    # from 10^6 up, digits stop being countable at a glance.
    scientific_below: int = -4      # decimal exponent of the smallest plain number
    scientific_from: int = 6        # decimal exponent of the smallest number written 10^k
    # A \frac row is about 2.4 ex tall; without extra space the fractions of
    # two rows touch. 0.5em is the gap KaTeX and MathJax both accept after \\.
    fraction_row_gap: str = "0.5em"
    # A sum broken over more lines than this is a wall of symbols nobody
    # reads term by term; its size (count_ops) says as much.
    max_broken_lines: int = 4
    # A matrix too wide to show whole is shown one entry a line up to this many
    # entries: the 3 x 4 of the worked examples; a bigger one is left to the JSON.
    max_entry_lines: int = 12


POLICY = DisplayPolicy()


# ---------------------------------------------------------------- width

_TOKEN = re.compile(r"\\[A-Za-z]+|\\.|[{}^_&]|[^\s]")
# Rough advance widths in em, by token; anything else is a letter or digit.
_WIDTH = {"+": 1.0, "-": 1.0, "=": 1.1, "<": 1.1, ">": 1.1, ",": 0.45, "(": 0.4, ")": 0.4,
          "[": 0.3, "]": 0.3, "|": 0.3, "'": 0.3, ".": 0.3, r"\cdot": 0.7, r"\times": 1.0,
          r"\approx": 1.1, r"\le": 1.1, r"\ge": 1.1, r"\quad": 1.0, r"\qquad": 2.0, r"\,": 0.17,
          r"\;": 0.28, r"\:": 0.22, r"\!": -0.17, r"\left": 0.0, r"\right": 0.0, r"\\": 0.0, "&": 0.0,
          r"\partial": 0.6, r"\sum": 1.4, r"\prod": 1.4, r"\infty": 1.0, r"\ne": 1.1,
          # Italic capitals are wider than the 0.55 em of a lower-case letter or a digit:
          # at 0.55, dL/dQ_11 in terms of P (six products of K, P, V) was estimated at
          # 39.2 em and measured 920 px in Chromium (23.5 px per em, over the 900 px goal).
          **{c: 0.75 for c in string.ascii_uppercase}}
_SCRIPT = 0.7      # a superscript or subscript is set at about 70 %
_NESTED = 0.75     # so is a fraction inside a fraction or a script


def width_em(latex: str) -> float:
    """Estimated rendered width of display LaTeX, in em: matrices are the sum of
    their widest column per column, fractions the wider of their two parts."""
    return _Reader(_TOKEN.findall(latex)).width(scale=1.0)


def fits(latex: str, policy: DisplayPolicy = POLICY) -> bool:
    """Whether a display block is narrow enough to show on the page."""
    return width_em(latex) <= policy.max_width_em


def shown(latex: str, policy: DisplayPolicy = POLICY) -> str | None:
    """A display block as it goes on the page: itself when it fits, else broken
    over lines that do (``broken``), else None (the page gives its size instead)."""
    return latex if fits(latex, policy) else broken(latex, policy)


# ---------------------------------------------------------------- line breaks

# Taller than a line of scripts: a \bigl( that stands in for \left( would be too short.
_TALL = (r"\frac", r"\begin", r"\sum", r"\prod", r"\sqrt", r"\left")
# After these a sign is unary, not a place to break.
_OPERAND_EXPECTED = {"+", "-", "=", r"\cdot", r"\times", ","}


def broken(latex: str, policy: DisplayPolicy = POLICY) -> str | None:
    r"""A display line ``lhs = a + b - c ...`` too wide for the page, as an
    ``aligned`` block: each line filled with terms up to the width budget, a
    continuation line beginning with its sign. A right side that is one product
    ``c \left(a + b\right)`` is broken inside its parentheses (then \bigl(
    and \bigr), which may stand on different lines). None when there is no
    ``=``, no sum to break, one line is enough, a term alone is too wide, or
    more than ``policy.max_broken_lines`` lines are needed."""
    equals = next((k for k, token in _top_level(latex) if token == "="), None)
    if equals is None:
        return None
    lhs, rhs = latex[:equals].strip(), latex[equals + 1:].strip()
    pieces = terms(rhs)
    if len(pieces) < 2:
        pieces = _opened(rhs)
    lines = _filled(lhs, pieces, policy) if len(pieces) > 1 else None
    if lines is None or len(lines) < 2:
        return None
    rest = "".join(f"\n\\\\ &\\quad {line}" for line in lines[1:])
    return f"\\begin{{aligned}}\n{lhs} &= {lines[0]}{rest}\n\\end{{aligned}}"


def entries(label: str, cells: list[list[str]], policy: DisplayPolicy = POLICY) -> str | None:
    r"""A matrix too wide for the page as an ``aligned`` block of its entries,
    one a line in row order: ``{[Q]}_{2,1} &= ...``. None when it has more than
    ``policy.max_entry_lines`` entries or an entry's line is too wide itself."""
    # braced: "\\ [" would read as a row break's optional spacing, \\[Q]
    lines = [rf"{{[{label}]}}_{{{i},{j}}} &= {cell}" for i, row in enumerate(cells, 1) for j, cell in enumerate(row, 1)]
    if len(lines) > policy.max_entry_lines or not all(fits(line, policy) for line in lines):
        return None
    # plain \\: latex2mathml's split (the HTML's aligned) reads no \\[0.5em]
    return "\\begin{aligned}\n" + "\n\\\\ ".join(lines) + "\n\\end{aligned}"


def _top_level(latex: str) -> list[tuple[int, str]]:
    r"""(position, token) of each token outside braces, \left...\right and environments."""
    found, depth = [], 0
    for match in _TOKEN.finditer(latex):
        token = match.group()
        depth -= token in ("}", r"\right", r"\end")
        if depth == 0:
            found.append((match.start(), token))
        depth += token in ("{", r"\left", r"\begin")
    return found


def terms(latex: str) -> list[str]:
    """A sum's terms, each with its sign: ``a - b + c -> [a, - b, + c]``."""
    top = _top_level(latex)
    cuts = [k for (k, token), (_, before) in zip(top[1:], top)
            if token in ("+", "-") and before not in _OPERAND_EXPECTED]
    return [latex[a:b].strip() for a, b in zip([0, *cuts], [*cuts, len(latex)])]


def _opened(latex: str) -> list[str]:
    r"""``c \left(a + b\right) d`` as ``[c \bigl(a, + b\bigr) d]``; [] when the
    right side holds no single such group, or one with tall content."""
    opening, closing = r"\left(", r"\right)"
    groups = [k for k, token in _top_level(latex) if token in (r"\left", r"\right")]
    if len(groups) != 2 or not (latex.startswith(opening, groups[0]) and latex.startswith(closing, groups[1])):
        return []
    inside = latex[groups[0] + len(opening):groups[1]]
    if any(tall in inside for tall in _TALL):
        return []
    pieces = terms(inside)
    pieces[0] = rf"{latex[:groups[0]]}\bigl({pieces[0]}"
    pieces[-1] = rf"{pieces[-1]}\bigr){latex[groups[1] + len(closing):]}"
    return pieces


def _filled(lhs: str, pieces: list[str], policy: DisplayPolicy) -> list[str] | None:
    """Terms packed into lines no wider than the budget (the first after ``lhs =``),
    as even as that many lines allow: no lone term left over on the last line."""
    lines = _packed(lhs, pieces, policy.max_width_em)
    if lines is None or len(lines) > policy.max_broken_lines:
        return None
    limit = policy.max_width_em
    while (tighter := _packed(lhs, pieces, limit - 1)) is not None and len(tighter) == len(lines):
        lines, limit = tighter, limit - 1
    return lines


def _packed(lhs: str, pieces: list[str], limit: float) -> list[str] | None:
    """Each line filled up to ``limit`` em; None when a term alone is wider."""
    lines: list[str] = []
    for piece in pieces:
        if lines and width_em(f"{_head(lhs, len(lines) - 1)} {lines[-1]} {piece}") <= limit:
            lines[-1] = f"{lines[-1]} {piece}"
        else:
            lines.append(piece)
    fit = all(width_em(f"{_head(lhs, k)} {line}") <= limit for k, line in enumerate(lines))
    return lines if fit else None


def _head(lhs: str, line: int) -> str:
    return rf"{lhs} =" if line == 0 else r"\quad"


class _Reader:
    """Walks tokens once; each method consumes what it measures."""

    def __init__(self, tokens: list[str]):
        self.tokens, self.i = tokens, 0

    def _next(self) -> str | None:
        token = self.tokens[self.i] if self.i < len(self.tokens) else None
        self.i += 1
        return token

    def _group(self, scale: float) -> float:
        """One argument: a braced group or a single token."""
        if self.i < len(self.tokens) and self.tokens[self.i] == "{":
            self.i += 1
            return self.width(scale, until="}")
        return self._atom(self._next(), scale)

    def width(self, scale: float, until: str | None = None) -> float:
        total = 0.0
        while self.i < len(self.tokens) and self.tokens[self.i] != until:
            total += self._atom(self._next(), scale)
        self.i += 1   # the closing brace (or past the end)
        return total

    def _atom(self, token: str | None, scale: float) -> float:
        if token is None or token == "}":
            return 0.0
        if token == "{":
            return self.width(scale, until="}")
        if token in "^_":
            return self._group(scale * _SCRIPT)
        if token in (r"\frac", r"\dfrac", r"\tfrac"):
            inner = scale * (_NESTED if scale < 1 or token == r"\tfrac" else 1.0)
            return max(self._group(inner), self._group(inner)) + 0.2 * scale
        if token == r"\sqrt":
            return self._group(scale) + 0.9 * scale
        if token in (r"\left", r"\right"):
            self._next()            # the delimiter
            return 0.45 * scale
        if token in (r"\text", r"\mathrm", r"\operatorname", r"\textcolor", r"\boxed", r"\underline"):
            if token == r"\textcolor":
                self._skip_group()
            return self._group(scale) + (0.6 * scale if token == r"\boxed" else 0.0)
        if token == r"\begin":
            return self._environment(scale)
        if token.startswith("\\") and token[1:].isalpha() and token not in _WIDTH:
            # \log, \sin, \max are upright words; \alpha, \sigma one glyph
            return (0.5 * len(token) if token[1:] in _WORDS else 0.65) * scale
        return _WIDTH.get(token, 0.55) * scale

    def _skip_group(self) -> None:
        depth = 0
        while self.i < len(self.tokens):
            token = self._next()
            depth += {"{": 1, "}": -1}.get(token, 0)
            if depth == 0:
                return

    def _environment(self, scale: float) -> float:
        """A matrix: per column its widest cell, a gap between columns, its delimiters."""
        self._skip_group()                 # {pmatrix}
        rows, row, cell = [], [], []
        depth = 0
        while self.i < len(self.tokens):
            token = self._next()
            depth += {"{": 1, "}": -1}.get(token, 0)
            if depth == 0 and token == r"\end":
                self._skip_group()
                break
            if depth == 0 and token in ("&", r"\\"):
                row.append(cell)
                cell = []
                if token == r"\\":
                    rows.append(row)
                    row = []
                    if self.i < len(self.tokens) and self.tokens[self.i] == "[":   # \\[0.5em]
                        while self._next() not in ("]", None):
                            pass
                continue
            cell.append(token)
        rows.append(row + [cell])
        columns: dict[int, float] = {}
        for r in rows:
            for k, c in enumerate(r):
                columns[k] = max(columns.get(k, 0.0), _Reader(c).width(scale))
        return sum(columns.values()) + 1.0 * scale * max(len(columns) - 1, 0) + 1.0 * scale


_WORDS = {"log", "ln", "exp", "sin", "cos", "tan", "tanh", "max", "min", "det", "operatorname",
          "mathrm", "arg", "lim", "erf"}


# ---------------------------------------------------------------- numbers

_PLAIN = re.compile(r"^(-?)(\d+)(?:\.(\d+))?$")


def scientific(text: str, policy: DisplayPolicy = POLICY) -> str:
    r"""A decimal derive printed, as LaTeX: itself when its size is ordinary,
    else mantissa times a power of ten with the same significant digits:
    ``0.000000000061 -> 6.1 \times 10^{-11}``. Zero stays ``0``."""
    match = _PLAIN.match(text)
    if match is None:
        return text
    sign, whole, fraction = match[1], match[2], match[3] or ""
    digits = (whole + fraction).lstrip("0")
    if not digits:
        return text
    exponent = len(whole.lstrip("0")) - 1 if whole.lstrip("0") else -(len(fraction) - len(fraction.lstrip("0")) + 1)
    if policy.scientific_below <= exponent < policy.scientific_from:
        return text
    if exponent >= 0:
        digits = digits if fraction else digits.rstrip("0") or "0"   # 1000000 is 1, not 1.000000
    mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
    return rf"{sign}{mantissa} \times 10^{{{exponent}}}"


# ---------------------------------------------------------------- matrices

def pmatrix(rows, one_line: bool = False) -> str:
    r"""Rows of LaTeX cells as a pmatrix. One row a line: each line after the first
    begins with the row break (``\\``, spaced when a fraction is near); ``one_line``:
    all on one line (inside a longer line). Either way no line of a display block
    starts with ``-``, ``+`` or ``1.``, which a Markdown parser could take for a list item."""
    rows = [[str(c) for c in row] for row in rows]
    if one_line:
        return r"\begin{pmatrix} " + r" \\ ".join(" & ".join(row) for row in rows) + r" \end{pmatrix}"
    lines = [" & ".join(rows[0])] + [f"{row_break(above, row)} " + " & ".join(row)
                                     for above, row in zip(rows, rows[1:])]
    return "\\begin{pmatrix} " + "\n".join(lines) + "\n\\end{pmatrix}"


def row_break(above: list[str], below: list[str], policy: DisplayPolicy = POLICY) -> str:
    r"""``\\``, with extra space when a fraction sits on either side of it."""
    tall = any(r"\frac" in c for c in [*above, *below])
    return rf"\\[{policy.fraction_row_gap}]" if tall else r"\\"


def marked_digits(text: str, other: str) -> str:
    r"""``text`` with everything from its first character that differs from
    ``other`` (aligned at the decimal point) underlined, since every digit after
    a wrong one is off too: ``marked_digits('0.0001', '0.0100') == '0.0\underline{001}'``."""
    a, b = _aligned(text, other)
    same = next((k for k, (x, y) in enumerate(zip(a, b)) if x != y), len(a))
    kept, rest = a[:same].strip(), a[same:].strip()
    return kept + (rf"\underline{{{rest}}}" if rest else "")


def _aligned(a: str, b: str) -> tuple[str, str]:
    """Both padded with spaces so that their decimal points (or ends) line up."""
    ia, ib = (s.index(".") if "." in s else len(s) for s in (a, b))
    left = max(ia, ib)
    a, b = " " * (left - ia) + a, " " * (left - ib) + b
    right = max(len(a), len(b))
    return a.ljust(right), b.ljust(right)
