r"""The NumPy kernels that compiled stage graphs call (the fast face).

Every kernel works on the last two axes, so a leading batch dimension passes
through: reductions use ``axis=-1`` and products use ``@``. A kernel given
``own=True`` may overwrite its argument: the compiler passes it only for a
temporary that nothing else reads (see ``derive.fast_printer``).

    \mathrm{softmax}(S)_{ij} = \frac{e^{S_{ij} - \max_k S_{ik}}}{\sum_l e^{S_{il} - \max_k S_{ik}}}
    \mathrm{LN}(x)_{ij} = \frac{x_{ij} - \mu_i}{\sqrt{\sigma^2_i + \epsilon}}
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np


def softmax(S: np.ndarray, own: bool = False) -> np.ndarray:
    r"""Row softmax, shifted by the row maximum so that no exponential overflows."""
    m = S.max(axis=-1, keepdims=True)                  # (..., n, 1)
    Z = np.subtract(S, m, out=S if own else None)      # (..., n, n): every entry <= 0
    np.exp(Z, out=Z)
    Z /= Z.sum(axis=-1, keepdims=True)
    return Z


def layer_norm(x: np.ndarray, eps: float, own: bool = False) -> np.ndarray:
    r"""\frac{x - \mu}{\sqrt{\sigma^2 + \epsilon}} per row, population variance (divide by d)."""
    mu = x.mean(axis=-1, keepdims=True)                # (..., n, 1)
    xc = np.subtract(x, mu, out=x if own else None)    # (..., n, d)
    sigma2 = np.square(xc).mean(axis=-1, keepdims=True)
    xc *= 1.0 / np.sqrt(sigma2 + eps)                  # a scalar per row, never a division per entry
    return xc


def relu(x: np.ndarray, own: bool = False) -> np.ndarray:
    r"""\max(0, x) element-wise."""
    return np.maximum(x, 0.0, out=x if own else None)


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


KERNELS = {
    "np": np,
    "_softmax": softmax,
    "_layer_norm": layer_norm,
    "_relu": relu,
    "_causal_mask": causal_mask,
    "_scale": scale,
    "_chain": chain,
}
