"""Hypothesis strategies for whole documents: Markdown blocks (display and
inline math, prose, tables, code with its output, lists, junk), Markdown
documents, Jupyter notebooks and LaTeX documents built from them."""

from __future__ import annotations

import json

from hypothesis import strategies as st

from fuzz_text import PLAIN_NAMES, SMALL, decimal_text, junk, latex_number, latex_statement, plain_expr, plain_line, plain_number, scientific_text


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
