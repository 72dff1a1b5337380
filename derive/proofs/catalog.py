"""The registered identities: name -> builder of its ``Theorem``, in the issue's order."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from derive.errors import UsageError
from derive.proofs import attention, elementwise, layers, norm, positional, softmax
from derive.proofs.identity import ProofResult
from derive.proofs.theorem import Theorem, prove_theorem

THEOREMS: dict[str, Callable[[], Theorem]] = {
    "softmax-cross-entropy": softmax.cross_entropy_theorem,
    "softmax-jacobian": softmax.jacobian_theorem,
    "sigmoid-relu": elementwise.sigmoid_relu_theorem,
    "linear": layers.linear_theorem,
    "layer-norm": norm.layer_norm_theorem,
    "attention": attention.attention_theorem,
    "feed-forward": layers.feed_forward_theorem,
    "mse": elementwise.mse_theorem,
    "descent-step": softmax.descent_theorem,
    "positional-shift": positional.positional_theorem,
}


def select(names: list[str] | None = None,
           table: Mapping[str, Callable[[], Theorem]] | None = None) -> list[Theorem]:
    """The theorems named (all, in table order, when none is named)."""
    table = THEOREMS if table is None else table
    unknown = [n for n in names or [] if n not in table]
    if unknown:
        raise UsageError(f"unknown identity {unknown[0]!r}; known: {', '.join(table)}")
    return [table[n]() for n in (names or list(table))]


def prove(names: list[str] | None = None, points: int = 4, seed: int = 0,
          budget: float = 30.0) -> list[ProofResult]:
    """Prove the named identities (all by default)."""
    return [prove_theorem(t, points=points, seed=seed, budget=budget) for t in select(names)]
