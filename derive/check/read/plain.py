r"""Math written without LaTeX: ``z = 0.3 * 2.0 + (-0.5) * 1.0 = 0.1``, ``e^1.5 ≈ 4.48``.

People work numbers in plain text: in paragraphs, list items, inline code,
table cells and code comments. This reader finds ``expression = value``
chains there and gives them to the same statement records as LaTeX math.

Reading is in three steps, none of which evaluates anything:

1. **Tokens** (``plain_tokens``): numbers (``0.66``, ``4,718,592``, ``1.2e-3``,
   ``99.5%``, and with a suffix ``124M``, ``1.5B``, ``12k``), names
   (``d_model``, ``np.exp``, Greek letters), operators (``+ - * / ^ ** × · − √ ²``),
   brackets, relations (``=``, ``≈``, ``~=``) and anything else, which ends
   a statement.
2. **Statements** (``plain_statements``): a run of math tokens holding a
   relation, cut at top-level commas and semicolons that start a new
   relation (``mean = 2.5, std = 1.12``). The first part is the longest
   run of tokens before the relation that parses on its own; the words
   before it must be words (``so z = ...``): when a number, an operator or a
   bracket comes just before, the statement is not read at all (``2x + 1 = 5``
   is never read as ``x + 1 = 5``). The last part is cut the same way.
3. **Parsing** (``parse_plain``): the tokens are translated into Python
   source (``^`` -> ``**``, ``×`` -> ``*``, ``√x`` -> ``sqrt(x)``, every number
   and name a placeholder), parsed with ``ast.parse`` (which builds a tree
   and runs nothing), and the tree becomes derive's own nodes
   (``derive.check.read.nodes``), with offsets into the original text.
"""

from __future__ import annotations

import ast
import bisect
import re
from dataclasses import dataclass

from derive.check.policy import POLICY
from derive.check.read import nodes as N
from derive.check.read.atoms import FUNCTIONS
from derive.check.read.delimiters import MathSpan
from derive.check.read.lexer import LatexError
from derive.check.read.statements import top_level_split
from derive.errors import DeriveError
from derive.numbers import Printed, parse_decimal

SUFFIXES = dict(POLICY.number_suffixes)     # 124M -> 124 * 10**6 (plain text only)
MAX_PART = POLICY.plain_part_tokens         # the longest side of a plain statement, in tokens
GREEK = {"α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon", "η": "eta",
         "θ": "theta", "λ": "lambda", "μ": "mu", "π": "pi", "σ": "sigma", "τ": "tau", "ϕ": "phi",
         "φ": "phi", "ω": "omega", "Σ": "Sigma", "Δ": "Delta"}
SUBSCRIPTS = str.maketrans("₀₁₂₃₄₅₆₇₈₉", "0123456789")
RELATIONS = {"=": "=", "≈": "approx", "~=": "approx", "=~": "approx", "≃": "approx", "≅": "approx", "#": "approx",
             "→": "=", "->": "="}
ARROWS = ("→", "->")      # read as ``=`` only from working to a printed value: ``softmax([0, 1]) → [0.27, 0.73]``
# a line of code and the value its comment says it computes: ``softmax(z)  # [0.09, 0.24, 0.67]``
RESULT_COMMENT = re.compile(r"^[ \t]*(?P<code>[^#\n]*[^#\s])[ \t]+#[ \t]*(?P<value>[-\[(\d.][^#\n]*?)[ \t]*$", re.M)
# module prefixes of calls in code and in text: ``np.exp`` is exp
MODULES = re.compile(r"^(?:(?:np|numpy|math|torch|tf|F|nn|jnp|jax|scipy|special|sp|cmath)\.)+")
VALUE_METHODS = ("copy", "clone", "detach", "cpu", "numpy")              # x.copy(): the same values
METHODS = ("sum", "mean", "max", "min", "std", "var", "T", "item", "dot", "round") + VALUE_METHODS  # x.sum(), K.T
CONSTRUCTORS = {"array", "asarray", "tensor", "Tensor", "matrix", "float", "item", "float32", "float64",
                "constant", "convert_to_tensor", *VALUE_METHODS}
PRODUCTS = {"dot", "matmul"}
RENAMED = {"relu": "ReLU", "arcsin": "asin", "layer_norm": "LN"}

NUMBER_WORDS = dict(POLICY.number_words)    # 52 billion -> 52 * 10**9
_NUMBER = (r"(?:\d{1,3}(?:,\d{3})+(?:\.\d+|\.(?=[ \t]*[=≈*/×]))?(?![\d,])|\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?"
           r"(?:[%]|(?:[" + "".join(SUFFIXES) + r"])(?![A-Za-z0-9_])"
           r"|[ \t]+(?:" + "|".join(NUMBER_WORDS) + r")\b)?")
