r"""Statistics of labelled rows: ``"Hello": mean=0.25, std=0.364`` under a listing.

A listing gives each row of numbers a label in a comment, and a line further
down states statistics of a row by its label (or the row's own comment does,
after an arrow)::

    embeddings = [
        [0.1, 0.3, -0.2, 0.8],     # "Hello"
        [0.0, 0.1, 0.4, -0.1],     # ","
    ]
    "Hello": mean=0.25, std=0.364
    ","    : mean=0.10, std=0.187

    [-0.48, 0.0, 1.44, -0.96],     # ","  -> mean≈0, std≈1

Each statistic (``POLICY.row_statistics``: mean, std, var, sum) becomes a
value claimed for that function of the row, read like any labelled value. A
label must name exactly one row of the latest listing before the line (quotes
and spaces around a label do not count); the standard deviation is the
population one, the sample one a reading (``judge.readings``).
"""

from __future__ import annotations

import re

from derive.check.read import nodes as N
from derive.check.read.delimiters import MathSpan
from derive.check.read.lexer import LatexError
from derive.check.read.plain import _value_node, labelled
from derive.check.policy import POLICY

ROW = re.compile(r"^[ \t]*(?P<row>\[[^\[\]\n]*\])[ \t]*,?[ \t]*#[ \t]*(?P<label>\"[^\"\n]*\"|'[^'\n]*'|[^\n#→]*?)"
                 r"[ \t]*(?:(?:→|->)(?P<tail>[^\n]*))?$", re.M)
STATS = re.compile(r"^[ \t]*(?:#[ \t]*)?(?P<label>\"[^\"\n]*\"|'[^'\n]*'|[A-Za-z][\w ]{0,30}?)[ \t]*:"
                   r"(?P<tail>[ \t]*[A-Za-z]+[ \t]*[=≈][^\n]*)$", re.M)
STAT = re.compile(r"(?<![\w.])(?P<name>[A-Za-z]+)[ \t]*(?:=|≈|~=)[ \t]*(?P<value>[-−]?(?:\d+\.?\d*|\.\d+))(?![\w.])")


def row_statistics_spans(text: str) -> list[MathSpan]:
    """The statistics stated of labelled rows, as labelled spans (a row's function)."""
    rows = [(m.start(), _key(m.group("label")), m) for m in ROW.finditer(text)]
    out = []
    for start, key, m in rows:
        if m.group("tail"):
            out += _stats(m.group("row"), m.group("tail"), m.start("tail"))
    for m in STATS.finditer(text):
        listing = _latest_listing(rows, m.start())
        match = [r for _, k, r in listing if k == _key(m.group("label"))]
        if len(match) == 1:
            out += _stats(match[0].group("row"), m.group("tail"), m.start("tail"))
    return out


def _key(label: str) -> str:
    return label.strip().strip("\"'").strip()


def _latest_listing(rows: list, before: int) -> list:
    """The rows of the last listing (rows on consecutive lines) that ends before ``before``."""
    earlier = [r for r in rows if r[0] < before]
    if not earlier:
        return []
    run = [earlier[-1]]
    for r in reversed(earlier[:-1]):
        if r[2].string[r[2].end():run[0][2].start()].strip():
            break
        run.insert(0, r)
    return run


def _stats(row: str, tail: str, at: int) -> list[MathSpan]:
    """Each ``name=value`` of ``tail`` whose name is a statistic, claimed of the row."""
    try:
        node = _value_node(row)
    except (SyntaxError, ValueError, RecursionError, MemoryError, LatexError):
        return []
    out = []
    for s in STAT.finditer(tail):
        func = POLICY.row_statistics.get(s.group("name").lower())
        if func is not None:
            out.append(labelled(at + s.start("value"), s.group("value"), N.Call(0, 0, func, (node,))))
    return out
