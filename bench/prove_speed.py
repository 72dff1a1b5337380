"""How long ``derive prove FILE.toml`` takes per identity, now and as it was, at 3 x 3 and 4 x 4.

    python bench/prove_speed.py [--sizes 3 4] [--only TEXT] [--budget 30] [--cap 120] [--json]

Every identity of ``tests/identities/*.toml`` is resized (every matrix dimension of 2 or
more becomes n, identity matrices too; vectors keep their 1) and proved twice in this
process, in turns, SymPy's cache cleared before each:

* ``previous``: derive as of commit 0083761, before exact rational arithmetic: an explicit
  inverse is Berkowitz's adj / det as SymPy writes them, a determinant is SymPy's ``doit``
  (Bareiss), and a difference goes straight to SymPy's rewritings (cancel, trigonometric
  expansion, simplify);
* ``now``: derive as it is (``derive.proofs.rational`` first).

Each time covers loading the identity (its claims are worked out at load) and proving it
with the symbolic ``--budget``; a run is stopped after ``--cap`` seconds (``> cap``).
``ratio`` is previous / now. An identity written for one size (``x x^T / 3`` in RMSNorm)
may be refuted at another: the verdicts are printed beside the times.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import tempfile
import time
import tomllib
from contextlib import contextmanager, nullcontext
from pathlib import Path

import sympy as sp
from sympy.core.cache import clear_cache

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from derive.budget import OutOfTime, time_limit  # noqa: E402
from derive.proofs import identity, symbolic  # noqa: E402
from derive.proofs.identity_file import load_identities  # noqa: E402
from derive.proofs.rational import Fractions, NotRational  # noqa: E402
from derive.proofs.theorem import prove_theorem  # noqa: E402
from derive.stages.matexpr import is_explicit  # noqa: E402

FILES = sorted((ROOT / "tests" / "identities").glob("*.toml"))


def previous_explicit(obj, table: dict):
    """``identity.explicit`` as of commit 0083761."""
    if not table:
        return obj
    if isinstance(obj, (list, tuple)):
        return [previous_explicit(o, table) for o in obj]
    if isinstance(obj, sp.MatrixSymbol):
        return table[obj]
    if isinstance(obj, sp.Basic):
        out = obj.xreplace(table).replace(lambda e: isinstance(e, sp.Inverse), _previous_inverse)
        out = out.doit() if hasattr(out, "doit") else out
        return out.as_explicit() if isinstance(out, sp.MatrixExpr) else out
    return obj


def _previous_inverse(e: sp.Inverse):
    """adj / det by Berkowitz, unexpanded (``identity._adjugate_inverse`` as of 0083761)."""
    M = e.arg.doit()
    if isinstance(M, sp.MatrixExpr) and not is_explicit(M) and not M.atoms(sp.MatrixSymbol):
        M = M.as_explicit()
    if not is_explicit(M):
        return e
    return sp.ImmutableMatrix(M.adjugate(method="berkowitz") / M.det(method="berkowitz"))


class _NoExactTest(Fractions):
    """Declines every expression, so every difference goes to SymPy's rewritings."""

    def is_zero(self, expr):
        raise NotRational


@contextmanager
def previous_strategy():
    """derive's proof as it was: the previous explicit forms, no exact rational test."""
    saved = identity.explicit, symbolic.Fractions
    identity.explicit, symbolic.Fractions = previous_explicit, _NoExactTest
    try:
        yield
    finally:
        identity.explicit, symbolic.Fractions = saved


def resized(item: dict, n: int) -> dict:
    """The identity with every matrix dimension >= 2 (and every identity matrix) set to n."""
    out = dict(item)
    out["shapes"] = {k: [d if d < 2 else n for d in shape] for k, shape in item.get("shapes", {}).items()}
    out["eye"] = {k: n for k in item.get("eye", {})}
    return {k: v for k, v in out.items() if v != {}}


def toml_value(v) -> str:
    """A TOML value for the few types an identity file holds (strings JSON-escaped)."""
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{k} = {toml_value(x)}" for k, x in v.items()) + " }"
    if isinstance(v, list):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    return json.dumps(v)


def timed_proof(layout: str, item: dict, budget: float, cap: float, previous: bool) -> tuple[float, str]:
    """(seconds, verdict) of loading and proving one identity, at most ``cap`` seconds."""
    text = f"layout = {json.dumps(layout)}\n\n[[identity]]\n" + \
        "".join(f"{k} = {toml_value(v)}\n" for k, v in item.items())
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "one.toml"
        path.write_text(text)
        clear_cache()
        start = time.perf_counter()
        try:
            with previous_strategy() if previous else nullcontext(), time_limit(cap):
                (make,) = load_identities(path).values()
                verdict = prove_theorem(make(), budget=budget).result
        except OutOfTime:
            return cap, "> cap"
        return time.perf_counter() - start, verdict


def runs(sizes: list[int], only: str):
    """(file, layout, size label, item) for every identity and size, each size once."""
    for path in FILES:
        data = tomllib.loads(path.read_text())
        layout = data.get("layout", "denominator")
        for item in data["identity"]:
            if only and only not in item["name"]:
                continue
            seen = set()
            for n in sizes:
                one = resized(item, n)
                key = json.dumps(one, sort_keys=True)
                if key not in seen:
                    seen.add(key)
                    square = one.get("shapes") or one.get("eye")
                    yield path.name, layout, f"{n}x{n}" if square else "scalars", one


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[3, 4])
    parser.add_argument("--only", default="", help="identities whose name contains this text")
    parser.add_argument("--budget", type=float, default=30.0, help="symbolic budget per identity (s)")
    parser.add_argument("--cap", type=float, default=120.0, help="wall time per run (s)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    rows = []
    if not args.json:
        print(f"{'file':15} {'identity':58} {'size':7} {'previous':>16} {'now':>16} {'ratio':>7}")
    for file, layout, size, item in runs(args.sizes, args.only):
        before = timed_proof(layout, item, args.budget, args.cap, previous=True)
        after = timed_proof(layout, item, args.budget, args.cap, previous=False)
        row = dict(file=file, identity=item["name"], size=size, previous=before, now=after,
                   ratio=before[0] / after[0])
        rows.append(row)
        if not args.json:
            print(f"{file:15} {item['name'][:58]:58} {size:7} {before[0]:7.2f} {before[1]:>8} "
                  f"{after[0]:7.2f} {after[1]:>8} {row['ratio']:7.1f}", flush=True)
    if args.json:
        print(json.dumps(rows, indent=1))
        return 0
    mean = math.exp(sum(math.log(r["ratio"]) for r in rows) / len(rows)) if rows else float("nan")
    slowest = max(rows, key=lambda r: r["now"][0], default=None)
    print(f"{len(rows)} runs; geometric mean of previous / now: {mean:.2f}")
    if slowest:
        print(f"slowest now: {slowest['identity']} at {slowest['size']}, {slowest['now'][0]:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
