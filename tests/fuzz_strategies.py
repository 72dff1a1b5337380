"""Hypothesis strategies for derive's inputs: Markdown with math, notebooks,
LaTeX documents, and worked-example specs (TOML), valid-looking and broken.

The documents are built from the pieces people write (numbers in every
notation, LaTeX and plain-text formulas, tables, lists, code and its output),
with junk mixed in (unbalanced braces, stray ``$``, huge exponents, deep
nesting). The strategies are shared by ``tests/test_fuzz.py`` (a short,
deterministic run) and ``bench/fuzz.py`` (a long run on demand).
"""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parent.parent

# ---------------------------------------------------------------- numbers

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


# ---------------------------------------------------------------- names

LATEX_NAMES = ["x", "y", "z", "a", "b", "p", "q", "L", "W_Q", "W^K", "d_k", "d_{model}", "x_1",
               "x_{2}", "p_0", "h^{(1)}", "\\alpha", "\\mu", "\\sigma^2", "\\hat{y}", "e", "\\pi",
               "\\mathbf{W}", "Q", "K", "V", "S", "P", "\\eta", "\\gamma", "\\beta", "n"]
PLAIN_NAMES = ["x", "y", "z", "a", "b", "w1", "w_2", "loss", "d_k", "p", "h", "lr", "E", "n"]
FUNCTIONS = ["\\mathrm{softmax}", "\\text{softmax}", "\\mathrm{LN}", "\\sigma", "\\mathrm{ReLU}",
             "\\tanh", "\\operatorname{GELU}", "f", "\\mathrm{LayerNorm}", "\\max"]


def latex_name() -> st.SearchStrategy[str]:
    return st.sampled_from(LATEX_NAMES)


# ---------------------------------------------------------------- LaTeX formulas

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


# ---------------------------------------------------------------- plain text

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


# ---------------------------------------------------------------- blocks of a document

@st.composite
def display_math(draw) -> str:
    """A displayed formula in one of the delimiters a reader knows, sometimes unclosed."""
    body = draw(latex_statement())
    if draw(st.integers(0, 3)) == 0:
        body += " \\\\ " + draw(latex_statement())
    left, right = draw(st.sampled_from([("$$", "$$"), ("\\[", "\\]"), ("$$\n", "\n$$"),
                                        ("\\begin{equation}", "\\end{equation}"),
                                        ("\\begin{align}", "\\end{align}"), ("$$", "")]))
    return f"{left} {body} {right}"


@st.composite
def sentence(draw) -> str:
    """Prose with inline math, inline code and words that change how math is read."""
    words = draw(st.lists(st.sampled_from(
        ["the", "value", "is", "if", "when", "for", "would", "now", "new", "so", "with", "softmax",
         "GPT-2", "BERT-base", "has", "layers", "heads", "parameters", "124M", "768", "at", "assume",
         "approximately", "gives", "rounded", "attention", "weights", "loss", "$", "**bold**", "_it_"]),
        min_size=1, max_size=12))
    pieces = []
    for w in words:
        pieces.append(w)
        kind = draw(st.integers(0, 5))
        if kind == 0:
            pieces.append(f"${draw(latex_statement())}$")
        elif kind == 1:
            pieces.append(f"`{draw(plain_line())}`")
        elif kind == 2:
            pieces.append(f"\\({draw(latex_statement())}\\)")
    return " ".join(pieces)


@st.composite
def pipe_table(draw) -> str:
    """A pipe table: headers that are names, formulas or words; cells of numbers and math."""
    cols = draw(st.integers(1, 4))
    headers = [draw(st.sampled_from(["$z$", "$\\sigma(z)$", "pos", "PE(pos, 2i)", "quantity", "value",
                                     "$e^{x}$", "x", "softmax", "$p_i$", ""])) for _ in range(cols)]
    cell = st.one_of(plain_number(), latex_number().map(lambda s: f"${s}$"),
                     latex_statement().map(lambda s: f"${s}$"), st.sampled_from(["", "—", "n/a", "|"]))
    rows = draw(st.lists(st.lists(cell, min_size=cols, max_size=cols + 1), min_size=0, max_size=5))
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * cols]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


