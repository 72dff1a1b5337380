"""Notebooks pasted as text: ``In [3]:`` prompts read as code cells with their outputs.

A notebook exported to text or shown on a web page keeps Jupyter's prompts
but loses its fences::

    In [45]:
    exp_values = np.exp(layer_outputs)
    exp_values

    array([[1.21510418e+02, 3.35348465e+00, 1.08590627e+01],
           [7.33197354e+03, 1.63654137e-01, 1.22140276e+00]])

Each prompt starts a code cell (code on the prompt line counts), which runs to
the first blank line; what follows it, up to the next blank line, is the
cell's output when it starts with an ``Out[n]:`` prompt or looks printed (a
number, a bracket, ``array(``/``tensor(``, or a ``label: number`` line);
otherwise the cell printed nothing. The cells become fenced ``python`` and
``output`` blocks (``derive.check.read.sources``; as notebook cells, they show
their last expression), every line keeping its line
in the file, so claims are reported where the author's text has them. Text
with no prompt is left alone.
"""

from __future__ import annotations

import re

from derive.check.read.markdown import CELL_INFO
from derive.check.read.sources import Origin, Source

PROMPT = re.compile(r"^In \[\s*\d*\s*\]:[ \t]?(?P<code>.*)$")
OUT_PROMPT = re.compile(r"^Out\[\s*\d*\s*\]:[ \t]?(?P<rest>.*)$")
PRINTED = re.compile(r"^\s*(?:[-+\u2212]?\d|[\[(]|array\(|tensor\(|[A-Za-z][\w ]{0,40}:\s*[-\u2212\[(]?\d)")
FENCE = re.compile(r"^\s*(```|~~~)")


def transcript_source(text: str, path: str) -> Source | None:
    """The text with its prompt cells fenced, or None when it has no prompt outside fences."""
    lines = text.split("\n")
    if not any(PROMPT.match(line) for line in lines):
        return None
    out: list[str] = []
    origins: list[Origin] = []
    found = False

    def put(line: str, k: int) -> None:
        out.append(line)
        origins.append(Origin(path, k + 1))

    k, fenced = 0, False
    while k < len(lines):
        line = lines[k]
        if FENCE.match(line):
            fenced = not fenced
        m = None if fenced else PROMPT.match(line)
        if m is None:
            put(line, k)
            k += 1
            continue
        found = True
        code, k = _paragraph(lines, k + 1, [m.group("code")] if m.group("code").strip() else [])
        put(f"```python {CELL_INFO}", k - 1)
        for n, c in enumerate(code):
            put(c, k - len(code) + n)
        put("```", k - 1)
        k = _output(lines, k, put)
    return Source("\n".join(out), origins) if found else None


def _paragraph(lines: list[str], k: int, first: list[str]) -> tuple[list[str], int]:
    """The lines from k up to the first blank line (and the index after them)."""
    body = list(first)
    while k < len(lines) and lines[k].strip() and not PROMPT.match(lines[k]):
        body.append(lines[k])
        k += 1
    return body, k


def _output(lines: list[str], k: int, put) -> int:
    """Fence the output after a code cell, if there is one; the index to go on from."""
    j = k
    while j < len(lines) and not lines[j].strip():
        j += 1
    if j >= len(lines) or PROMPT.match(lines[j]):
        return k
    m = OUT_PROMPT.match(lines[j])
    if m is None and not PRINTED.match(lines[j]):
        return k
    for blank in range(k, j):
        put(lines[blank], blank)
    first = [m.group("rest")] if m is not None and m.group("rest").strip() else []
    body, end = _paragraph(lines, j + 1, first if m is not None else [lines[j]])
    put("```output", j)
    for n, line in enumerate(body):
        put(line, end - len(body) + n)
    put("```", end - 1)
    return end