TOKEN = re.compile(
    r"(?P<space>[ \t]+|\\(?=[][()*]))"                  # a Markdown escape (``\[1, 0]``) reads as its character
    r"|(?P<bold>(?<![\w*)\]])(?:\*\*|__)(?=[-−\d.(\[])|(?<=[\w%)\]])(?:\*\*|__)(?![\w(*]))"   # = **562,500**
    r"|(?P<join>[ \t]*\n[ \t]*(?=(?:=(?!=)|≈|~=)))"      # a line starting with = may continue the one before
    r"|(?P<num>" + _NUMBER + r")(?![\w.]\d|_|(?:st|nd|rd|th)\b)"      # 4d_model: 4 times d_model; 1st: no number
    r"|(?P<name>(?:[A-Za-z_](?:[A-Za-z0-9_]|\\_)*(?:\.[A-Za-z_][A-Za-z0-9_]*)*|[" + "".join(GREEK) + r"])[₀-₉]*)"
    r"|(?P<rel>~=|=[ \t]*~(?=[ \t]*[\d.])|=(?!=)|[≈≃≅→]|->)"      # = ~562,500: about
    r"|(?P<dot>(?<=[ \t])\.(?=[ \t]))"                    # ``q . k``: a period between spaces is a dot product
    r"|(?P<op>\*\*|[-+*/^×·−–÷√()\[\]{},²³⁴@½¼¾⅓]|\.(?:" + "|".join(METHODS) + r")\b)"
    r"|(?P<other>==|!=|<=|>=|=>|->|.)", re.S)
OPENERS, CLOSERS = "([{", ")]}"
COMMENT = re.compile(r"#[^\n]*")      # a comment in code


def plain_unit(word: str) -> bool:
    """Is a word after a number in plain text its unit (``POLICY.unit_words``, ``unit_scales``)?
    One letter (s, h) never is: too often a name."""
    return word in POLICY.unit_words or (len(word) > 1 and word in POLICY.unit_scales)


@dataclass(frozen=True)
class Tok:
    kind: str      # num name rel op other
    text: str
    start: int
    end: int


def plain_tokens(text: str) -> list[Tok]:
    """The tokens of plain math (spaces dropped), each with its offsets."""
    out = []
    for m in TOKEN.finditer(text):
        kind, word = m.lastgroup, m.group()
        if kind in ("space", "bold"):
            continue
        if kind == "dot":
            out.append(Tok("op", "·", m.start(), m.end()))
            continue
        word = word.replace("\\_", "_")           # ``W\_Q1``: Markdown's escaped underscore
        head, _, method = word.rpartition(".")
        if kind == "name" and head and method in METHODS and not MODULES.fullmatch(head + "."):   # x.mean, K.T
            out.append(Tok("name", head, m.start(), m.start() + len(head)))
            out.append(Tok("op", "." + method, m.end() - len(method) - 1, m.end()))
        else:
            out.append(Tok(kind, word, m.start(), m.end()))
    return out


# --------------------------------------------------------------------------- statements

def plain_statements(text: str) -> list[tuple[int, int]]:
    """The (start, end) offsets of every plain ``expression = value`` statement in ``text``."""
    out = []
    for run in _runs(_keyword_arguments(_asides(_result_arrows(plain_tokens(text))))):
        for piece in _pieces(run):
            out.extend((found[0].start, found[-1].end) for found in _chains(piece))
    return out


def _runs(tokens: list[Tok]) -> list[list[Tok]]:
    """Maximal runs of math tokens holding a relation; anything else (a sentence's
    end, a line's end too) cuts them. A letter or digit that cut a run stays at
    its edge as a wall: no statement may start or end against it (``2x + 1 = 5``).
    A line starting with ``=`` continues the line before when that one ends in
    working, not in a value: a derivation ended at its value."""
    runs, current = [], []
    for t in tokens:
        if t.kind == "join":
            rels = [k for k, c in enumerate(current) if c.kind == "rel"]
            if not _literal(current[rels[-1] + 1:] if rels else current):
                continue                 # ``= (0.4)(0.59) + ...`` then ``= 0.24 + ...``: one derivation
            t = Tok("other", "\n", t.start, t.end)   # after a value, a new derivation whose label was lost
        if t.kind == "other":
            wall = t.text.isalnum()
            runs.append(current + ([t] if wall and current and current[-1].end == t.start else []))
            current = [t] if wall else []
        else:
            current.append(t)
    runs.append(current)
    return [r for r in runs if any(t.kind == "rel" for t in r)]


def _pieces(run: list[Tok]) -> list[list[Tok]]:
    """Cut at top-level commas: each piece holding a relation is a statement; a
    piece without one ends the statement before it (``= 0.1, which ...``)."""
    pieces = top_level_split(run, lambda t: t.kind == "op" and t.text in OPENERS,
                             lambda t: t.kind == "op" and t.text in CLOSERS, lambda t: t.kind == "op" and t.text == ",")
    return [p for p in pieces if any(t.kind == "rel" for t in p)]


