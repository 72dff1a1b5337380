r"""Projections and scaled dot-product attention, one or several heads.

    Q = X W_Q,  K = X W_K,  V = X W_V
    S = \frac{Q K^T}{\sqrt{d_k}}
    \mathrm{Attention}(Q, K, V) = \mathrm{softmax}(S) V
    \mathrm{MultiHead} = \mathrm{Concat}(head_1, \dots, head_h) W_O
"""

from __future__ import annotations

import sympy as sp

from derive.exact import is_rational_matrix, rational_matmul
from derive.stages.matexpr import Concat, MatrixFunction, RowBroadcast, is_explicit, shape_text
from derive.stages.softmax import softmax


def _explicit(M):
    """Explicit results stay immutable SymPy matrices; expressions stay expressions."""
    return sp.ImmutableMatrix(M) if is_explicit(M) else M


def matmul(A, B):
    """A B, with a clear error when the inner sizes differ.

    Two explicit matrices of rationals are multiplied by FLINT (exactly the
    same value, far sooner at real sizes); anything else by SymPy.
    """
    if A.shape[1] != B.shape[0] and is_explicit(A) and is_explicit(B):
        raise ValueError(f"cannot multiply a {shape_text(A)} by a {shape_text(B)} matrix")
    if is_rational_matrix(A) and is_rational_matrix(B):
        return rational_matmul(A, B).as_immutable()
    return _explicit(A * B)


def project(X, W, b=None):
    """X W + b: a linear map applied to every row (b, a 1 x m row, is optional)."""
    Y = matmul(X, W)
    if b is None:
        return Y
    if b.shape[0] != 1 or b.shape[1] != Y.shape[1]:
        raise ValueError(f"bias of shape {shape_text(b)} does not fit a {shape_text(Y)} result")
    return _explicit(Y + RowBroadcast(b, Y.shape[0]).doit())


def project_transposed(X, W, b=None):
    """X W^T + b: the same map with the weight used transposed."""
    return project(X, W.T, b)


def scores(Q, K):
    r"""Q K^T: the raw scores, without the 1/\sqrt{d_k} scale."""
    if Q.shape[1] != K.shape[1]:
        raise ValueError(f"queries {shape_text(Q)} and keys {shape_text(K)} differ in width")
    return matmul(Q, K.T)


def scaled_scores(Q, K, d_k):
    r"""S = \frac{Q K^T}{\sqrt{d_k}}."""
    return _explicit(scores(Q, K) / sp.sqrt(d_k))


def causal_mask(S):
    r"""S with every entry above the diagonal set to -\infty (a token sees no later token).

    -oo, not -1e9: exp(-oo) is exactly 0, so the masked weights are exactly 0.
    """
    if not is_explicit(S):
        return CausalMask(S)
    return sp.ImmutableMatrix(*S.shape, lambda i, j: S[i, j] if j <= i else sp.S.NegativeInfinity)


def attention(Q, K, V, d_k, masked=False):
    r"""\mathrm{softmax}\left(\frac{Q K^T}{\sqrt{d_k}}\right) V (with an optional causal mask)."""
    S = scaled_scores(Q, K, d_k)
    return matmul(softmax(causal_mask(S) if masked else S), V)


def concat_heads(*heads):
    r"""\mathrm{Concat}(head_1, ..., head_h): the heads side by side."""
    if len({H.shape[0] for H in heads}) != 1:
        raise ValueError("heads to concatenate have different numbers of rows")
    return Concat(*heads).doit()


def multi_head(heads, W_O):
    r"""\mathrm{Concat}(head_1, ..., head_h) W_O."""
    return matmul(concat_heads(*heads), W_O)


class CausalMask(MatrixFunction):
    latex_name = "mask"
    exact = staticmethod(causal_mask)
