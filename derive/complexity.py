r"""Cost and size of a GPT-style decoder stack, derived from the stages.

**Operations.** One decoder layer is built as a recipe of named steps, each the
symbolic face of a stage (``project``, ``scaled_scores``, ``causal_mask``,
``softmax``, ``matmul``, ``add``, ``layer_norm``, ``feed_forward``) over
MatrixSymbols with symbolic shapes. Every step's input is a fresh MatrixSymbol
(the previous step's named result), so nothing is counted twice. Walking each
step's matrix expression counts scalar operations by kind; the counting
convention is:

* ``mac``: a matrix product (a x b)(b x c) is a b c multiply-accumulates (one
  multiplication and one addition each; the first addition is into zero);
* a scalar factor on a matrix (``1/sqrt(d_k)``) is one ``mul`` per entry;
* a sum of k matrices (a bias row, a residual) is k - 1 ``add`` per entry;
  broadcasting a bias row, transposing and concatenating heads cost nothing;
* the causal mask costs nothing (it selects -oo; exp(-oo) is still computed);
* softmax, layer norm (counted with gamma and beta), ReLU and every other
  ``Stage`` record count what their record's ``ops`` rule says; the rule and
  its convention are written beside the stage's formula in ``derive.stages``.

The layer is GPT-2's (pre-norm): N_1 = LN(X); h heads with d_k = d_v = d/h;
O = Concat(heads) W_O + b_O; R_1 = X + O; N_2 = LN(R_1); R_2 = R_1 + FFN(N_2)
with d_ff = 4d. A post-norm layer (GPT-1) has the same counts.

**Parameters.** The parameter matrices of the model are declared below with
their shapes; the counts are the sums of rows x cols. Convention: token
embedding W_E (V x d), learned positions W_P (n_ctx x d); per layer W_Q, W_K,
W_V (h heads, d x d_k each) with biases, W_O with bias, W_1 (d x 4d) and W_2
with biases, two layer norms (gamma, beta); a final layer norm; the output
layer reuses W_E^T (tied), so it adds nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from derive.stages.attention import CausalMask, causal_mask, matmul, project, scaled_scores
from derive.stages.cost import Ops
from derive.stages.embedding import add
from derive.stages.feedforward import feed_forward
from derive.stages.matexpr import RowBroadcast
from derive.stages.norm import layer_norm
from derive.stages.record import StageFunction
from derive.stages.softmax import softmax
from derive.symbols import W_1, W_2, W_K, W_O, W_Q, W_V, X, b_1, b_2, beta, d_ff, d_k, d_model, d_v, eps, gamma, h, n

# Sizes of the stack: layers, vocabulary, context length.
l, V, n_ctx = sp.symbols("l V n_ctx", integer=True, positive=True)

# A GPT layer's inner widths: heads split d, the feed-forward net is 4 d wide.
GPT_WIDTHS = {d_k: d_model / h, d_v: d_model / h, d_ff: 4 * d_model}




def count_ops(expr) -> Ops:
    """The operations to evaluate a matrix expression, by the module's convention."""
    if isinstance(expr, sp.MatrixSymbol):
        return Ops()
    if isinstance(expr, (sp.Transpose, RowBroadcast)):   # views: no arithmetic
        return count_ops(expr.args[0])
    if isinstance(expr, sp.MatMul):
        return _matmul_ops(expr)
    if isinstance(expr, sp.MatAdd):
        rows, cols = expr.shape
        inner = sum((count_ops(a) for a in expr.args), Ops())
        return inner + Ops(add=(len(expr.args) - 1) * rows * cols)
    if isinstance(expr, (StageFunction, CausalMask)):
        rows, cols = expr.shape
        inner = sum((count_ops(a) for a in expr.args if isinstance(a, sp.MatrixExpr)), Ops())
        return inner + (expr.stage.ops(rows, cols) if isinstance(expr, StageFunction) else Ops())
    raise TypeError(f"no counting rule for {type(expr).__name__}")


def _matmul_ops(expr: sp.MatMul) -> Ops:
    r"""(a \times b)(b \times c): a b c multiply-accumulates, left to right; a scalar
    factor is one multiplication per entry of the result."""
    coeff, matrices = expr.as_coeff_matrices()
    total = sum((count_ops(M) for M in matrices), Ops())
    rows = matrices[0].shape[0]
    for M in matrices[1:]:
        inner, cols = M.shape
        total += Ops(mac=rows * inner * cols)
    if coeff != 1:
        total += Ops(mul=rows * cols)
    return total