def _chains(piece: list[Tok]) -> list[list[Tok]]:
    """The statements of a piece: between two relations the tokens are one part
    of the chain, or the end of one statement and the start of the next, with
    words between them (``e^1.5 = 4.48 and 7.39 / 11.2 ≈ 0.66``)."""
    rels = [k for k, t in enumerate(piece) if t.kind == "rel"]
    continued = rels[0] == 0      # a line that continues the one before: ``= ½ × 0.5580 = 0.279``
    if continued:
        piece, rels = piece[1:], [r - 1 for r in rels[1:]]
        if not rels:
            return []
    bounds = [-1] + rels + [len(piece)]
    out, start, head_end = [], _head(piece, 0, rels[0]), rels[0]
    for a, b in zip(rels, bounds[2:]):
        if start is not None and b < len(piece) and _parses(piece[a + 1:b]):
            continue                                   # a middle part of the chain
        end = _tail(piece, a + 1, b)
        if start is not None and end is not None:
            found = piece[start:end]
            if any(t.kind == "num" for t in found) and (continued or not _literal(piece[start:head_end])):
                out.append(found)
        continued = False
        start, head_end = (_head(piece, end if end is not None else a + 1, b, after=end is not None), b) \
            if b < len(piece) else (None, b)
    return out


def _asides(tokens: list[Tok]) -> list[Tok]:
    """``2 * 64 * 8192 ( n_heads * dim_head = d_model) = 2,097,152``: parentheses after a number
    (or a closing bracket), apart from it, holding a relation, are a remark on it; they are left
    out. After a word they are read as any text (``the mean (μ = 2)``)."""
    out, k = [], 0
    while k < len(tokens):
        t = tokens[k]
        before = out[-1] if out else None
        if t.kind == "op" and t.text == "(" and before is not None and before.end < t.start \
                and (before.kind == "num" or before.text in ")]"):
            depth, j, rel = 0, k, False
            while j < min(len(tokens), k + MAX_PART):         # (bounded: a remark is short)
                depth += tokens[j].text in OPENERS and tokens[j].kind == "op"
                depth -= tokens[j].text in CLOSERS and tokens[j].kind == "op"
                rel = rel or (tokens[j].kind == "rel" and depth == 1)
                if depth == 0 or tokens[j].kind == "other" and tokens[j].text == "\n":
                    break
                j += 1
            if depth == 0 and rel:
                k = j + 1
                continue
        out.append(t)
        k += 1
    return out


def _keyword_arguments(tokens: list[Tok], keep: bool = False) -> list[Tok]:
    """``Linear(in_features=8192, bias=False)``, ``f(x=2)``: an ``=`` inside the parentheses of a
    call (a name touching its parenthesis) names an argument; in text it ends the statement, as a
    word would (``keep``: in code, it stays the argument's ``=``). A parenthesis after a space is a
    remark, read as any text (``the mean (μ = 2)``)."""
    out, calls = list(tokens), []
    for k, t in enumerate(tokens):
        if t.kind == "op" and t.text in OPENERS:
            before = tokens[k - 1] if k else None
            calls.append(t.text == "(" and before is not None and before.kind == "name" and before.end == t.start)
        elif t.kind == "op" and t.text in CLOSERS and calls:
            calls.pop()
        elif t.kind == "rel" and any(calls):
            out[k] = Tok("op" if keep and t.text == "=" else "other", t.text, t.start, t.end)
    return out


def _result_arrows(tokens: list[Tok]) -> list[Tok]:
    """An arrow is a result only from working (an operator or a call) to numbers:
    not a limit (``x → 0``), not a change of value (``0.1 → 0.01``), not a mapping
    to words. Any other arrow ends the statement, as a word would."""
    out = list(tokens)
    for k, t in enumerate(tokens):
        if t.kind != "rel" or t.text not in ARROWS:
            continue
        a = k
        while a > 0 and tokens[a - 1].kind not in ("rel", "other"):
            a -= 1
        before = tokens[a:k]
        worked = any(b.kind == "op" and b.text not in "[](),"
                     or b.kind == "name" and j + 1 < len(before) and before[j + 1].text == "("
                     for j, b in enumerate(before))
        e = k + 1
        while e < len(tokens) and (tokens[e].kind == "num" or tokens[e].text in "[](),-−"):
            e += 1
        ends = e == len(tokens) or tokens[e].kind in ("rel", "other") \
            or (tokens[e].kind == "name" and len(tokens[e].text) > 1)
        if not (worked and ends and _literal(tokens[k + 1:e]) and any(x.kind == "num" for x in tokens[k + 1:e])):
            out[k] = Tok("other", t.text, t.start, t.end)
    return out


def _literal(tokens: list[Tok]) -> bool:
    """Numbers only (``3``, ``[3, 3]``): no label of a claim (``2 = [3, 4] @ [4, 3]`` is a line
    number glued to a shape, not a claim that 2 is a product)."""
    return bool(tokens) and all(t.kind == "num" or t.text in "[](),-−" for t in tokens)


def _head(piece: list[Tok], lo: int, hi: int, after: bool = False) -> int | None:
    """Where the longest part ending at ``hi`` starts (from ``lo`` on), apart from what is before it;
    ``after``: ``lo`` follows the value that ended the statement before, which a space keeps
    apart (``prediction=0.7514  loss=0.2749``)."""
    for s in range(max(lo, hi - MAX_PART), hi):
        if _signed_after_word(piece, s):
            continue
        if _parses(piece[s:hi]):
            spaced = after and s == lo and piece[s - 1].end < piece[s].start
            return s if s == 0 or spaced or _apart(piece, s - 1, s) else None
    return None


