"""Is a block labelled Python really Python?

Authors label worked arithmetic ``python`` for its colours (``mean = (0.1 + 0.3) / 2``
then ``     = 0.2`` on the next line); such a block is read as plain math, not as code.
A notebook cell's IPython lines (``%matplotlib inline``, ``!pip install``) are not Python
either, and are dropped before either use. ``line_starts`` maps ``ast`` positions (line,
column) of a block to offsets.
"""

from __future__ import annotations

import ast
import re

MAGIC = re.compile(r"^[ \t]*[%!].*$", re.M)


def without_magics(code: str) -> str:
    """A notebook cell without its IPython lines (``%matplotlib inline``, ``!pip install``), line numbers kept."""
    return MAGIC.sub("", code)


def is_python(code: str) -> bool:
    """Does ``code`` (its IPython lines aside) parse as Python? (``ast.parse`` runs nothing.)"""
    try:
        ast.parse(without_magics(code))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


def line_starts(code: str) -> list[int]:
    """The offset in ``code`` of each of its lines (``ast`` positions are line and column)."""
    starts = [0]
    for line in code.split("\n"):
        starts.append(starts[-1] + len(line) + 1)
    return starts
