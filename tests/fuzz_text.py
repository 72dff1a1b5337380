"""Hypothesis strategies for the pieces of a document: numbers in every notation,
names, LaTeX formulas, plain-text arithmetic, and junk (unbalanced braces,
stray ``$``, huge exponents, deep nesting)."""

from __future__ import annotations

from hypothesis import strategies as st


DIGITS = st.integers(min_value=0, max_value=10**7)


SMALL = st.integers(min_value=0, max_value=99)


@st.composite
def decimal_text(draw) -> str:
    """``3``, ``-0.25``, ``12.5000``: a decimal as a document prints it."""
    whole = draw(st.sampled_from(["0", "0", "0", "1", "1", "2", "3", "12", "100"]) | DIGITS.map(str))
    sign = draw(st.sampled_from(["", "", "-"]))
    if draw(st.booleans()):
        return sign + whole
    return f"{sign}{whole}.{draw(st.text('0123456789', min_size=1, max_size=draw(st.sampled_from([2, 4, 8]))))}"


@st.composite
def scientific_text(draw) -> str:
    """``1.2e-3``, ``4E+05``: a float in Python's notation."""
    mantissa = draw(decimal_text())
    return f"{mantissa}{draw(st.sampled_from(['e', 'E']))}{draw(st.sampled_from(['', '-', '+']))}{draw(SMALL)}"


@st.composite
def grouped_text(draw) -> str:
    """``4,718,592``: thousands separated by commas."""
    return f"{draw(DIGITS):,}" if draw(st.booleans()) else f"{draw(st.integers(1, 10**12)):,}"


@st.composite
def suffixed_text(draw) -> str:
    """``124M``, ``1.5B``, ``12k``, ``26%``, ``52 billion``."""
    number = draw(decimal_text())
    return number + draw(st.sampled_from(["M", "B", "k", "K", "%", " billion", " million", " GB", " days"]))


def plain_number() -> st.SearchStrategy[str]:
    """A number in plain text, in any of the notations above."""
    return st.one_of(decimal_text(), decimal_text(), scientific_text(), grouped_text(), suffixed_text())


@st.composite
def latex_number(draw) -> str:
    """A number in LaTeX: plain, ``3.4 \\times 10^{-5}``, ``10^{3}``, ``12\\%``, ``{,}`` groups."""
    kind = draw(st.integers(0, 5))
    if kind == 0:
        return f"{draw(decimal_text())} \\times 10^{{{draw(st.integers(-30, 30))}}}"
    if kind == 1:
        return f"{draw(decimal_text())}\\%"
    if kind == 2:
        return draw(grouped_text()).replace(",", draw(st.sampled_from([",", "{,}", "\\,"])))
    return draw(decimal_text())


@st.composite
def small_number(draw) -> str:
    """``0.5``, ``-1.25``, ``2``: the inputs of a worked example."""
    return draw(st.sampled_from(["0", "1", "2", "-1", "0.5", "0.1", "-0.3", "1.5", "0.25", "3", "0.8415",
                                 "4", "8", "64", "1e-5", "0.01", "-2.0", "0.7071"]))


LATEX_NAMES = ["x", "y", "z", "a", "b", "p", "q", "L", "W_Q", "W^K", "d_k", "d_{model}", "x_1",
               "x_{2}", "p_0", "h^{(1)}", "\\alpha", "\\mu", "\\sigma^2", "\\hat{y}", "e", "\\pi",
               "\\mathbf{W}", "Q", "K", "V", "S", "P", "\\eta", "\\gamma", "\\beta", "n"]


PLAIN_NAMES = ["x", "y", "z", "a", "b", "w1", "w_2", "loss", "d_k", "p", "h", "lr", "E", "n"]


FUNCTIONS = ["\\mathrm{softmax}", "\\text{softmax}", "\\mathrm{LN}", "\\sigma", "\\mathrm{ReLU}",
             "\\tanh", "\\operatorname{GELU}", "f", "\\mathrm{LayerNorm}", "\\max"]


def latex_name() -> st.SearchStrategy[str]:
    return st.sampled_from(LATEX_NAMES)


