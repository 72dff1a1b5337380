r"""Grouped-query attention (GQA): h query heads share g key/value heads, h/g each.

Sizes, for width d, h query heads, g key/value heads of width d_k (g = h is
multi-head attention, g = 1 multi-query attention):

    parameters  d h d_k + 2 d g d_k + h d_k d     W_Q, W_K and W_V, W_O (no biases)
                + h d_k + 2 g d_k + d             their biases, if the model has them
    KV cache    2 L g d_k t b bytes               K and V of L layers for t tokens (batch b)
                                                  at ``bytes_per_value`` each
    forward     n d (h + 2 g) d_k + 2 h n^2 d_k + n h d_k d   multiply-accumulates
                (projections, scores and A V, the output projection)

Ainslie et al., "GQA: Training Generalized Multi-Query Transformer Models from
Multi-Head Checkpoints", arXiv:2305.13245; Llama 2 70B uses h = 64, g = 8,
d_k = 128. The forward face is ``grouped_attention``: query head i attends with
key/value head i // (h / g), each head the ``attention`` stage.
"""

from __future__ import annotations

from derive.stages.attention import attention


def _groups(heads, kv_heads) -> None:
    if isinstance(heads, int) and isinstance(kv_heads, int) and (kv_heads < 1 or heads % kv_heads):
        raise ValueError(f"{heads} query heads do not split into {kv_heads} key/value groups")


def attention_parameters(d_model, heads, kv_heads, d_head, bias=False):
    r"""d h d_k + 2 d g d_k + h d_k d (+ h d_k + 2 g d_k + d with biases)."""
    _groups(heads, kv_heads)
    weights = d_model * heads * d_head + 2 * d_model * kv_heads * d_head + heads * d_head * d_model
    return weights + (heads * d_head + 2 * kv_heads * d_head + d_model if bias else 0)


def kv_cache_bytes(layers, kv_heads, d_head, tokens, bytes_per_value, batch=1):
    r"""2 L g d_k t b \times bytes: a key and a value vector per layer, head group and token."""
    return 2 * layers * kv_heads * d_head * tokens * batch * bytes_per_value


def attention_macs(n, d_model, heads, kv_heads, d_head):
    r"""n d (h + 2g) d_k + 2 h n^2 d_k + n h d_k d multiply-accumulates for n tokens."""
    _groups(heads, kv_heads)
    return (n * d_model * (heads + 2 * kv_heads) * d_head + 2 * heads * n**2 * d_head
            + n * heads * d_head * d_model)


def grouped_attention(queries: list, keys: list, values: list, d_k) -> list:
    r"""\mathrm{head}_i = \mathrm{Attention}(Q_i, K_{\lfloor i g / h \rfloor}, V_{\lfloor i g / h \rfloor})."""
    heads, kv_heads = len(queries), len(keys)
    _groups(heads, kv_heads)
    if len(values) != kv_heads:
        raise ValueError(f"{kv_heads} key heads but {len(values)} value heads")
    size = heads // kv_heads
    return [attention(Q, keys[i // size], values[i // size], d_k) for i, Q in enumerate(queries)]