@st.composite
def python_code(draw) -> str:
    """A few lines of Python as documents show it (read statically, never run here)."""
    lines = []
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.integers(0, 6))
        name = draw(st.sampled_from(PLAIN_NAMES))
        if kind == 0:
            lines.append(f"{name} = {draw(plain_number().filter(lambda s: ' ' not in s))}")
        elif kind == 1:
            lines.append(f"print({draw(plain_expr(2))})")
        elif kind == 2:
            vals = draw(st.lists(decimal_text(), min_size=1, max_size=4))
            lines.append(f"{name} = np.array([{', '.join(vals)}])")
        elif kind == 3:
            lines.append(f"def f({name}): return {draw(plain_expr(2))}")
        elif kind == 4:
            lines.append(f"{name} = {draw(plain_expr(2))}  # {draw(plain_number())}")
        elif kind == 5:
            lines.append(f"for i in range({draw(SMALL)}):\n    {name} = {name} * 2")
        else:
            lines.append(draw(st.sampled_from(["import numpy as np", "import math", "x = (", "print(x", "]]"])))
    return "\n".join(lines)


@st.composite
def output_text(draw) -> str:
    """What code printed: arrays, lists, bare numbers, ``label: value`` lines."""
    lines = []
    for _ in range(draw(st.integers(1, 5))):
        vals = draw(st.lists(st.one_of(decimal_text(), scientific_text()), min_size=1, max_size=4))
        lines.append(draw(st.sampled_from([
            f"[{' '.join(vals)}]", f"array([{', '.join(vals)}])", vals[0], f"loss: {vals[0]}",
            f"tensor([{', '.join(vals)}])", f"[[{', '.join(vals)}]]", f"Softmax: [{', '.join(vals)}]"])))
    return "\n".join(lines)


@st.composite
def code_block(draw) -> str:
    """A fenced Python block, often followed by a fenced output block."""
    fence = draw(st.sampled_from(["```", "~~~", "````"]))
    lang = draw(st.sampled_from(["python", "py", "", "text", "output", "latex"]))
    block = f"{fence}{lang}\n{draw(python_code())}\n{fence}"
    if draw(st.booleans()):
        between = draw(st.sampled_from(["", "\nOutput:\n", "\n### Expected output\n"]))
        block += f"\n{between}\n```{draw(st.sampled_from(['', 'text', 'output']))}\n{draw(output_text())}\n```"
    return block


def junk() -> st.SearchStrategy[str]:
    """Text no document should hold, and some that only looks broken."""
    return st.one_of(
        st.sampled_from(LATEX_JUNK + ["$$", "$", "```", "|", "\\[", "\\]", "<!--", "-->", "\x00",
                                      "\ufeff", "\u200b", "\r", "\t", "#" * 7, "$$ $$", "$x = $"]),
        st.text(alphabet=st.characters(codec="utf-8"), max_size=40),
        st.text(alphabet="$\\{}[]()^_&=+-*/0123456789.eE ,x", max_size=60),
        deep_nesting(),
    )


def block() -> st.SearchStrategy[str]:
    """One block of a Markdown document."""
    return st.one_of(
        display_math(), display_math(), sentence(), sentence(), plain_line(), plain_line(),
        pipe_table(), code_block(),
        st.lists(plain_line(), min_size=1, max_size=4).map(lambda xs: "\n".join(f"- {x}" for x in xs)),
        st.sampled_from(["# Attention", "## Step 2: scale", "### Output", "---"]),
        junk(),
    )


@st.composite
def markdown_document(draw) -> str:
    """A Markdown document: blocks separated by blank lines (sometimes not)."""
    blocks = draw(st.lists(block(), min_size=1, max_size=6))
    seps = [draw(st.sampled_from(["\n\n", "\n\n", "\n", " "])) for _ in blocks]
    return "".join(b + s for b, s in zip(blocks, seps))


# ---------------------------------------------------------------- notebooks and LaTeX

@st.composite
def notebook_output(draw) -> dict:
    """A stored output: printed text, a result's text/plain (as a string or a list of lines), an error."""
    text = draw(output_text())
    kind = draw(st.integers(0, 3))
    if kind == 0:
        return {"output_type": "stream", "name": draw(st.sampled_from(["stdout", "stderr"])), "text": text}
    if kind == 1:
        plain = text.splitlines(keepends=True) if draw(st.booleans()) else text
        return {"output_type": "execute_result", "execution_count": draw(st.integers(1, 9)), "metadata": {},
                "data": {"text/plain": plain}}
    if kind == 2:
        return {"output_type": "display_data", "metadata": {}, "data": {"text/plain": text, "image/png": "iVBORw0KGgo="}}
    return {"output_type": "error", "ename": "ValueError", "evalue": text[:40], "traceback": [text]}


