"""The fast face: a stage graph compiled once into one NumPy function.

A stage graph is the symbolic face of derive's stages (a SymPy matrix
expression over ``MatrixSymbol``s with symbolic shapes). ``compile_stages``
turns it into one Python function of NumPy arrays: matrix products stay ``@``
(BLAS), softmax (shifted by the row max) and layer norm are vectorised NumPy,
each distinct intermediate is computed once and bound to a name, and a scalar
such as ``1/sqrt(d_k)`` is a scalar multiply. Shapes are read from the arrays
at call time, so one compiled function serves every n and d, and an optional
leading batch dimension passes through. Compiled functions are cached by
(expression, inputs, params).

Example::

    import numpy as np
    from derive.fast import compile_stages, encoder_block
    from derive.stages.norm import layer_norm
    from derive.symbols import X, eps

    # any stage graph over derive's symbols
    ln = compile_stages(layer_norm(X, eps), [X], {eps: 1e-5})
    ln(np.random.rand(8, 16))                # (8, 16); a (batch, 8, 16) array works too

    # a whole block: E = LN(FFN(LN(softmax(Q K^T / sqrt(d_k)) V W_O)))
    block = encoder_block()                  # decoder_block() adds the causal mask
    forward = block.compile(eps=1e-6)        # compile_stages(block.expr, block.inputs, {eps: 1e-6})
    [m.name for m in block.inputs]           # X, PE, W_Q, W_K, W_V, W_O, W_1, b_1, W_2, b_2
    E = forward(*arrays)                     # NumPy arrays in that order, any n and d
    print(forward.__doc__)                   # the generated source

Any expression built by the stages compiles; a list of expressions compiles to
one function returning a tuple. Scalars that are not shapes (epsilon) must be
given in ``params``; shapes (d_k) are read from the arrays. Inputs are float
arrays; a bias row (b_1, b_2) is a (1, m) array and broadcasts over the rows.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import sympy as sp

from derive import symbols
from derive.fast_kernels import KERNELS
from derive.fast_printer import CompileError, Emitter, canonical
from derive.stages.attention import attention, project
from derive.stages.embedding import add
from derive.stages.feedforward import feed_forward
from derive.stages.matexpr import Concat
from derive.stages.norm import layer_norm

__all__ = ["Block", "CompileError", "compile_stages", "decoder_block", "encoder_block", "source"]


def source(expr, inputs: Sequence[sp.MatrixSymbol], params: dict | None = None) -> str:
    """The Python source that ``compile_stages`` runs for ``expr`` (for reading)."""
    outputs = list(expr) if isinstance(expr, (list, tuple)) else [expr]
    memo: dict = {}
    _check_inputs(inputs)
    return Emitter(list(inputs), params or {}).source([canonical(e, memo) for e in outputs])


def compile_stages(expr, inputs: Sequence[sp.MatrixSymbol],
                   params: dict | None = None) -> Callable:
    """One NumPy function ``f(*arrays)`` for ``expr`` (or a list of outputs).

    ``inputs`` are the function's parameters, in order; ``params`` binds
    scalar symbols (``{eps: 1e-6}``). Shape symbols are read from the arrays.
    """
    key_params = tuple(sorted(((k, float(v)) for k, v in (params or {}).items()), key=lambda kv: str(kv[0])))
    exprs = tuple(expr) if isinstance(expr, (list, tuple)) else expr
    return _compiled(exprs, tuple(inputs), key_params)


@lru_cache(maxsize=128)
def _compiled(expr, inputs: tuple, params: tuple) -> Callable:
    code = source(list(expr) if isinstance(expr, tuple) else expr, inputs, dict(params))
    namespace = {"math": math, **KERNELS}
    # The text comes from derive.fast_printer's fixed templates, checked
    # identifiers and numbers it printed itself: no text is passed through.
    exec(compile(code, "<derive.fast>", "exec"), namespace)  # noqa: S102
    forward = namespace["forward"]
    forward.__doc__ = code
    return forward


def _check_inputs(inputs) -> None:
    if not all(isinstance(m, sp.MatrixSymbol) for m in inputs):
        raise CompileError("inputs must be MatrixSymbols")
    names = [m.name for m in inputs]
    if len(set(names)) != len(names):
        raise CompileError(f"two inputs share a name: {sorted(names)}")


compile_stages.cache_clear = _compiled.cache_clear   # for measuring the compile cost


# Ready-made stage graphs ----------------------------------------------------

@dataclass(frozen=True)
class Block:
    """A stage graph and the inputs of its compiled function, in order."""

    expr: sp.MatrixExpr
    inputs: tuple[sp.MatrixSymbol, ...]

    def compile(self, eps: float = 1e-6) -> Callable:
        r"""``compile_stages`` with \epsilon of both layer norms bound to ``eps``."""
        return compile_stages(self.expr, self.inputs, {symbols.eps: eps})


def encoder_block(heads: int = 1, given_heads: int = 0, masked: bool = False,
                  residual: bool = False) -> Block:
    r"""E = \mathrm{LN}(\mathrm{FFN}(N)), \quad N = \mathrm{LN}(\mathrm{Concat}(head_1, \dots) W_O).

    ``heads`` heads are computed from X + PE, each with its own W_Q, W_K, W_V
    (suffixed _1, _2, ... when there are several); ``given_heads`` more head
    outputs are inputs (the worked example makes its second head up).
    ``masked`` puts the causal mask before each softmax; ``residual`` adds
    x + sublayer(x) inside each layer norm.
    """
    x = add(symbols.X, symbols.PE)                                     # (n, d_model)
    weights, outs = [], []
    for i in range(1, heads + 1):
        W = [_weight(f"W_{k}", i, heads, symbols.d_model, d) for k, d in
             (("Q", symbols.d_k), ("K", symbols.d_k), ("V", symbols.d_v))]
        weights += W
        Q, K, V = (project(x, w) for w in W)                             # (n, d_k), (n, d_k), (n, d_v)
        outs.append(attention(Q, K, V, symbols.d_k, masked=masked))     # (n, d_v)
    given = [sp.MatrixSymbol(f"head_{heads + i}", symbols.n, symbols.d_v) for i in range(1, given_heads + 1)]
    W_O = sp.MatrixSymbol("W_O", (heads + given_heads) * symbols.d_v, symbols.d_model)
    C = Concat(*outs, *given) if len(outs) + len(given) > 1 else outs[0]  # (n, h d_v)
    M = project(C, W_O)                                                 # (n, d_model)
    N = layer_norm(add(x, M) if residual else M, symbols.eps)
    F = feed_forward(N, symbols.W_1, symbols.b_1, symbols.W_2, symbols.b_2)   # (n, d_model)
    E = layer_norm(add(N, F) if residual else F, symbols.eps)
    ffn = (symbols.W_1, symbols.b_1, symbols.W_2, symbols.b_2)
    return Block(E, (symbols.X, symbols.PE, *weights, *given, W_O, *ffn))


def decoder_block(heads: int = 1, given_heads: int = 0, residual: bool = False) -> Block:
    r"""The decoder-only (GPT) block: ``encoder_block`` with the causal mask,
    \mathrm{softmax}(\mathrm{mask}(Q K^T / \sqrt{d_k})) V."""
    return encoder_block(heads, given_heads, masked=True, residual=residual)


def _weight(name: str, i: int, heads: int, rows, cols) -> sp.MatrixSymbol:
    return sp.MatrixSymbol(name if heads == 1 else f"{name}_{i}", rows, cols)