# --- one decoder layer, as a recipe of named steps ------------------------------

b_Q, b_K = sp.MatrixSymbol("b_Q", 1, d_k), sp.MatrixSymbol("b_K", 1, d_k)
b_V, b_O = sp.MatrixSymbol("b_V", 1, d_v), sp.MatrixSymbol("b_O", 1, d_model)


def _named(name: str, expr) -> sp.MatrixSymbol:
    """The result of a step as a fresh name of the same shape."""
    return sp.MatrixSymbol(name, *expr.shape)


def decoder_layer_steps() -> list[tuple[str, sp.Expr, sp.MatrixExpr]]:
    """(name, copies, expression) of one decoder layer in forward order; per-head steps
    have h copies. X (n x d_model) is the residual stream entering the layer."""
    N_1 = _named("N_1", X)
    Q, K = sp.MatrixSymbol("Q", n, d_k), sp.MatrixSymbol("K", n, d_k)
    V_head = sp.MatrixSymbol("V", n, d_v)
    S, A = sp.MatrixSymbol("S", n, n), sp.MatrixSymbol("A", n, n)
    H = sp.MatrixSymbol("H", n, h * d_v)       # Concat(head_1, ..., head_h): moves no numbers
    R_1, N_2 = _named("R_1", X), _named("N_2", X)
    O, F = _named("O", X), _named("F", X)
    return [
        ("N_1", 1, layer_norm(X, eps)),                       # (n, d)
        ("Q", h, project(N_1, W_Q, b_Q)),                     # (n, d) x (d, d_k) -> (n, d_k)
        ("K", h, project(N_1, W_K, b_K)),
        ("V", h, project(N_1, W_V, b_V)),                     # (n, d) x (d, d_v) -> (n, d_v)
        ("S", h, scaled_scores(Q, K, d_k)),                   # (n, d_k) x (d_k, n) -> (n, n)
        ("A", h, softmax(causal_mask(S))),                    # (n, n)
        ("head", h, matmul(A, V_head)),                       # (n, n) x (n, d_v) -> (n, d_v)
        ("O", 1, project(H, W_O, b_O)),                       # (n, h d_v) x (h d_v, d) -> (n, d)
        ("R_1", 1, add(X, O)),
        ("N_2", 1, layer_norm(R_1, eps)),
        ("F", 1, feed_forward(N_2, W_1, b_1, W_2, b_2)),      # (n, d) -> (n, 4d) -> (n, d)
        ("R_2", 1, add(R_1, F)),
    ]


def layer_ops(widths: dict = GPT_WIDTHS) -> list[tuple[str, Ops]]:
    """Each step's operations (all its copies) in n, d_model and h."""
    return [(name, count_ops(expr).scale(copies).subs(widths))
            for name, copies, expr in decoder_layer_steps()]


def layer_total(widths: dict = GPT_WIDTHS) -> Ops:
    """All operations of one decoder layer."""
    return sum((o for _, o in layer_ops(widths)), Ops())


def stack_ops(widths: dict = GPT_WIDTHS) -> list[tuple[str, Ops]]:
    """The forward pass of l layers on n tokens: embedding sum, layers, final norm, logits."""
    E, P = sp.MatrixSymbol("E", n, d_model), sp.MatrixSymbol("P", n, d_model)
    R_l, N_f = sp.MatrixSymbol("R_l", n, d_model), sp.MatrixSymbol("N_f", n, d_model)
    return [
        ("embed", count_ops(add(E, P)).subs(widths)),                # token rows + position rows
        ("layers", layer_total(widths).scale(l)),
        ("final norm", count_ops(layer_norm(R_l, eps)).subs(widths)),
        ("logits", count_ops(matmul(N_f, W_E.T)).subs(widths)),   # (n, d) x (d, V) -> (n, V)
    ]


# --- parameters -----------------------------------------------------------------

W_E = sp.MatrixSymbol("W_E", V, d_model)       # token embedding, also the output layer (tied)
W_P = sp.MatrixSymbol("W_P", n_ctx, d_model)   # learned positions

