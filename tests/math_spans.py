"""Every math span of a Markdown page, with its line, as a renderer sees it.

Display math is a ``$$`` line, the lines of LaTeX, and a closing ``$$`` line
(the only display form derive writes); inline math is ``$...$`` in any other
line, outside code spans. Fenced code is skipped. This is a reader for pages
derive writes, not for Markdown at large.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

FENCE = re.compile(r"^\s*(```|~~~)")
CODE_SPAN = re.compile(r"(`+).*?\1")
INLINE = re.compile(r"(?<![\\$])\$(?!\$)(.+?)(?<![\\$])\$(?!\$)")
# A line a Markdown parser may start a list with: "- x", "+ x", "* x", "1. x", "1) x".
LIST_START = re.compile(r"^(?:[-+*]|\d+[.)])(?:\s|$)")


@dataclass(frozen=True)
class Span:
    where: str        # "page:line"
    latex: str
    display: bool


def spans(page: str, text: str) -> list[Span]:
    """The math spans of ``text`` in page order."""
    found, block, start, fenced = [], None, 0, False
    for number, line in enumerate(text.splitlines(), 1):
        if block is None and FENCE.match(line):
            fenced = not fenced
        elif fenced:
            continue
        elif line.strip() == "$$":
            if block is None:
                block, start = [], number
            else:
                found.append(Span(f"{page}:{start}", "\n".join(block), True))
                block = None
        elif block is not None:
            block.append(line)
        else:
            found += [Span(f"{page}:{number}", m.group(1), False)
                      for m in INLINE.finditer(CODE_SPAN.sub("", line))]
    if block is not None:
        raise ValueError(f"{page}:{start}: a $$ block is never closed")
    return found


def list_like_lines(span: Span) -> list[str]:
    """Lines of a display block that a Markdown parser could read as a list item."""
    return [line for line in span.latex.splitlines() if LIST_START.match(line.strip())] if span.display else []
