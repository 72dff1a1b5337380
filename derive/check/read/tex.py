r"""A LaTeX document (``.tex``) read as the Markdown the reader knows, with a map back.

``tex_source(path)`` walks the document with pylatexenc (tolerant parsing;
nothing is ever run) and writes Markdown (``derive.check.read.sources``):

* only the body between ``\begin{document}`` and ``\end{document}`` when there
  is one (the preamble, with its ``\newcommand`` definitions, is skipped);
* prose stays prose, comments go, ``\section`` (``\chapter``) / ``\subsection``
  / ``\subsubsection`` and ``\paragraph`` become ``#`` / ``##`` / ``###``
  headings; ``\textbf{x}``, ``\emph{x}`` ... become x, ``\cite``, ``\ref``,
  ``\label`` (and their kin) go; ``\%`` is ``%``, ``~`` a space, ``\\`` a line
  break, ``\item`` a list item;
* inline math (``$...$``, ``\(...\)``) is ``$...$``; display math (``$$...$$``,
  ``\[...\]``, equation, align, gather, multline, eqnarray, flalign, alignat and
  their starred forms) a ``$$`` block, one line per source line, with an
  aligned environment kept inside it (``align`` -> ``aligned``, ``gather`` ->
  ``gathered``) so that the reader sees its rows;
* ``tabular`` (``tabular*``, ``tabularx``, ``tabulary``, ``longtable``) is a pipe
  table, one line per row, ``\multicolumn{n}{..}{x}`` x and n - 1 empty cells;
* ``verbatim``, ``Verbatim``, ``lstlisting`` and ``minted`` are fenced code
  (``python`` for Python, the language named otherwise, none for verbatim);
* ``\input{f}`` and ``\include{f}`` are read in place, relative to the
  including file's folder (then the document's), ``.tex`` added when missing.

Every line of the Markdown has the origin of the text on it: its file and the
line it was written on. A missing input file, an ``\input`` cycle (it is an
InputError, never skipped), more than ``MAX_FILES`` files, a file too large,
not UTF-8 or binary is an ``InputError`` of one line. A part pylatexenc cannot
make sense of (an unbalanced brace, an unclosed math span or environment)
is kept as prose, its raw text without comments.
"""

from __future__ import annotations

import bisect
import os
import re
from pathlib import Path

from pylatexenc import latexwalker as lw
from pylatexenc.macrospec import EnvironmentSpec, MacroSpec, MacroStandardArgsParser, ParsedMacroArgs
from pylatexenc.macrospec import ParsedVerbatimArgs

from derive.check.policy import POLICY
from derive.check.read.markdown import InputError, read_text
from derive.check.read.sources import Origin, Source

MAX_BYTES = POLICY.max_bytes
MAX_FILES = 50

HEADINGS = {"chapter": 1, "section": 1, "subsection": 2, "subsubsection": 3, "paragraph": 3,
            "subparagraph": 3}
# math environments: the environment kept inside the $$ block (None: just the content)
MATH_ENVS = {"equation": None, "displaymath": None, "split": None,
             "align": "aligned", "flalign": "aligned", "alignat": "aligned", "aligned": "aligned",
             "gather": "gathered", "gathered": "gathered",
             "multline": "multline", "eqnarray": "eqnarray"}
TABULARS = {"tabular", "tabular*", "tabularx", "tabulary", "longtable"}
CODE_ENVS = {"verbatim", "verbatim*", "Verbatim", "lstlisting", "minted"}
SKIPPED_ENVS = {"comment", "thebibliography", "filecontents", "filecontents*", "tikzpicture"}
LISTS = {"itemize": "- ", "enumerate": "1. ", "description": "- "}
PYTHON = {"python", "python3", "py", "py3", "ipython", "ipython3", "pycon"}

CITES = ("cite", "citep", "citet", "citealt", "citealp", "citeauthor", "citeyear", "citeyearpar",
         "Cite", "Citep", "Citet", "Citealt", "Citealp", "Citeauthor", "nocite", "parencite",
         "textcite", "autocite", "footcite", "fullcite", "citenum")
REFS = ("ref", "eqref", "pageref", "autoref", "cref", "Cref", "vref", "nameref", "label",
        "labelcref", "crefrange", "tag")