EMBEDDING_PARAMETERS = [(W_E, 1), (W_P, 1)]
LAYER_PARAMETERS = [
    (W_Q, h), (b_Q, h), (W_K, h), (b_K, h), (W_V, h), (b_V, h),   # h heads
    (W_O, 1), (b_O, 1),
    (W_1, 1), (b_1, 1), (W_2, 1), (b_2, 1),
    (gamma, 2), (beta, 2),                                         # two layer norms
]
FINAL_PARAMETERS = [(gamma, 1), (beta, 1)]                          # final layer norm


def parameter_count(blocks, widths: dict = GPT_WIDTHS) -> sp.Expr:
    r"""\sum_{\text{blocks}} \text{copies} \times \text{rows} \times \text{cols}."""
    total = sum((copies * M.shape[0] * M.shape[1] for M, copies in blocks), sp.S.Zero)
    return sp.expand(total.subs(widths))


def layer_parameters() -> sp.Expr:
    """Parameters of one decoder layer, in d_model."""
    return parameter_count(LAYER_PARAMETERS)


def total_parameters() -> sp.Expr:
    """Parameters of the whole model in (l, d_model, V, n_ctx)."""
    return sp.expand(parameter_count(EMBEDDING_PARAMETERS) + l * layer_parameters()
                     + parameter_count(FINAL_PARAMETERS))


# --- the GPT models, and what the paper says ------------------------------------

@dataclass(frozen=True)
class GPTConfig:
    name: str
    l: int
    d: int
    V: int
    n_ctx: int
    h: int
    published: int        # the published parameter total
    published_text: str


GPT_CONFIGS = (
    GPTConfig("GPT-1", 12, 768, 40478, 512, 12, 117_000_000, "117M"),
    GPTConfig("GPT-2 XL", 48, 1600, 50257, 1024, 25, 1_500_000_000, "1.5B"),
    GPTConfig("GPT-3", 96, 12288, 50257, 2048, 96, 175_000_000_000, "175B"),
)


def config_values(c: GPTConfig, n_tokens: int | None = None) -> dict:
    return {l: c.l, d_model: c.d, V: c.V, n_ctx: c.n_ctx, h: c.h,
            n: c.n_ctx if n_tokens is None else n_tokens}


@dataclass(frozen=True)
class SizeRow:
    config: GPTConfig
    parameters: int           # total_parameters() at the config
    ratio: sp.Rational        # parameters / published
    layer_macs: int           # multiply-accumulates of one layer at n = n_ctx
    stack_flops: int          # 2 mac + other operations, whole forward pass at n = n_ctx


def size_table() -> list[SizeRow]:
    """The formulas evaluated for GPT-1, GPT-2 XL and GPT-3, beside the published totals."""
    total, layer = total_parameters(), layer_total()
    stack = sum((o for _, o in stack_ops()), Ops())
    rows = []
    for c in GPT_CONFIGS:
        at = config_values(c)
        P = int(total.subs(at))
        rows.append(SizeRow(c, P, sp.Rational(P, c.published), int(layer.mac.subs(at)),
                            int(stack.flops.subs(at))))
    return rows


# The paper's complexity section, as data: its claim and its figures for GPT-3.
PAPER_COMPLEXITY = {
    "claim": l * n**2 * d_model,          # O(l n^2 d): attention only, FFN said to be minor
    "gpt3_layers": 175,
    "gpt3_d": 1024,
}
GPT3_ACTUAL = {"layers": 96, "d": 12288, "heads": 96, "n_ctx": 2048}


def paper_vs_derived() -> dict:
    """The paper's O(l n^2 d) beside the derived per-layer multiply-accumulates,
    and the parameter total its GPT-3 figures would give."""
    macs = sp.expand(layer_total().mac)
    quadratic = macs.coeff(n, 2)                    # the n^2 part: scores and A V
    linear = sp.expand(macs - quadratic * n**2)     # the n part: projections and FFN
    gpt3 = GPT_CONFIGS[2]
    at = config_values(gpt3)
    paper_at = {**at, l: PAPER_COMPLEXITY["gpt3_layers"], d_model: PAPER_COMPLEXITY["gpt3_d"]}
    return {
        "layer_macs": macs,
        "n_squared_term": sp.expand(quadratic * n**2),
        "n_linear_term": linear,
        "linear_over_quadratic_gpt3": sp.Rational(int(linear.subs(at)), int((quadratic * n**2).subs(at))),
        "parameters_with_paper_figures": int(total_parameters().subs(paper_at)),
        "parameters_gpt3": int(total_parameters().subs(at)),
    }
