r"""The backward rule of scaled dot-product attention, with and without a causal mask.

With $S = Q K^T / \sqrt{d_k}$, $P = \mathrm{softmax}(S)$ (masked or not),
$O = P V$ and an upstream gradient $dO$ (so $L = \sum_{ij} dO_{ij} O_{ij}$):

    dV = P^T dO, \quad dP = dO \, V^T, \quad dS = P \circ (dP - \mathrm{rowsum}(dP \circ P)),
    dQ = \frac{dS \, K}{\sqrt{d_k}}, \quad dK = \frac{dS^T Q}{\sqrt{d_k}}

$dP$ and $dS$ are gradients with respect to the intermediates: each is proved
from its own forward ($L$ as a function of $P$, and of $S$). Under the mask a
hidden score never reaches $L$, and its $P$ entry is exactly 0, so both sides
of $dS$ vanish there.
"""

from __future__ import annotations

import sympy as sp

from derive.proofs.identity import Identity
from derive.proofs.theorem import Step, Theorem, Walkthrough, entry_sum, matrix, name_softmax, \
    partial
from derive.stages.attention import causal_mask, matmul, scaled_scores
from derive.stages.softmax import softmax
from derive.symbols import d_k, latex

SYMBOLIC = ((2, 2, 2), (3, 2, 2))   # (n, d_k, d_v)
NUMERIC = ((3, 4, 4),)              # the worked example's sizes


def weights(S, masked: bool):
    r"""P = \mathrm{softmax}(S), through the causal mask when ``masked``."""
    return softmax(causal_mask(S) if masked else S)


def softmax_backward(P, dP) -> sp.ImmutableMatrix:
    r"""dS = P \circ (dP - \mathrm{rowsum}(dP \circ P))."""
    rowsum = (dP.multiply_elementwise(P)) * sp.ones(P.cols, 1)          # (n, 1)
    return sp.ImmutableMatrix(P.multiply_elementwise(dP - rowsum * sp.ones(1, P.cols)))


def attention_backward(Q, K, V, dO, masked: bool = False) -> dict:
    r"""dV, dP, dS, dQ, dK of L = \sum dO \circ \mathrm{softmax}(Q K^T / \sqrt{d_k}) V."""
    P = weights(scaled_scores(Q, K, Q.cols), masked)                    # (n, n)
    return backward_given_weights(P, Q, K, V, dO)


def backward_given_weights(P, Q, K, V, dO) -> dict:
    """The same rules, for given attention weights P (entries or names)."""
    scale = sp.sqrt(Q.cols)
    dP = dO * V.T                                                        # (n, d_v) x (d_v, n)
    dS = softmax_backward(P, dP)                                         # (n, n)
    return {"V": P.T * dO, "P": dP, "S": dS, "Q": dS * K / scale, "K": dS.T * Q / scale}


def _inputs(n: int, dk: int, dv: int):
    return matrix("Q", n, dk), matrix("K", n, dk), matrix("V", n, dv), matrix("dO", n, dv)


def attention_at(n: int, dk: int, dv: int, masked: bool, symbolic: bool = True) -> list[Identity]:
    """Three identities at one size: through Q, K, V; through P; through S."""
    Q, K, V, dO = _inputs(n, dk, dv)
    grads = attention_backward(Q, K, V, dO, masked)
    P_, S_ = matrix("P", n, n), matrix("S", n, n)
    size = f"n = {n}, d_k = {dk}, d_v = {dv}" + (", masked" if masked else "")
    through_inputs = entry_sum(dO, matmul(weights(scaled_scores(Q, K, dk), masked), V))
    through_P = entry_sum(dO, matmul(P_, V))
    P_of_S = weights(S_, masked)
    through_S = entry_sum(dO, matmul(P_of_S, V))
    return [
        Identity("attention", through_inputs, [Q, K, V], [grads["Q"], grads["K"], grads["V"]],
                 sizes=size + "; dQ, dK, dV", symbolic=symbolic),
        Identity("attention", through_P, [P_], [grads["P"]], sizes=size + "; dP",
                 symbolic=symbolic),
        Identity("attention", through_S, [S_], [softmax_backward(P_of_S, dO * V.T)],
                 sizes=size + "; dS", symbolic=symbolic),
    ]


def attention_instances() -> list[Identity]:
    found = []
    for masked in (False, True):
        for size in SYMBOLIC:
            found += attention_at(*size, masked)
        for size in NUMERIC:
            found += attention_at(*size, masked, symbolic=False)
    return found


def attention_walkthrough() -> list[Walkthrough]:
    Q, K, V, dO = _inputs(2, 1, 1)
    S = scaled_scores(Q, K, 1)
    forward = entry_sum(dO, matmul(weights(S, False), V))
    p = matrix("P", 2, 2)
    grads = backward_given_weights(p, Q, K, V, dO)
    shown = []
    for name, M in (("V", V), ("Q", Q)):
        lhs = partial("L", M[0, 0])
        raw = sp.diff(forward, M[0, 0])
        steps = (Step("name_weights", lhs, name_softmax(raw, S.tolist(), p.tolist())),)
        closed = grads[name][0, 0]
        shown.append(Walkthrough("n = 2, d_k = 1, d_v = 1", Step("forward", "L", forward),
                                 Step("sympy", lhs, raw), steps, Step("closed", lhs, closed)))
    return shown


def attention_theorem() -> Theorem:
    n, dv = sp.symbols("n d_v", integer=True, positive=True)
    Q, K = sp.MatrixSymbol("Q", n, d_k), sp.MatrixSymbol("K", n, d_k)
    V, dO = sp.MatrixSymbol("V", n, dv), sp.MatrixSymbol("dO", n, dv)
    P, dS = sp.MatrixSymbol("P", n, n), sp.MatrixSymbol("dS", n, n)
    i, j, c = sp.symbols("i j c", integer=True, positive=True)
    Pi, dPi, dSi = (sp.IndexedBase(name) for name in ("P", "dP", "dS"))
    dS_entry = Pi[i, j] * (dPi[i, j] - sp.Sum(dPi[i, c] * Pi[i, c], (c, 1, n)))
    return Theorem(
        name="attention", title="Scaled dot-product attention",
        statement=(f"dV = {latex(P.T * dO)}", f"dP = {latex(dO * V.T)}",
                   f"{latex(dSi[i, j])} = {latex(dS_entry)}",
                   f"dQ = {latex(dS * K / sp.sqrt(d_k))}",
                   f"dK = {latex(dS.T * Q / sp.sqrt(d_k))}"),
        given=(f"P = \\mathrm{{softmax}}\\left({latex(Q * K.T / sp.sqrt(d_k))}\\right)",
               f"L = {latex(sp.Trace(dO.T * P * V))}"),
        sizes="2x2x2, 3x2x2 (+3x4x4), masked or not",
        instances=attention_instances, walkthroughs=attention_walkthrough)