@st.composite
def notebook_json(draw) -> str:
    """An nbformat 4 notebook of markdown and code cells (with stored outputs) from the blocks above."""
    cells = []
    for k in range(draw(st.integers(1, 5))):
        if draw(st.booleans()):
            cells.append({"id": f"c{k}", "cell_type": "markdown", "metadata": {}, "source": draw(markdown_document())})
        else:
            outputs = draw(st.lists(notebook_output(), max_size=2))
            cells.append({"id": f"c{k}", "cell_type": "code", "metadata": {}, "execution_count": None,
                          "source": draw(python_code()), "outputs": outputs})
    nb = {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": cells}
    text = json.dumps(nb)
    if draw(st.sampled_from([False] * 9 + [True])):   # a broken file, now and then (integers favour 0)
        text = text[:draw(st.integers(0, len(text)))]
    return text


@st.composite
def tex_document(draw) -> str:
    """A LaTeX document: prose with math, equation environments, a tabular."""
    parts = []
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.integers(0, 4))
        if kind == 0:
            parts.append(f"\\begin{{equation}} {draw(latex_statement())} \\end{{equation}}")
        elif kind == 1:
            parts.append(f"\\begin{{align}} {draw(latex_statement())} \\\\ {draw(latex_statement())} \\end{{align}}")
        elif kind == 2:
            cells = draw(st.lists(latex_number(), min_size=2, max_size=6))
            parts.append("\\begin{tabular}{cc} " + " & ".join(cells) + " \\\\ \\end{tabular}")
        elif kind == 3:
            parts.append(draw(sentence()))
        else:
            parts.append(draw(junk()))
    body = "\n\n".join(parts)
    if draw(st.booleans()):
        body = f"\\documentclass{{article}}\n\\begin{{document}}\n{body}\n\\end{{document}}\n"
    return body


# ---------------------------------------------------------------- specs (TOML)

STAGES = ["embed", "positional_encoding", "add", "matmul", "project", "project_transposed", "scores",
          "scaled_scores", "causal_mask", "softmax", "attention", "concat", "layer_norm",
          "layer_norm_std_eps", "relu", "feed_forward", "sigmoid", "threshold", "argmax",
          "cross_entropy", "cross_entropy_grad", "logits", "sgd_step", "log_likelihood"]
PARAMS = ["n", "d", "d_k", "eps", "alpha", "at", "masked", "tokens", "vocabulary", "table"]


def toml_number() -> st.SearchStrategy[str]:
    """A TOML number (and things that are not one)."""
    return st.one_of(decimal_text(), decimal_text(), scientific_text(),
                     st.sampled_from(["0", "1", "-1", "0.0", "1e308", "1e-308", "inf", "nan", "-inf",
                                      "1_000", '"0.5"', '"x"', "true", "[]", "9" * 250]))


@st.composite
def toml_matrix(draw, rows=None, cols=None) -> str:
    """``[[1, 0], [0, 2]]``, a flat row, a lone number, or a ragged grid."""
    rows = rows or draw(st.integers(1, 4))
    cols = cols or draw(st.integers(1, 4))
    shape = draw(st.integers(0, 9))
    if shape == 0:
        return draw(toml_number())
    grid = [[draw(toml_number() if draw(st.integers(0, 9)) == 0 else decimal_text()) for _ in range(cols)]
            for _ in range(rows)]
    if shape == 1:
        return "[" + ", ".join(grid[0]) + "]"
    if shape == 2 and rows > 1:
        grid[-1] = grid[-1][:-1]
    return "[" + ", ".join("[" + ", ".join(r) + "]" for r in grid) + "]"


@st.composite
def toml_param(draw, key: str) -> str:
    """A value for one stage parameter, usually plausible."""
    plausible = {"n": st.integers(1, 6).map(str), "d": st.sampled_from(["2", "4", "6", "3"]),
                 "d_k": st.sampled_from(["1", "2", "4", "0", "-4", "0.5"]),
                 "eps": st.sampled_from(["1e-5", "0", "0.0", "-1", "1e-6"]),
                 "alpha": decimal_text(), "at": decimal_text(),
                 "masked": st.sampled_from(["true", "false", "1"]),
                 "tokens": st.sampled_from(['["a", "b"]', '["a"]', '["zz"]', "[]", '"a"']),
                 "vocabulary": st.sampled_from(['["x", "y"]', '["x", "y", "z", "w"]', "[]"]),
                 "table": st.sampled_from(['"t"', '"missing"', "1"])}[key]
    return draw(st.one_of(plausible, plausible, plausible, toml_number()))