# macros dropped with their arguments
DROPPED = set(CITES) | set(REFS) | {
    "includegraphics", "vspace", "hspace", "bibliography", "bibliographystyle", "bibitem",
    "usepackage", "RequirePackage", "documentclass", "newcommand", "renewcommand", "providecommand",
    "newenvironment", "renewenvironment", "provideenvironment", "DeclareMathOperator", "setlength",
    "addtolength", "setcounter", "addtocounter", "addlength", "addcounter", "pagestyle",
    "thispagestyle", "linespread", "graphicspath", "lstset", "hypersetup", "captionsetup",
    "newtheorem", "color", "definecolor", "providecolor", "colorlet", "pagecolor", "rowcolor",
    "cellcolor", "rowcolors", "selectlanguage", "hphantom", "vphantom", "phantom", "cline",
    "setminted", "usemintedstyle", "numberwithin",
    "maketitle", "tableofcontents", "listoffigures", "listoftables", "appendix", "centering",
    "noindent", "clearpage", "newpage", "pagebreak", "bigskip", "medskip", "smallskip",
    "hfill", "vfill", "footnotemark", "printbibliography", "addbibresource",
}
# macros whose one argument (by position among the mandatory ones) is their text
KEEP_ARG = {"textcolor": -1, "colorbox": -1, "fcolorbox": -1, "href": -1, "texorpdfstring": 0,
            "resizebox": -1, "scalebox": -1, "raisebox": -1, "adjustbox": -1}
LINE_BREAKS = {"\\", "newline", "linebreak", "tabularnewline", "cr"}
SYMBOLS = {"%": "%", "&": "&", "_": "_", "#": "#", "{": "{", "}": "}", "$": "\\$", " ": " ",
           ",": " ", ";": " ", ":": " ", "!": "", "/": "", "@": "", "-": "",
           "ldots": "...", "dots": "...", "textellipsis": "...", "LaTeX": "LaTeX", "TeX": "TeX",
           "textasciitilde": "~", "S": "§", "textendash": "–", "textemdash": "—", "quad": " ",
           "qquad": " ", "enspace": " ", "textbar": "|", "textless": "<", "textgreater": ">",
           "textquoteright": "'", "textquoteleft": "'", "textpercent": "%"}
TABLE_RULES = {"hline", "toprule", "midrule", "bottomrule", "addlinespace", "hdashline", "cmidrule",
               "specialrule", "morecmidrules", "endhead", "endfirsthead", "endfoot", "endlastfoot",
               "cline"}

BEGIN_DOCUMENT = re.compile(r"\\begin\s*\{document\}")
END_DOCUMENT = re.compile(r"\\end\s*\{document\}")
LABELS = re.compile(r"\\(?:label|tag\*?)\s*\{[^{}\n]*\}|\\(?:nonumber|notag)(?![A-Za-z])")
RULE_ARGS = re.compile(r"^\s*(?:\[[^\]]*\]\s*|\([^)]*\)\s*)*$")
LANGUAGE = re.compile(r"language\s*=\s*\{?\s*(?:\[[^\]]*\])?\s*([A-Za-z0-9+#_-]+)")


# ---------------------------------------------------------------- pylatexenc, told about a few more things

class _RawBody(MacroStandardArgsParser):
    r"""The body of a verbatim-like environment, unparsed, up to ``\end{name}`` (or the end)."""

    def __init__(self, name: str):
        super().__init__(argspec="")
        self.end = "\\end{" + name + "}"

    def parse_args(self, w, pos, parsing_state=None):
        end = w.s.find(self.end, pos)
        end = len(w.s) if end < 0 else end
        node = w.make_node(lw.LatexCharsNode, parsing_state=parsing_state, chars=w.s[pos:end],
                           pos=pos, len=end - pos)
        return ParsedVerbatimArgs(verbatim_chars_node=node), pos, end - pos


