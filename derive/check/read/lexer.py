r"""Tokens of the LaTeX subset: numbers, names, commands, symbols, row breaks.

The lexer never interprets anything: it cuts the text into tokens that keep
their offsets. Markdown escaping is undone here, once: a run of two or more
backslashes is one row break (``\\``, ``\\\``, ``\\\\``), and the raw text of
``\text{...}`` becomes a single WORD token.

Digits grouped by thousands are one number (``THOUSANDS``): ``12{,}288`` and
``12\,288`` (LaTeX's separators) anywhere, a bare ``12,288`` only where a list
makes no sense. The groups must be exactly three digits after a first group of
one to three that does not start with 0 (``0{,}125`` is a decimal comma, not
grouping), and nothing may follow but a decimal part (``1,234,56`` is not a
number). A bare comma groups only outside parentheses, brackets and the braces
of a sub- or superscript: ``(1,288)``, ``[1,288]`` and ``A_{1,100}`` stay pairs.
The norm bars ``\|``, ``\lVert``, ``\rVert``, ``\Vert`` and ``‖`` are the SYM
``‖``; ``\lvert``, ``\rvert``, ``\vert`` are ``|``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from derive.errors import DeriveError
from derive.check.policy import POLICY


class LatexError(DeriveError):
    """Text the LaTeX subset does not cover; ``offset`` points at the trouble and
    ``span`` (when known) is the (start, end) of the statement it voids."""

    def __init__(self, message: str, offset: int = 0):
        super().__init__(message)
        self.offset = offset
        self.span: tuple[int, int] | None = None


@dataclass(frozen=True)
class Token:
    kind: str     # NUM IDENT CMD WORD STR SYM BREAK SEP BEGIN END
    text: str
    start: int
    end: int


NUMBER = re.compile(r"(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+(?![A-Za-z]))?")
IDENT = re.compile(r"[A-Za-z][A-Za-z0-9]*")
COMMAND = re.compile(r"\\([A-Za-z]+)")

# Commands whose braced argument is read as raw text (a word, not math).
TEXT_COMMANDS = {"text", "textrm", "textit", "textbf", "mathrm", "operatorname", "mbox",
                 "textsf", "texttt", "mathsf", "mathtt"}
# Commands that only change the look of their argument: a bold, calligraphic or
# arrowed x is the name x. (Accents such as \hat make a new name: see ``atoms.ACCENTS``.)
TRANSPARENT = {"mathbf", "boldsymbol", "bm", "mathit", "mathcal", "mathbb", "vec", "displaystyle",
               "textstyle", "scriptstyle", "limits", "nolimits", "left", "right", "big", "Big",
               "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr", "biggl", "biggr", "Biggl", "Biggr",
               "bigm", "Bigm",
               "middle", "space", "nonumber", "boxed", "underline", "fbox", "mathbfit",
               "notag", "hline", "phantom", "mathstrut", "scriptscriptstyle",
               "tiny", "scriptsize", "footnotesize", "small", "normalsize", "large", "Large", "LARGE",
               "huge", "Huge"}
SEPARATORS = {"quad", "qquad", "cr", "newline", "therefore", "because"}     # (∴ and ∵ start a new statement)
# Brackets spelled as commands (``\left\lbrack``) are the brackets.
DELIMITERS = {"lbrack": "[", "rbrack": "]", "lparen": "(", "rparen": ")"}
SKIPPED_ARGUMENT = {"label", "tag", "hspace", "vspace", "phantom"}
SPACING = set(",;:!> ")
UNICODE = {"×": r"\times", "·": r"\cdot", "−": "-", "≈": r"\approx", "≤": r"\leq",
           "≥": r"\geq", "σ": r"\sigma", "μ": r"\mu", "ε": r"\epsilon", "α": r"\alpha",
           "β": r"\beta", "γ": r"\gamma", "∑": r"\sum", "√": r"\sqrt", "∞": r"\infty",
           "–": "-", "η": r"\eta", "λ": r"\lambda", "θ": r"\theta", "τ": r"\tau",
           "½": r"\frac{1}{2}", "¼": r"\frac{1}{4}", "¾": r"\frac{3}{4}", "⅓": r"\frac{1}{3}",
           "²": "^2", "³": "^3", **{chr(0x2080 + k): f"_{k}" for k in range(10)}}     # x₁ is x_1
DIGITS = "0123456789"          # str.isdigit() also holds for ² and ₁, which are scripts
MAX_TOKENS = POLICY.max_tokens
# 12{,}288, 12\,288 or 12,288 (see the module docstring): the separator and the groups
_TAIL = r"(?:\.\d+)?(?!\d|\{,\}\d|\\,\d|,\d)"
THOUSANDS = re.compile(r"[1-9]\d{0,2}(?:(?:\{,\}|\\,)\d{3})+" + _TAIL)
BARE_THOUSANDS = re.compile(r"[1-9]\d{0,2}(?:,\d{3})+" + _TAIL)
BARS = {"lVert": "‖", "rVert": "‖", "Vert": "‖", "lvert": "|", "rvert": "|", "vert": "|",
        "lceil": "⌈", "rceil": "⌉", "lfloor": "⌊", "rfloor": "⌋"}
LIST_OPENERS = {"(", "[", "\\{"}


def tokenize(text: str) -> list[Token]:
    """The tokens of ``text``; a LatexError for what cannot be tokenized."""
    tokens: list[Token] = []
    nest: list[str] = []            # open brackets: "list" (parentheses ...), "script", "group"
    i, n = 0, len(text)
    while i < n:
        seen = len(tokens)
        if len(tokens) > MAX_TOKENS:
            raise LatexError("formula too long", i)
        ch = text[i]
        if ch.isspace() or ch == "~":
            i += 1
        elif ch == "\\":
            i = _backslash(text, i, tokens)
        elif ch in DIGITS or (ch == "." and i + 1 < n and text[i + 1] in DIGITS):
            m = _grouped(text, i, nest)
            if m is not None:
                tokens.append(Token("NUM", re.sub(r"\{,\}|\\,|,", "", m.group()), i, m.end()))
            else:
                m = NUMBER.match(text, i)
                tokens.append(Token("NUM", m.group(), i, m.end()))
            i = m.end()
        elif ch.isascii() and ch.isalpha():
            m = IDENT.match(text, i)
            tokens.append(Token("IDENT", m.group(), i, m.end()))
            i = m.end()
        elif ch == '"':
            close = text.find('"', i + 1)
            if close < 0:
                raise LatexError("unterminated quotation mark", i)
            tokens.append(Token("STR", text[i + 1:close], i, close + 1))
            i = close + 1
        elif ch in UNICODE:
            tokens.extend(_retarget(tokenize(UNICODE[ch]), i, i + 1))
            i += 1
        elif ch.isalpha():  # other letters (Greek) are names
            tokens.append(Token("IDENT", ch, i, i + 1))
            i += 1
        elif ch == ":" and text[i + 1:i + 2] == "=":
            tokens.append(Token("SYM", ":=", i, i + 2))     # an assignment, see statements
            i += 2
        else:
            tokens.append(Token("SYM", ch, i, i + 1))
            i += 1
        for k in range(seen, len(tokens)):
            _nesting(tokens, k, nest)
    return tokens


def _grouped(text: str, i: int, nest: list[str]):
    """A number grouped by thousands starting at ``i`` (a match), else None."""
    if i > 0 and (text[i - 1].isdigit() or text[i - 1] == "."):
        return None
    m = THOUSANDS.match(text, i)
    if m is None and not any(k == "script" for k in nest):
        m = BARE_THOUSANDS.match(text, i)
        if m is not None and "list" in nest and not _operand(text, i, m.end()):
            m = None      # (1,600) may be a pair
    return m


OPERATOR_BEFORE = re.compile(r"(?:\\times|\\cdot|[-+*/=(\[])\s*$")    # an operand follows
PRODUCT_BEFORE = re.compile(r"(?:\\times|\\cdot|[*/])\s*$")            # a factor follows


def _operand(text: str, start: int, end: int) -> bool:
    r"""Is the grouped number at ``start:end`` inside brackets an operand (``(50,257 \times 1,600)``,
    ``(1,600^2)``), not the items of a list? An operator (or the opening bracket) comes before it and
    something other than a comma or a closing bracket after it; or a product sign before it."""
    before, after = text[max(0, start - 12):start], text[end:].lstrip()[:1]
    if after not in ("", ",", ")", "]"):
        return OPERATOR_BEFORE.search(before) is not None
    return after != "," and PRODUCT_BEFORE.search(before) is not None


def _nesting(tokens: list[Token], k: int, nest: list[str]) -> None:
    """The brackets open after token ``k`` (for ``BARE_THOUSANDS``)."""
    t = tokens[k]
    if t.kind != "SYM":
        return
    if t.text in LIST_OPENERS:
        nest.append("list")
    elif t.text == "{":
        before = tokens[k - 1] if k > 0 else None
        nest.append("script" if before is not None and before.kind == "SYM" and before.text in "_^" else "group")
    elif t.text in (")", "]", "}", "\\}") and nest:
        nest.pop()


def _retarget(tokens: list[Token], start: int, end: int) -> list[Token]:
    return [Token(t.kind, t.text, start, end) for t in tokens]


def _backslash(text: str, i: int, tokens: list[Token]) -> int:
    """One token (or none) starting at a backslash; returns the next offset."""
    run = len(text) - i - len(text[i:].lstrip("\\"))
    if run >= 2:
        return _row_break(text, i, run, tokens)
    m = COMMAND.match(text, i)
    if m is None:
        return _escaped(text, i, tokens)
    return _command(text, i, m.group(1), m.end(), tokens)


ROW_GAP = re.compile(r"\[\s*[+-]?(?:\d+\.?\d*|\.\d+)\s*(?:em|ex|pt|mm|cm|in|mu)\s*\]")


def _row_break(text: str, i: int, run: int, tokens: list[Token]) -> int:
    r"""Markdown escapes the row break as \\, \\\ or \\\\: a run is one break.
    A letter after the run makes its last backslash a command (\\\sin)."""
    if i + run < len(text) and text[i + run].isalpha():
        tokens.append(Token("BREAK", "\\\\", i, i + run - 1))
        return _backslash(text, i + run - 1, tokens)
    gap = ROW_GAP.match(text, i + run)      # \\[0.5em]: extra space under the row, not a cell
    tokens.append(Token("BREAK", "\\\\", i, gap.end() if gap else i + run))
    return gap.end() if gap else i + run


def _command(text: str, i: int, name: str, end: int, tokens: list[Token]) -> int:
    r"""``\name`` ending at ``end``: a token by the command's class (see the tables above)."""
    if name in ("begin", "end"):
        env, end = _braced(text, end)
        tokens.append(Token("BEGIN" if name == "begin" else "END", env.strip().rstrip("*"), i, end))
        return end
    if name in TEXT_COMMANDS:
        return _text_command(text, i, end, tokens)
    if name in SKIPPED_ARGUMENT:
        return _braced(text, end)[1]
    if name in TRANSPARENT:
        if name in ("left", "right", "bigl", "bigr", "Bigl", "Bigr", "biggl", "biggr", "Biggl",
                    "Biggr", "middle") and text[end:end + 1] == ".":
            return end + 1  # \left. is an invisible delimiter
        return end
    if name in DELIMITERS or name in BARS:
        tokens.append(Token("SYM", DELIMITERS.get(name) or BARS[name], i, end))
        return end
    tokens.append(Token("SEP" if name in SEPARATORS else "CMD", name, i, end))
    return end