@st.composite
def spec_step(draw, names: list[str]) -> tuple[str, str]:
    """One ``[[steps]]`` table: its name, and its TOML text."""
    name = draw(st.sampled_from(["S", "T", "U", "V", "P", "L", "X", "1bad", "S"]))
    stage = draw(st.sampled_from(STAGES + ["nonsense"]))
    lines = ["[[steps]]", f'name = "{name}"', f'stage = "{stage}"']
    if names and draw(st.integers(0, 4)):
        ops = draw(st.lists(st.sampled_from(names + ["missing"]), min_size=1, max_size=3))
        lines.append("operands = [" + ", ".join(f'"{o}"' for o in ops) + "]")
    for key in draw(st.lists(st.sampled_from(PARAMS), max_size=3, unique=True)):
        lines.append(f"{key} = {draw(toml_param(key))}")
    if draw(st.integers(0, 2)) == 0:
        lines.append(f"printed = {draw(toml_matrix())}")
    for key in draw(st.lists(st.sampled_from(["label", "title", "note", "variant_of", "use_printed", "bogus"]),
                             max_size=2, unique=True)):
        value = {"use_printed": draw(st.sampled_from(["true", "false"])),
                 "variant_of": f'"{draw(st.sampled_from(names or ["S"]))}"'}.get(key, '"a \\\\frac{1}{2} title"')
        lines.append(f"{key} = {value}")
    return name, "\n".join(lines)


@st.composite
def spec_toml(draw) -> str:
    """A spec: inputs, maybe a token table, a random draw or an ``extends``, and
    steps that use them; sometimes broken on purpose (a cut, a bad key)."""
    lines = [f'name = "{draw(st.sampled_from(["fuzz", "x", ""]))}"']
    if draw(st.integers(0, 5)) == 0:
        lines.append(f'extends = "{draw(st.sampled_from(["encoder", "softmax", "nothing", "../x"]))}"')
    names = []
    if draw(st.integers(0, 3)) == 0:
        lines += ["[random]", f"seed = {draw(st.sampled_from(['0', '42', '-1', '4294967296', '1.5']))}",
                  f'draws = [["R", {draw(st.integers(0, 5))}, {draw(st.integers(0, 5))}]]']
        names.append("R")
    lines += ["[tables.t]", f"a = {draw(toml_matrix(1, 4))}", f"b = {draw(toml_matrix(1, 4))}", "[inputs]"]
    for name in draw(st.lists(st.sampled_from(["A", "B", "W", "x", "y", "b"]), min_size=1, max_size=4, unique=True)):
        lines.append(f"{name} = {draw(toml_matrix())}")
        names.append(name)
    for _ in range(draw(st.integers(0, 5))):
        step_name, text = draw(spec_step(names))
        lines.append(text)
        names.append(step_name)
    text = "\n".join(lines) + "\n"
    damage = draw(st.integers(0, 14))
    if damage == 0:
        text = text[:draw(st.integers(0, len(text)))]
    elif damage == 1:
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(junk()) + text[at:]
    return text


# ---------------------------------------------------------------- worked documents (names defined, then used)

@st.composite
def small_number(draw) -> str:
    """``0.5``, ``-1.25``, ``2``: the inputs of a worked example."""
    return draw(st.sampled_from(["0", "1", "2", "-1", "0.5", "0.1", "-0.3", "1.5", "0.25", "3", "0.8415",
                                 "4", "8", "64", "1e-5", "0.01", "-2.0", "0.7071"]))


def _vector(entries: list[str], draw) -> str:
    style = draw(st.integers(0, 3))
    if style == 0:
        return "\\begin{bmatrix} " + " & ".join(entries) + " \\end{bmatrix}"
    if style == 1:
        return "\\begin{pmatrix} " + " \\\\ ".join(entries) + " \\end{pmatrix}"
    return ("[" if style == 2 else "(") + ", ".join(entries) + ("]" if style == 2 else ")")


def _grid(draw, rows: int, cols: int, entry) -> str:
    env = draw(st.sampled_from(["bmatrix", "pmatrix"]))
    body = " \\\\ ".join(" & ".join(draw(entry) for _ in range(cols)) for _ in range(rows))
    return f"\\begin{{{env}}} {body} \\end{{{env}}}"


