r"""Plain text out of prose, Markdown and inline LaTeX, with a map back to offsets.

``clean(text)`` drops the markup a fact may be wrapped in and keeps the words:
``$L=12$`` -> ``L=12``, ``d_{\text{model}}`` -> ``d_model``, ``50{,}257`` and
``50\,257`` -> ``50,257`` / ``50257``, ``**12 layers**`` -> ``12 layers``,
``\approx`` -> ``≈``, ``BERT<sub>BASE</sub>`` -> ``BERT_BASE``; URLs become a
space (a path like ``huggingface.co/gpt2`` is not a mention). Every position of
the clean text maps back to the original (``Cleaned.origin``). One pass, linear.

``sentences(clean)``: spans of sentences. Blank lines, headings, list items and
table rows end a sentence (fenced code is no sentence at all); inside a paragraph a sentence ends at ``.``, ``!`` or
``?`` followed by a space and a capital (not after ``e.g.``, ``vs.``, ``et al.``).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

_MARKUP = re.compile(r"""
    (?:```|~~~)[^\n]*
  | https?://\S+
  | \\(?:text|mathrm|textrm|mathbf|textbf|textit|mathit|operatorname|mathsf|texttt|textsc|emph|rm|bf|it|tt|sf)
      (?![A-Za-z])[ \t]*
  | \\[,;:!\ ] | \{,\}
  | \\(?:approx|sim|times|cdot|leq?|geq?)(?![A-Za-z])
  | \\\\ | \\[()\[\]]
  | \\[A-Za-z]+
  | </?sub> | </?(?:sup|b|i|em|strong|code)>
  | (?<![\w*])\*+(?=[^\s*]) | (?<=[^\s*])\*+(?![\w*])
  | [$`{}] | ~(?!\d) | [\u00a0\u2009\u202f] | [\u2010\u2011\u2012\u2212]
""", re.X)

_SYMBOLS = {"\\approx": "≈", "\\sim": "~", "\\times": "×", "\\cdot": "×", "\\le": "≤", "\\leq": "≤",
            "\\ge": "≥", "\\geq": "≥", "{,}": ",", "<sub>": "_"}


def _replacement(m: re.Match) -> str:
    s = m.group(0)
    if s.startswith(("```", "~~~")):
        return "```"                                    # a code fence stays, for sentences()
    if s in _SYMBOLS:
        return _SYMBOLS[s]
    if s[0] in "\u2010\u2011\u2012\u2212":
        return "-"
    if s in ("\\,", "\\;", "\\:", "\\!", "\\ ", "\u2009", "\u202f", "\u00a0"):
        text, i, j = m.string, m.start(), m.end()
        between_digits = i > 0 and j < len(text) and text[i - 1].isdigit() and text[j].isdigit()
        return "" if between_digits else " "
    if s.startswith("http") or s in ("\\\\", "~") or s[:2] in ("\\(", "\\)", "\\[", "\\]"):
        return " "
    if s.startswith("\\") and s[1:].strip().isalpha() and not s.startswith(("\\text", "\\math", "\\rm",
                                                                             "\\bf", "\\it", "\\tt",
                                                                             "\\sf", "\\emph",
                                                                             "\\operatorname")):
        return " "
    return ""


@dataclass(frozen=True)
class Cleaned:
    """The clean text and, for each replaced stretch, where it came from."""

    text: str
    _clean_starts: tuple[int, ...]   # start of each stretch in the clean text
    _spans: tuple[tuple[int, int, int, bool], ...]   # (clean_start, orig_start, orig_end, verbatim)

    def origin(self, pos: int) -> int:
        """The original offset of clean position ``pos``."""
        i = bisect_right(self._clean_starts, pos) - 1
        if i < 0:
            return pos
        c0, o0, o1, verbatim = self._spans[i]
        return o0 + (pos - c0) if verbatim else o0

    def origin_end(self, end: int) -> int:
        """The original offset just after clean position ``end - 1``."""
        i = bisect_right(self._clean_starts, end - 1) - 1
        if i < 0:
            return end
        c0, o0, o1, verbatim = self._spans[i]
        return o0 + (end - c0) if verbatim else o1


def clean(text: str) -> Cleaned:
    """The text without markup, and the map back."""
    pieces, starts, spans = [], [], []
    at, pos = 0, 0                                  # clean length so far, original position
    for m in _MARKUP.finditer(text):
        if m.start() > pos:                         # a verbatim stretch
            starts.append(at)
            spans.append((at, pos, m.start(), True))
            pieces.append(text[pos:m.start()])
            at += m.start() - pos
        new = _replacement(m)
        if new:
            starts.append(at)
            spans.append((at, m.start(), m.end(), False))
            pieces.append(new)
            at += len(new)
        pos = m.end()
    if pos < len(text):
        starts.append(at)
        spans.append((at, pos, len(text), True))
        pieces.append(text[pos:])
    return Cleaned("".join(pieces), tuple(starts), tuple(spans))


_BLOCK_START = re.compile(r"[ \t]*(?:$|#|>|\||[-*+][ \t]|\d+[.)][ \t])")
_SENTENCE_END = re.compile(r"[.!?][\"')\]]*[ \t\n]+(?=[\"'(\[]?[A-Z])")
_ABBREVIATION = re.compile(r"(?:\b(?:e\.g|i\.e|vs|al|approx|cf|Fig|Eq|Sec|Tab|No|resp|etc)|(?<![\w.])[A-Z])\.$")


def _blocks(text: str) -> list[tuple[int, int]]:
    """Paragraph-like stretches: a blank line, a heading, a list item or a table row
    starts a new one; a heading or a table row is one on its own. Fenced code is
    not prose: it is left out."""
    blocks, start, pos, alone, fenced = [], 0, 0, False, False
    for line in text.split("\n"):
        stripped = line.lstrip()
        fence = stripped.startswith("```")
        if alone or fence or _BLOCK_START.match(line):
            if pos > start and not fenced:
                blocks.append((start, pos))
            start = pos
        if fence:
            fenced = not fenced
            start = pos + len(line) + 1
        alone = stripped.startswith(("#", "|")) or not stripped
        pos += len(line) + 1
    if len(text) > start and not fenced:
        blocks.append((start, len(text)))
    return blocks


def sentences(text: str) -> list[tuple[int, int]]:
    """The sentence spans of a clean text, in order."""
    spans = []
    for b0, b1 in _blocks(text):
        start = b0
        for m in _SENTENCE_END.finditer(text, b0, b1):
            if _ABBREVIATION.search(text, max(b0, m.start() - 8), m.start() + 1):
                continue
            spans.append((start, m.start() + 1))
            start = m.end()
        if start < b1 and text[start:b1].strip():
            spans.append((start, b1))
    return spans
