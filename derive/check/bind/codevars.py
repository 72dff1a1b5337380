r"""``--run-code``: the numbers the author's code leaves in its top-level names.

After a Python block has run, a footer that derive appends (derive's own
code; the document's code is run, never read into derive) writes every
top-level name that holds a real number, or a vector or matrix of them, as
one line of JSON to a pipe derive opened for it (``$DERIVE_VALUES_FD``: not a
file the code could overwrite), each float as ``float.hex`` so that nothing
is lost. Each becomes a value of that name from the end of the block on,
taken exactly (the binary float's own value): ``p = np.exp(z) / np.exp(z).sum()``
in the code lets ``-\ln p_2`` in the text be judged.
"""

from __future__ import annotations

import json

import sympy as sp

from derive.check.evaluate.values import MAX_ENTRIES, Val

FOOTER = f'''

def __derive_values():
    import json as _json
    import os as _os
    try:
        import numpy as _np
    except ImportError:
        _np = None

    def _number(x):
        if isinstance(x, bool):
            return None
        if isinstance(x, int):
            return str(x) if x.bit_length() <= 1000 else None
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
    data = (_json.dumps(out) + "\\n").encode()
    try:
        fd = int(_os.environ["DERIVE_VALUES_FD"])
        while data:
            data = data[_os.write(fd, data):]
        _os.close(fd)
    except (KeyError, ValueError, OSError):
        pass


__derive_values()
'''


def read_values(message: bytes | str) -> dict[str, Val] | None:
    """The values in the footer's message (as exact SymPy numbers): {} when there
    is none (the code ended before the footer), None when it is not exactly one
    well-formed message (the code wrote into the pipe): then no value is used."""
    if isinstance(message, bytes):
        message = message.decode("utf-8", "replace")
    if not message:
        return {}
    if not message.endswith("\n") or "\n" in message[:-1]:
        return None
    try:
        raw = json.loads(message)
        return {name: _val(v) for name, v in raw.items()}
    except (ValueError, KeyError, TypeError, AttributeError, OverflowError, RecursionError):
        return None


def _val(v: dict) -> Val:
    """One name's entry of the message; ``ValueError`` when it is not as the footer writes it."""
    rows = [[_exact(x) for x in row] for row in v["rows"]]
    if not rows or len({len(r) for r in rows}) != 1 or not rows[0] or len(rows) * len(rows[0]) > MAX_ENTRIES \
            or not isinstance(v["scalar"], bool):
        raise ValueError("not a matrix")
    return Val(sp.ImmutableMatrix(rows), v["scalar"])


def _exact(text: str) -> sp.Rational:
    """An integer's digits, or a float's hex form, as the exact rational it is."""
    if not isinstance(text, str) or len(text) > 400:
        raise ValueError("not a number as the footer writes it")
    if "p" in text:
        return sp.Rational(float.fromhex(text))
    return sp.Integer(int(text))