@st.composite
def worked_expr(draw, scalars: list[str], depth: int = 3) -> str:
    """A LaTeX formula over names the document defined and small numbers."""
    if depth == 0 or draw(st.integers(0, 3)) == 0:
        return draw(st.sampled_from(scalars) if scalars and draw(st.booleans()) else small_number())
    a, b = draw(worked_expr(scalars, depth - 1)), draw(worked_expr(scalars, depth - 1))
    return draw(st.sampled_from([
        f"{a} + {b}", f"{a} - {b}", f"{a} \\times {b}", f"{a} \\cdot {b}", f"{a} {b}", f"\\frac{{{a}}}{{{b}}}",
        f"\\sqrt{{{a}}}", f"e^{{{a}}}", f"\\exp({a})", f"\\log({a})", f"\\ln({a})", f"({a})^{{2}}",
        f"{a}^{{{b}}}", f"\\sigma({a})", f"\\tanh({a})", f"\\max(0, {a})", f"({a})", f"{a} / {b}"]))


@st.composite
def worked_line(draw, scalars: list[str], vectors: list[str], matrices: list[str]) -> str:
    """A claim over defined names: a chain ending in a printed value (right or wrong)."""
    kind = draw(st.integers(0, 6))
    result = draw(latex_number() if draw(st.integers(0, 3)) == 0 else small_number())
    if kind <= 2 or not (vectors or matrices):
        name = draw(st.sampled_from(["y", "z_1", "u", "L", "\\hat{y}", "s"]))
        body = draw(worked_expr(scalars))
        tail = draw(st.sampled_from([" = ", " \\approx "])) + result
        return f"{name} = {body}{tail}" if draw(st.booleans()) else f"{body}{tail}"
    if kind == 3 and vectors:
        v = draw(st.sampled_from(vectors))
        fn = draw(st.sampled_from(["\\mathrm{softmax}", "\\text{softmax}", "\\mathrm{LN}", "\\sigma",
                                   "\\mathrm{ReLU}", "\\mathrm{LayerNorm}"]))
        return f"p = {fn}({v}) = {_vector([draw(small_number()) for _ in range(3)], draw)}"
    if kind == 4 and vectors:
        a, b = draw(st.sampled_from(vectors)), draw(st.sampled_from(vectors))
        return f"{a} \\cdot {b} = {draw(small_number())}" if draw(st.booleans()) else \
            f"{a}^T {b} = {draw(small_number())}"
    m = draw(st.sampled_from(matrices)) if matrices else "W"
    form = draw(st.sampled_from([f"{m} {m}", f"{m}^T", f"\\frac{{{m} {m}^T}}{{\\sqrt{{d_k}}}}",
                                 f"\\mathrm{{softmax}}({m})", f"{m} + {m}", f"2 {m}"]))
    return f"S = {form} = {_grid(draw, 2, 2, small_number())}"


@st.composite
def worked_document(draw) -> str:
    """Definitions (``x = 2``, ``W = [..]``, ``d_k = 4``), then claims that use them, in
    display math, inline math and plain text, with a few random blocks among them."""
    scalars, vectors, matrices, lines = [], [], [], []
    for name in draw(st.lists(st.sampled_from(["x", "a", "b", "w_1", "d_k", "\\alpha", "t", "o"]),
                              min_size=1, max_size=4, unique=True)):
        lines.append(f"$$ {name} = {draw(small_number())} $$")
        scalars.append(name)
    if draw(st.booleans()):
        lines.append(f"$$ v = {_vector([draw(small_number()) for _ in range(3)], draw)} $$")
        vectors.append("v")
    if draw(st.booleans()):
        lines.append(f"$$ W = {_grid(draw, 2, 2, small_number())} $$")
        matrices.append("W")
    for _ in range(draw(st.integers(1, 6))):
        line = draw(worked_line(scalars, vectors, matrices))
        style = draw(st.integers(0, 5))
        if style == 0:
            lines.append(f"so ${line}$.")
        elif style == 1:
            lines.append(f"- we get $${line}$$")
        elif style == 2 and draw(st.booleans()):
            lines.append(draw(block()))
        else:
            lines.append(f"$$ {line} $$")
    if draw(st.integers(0, 3)) == 0:
        lines.append(draw(plain_line()))
    return "\n\n".join(lines) + "\n"


# ---------------------------------------------------------------- specs that run (shapes agree)

