r"""Dropout: the identity at evaluation; in training, a kept-or-dropped mask scaled
so that the expected value is unchanged ("inverted dropout").

    \mathrm{dropout}(x) = x \quad \text{(evaluation)}, \qquad
    \mathrm{dropout}(x, m)_j = \frac{m_j x_j}{1 - p} \quad \text{(training, } m_j \in \{0, 1\}\text{)}

    \frac{\partial L}{\partial x_j} = \frac{m_j g_j}{1 - p}, \qquad \frac{\partial L}{\partial m_j} = \frac{x_j g_j}{1 - p}

Srivastava et al., "Dropout: A Simple Way to Prevent Neural Networks from
Overfitting", JMLR 15 (2014); the scaling at training time is what PyTorch's
``nn.Dropout`` does. The mask is an operand (drawn by the caller: a spec's
``[random]`` or the document), so the stage stays exact. Cost: nothing at
evaluation; per entry one mul and one div in training.
"""

from __future__ import annotations

import numpy as np

from derive.stages.cost import Ops
from derive.stages.record import entrywise


def _keep(p):
    """1 - p, once p is known to be a probability of dropping (a symbol is taken as one)."""
    if getattr(p, "is_number", True) and not 0 <= p < 1:
        raise ValueError(f"a dropout probability is from 0 up to (not including) 1, got {p}")
    return 1 - p


def dropout_train_fast(x: np.ndarray, m: np.ndarray, p: float, own: bool = False) -> np.ndarray:
    return np.multiply(x, m, out=x if own else None) / _keep(p)


DROPOUT = entrywise(
    "dropout", "Dropout at evaluation", "x_j", lambda x, p: x, lambda x, p: 1,
    lambda x, p, own=False: x, lambda x, p: x, Ops(),
    params=("p",), domains={"p": "probability"},     # no names: a document's dropout(x) may be training's
    latex=lambda inner, *_: rf"\mathrm{{dropout}}\left({inner}\right)")

DROPOUT_TRAIN = entrywise(
    "dropout_train", "Dropout in training", r"\frac{y_j x_j}{1 - p} \quad (y \text{ the 0/1 mask})",
    lambda x, m, p: m * x / _keep(p), lambda x, m, p: (m / _keep(p), x / _keep(p)),
    dropout_train_fast, lambda x, m, p: m * x / (1 - p), Ops(mul=1, div=1), arity=2,
    params=("p",), domains={"p": "probability"},
    latex=lambda x, m, p: rf"\frac{{{m} \odot {x}}}{{1 - {p}}}")
