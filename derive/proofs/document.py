r"""What ``templates/proofs.md.j2`` needs: every identity, proved, as plain data.

All formulas are LaTeX printed from SymPy objects; the template holds the
prose. Measured seconds are left out so that two builds are byte-identical.

    environment().get_template("proofs.md.j2").render(**proofs_context())
"""

from __future__ import annotations

from typing import Callable

import sympy as sp

from derive import display
from derive.proofs import numeric
from derive.proofs.catalog import prove_each, select
from derive.proofs.identity import ProofResult
from derive.proofs.theorem import Step, Theorem, Walkthrough


def step_view(step: Step) -> dict:
    """One line of a walkthrough: its LaTeX when it fits the page (over several
    lines if need be), else its left side and its size (SymPy's count_ops of the
    right side)."""
    latex = display.shown(step.latex)
    return {"why": step.why, "latex": latex, "lhs": step.lhs,
            "size": None if latex is not None else sp.count_ops(step.expr)}


def walkthrough_view(w: Walkthrough) -> dict:
    return {"size": w.size, "forward": step_view(w.forward),
            "derivative": step_view(w.derivative) if w.derivative is not None else None,
            "steps": [step_view(s) for s in w.steps], "closed": step_view(w.closed)}


def part_view(part: ProofResult) -> dict:
    return {"sizes": part.sizes, "method": part.method, "result": part.result,
            "points": part.points, "digits": part.digits if part.points else None,
            "difference_digits": part.difference_digits,
            "rewritings": list(part.rewritings), "note": part.note}


def theorem_view(theorem: Theorem, result: ProofResult) -> dict:
    return {"name": theorem.name, "title": theorem.title, "statement": list(theorem.statement),
            "given": list(theorem.given), "result": result.result, "method": result.method,
            "walkthroughs": [walkthrough_view(w) for w in theorem.walkthroughs()],
            "parts": [part_view(p) for p in result.parts]}


_PROVED: tuple[ProofResult, ...] | None = None


def proving() -> Callable[[], tuple[ProofResult, ...]]:
    """Start proving every registered identity (in worker processes where the
    platform forks) and return the wait for the results; once per process: a
    second call, or a call after ``proved()``, returns the results at once."""
    if _PROVED is not None:
        return lambda: _PROVED
    started = prove_each()

    def wait() -> tuple[ProofResult, ...]:
        global _PROVED
        if _PROVED is None:
            _PROVED = tuple(started)
        return _PROVED
    return wait


def proved() -> tuple[ProofResult, ...]:
    """Every registered identity, proved once per process (a build renders it)."""
    return proving()()


def proofs_context(results: list[ProofResult] | None = None) -> dict:
    """Prove every registered identity (or take ``results``, in table order)."""
    theorems = select()
    results = results if results is not None else proved()
    return {
        "proofs": [theorem_view(t, r) for t, r in zip(theorems, results)],
        "digits": numeric.DIGITS,
        "shown_digits": numeric.SHOWN_DIGITS,
        "step_exponent": numeric.STEP_EXPONENT,
        "step_digits": numeric.STEP_PREC * 3 // 10,   # bits to decimal digits, rounded down
        "refute_bits": numeric.REFUTE_PREC,
        "all_proved": all(r.proved for r in results),
        "refuted": [r.name for r in results if r.refuted],
        "checked": [r.name for r in results if not r.proved and not r.refuted],
    }