# How many operands each stage takes, when every input is a square matrix of one size.
ARITY = {"add": 2, "matmul": 2, "project": 2, "project_transposed": 2, "scores": 2, "scaled_scores": 2,
         "causal_mask": 1, "softmax": 1, "attention": 3, "concat": 2, "layer_norm": 1,
         "layer_norm_std_eps": 1, "relu": 1, "feed_forward": 5, "sigmoid": 1, "threshold": 1, "argmax": 1,
         "cross_entropy": 2, "cross_entropy_grad": 2, "logits": 1, "sgd_step": 2, "log_likelihood": 1}
PLAUSIBLE = {"scaled_scores": {"d_k": ["2", "4", "1", "0.5"]}, "attention": {"d_k": ["2", "4"], "masked": ["true", "false"]},
             "layer_norm": {"eps": ["1e-5", "0", "1e-6"]}, "layer_norm_std_eps": {"eps": ["1e-5", "0.1"]},
             "threshold": {"at": ["0", "0.5", "-1"]}, "sgd_step": {"alpha": ["0.1", "1", "0.01"]},
             "argmax": {"vocabulary": ['["x", "y"]', '["x", "y", "z"]']}}


@st.composite
def running_spec(draw) -> str:
    """A spec that is meant to run: square inputs of one size, a chain of steps
    whose operands exist and fit, plausible parameters, printed values of the
    right shape (right or wrong), sometimes an embedding and a positional encoding."""
    n = draw(st.integers(1, 3))
    grid = lambda: "[" + ", ".join("[" + ", ".join(draw(small_number()) for _ in range(n)) + "]"  # noqa: E731
                                    for _ in range(n)) + "]"
    lines = ['name = "fuzz"', "[inputs]"]
    names = draw(st.lists(st.sampled_from(["A", "B", "W", "Y"]), min_size=1, max_size=4, unique=True))
    lines += [f"{name} = {grid()}" for name in names]
    if draw(st.booleans()):
        lines += ["[tables.t]"] + [f"{tok} = [{', '.join(draw(small_number()) for _ in range(n))}]"
                                   for tok in ("a", "b", "c")]
        tokens = ", ".join(f'"{t}"' for t in draw(st.lists(st.sampled_from("abc"), min_size=n, max_size=n)))
        lines += ["[[steps]]", 'name = "E"', 'stage = "embed"', f"tokens = [{tokens}]", 'table = "t"']
        names.append("E")
    if draw(st.booleans()) and n % 2 == 0:
        lines += ["[[steps]]", 'name = "PE"', 'stage = "positional_encoding"', f"n = {n}", f"d = {n}"]
        names.append("PE")
    for k in range(draw(st.integers(1, 6))):
        stage = draw(st.sampled_from(sorted(ARITY)))
        ops = [draw(st.sampled_from(names)) for _ in range(ARITY[stage])]
        lines += ["[[steps]]", f'name = "S{k}"', f'stage = "{stage}"',
                  "operands = [" + ", ".join(f'"{o}"' for o in ops) + "]"]
        lines += [f"{key} = {draw(st.sampled_from(values))}" for key, values in PLAUSIBLE.get(stage, {}).items()]
        if draw(st.booleans()):
            lines.append(f"printed = {grid()}")
        if draw(st.integers(0, 4)) == 0:
            lines.append(f"use_printed = {draw(st.sampled_from(['true', 'false']))}")
        names.append(f"S{k}")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- real documents, damaged

def seed_documents() -> list[str]:
    """Documents of this repository with real math: the test fixtures and the
    generated whitepaper (read once, when a strategy is built)."""
    paths = sorted((ROOT / "tests" / "fixtures" / "check").glob("*.md")) + [ROOT / "output" / "whitepaper.md"]
    return [p.read_text(encoding="utf-8") for p in paths if p.is_file()]


@st.composite
def _mutation(draw, text: str) -> str:
    """One small change: a digit replaced, a character dropped or doubled, junk inserted, lines swapped."""
    if not text:
        return draw(junk())
    at = draw(st.integers(0, len(text) - 1))
    kind = draw(st.integers(0, 5))
    if kind == 0:
        return text[:at] + draw(st.sampled_from("0123456789-.e")) + text[at + 1:]
    if kind == 1:
        return text[:at] + text[at + 1:]
    if kind == 2:
        return text[:at] + text[at] * draw(st.integers(2, 30)) + text[at + 1:]
    if kind == 3:
        return text[:at] + draw(junk()) + text[at:]
    lines = text.split("\n")
    i, j = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
    lines[i], lines[j] = lines[j], lines[i]
    return "\n".join(lines)


