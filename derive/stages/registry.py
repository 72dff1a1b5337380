"""The stage names a spec may use, each mapped to its function and formula.

Every ``Stage`` record of ``derive.stages`` (softmax, layer norm, ReLU, GELU ...)
is a spec stage under its own name, with its parameters; the entries written
here are the stages that are not such records (projections, the embedding, the
losses). Most stages are functions of matrices that also accept ``MatrixSymbol``s, so a
step's general formula is the stage applied to its operands' symbols. Stages
whose formula is not a matrix expression (an embedding lookup, the positional
encoding, a loss) bring an ``equation`` that builds the LaTeX from SymPy objects
defined next to the stage.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import sympy as sp

from derive import symbols
from derive.stages import activation, attention, embedding, feedforward, loss
from derive.stages.record import all_stages


@dataclass(frozen=True)
class Entry:
    """How a spec's stage name maps to a stage function and its formula."""

    function: Callable
    params: tuple[str, ...] = ()
    inline: bool = False     # a sum: later formulas put its name in parentheses
    # LaTeX of the whole equation from (step params, label, operand labels),
    # for stages whose function does not take MatrixSymbols.
    equation: Callable[[dict, str, list[str]], str] | None = None


def _pe_equation(params, label, operands) -> str:
    """PE_{(pos, 2i)} = sin(angle), PE_{(pos, 2i+1)} = cos(angle), from pe_angle itself."""
    pos, i = sp.symbols("pos i")
    angle = embedding.pe_angle(pos, i, symbols.d_model, evaluate=False)
    even, odd = symbols.latex(sp.sin(angle)), symbols.latex(sp.cos(angle))
    return rf"{label}_{{(pos,\,2i)}} = {even}, \qquad {label}_{{(pos,\,2i+1)}} = {odd}"


def _embed_equation(params, label, operands) -> str:
    """X = (e(w_1); ...; e(w_n)): one row per token, looked up in the table."""
    e = sp.Function("e")
    rows = sp.Matrix([[e(sp.Symbol(token_latex(t)))] for t in params["tokens"]])
    return f"{label} = {symbols.latex(rows)}"


def token_latex(token: str) -> str:
    r"""A token as math: ``\text{de}``; a special token ``<start>`` as
    ``\langle\text{start}\rangle`` (a bare < would read as HTML in Markdown)."""
    special = token.startswith("<") and token.endswith(">") and len(token) > 2
    inner = token[1:-1] if special else token
    text = "".join({"<": r"\langle ", ">": r"\rangle ", "_": r"\_", "&": r"\&", "%": r"\%",
                    "#": r"\#", "$": r"\$", "{": r"\{", "}": r"\}", "\\": r"\backslash "}.get(c, c)
                   for c in inner)
    return rf"\langle\text{{{text}}}\rangle" if special else rf"\text{{{text}}}"


def _scalar(formula: Callable[[], sp.Basic], lhs: str = "{label}_i", order="none") -> Callable:
    """An equation 'label_i = <formula>' (or 'label = ...') from a SymPy formula."""
    def equation(params, label, operands):
        return f"{lhs.format(label=label)} = {symbols.latex(formula(), order=order)}"
    return equation


def _threshold_equation(params, label, operands) -> str:
    z = sp.Symbol(operands[0])
    return f"{label} = {symbols.latex(activation.AtLeast(z, sp.Rational(params['at'])))}"


def _argmax_equation(params, label, operands) -> str:
    return rf"{label}_i = \arg\max_j \, {operands[0]}_{{ij}}"


STAGES: dict[str, Entry] = {
    "embed": Entry(embedding.embed, ("tokens", "table"), equation=_embed_equation),
    "positional_encoding": Entry(embedding.positional_encoding, ("n", "d"), equation=_pe_equation),
    "add": Entry(embedding.add, inline=True),
    "matmul": Entry(attention.matmul),
    "project": Entry(attention.project),
    "project_transposed": Entry(attention.project_transposed),
    "scores": Entry(attention.scores),
    "scaled_scores": Entry(attention.scaled_scores, ("d_k",)),
    "causal_mask": Entry(attention.causal_mask),
    "attention": Entry(attention.attention, ("d_k", "masked")),
    "concat": Entry(attention.concat_heads),
    "feed_forward": Entry(feedforward.feed_forward),
    "threshold": Entry(activation.threshold, ("at",), equation=_threshold_equation),
    "argmax": Entry(activation.argmax_rows, ("vocabulary",), equation=_argmax_equation),
    "cross_entropy": Entry(loss.cross_entropy, equation=_scalar(loss.cross_entropy_formula, "{label}")),
    "cross_entropy_grad": Entry(loss.cross_entropy_grad, equation=_scalar(loss.cross_entropy_grad_formula)),
    "logits": Entry(loss.logits_of, equation=_scalar(loss.logits_formula)),
    "sgd_step": Entry(loss.sgd_step, ("alpha",), equation=_scalar(loss.sgd_step_formula)),
    "log_likelihood": Entry(loss.log_likelihood, equation=_scalar(loss.log_likelihood_formula, "{label}", None)),
}

STAGES.update({name: Entry(record, record.params) for name, record in all_stages().items()})

# Parameters that the general formula shows as a symbol rather than a number.
FORMULA_SYMBOLS = {"d_k": symbols.d_k, "eps": symbols.eps, "alpha": symbols.alpha}
FORMULA_SYMBOLS.update({p: sp.Symbol(p, positive=True) for record in all_stages().values()
                        for p in record.params if p not in FORMULA_SYMBOLS})