def _text_command(text: str, i: int, end: int, tokens: list[Token]) -> int:
    r"""``\text{...}``: one WORD token (a STR when the text is quoted)."""
    word, end = _braced(text, end)
    word = word.replace("\\_", "_").replace("\\ ", " ").replace("\\,", " ").strip()
    kind = "STR" if len(word) >= 2 and word[0] == word[-1] == '"' else "WORD"
    tokens.append(Token(kind, word.strip('"') if kind == "STR" else word, i, end))
    return end


def _escaped(text: str, i: int, tokens: list[Token]) -> int:
    """A backslash followed by a non-letter: spacing, an escaped brace, or nothing."""
    nxt = text[i + 1] if i + 1 < len(text) else ""
    if nxt in SPACING or nxt == "":
        return i + 2 if nxt else i + 1
    if nxt in "{}":
        tokens.append(Token("SYM", "\\" + nxt, i, i + 2))
        return i + 2
    if nxt == "|":
        tokens.append(Token("SYM", "‖", i, i + 2))   # \| is the norm bar
        return i + 2
    if nxt in "%$#&_*":      # (``\*``: Markdown's escaped star, a product in math)
        tokens.append(Token("SYM", nxt, i, i + 2))
        return i + 2
    tokens.append(Token("SYM", "\\" + nxt, i, i + 2))
    return i + 2


def _braced(text: str, i: int) -> tuple[str, int]:
    """The raw content of ``{...}`` starting at (or after spaces from) ``i``."""
    while i < len(text) and text[i].isspace():
        i += 1
    if i >= len(text) or text[i] != "{":
        raise LatexError("expected '{'", i)
    depth, j = 0, i
    while j < len(text):
        c = text[j]
        if c == "\\":
            j += 2
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return text[i + 1:j], j + 1
        j += 1
    raise LatexError("unbalanced braces", i)
