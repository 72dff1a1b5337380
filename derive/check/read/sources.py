"""Documents in other formats, read as the Markdown the reader knows, with a map back.

A notebook (``.ipynb``) or a LaTeX document (``.tex``) is turned into one
Markdown text (``Source.text``) that the read pass reads like any Markdown
file: prose stays prose, math goes between ``$``/``$$``, code into fenced
blocks, stored outputs into fenced ``output`` blocks right after their code,
tables into pipe tables. ``Source.origins`` holds, for every line of that
text, where it came from, so that every claim is reported at the place the
author wrote it (``cell 3, line 2``; ``sections/attn.tex:41``).

A format adapter is a function ``path -> Source``; ``adapters`` maps a file
suffix to it. Adapters raise ``InputError`` (one line, naming the file and,
where known, the line) for a file they cannot read.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Origin:
    """Where one line of the Markdown text was written.

    ``file``: the file it is in (an ``\\input`` file of a LaTeX document, or
    the document itself); ``line``: its 1-based line in that file or, in a
    notebook, in the cell's source (or output text); ``cell``: the 1-based
    index of the notebook cell over all cells, None outside notebooks;
    ``part``: ``"output"`` for a line of a stored output, else ``""``. A line
    the adapter added (a fence, a table's header rule) takes the origin of the
    line it belongs to."""

    file: str
    line: int
    cell: int | None = None
    part: str = ""

    def where(self) -> str:
        """The place in words: ``cell 3, line 2``, ``cell 3, output line 1``, ``attn.tex:41``."""
        if self.cell is not None:
            return f"cell {self.cell}, {'output line' if self.part == 'output' else 'line'} {self.line}"
        return f"{self.file}:{self.line}"


@dataclass
class Source:
    """A document as Markdown text, and the origin of each of its lines (``origins[k]`` is line k + 1)."""

    text: str
    origins: list[Origin] = field(default_factory=list)

    def origin(self, line: int) -> Origin | None:
        """The origin of 1-based ``line`` of the text (the last known one past the end)."""
        if not self.origins:
            return None
        return self.origins[min(max(line, 1), len(self.origins)) - 1]
