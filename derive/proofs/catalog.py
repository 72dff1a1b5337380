"""The registered identities: name -> builder of its ``Theorem``, in the issue's order,
then the backward rule of every ``Stage`` record (``softmax-backward`` ...)."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor

from derive.errors import UsageError
from derive.proofs import attention, elementwise, layers, norm, positional, softmax
from derive.proofs.stages import stage_theorems
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
    **stage_theorems(),
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
    return list(prove_each(names, points, seed, budget))


def prove_each(names: list[str] | None = None, points: int = 4, seed: int = 0, budget: float = 30.0,
               table: Mapping[str, Callable[[], Theorem]] | None = None) -> Iterator[ProofResult]:
    """The results in table order, each as soon as it and those before it are done.

    Theorems are independent: where the platform can fork they are proved in
    worker processes, one per core (results are the same; only the wall time
    changes), those of another ``table`` (a file's) too. The workers start at
    the call, not at the first ``next``: a caller (``derive build``) can work on
    something else meanwhile."""
    global _FORKED
    theorems = select(names, table)
    table = THEOREMS if table is None else table
    chosen = names or list(table)
    workers = min(len(theorems), os.cpu_count() or 1)
    if workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return (prove_theorem(t, points=points, seed=seed, budget=budget) for t in theorems)
    _FORKED = table          # the workers are forks: they find the builders here (lambdas do not pickle)
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"))
    futures = [pool.submit(_prove_registered, name, points, seed, budget) for name in chosen]

    def results() -> Iterator[ProofResult]:
        try:
            for future in futures:
                yield future.result()
        finally:
            pool.shutdown(cancel_futures=True)
    return results()


_FORKED: Mapping[str, Callable[[], Theorem]] = THEOREMS


def _prove_registered(name: str, points: int, seed: int, budget: float) -> ProofResult:
    return prove_theorem(_FORKED[name](), points=points, seed=seed, budget=budget)
