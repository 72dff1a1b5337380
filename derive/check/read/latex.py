r"""A strict recursive-descent parser of the LaTeX that papers use for arithmetic.

    statement := expr (relation expr)*            a = b \approx c, W \leftarrow W - \eta g
    expr      := term (('+' | '-' | \pm) term)*
    term      := unary ((\times | \cdot | \odot | \otimes | / | juxtaposition) unary)*
    unary     := ('-' | '+') unary | postfix ('^' script)?
    postfix   := atom ('_' script | '^T' | '[' indices ']' | '(' args ')')*
    atom      := number | name | \frac | \sqrt | function | matrix | [vector] | (expr) | {expr}

Superscripts and subscripts (powers, transposes, ``W_Q``, ``W^K``, ``h^{(1)}``, ``W'``)
are read by ``derive.check.read.scripts``; atoms (and accents: ``\hat{X}`` is the name
hat(X)) by ``derive.check.read.atoms``; derivatives (``\partial L / \partial W`` is the
name dL/dW) by ``derive.check.read.derivatives``. ``\odot`` and ``\circ`` are the
entry-by-entry product, ``\otimes`` the outer product; ``a \pm b`` is read as
``pm(a, b)`` and never evaluated.

Document text is data: this parser builds ``derive.check.read.nodes`` trees and
nothing else; no text is ever handed to eval, exec or sympify. Anything
outside the subset raises ``LatexError`` with the offset of the trouble.
"""

from __future__ import annotations

import sympy as sp

from derive.check.read import nodes as N
from derive.check.read.atoms import ENTRYWISE, FUNCTIONS, PRODUCTS, Atoms
from derive.check.read.cursor import TokenCursor
from derive.check.read.derivatives import applied, divide, is_partial
from derive.check.read.lexer import LatexError, Token, tokenize
from derive.check.read.scripts import Scripts, primed, subscript, superscript_name
from derive.check.read.statements import ARROWS, RELATIONS, is_relation, split_statements
from derive.numbers import Printed
from derive.check.read.plain import SUFFIXES, printed_number


def parse_statements(text: str) -> list[N.Chain | LatexError]:
    """Every statement of a math span: one Chain each, or the LatexError it raised
    (whose ``span`` is the offsets of its own statement: one unreadable line voids
    only itself). The claims of notes (an underbrace whose note says ``approx v``) come first,
    before the derivation they sit in."""
    try:
        tokens = tokenize(text)
    except LatexError as exc:
        return [exc]
    out: list[N.Chain | LatexError] = []
    head = 0                   # where the derivation the next ``= ...`` line continues starts
    for segment in split_statements(tokens):
        parser = Parser(segment)
        try:
            chain = parser.statement()
        except RecursionError:
            chain = LatexError("formula nested too deeply", segment[0].start)
        except LatexError as exc:
            chain = exc
        if isinstance(chain, LatexError):
            chain.span = (segment[0].start, segment[-1].end)
            out.append(chain)
            out.extend(readable_links(segment))
            head = len(out)
            continue
        if not _continues(chain):
            head = len(out)
        out[head:head] = parser.asides     # a note's claim comes before its derivation
        head += len(parser.asides)
        out.append(chain)
    return out


def readable_links(segment: list[Token]) -> list[N.Chain]:
    r"""The runs of two or more readable parts of a chain with an unreadable part: in
    ``Y = \text{A} \| \text{B} = (0.73+0.27)/2 = 0.5`` the last two parts still make a
    claim. The chain is cut at its top-level relations only; a run has no part before
    it (a name before unreadable working is not defined by what comes after)."""
    parts, rels, depth, current = [], [], 0, []
    for t in segment:
        if depth == 0 and is_relation(t):
            parts.append(current)
            rels.append(t)
            current = []
            continue
        depth += (t.kind == "BEGIN" or (t.kind == "SYM" and t.text in "([{")) \
            - (t.kind == "END" or (t.kind == "SYM" and t.text in ")]}"))
        current.append(t)
    parts.append(current)
    nodes = []
    for tokens in parts:
        try:
            nodes.append(Parser(tokens).expr_list() if tokens else None)
        except (LatexError, RecursionError):
            nodes.append(None)
    out, k = [], 1
    while k < len(nodes):
        j = k
        while j < len(nodes) and nodes[j] is not None:
            j += 1
        if j - k >= 2 and nodes[k - 1] is None:
            run = nodes[k:j]
            out.append(N.Chain(run[0].start, run[-1].end, tuple(run),
                               tuple(RELATIONS[r.text] for r in rels[k:j - 1])))
        k = j + 1
    return out


