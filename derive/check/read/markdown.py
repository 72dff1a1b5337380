r"""Markdown -> the places where a document prints numbers.

A real CommonMark parser (markdown-it-py, with GFM tables) finds the
structure: headings, fenced code, indented code, block quotes, HTML, tables.
Math is then found in the source text itself, outside code
(``derive.check.read.delimiters``; also in fenced ``math`` blocks), keeping
document offsets so that every claim knows its line. A
table is one item: its cells keep their offsets and the math inside them
(``derive.check.judge.tables`` reads it).
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path

from markdown_it import MarkdownIt

from derive.check.read.delimiters import BLANK_LINE, MathSpan, Problem, math_spans
from derive.check.read.plain import plain_spans, result_spans
from derive.check.read.python import is_python
from derive.check.read.sources import Source
from derive.errors import DeriveError, FileError
from derive.files import read_regular
from derive.check.policy import POLICY

MAX_BYTES = POLICY.max_bytes
PYTHON = {"python", "py", "python3", "ipython", "ipython3", "pycon"}
OUTPUT = {"", "text", "output", "console", "plaintext", "txt", "none", "stdout", "out", "shell"}
MAX_GAP_CHARS = POLICY.output_gap_chars     # prose allowed between code and its output ("Output:")
OUTPUT_HEADING = re.compile(r"\b(?:" + "|".join(POLICY.output_heading_words) + r")\b", re.I)
INLINE_CODE = re.compile(r"(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.S)
BLOCKQUOTE = re.compile(r"^(?:[ \t]{0,3}>[ \t]?)+", re.M)
UNMARKED = re.compile(r"^[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+|\]\([^)\s]*\)|<[a-z]+:[^>\s]*>|\b[a-z]+://\S+", re.M)
LATEX_CODE = re.compile(r"[$\\]")
COMMENT = re.compile(r"^([^#\n]*)#+[ \t]?([^\n]*)", re.M)     # the code before a comment, the comment


PLAIN_BLOCKS = ("", "text", "txt", "plaintext")     # blocks of no language: arithmetic set apart, read as prose math


class InputError(DeriveError):
    """A file that cannot be checked: missing, unreadable, not text, too large."""


@dataclass(frozen=True)
class OutputBlock:
    line: int             # line of the first content line
    end_line: int
    text: str
    start: int            # document offset of the content


@dataclass(frozen=True)
class CodeBlock:
    line: int
    end_line: int
    lang: str
    text: str
    start: int
    output: OutputBlock | None = None
    cell: bool = False    # a notebook cell (fence info ``python jupyter-cell``): it shows its last expression


CELL_INFO = "jupyter-cell"      # the fence attribute a format adapter gives a notebook's code cells


@dataclass(frozen=True)
class Cell:
    start: int                        # document offset of the cell's (trimmed) text
    text: str
    spans: tuple[MathSpan, ...] = ()  # the math inside the cell


@dataclass(frozen=True)
class Table:
    start: int                                     # document offset of the header row
    line: int                                      # line of the header row
    header: tuple[Cell, ...]
    rows: tuple[tuple[int, tuple[Cell, ...]], ...]  # (line, cells) of each body row


@dataclass
class Document:
    path: str
    text: str
    line_starts: list[int] = field(default_factory=list)
    headings: list[tuple[int, int, str]] = field(default_factory=list)   # line, level, title
    source: Source | None = None      # a notebook or LaTeX document read as this Markdown

    def line_of(self, offset: int) -> int:
        return bisect.bisect_right(self.line_starts, max(0, offset))

    def section(self, line: int) -> str:
        title = ""
        for hline, _, htitle in self.headings:
            if hline > line:
                break
            title = htitle
        return title


def read_document(path: str | Path) -> Document:
    """The text of a Markdown file, or an InputError saying why not."""
    return document(read_text(path), str(path))


def read_text(path: str | Path, name: str | None = None, budget: int = MAX_BYTES) -> str:
    """The text of a file (any format), or an InputError saying why not: missing,
    a folder, too large (``budget``: the bytes left when several files make one
    document), binary, not UTF-8. ``name`` is how messages name the file."""
    p, name = Path(path), name or str(path)
    if not p.exists():
        raise InputError(f"{name}: no such file")
    if p.is_dir():
        raise InputError(f"{name}: is a folder, not a file")
    try:
        size = p.stat().st_size
        if size > MAX_BYTES or size > budget:
            what = "too large to check" if size > MAX_BYTES else "too large to check with the files before it"
            raise InputError(f"{name}: {what} ({size / 2**20:.1f} MB; the limit is {MAX_BYTES // 2**20} MB)")
        data = read_regular(p, min(MAX_BYTES, budget), name)      # never a FIFO or a device (an \\input of one)
    except FileError as exc:
        raise InputError(str(exc)) from None
    except OSError as exc:
        raise InputError(f"{name}: cannot read ({exc.strerror or exc})") from None
    if b"\x00" in data:
        raise InputError(f"{name}: a binary file, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{name}: not UTF-8 text (invalid byte at offset {exc.start})") from None


# Mathematical alphanumeric symbols (U+1D400 to U+1D7FF: 𝑇, 𝐏, 𝟏), as text copied out of a
# PDF prints its math: each is the letter or digit it styles (one character for one).
MATH_ALPHANUMERIC = re.compile("[\U0001D400-\U0001D7FF]")


def _plain_letter(m: re.Match) -> str:
    letter = unicodedata.normalize("NFKC", m.group())
    return letter if len(letter) == 1 else m.group()


# an admonition of MkDocs (``!!! note``, ``??? success "Solution"``, ``???+ tip``): its body is the
# lines indented four spaces under it, Markdown (not an indented code block)
ADMONITION = re.compile(r"(?:!!!|\?\?\?\+?)[ \t]+[A-Za-z]")
MAX_NESTING = 4


def admonitions_opened(text: str) -> str:
    """The text with every admonition's body moved four spaces left (line numbers kept), nested
    ones too (up to ``MAX_NESTING`` deep), so that its math and code read as the page shows them."""
    for _ in range(MAX_NESTING):
        out, inside, changed = [], False, False
        for line in text.split("\n"):
            if inside and (line.startswith("    ") or line.startswith("\t")):
                out.append(line[4:] if line.startswith("    ") else line[1:])
                changed = True
                continue
            inside = (inside and not line.strip()) or ADMONITION.match(line) is not None
            out.append(line)
        if not changed:
            break
        text = "\n".join(out)
    return text


def document(text: str, path: str = "<text>", source: Source | None = None) -> Document:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = MATH_ALPHANUMERIC.sub(_plain_letter, text)
    text = admonitions_opened(text) if ADMONITION.search(text) else text
    starts = [0] + [m.end() for m in re.finditer("\n", text)]
    return Document(path, text, starts, source=source)


def scan(doc: Document) -> list[MathSpan | CodeBlock | Table | Problem]:
    """Math spans, code blocks (with their outputs), tables and problems, in document order."""
    tokens = MarkdownIt("commonmark").enable("table").parse(doc.text)
    masked = list(doc.text)
    items: list = []
    _headings(doc, tokens)
    blocks = _code_blocks(doc, tokens, masked)
    items.extend(blocks)
    _mask_quotes_and_html(doc, tokens, masked)
    prose = "".join(masked)
    inline = [(m.start(2), m.group(2)) for m in INLINE_CODE.finditer(prose)]
    prose = INLINE_CODE.sub(lambda m: " " * len(m.group()), prose)
    tables, prose = _tables(doc, tokens, prose, items)
    items.extend(tables)
    math = math_spans(prose)
    _not_headings(doc, math)
    items.extend(math)
    items.extend(_plain(prose, math, inline, blocks))
    items.sort(key=lambda it: it.start)
    return items


def _plain(prose: str, math: list, inline: list[tuple[int, str]], blocks: list,
           offset: int = 0) -> list[MathSpan]:
    """Math written without LaTeX (``derive.check.read.plain``): in the prose
    (which starts at ``offset``) outside math, links and list markers; in inline
    code; in Python comments."""
    chars = list(_unmarked(prose))
    for span in math:
        lo = span.start - offset
        if isinstance(span, MathSpan):
            hi = lo + len(span.text)
        else:                                 # a delimiter never closed: its paragraph is no prose
            blank = BLANK_LINE.search(prose, lo)
            hi = blank.start() if blank else len(chars)
        for i in range(max(0, lo), min(len(chars), hi)):
            if chars[i] != "\n":
                chars[i] = " "
    text = "".join(chars)
    out = plain_spans(text, offset) + result_spans(text, offset)
    for start, code in inline:
        if not LATEX_CODE.search(code):           # `$x = 1$` shows LaTeX source, not a claim
            out.extend(plain_spans(code, start))
    for block in blocks:
        if not isinstance(block, CodeBlock):
            continue
        python = block.lang in PYTHON and is_python(block.text)    # (working labelled python is prose math)
        if (block.lang in PLAIN_BLOCKS or block.lang in PYTHON and not python) and not LATEX_CODE.search(block.text):
            out.extend(plain_spans(block.text, block.start))      # arithmetic set apart (not LaTeX source shown)
        if python:
            results = result_spans(block.text, block.start)
            out.extend(results)
            taken = {s.start + len(s.text) for s in results}
            for m in COMMENT.finditer(block.text):
                if m.group(1).count('"') % 2 == 0 and m.group(1).count("'") % 2 == 0 \
                        and block.start + m.end() not in taken:
                    out.extend(plain_spans(m.group(2), block.start + m.start(2)))
    return out


def _unmarked(text: str) -> str:
    """``text`` without list markers, link targets and addresses (``?a=1`` is no statement)."""
    return UNMARKED.sub(lambda m: " " * len(m.group()), text)


def _headings(doc: Document, tokens) -> None:
    for k, t in enumerate(tokens):
        if t.type == "heading_open" and t.map:
            title = tokens[k + 1].content.strip() if k + 1 < len(tokens) else ""
            doc.headings.append((t.map[0] + 1, int(t.tag[1:]), title))


def _not_headings(doc: Document, math: list) -> None:
    """A display ending in a line ``=`` (``$$ Y = AB`` then ``= ...``) looks to CommonMark, which
    knows no math, like a heading underlined with ``=``: no heading starts inside math."""
    inside = [(doc.line_of(s.start), doc.line_of(s.start + len(s.text))) for s in math
              if isinstance(s, MathSpan) and s.display]
    doc.headings = [h for h in doc.headings if not any(a - 1 <= h[0] <= b for a, b in inside)]


def _blank(doc: Document, masked: list[str], first_line: int, end_line: int) -> None:
    """Replace lines [first_line, end_line) (0-based) by spaces, keeping newlines."""
    lo = doc.line_starts[first_line] if first_line < len(doc.line_starts) else len(doc.text)
    hi = doc.line_starts[end_line] if end_line < len(doc.line_starts) else len(doc.text)
    for i in range(lo, hi):
        if masked[i] != "\n":
            masked[i] = " "


def _code_blocks(doc: Document, tokens, masked: list[str]) -> list:
    """Fenced and indented code (blanked out of the prose), fenced ``math`` as
    math, and an output block joined to the Python block shortly before it (a
    heading between them ends the pairing, unless it names output: ``### Expected
    output``). Under such a heading the output may also stand unfenced, as
    paragraphs of printed values (``array([0.1698, 0.8247])``) up to the next
    heading, list or code."""
    out, pending, gap, heading = [], None, 0, False
    under_output, unfenced = False, []      # (paragraph lines under an output heading)
    for t in tokens:
        if unfenced and (t.type in ("fence", "code_block", "heading_open")
                         or t.type in ("bullet_list_open", "ordered_list_open")):
            pending = _unfenced_output(doc, out, pending, unfenced, masked)
            unfenced = []
        if t.type in ("fence", "code_block") and t.map:
            under_output = False
            _blank(doc, masked, t.map[0], t.map[1])
            block = _block(doc, t)
            if isinstance(block, MathSpan):
                out.append(block)
                pending = None
            elif pending is not None and _is_output(block, gap):
                out[pending] = replace(out[pending], output=OutputBlock(block.line, block.end_line, block.text,
                                                                        block.start))
                pending = None
            else:
                out.append(block)
                pending, gap = (len(out) - 1, 0) if block.lang in PYTHON else (None, 0)
        elif t.type == "heading_open":
            heading, under_output = True, False
        elif t.type == "inline" and heading:
            heading = False
            under_output = pending is not None and OUTPUT_HEADING.search(t.content) is not None
            if not OUTPUT_HEADING.search(t.content):
                pending = None        # a new section: its plain block is no output of the code before
            gap = 0
        elif t.type == "paragraph_open" and under_output and t.map:
            unfenced.append((t.map[0], t.map[1]))
        elif t.type == "inline":
            gap += len(t.content)
    if unfenced:
        _unfenced_output(doc, out, pending, unfenced, masked)
    return out


def _unfenced_output(doc: Document, out: list, pending: int | None, paragraphs: list,
                     masked: list[str]) -> int | None:
    """Paragraphs under an output heading that print values only: the output block of the
    code before (blanked out of the prose); anything in words leaves them prose. Returns
    the pending code block (None once paired)."""
    if pending is None:
        return pending
    lo, hi = paragraphs[0][0], paragraphs[-1][1]
    start = doc.line_starts[lo]
    end = doc.line_starts[hi] if hi < len(doc.line_starts) else len(doc.text)
    text = doc.text[start:end]
    if not re.search(r"\d", text) or _prose_words(text) or _looks_like_code(text):
        return pending
    _blank(doc, masked, lo, hi)
    out[pending] = replace(out[pending], output=OutputBlock(lo + 1, hi, text, start))
    return None


def _prose_words(text: str) -> bool:
    """Does the text read as sentences (a line of five words or more outside brackets)?"""
    return any(len(re.findall(r"(?<![\w.])[A-Za-z]{2,}(?![\w(=.])", re.sub(r"\([^()]*\)|\[[^\[\]]*\]", " ", line)))
               >= 5 for line in text.split("\n"))


def _block(doc: Document, t) -> MathSpan | CodeBlock:
    """A fenced or indented block's content: a fenced ``math`` block is math, any other code."""
    info = (t.info or "").strip().split() if t.type == "fence" else []
    lang = info[0].lower() if info else ""
    first = t.map[0] + (2 if t.type == "fence" else 1)      # first content line (1-based)
    start = doc.line_starts[min(first - 1, len(doc.line_starts) - 1)]
    if lang == "math":
        return MathSpan(start, t.content, True)
    return CodeBlock(first, t.map[1], lang, t.content, start, cell=CELL_INFO in info[1:])


