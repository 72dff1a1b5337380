r"""Math spans -> statements, each joined to the derivation it continues.

A derivation is one chain ``a = b = c \approx d``: every member after the
first is a claim about the first. Written over several lines of one display,
it is still one chain:

    L = -\sum_i y_i \log p_i  \\         a line that starts with a relation
      = -\log 0.7             \\         continues the line before it;
    L \approx 0.357                      so does a line that restates the label

so ``0.357`` is a claim about L, never a new value of L. Each statement also
carries what the sentence before its span says (``derive.check.read.prose``).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from derive.check.read import nodes as N
from derive.check.read.delimiters import BLANK_LINE, MathSpan
from derive.check.read.grids import grid_of
from derive.check.read.latex import parse_statements
from derive.check.read.lexer import LatexError
from derive.check.read.plain import parse_labelled, parse_plain, plain_unit
from derive.check.read.prose import announces_change, supposes
from derive.errors import bug

SCRIPT = re.compile(r"[_^](\{[^{}]*\}|\\?[A-Za-z0-9])")
# a unit written right after the last value: ``34\,\text{days}``, ``0.357 \text{ nats}``
UNIT = re.compile(r"(?:\s|\\[,;:! ]|~)*\\(?:text|mathrm|textrm|mbox|operatorname)\s*\{\s*([A-Za-z%][A-Za-z% ]*?)\s*\}")
PLAIN_UNIT = re.compile(r"[ \t]*([A-Za-z]+)\b")      # a word after a value in plain text (``104 gb``)
JOINING = ("=", "approx")             # the relations that continue a derivation and make a claim


@dataclass(frozen=True)
class Statement:
    """One statement of a math span, with the derivation it belongs to.

    ``parts``/``rels`` are the whole derivation so far; the parts before
    ``done`` were met (and judged) in earlier statements of it."""

    span: MathSpan
    number: int                  # ordinal of the statement in the document
    parts: tuple[N.Node, ...]
    rels: tuple[str, ...]
    done: int
    start: int                   # document offsets of this statement's own text
    end: int
    supposed: bool = False       # inline math after a supposing word, or in a would-sentence
    announced: bool = False      # its sentence says a value changes
    paragraph: int = 0           # where its paragraph starts
    unit: str = ""               # a unit written after its last value (``days``)

    @property
    def label(self) -> N.Node | None:
        return self.parts[0] if is_label(self.parts[0]) else None


@dataclass(frozen=True)
class Unreadable:
    """A statement outside the LaTeX subset derive reads (only when it prints a number)."""

    span: MathSpan
    start: int
    end: int
    text: str
    message: str
    internal: bool = False       # derive's own bug, not the document's


DISPLAYS_GAP = re.compile(r"(?:\s|\$|\\[\[\]])*")                         # between two displays
CONTINUING_GAP = re.compile(r"(?:[ \t]|\$|\\[()\[\]]|<br\s*/?>)*")    # spaces, delimiters, one line break


class Reader:
    """Cuts spans into statements; knows the document's paragraphs."""

    def __init__(self, text: str, prose: str | None = None):
        self.text = text
        self.prose = prose if prose is not None else text     # the text with its math blanked
        self.blanks = [m.end() for m in BLANK_LINE.finditer(text)]
        self.count = 0
        self.previous: tuple[MathSpan, N.Chain] | None = None     # the last statement read, and its span

    def statements(self, span: MathSpan) -> list[Statement | Unreadable]:
        """Every statement of one span, in order, joined to its derivation."""
        restating = span.notation == "labelled"      # a value said of a known thing: never a case supposed
        cues = dict(supposed=not span.display and not restating
                    and supposes(self.prose, span.start, span.start + len(span.text)),
                    announced=announces_change(self.prose, span.start), paragraph=self.paragraph(span.start))
        out, last = [], self._carried_over(span)
        try:
            if span.notation == "layout":          # drawn in text: read already (``layouts``)
                parsed = [span.label]
            elif span.notation in ("labelled", "named"):
                parsed = parse_labelled(span)
            elif span.notation in ("plain", "result"):
                parsed = [_named(c, span.label) for c in parse_plain(span.text, span.notation == "result")]
            else:
                parsed = parse_statements(span.text)
        except RecursionError:
            return [Unreadable(span, span.start, span.start + len(span.text), span.text,
                               "the formula is nested too deeply")]
        except Exception as exc:  # noqa: BLE001 - derive's own bug on one span: say so, read the rest
            return [Unreadable(span, span.start, span.start + len(span.text), span.text, bug(exc), internal=True)]
        for st in parsed:
            if isinstance(st, LatexError):
                last = None
                bad = self._unreadable(span, st)
                out.extend([bad] if bad else [])
                continue
            self.count += 1
            parts, rels, done = joined(st, last, span.display)
            if not parts:
                continue
            last = N.Chain(parts[0].start, parts[-1].end, tuple(parts), tuple(rels))
            unit = UNIT.match(span.text, st.end)
            word = PLAIN_UNIT.match(self.text, span.start + st.end) if span.notation == "plain" else None
            unit = unit.group(1) if unit else word.group(1) if word and plain_unit(word.group(1)) else ""
            out.append(Statement(span, self.count, tuple(parts), tuple(rels), done, span.start + st.start,
                                 span.start + st.end, unit=unit, **cues))
        self.previous = (span, last) if last is not None else None
        return out

    def _carried_over(self, span: MathSpan) -> N.Chain | None:
        """The last statement of the span just before, when only spaces or a line break
        (``<br>``) stand between the two spans: ``$\frac{a}{b}$ <br> $= 12.8$ $= 0.0147$``
        is one derivation (a later span that starts with ``=`` continues it); so are two displays
        with nothing but blank lines between when the first ends in arithmetic of numbers, not
        in a value (``$$ z = [1, 4] W + b $$`` with W and b written out, then ``$$ z = [3.8, 4.8]
        + b $$``). Placed relative to ``span``."""
        if self.previous is None or span.notation != "latex":
            return None
        before, chain = self.previous
        gap = self.text[before.start + len(before.text):span.start]
        if not (CONTINUING_GAP.fullmatch(gap) or before.display and span.display and DISPLAYS_GAP.fullmatch(gap)
                and grid_of(chain.parts[-1]) is None and _arithmetic(chain.parts[-1])):
            return None         # (a display that ended in a value, or in a formula, is done)
        return N.shifted(chain, before.start - span.start)

    def paragraph(self, offset: int) -> int:
        k = bisect.bisect_right(self.blanks, offset)
        return self.blanks[k - 1] if k else 0

    def _unreadable(self, span: MathSpan, exc: LatexError) -> Unreadable | None:
        """Only the statement that cannot be read is void; without a printed number it claims nothing."""
        lo, hi = exc.span or (0, len(span.text))
        text = span.text[lo:hi]
        if not re.search(r"\d", SCRIPT.sub("", text)):
            return None
        return Unreadable(span, span.start + lo, span.start + max(lo, hi - 1), text, str(exc))