def suffixed(node: N.Node) -> N.Node:
    """The value a chain ends in, with a suffix touching it (``= 131.072M``): a number of
    millions (``POLICY.number_suffixes``); in working, ``2M`` stays 2 times M."""
    if isinstance(node, N.Mul) and len(node.factors) == 2:
        num, letter = node.factors
        if isinstance(num, N.Num) and isinstance(letter, N.Sym) and letter.name in SUFFIXES \
                and num.end == letter.start and letter.end == node.end:
            return N.Num(node.start, node.end, printed_number(num.printed.text + letter.name))
    return node


def _continues(chain: N.Chain) -> bool:
    """A line starting with a relation (``&= ...``) continues the statement before it."""
    return isinstance(chain.parts[0], N.Special) and chain.parts[0].what == "continuation"


def parse(text: str) -> N.Node:
    """One expression or statement (for tests and small uses)."""
    results = parse_statements(text)
    if len(results) != 1:
        raise LatexError(f"expected one statement, found {len(results)}")
    if isinstance(results[0], LatexError):
        raise results[0]
    chain = results[0]
    return chain.parts[0] if len(chain.parts) == 1 else chain


# ------------------------------------------------------------------ the parser

class Parser(Scripts, Atoms, TokenCursor):
    """Recursive descent over one statement's tokens (atoms in ``derive.check.read.atoms``)."""

    def __init__(self, tokens: list[Token]):
        super().__init__(tokens)
        self.asides: list[N.Chain] = []     # claims in notes (``\underbrace{X}_{\approx v}``)
        self.open_bars = 0                  # norms being read (``‖x‖``)

    # -- statement
    def statement(self) -> N.Chain:
        start = self.here()
        parts, rels = [], []
        t = self.peek()
        if t is not None and ((t.kind == "CMD" and t.text in PRODUCTS) or (t.kind == "SYM" and t.text == "*")):
            self.take()  # "$\times 3$" in prose: a factor, not a claim
        if self.peek() is not None and is_relation(self.peek()):
            parts.append(N.Special(start, start, "continuation"))
        else:
            first = self.expr_list()
            defined = self.peek() is not None and is_relation(self.peek())
            parts.append(superscript_name(first) if defined else first)
        while self.peek() is not None and is_relation(self.peek()):
            rels.append(RELATIONS[self.take().text])
            parts.append(self.expr_list())
        if self.peek() is not None:
            raise self.fail(f"unexpected {self.peek().text!r}")
        if rels:
            parts[-1] = suffixed(parts[-1])
        return N.Chain(start, self.last_end(), tuple(parts), _assignments(parts, rels))

    def expr_list(self) -> N.Node:
        """An expression, or a comma list of them (``pos = 0, 1, 2``)."""
        start = self.here()
        items = [self.expr()]
        while self.at("SYM", ","):
            self.take()
            items.append(self.expr())
        return items[0] if len(items) == 1 else N.Tuple(start, self.last_end(), tuple(items))

    def expr(self) -> N.Node:
        with self.nested():
            start = self.here()
            terms, signs = [], []
            sign = 1
            if self.at("SYM", "+") or self.at("SYM", "-"):
                sign = -1 if self.take().text == "-" else 1
            terms.append(self.term())
            signs.append(sign)
            while self.at("SYM", "+") or self.at("SYM", "-") or self._at_sign():
                if self._at_sign():   # a \pm b: both values, read and never evaluated
                    sign = self.take().text
                    left = _sum(terms, signs, start, self.last_end())
                    right = self.term()
                    terms, signs = [N.Call(start, self.last_end(), sign, (left, right))], [1]
                    continue
                signs.append(-1 if self.take().text == "-" else 1)
                terms.append(self.term())
            return _sum(terms, signs, start, self.last_end())

    def _at_sign(self) -> bool:
        return self.at("CMD", "pm") or self.at("CMD", "mp")

    def term(self) -> N.Node:
        start = self.here()
        node = self.unary()
        while True:
            t = self.peek()
            if t is None:
                return node
            if t.kind == "CMD" and t.text in ENTRYWISE | {"otimes"}:
                self.take()
                kind = N.Kron if t.text == "otimes" else N.Hadamard
                right = self.unary()
                node = kind(start, self.last_end(), node, right)
            elif (t.kind == "CMD" and t.text in PRODUCTS) or (t.kind == "SYM" and t.text in ("*", "@")):
                self.take()
                node = _product(node, self.unary(), start, self.last_end())
            elif (t.kind == "SYM" and t.text == "/") or (t.kind == "CMD" and t.text == "div"):
                self.take()
                den = self.unary()
                if is_partial(den) and self.peek() is not None and self.starts_atom(self.peek()):
                    operand = self.power()                                    # / \partial W
                    den = N.Mul(den.start, self.last_end(), (den, operand))
                node = divide(node, den, start, self.last_end())
            elif self.starts_atom(t):
                node = _product(node, self.unary(), start, self.last_end())
            else:
                return node

    def starts_atom(self, t: Token) -> bool:
        if t.kind in ("NUM", "IDENT", "WORD", "STR", "BEGIN"):
            return True
        if t.kind == "SYM":    # a norm bar opens a norm unless one is open (then it closes it)
            return t.text in ("(", "[", "{", "\\{", "⌈", "⌊") or (t.text == "‖" and not self.open_bars)
        if t.kind == "CMD":
            return not (t.text in PRODUCTS or t.text in RELATIONS or t.text in ARROWS
                        or t.text in ("div", "pm", "mp"))
        return False

    def unary(self) -> N.Node:
        if self.at("SYM", "-") or self.at("SYM", "+"):
            start = self.here()
            negative = self.take().text == "-"
            with self.nested():
                arg = self.unary()
            return _negate(arg, start) if negative else arg
        return self.power()

    def postfix(self) -> N.Node:
        start = self.here()
        first = self.peek()
        node = self.atom()
        word = first is not None and first.kind == "WORD" and len(first.text) > 1 and first.text.isalpha()
        while True:
            if self.at("SYM", "_"):
                self.take()
                sub = self.script()
                node = subscript(node, sub, start, self.last_end())
            elif self.at("SYM", "'"):
                self.take()
                node = primed(node, start, self.last_end())
            elif self.at("SYM", "[") and self._adjacent() and isinstance(node, N.Sym):
                self.take()
                indices = self.expr_list()
                self.expect("SYM", "]")
                items = indices.items if isinstance(indices, N.Tuple) else (indices,)
                node = N.Index(start, self.last_end(), node, items)
            elif self.at("SYM", "(") and isinstance(node, N.Sym) and (word or self._callable(node)):
                args = self.call_args()
                node = N.Call(start, self.last_end(), node.name, args)
            else:
                return node

    def _adjacent(self) -> bool:
        return self.pos > 0 and self.tokens[self.pos - 1].end == self.peek().start

    def _callable(self, node: N.Sym) -> bool:
        """``f(x)`` is a call when f is a function word or touches its parenthesis
        (a word set upright, ``\\operatorname{mask}\\left(``, always is: see ``postfix``)."""
        return node.name in FUNCTIONS or node.base in FUNCTIONS or self._adjacent()

    def call_args(self) -> tuple[N.Node, ...]:
        self.expect("SYM", "(")
        if self.at("SYM", ")"):
            self.take()
            return ()
        args = self.expr_list()
        self.expect("SYM", ")")
        return args.items if isinstance(args, N.Tuple) else (args,)

    def group(self) -> N.Node:
        self.expect("SYM", "{")
        node = self.expr_list()
        self.expect("SYM", "}")
        return node


