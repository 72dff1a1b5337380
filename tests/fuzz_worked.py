"""Hypothesis strategies for documents that reach the checker's deeper passes:
names defined then used, one line per feature the checker reads, and windows
of real documents (the fixtures, the generated whitepaper) changed a little."""

from __future__ import annotations

from pathlib import Path

from hypothesis import strategies as st

from fuzz_documents import block
from fuzz_text import junk, latex_number, plain_line, small_number


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


ROOT = Path(__file__).resolve().parent.parent


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
