r"""Math in prose: ``$$...$$`` and ``\[...\]`` (display), ``$...$`` and ``\(...\)``
(inline), found in the source text with pandoc's rules for a closing ``$``
(no space before it, no digit after it) and never across a blank line.
Offsets are kept, so that every claim knows its line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

BLANK_LINE = re.compile(r"\n[ \t]*\n")
ENVIRONMENT = re.compile(r"\\begin\{((?:equation|align|gather|multline|eqnarray|flalign|alignat)\*?)\}")


@dataclass(frozen=True)
class MathSpan:
    start: int            # document offset of the first character of the content
    text: str
    display: bool
    notation: str = "latex"   # or "plain": math written without LaTeX (``derive.check.read.plain``), or
    #                           "labelled": the text is a value only, claimed for ``label``; "named":
    #                           a value only, given to the name ``label`` (``$T$ (length) = $1024$``)
    label: object = field(default=None, compare=False)    # a node (``derive.check.read.nodes``)


@dataclass(frozen=True)
class Problem:
    start: int
    message: str


def math_spans(prose: str) -> list[MathSpan | Problem]:
    """Math delimiters in prose (code already blanked out)."""
    out: list = []
    i = 0
    while i < len(prose):
        item, i = _delimited(prose, i)
        if item is not None:
            out.append(item)
    return out


def _delimited(prose: str, i: int) -> tuple[MathSpan | Problem | None, int]:
    """The math (or a problem) opening at ``i``, and where scanning goes on."""
    if prose[i] == "\\" and i + 1 < len(prose):
        return _escaped_math(prose, i)
    if prose.startswith("$$", i):
        end = _find(prose, "$$", i + 2)
        if end < 0:
            return Problem(i, "a $$ that is never closed"), i + 2
        return MathSpan(i + 2, prose[i + 2:end], True), end + 2
    if prose[i] == "$":
        end = _inline_end(prose, i)
        if end > 0:
            return MathSpan(i + 1, prose[i + 1:end], False), end + 1
    return None, i + 1


def _escaped_math(prose: str, i: int) -> tuple[MathSpan | None, int]:
    r"""``\[...\]`` (display) or ``\(...\)`` (inline) at ``i``; a bare display environment
    (``\begin{equation} ... \end{equation}``, which MathJax and KaTeX render in Markdown),
    the environment kept in the span; any other escape is skipped."""
    doubled = prose.startswith("\\\\", i) and prose[i + 2:i + 3] in ("[", "(")
    opening = prose[i + 1 + doubled]
    if opening in "[(":     # ``\\(...\\)``: the same, its backslashes escaped for Markdown (Hugo, org exports)
        width = 2 + doubled
        end = _find(prose, "\\" * (1 + doubled) + ("]" if opening == "[" else ")"), i + width)
        if end >= 0:
            return MathSpan(i + width, prose[i + width:end], opening == "["), end + width
    env = ENVIRONMENT.match(prose, i)
    if env is not None:
        close = f"\\end{{{env.group(1)}}}"
        end = prose.find(close, env.end())
        if end >= 0:
            return MathSpan(i, prose[i:end + len(close)], True), end + len(close)
    return None, i + 2


def _find(prose: str, close: str, start: int) -> int:
    """The closing delimiter before the paragraph ends (a blank line), or -1."""
    end = prose.find(close, start)
    blank = BLANK_LINE.search(prose, start)
    if end < 0 or (blank is not None and blank.start() < end):
        return -1
    return end


def _inline_end(prose: str, i: int) -> int:
    """The closing $ of an inline span opened at i (pandoc's rules), or -1."""
    if i + 1 >= len(prose) or prose[i + 1].isspace() or prose[i + 1] == "$":
        return -1
    j = i + 1
    while j < len(prose):
        ch = prose[j]
        if ch == "\\":
            j += 2
            continue
        if ch == "\n" and j + 1 < len(prose) and prose[j + 1:j + 2] == "\n":
            return -1
        if ch == "$":
            if not prose[j - 1].isspace() and not (j + 1 < len(prose) and prose[j + 1].isdigit()):
                return j
            return -1
        j += 1
    return -1
