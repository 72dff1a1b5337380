"""Gradient identities, stated once and proved (``derive prove``).

State an identity of your own: a forward expression, the variables to
differentiate, the gradient you claim, and a label for the sizes. derive
checks it at random rational points with certified 50-digit arithmetic
(against SymPy's derivative and a high-precision finite difference), then
tries to simplify the difference to exactly 0::

    import sympy as sp
    from derive.proofs import Identity, prove_identity

    x, w = sp.symbols("x w", real=True)
    forward = sp.log(1 + sp.exp(w * x))                  # softplus of w x
    claimed = [x / (1 + sp.exp(-w * x))]                  # d/dw
    result = prove_identity(Identity("softplus", forward, [w], claimed, sizes="scalar"))
    result.result    # 'proved' (or 'refuted', or 'checked': agreement at points, no proof)
    result.method    # 'symbolic + certified numeric'

A wrong claim is refuted, with the first point where it fails::

    wrong = prove_identity(Identity("softplus", forward, [w], [1 / (1 + sp.exp(-w * x))]))
    wrong.result             # 'refuted'
    wrong.failure.point      # {'w': '...', 'x': '...'}: the exact rational values

``forward`` may be a list of outputs (then ``claimed`` holds one row per
output: a Jacobian); variables and claims may be SymPy matrices of symbols.
``at`` substitutes after differentiating (a point such as alpha = 0, or a
constraint such as y_V = 1 - y_1 - ... - y_{V-1}). Symbols are sampled by
their assumptions (positive, negative, nonzero, integer).

The identities of derive itself are registered in ``derive.proofs.catalog``
(``THEOREMS``: name -> builder); ``derive prove [NAME ...]`` proves them.
"""

_API = {
    "Identity": "derive.proofs.identity",
    "ProofResult": "derive.proofs.identity",
    "prove_identity": "derive.proofs.identity",
    "THEOREMS": "derive.proofs.catalog",
    "prove": "derive.proofs.catalog",
    "prove_command": "derive.proofs.command",
    "proofs_context": "derive.proofs.document",
}

__all__ = sorted(_API)


def __getattr__(name):
    if name in _API:
        import importlib

        return getattr(importlib.import_module(_API[name]), name)
    raise AttributeError(f"module 'derive.proofs' has no attribute {name!r}")