def _signed_after_word(piece: list[Tok], s: int) -> bool:
    """Is token ``s`` a word followed by a minus that touches its number, after a space
    (``the new weight is -1.16 - 0.1 * 0.2``, ``it becomes -0.5``)? Then the minus is the
    number's sign and the word is prose: a part never starts at it."""
    if s + 2 >= len(piece):
        return False
    word, sign, number = piece[s], piece[s + 1], piece[s + 2]
    return (word.kind == "name" and len(word.text) > 1 and word.text.isalpha() and sign.kind == "op"
            and sign.text in "-−" and sign.start > word.end and number.start == sign.end and number.kind == "num")


def _tail(piece: list[Tok], lo: int, hi: int) -> int | None:
    """Where the longest part starting at ``lo`` ends (up to ``hi``), apart from what is after it."""
    for e in range(min(hi, lo + MAX_PART), lo, -1):
        if _parses(piece[lo:e]):
            return e if e == len(piece) or _apart(piece, e, e - 1) else None
    return None


def _apart(piece: list[Tok], k: int, inside: int) -> bool:
    """Is token ``k``, just outside a part, a word apart from it or a bracket around it
    (not an expression cut short: ``W^T x`` is not ``x``)? A word is two letters
    or more, with no script, not after an operator."""
    outside = piece[k]
    before = k < inside
    if outside.kind == "op":
        return outside.text in (OPENERS if before else CLOSERS)
    if outside.kind != "name" or len(outside.text) < 2 or not outside.text.isalpha():
        return False
    if before and k > 0 and piece[k - 1].kind == "op" and piece[k - 1].text not in OPENERS + CLOSERS + ",":
        return False
    return True


def _parses(tokens: list[Tok]) -> bool:
    if not tokens:
        return False
    try:
        _Translation(tokens).node()       # (derive reads it, not only Python)
    except (SyntaxError, ValueError, LatexError, RecursionError, MemoryError):
        return False
    return True


NAME_COLON = re.compile(r"(?:^|\n)[ \t]*(?:[-*+][ \t]+)?(?:\*\*)?(?P<name>[A-Za-z][A-Za-z0-9]*_[A-Za-z0-9_]*|[A-Za-z])"
                        r"(?:\*\*)?[ \t]*:[ \t]*$")


def plain_spans(text: str, offset: int = 0) -> list[MathSpan]:
    """The plain statements of ``text`` as math spans (``notation="plain"``) at ``offset``;
    a statement that starts a line after a name and a colon (``for_compute : 17 / 312 =
    0.054``; a name with an underscore, or one letter) is that name's (its ``label``)."""
    out = []
    for a, b in plain_statements(text):
        m = NAME_COLON.search(text, max(0, a - 80), a)
        label = _atom(Tok("name", m.group("name"), 0, 0)) if m else None
        out.append(MathSpan(offset + a, text[a:b], False, "plain", label))
    return out


def result_spans(text: str, offset: int = 0) -> list[MathSpan]:
    """Lines of code whose comment is the value they compute (``softmax(z / 0.5)  # [0.016, 0.117, 0.867]``,
    ``p = np.exp(z) / np.exp(z).sum()  # 0.73``), as spans read with the ``#`` as ``=``."""
    out = []
    for m in RESULT_COMMENT.finditer(text):
        code, value = m.group("code"), m.group("value")
        if code.count('"') % 2 or code.count("'") % 2 or not literal_text(value):
            continue
        span = text[m.start("code"):m.end("value")]
        if not isinstance(parse_plain(span, result=True)[0], LatexError):
            out.append(MathSpan(offset + m.start("code"), span, False, "result"))
    return out


LABELLED = re.compile(r"^[ \t]*(?:[-*+][ \t]+)?(?:\*\*)?(?P<label>[A-Za-z][\w ()\-]{0,40}?)(?:\*\*)?[ \t]*:"
                      r"[ \t]*(?P<value>[-−]?[\d.\[(][^\n]*?)[ \t]*$", re.M)


def labelled_spans(text: str, name_of, offset: int = 0) -> list[MathSpan]:
    """``Variance 1: 0.9999957``: a line restating an item the document's code printed
    under that label (``name_of(label)``: the name it is bound under, or None), as a
    span of the value claimed for that name (notation ``labelled``)."""
    out = []
    for m in LABELLED.finditer(text):
        name = name_of(m.group("label"))
        if name is not None and literal_text(m.group("value")):
            out.append(labelled(offset + m.start("value"), m.group("value"), N.Sym(0, 0, name, name)))
    return out


def labelled(start: int, value: str, label: N.Node) -> MathSpan:
    """A span of a value written in plain text, claimed for ``label``."""
    return MathSpan(start, value, False, "labelled", label)


def _value_node(text: str) -> N.Node:
    """A value written in plain text (``[0.5, 0.2]``, ``26%``) as a node; raises when it is none."""
    return _Translation([t for t in plain_tokens(text) if t.kind != "join"]).node()


def entry_of(name: str, k: int) -> N.Sym:
    """Entry k (from 1) of the vector ``name``: ``v_k``."""
    return N.Sym(0, 0, f"{name}_{k}", name, N.Num(0, 0, parse_decimal(str(k))))