def damaged_document() -> st.SearchStrategy[str]:
    """A window of up to 60 lines of a real document, with a few small mutations."""
    documents = seed_documents()

    @st.composite
    def build(draw) -> str:
        lines = draw(st.sampled_from(documents)).split("\n")
        start = draw(st.integers(0, max(0, len(lines) - 1)))
        text = "\n".join(lines[start:start + draw(st.integers(1, 60))])
        for _ in range(draw(st.integers(0, 5))):
            text = draw(_mutation(text))
        return text

    return build()


# ---------------------------------------------------------------- the checker's features, one line each

def _vec(draw, k: int | None = None) -> list[str]:
    return [draw(small_number()) for _ in range(k or draw(st.integers(1, 4)))]


@st.composite
def feature_line(draw) -> str:
    """A line exercising one feature the checker reads specially (README, "What derive reads")."""
    v, w, c = _vec(draw, 3), _vec(draw, 3), draw(small_number())
    n = draw(small_number())
    return draw(st.sampled_from([
        f"$$ W \\leftarrow W - {c} \\nabla_W L $$",
        f"$$ W_{{new}} = {_grid(draw, 2, 2, small_number())} $$",
        f"$$ \\frac{{\\partial L}}{{\\partial o}} = 2(t - o) = {n} $$",
        f"$$ \\partial L / \\partial w_1 = {n} $$",
        f"$$ \\sum_{{i=0}}^{{2}} v_i w_i = {n} $$",
        f"$$ \\sum_{{i=1}}^{{3}} e^{{v_i}} = {n} $$",
        f"$$ \\mathrm{{PE}}_{{(pos, 2i)}} = \\sin(pos / 10000^{{2i/d}}) $$\n\n$$ \\mathrm{{PE}}_{{(1, 0)}} = {n} $$",
        f"$$ \\sigma(z)_i = \\frac{{e^{{z_i}}}}{{\\sum_j e^{{z_j}}}} $$\n\n$$ \\sigma({', '.join(v)}) = [{', '.join(w)}] $$",
        f"$$ \\mu = \\frac{{1}}{{3}} \\sum_i v_i = {n}, \\quad \\sigma^2 = {c} $$",
        f"$$ \\mathrm{{LN}}(v) = \\frac{{v - \\mu}}{{\\sqrt{{\\sigma^2 + \\epsilon}}}} = [{', '.join(w)}] $$",
        f"$$ y(1 - y) = {c}(1 - {c}) = {n} $$",
        f"$$ (t - o)^2 = ({c} - {n})^2 = {draw(small_number())} $$",
        f"$$ u v^T = {_grid(draw, 3, 3, small_number())} $$",
        f"$$ h = ({', '.join(v)}) $$\n\n$$ W h = [{', '.join(w)}] $$",
        f"$$ x \\odot y = [{', '.join(w)}] $$",
        f"$$ x \\otimes y = {_grid(draw, 2, 2, small_number())} $$",
        f"$$ \\text{{softmax}}({c}) = {n} $$",
        f"$$ a = {c} \\pm {n} $$",
        f"$$ \\boxed{{x = {c}}} $$",
        f"$$ x_{{t+1}} = x_t - {c} \\cdot {n} $$",
        f"$$ f(x) = \\begin{{cases}} x & x > 0 \\\\ 0 & \\text{{else}} \\end{{cases}} $$\n\n$$ f({c}) = {n} $$",
        f"$$ g(x) = {c} x + 1 $$\n\n$$ g({n}) = {draw(small_number())} $$",
        f"$$ 3.14 \\times 10^{{23}}\\,\\text{{FLOPs}} = {n} $$",
        f"$$ T = {c} \\text{{ days}} = {n}\\,\\text{{hours}} $$",
        f"Scaled scores: [{', '.join(v)}]\n\nSoftmax: [{', '.join(w)}]",
        f"- softmax([{', '.join(v)}]) → [{', '.join(w)}]",
        f"so `softmax(z / {c})  # [{', '.join(w)}]`",
        f"In [3]: x = {c}\n\nOut[3]: {n}",
        f"GPT-2 small has {draw(st.sampled_from(['12', '24', '48']))} layers, a width of "
        f"{draw(st.sampled_from(['768', '1024', '1600']))} and {draw(st.sampled_from(['124M', '355M', '1.5B']))} parameters.",
        f"| $z$ | $\\sigma(z)$ |\n|---|---|\n| {c} | {n} |\n| {draw(small_number())} | {draw(small_number())} |",
        f"| quantity | value |\n|---|---|\n| $d_k$ | {c} |\n| $\\sqrt{{d_k}}$ | {n} |",
        f"$$ L = -\\log({c}) \\approx {n} \\text{{ nats}} $$",
        f"$$ \\hat{{x}}_{{1}} \\approx {n} $$\n\n$$ 2 \\times {n} = {draw(small_number())} $$",
    ]))


