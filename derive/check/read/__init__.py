"""The read pass: a document -> positioned items, in the order a reader meets them.

    Statement    one statement of math, joined to its derivation (``derivations``)
    Unreadable   math outside the subset derive reads that prints a number
    Table        a Markdown table; the math of its cells is read too (``cells``)
    CodeBlock    fenced code, with the output block printed after it
    Problem      a delimiter never closed

Nothing here evaluates anything: reading is structure only.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field, replace

from derive.check.read.delimiters import MathSpan
from derive.check.read.derivations import Reader, Statement, Unreadable
from derive.check.read.layouts import layout_spans
from derive.check.read.rowstats import row_statistics_spans
from derive.check.read.markdown import PYTHON, CodeBlock, Document, Problem, Table, document, read_text, scan
from derive.check.read.outputs import label_key, label_text, printouts, restated_results
from derive.check.read import nodes as N
from derive.check.read.latex import parse_statements
from derive.check.read.lexer import LatexError
from derive.check.read.plain import COMMENT, applied_spans, entry_spans, labelled_spans, literal_text
from derive.check.read.prose import prose_only
from derive.check.read.transcript import transcript_source

ZERO_INDEX = re.compile(r"(?<![A-Za-z\\])([A-Za-z])_(?:0|\{0\})(?![\d.])")


@dataclass
class Reading:
    doc: Document
    items: list = field(default_factory=list)
    cells: dict[int, list] = field(default_factory=dict)     # id of a cell's span -> its statements
    zero_based: set[str] = field(default_factory=set)         # vectors the document indexes from 0


def read(doc: Document) -> Reading:
    """Every item of the document, in order."""
    items = scan(doc)
    code_lines = {k for b in items if isinstance(b, CodeBlock)
                  for k in range(b.line - 2, (b.output.end_line if b.output else b.end_line) + 1)}
    applied = applied_spans(doc.text, doc.line_starts, code_lines)
    drawn = [s for b in items if isinstance(b, CodeBlock) and b.lang not in PYTHON for s in layout_spans(b.text, b.start)]
    stats = row_statistics_spans(doc.text)
    items = sorted(_unclaimed(items, stats) + _restated_outputs(doc, items) + _restated_entries(doc, items) + applied
                   + _restated_results(doc, items) + drawn + stats, key=lambda it: it.start)
    items = _named_values(doc, items)
    spans = [i for i in items if isinstance(i, MathSpan)] + \
        [s for t in items if isinstance(t, Table) for c in t.header + tuple(c for _, r in t.rows for c in r)
         for s in c.spans]
    code = [b for b in items if isinstance(b, CodeBlock)] + \
        [b.output for b in items if isinstance(b, CodeBlock) and b.output is not None]
    reader = Reader(doc.text, prose_only(doc.text, spans + code))      # no prose cue from code
    out = Reading(doc)
    for item in items:
        if isinstance(item, MathSpan):
            out.items.extend(reader.statements(item))
            out.zero_based |= {m.group(1) for m in ZERO_INDEX.finditer(item.text)}
        elif isinstance(item, Table):
            for cell in (c for c in item.header + tuple(c for _, cells in item.rows for c in cells)):
                for span in cell.spans:
                    out.cells[id(span)] = reader.statements(span)
            out.items.append(item)
        else:
            out.items.append(item)
    return out


def _unclaimed(items: list, claimed: list[MathSpan]) -> list:
    """The items without the plain statements whose value a more specific reading claims
    (``mean=0.25`` in ``"Hello": mean=0.25`` is the mean of that row, not a name's value)."""
    starts = sorted(s.start for s in claimed)
    if not starts:
        return items
    return [it for it in items if not (isinstance(it, MathSpan) and it.notation == "plain"
                                       and _holds(starts, it.start, it.start + len(it.text)))]


def _holds(starts: list[int], lo: int, hi: int) -> bool:
    k = bisect.bisect_left(starts, lo)
    return k < len(starts) and starts[k] < hi


# between a name's span and its value's: ``$T$ (sequence length) = $1024$``, ``$H$: $25$``
NAMING_GAP = re.compile(r"(?:\$\$?|\\\))?[ \t]*(?:\([^()\n]{1,80}\))?[ \t]*[=:][ \t]*(?:\$\$?|\\\()?")


def _named_values(doc: Document, items: list) -> list:
    """A value in math of its own after a name in math and a remark: ``$T$ (sequence length) =
    $1024$`` gives T the value 1024, as ``$T = 1024$`` would (the value's span becomes a
    named one)."""
    out = list(items)
    for k in range(1, len(out)):
        name, value = out[k - 1], out[k]
        if not (isinstance(name, MathSpan) and isinstance(value, MathSpan) and name.notation == "latex"
                and value.notation == "latex" and not value.display
                and NAMING_GAP.fullmatch(doc.text, name.start + len(name.text), value.start)):
            continue
        label = _lone_name(name.text)
        if label is not None and literal_text(value.text):
            out[k] = MathSpan(value.start, value.text, False, "named", label)
    return out


def _lone_name(text: str):
    """The name a math span holds and nothing else, or None."""
    try:
        found = parse_statements(text)
    except Exception:  # noqa: BLE001 - any text that is not one name is none
        return None
    if len(found) == 1 and not isinstance(found[0], LatexError) and len(found[0].parts) == 1 \
            and isinstance(found[0].parts[0], N.Sym):
        sym = found[0].parts[0]
        return replace(sym, start=0, end=0)
    return None


def _restated_outputs(doc: Document, items: list) -> list[MathSpan]:
    """Lines of prose restating an item the code printed under its label (``Variance 1: 0.99999``)."""
    names = {label_text(p.label): label_key(p.label) for block in items
             if isinstance(block, CodeBlock) and block.output is not None
             for p in printouts(block.output.text) if p.label and label_key(p.label)}
    if not names:
        return []
    code = [(b.start, doc.line_starts[min(b.output.end_line if b.output else b.end_line, len(doc.line_starts) - 1)])
            for b in items if isinstance(b, CodeBlock)]
    return [s for s in labelled_spans(doc.text, lambda label: names.get(label_text(label)))
            if not any(lo <= s.start < hi for lo, hi in code)]


def _restated_results(doc: Document, items: list) -> list[MathSpan]:
    """Values written into code after the code that computes them (``outputs.restated_results``)."""
    blank = COMMENT.sub(lambda m: " " * len(m.group()), doc.text)
    return [s for b in items if isinstance(b, CodeBlock) and b.lang in PYTHON for s in restated_results(b, blank)]


def _restated_entries(doc: Document, items: list) -> list[MathSpan]:
    """A list right after an output block restating, item by item, the entries of the
    vector it printed last (``- "The" gets 26% attention`` for 0.2465)."""
    out = []
    for block in items:
        if not isinstance(block, CodeBlock) or block.output is None:
            continue
        keys = {len(p.grid) * len(p.grid[0]): (label_key(p.label) if p.label else None) or
                f"output@{block.output.line + p.line}" for p in printouts(block.output.text)
                if p.grid is not None and len(p.grid) * len(p.grid[0]) > 1 and 1 in (len(p.grid), len(p.grid[0]))}
        out += entry_spans(doc.text, doc.line_starts, block.output.end_line, keys)
    return out


def open_document(path: str) -> Document:
    """A file as the Markdown the reader reads: Markdown as it is, a notebook
    (``.ipynb``) or a LaTeX document (``.tex``) through its format adapter
    (``derive.check.read.sources``), which keeps where each line came from."""
    suffix = path.lower().rsplit(".", 1)[-1] if "." in path else ""
    if suffix == "ipynb":
        from derive.check.read.notebook import notebook_source as adapter
    elif suffix == "tex":
        from derive.check.read.tex import tex_source as adapter
    else:
        return markdown_document(read_text(path), path)
    source = adapter(path)
    return document(source.text, path, source)


def markdown_document(text: str, path: str = "<text>") -> Document:
    """Markdown text as a document; a notebook pasted as text (``In [3]:`` prompts) gets its
    cells fenced first (``derive.check.read.transcript``)."""
    source = transcript_source(text.replace("\r\n", "\n").replace("\r", "\n"), path)
    return document(source.text, path, source) if source is not None else document(text, path)


__all__ = ["open_document", "markdown_document", "read", "Reading", "Statement", "Unreadable", "Table", "CodeBlock", "Problem", "Document"]
