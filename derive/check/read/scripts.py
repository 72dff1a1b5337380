r"""Superscripts and subscripts: powers, transposes and names.

    x^2, 10^{-3}, e^{x}        powers (e^x is exp(x))
    K^T, K^\top, W_Q^T         transposes
    W_Q, PE_{\text{input}}     subscripted names
    h^{(1)}, W^{(l+1)}_Q       names with a parenthesised index (layer, step)
    W', W'', W^\prime         primed names (a name of their own)
    W^K = ..., W^{Q} = ...     a superscripted name being defined (its uses
                               ``X W^K`` are power nodes with the key W^K, which
                               evaluation resolves to the name's value)
    \|x\|_2, \lVert x \rVert   the Euclidean norm (the call ``NORM``; ``_F``, the
                               Frobenius norm, is the same sum of squares; other
                               subscripts are not evaluated)
    \underbrace{X}_{note}      X (``\overbrace{X}^{note}`` too); a note that states a
                               value (``_{\approx 1.5812}``, ``^{= 1}``) is a claim
                               about X of its own, kept in ``asides`` for the statement
                               (see ``latex.parse_statements``); words are a comment

A mixin of ``derive.check.read.latex.Parser``, over the same token cursor.
"""

from __future__ import annotations

from derive.check.read import nodes as N
from derive.check.read.atoms import NORM, TRANSPOSE
from derive.check.read.lexer import LatexError, Token
from derive.check.read.statements import RELATIONS, is_relation


class Scripts:
    """The ``^`` and ``_`` of a formula (``postfix`` and ``expr`` come from the parser)."""

    def power(self) -> N.Node:
        start = self.here()
        base = self.postfix()
        while self.at("SYM", "^"):
            self.take()
            if self._transpose_mark():
                base = N.Transpose(start, self.last_end(), base)
                continue
            primes = self._prime_mark()
            if primes:
                for _ in range(primes):
                    base = primed(base, start, self.last_end())
                continue
            index = self._paren_index() if _nameable(base) else None
            if index is not None:
                base = self._indexed_name(base, index, start)
                continue
            exponent = self.script()
            base = N.Pow(start, self.last_end(), base, exponent)
        return base

    def norm(self, bar: str, width: int) -> N.Node:
        """``‖x‖`` (``\\lVert x \\rVert``, ``\\|x\\|``, ``||x||``), and ``‖x‖_2``, ``‖X‖_F``:
        the square root of the sum of the squares of the entries."""
        start = self.here()
        self.pos += width
        self.open_bars += 1
        try:
            inner = self.expr()
        finally:
            self.open_bars -= 1
        for _ in range(width):
            self.expect("SYM", bar)
        if self.at("SYM", "_"):
            which = self.peek(1)
            braced = which is not None and which.text == "{"
            which = self.peek(2) if braced else which
            if which is None or which.text not in ("2", "F") or (braced and not self.at("SYM", "}", 3)):
                raise self.fail("only the Euclidean norm is evaluated")
            self.pos += 4 if braced else 2
        return N.Call(start, self.last_end(), NORM, (inner,))

    def braced_note(self, mark: str) -> N.Node:
        r"""``\underbrace{X}_{note}``: X; a note ``= v`` or ``\approx v`` becomes the
        aside ``X = v`` (the words of a note are dropped: ``_{\text{mean} \approx 1}``)."""
        inner = self.script()
        if not self.at("SYM", mark):
            return inner
        self.take()
        first = self.pos
        if self.at("SYM", "{"):
            self._skip_group()
            note = self.tokens[first + 1:self.pos - 1]
        else:
            note = [self.take()]
        note = [t for t in note if t.kind != "WORD"]
        if note and is_relation(note[0]) and len(note) > 1:
            reader = type(self)(note[1:])
            try:
                value = reader.expr_list()
            except LatexError:
                return inner
            if reader.peek() is not None:
                return inner
            if N.has_numbers(value) and not isinstance(value, N.Tuple):
                self.asides.append(N.Chain(inner.start, note[-1].end, (inner, value),
                                           (RELATIONS[note[0].text],)))
        return inner

    def _paren_index(self) -> N.Node | None:
        """``^{(1)}``, ``^{(l)}``, ``^{(l+1)}``: a layer or step index, not an exponent."""
        if not (self.at("SYM", "{") and self.at("SYM", "(", 1)):
            return None
        save = self.pos
        self.pos += 2
        try:
            inner = self.expr()
            if self.at("SYM", ")") and self.at("SYM", "}", 1) and _is_index(inner):
                self.pos += 2
                return inner
        except LatexError:
            pass
        self.pos = save
        return None

    def _indexed_name(self, base: N.Sym, index: N.Node, start: int) -> N.Node:
        """``h^{(1)}`` is the name h^(1) (a power only as a fallback, see ``N.Sym``);
        a subscript may follow (``h^{(1)}_i``)."""
        name = f"{base.name}^({N.key(index)})"
        node: N.Node = N.Sym(start, self.last_end(), name, name, None,
                             N.Pow(start, self.last_end(), base, index))
        while self.at("SYM", "_"):
            self.take()
            node = subscript(node, self.script(), start, self.last_end())
        return node

    def _transpose_mark(self) -> bool:
        t = self.peek()
        if t is None:
            return False
        if (t.kind in ("IDENT", "WORD") and t.text in ("T", "\\top")) or (t.kind == "CMD" and t.text in TRANSPOSE):
            self.take()
            return True
        if t.kind == "SYM" and t.text == "{":
            inner = self.peek(1)
            if inner and ((inner.kind in ("IDENT", "WORD") and inner.text == "T")
                          or (inner.kind == "CMD" and inner.text in TRANSPOSE)) and self.at("SYM", "}", 2):
                self.pos += 3
                return True
        return False

    def _prime_mark(self) -> int:
        """``^\\prime``, ``^{\\prime}``, ``^{\\prime\\prime}``: how many primes (0 for none)."""
        if self.at("CMD", "prime"):
            self.take()
            return 1
        k = 1 if self.at("SYM", "{") else None
        while k is not None and self.at("CMD", "prime", k):
            k += 1
        if k is None or k == 1 or not self.at("SYM", "}", k):
            return 0
        self.pos += k + 1
        return k - 1

    def script(self) -> N.Node:
        """The argument of ^ or _: a braced group or a single token (x^2, e^x)."""
        if self.at("SYM", "{"):
            return self.group()
        t = self.peek()
        if t is not None and t.kind == "NUM" and len(t.text) > 1:
            # x^23 is x^2 times 3 in LaTeX: split the number after its first digit.
            self.tokens[self.pos] = Token("NUM", t.text[0], t.start, t.start + 1)
            self.tokens.insert(self.pos + 1, Token("NUM", t.text[1:], t.start + 1, t.end))
        if self.at("SYM", "-"):
            start = self.here()
            self.take()
            arg = self.atom()
            return N.Neg(start, arg.end, arg)
        return self.atom()