class _Verb(MacroStandardArgsParser):
    r"""``\verb|x|`` (``\verb*|x|``) on one line; nothing when it never closes."""

    def __init__(self):
        super().__init__(argspec="")

    def parse_args(self, w, pos, parsing_state=None):
        s, p = w.s, pos
        if p < len(s) and s[p] == "*":
            p += 1
        if p >= len(s) or s[p].isspace() or s[p].isalpha():
            return ParsedMacroArgs(argnlist=[], argspec=""), pos, 0
        end = s.find(s[p], p + 1)
        if end < 0 or "\n" in s[p + 1:end]:
            return ParsedMacroArgs(argnlist=[], argspec=""), pos, 0
        node = w.make_node(lw.LatexCharsNode, parsing_state=parsing_state, chars=s[p + 1:end],
                           pos=p + 1, len=end - p - 1)
        return ParsedVerbatimArgs(verbatim_chars_node=node, verbatim_delimiters=(s[p], s[p])), pos, end + 1 - pos


class _FileArg(MacroStandardArgsParser):
    r"""The file of ``\input{f}`` or of ``\input f`` (a name up to a space)."""

    def __init__(self):
        super().__init__(argspec="{")

    def parse_args(self, w, pos, parsing_state=None):
        m = re.compile(r"[ \t]*([^\s{}%\\]+)").match(w.s, pos)
        if m is None or w.s.startswith("{", pos):
            return super().parse_args(w, pos, parsing_state=parsing_state)
        node = w.make_node(lw.LatexCharsNode, parsing_state=parsing_state, chars=m.group(1),
                           pos=m.start(1), len=len(m.group(1)))
        return ParsedMacroArgs(argnlist=[node], argspec="{"), pos, m.end() - pos


def _context():
    db = lw.get_default_latex_context_db()
    specs = {"*{": REFS, "[{{": ("href",), "*[{": ("caption", "paragraph", "subparagraph"),
             "{{{": ("multicolumn",), "[{[{[{": ("multirow",), "[{": ("captionsetup", "bibitem"),
             "{": ("pageref", "bibliographystyle", "graphicspath", "lstset", "pagestyle", "thispagestyle",
                   "linespread", "cline", "citenum", "setminted", "usemintedstyle", "phantom"),
             "*[[{": ("includegraphics",) + CITES[:-1], "*{[{[": ("newtheorem",), "{{": ("numberwithin", "adjustbox"),
             "*{{{": ("resizebox",), "{[{": ("scalebox",), "{[[{": ("raisebox",)}
    macros = [MacroSpec(name, spec) for spec, names in specs.items() for name in names]
    macros += [MacroSpec("verb", args_parser=_Verb()), MacroSpec("input", args_parser=_FileArg()),
               MacroSpec("include", args_parser=_FileArg())]
    envs = [EnvironmentSpec(name, args_parser=_RawBody(name)) for name in CODE_ENVS | SKIPPED_ENVS]
    envs += [EnvironmentSpec("longtable", "[{"), EnvironmentSpec("tabulary", "{{"),
             EnvironmentSpec("minipage", "[[[{"), EnvironmentSpec("wrapfigure", "[{[{"),
             EnvironmentSpec("displaymath", "", is_math_mode=True),
             EnvironmentSpec("math", "", is_math_mode=True)]
    db.add_context_category("derive-tex", macros=macros, environments=envs, prepend=True)
    return db


_CONTEXT = None


def _latex_context():
    global _CONTEXT
    if _CONTEXT is None:
        _CONTEXT = _context()
    return _CONTEXT


# ---------------------------------------------------------------- the Markdown being written

