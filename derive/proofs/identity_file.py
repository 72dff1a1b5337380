r"""Identities from a TOML file: ``derive prove FILE.toml``.

    layout = "denominator"        # or "numerator": how the gradient of a matrix is laid out

    [[identity]]
    name = "trace of A X"
    f = '\mathrm{tr}(A X)'        # a scalar function, in LaTeX
    wrt = ["X"]                   # the variables
    gradient = ['A^T']            # the claimed gradient, one per variable, in LaTeX
    shapes = { A = [3, 3], X = [3, 3] }   # names with a shape are matrices (a row: [1, n])
    eye = { I = 3 }               # identity matrices, by size
    scalars = ["c"]               # other names, real numbers
    assume = { c = "positive" }   # scalars: positive | negative | nonzero; a vector: distribution
                                  # (its entries sum to 1); a square matrix: positive definite
    params = { eps = "1e-5" }     # stage parameters: exact decimals, or a declared scalar

In the denominator layout the gradient of f with respect to X has X's shape (entry ij
is the derivative by X_ij); in the numerator layout it has the shape of X^T. A file
may set ``layout`` once, an identity may override it. Every text is read by derive's
own LaTeX parser (``derive.proofs.latex``); any error names the file, the identity
and the key (and the column), and is exit 2.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import sympy as sp

from derive import limits
from derive.errors import DeriveError
from derive.files import read_regular
from derive.numbers import parse_decimal
from derive.proofs.identity import Identity, explicit_table
from derive.proofs.latex import IdentityTextError, read
from derive.proofs.theorem import Theorem

LAYOUTS = ("denominator", "numerator")
ASSUMPTIONS = {"positive": {"positive": True}, "negative": {"negative": True}, "nonzero": {"nonzero": True},
               "real": {}}
MATRIX_ASSUMPTIONS = ("distribution", "positive definite")
KEYS = {"name", "f", "wrt", "gradient", "shapes", "eye", "scalars", "assume", "params", "layout", "sizes"}
MAX_SIZE = 8          # a matrix in a file identity is at most 8 x 8 (made explicit, then proved)


class IdentityFileError(DeriveError):
    """An identity file that cannot be read: names the file, the identity and the key."""

    def __init__(self, path, name: str | None, key: str, message: str):
        where = f"{path}: identity {name!r}: {key}" if name else f"{path}: {key}"
        super().__init__(f"{where}: {message}")


def load_identities(path: str | Path) -> dict:
    """name -> builder of a one-instance ``Theorem``, for every identity of the file, in order."""
    raw = read_regular(path, limits.SPEC_BYTES, "identity file")
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise IdentityFileError(path, None, "toml", str(exc)) from None
    unknown = sorted(set(data) - {"layout", "identity"})
    if unknown:
        raise IdentityFileError(path, None, unknown[0], "unknown key (a file has layout and [[identity]])")
    layout = _layout(path, None, data.get("layout", "denominator"))
    items = data.get("identity")
    if not isinstance(items, list) or not items:
        raise IdentityFileError(path, None, "identity", "no [[identity]] table")
    table = {}
    for k, item in enumerate(items):
        identity = _identity(path, k, item, layout)
        if identity.name in table:
            raise IdentityFileError(path, identity.name, "name", "used twice")
        table[identity.name] = (lambda i=identity: _theorem(i))
    return table


def _theorem(identity: Identity) -> Theorem:
    return Theorem(name=identity.name, title=identity.name, statement=(identity.statement,), given=(),
                   sizes=identity.sizes, instances=lambda: [identity], walkthroughs=lambda: [])


def _layout(path, name, value) -> str:
    if value not in LAYOUTS:
        raise IdentityFileError(path, name, "layout", f"must be one of {', '.join(LAYOUTS)}, got {value!r}")
    return value


def _identity(path, k: int, item, layout: str) -> Identity:
    if not isinstance(item, dict):
        raise IdentityFileError(path, None, f"identity[{k}]", "must be a table")
    name = item.get("name")
    if not isinstance(name, str) or not name:
        raise IdentityFileError(path, None, f"identity[{k}].name", "a name is needed")
    unknown = sorted(set(item) - KEYS)
    if unknown:
        raise IdentityFileError(path, name, unknown[0], f"unknown key (known: {', '.join(sorted(KEYS))})")
    layout = _layout(path, name, item.get("layout", layout))
    names = _names(path, name, item)
    params = _params(path, name, item.get("params", {}), names)
    wrt = _strings(path, name, item, "wrt")
    gradient = _strings(path, name, item, "gradient")
    if len(wrt) != len(gradient):
        raise IdentityFileError(path, name, "gradient", f"{len(gradient)} gradients for {len(wrt)} variables")
    for v in wrt:
        if v not in names:
            raise IdentityFileError(path, name, "wrt", f"{v} is not declared in shapes or scalars")
    f = _latex(path, name, "f", item.get("f"), names, params)
    if isinstance(f, sp.MatrixExpr) and f.shape != (1, 1):
        raise IdentityFileError(path, name, "f", f"is a {f.shape[0]} x {f.shape[1]} matrix, not a number")
    claimed = []
    for v, text in zip(wrt, gradient):
        g = _latex(path, name, "gradient", text, names, params)
        var = names[v]
        if not isinstance(var, (sp.MatrixSymbol, sp.Symbol)):
            raise IdentityFileError(path, name, "wrt", f"{v} is a constant, not a variable")
        want = tuple(var.shape) if isinstance(var, sp.MatrixSymbol) else (1, 1)
        want = want[::-1] if layout == "numerator" else want
        shape = tuple(g.shape) if isinstance(g, sp.MatrixExpr) else (1, 1)
        if shape != want:
            raise IdentityFileError(path, name, "gradient",
                                    f"{text!r} is {shape[0]} x {shape[1]}; the gradient by {v} in the {layout} "
                                    f"layout is {want[0]} x {want[1]}")
        claimed.append(g.T if layout == "numerator" and isinstance(g, sp.MatrixExpr) else g)
    f = f[0, 0] if isinstance(f, sp.MatrixExpr) else f
    sizes = item.get("sizes") or ", ".join(f"{n} {r}x{c}" for n, (r, c) in sorted(
        (n, s.shape) for n, s in names.items() if isinstance(s, sp.MatrixSymbol))) or "scalars"
    statement = ", ".join(rf"\frac{{\partial f}}{{\partial {v}}} = {t}" for v, t in zip(wrt, gradient))
    assume = item.get("assume", {})
    at = {}
    for n, kind in assume.items():         # entries sum to 1: the last is 1 minus the others
        if kind == "distribution":
            if n in wrt:
                raise IdentityFileError(path, name, f"assume.{n}", "a variable cannot be a distribution too")
            entries = list(explicit_table(names[n])[names[n]])
            at[entries[-1]] = 1 - sp.Add(*entries[:-1])
    definite = tuple(names[n] for n, kind in assume.items() if kind == "positive definite")
    identity = Identity(name, f, [names[v] for v in wrt], claimed, sizes=str(sizes), statement=statement,
                        at=at, definite=definite)
    try:
        identity.claims()            # made explicit now, so that a form SymPy cannot work out is bad input
    except (ValueError, TypeError, sp.ShapeError, NotImplementedError) as exc:
        raise IdentityFileError(path, name, "f", f"cannot be worked out on explicit matrices: {exc}") from None
    return identity


def _names(path, name, item) -> dict:
    assume = item.get("assume", {})
    if not isinstance(assume, dict) or any(v not in ASSUMPTIONS and v not in MATRIX_ASSUMPTIONS
                                           for v in assume.values()):
        raise IdentityFileError(path, name, "assume",
                                f"each must be one of {', '.join((*ASSUMPTIONS, *MATRIX_ASSUMPTIONS))}")
    names = {}
    shapes = item.get("shapes", {})
    if not isinstance(shapes, dict):
        raise IdentityFileError(path, name, "shapes", "must be a table of [rows, cols]")
    for n, shape in shapes.items():
        ok = (isinstance(shape, list) and len(shape) == 2 and all(isinstance(s, int) and 1 <= s <= MAX_SIZE
                                                                   for s in shape))
        if not ok or not n.isidentifier():
            raise IdentityFileError(path, name, f"shapes.{n}", f"must be [rows, cols], each from 1 to {MAX_SIZE}")
        names[n] = sp.MatrixSymbol(n, *shape)
    eye = item.get("eye", {})
    if not isinstance(eye, dict) or not all(isinstance(v, int) and 1 <= v <= MAX_SIZE for v in eye.values()):
        raise IdentityFileError(path, name, "eye", f"must be a table of sizes from 1 to {MAX_SIZE}")
    for n, size in eye.items():
        if n in names:
            raise IdentityFileError(path, name, f"eye.{n}", "already has a shape")
        names[n] = sp.Identity(size)
    for n in _strings(path, name, item, "scalars", required=False):
        if n in names:
            raise IdentityFileError(path, name, "scalars", f"{n} already has a shape")
        names[n] = sp.Symbol(n, real=True, **ASSUMPTIONS.get(assume.get(n, "real"), {}))
    missing = sorted(set(assume) - set(names))
    if missing:
        raise IdentityFileError(path, name, f"assume.{missing[0]}", "not a declared name")
    for n, kind in assume.items():
        value = names[n]
        shaped = isinstance(value, sp.MatrixSymbol)
        ok = (kind in ASSUMPTIONS and not shaped) or (kind == "distribution" and shaped and 1 in value.shape) \
            or (kind == "positive definite" and shaped and value.shape[0] == value.shape[1])
        if not ok:
            raise IdentityFileError(path, name, f"assume.{n}",
                                    f"{kind!r} does not apply to {n} (scalars: {', '.join(ASSUMPTIONS)}; a vector: "
                                    "distribution; a square matrix: positive definite)")
    return names


def _params(path, name, raw, names: dict) -> dict:
    if not isinstance(raw, dict):
        raise IdentityFileError(path, name, "params", "must be a table")
    out = {}
    for k, v in raw.items():
        if isinstance(v, str) and isinstance(names.get(v), sp.Symbol):
            out[k] = names[v]           # eps = "epsilon": the declared scalar
            continue
        try:
            out[k] = parse_decimal(str(v)).value
        except DeriveError as exc:
            raise IdentityFileError(path, name, f"params.{k}", str(exc)) from None
    return out


def _strings(path, name, item, key, required=True) -> list[str]:
    value = item.get(key, None if required else [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value) or (required and not value):
        raise IdentityFileError(path, name, key, "must be a list of strings")
    return value


def _latex(path, name, key, text, names, params):
    if not isinstance(text, str) or not text.strip():
        raise IdentityFileError(path, name, key, "must be LaTeX text")
    try:
        return read(text, names, params)
    except IdentityTextError as exc:
        raise IdentityFileError(path, name, key, str(exc)) from None
    except (ValueError, TypeError, sp.ShapeError, NotImplementedError) as exc:   # A X with A 2x3, X 2x2
        raise IdentityFileError(path, name, key, f"cannot be formed: {exc}") from None