def _nameable(node: N.Node) -> bool:
    """A name that a superscript can extend (not e, whose superscript is an exponent)."""
    return isinstance(node, N.Sym) and node.power is None and node.name != "e"


def _is_index(node: N.Node) -> bool:
    """A whole number, a name, or a sum of them (``l+1``)."""
    if isinstance(node, N.Num):
        return node.printed.text.isdigit()
    if isinstance(node, N.Sym):
        return node.power is None
    return isinstance(node, N.Add) and all(_is_index(t) for t in node.terms)


def superscript_name(node: N.Node) -> N.Node:
    """The left-hand side ``W^K`` (``W^{Q}``, ``W^{\\text{enc}}``) of an equation
    names a value: a Sym ``W^K``, whose uses ``X W^K`` (a power node with the
    same key) resolve to it. Exponents that are numbers, transposes, ``-1`` or
    expressions stay powers and ``e^{x}`` stays exp(x); ``x^n`` with x and n
    given numbers is still the power 2^3 when the name x^n has no value."""
    if not (isinstance(node, N.Pow) and _nameable(node.base)):
        return node
    e = node.exp
    if not (isinstance(e, N.Sym) and e.sub is None and e.power is None and e.name not in TRANSPOSE):
        return node
    name = N.key(node)
    return N.Sym(node.start, node.end, name, name, None, node)


def primed(node: N.Node, start: int, end: int) -> N.Node:
    """``W'`` (``W^\\prime``) is a name of its own, the next or another W; a prime
    after anything but a name (``(AB)'``) is the transpose, as in MATLAB."""
    if isinstance(node, N.Sym):
        name = node.name + "'"
        return N.Sym(start, end, name, name)
    return N.Transpose(start, end, node)


def subscript(node: N.Node, sub: N.Node, start: int, end: int) -> N.Node:
    """``W_Q`` and ``PE_{\\text{input}}`` are names; ``(x)_i`` is an index."""
    if isinstance(node, N.Sym) and node.sub is None:
        return N.Sym(start, end, f"{node.name}_{_sub_text(sub)}", node.name, sub)
    if isinstance(node, N.Sym):
        return N.Sym(start, end, f"{node.name}{_sub_text(sub)}", node.base, node.sub)
    return N.Index(start, end, node, (sub,))


def _sub_text(sub: N.Node) -> str:
    text = N.key(sub)
    return text if isinstance(sub, (N.Sym, N.Num)) else "{" + text + "}" if not text.startswith("(") else text
