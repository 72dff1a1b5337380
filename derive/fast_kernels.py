r"""The NumPy kernels that compiled stage graphs call (the fast face).

Every kernel works on the last two axes, so a leading batch dimension passes
through: reductions use ``axis=-1`` and products use ``@``. A kernel given
``own=True`` may overwrite its argument: the compiler passes it only for a
temporary that nothing else reads (see ``derive.fast_printer``).

The kernels of softmax, layer norm, the activations and every other ``Stage``
record are the records' own ``fast`` faces, named ``_NAME`` here; this module
adds the mask, the scalar multiply and the matrix chain.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from derive.stages.record import all_stages


def causal_mask(S: np.ndarray, own: bool = False) -> np.ndarray:
    r"""S with -\infty above the diagonal: exp(-inf) is exactly 0 in the softmax after it."""
    rows, cols = S.shape[-2:]
    above = np.triu(np.ones((rows, cols), dtype=bool), k=1)
    if own:
        S[..., above] = -np.inf
        return S
    return np.where(above, -np.inf, S)


def scale(A: np.ndarray, c: float, own: bool = False) -> np.ndarray:
    """c A: a scalar multiply (never ``A.dot(c)``, which NumPy runs far slower)."""
    if own:
        A *= c
        return A
    return A * c


def chain(*factors: np.ndarray) -> np.ndarray:
    r"""A_1 A_2 \cdots A_k in the cheapest order for the shapes met at run time.

    The classic matrix-chain recurrence on the last two axes; ties keep the
    left-to-right order. Shapes are symbolic at compile time, so the order is
    chosen here, once per call, in microseconds.
    """
    if len(factors) == 2:
        return factors[0] @ factors[1]
    dims = [f.shape[-2] for f in factors] + [factors[-1].shape[-1]]
    if len(factors) == 3:   # the common case, without the table: (A B) C or A (B C)
        p, q, r, s = dims
        A, B, C = factors
        return (A @ B) @ C if p * q * r + p * r * s <= q * r * s + p * q * s else A @ (B @ C)
    split = _chain_order(tuple(dims))
    return _multiply(factors, split, 0, len(factors) - 1)


@lru_cache(maxsize=1024)
def _chain_order(dims: tuple[int, ...]) -> dict:
    """split[i, j] = where A_i ... A_j is best cut, from the chain's dimensions."""
    k = len(dims) - 1
    cost = {(i, i): 0 for i in range(k)}
    split = {}
    for length in range(2, k + 1):
        for i in range(k - length + 1):
            j = i + length - 1
            options = [(cost[i, s] + cost[s + 1, j] + dims[i] * dims[s + 1] * dims[j + 1], -s)
                       for s in range(i, j)]
            best, neg_s = min(options)   # on a tie, the largest s: evaluate left to right
            cost[i, j], split[i, j] = best, -neg_s
    return split


def _multiply(factors, split, i, j):
    if i == j:
        return factors[i]
    s = split[i, j]
    return _multiply(factors, split, i, s) @ _multiply(factors, split, s + 1, j)


def kernel_name(stage_name: str) -> str:
    """The name a compiled function calls a stage's fast face by."""
    return f"_{stage_name}"


KERNELS = {
    "np": np,
    "_causal_mask": causal_mask,
    "_scale": scale,
    "_chain": chain,
    **{kernel_name(name): stage.fast for name, stage in all_stages().items()},
}