def _arithmetic(node: N.Node) -> bool:
    """Numbers and matrices of numbers put together by arithmetic alone (no name, no function)."""
    return not N.names(node) and not any(isinstance(n, N.Call) for n in N.walk(node))


def _named(chain, label):
    """A plain chain after ``name :`` (``span.label``) as ``name = chain``, unless it names itself."""
    if label is None or not isinstance(chain, N.Chain) or isinstance(chain.parts[0], N.Sym):
        return chain
    return N.Chain(chain.start, chain.end, (label, *chain.parts), ("=", *chain.rels))


def joined(chain: N.Chain, last: N.Chain | None, display: bool) -> tuple[list, list, int]:
    """The parts and relations of a statement's derivation, and how many parts of
    it came before this statement: a line starting with a relation continues the
    chain before it; in a display, so does a line restating its label."""
    parts, rels = list(chain.parts), list(chain.rels)
    if isinstance(parts[0], N.Special) and parts[0].what == "continuation":
        if last is None:
            return parts[1:], rels[1:], 1
        return list(last.parts) + parts[1:], list(last.rels) + rels, len(last.parts)
    if display and last is not None and len(parts) > 1 and restates(last, parts[0]) \
            and all(r in JOINING for r in rels):
        return list(last.parts) + parts[1:], list(last.rels) + rels, len(last.parts)
    return parts, rels, 1


def restates(last: N.Chain, label: N.Node) -> bool:
    """Does a line start with the label of the derivation before it (``L = ... \\\\ L \\approx 0.357``)?"""
    first = last.parts[0]
    return len(last.parts) > 1 and all(r in JOINING for r in last.rels) and is_label(first) \
        and is_label(label) and N.key(first) == N.key(label)


def is_label(node: N.Node) -> bool:
    """A name, a name's entry, or an expression of names: something a value is claimed for."""
    if N.is_literal(node) or isinstance(node, N.Special):
        return False
    if isinstance(node, (N.Sym, N.Index, N.Call)):
        return True
    return bool(N.names(node)) and not any(isinstance(n, N.Mat) for n in N.walk(node))