def parse_labelled(span: MathSpan) -> list[N.Chain | LatexError]:
    """A labelled span as the chain ``label = value`` (a label of two nodes, a name and the
    working that computes it: ``name = working = value``)."""
    try:
        value = _value_node(span.text.replace("\n", " "))
    except (SyntaxError, ValueError, RecursionError, MemoryError, LatexError) as exc:
        return [LatexError(f"cannot read the value: {exc}", 0)]
    heads = span.label if isinstance(span.label, tuple) else (span.label,)      # (name, its working)
    return [N.Chain(0, value.end, (*heads, value), ("=",) * len(heads))]


LIST_ITEM = re.compile(r"^[ \t]*(?:[-*+]|\d{1,2}[.)])[ \t]+(?P<body>.*\S)[ \t]*$")


def entry_spans(text: str, line_starts: list[int], after: int, keys: dict[int, str]) -> list[MathSpan]:
    """A list just after line ``after`` (an output block's last line) restating, item by
    item, the entries of a vector printed there (``keys``: the name each printed vector
    is bound under, by its length; one number per item: ``- "cat" - 0.5000 (somewhat
    important)``, ``- "The" gets 26% attention``). At most ``POLICY.entry_list_gap``
    lines of prose come between; the list must have as many items as the vector has
    entries, each with exactly one number."""
    lines, k, longest = [], after, max(keys, default=0)
    while k < len(line_starts) and len(lines) <= longest:
        line = text[line_starts[k]:line_starts[k + 1] - 1 if k + 1 < len(line_starts) else len(text)]
        k += 1
        if LIST_ITEM.match(line):
            lines.append((line_starts[k - 1], line))
        elif lines and line.strip():
            break
        elif not lines and line.strip() and (k - after > POLICY.entry_list_gap or line.lstrip().startswith("```")):
            return []
    key = keys.get(len(lines))
    if key is None:
        return []
    out = []
    for n, (start, line) in enumerate(lines, 1):
        numbers = [t for t in plain_tokens(line) if t.kind == "num"]
        if len(numbers) != 1:
            return []
        t = numbers[0]
        begin = t.start - (1 if t.start and line[t.start - 1] in "-\u2212" else 0)     # -0.5, not "- 0.5"
        end = t.end + (1 if line[t.end:t.end + 1] == "%" else 0)
        out.append(labelled(start + begin, line[begin:end], entry_of(key, n)))
    return out


BRACKETED = re.compile(r"\[[^\[\]\n]{1,400}\]")


APPLIED = re.compile(r"^[ \t]*(?:#[ \t]*)?(?:[-*+][ \t]+)?(?:\*\*)?(?P<label>[A-Za-z][\w ()\-]{0,40}?)(?:\*\*)?"
                     r"[ \t]*(?::|=)[ \t]*(?P<value>\[[^\n]*?\])[ \t]*$", re.M)
FUNCTION_CUE = re.compile(r"^[ \t]*(?:#[ \t]*)?(?P<cue>[A-Za-z][\w ()\-]{0,40}?)[ \t]*:?[ \t]*$")


def applied_spans(text: str, line_starts: list[int], code_lines: set[int]) -> list[MathSpan]:
    """``Softmax: [0.6011, 0.1711, 0.2278]`` a few lines after ``Scaled scores: [1.25, 0,
    -0.625]``: a line (or a code comment) whose value is a list of numbers and whose label
    names a function derive knows (``POLICY.applied_functions``, with words like "after"
    before it and "output" after it), or whose line just above is such a cue alone
    (``Apply softmax:`` over ``P = [0.88, 0.11, 0.01]``), claims that function of the
    nearest list of as many numbers above it on a line that names its input, or under a
    line that does (``POLICY.applied_inputs``: scores, logits, masked ...), at most
    ``POLICY.applied_window`` lines up; an exponentials line in between is no input. A
    list may hold ``-inf`` (a masked score)."""
    out = []
    for m in APPLIED.finditer(text):
        line = bisect.bisect_right(line_starts, m.start()) - 1
        func = _applied_function(m.group("label")) or _cue_above(text, line_starts, line)
        value = m.group("value").strip()
        size = _list_size(value)
        if func is None or size < 2:
            continue
        arg = _input_above(text, line_starts, line, size, set() if line in code_lines else code_lines)
        if arg is not None:
            out.append(labelled(m.start("value"), m.group("value"), N.Call(0, 0, func, (arg,))))
    return out


def _applied_function(label: str) -> str | None:
    words = label.lower().replace("(", " ").replace(")", " ").split()
    while words and words[-1] in POLICY.applied_trailing_words:
        words.pop()
    while words and words[0] in POLICY.applied_leading_words:
        words.pop(0)
    return POLICY.applied_functions.get(" ".join(words))


def _cue_above(text: str, line_starts: list[int], line: int) -> str | None:
    """The function named by the line just above (``Apply softmax:``) when it is such a cue alone."""
    m = FUNCTION_CUE.match(_line_above(text, line_starts, line))
    words = m.group("cue").lower().split() if m else []
    return _applied_function(m.group("cue")) if words and words[0] in POLICY.applied_leading_words else None