class _Lines:
    """Markdown lines, each with its origin and kind (prose, math, code, table, heading, blank).

    Text from a later source line than the line being written starts a new
    line, so that no line mixes two source lines and every line has one origin."""

    def __init__(self):
        self.rows: list[list] = []          # [text, origin, kind]
        self._reset()

    def _reset(self):
        self.buf: list[str] = []
        self.at: Origin | None = None
        self.filled = False
        self.kind = "prose"

    def put(self, text: str, origin: Origin, kind: str = "prose") -> None:
        if not text:
            return
        if self.filled and (origin.file != self.at.file or origin.line > self.at.line):
            self.flush()
        if not self.filled and text.strip():
            self.at, self.filled, self.kind = origin, True, kind
        self.buf.append(text)

    def flush(self) -> None:
        """End the line being written if it has text."""
        if self.filled:
            self.rows.append(["".join(self.buf), self.at, self.kind])
        self._reset()

    def block(self, text: str, origin: Origin, kind: str) -> None:
        """A whole line of its own."""
        self.flush()
        self.rows.append([text, origin, kind])

    def blank(self, origin: Origin) -> None:
        """A paragraph break."""
        self.flush()
        if self.rows and self.rows[-1][2] != "blank":
            self.rows.append(["", origin, "blank"])

    def mark(self) -> int:
        self.flush()
        return len(self.rows)

    def rollback(self, mark: int) -> None:
        del self.rows[mark:]
        self._reset()

    def source(self) -> Source:
        self.flush()
        lines, origins = [], []
        for text, origin, kind in self.rows:
            if kind in ("prose", "math", "blank"):
                text = text.strip()
                if kind == "prose" and text[:1] in ("#", ">"):     # not a heading, not a quote
                    text = "\\" + text
                elif kind == "math" and text[:1] in ("<", ">"):    # not a quote, not HTML
                    text = "\\," + text
            elif kind != "code":
                text = text.rstrip()
            if not text and kind != "code" and (not lines or not lines[-1]):
                continue
            lines.append(text)
            origins.append(origin)
        while lines and not lines[-1]:
            lines.pop()
            origins.pop()
        return Source("\n".join(lines) + ("\n" if lines else ""), origins)


# ---------------------------------------------------------------- files

class _File:
    def __init__(self, name: str, path: Path, text: str):
        self.name, self.path, self.text = name, path, text
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def line(self, pos: int) -> int:
        return bisect.bisect_right(self.starts, max(0, pos))

    def origin(self, pos: int) -> Origin:
        return Origin(self.name, self.line(pos))


def _load(path: Path, name: str, budget: int) -> str:
    """The text of a file, or an InputError saying why not (``budget``: bytes left)."""
    return read_text(path, name, budget).replace("\r\n", "\n").replace("\r", "\n")


def _uncomment(line: str) -> str:
    """A line without its comment (``%`` to the end, not ``\\%``)."""
    i = 0
    while i < len(line):
        if line[i] == "\\":
            i += 2
            continue
        if line[i] == "%":
            return line[:i]
        i += 1
    return line


def _outside_comment(text: str, pattern: re.Pattern, start: int = 0) -> re.Match | None:
    """The first match of ``pattern`` not in a comment."""
    for m in pattern.finditer(text, start):
        line_start = text.rfind("\n", 0, m.start()) + 1
        if len(_uncomment(text[line_start:m.start()])) == m.start() - line_start:
            return m
    return None


# ---------------------------------------------------------------- the reader

