r"""The atoms of the LaTeX subset: numbers, names, ``\\frac``, ``\\sqrt``,
functions, matrices, bracket vectors, groups, sums, norms.

``|x|`` is the absolute value; norms ``‖x‖`` and the notes of ``\\underbrace`` and
``\\overbrace`` are read by ``derive.check.read.scripts``.

A mixin of ``derive.check.read.latex.Parser``: the same token cursor, the
smallest pieces of a formula.
"""

from __future__ import annotations

import sympy as sp

from derive.check.read import nodes as N
from derive.check.read.derivatives import divide
from derive.check.read.lexer import LatexError, Token
from derive.errors import DeriveError
from derive.numbers import Printed, parse_decimal
from derive.stages.record import all_stages

MATRICES = {"pmatrix", "bmatrix", "Bmatrix", "vmatrix", "Vmatrix", "matrix", "smallmatrix", "array"}
FUNCTIONS = {"sin", "cos", "tan", "exp", "log", "ln", "tanh", "max", "min", "sqrt", "Concat", "concat",
             "abs", "mean", "var", "std", "sum", "log10", "log2", "argmax", "diag", "ceil", "floor", "erf"} \
    | {alias for stage in all_stages().values() for alias in stage.names}   # softmax, LN, ReLU, GELU ...
ROUNDING_BRACKETS = {"⌈": ("⌉", "ceil"), "⌊": ("⌋", "floor")}
GREEK = {"alpha", "beta", "gamma", "delta", "epsilon", "varepsilon", "zeta", "eta", "theta",
         "vartheta", "iota", "kappa", "lambda", "mu", "nu", "xi", "pi", "rho", "sigma",
         "tau", "upsilon", "phi", "varphi", "chi", "psi", "omega", "Gamma", "Delta", "Theta",
         "Lambda", "Xi", "Pi", "Sigma", "Phi", "Psi", "Omega", "partial", "ell", "nabla"}
ELLIPSES = {"cdots", "ldots", "dots", "vdots", "ddots", "dotsc", "dotsb"}
MASKS = {"mask", "Mask"}
PRODUCTS = {"times", "cdot", "ast", "circ", "odot", "otimes"}
ENTRYWISE = {"circ", "odot"}      # the Hadamard product (see ``N.Hadamard``); otimes: ``N.Kron``
# Accents make a name of their own: \hat{X} is hat(X), not X (an estimate, a
# normalised value, a mean); a wide or long spelling is the same accent.
ACCENTS = {"hat": "hat", "widehat": "hat", "tilde": "tilde", "widetilde": "tilde", "bar": "bar",
           "overline": "bar", "dot": "dot", "ddot": "ddot", "check": "check", "breve": "breve",
           "acute": "acute", "grave": "grave", "mathring": "ring"}
NORM = "‖"                        # the call of a Euclidean norm (its key prints ‖x‖)
BRACES = {"underbrace": "_", "overbrace": "^"}
SIGNS = {"pm", "mp"}              # \pm stands for two values: read, never evaluated
TRANSPOSE = {"T", "top", "intercal", "\\top", "\\intercal", "\\mathsf{T}"}


