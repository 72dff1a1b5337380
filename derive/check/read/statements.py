r"""Cutting a math span into statements: ``a = 1, b = 2 \\ c = 3`` is three.

Statements end at top-level row breaks, ``\quad``, ``;``, arrows and joining
words (``\text{where}``), and at commas that start a new relation; aligned
environments dissolve into their lines.

Words beside a derivation are comments, never labels or definitions: a
statement of upright text only (``\quad \text{(exponentiate)}``) is dropped when
the span has other statements, and so is text in prose (with a space, a
parenthesis, a colon: ``\text{ by (3)}``) that ends a statement right after a
value. A ``&= ...`` line after a comment still continues the line before it.
"""

from __future__ import annotations

from derive.check.read.lexer import Token

ALIGNED = {"aligned", "align", "alignat", "gathered", "gather", "split", "equation", "eqnarray",
           "multline", "displaymath"}
# ``assign`` (``:=``, ``\leftarrow``, ``\gets``) is read by the parser as an update
# when its left side appears on its right (``W \leftarrow W - \eta g``), else as ``=``.
RELATIONS = {"=": "=", "approx": "approx", "simeq": "approx", "approxeq": "approx",
             "thickapprox": "approx", "equiv": "=", "coloneqq": "assign", "coloneq": "assign",
             ":=": "assign", "leftarrow": "assign", "gets": "assign", "longleftarrow": "assign",
             "neq": "neq", "ne": "neq",
             "leq": "<=", "le": "<=", "geq": ">=", "ge": ">=", "<": "<", ">": ">",
             "lt": "<", "gt": ">", "propto": "propto", "sim": "approx"}
ARROWS = {"to", "rightarrow", "Rightarrow", "implies", "mapsto", "longrightarrow", "iff"}
STOP_WORDS = {"and", "where", "for", "with", "if", "so", "then", "or", "since", "when", "i.e.",
              "e.g.", "thus", "hence", "because", "else", "otherwise"}


def split_statements(tokens: list[Token]) -> list[list[Token]]:
    """Cut at top-level breaks, \\quad, ';', arrows, joining words, and at commas
    that start a new relation (``a = 1, b = 2``); aligned environments dissolve."""
    segments: list[list[Token]] = [[]]
    depth = 0
    aligned = _derivation_arrays(tokens)
    for k, t in enumerate(tokens):
        if k in aligned:                       # an array's ends and its column spec {llll}
            if t.kind in ("BEGIN", "END"):
                segments.append([])
            continue
        if t.kind in ("BEGIN", "END") and t.text in ALIGNED:
            segments.append([])
            continue
        opens = t.kind == "BEGIN" or (t.kind == "SYM" and t.text in "([{" ) or t.text == "\\{"
        closes = t.kind == "END" or (t.kind == "SYM" and t.text in ")]}") or t.text == "\\}"
        if depth == 0 and (t.kind in ("BREAK", "SEP") or (t.kind == "SYM" and t.text == ";")
                           or (t.kind == "CMD" and t.text in ARROWS)
                           or (t.kind == "WORD" and t.text.lower() in STOP_WORDS)):
            segments.append([])
            continue
        if depth == 0 and t.kind == "SYM" and t.text == "&":
            continue
        depth = max(0, depth + (1 if opens else 0) - (1 if closes else 0))
        segments[-1].append(t)
    out = []
    for seg in segments:
        out.extend(_split_commas(_trim(_uncommented(seg))))
    out = [s for s in out if s]
    if any(not _words_only(s) for s in out):
        out = [s for s in out if not _words_only(s)]
    return out


def _derivation_arrays(tokens: list[Token]) -> set[int]:
    """Indices of the BEGIN and END of every ``array`` whose cells hold relations
    (``in_{h1} &= w_1 i_1 + b_1 &= 0.3775``): a derivation laid out in columns,
    read like ``aligned``, not a matrix."""
    out, stack = set(), []
    for k, t in enumerate(tokens):
        if t.kind == "BEGIN":
            stack.append([k, t.text, False])
        elif t.kind == "END" and stack:
            begin, name, related = stack.pop()
            if name == "array" and related:
                out |= {begin, k} | _column_spec(tokens, begin + 1)
        elif stack and is_relation(t):
            stack[-1][2] = True
    return out


