"""Grouped-query attention sizes, worked by hand for Llama 2 70B, and the grouped
forward against plain multi-head attention."""

from __future__ import annotations

import pytest
import sympy as sp

from derive.stages.attention import attention
from derive.stages.gqa import attention_macs, attention_parameters, grouped_attention, kv_cache_bytes


def test_llama_2_70b_sizes_by_hand():
    # d = 8192, h = 64, g = 8, d_k = 128: W_Q and W_O are 8192 x 8192 = 67,108,864 each,
    # W_K and W_V 8192 x 1024 = 8,388,608 each: 150,994,944 per layer
    assert attention_parameters(8192, 64, 8, 128) == 2 * 67_108_864 + 2 * 8_388_608 == 150_994_944
    # a key and a value of 8 x 128 per layer, 80 layers, 2 bytes: 327,680 bytes a token,
    # 1,342,177,280 bytes (1.25 GiB) for 4,096 tokens
    assert kv_cache_bytes(80, 8, 128, 1, 2) == 327_680
    assert kv_cache_bytes(80, 8, 128, 4096, 2) == 1_342_177_280 == 5 * 2**28


def test_multi_head_is_the_case_g_equals_h_and_multi_query_g_equals_1():
    d = sp.Symbol("d", positive=True)
    assert sp.expand(attention_parameters(d, 4, 4, d / 4)) == 4 * d**2            # 4 d^2, as in GPT
    assert attention_parameters(512, 8, 1, 64, bias=True) == 512 * 512 * 2 + 2 * 512 * 64 + 512 + 2 * 64 + 512
    n = sp.Symbol("n", positive=True)
    # multi-head: 4 n d^2 + 2 n^2 d multiply-accumulates
    assert sp.expand(attention_macs(n, d, 4, 4, d / 4) - (4 * n * d**2 + 2 * n**2 * d)) == 0
    with pytest.raises(ValueError, match="do not split"):
        attention_parameters(512, 8, 3, 64)


def test_grouped_forward_shares_each_key_value_head_with_its_group():
    Q = [sp.ImmutableMatrix([[1, 0], [0, 1]]), sp.ImmutableMatrix([[2, 1], [0, 0]]),
         sp.ImmutableMatrix([[0, 1], [1, 1]]), sp.ImmutableMatrix([[1, 1], [1, 0]])]
    K = [sp.ImmutableMatrix([[1, 2], [0, 1]]), sp.ImmutableMatrix([[0, 1], [1, 0]])]
    V = [sp.ImmutableMatrix([[1, 0], [0, 2]]), sp.ImmutableMatrix([[3, 1], [1, 1]])]
    heads = grouped_attention(Q, K, V, 2)
    # 4 query heads, 2 groups: heads 0, 1 use K_0, V_0; heads 2, 3 use K_1, V_1
    assert heads == [attention(Q[0], K[0], V[0], 2), attention(Q[1], K[0], V[0], 2),
                     attention(Q[2], K[1], V[1], 2), attention(Q[3], K[1], V[1], 2)]