class _Reader:
    def __init__(self, root: _File):
        self.out = _Lines()
        self.root = root
        self.stack: list[Path] = []
        self.files = 0
        self.budget = MAX_BYTES
        self.inline = 0          # > 0: inside a heading or a table cell, everything on one line
        self.cell = 0            # > 0: inside a table cell (| is escaped)
        self.lists: list[str] = []

    # ------------------------------------------------ a file
    def read(self, f: _File) -> None:
        self.files += 1
        self.budget -= len(f.text.encode("utf-8"))
        self.stack.append(f.path)
        try:
            self._body(f)
        finally:
            self.stack.pop()

    def _body(self, f: _File) -> None:
        begin = _outside_comment(f.text, BEGIN_DOCUMENT)
        start = begin.end() if begin else 0
        end_m = _outside_comment(f.text, END_DOCUMENT, start) if begin else None
        end = end_m.start() if end_m else len(f.text)
        mark = self.out.mark()
        try:
            walker = lw.LatexWalker(f.text, latex_context=_latex_context(), tolerant_parsing=True)
            nodes, _, _ = walker.get_latex_nodes(pos=start, stop_upon_end_environment="document" if begin else None)
        except Exception:       # pylatexenc gave up (tolerant parsing should not): the raw text
            self._raw(f, start, end)
            return
        try:
            self._nodes(nodes, f)
        except RecursionError:  # nesting too deep to walk: the raw text
            self.out.rollback(mark)
            self._raw(f, start, end)

    def _raw(self, f: _File, start: int, end: int) -> None:
        """Source text kept as prose as it is, without comments, one line per line."""
        first = f.line(start)
        for k, line in enumerate(f.text[start:end].split("\n")):
            origin = Origin(f.name, first + k)
            if k:
                self.out.flush()
                if not line.strip():
                    self.out.blank(origin)
            self.out.put(_uncomment(line), origin)

    # ------------------------------------------------ nodes
    def _nodes(self, nodes, f: _File) -> None:
        for n in nodes:
            if n is not None:
                self._node(n, f)

    def _node(self, n, f: _File) -> None:
        if n.isNodeType(lw.LatexCharsNode):
            self._chars(n.chars, n.pos, f)
        elif n.isNodeType(lw.LatexGroupNode):
            self._nodes(n.nodelist, f)
        elif n.isNodeType(lw.LatexMathNode):
            self._math_node(n, f)
        elif n.isNodeType(lw.LatexSpecialsNode):
            text = {"~": " ", "``": '"', "''": '"', "!`": "¡", "?`": "¿"}.get(n.specials_chars, n.specials_chars)
            self._text(text, n.pos, f)
        elif n.isNodeType(lw.LatexMacroNode):
            self._macro(n, f)
        elif n.isNodeType(lw.LatexEnvironmentNode):
            self._environment(n, f)
        # comments are dropped

    def _chars(self, chars: str, pos: int, f: _File) -> None:
        chars = chars.replace("`", "'")
        if self.cell:
            chars = chars.replace("|", "\\|")
        if self.inline:
            self.out.put(chars.replace("\n", " "), f.origin(pos))
            return
        first = f.line(pos)
        at = pos
        for k, piece in enumerate(chars.split("\n")):
            if k:
                self.out.flush()
                newline = at - 1            # the newline before this piece ends a blank line?
                if not f.text[f.starts[f.line(newline) - 1]:newline].strip():
                    self.out.blank(Origin(f.name, first + k - 1))
            self.out.put(piece, Origin(f.name, first + k))
            at += len(piece) + 1

    def _text(self, text: str, pos: int, f: _File) -> None:
        self.out.put(text, f.origin(pos))

    def _args(self, n) -> list:
        """The mandatory arguments of a macro or environment."""
        argd = getattr(n, "nodeargd", None)
        if argd is None or not argd.argnlist:
            return []
        spec = argd.argspec or ""
        return [a for k, a in enumerate(argd.argnlist) if a is not None and (k >= len(spec) or spec[k] == "{")]

    def _arg_text(self, node) -> str:
        """The raw text of an argument (without its braces)."""
        return self._arg_span(node)[0]

    def _arg_span(self, node) -> tuple[str, int]:
        """The raw text of an argument (without its braces) and where it starts."""
        if node is None:
            return "", 0
        if node.isNodeType(lw.LatexGroupNode):
            text = node.latex_verbatim()
            if text.startswith("{") and text.endswith("}") and len(text) >= 2:
                return text[1:-1], node.pos + 1
            return text.lstrip("{"), node.pos + (1 if text.startswith("{") else 0)
        return node.latex_verbatim(), node.pos

    def _flat(self, nodes, f: _File, cell: bool = False) -> str:
        """Nodes written on one line (a heading's title, a table's cell)."""
        out, self.out = self.out, _Lines()
        self.inline += 1
        self.cell += cell
        try:
            self._nodes(nodes, f)
            self.out.flush()
            return " ".join(" ".join(text.split()) for text, _, _ in self.out.rows if text.strip())
        finally:
            self.out = out
            self.inline -= 1
            self.cell -= cell

    # ------------------------------------------------ macros
    def _macro(self, n, f: _File) -> None:
        name = n.macroname
        args = self._args(n)
        if name in ("input", "include"):
            self._input(n, f, args)
        elif name in HEADINGS:
            title = self._flat(args[-1:], f)
            if self.inline:
                self._text(title, n.pos, f)
            elif title:
                self.out.block("#" * HEADINGS[name] + " " + title, f.origin(n.pos), "heading")
        elif name in DROPPED or name in TABLE_RULES:
            return
        elif name in LINE_BREAKS:
            if self.inline:
                self._text(" ", n.pos, f)
            else:
                self.out.flush()
        elif name == "par":
            if not self.inline:
                self.out.blank(f.origin(n.pos))
        elif name == "item":
            self._item(n, f)
        elif name == "verb":
            argd = n.nodeargd
            if isinstance(argd, ParsedVerbatimArgs):
                self._text("`" + argd.verbatim_text.replace("`", "'") + "`", n.pos, f)
        elif name in ("url", "nolinkurl"):
            self._text(self._arg_text(args[0]) if args else "", n.pos, f)
        elif name == "ensuremath":
            if args:
                self._inline_math(*self._arg_span(args[0]), f)
        elif name == "caption":
            if not self.inline:
                self.out.flush()
            self._nodes(args[-1:], f)
            if not self.inline:
                self.out.flush()
        elif name in SYMBOLS:
            self._text(SYMBOLS[name], n.pos, f)
        elif name in KEEP_ARG:
            if args:
                self._node(args[KEEP_ARG[name]] if len(args) >= 2 else args[-1], f)
        else:                    # text macros, accents, unknown macros: their arguments' text
            self._nodes(args, f)

    def _item(self, n, f: _File) -> None:
        marker = self.lists[-1] if self.lists else "- "
        label = ""
        argd = n.nodeargd
        if argd is not None and argd.argnlist and argd.argnlist[0] is not None:
            label = self._flat([argd.argnlist[0]], f)
        if self.inline:
            self._text(" " + label + " ", n.pos, f)
            return
        self.out.flush()
        self.out.put(marker + (label + " " if label else ""), f.origin(n.pos))

    def _input(self, n, f: _File, args) -> None:
        name = self._arg_text(args[0]).strip() if args else ""
        if not name:
            return
        where = f"{f.name}:{f.line(n.pos)}: \\{n.macroname}{{{name}}}"
        found = self._find(name, f)
        if found is None:
            raise InputError(f"{where}: no such file")
        display, path = found
        real = path.resolve()
        if real in self.stack:
            chain = " -> ".join(p.name for p in self.stack[self.stack.index(real):]) + f" -> {path.name}"
            raise InputError(f"{where}: an \\input cycle ({chain})")
        if self.files >= MAX_FILES:
            raise InputError(f"{where}: more than {MAX_FILES} files in one document")
        try:
            text = _load(path, display, self.budget)
        except InputError as exc:
            raise InputError(f"{where}: {exc}") from None
        self.out.flush()
        self.read(_File(display, real, text))
        self.out.flush()

    def _find(self, name: str, f: _File) -> tuple[str, Path] | None:
        """The file ``\\input{name}`` reads (its name to report, its path), or None."""
        candidates = [name] if name.endswith(".tex") else [name + ".tex", name]
        if os.path.isabs(name):
            bases = [("", "")]
        else:
            bases = [(os.path.dirname(f.name), str(f.path.parent))]
            if f.path.parent != self.root.path.parent:
                bases.append((os.path.dirname(self.root.name), str(self.root.path.parent)))
        for shown, real in bases:
            for c in candidates:
                p = Path(real, c) if real else Path(c)
                if p.exists() and not p.is_dir():        # a FIFO or a device is refused when read
                    return os.path.normpath(os.path.join(shown, c)) if shown else os.path.normpath(c), p
        return None

    # ------------------------------------------------ math
    def _math_lines(self, text: str, pos: int, f: _File) -> list[tuple[str, Origin]]:
        """Math source without comments, labels and blank lines, each line with its origin."""
        first = f.line(pos)
        out = []
        for k, line in enumerate(text.split("\n")):
            line = LABELS.sub("", _uncomment(line))
            if self.cell:               # a bar would end the cell
                line = line.replace("\\|", "\\Vert ").replace("|", "\\vert ")
            line = line.strip()
            if line:
                out.append((line, Origin(f.name, first + k)))
        return out

    def _inline_math(self, text: str, pos: int, f: _File) -> None:
        lines = self._math_lines(text, pos, f)
        if not lines:
            return
        if self.inline:
            self.out.put("$" + " ".join(t for t, _ in lines) + "$", lines[0][1])
            return
        for k, (t, o) in enumerate(lines):
            self.out.put(("$" if k == 0 else "") + t + ("$" if k == len(lines) - 1 else ""), o, "prose")

    def _display(self, text: str, pos: int, opening: int, closing: int, f: _File,
                 wrapper: str | None) -> None:
        """Display math ``text`` (at ``pos``) as a $$ block whose fences have the
        origins of the opening and the closing delimiter."""
        if self.inline:
            self._inline_math(text, pos, f)
            return
        lines = self._math_lines(text, pos, f)
        if not lines:
            return
        begin, close = f.origin(opening), f.origin(closing)
        self.out.block("$$", begin, "math")
        if wrapper:
            self.out.block(f"\\begin{{{wrapper}}}", begin, "math")
        for t, o in lines:
            self.out.block(t, o, "math")
        if wrapper:
            self.out.block(f"\\end{{{wrapper}}}", close, "math")
        self.out.block("$$", close, "math")

    def _math_node(self, n, f: _File) -> None:
        opening, closing = n.delimiters
        raw = f.text[n.pos:n.pos + n.len]
        if not raw.endswith(closing) or n.len < len(opening) + len(closing):
            self._raw(f, n.pos, n.pos + n.len)       # never closed: kept as prose
            return
        start, stop = n.pos + len(opening), n.pos + n.len - len(closing)
        if n.displaytype == "inline":
            self._inline_math(f.text[start:stop], start, f)
        else:
            self._display(f.text[start:stop], start, n.pos, stop, f, None)

    # ------------------------------------------------ environments
    def _environment(self, n, f: _File) -> None:
        name = n.environmentname
        base = name.rstrip("*")
        span = f.text[n.pos:n.pos + n.len]
        close = re.search(r"\\end\s*\{" + re.escape(name) + r"\}\s*$", span)
        if name in CODE_ENVS or name in SKIPPED_ENVS:
            if name in CODE_ENVS:
                self._code(n, f, close)
            return
        if base in MATH_ENVS or name == "math":
            if close is None:
                self._raw(f, n.pos, n.pos + n.len)   # never closed: kept as prose
                return
            start = self._body_start(n, f)
            stop = n.pos + close.start()
            if name == "math":
                self._inline_math(f.text[start:stop], start, f)
            else:
                self._display(f.text[start:stop], start, n.pos, stop, f, MATH_ENVS[base])
            return
        if name in TABULARS and not self.inline:
            self._table(n, f)
            return
        if name in TABULARS:          # a table inside a cell or a heading: its text
            self._nodes(n.nodelist, f)
            return
        if name in LISTS:
            self.lists.append(LISTS[name])
            try:
                self._nodes(n.nodelist, f)
            finally:
                self.lists.pop()
            if not self.inline:
                self.out.blank(f.origin(n.pos + n.len))
            return
        # any other environment (figure, table, center, theorem, proof, unknown ones): its content
        self._nodes(n.nodelist, f)

    def _body_start(self, n, f: _File) -> int:
        r"""Where an environment's body starts: after ``\begin{name}`` and its arguments."""
        m = re.compile(r"\\begin\s*\{[^}]*\}").match(f.text, n.pos)
        start = m.end() if m else n.pos
        argd = getattr(n, "nodeargd", None)
        if argd is not None:
            for a in argd.argnlist or []:
                if a is not None:
                    start = max(start, a.pos + a.len)
        return start

    def _code(self, n, f: _File, close) -> None:
        argd = n.nodeargd
        body = argd.verbatim_text if isinstance(argd, ParsedVerbatimArgs) else ""
        pos = argd.argnlist[0].pos if isinstance(argd, ParsedVerbatimArgs) else n.pos
        lang = ""
        head = re.compile(r"[ \t]*(\[[^\]]*\])?").match(body)
        if n.environmentname == "minted":
            head = re.compile(r"[ \t]*(\[[^\]]*\])?[ \t]*\{([^}\n]*)\}").match(body) or head
            lang = head.group(2) if head.lastindex == 2 else ""
        elif n.environmentname == "lstlisting" and head.group(1):
            m = LANGUAGE.search(head.group(1))
            lang = m.group(1) if m else ""
        if n.environmentname != "verbatim" and n.environmentname != "verbatim*":
            pos, body = pos + head.end(), body[head.end():]
        lang = lang.strip().lower()
        lang = "python" if lang in PYTHON else lang
        lines = body.split("\n")
        first = f.line(pos)
        numbered = list(enumerate(lines))
        if numbered and not numbered[0][1].strip():
            numbered = numbered[1:]
        if numbered and not numbered[-1][1].strip():
            numbered = numbered[:-1]
        if self.inline:
            self._text("`" + " ".join(t.strip() for _, t in numbered).replace("`", "'") + "`", n.pos, f)
            return
        runs = [len(m.group()) for _, t in numbered for m in re.finditer("`+", t)]
        fence = "`" * max(3, max(runs, default=0) + 1)
        end = n.pos + (close.start() if close else n.len)
        self.out.block(fence + lang, f.origin(n.pos), "code")
        for k, t in numbered:
            self.out.block(t, Origin(f.name, first + k), "code")
        self.out.block(fence, f.origin(end), "code")

    # ------------------------------------------------ tables
    def _table(self, n, f: _File) -> None:
        rows: list[tuple[int, list[list]]] = []
        cells: list[list] = [[]]
        at: int | None = None
        nodes = [c for c in n.nodelist if c is not None]
        i = 0
        while i < len(nodes):
            c = nodes[i]
            i += 1
            if c.isNodeType(lw.LatexMacroNode) and c.macroname in LINE_BREAKS:
                if at is not None:
                    rows.append((at, cells))
                cells, at = [[]], None
            elif c.isNodeType(lw.LatexSpecialsNode) and c.specials_chars == "&":
                cells.append([])
                at = c.pos if at is None else at
            elif c.isNodeType(lw.LatexMacroNode) and c.macroname in TABLE_RULES:
                # \cmidrule(lr){2-3}: its arguments pylatexenc does not know
                while i < len(nodes) and (nodes[i].isNodeType(lw.LatexCharsNode)
                                          and nodes[i].chars.strip() and RULE_ARGS.match(nodes[i].chars)):
                    i += 1
                if c.macroname in ("cmidrule", "specialrule") and i < len(nodes) and nodes[i].isNodeType(lw.LatexGroupNode):
                    i += 1
                    while c.macroname == "specialrule" and i < len(nodes) and nodes[i].isNodeType(lw.LatexGroupNode):
                        i += 1
            elif c.isNodeType(lw.LatexCommentNode):
                continue
            else:
                cells[-1].append(c)
                if at is None and not (c.isNodeType(lw.LatexCharsNode) and not c.chars.strip()):
                    # where the row's text starts: a chars node may begin with the newline after ``\\``
                    at = c.pos + (len(c.chars) - len(c.chars.lstrip()) if c.isNodeType(lw.LatexCharsNode) else 0)
        if at is not None:
            rows.append((at, cells))
        table = []
        for at, row in rows:
            texts = []
            for cell in row:
                texts.extend(self._cell(cell, f))
            if any(texts):
                table.append((at, texts))
        if not table:
            return
        width = max(len(t) for _, t in table)
        first = f.origin(table[0][0])
        self.out.blank(first)
        for k, (at, texts) in enumerate(table):
            texts = texts + [""] * (width - len(texts))
            self.out.block("| " + " | ".join(texts) + " |", f.origin(at), "table")
            if k == 0:
                self.out.block("|" + "---|" * width, f.origin(at), "table")
        close = f.text.rfind("\\end", n.pos, n.pos + n.len)
        self.out.blank(f.origin(close if close >= 0 else n.pos + n.len))

    def _cell(self, nodes, f: _File) -> list[str]:
        """A cell's text (a \\multicolumn{n}: its text and n - 1 empty cells)."""
        solid = [c for c in nodes if not (c.isNodeType(lw.LatexCharsNode) and not c.chars.strip())]
        if len(solid) == 1 and solid[0].isNodeType(lw.LatexMacroNode) and solid[0].macroname == "multicolumn":
            args = self._args(solid[0])
            try:
                span = int(self._arg_text(args[0]).strip()) if args else 1
            except ValueError:
                span = 1
            span = min(max(span, 1), 1000)
            return [self._flat(args[-1:], f, cell=True)] + [""] * (span - 1)
        return [self._flat(nodes, f, cell=True)]


def tex_source(path: str | Path) -> Source:
    """A LaTeX document (with its ``\\input`` files) as Markdown, with the origin of every line."""
    name = str(path)
    p = Path(path)
    text = _load(p, name, MAX_BYTES)
    reader = _Reader(_File(name, p.resolve(), text))
    reader.read(reader.root)
    return reader.out.source()