def _line_above(text: str, line_starts: list[int], k: int) -> str:
    """Line k - 1, stripped, or the line above it when that one only opens or closes
    math or code (``$$``, ``\\[``, a fence); "" at the top."""
    for j in range(k - 1, max(-1, k - 3), -1):
        row = _row(text, line_starts, j).strip()
        if row not in ("$$", "\\[", "```"):
            return row
    return ""


def _row(text: str, line_starts: list[int], k: int) -> str:
    return text[line_starts[k]:line_starts[k + 1] if k + 1 < len(line_starts) else len(text)]


def _caption(text: str, line_starts: list[int], k: int) -> str:
    """The line of prose just above line k when it ends in a colon (``Dividing logits by T:``), else ""."""
    row = _line_above(text, line_starts, k)
    return row if row.endswith(":") else ""


MASKED = re.compile(r"[-−]\s*inf\b")


def _list_size(value: str) -> int:
    """How many entries a bracketed list of numbers holds (0 when it is not one); an
    entry may be ``-inf`` when another is a number."""
    finite = MASKED.sub("0", value)
    if not (value.startswith("[") and value.endswith("]")) or not literal_text(finite) \
            or finite != value and not literal_text(MASKED.sub("", value)):
        return 0
    return sum(1 for t in plain_tokens(finite) if t.kind == "num")


INPUT_WORDS = re.compile(r"\b(?:" + "|".join(POLICY.applied_inputs) + r")", re.I)


def _input_above(text: str, line_starts: list[int], line: int, size: int, code_lines: set[int]) -> N.Node | None:
    for k in range(line - 1, max(-1, line - POLICY.applied_window - 1), -1):
        if k in code_lines:
            continue
        row = _row(text, line_starts, k)
        lists = [b.group(0) for b in BRACKETED.finditer(row) if _list_size(b.group(0)) == size]
        if lists and (INPUT_WORDS.search(row) or INPUT_WORDS.search(_caption(text, line_starts, k))):
            try:
                return _value_node(lists[-1])
            except (SyntaxError, ValueError, RecursionError, MemoryError, LatexError):
                return None
        if lists:
            return None         # the list just above is no input (exponentials, a sum): nothing is claimed
    return None


def literal_text(value: str) -> bool:
    """Does ``value`` print numbers only (``0.73``, ``[0.09, 0.24]``)?"""
    tokens = plain_tokens(value)
    return _literal(tokens) and any(t.kind == "num" for t in tokens)


# --------------------------------------------------------------------------- parsing

def parse_plain(text: str, result: bool = False) -> list[N.Chain | LatexError]:
    """The statement ``text`` (as found by ``plain_statements``) as one chain; with
    ``result``, a line of code whose ``#`` comment is its value (``result_spans``)."""
    tokens = [t for t in _asides(plain_tokens(text)) if t.kind != "join"]
    if result:
        hashes = [k for k, t in enumerate(tokens) if t.text == "#"]
        if not hashes:
            return [LatexError("no result comment", 0)]
        k = hashes[-1]
        tokens[k] = Tok("rel", "#", tokens[k].start, tokens[k].end)
    rels = [k for k, t in enumerate(tokens) if t.kind == "rel"]
    if not rels or not tokens:
        return [LatexError("no relation in plain math", 0)]
    parts, bounds = [], [-1] + rels + [len(tokens)]
    try:
        for a, b in zip(bounds, bounds[1:]):
            parts.append(_Translation(tokens[a + 1:b]).node())
    except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
        return [LatexError(f"cannot read the plain math: {exc}", 0)]
    except LatexError as exc:
        return [exc]
    names = tuple(RELATIONS[re.sub(r"[ \t]+", "", tokens[k].text)] for k in rels)
    return [N.Chain(parts[0].start, parts[-1].end, tuple(parts), names)]


def parse_expression(text: str) -> N.Node:
    """One expression of code (``*`` entry by entry, as numpy's) (``1 / math.sqrt(d)``, ``np.exp(z).sum()``,
    ``torch.tensor(x, dtype=torch.float32)``), offsets into ``text``; ValueError, SyntaxError
    or LatexError when it is none. Code's comments are blanked (offsets kept)."""
    text = COMMENT.sub(lambda m: " " * len(m.group()), text)
    tokens = _keyword_arguments(plain_tokens(text.replace("\n", " ")), keep=True)
    if not tokens or any(t.kind in ("rel", "other") for t in tokens):
        raise ValueError("not one expression")
    return _Translation(tokens, code=True).node()