def _column_spec(tokens: list[Token], k: int) -> set[int]:
    """The indices of a braced column spec starting at ``k`` (``{llll}``, ``{l|cc}``)."""
    if k >= len(tokens) or tokens[k].text != "{":
        return set()
    for j in range(k + 1, min(len(tokens), k + 40)):
        if tokens[j].text == "}":
            return set(range(k, j + 1))
    return set()


def _words_only(seg: list[Token]) -> bool:
    return all(t.kind == "WORD" for t in seg)


def _prose(t: Token) -> bool:
    """Upright text that reads as a remark: words with spaces, parentheses, a colon."""
    return t.kind == "WORD" and any(c in t.text for c in " ():;$")


def _uncommented(seg: list[Token]) -> list[Token]:
    """The statement without a trailing remark in words after a value
    (``2.7183 + 1 \text{ (exponentiate)}``) or a unit after a number (``0.333 \text{ nats}``)."""
    seg = _trim(seg)
    seg = [t for k, t in enumerate(seg) if not (k and _aside(t) and _value_end(seg[k - 1]))]
    while len(seg) > 1 and (_prose(seg[-1]) and (seg[-2].kind in ("NUM", "IDENT", "END") or
                                                 (seg[-2].kind == "SYM" and seg[-2].text in ")]}'"))
                            or seg[-1].kind == "WORD" and (seg[-2].kind == "NUM"       # 0.3330 \text{nats}
                                                           or _power_of_ten(seg[:-1]))):
        seg = seg[:-1]
    return seg


def _aside(t: Token) -> bool:
    r"""Upright words in parentheses: a remark on the value before it, wherever it stands
    (``160{,}822{,}400 \text{ (Embeds)} + 1{,}600 \text{ (Final Norm)}``)."""
    text = t.text.strip()
    return t.kind == "WORD" and text.startswith("(") and text.endswith(")")


def _value_end(t: Token) -> bool:
    return t.kind in ("NUM", "IDENT", "END") or (t.kind == "SYM" and t.text in ")]}'")


def _power_of_ten(seg: list[Token]) -> bool:
    r"""Does ``seg`` end in ``10^{12}`` (or ``10^{-3}``): a number in scientific notation, which
    a unit may follow (``3.14 \times 10^{23}\,\text{FLOPs}``)?"""
    texts = [t.text for t in seg[-6:]]
    for n in (3, 4):                         # 10 ^ { 12 }, 10 ^ { - 3 }
        tail = texts[-(n + 2):]
        if len(tail) == n + 2 and tail[:3] == ["10", "^", "{"] and tail[-1] == "}" \
                and all(x.isdigit() or x == "-" for x in tail[3:-1]):
            return True
    return False


def _trim(seg: list[Token]) -> list[Token]:
    while seg and seg[-1].kind == "SYM" and seg[-1].text in ",.":
        seg = seg[:-1]
    return seg


def is_relation(t: Token) -> bool:
    return (t.kind == "SYM" and t.text in RELATIONS) or (t.kind == "CMD" and t.text in RELATIONS)


def top_level_split(tokens: list, opens, closes, cuts) -> list[list]:
    """``tokens`` cut at the tokens ``cuts`` accepts outside every bracket (``opens`` and
    ``closes`` tell the brackets); the cutting tokens are dropped. Serves LaTeX and plain math."""
    pieces, depth, current = [], 0, []
    for t in tokens:
        if opens(t):
            depth += 1
        elif closes(t):
            depth = max(0, depth - 1)
        if depth == 0 and cuts(t):
            pieces.append(current)
            current = []
            continue
        current.append(t)
    pieces.append(current)
    return pieces


def _split_commas(seg: list[Token]) -> list[list[Token]]:
    """``PE_{0} = 0, PE_{1} = 1`` is two statements; ``pos = 0, 1, 2`` is one."""
    pieces = top_level_split(seg, lambda t: t.kind == "BEGIN" or (t.kind == "SYM" and t.text in "([{") or t.text == "\\{",
                             lambda t: t.kind == "END" or (t.kind == "SYM" and t.text in ")]}") or t.text == "\\}",
                             lambda t: t.kind == "SYM" and t.text == ",")
    merged: list[list[Token]] = [pieces[0]]
    for piece in pieces[1:]:
        if any(is_relation(t) for t in piece) and any(is_relation(t) for t in merged[-1]):
            merged.append(piece)
        else:
            merged[-1] = merged[-1] + [Token("SYM", ",", 0, 0)] + piece
    return [_trim(m) for m in merged]