class Atoms:
    """Parsing of atoms, over the parser's ``derive.check.read.cursor.TokenCursor``."""

    def atom(self) -> N.Node:
        with self.nested():
            return self._atom()

    def _atom(self) -> N.Node:
        t = self.peek()
        if t is None:
            raise self.fail("unexpected end of formula")
        start = t.start
        if t.kind == "NUM":
            return self.number()
        if t.kind == "IDENT":
            self.take()
            if t.text in ("NaN", "nan", "inf", "Inf", "NA"):
                return N.Special(start, t.end, t.text)
            return N.Sym(start, t.end, t.text, t.text)
        if t.kind == "WORD":
            return self.word()
        if t.kind == "STR":
            self.take()
            return N.Str(start, t.end, t.text)
        if t.kind == "BEGIN":
            return self.environment()
        if t.kind == "CMD":
            return self.command()
        if t.kind == "SYM":
            return self.bracketed(t)
        raise self.fail(f"unexpected {t.text!r}")

    def number(self) -> N.Num:
        """A printed number; ``65\\%`` is 0.65, good to two decimals more."""
        t = self.take()
        try:
            p = parse_decimal(t.text)
        except DeriveError as exc:
            raise LatexError(str(exc), t.start) from None
        if self.at("SYM", "%"):
            end = self.take().end
            return N.Num(t.start, end, Printed(t.text + "%", p.value / 100, p.decimals + 2))
        return N.Num(t.start, t.end, p)

    def word(self) -> N.Node:
        """Upright text: a name, or a function (``\\operatorname{softmax} X`` applies it)."""
        t = self.take()
        if t.text in ("NaN", "nan", "inf", "Inf", "undefined"):
            return N.Special(t.start, t.end, t.text)
        if not t.text:
            raise LatexError("empty \\text{}", t.start)
        nxt = self.peek()
        if t.text in FUNCTIONS | MASKS and nxt is not None and self.starts_atom(nxt) \
                and not (nxt.kind == "SYM" and nxt.text == "("):
            return self.function(t.text, t.start)
        return N.Sym(t.start, t.end, t.text, t.text)

    def bracketed(self, t: Token) -> N.Node:
        start = t.start
        if t.text == "{":
            return self.group()
        if t.text == "(":
            self.take()
            node = self.expr_list()
            self.expect("SYM", ")")
            if isinstance(node, N.Tuple):
                return N.Tuple(start, self.last_end(), node.items)
            return node
        if t.text == "[":
            return self.bracket_vector()
        if t.text == "|" and self.at("SYM", "|", 1) and self.peek(1).start == t.end:
            return self.norm("|", 2)                                  # ||x||
        if t.text == "‖":
            return self.norm("‖", 1)
        if t.text == "|":
            self.take()
            inner = self.expr()
            self.expect("SYM", "|")
            return N.Call(start, self.last_end(), "abs", (inner,))
        if t.text in ROUNDING_BRACKETS:                               # \lceil x \rceil, \lfloor x \rfloor
            close, name = ROUNDING_BRACKETS[t.text]
            self.take()
            inner = self.expr()
            self.expect("SYM", close)
            return N.Call(start, self.last_end(), name, (inner,))
        if t.text == "\\{":
            raise self.fail("sets and dictionaries are not evaluated")
        raise self.fail(f"unexpected {t.text!r}")

    def bracket_vector(self) -> N.Node:
        """``[a, b, c]`` is a 1 x 3 row; ``[[a, b], [c, d]]`` a matrix."""
        start = self.here()
        self.expect("SYM", "[")
        if self.at("SYM", "]"):
            raise self.fail("empty brackets")
        items = self.expr_list()
        self.expect("SYM", "]")
        cells = tuple(printed_infinity(c) for c in (items.items if isinstance(items, N.Tuple) else (items,)))
        end = self.last_end()
        if len(cells) == 1 and isinstance(cells[0], N.Mat):
            # \left[\begin{array}...\end{array}\right], [[1, 2]]: the brackets only
            # draw the matrix inside them
            return N.Mat(start, end, cells[0].rows, cells[0].bracket)
        if all(isinstance(c, N.Mat) and c.bracket and len(c.rows) == 1 for c in cells) and len(cells) > 1:
            return N.Mat(start, end, tuple(c.rows[0] for c in cells), bracket=True)
        return N.Mat(start, end, (tuple(cells),), bracket=True)

    def environment(self) -> N.Node:
        begin = self.take()
        if begin.text not in MATRICES:
            raise LatexError(f"unsupported environment {begin.text!r}", begin.start)
        if begin.text == "array" and self.at("SYM", "{"):
            self._skip_group()
        rows: list[list[N.Node]] = [[]]
        while not self.at("END"):
            if self.peek() is None:
                raise LatexError(f"\\begin{{{begin.text}}} is never closed", begin.start)
            if self.at("BREAK"):
                self.take()
                rows.append([])
            elif self.at("SYM", "&"):
                raise self.fail("empty matrix cell")
            else:
                rows[-1].append(self.cell())
                if self.at("SYM", "&"):
                    self.take()
                    if self.at("BREAK") or self.at("END"):
                        raise self.fail("empty matrix cell")
        end = self.take()
        if end.text != begin.text:
            raise LatexError(f"\\begin{{{begin.text}}} closed by \\end{{{end.text}}}", end.start)
        rows = [r for r in rows if r]
        if not rows:
            raise LatexError("empty matrix", begin.start)
        return N.Mat(begin.start, end.end, tuple(tuple(r) for r in rows))

    def cell(self) -> N.Node:
        node = self.expr()
        t = self.peek()
        if t is not None and not (t.kind in ("BREAK", "END") or (t.kind == "SYM" and t.text == "&")):
            raise self.fail(f"unexpected {t.text!r} in a matrix cell")
        return printed_infinity(node)

    def _skip_group(self) -> None:
        depth = 0
        while self.peek() is not None:
            t = self.take()
            if t.kind == "SYM" and t.text == "{":
                depth += 1
            elif t.kind == "SYM" and t.text == "}":
                depth -= 1
                if depth == 0:
                    return
        raise self.fail("unbalanced braces")

    def command(self) -> N.Node:
        t = self.take()
        name, start = t.text, t.start
        if name in ("frac", "dfrac", "tfrac", "cfrac"):
            num = self.script()
            den = self.script()
            return divide(num, den, start, self.last_end())
        if name == "sqrt":
            return self.root(start)
        if name in ("sum", "prod"):
            return self.big_operator(name, start)
        if name in BRACES:
            return self.braced_note(BRACES[name])
        if name in ("infty", "infin", "inf"):
            return N.Special(start, t.end, "inf")
        if name in ACCENTS:
            return accented(ACCENTS[name], self.script(), start, self.last_end())
        if name in SIGNS:
            arg = self.power()
            return N.Call(start, self.last_end(), name, (arg,))
        if name in ELLIPSES:
            return N.Special(start, t.end, "...")
        if name in FUNCTIONS or name in ("sigma", "arg", "det", "operatorname"):
            if name == "sigma" and not self.at("SYM", "("):
                return N.Sym(start, t.end, "sigma", "sigma")
            nxt = self.peek()
            if name != "operatorname" and (nxt is None or not self.starts_atom(nxt)) \
                    and not (nxt is not None and nxt.kind == "SYM" and nxt.text in "_^"):
                return N.Sym(start, t.end, name, name)      # ``\exp = [...]``: the function's name as a label
            return self.function(name, start)
        if name in GREEK:
            return N.Sym(start, t.end, name, name)
        raise LatexError(f"unsupported command \\{name}", start)

    def root(self, start: int) -> N.Node:
        r"""``\sqrt{x}``, and ``\sqrt[n]{x}`` = x^{1/n}."""
        if self.at("SYM", "["):
            self.take()
            index = self.expr()
            self.expect("SYM", "]")
            arg = self.script()
            one = N.Num(start, start, parse_decimal("1"))
            return N.Pow(start, self.last_end(), arg, N.Div(start, start, one, index))
        arg = self.script()
        return N.Call(start, self.last_end(), "sqrt", (arg,))

    def function(self, name: str, start: int) -> N.Node:
        """``\\sin(x)``, ``\\sin x``, ``\\max(0, z)``, ``\\log_{10} x``, ``\\sin^2 x``."""
        if self.at("SYM", "_"):
            self.take()
            base = self.script()
            if isinstance(base, N.Num):
                name = f"{name}_{base.printed.text}"
        if self.at("SYM", "("):
            args = self.call_args()
            return N.Call(start, self.last_end(), name, args)
        bare = not self.at("SYM", "{")
        args = (self.power(),)
        return N.Call(start, self.last_end(), name, args, bare)

    def big_operator(self, name: str, start: int) -> N.Node:
        r"""``\sum_{i=1}^{4} body``: the body is the product that follows."""
        var, lo, hi = "", None, None
        if self.at("SYM", "_"):
            self.take()
            var, lo = self.sum_bound()
        if self.at("SYM", "^"):
            self.take()
            hi = self.script()
        if name == "prod":
            raise LatexError("products over an index are not evaluated", start)
        body = self.term()
        return N.Sum(start, self.last_end(), var, lo, hi, body)

    def sum_bound(self) -> tuple[str, N.Node | None]:
        """``_{i=1}``, ``_i`` or ``_{j}`` under a sum: the index and its lower bound."""
        braced = self.at("SYM", "{")
        if braced:
            self.take()
        t = self.take()
        if t.kind != "IDENT":
            raise LatexError("unsupported summation index", t.start)
        lo = None
        if braced and self.at("SYM", "="):
            self.take()
            lo = self.expr()
        if braced:
            self.expect("SYM", "}")
        return t.text, lo