def _assignments(parts: list[N.Node], rels: list[str]) -> tuple[str, ...]:
    """``W := W - \\eta g`` (``\\leftarrow``, ``\\gets``) is an update: it says how the
    next W is computed from the current one; an assignment whose right side does
    not use its left side (``x := 3``) is an equation."""
    out = []
    for k, rel in enumerate(rels):
        if rel == "assign":
            own = N.key(parts[0])
            rel = "update" if k == 0 and any(N.key(n) == own for n in N.walk(parts[1])) else "="
        out.append(rel)
    return tuple(out)


def _sum(terms: list[N.Node], signs: list[int], start: int, end: int) -> N.Node:
    if len(terms) == 1:
        return _negate(terms[0], start) if signs[0] < 0 else terms[0]
    return N.Add(start, end, tuple(terms), tuple(signs))


def _negate(node: N.Node, start: int) -> N.Node:
    return N.Neg(start, node.end, node)


def _product(a: N.Node, b: N.Node, start: int, end: int) -> N.Node:
    scientific = _scientific(a, b, start, end)
    if scientific is not None:
        return scientific
    gradient = applied(a, b, start, end)          # \nabla_W L is the name dL/dW
    if gradient is not None:
        return gradient
    factors = (a.factors if isinstance(a, N.Mul) else (a,)) + (b,)
    return N.Mul(start, end, factors)


def _scientific(a: N.Node, b: N.Node, start: int, end: int) -> N.Num | None:
    """``1.5 \\times 10^{-3}`` is one printed number, 1.5e-3, good to 4 decimals."""
    if not (isinstance(a, N.Num) and isinstance(b, N.Pow) and isinstance(b.base, N.Num)
            and b.base.printed.text == "10"):
        return None
    e = b.exp
    sign = -1 if isinstance(e, N.Neg) else 1
    e = e.arg if isinstance(e, N.Neg) else e
    if not (isinstance(e, N.Num) and e.printed.text.isdigit()) or int(e.printed.text) > 400:
        return None
    k = sign * int(e.printed.text)
    p = a.printed
    return N.Num(start, end, Printed(f"{p.text}e{k}", p.value * sp.Rational(10) ** k, p.decimals - k))