def _is_output(block: CodeBlock, gap: int) -> bool:
    """A plain block within ``MAX_GAP_CHARS`` of prose after Python code, not itself code."""
    return block.lang in OUTPUT and gap <= MAX_GAP_CHARS and not _looks_like_code(block.text)


def _looks_like_code(text: str) -> bool:
    return bool(re.search(r"^\s*(import |from \w+ import |def |class |print\()", text, re.M))


def _mask_quotes_and_html(doc: Document, tokens, masked: list[str]) -> None:
    for t in tokens:
        if t.type == "html_block" and t.map:
            _blank(doc, masked, t.map[0], t.map[1])
        if t.type == "blockquote_open" and t.map:
            lo = doc.line_starts[t.map[0]]
            hi = doc.line_starts[t.map[1]] if t.map[1] < len(doc.line_starts) else len(doc.text)
            for m in BLOCKQUOTE.finditer(doc.text, lo, hi):
                for i in range(m.start(), m.end()):
                    if masked[i] != "\n":
                        masked[i] = " "


def _tables(doc: Document, tokens, prose: str, items: list) -> tuple[list[Table], str]:
    """Every table, and the prose with the tables blanked out (their math is in
    their cells); a problem inside a cell goes to ``items``."""
    tables, masked, rows, at = [], list(prose), [], 0
    for k, t in enumerate(tokens):
        if t.type == "table_open" and t.map:
            rows = []
            _blank(doc, masked, t.map[0], t.map[1])
        elif t.type == "tr_open" and t.map:
            rows.append((t.map[0] + 1, []))
            at = doc.line_starts[t.map[0]]
        elif t.type == "inline" and rows and tokens[k - 1].type in ("th_open", "td_open"):
            cell, at = _cell(doc, prose, t.content, rows[-1][0], at, items)
            rows[-1][1].append(cell)
        elif t.type == "table_close" and rows:
            (line, header), body = rows[0], rows[1:]
            tables.append(Table(doc.line_starts[line - 1], line, tuple(header),
                                tuple((n, tuple(cells)) for n, cells in body)))
            rows = []
    return tables, "".join(masked)


def _cell(doc: Document, prose: str, content: str, line: int, at: int, items: list) -> tuple[Cell, int]:
    """A cell's text found on its row's line from ``at`` on, with its math; and
    where the next cell is looked for."""
    end = doc.line_starts[line] - 1 if line < len(doc.line_starts) else len(doc.text)
    found = doc.text.find(content, at, end) if content else -1
    start = found if found >= 0 else at
    spans = []
    text = prose[start:start + len(content)]
    math = [replace(item, start=item.start + start) for item in math_spans(text)]
    for item in math:
        (spans if isinstance(item, MathSpan) else items).append(item)
    spans.extend(_plain(text, math, [], [], start))
    return Cell(start, content, tuple(spans)), (start + len(content) if found >= 0 else at)