class _Translation:
    """Tokens -> Python source with placeholders -> ``ast`` -> derive's nodes."""

    def __init__(self, tokens: list[Tok], code: bool = False):
        self.code = code                               # Python's * is entry by entry (numpy), @ the product
        if len(tokens) > POLICY.max_tokens:
            raise LatexError("plain math too long", tokens[0].start)
        self.values: dict[str, Tok] = {}
        self.source: list[str] = []
        self.length = 0                                # of the source so far
        self.marks: list[int] = []                     # where each piece starts in the source ...
        self.places: list[int] = []                    # ... and in the text
        k = 0
        while k < len(tokens):
            k = self._emit(tokens, k)
        self.ends = {t.start: t.end for t in self.values.values()}

    def _put(self, text: str, at: int) -> None:
        self.marks.append(self.length)
        self.places.append(at)
        self.source.append(text)
        self.length += len(text)

    def _placeholder(self, t: Tok) -> None:
        ph = f"_{t.kind[0]}{len(self.values)}"
        self.values[ph] = t
        self._put(f" {ph} ", t.start)

    def _emit(self, tokens: list[Tok], k: int) -> int:
        t = tokens[k]
        if t.kind == "num" and k + 1 < len(tokens) and tokens[k + 1].kind == "name" \
                and plain_unit(tokens[k + 1].text):
            self._put("(", t.start)                          # 160 KB: a quantity, bound before / and ×
            self._placeholder(t)
            self._put(" * ", t.end)
            self._placeholder(tokens[k + 1])
            self._put(")", tokens[k + 1].end)
            return k + 2
        if t.kind in ("num", "name"):
            self._placeholder(t)
            if k + 1 < len(tokens) and tokens[k + 1].kind in ("num", "name"):
                if t.kind == "num" and tokens[k + 1].kind == "name" and t.end == tokens[k + 1].start:
                    self._put(" * ", t.end)                  # 4d_model: a coefficient
                    return k + 1
                raise ValueError("two values side by side")
            return k + 1
        if t.kind != "op":
            raise ValueError(f"unexpected {t.text!r}")
        if t.text == "(" and k > 0 and (tokens[k - 1].text == ")" or tokens[k - 1].kind == "num"):
            self._put(" * ", t.start)                    # (0.40)(0.5944), 2(3 + 1): a product
        if t.text in ("^", "**") and k + 1 < len(tokens) and tokens[k + 1].text == "T":
            self._put(".T", t.start)                     # W^T: the transpose
            return k + 2
        if t.text == "√":
            if k + 1 < len(tokens) and tokens[k + 1].kind in ("num", "name"):
                self._put("_sqrt(", t.start)
                k = self._emit(tokens, k + 1)
                self._put(")", tokens[k - 1].end)
                return k
            self._put("_sqrt", t.start)
            return k + 1
        text = {"^": "**", "×": "*", "·": "*", "−": "-", "–": "-", "÷": "/", "{": "(", "}": ")",
                "²": "**2", "³": "**3", "⁴": "**4", "½": "(1/2)", "¼": "(1/4)", "¾": "(3/4)",
                "⅓": "(1/3)"}.get(t.text, t.text)
        self._put(f" {text} ", t.start)
        return k + 1

    def tree(self) -> ast.expr:
        source = "".join(self.source)
        self.shift = len(source) - len(source.lstrip())
        return ast.parse(source.strip(), mode="eval").body

    def node(self) -> N.Node:
        return self._node(self.tree())

    # ---------------------------------------------------------------- ast -> nodes
    def _at(self, col: int) -> int:
        k = bisect.bisect_right(self.marks, col + self.shift) - 1
        return self.places[max(k, 0)]

    def _span(self, a: ast.AST) -> tuple[int, int]:
        start = self._at(a.col_offset)
        end_mark = self._at(max(a.end_col_offset - 1, a.col_offset))
        return start, self.ends.get(end_mark, end_mark + 1)

    def _node(self, a: ast.expr) -> N.Node:
        s, e = self._span(a)
        match a:
            case ast.Name(id=ph) if ph in self.values:
                return _atom(self.values[ph])
            case ast.BinOp(op=ast.Add() | ast.Sub()):
                terms, signs = self._terms(a, 1)
                return N.Add(s, e, tuple(terms), tuple(signs))
            case ast.BinOp(op=ast.MatMult(), left=left, right=right) if self._word(left) or self._word(right):
                raise ValueError("@ beside a function's name is a word (Softmax @ T=1), not a product")
            case ast.BinOp(op=ast.Mult(), left=left, right=right) if self.code:
                return N.Hadamard(s, e, self._node(left), self._node(right))
            case ast.BinOp(op=ast.Mult() | ast.MatMult()):
                return N.Mul(s, e, tuple(self._factors(a)))
            case ast.BinOp(op=ast.Div(), left=left, right=right):
                return N.Div(s, e, self._node(left), self._node(right))
            case ast.BinOp(op=ast.Pow(), left=left, right=right):
                return N.Pow(s, e, self._node(left), self._node(right))
            case ast.UnaryOp(op=ast.USub(), operand=x):
                return N.Neg(s, e, self._node(x))
            case ast.Constant(value=int(v)) if not isinstance(v, bool):      # the 2 of x²
                return N.Num(s, e, parse_decimal(str(v)))
            case ast.Attribute(value=x, attr="T"):
                return N.Transpose(s, e, self._node(x))
            case ast.UnaryOp(op=ast.UAdd(), operand=x):
                return self._node(x)
            case ast.Call(func=ast.Attribute(value=x, attr=method), args=[]):          # x.sum()
                inner = self._node(x)
                return inner if method in CONSTRUCTORS else N.Call(s, e, RENAMED.get(method, method), (inner,))
            case ast.Call(func=ast.Attribute(value=x, attr=method), args=[y], keywords=[]) if method in PRODUCTS:
                return N.Mul(s, e, (self._node(x), self._node(y)))                 # a.dot(b)
            case ast.Call(func=ast.Attribute(value=x, attr="round"), args=[_]):
                return self._node(x)          # x.round(4): the value, printed to its decimals
            case ast.Call(func=func, args=args, keywords=keywords) if args:
                name = self._function(func)
                if name in CONSTRUCTORS and len(args) == 1:                       # np.array([...])
                    return self._node(args[0])
                if not all(self._neutral(k) for k in keywords):
                    raise ValueError("keyword arguments")
                nodes = tuple(self._node(x) for x in args)
                if name in PRODUCTS and len(nodes) == 2:
                    return N.Mul(s, e, nodes)
                return N.Call(s, e, name, nodes)
            case ast.List(elts=elts) if elts:
                return self._matrix(a, elts, s, e)
            case ast.Tuple(elts=elts) if len(elts) > 1:
                return N.Tuple(s, e, tuple(self._node(x) for x in elts))
        raise ValueError("not plain arithmetic")

    def _word(self, a: ast.expr) -> bool:
        """A function's name standing alone (``Softmax``): a word, not a value."""
        return isinstance(a, ast.Name) and a.id in self.values and self.values[a.id].kind == "name" \
            and MODULES.sub("", self.values[a.id].text) in FUNCTIONS

    def _neutral(self, keyword: ast.keyword) -> bool:
        """A keyword argument that does not change the numbers (``POLICY.neutral_keywords``,
        ``dim=-1``)."""
        name = self.values[keyword.arg].text if keyword.arg in self.values else keyword.arg
        if name in POLICY.neutral_keywords:
            return True
        v = keyword.value
        return name in ("dim", "axis") and isinstance(v, ast.UnaryOp) and isinstance(v.op, ast.USub) \
            and isinstance(v.operand, ast.Name) and getattr(self.values.get(v.operand.id), "text", "") == "1"

    def _terms(self, a: ast.expr, sign: int) -> tuple[list, list]:
        if isinstance(a, ast.BinOp) and isinstance(a.op, (ast.Add, ast.Sub)):
            lt, ls = self._terms(a.left, sign)
            rt, rs = self._terms(a.right, sign if isinstance(a.op, ast.Add) else -sign)
            return lt + rt, ls + rs
        return [self._node(a)], [sign]

    def _factors(self, a: ast.expr) -> list:
        if isinstance(a, ast.BinOp) and isinstance(a.op, (ast.Mult, ast.MatMult)):
            return self._factors(a.left) + self._factors(a.right)
        return [self._node(a)]

    def _function(self, func: ast.expr) -> str:
        if isinstance(func, ast.Name) and func.id == "_sqrt":
            return "sqrt"
        if isinstance(func, ast.Name) and func.id in self.values and self.values[func.id].kind == "name":
            name = MODULES.sub("", self.values[func.id].text)
            name = GREEK.get(name, name)
            return RENAMED.get(name, name)
        raise ValueError("not a function")

    def _matrix(self, a: ast.List, elts: list, s: int, e: int) -> N.Mat:
        if all(isinstance(x, ast.List) and x.elts for x in elts):
            rows = tuple(tuple(self._node(c) for c in row.elts) for row in elts)
            if len({len(r) for r in rows}) != 1:
                raise ValueError("rows of different lengths")
            return N.Mat(s, e, rows)
        return N.Mat(s, e, (tuple(self._node(x) for x in elts),), bracket=True)