@st.composite
def python_with_output(draw) -> str:
    """A numeric Python block whose prints pair with the output block under it."""
    names = ["a", "b", "z", "scale", "p"]
    lines = ["import numpy as np", "import math"]
    for name in names[:draw(st.integers(1, 5))]:
        lines.append(draw(st.sampled_from([
            f"{name} = {draw(small_number())}",
            f"{name} = np.array([{', '.join(_vec(draw))}])",
            f"{name} = math.sqrt({draw(small_number())})",
            f"{name} = np.exp({draw(small_number())}) / np.exp([{', '.join(_vec(draw))}]).sum()",
            f"{name} = lambda E: 4 * E * (E + 1)",
            f"def {name}(x): return 1 / (1 + math.exp(-x))",
            f"{name}, q = {draw(small_number())}, {draw(small_number())}",
            f"{name} = torch.tensor([{', '.join(_vec(draw))}], dtype=torch.float32)",
        ])))
    prints = draw(st.lists(st.sampled_from(names + ["a * 2", "np.round(a, 3)", "a.sum()", "a @ a", "b(2)"]),
                           min_size=1, max_size=3))
    lines += [f"print({p})" for p in prints]
    outputs = [draw(st.sampled_from([draw(small_number()), f"[{' '.join(_vec(draw))}]",
                                     f"tensor([{', '.join(_vec(draw))}])", "Traceback (most recent call last):"]))
               for _ in prints]
    return "```python\n" + "\n".join(lines) + "\n```\n\n```\n" + "\n".join(outputs) + "\n```"


@st.composite
def feature_document(draw) -> str:
    """Definitions, then lines that each use one feature of the checker, and code with output."""
    head = ["$$ x = 0.5 $$", "$$ v = [1, 2, 3] $$", "$$ w = (0.5, -1, 2) $$", "$$ t = 1 $$", "$$ o = 0.7 $$",
            "$$ W = \\begin{bmatrix} 1 & 0 \\\\ 0.5 & 2 \\end{bmatrix} $$", "$$ d_k = 4 $$", "$$ z = (2, 1, 0.1) $$"]
    lines = draw(st.lists(st.sampled_from(head), max_size=5, unique=True))
    lines += draw(st.lists(st.one_of(feature_line(), feature_line(), python_with_output(),
                                     worked_line(["x", "t", "o"], ["v", "w"], ["W"])), min_size=1, max_size=6))
    return "\n\n".join(lines) + "\n"


@st.composite
def extending_spec(draw) -> str:
    """A spec that extends a shipped example and adds steps over its names: any
    stage, operands of any shape the example has, ``variant_of`` and ``use_printed``."""
    from derive.spec import example_path, load_spec

    base = draw(st.sampled_from(["softmax", "xor", "training", "encoder"]))
    spec = load_spec(example_path(base))
    names = sorted(spec.inputs) + [s.name for s in spec.steps]
    lines = [f'extends = "{base}"']
    for k in range(draw(st.integers(1, 4))):
        stage = draw(st.sampled_from(sorted(ARITY)))
        ops = [draw(st.sampled_from(names)) for _ in range(ARITY[stage])]
        lines += ["[[steps]]", f'name = "F{k}"', f'stage = "{stage}"',
                  "operands = [" + ", ".join(f'"{o}"' for o in ops) + "]"]
        lines += [f"{key} = {draw(st.sampled_from(values))}" for key, values in PLAUSIBLE.get(stage, {}).items()]
        if draw(st.integers(0, 3)) == 0:
            lines.append(f'variant_of = "{draw(st.sampled_from(names))}"')
        if draw(st.integers(0, 3)) == 0:
            lines.append("use_printed = true")
        if draw(st.integers(0, 2)) == 0:
            lines.append(f"printed = {draw(toml_matrix())}")
        names.append(f"F{k}")
    return "\n".join(lines) + "\n"
