r"""The position-wise feed-forward net and its ReLU.

    \mathrm{FFN}(x) = \max(0, x W_1 + b_1) W_2 + b_2
"""

from __future__ import annotations

from derive.stages.activation import relu
from derive.stages.attention import project


def feed_forward(x, W_1, b_1, W_2, b_2):
    r"""\mathrm{FFN}(x) = \max(0, x W_1 + b_1) W_2 + b_2."""
    return project(relu(project(x, W_1, b_1)), W_2, b_2)