def _atom(t: Tok) -> N.Node:
    """A number or a name token as a node."""
    if t.kind == "num":
        return N.Num(t.start, t.end, printed_number(t.text))
    text = t.text.translate(SUBSCRIPTS)
    if text != t.text and "_" not in text:                  # x₁ is x_1
        text = re.sub(r"(\d+)$", r"_\1", text)
    name = GREEK.get(text, MODULES.sub("", text))
    if name in ("nan", "NaN", "inf"):
        return N.Special(t.start, t.end, name)
    base, _, sub = name.partition("_")
    if base and sub:
        sub_node = N.Num(t.start, t.end, parse_decimal(sub)) if sub.isdigit() else \
            N.Sym(t.start, t.end, sub, sub)
        return N.Sym(t.start, t.end, name, base, sub_node)
    return N.Sym(t.start, t.end, name, name)


def printed_number(text: str) -> Printed:
    """A number as plain text prints it: ``4,718,592``; ``99.5%`` (0.995, three
    decimals); ``124M`` (124 * 10**6, good to the million); ``1.5B``; ``12k``;
    ``52 billion``."""
    body, *word = text.replace(",", "").split()
    power = NUMBER_WORDS[word[0]] if word else SUFFIXES.get(body[-1:], 0)
    body = body[:-1] if not word and (power or body.endswith("%")) else body
    try:
        p = parse_decimal(body)
    except DeriveError as exc:
        raise LatexError(str(exc), 0) from None
    if text.endswith("%"):
        return Printed(text, p.value / 100, p.decimals + 2)
    return Printed(text, p.value * 10 ** power, p.decimals - power) if power else p
