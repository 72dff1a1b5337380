r"""``--run-code``: the numbers the author's code leaves in its top-level names.

After a Python block has run, a footer that derive appends (derive's own
code; the document's code is run, never read into derive) writes every
top-level name that holds a real number, or a vector or matrix of them, to a
JSON file beside the block, each float as ``float.hex`` so that nothing is
lost. Each becomes a value of that name from the end of the block on,
taken exactly (the binary float's own value): ``p = np.exp(z) / np.exp(z).sum()``
in the code lets ``-\ln p_2`` in the text be judged.
"""

from __future__ import annotations

import json

import sympy as sp

from derive.check.evaluate.values import MAX_ENTRIES, Val

VALUES_FILE = "__derive_values.json"

FOOTER = f'''

def __derive_values():
    import json as _json
    try:
        import numpy as _np
    except ImportError:
        _np = None

    def _number(x):
        if isinstance(x, bool):
            return None
        if isinstance(x, int):
            return str(x)
        try:
            f = float(x)
        except (TypeError, ValueError, OverflowError):
            return None
        return f.hex() if f == f and abs(f) != float("inf") else None

    def _rows(v):
        if _np is not None and not isinstance(v, (bool, int, float, str, bytes)):
            try:
                a = _np.asarray(v)
            except Exception:
                return None
            if a.dtype.kind not in "iuf" or a.ndim > 2 or a.size == 0 or a.size > {MAX_ENTRIES}:
                return None
            rows = [[a.item()]] if a.ndim == 0 else [a.tolist()] if a.ndim == 1 else a.tolist()
            return [[_number(x) for x in r] for r in rows], a.ndim == 0
        x = _number(v)
        return ([[x]], True) if x is not None else None

    out = {{}}
    for name, value in list(globals().items()):
        if name.startswith("_") or callable(value) or type(value).__name__ == "module":
            continue
        found = _rows(value)
        if found is not None and all(x is not None for r in found[0] for x in r):
            out[name] = {{"rows": found[0], "scalar": found[1]}}
    with open({VALUES_FILE!r}, "w") as fh:
        _json.dump(out, fh)


__derive_values()
'''


def read_values(text: str) -> dict[str, Val]:
    """The values the footer wrote (as exact SymPy numbers); {} when unreadable."""
    try:
        raw = json.loads(text)
    except ValueError:
        return {}
    out = {}
    for name, v in raw.items() if isinstance(raw, dict) else ():
        try:
            rows = [[_exact(x) for x in row] for row in v["rows"]]
            if not rows or len({len(r) for r in rows}) != 1:
                continue
            out[name] = Val(sp.ImmutableMatrix(rows), bool(v["scalar"]))
        except (KeyError, TypeError, ValueError):
            continue
    return out


def _exact(text: str) -> sp.Rational:
    """An integer's digits, or a float's hex form, as the exact rational it is."""
    if "p" in text:
        return sp.Rational(float.fromhex(text))
    return sp.Integer(int(text))