INFINITE = {"inf", "Inf"}


def printed_infinity(node: N.Node) -> N.Node:
    r"""An entry ``-\infty`` (``-\inf``) of a printed matrix, a causal mask written
    out, is a printed value: exactly -oo, and nothing else rounds to it; an entry
    ``\infty`` or ``+\infty`` is exactly +oo. ``\infty`` outside a matrix (a limit,
    a bound) stays a ``Special``."""
    if isinstance(node, N.Neg) and isinstance(node.arg, N.Special) and node.arg.what in INFINITE:
        return N.Num(node.start, node.end, Printed("-inf", sp.S.NegativeInfinity, 0))
    if isinstance(node, N.Special) and node.what in INFINITE:
        return N.Num(node.start, node.end, Printed("inf", sp.S.Infinity, 0))
    return node


def accented(accent: str, arg: N.Node, start: int, end: int) -> N.Sym:
    r"""``\hat{X}`` is the name hat(X); ``\hat{y}_i`` and ``\hat{y_i}`` are both
    hat(y)_i (entry i of hat(y)); any other argument names itself (``\bar{x+y}``)."""
    if isinstance(arg, N.Sym) and arg.sub is not None and arg.name.startswith(arg.base):
        base = f"{accent}({arg.base})"
        return N.Sym(start, end, base + arg.name[len(arg.base):], base, arg.sub)
    name = f"{accent}({arg.name if isinstance(arg, N.Sym) else N.key(arg)})"
    return N.Sym(start, end, name, name)