def _render_matrix(env: str, grid: list[list[str]], ragged: bool, closed: bool) -> str:
    """A grid of entries as a LaTeX matrix: rows cut to the first row's length unless ``ragged``."""
    cols = len(grid[0])
    rows = grid if ragged else [(r * cols)[:cols] for r in grid]
    body = " \\\\ ".join(" & ".join(r) for r in rows)
    if env == "array":
        return f"\\left[\\begin{{array}}{{{'c' * cols}}} {body} \\end{{array}}\\right]"
    return f"\\begin{{{env}}} {body}" + (f" \\end{{{env}}}" if closed else "")


def latex_matrix(entry: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """``\\begin{bmatrix} 1 & 2 \\\\ 3 & 4 \\end{bmatrix}``, sometimes ragged or unclosed.
    (Built with ``tuples``, not ``composite``, so that Hypothesis sees it recurse.)"""
    grid = st.lists(st.lists(entry, min_size=1, max_size=4), min_size=1, max_size=4)
    return st.tuples(st.sampled_from(["bmatrix", "pmatrix", "matrix", "vmatrix", "array"]), grid,
                     st.integers(0, 9).map(lambda k: k == 0), st.integers(0, 19).map(lambda k: k != 0)).map(
        lambda t: _render_matrix(*t))


def _latex_compound(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """One LaTeX operation over smaller formulas."""
    op = st.sampled_from([" + ", " - ", " \\times ", " \\cdot ", " / ", " ", "", " \\odot ", " \\approx "])
    return st.one_of(
        st.tuples(inner, op, inner).map("".join),
        st.tuples(inner, inner).map(lambda t: f"\\frac{{{t[0]}}}{{{t[1]}}}"),
        inner.map(lambda a: f"\\sqrt{{{a}}}"),
        inner.map(lambda a: f"e^{{{a}}}"),
        inner.map(lambda a: f"\\exp({a})"),
        inner.map(lambda a: f"\\exp\\left({a}\\right)"),
        inner.map(lambda a: f"\\log({a})"),
        inner.map(lambda a: f"\\ln {a}"),
        inner.map(lambda a: f"({a})"),
        inner.map(lambda a: f"\\left({a}\\right)"),
        inner.map(lambda a: f"{{{a}}}"),
        st.tuples(inner, inner).map(lambda t: f"{t[0]}^{{{t[1]}}}"),
        st.tuples(inner, SMALL).map(lambda t: f"{t[0]}^{t[1] % 10}"),
        st.tuples(inner, latex_name()).map(lambda t: f"{t[0]}_{{{t[1]}}}"),
        st.tuples(st.sampled_from(FUNCTIONS), st.lists(inner, min_size=1, max_size=4)).map(
            lambda t: f"{t[0]}({', '.join(t[1])})"),
        st.tuples(st.sampled_from(FUNCTIONS), latex_matrix(inner)).map(lambda t: f"{t[0]}\\left({t[1]}\\right)"),
        st.lists(inner, min_size=1, max_size=5).map(lambda xs: f"[{', '.join(xs)}]"),
        inner.map(lambda a: f"\\sum_{{i=1}}^{{3}} {a}"),
        inner.map(lambda a: f"{a}^T"),
        latex_matrix(inner),
    )


LATEX_JUNK = ["{", "}", "$", "\\", "^", "_", "&", "\\\\", "e^{10^{10}}", "10^{10^{10}}", "(-2)^{\\sqrt{2}}",
              "0^{-1}", "\\frac{1}{0}", "\\log(0)", "\\sqrt{-1}", "10^{400}", "2^{2^{2^{2^{2}}}}", "9^{9^{9}}",
              "\\begin{bmatrix}", "\\end{pmatrix}", "\\left(", "\\right)", "\\infty", "-\\infty", "\\pm",
              "\\frac{}{}", "e^{e^{e^{e^{10}}}}", "1e999", "\\Gamma(0.5)", "x!", "0.(3)", "\\%", "1/3",
              "\\text{GB}", "\\,", "\\mathrm{}", "\\sum_{i=1}^{10^{9}} i", "\\prod_{i=1}^{100} 2"]


def latex_leaf() -> st.SearchStrategy[str]:
    return st.one_of(latex_number(), latex_number(), latex_name(), st.sampled_from(LATEX_JUNK))


def latex_expr(max_leaves: int = 6) -> st.SearchStrategy[str]:
    """A LaTeX formula: numbers and names combined by operators, fractions,
    roots, exponentials, calls and matrices, with junk among the leaves."""
    return st.recursive(latex_leaf(), _latex_compound, max_leaves=max_leaves)


def deep_nesting() -> st.SearchStrategy[str]:
    """``((((... 1 ...))))`` or ``\\frac{\\frac{...}}{}``, nested past every reader's taste."""
    return st.tuples(st.integers(20, 400), st.sampled_from(["(", "{", "\\sqrt{", "\\frac{1}{", "e^{", "["]),
                     latex_number()).map(
        lambda t: t[1] * t[0] + t[2] + {"(": ")", "[": "]"}.get(t[1], "}") * t[0])


@st.composite
def latex_statement(draw) -> str:
    """``x = 2``, ``y = x + 1 = 3``, ``a = b \\approx c``, or a bare formula."""
    head = draw(st.one_of(latex_name(), latex_name(), latex_expr(4)))
    members = draw(st.lists(st.one_of(latex_expr(), latex_number(), deep_nesting().filter(lambda s: len(s) < 900)),
                            min_size=0, max_size=3))
    relations = [draw(st.sampled_from([" = ", " = ", " \\approx ", " < ", " \\leftarrow ", " := "]))
                 for _ in members]
    return head + "".join(r + m for r, m in zip(relations, members))


@st.composite
def plain_expr(draw, depth: int = 3) -> str:
    """``0.3 * 2.0 + (-0.5)``, ``e^1.5``, ``√2 × 3``, ``softmax([2, 1, 0.1])``, ``np.exp(z)``."""
    if depth == 0 or draw(st.integers(0, 2)) == 0:
        return draw(st.one_of(plain_number(), st.sampled_from(PLAIN_NAMES), st.sampled_from(["e", "pi", "1e999", "10**10**10"])))
    a, b = draw(plain_expr(depth - 1)), draw(plain_expr(depth - 1))
    shape = draw(st.integers(0, 9))
    if shape == 0:
        return f"({a})"
    if shape == 1:
        return f"{draw(st.sampled_from(['e^', 'exp(', 'np.exp(', 'math.sqrt(', '√', 'log(', 'np.log(']))}{a}" + \
            (")" if draw(st.booleans()) else "")
    if shape == 2:
        items = draw(st.lists(plain_number(), min_size=1, max_size=5))
        return f"{draw(st.sampled_from(['softmax', 'sigmoid', 'relu', 'np.array', '']))}([{', '.join(items)}])"
    op = draw(st.sampled_from([" + ", " - ", " * ", " / ", "^", " ** ", " × ", " · ", " − ", " @ ", "²", " ", "/"]))
    return f"{a}{op}{b}"


@st.composite
def plain_line(draw) -> str:
    """A line of prose arithmetic: ``so z = 0.3 * 2.0 + 1 = 1.6``, ``e^1.5 ≈ 4.48``."""
    prefix = draw(st.sampled_from(["", "so ", "Then ", "- ", "* ", "1. ", "> ", "We get ", "For example, "]))
    parts = draw(st.lists(plain_expr(), min_size=1, max_size=4))
    rel = [draw(st.sampled_from([" = ", " ≈ ", " =~ ", " → ", " = "])) for _ in parts[1:]]
    body = parts[0] + "".join(r + p for r, p in zip(rel, parts[1:]))
    if draw(st.booleans()):
        body = f"{draw(st.sampled_from(PLAIN_NAMES))} = {body}"
    suffix = draw(st.sampled_from(["", ".", " (rounded)", " per token", " tokens", " GB"]))
    return prefix + body + suffix


def junk() -> st.SearchStrategy[str]:
    """Text no document should hold, and some that only looks broken."""
    return st.one_of(
        st.sampled_from(LATEX_JUNK + ["$$", "$", "```", "|", "\\[", "\\]", "<!--", "-->", "\x00",
                                      "\ufeff", "\u200b", "\r", "\t", "#" * 7, "$$ $$", "$x = $"]),
        st.text(alphabet=st.characters(codec="utf-8"), max_size=40),
        st.text(alphabet="$\\{}[]()^_&=+-*/0123456789.eE ,x", max_size=60),
        deep_nesting(),
    )
