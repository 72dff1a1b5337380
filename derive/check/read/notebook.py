"""Jupyter notebooks (``.ipynb``), read with ``nbformat``, as Markdown with a map back.

Every cell is met in order: a markdown cell is Markdown; a code cell becomes a
fenced block in the notebook's language, followed at once by a fenced
``output`` block holding what the notebook stored as its output (stream text
and ``text/plain`` results, in order; errors and images are not numbers the
author printed). Each line keeps its origin: ``cell N, line M`` (N counts all
cells from 1, M the lines of the cell's source) or ``cell N, output line M``.
"""

from __future__ import annotations

import re

import nbformat

from derive.check.read.markdown import CELL_INFO, InputError, read_text
from derive.check.read.sources import Origin, Source

TEXT_OUTPUTS = ("stream", "execute_result", "display_data")
BACKTICKS = re.compile(r"`{3,}")


def notebook_source(path: str) -> Source:
    """The notebook at ``path`` as Markdown, each line with its cell and line."""
    text = read_text(path)
    try:
        nb = nbformat.reads(text, as_version=4)
    except Exception as exc:  # noqa: BLE001 - nbformat raises many kinds for a file that is no notebook
        raise InputError(f"{path}: not a notebook ({_first_line(exc)})") from None
    language = str(nb.metadata.get("kernelspec", {}).get("language")
                   or nb.metadata.get("language_info", {}).get("name") or "python").lower()
    lines: list[str] = []
    origins: list[Origin] = []

    def put(text_lines: list[str], cell: int, part: str = "", first: int = 1) -> None:
        for k, line in enumerate(text_lines):
            lines.append(line)
            origins.append(Origin(path, first + k, cell, part))

    for n, cell in enumerate(nb.cells, start=1):
        source = _lines(cell.get("source", ""))
        last = max(len(source), 1)
        if cell.cell_type == "markdown":
            put(source, n)
            put([""], n, first=last)
        elif cell.cell_type == "code":
            fence = _fence(cell.get("source", ""))
            put([f"{fence}{language} {CELL_INFO}"], n)
            put(source, n)
            put([fence, ""], n, first=last)
            shown = _output_lines(cell.get("outputs", []))
            if shown:
                fence = _fence("\n".join(shown))
                put([fence + "output"], n, "output")
                put(shown, n, "output")
                put([fence, ""], n, "output", first=len(shown))
    return Source("\n".join(lines) + "\n", origins)


def _lines(text) -> list[str]:
    text = "".join(text) if isinstance(text, list) else str(text)
    return text.replace("\r\n", "\n").split("\n") if text else []


def _output_lines(outputs) -> list[str]:
    """The text a code cell's stored outputs print, in order, as lines."""
    text = ""
    for out in outputs:
        kind = out.get("output_type")
        if kind == "stream":
            text += "".join(out.get("text", ""))
        elif kind in TEXT_OUTPUTS:
            plain = out.get("data", {}).get("text/plain")
            if plain:
                body = "".join(plain)
                text += body if body.endswith("\n") else body + "\n"
    return text.rstrip("\n").split("\n") if text.strip() else []


def _fence(text: str) -> str:
    """A fence longer than any run of backticks in ``text``."""
    longest = max((len(m.group()) for m in BACKTICKS.finditer(text)), default=2)
    return "`" * max(3, longest + 1)


def _first_line(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0][:120]
