"""derive's benchmark: the fast face, the exact face and the command line, against their floors.

    python bench/bench.py            # a table
    python bench/bench.py --json     # one JSON object
    python bench/bench.py --quick    # fewer repeats

Every time is the median of repeated runs, with the spread [min, max] beside it.
The floor of the fast face is ``floor_encoder`` below: a plain NumPy forward pass
written by hand. The environment is used as it is: if OPENBLAS_CORETYPE is set
(some machines set it for old OpenBLAS builds) NumPy's BLAS runs the kernel it
names, for the floor and for derive alike; the JSON records its value. On a
machine shared with other work, two BLAS threads wait for each other:
``OPENBLAS_NUM_THREADS=1`` gives steadier (and there, faster) figures.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import sympy as sp  # noqa: E402
from sympy.printing.numpy import NumPyPrinter  # noqa: E402

from derive import symbols  # noqa: E402
from derive.exact import rational_matmul, to_fmpq_mat  # noqa: E402
from derive.stages.norm import certified_layer_norm  # noqa: E402
from derive.stages.softmax import certified_softmax  # noqa: E402
from derive.fast import compile_stages, encoder_block  # noqa: E402

SIZES = [(3, 4), (64, 64), (512, 512), (2048, 512)]
EXACT_SIZES = [16, 64, 128]
EPS = 1e-6
WHITEPAPER = ROOT.parent / "shared" / "whitepaper" / "the-math-behind-gpt.md"


# The floor: a plain hand-written NumPy encoder block ---------------------------

def floor_layer_norm(x, eps):
    mu = x.mean(axis=-1, keepdims=True)
    xc = x - mu
    return xc / np.sqrt((xc * xc).mean(axis=-1, keepdims=True) + eps)


def floor_encoder(X, PE, W_Q, W_K, W_V, W_O, W_1, b_1, W_2, b_2, eps=EPS):
    x = X + PE                                      # (n, d)
    Q, K, V = x @ W_Q, x @ W_K, x @ W_V             # (n, d_k), (n, d_k), (n, d_v)
    S = (Q @ K.T) * (1.0 / np.sqrt(Q.shape[-1]))    # (n, n)
    P = np.exp(S - S.max(axis=-1, keepdims=True))
    P /= P.sum(axis=-1, keepdims=True)
    N = floor_layer_norm((P @ V) @ W_O, eps)        # (n, d)
    F = np.maximum(N @ W_1 + b_1, 0.0) @ W_2 + b_2  # (n, d_ff) -> (n, d)
    return floor_layer_norm(F, eps)


# What a user gets by default: SymPy's lambdify, no common subexpressions --------

class NaivePrinter(NumPyPrinter):
    """NumPyPrinter taught derive's matrix functions, nothing else changed."""

    def _print_SoftmaxFunction(self, e):
        return f"softmax({self._print(e.args[0])})"

    def _print_LayerNormFunction(self, e):
        return f"layer_norm({self._print(e.args[0])}, {self._print(e.args[1])})"

    def _print_ReluFunction(self, e):
        return f"numpy.maximum({self._print(e.args[0])}, 0.0)"

    def _print_RowBroadcast(self, e):
        return self._print(e.args[0])


def naive_softmax(S):
    P = np.exp(S - S.max(axis=-1, keepdims=True))
    return P / P.sum(axis=-1, keepdims=True)


def naive_lambdify(block):
    args = [*block.inputs, symbols.d_k, symbols.eps]
    f = sp.lambdify(args, block.expr, modules=[{"softmax": naive_softmax, "layer_norm": floor_layer_norm},
                                               "numpy"], printer=NaivePrinter, cse=False)
    return lambda *arrays: f(*arrays, arrays[2].shape[-1], EPS)


# Timing --------------------------------------------------------------------------

def median_spread(times: list[float]) -> tuple[float, list[float]]:
    return statistics.median(times), [min(times), max(times)]


def timed(f, *args) -> float:
    t = time.perf_counter()
    f(*args)
    return time.perf_counter() - t


def interleaved(functions: dict, args, repeats: int) -> dict:
    """Median and spread of each function, run in turns so that drift hits all alike."""
    for f in functions.values():
        f(*args)                                   # warm up (first-call costs, caches)
    times = {k: [] for k in functions}
    for _ in range(repeats):
        for k, f in functions.items():
            times[k].append(timed(f, *args))
    result = {k: median_spread(v) for k, v in times.items()}
    for k in [k for k in times if k != "floor"]:   # each run against the floor run beside it
        result[f"{k}_paired"] = median_spread([t / f for t, f in zip(times[k], times["floor"])])
    return result


def block_arrays(n: int, d: int, rng) -> list[np.ndarray]:
    """Inputs of the one-head encoder block with d_k = d_v = d and d_ff = 4 d."""
    shapes = [(n, d), (n, d), (d, d), (d, d), (d, d), (d, d), (d, 4 * d), (1, 4 * d), (4 * d, d), (1, d)]
    return [rng.standard_normal(s) / np.sqrt(s[0]) for s in shapes]


def compile_time(block, repeats: int) -> tuple[float, list[float]]:
    def fresh():
        compile_stages.cache_clear()
        return compile_stages(block.expr, block.inputs, {symbols.eps: EPS})
    return median_spread([timed(fresh) for _ in range(repeats)])


def fast_path(repeats: int) -> list[dict]:
    block, rng, rows = encoder_block(), np.random.default_rng(0), []
    naive = naive_lambdify(block)
    for n, d in SIZES:
        arrays = block_arrays(n, d, rng)
        compile_s = compile_time(block, repeats)
        derive = compile_stages(block.expr, block.inputs, {symbols.eps: EPS})
        small = n * d < 100_000                    # microseconds: many more repeats
        t = interleaved({"floor": floor_encoder, "derive": derive, "naive": naive}, arrays,
                        repeats * (20 if small else 1))
        rows.append(_fast_row(n, d, t, compile_s))
    return rows


def _fast_row(n, d, t, compile_s) -> dict:
    (floor, fs), (derive, ds), (naive, ns) = t["floor"], t["derive"], t["naive"]
    return {"n": n, "d": d, "d_ff": 4 * d, "floor_s": floor, "floor_spread": fs,
            "derive_s": derive, "derive_spread": ds, "ratio": derive / floor,
            "paired_ratio": t["derive_paired"][0], "paired_ratio_spread": t["derive_paired"][1],
            "naive_s": naive, "naive_spread": ns, "naive_ratio": naive / floor,
            "compile_s": compile_s[0], "compile_spread": compile_s[1]}


# The exact face -------------------------------------------------------------------

def rational_matrix(n: int, rnd) -> sp.Matrix:
    """n x n rationals with 4 decimals in [-1, 1], as a worked example prints them."""
    return sp.Matrix(n, n, [sp.Rational(rnd.randint(-10_000, 10_000), 10_000) for _ in range(n * n)])


def exact_products(repeats: int) -> list[dict]:
    rnd, rows = random.Random(0), []
    for n in EXACT_SIZES:
        A, B = rational_matrix(n, rnd), rational_matrix(n, rnd)
        FA, FB = to_fmpq_mat(A), to_fmpq_mat(B)
        sympy_s = median_spread([timed(lambda: A * B) for _ in range(max(1, repeats // 2))])
        python_s = sympy_python_ground(A, B, max(1, repeats // 2))
        derive_s = median_spread([timed(lambda: FA * FB) for _ in range(repeats * 5)])
        edges_s = median_spread([timed(rational_matmul, A, B) for _ in range(repeats * 5)])
        assert rational_matmul(A, B) == A * B
        rows.append({"n": n, "derive_s": derive_s[0], "derive_spread": derive_s[1],
                     "derive_with_edges_s": edges_s[0], "derive_with_edges_spread": edges_s[1],
                     "sympy_s": sympy_s[0], "sympy_spread": sympy_s[1],
                     "sympy_python_s": python_s[0], "sympy_python_spread": python_s[1],
                     "speedup": sympy_s[0] / derive_s[0], "speedup_with_edges": sympy_s[0] / edges_s[0],
                     "speedup_vs_python": python_s[0] / derive_s[0],
                     "speedup_with_edges_vs_python": python_s[0] / edges_s[0]})
    return rows


PYTHON_GROUND_PRODUCT = """
import json, statistics, sys, time
import sympy as sp
from sympy.external.gmpy import GROUND_TYPES
assert GROUND_TYPES == "python", GROUND_TYPES
n, repeats, a, b = json.load(sys.stdin)
A, B = (sp.Matrix(n, n, [sp.Rational(v, 10_000) for v in m]) for m in (a, b))
times = []
for _ in range(repeats):
    t = time.perf_counter(); A * B; times.append(time.perf_counter() - t)
print(json.dumps([statistics.median(times), [min(times), max(times)]]))
"""


def sympy_python_ground(A, B, repeats: int) -> tuple[float, list[float]]:
    """A B by SymPy ``Matrix`` on pure-Python ground types (SymPy without python-flint,
    as before derive made it a dependency), timed in a child process of this run."""
    numerators = [[int(v * 10_000) for v in M] for M in (A, B)]
    done = subprocess.run([sys.executable, "-c", PYTHON_GROUND_PRODUCT], capture_output=True, text=True,
                          input=json.dumps([A.rows, repeats, *numerators]), check=True,
                          env={**os.environ, "SYMPY_GROUND_TYPES": "python"})
    median, spread = json.loads(done.stdout)
    return median, spread


def certified(repeats: int) -> dict:
    """50 certified significant digits of softmax and layer norm of a 64 x 64 rational matrix."""
    S = rational_matrix(64, random.Random(1)) * 5
    eps = sp.Rational(1, 10**6)

    def both():
        certified_softmax(S, 50)
        certified_layer_norm(S, eps, 50)
    return dict(zip(("certified_s", "certified_spread"), median_spread([timed(both) for _ in range(repeats)])))


# The command line -----------------------------------------------------------------

def wall(args: list[str], cwd: Path = ROOT) -> tuple[float, int]:
    t = time.perf_counter()
    done = subprocess.run([sys.executable, *args], cwd=cwd, capture_output=True)
    return time.perf_counter() - t, done.returncode


def cli_start(repeats: int) -> dict:
    """``derive --help`` against ``python -c pass``, run in turns."""
    help_t, python_t = [], []
    for _ in range(repeats * 3):
        help_t.append(wall(["-m", "derive", "--help"])[0])
        python_t.append(wall(["-c", "pass"])[0])
    (h, hs), (p, ps) = median_spread(help_t), median_spread(python_t)
    return {"help_s": h, "help_spread": hs, "python_s": p, "python_spread": ps, "ratio": h / p}


def commands(whitepaper: Path) -> dict:
    """Wall time of build, check and prove (null when the command is not there yet)."""
    with tempfile.TemporaryDirectory() as out:
        build_s, code = wall(["-m", "derive", "build", "--out", out])
    result = {"build_s": build_s if code == 0 else None}
    for name, args in (("check", [str(whitepaper)]), ("prove", [])):
        if wall(["-m", "derive", name, "--help"])[1] != 0 or (name == "check" and not whitepaper.exists()):
            result[f"{name}_s"] = None
            continue
        seconds, code = wall(["-m", "derive", name, *args])
        result[f"{name}_s"] = None if code == 2 else seconds    # 2: the arguments were refused
        result[f"{name}_exit"] = code
    return result


def machine() -> dict:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor()) if Path("/proc/cpuinfo").exists() \
        else platform.processor()
    import flint
    return {"nproc": os.cpu_count(), "cpu": cpu, "python": platform.python_version(),
            "numpy": np.__version__, "sympy": sp.__version__, "python_flint": flint.__version__,
            **{k: os.environ.get(k) for k in ("OPENBLAS_CORETYPE", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS")}}


# Report --------------------------------------------------------------------------------

def table(r: dict) -> str:
    lines = [f"machine: {r['machine']}", "",
             "fast face: encoder block (d_k = d_v = d, d_ff = 4d), median [min, max]",
             f"{'n':>5} {'d':>4} {'floor ms':>10} {'derive ms':>10} {'ratio':>6} {'paired':>6} "
             f"{'naive ms':>10} {'ratio':>6} {'compile ms':>10}"]
    for f in r["fast_path"]:
        lines.append(f"{f['n']:>5} {f['d']:>4} {f['floor_s'] * 1e3:>10.3f} {f['derive_s'] * 1e3:>10.3f} "
                     f"{f['ratio']:>6.2f} {f['paired_ratio']:>6.2f} {f['naive_s'] * 1e3:>10.3f} "
                     f"{f['naive_ratio']:>6.2f} "
                     f"{f['compile_s'] * 1e3:>10.2f}")
    lines += ["", "exact face: n x n products of 4-decimal rationals; SymPy Matrix on flint ground types "
              "(as installed with derive) and on pure-Python ground types (without python-flint)",
              f"{'n':>5} {'flint ms':>10} {'+edges ms':>10} {'sympy ms':>10} {'speedup':>8} {'+edges':>7} "
              f"{'py-sympy ms':>12} {'speedup':>8} {'+edges':>7}"]
    for e in r["exact"]:
        lines.append(f"{e['n']:>5} {e['derive_s'] * 1e3:>10.3f} {e['derive_with_edges_s'] * 1e3:>10.3f} "
                     f"{e['sympy_s'] * 1e3:>10.1f} {e['speedup']:>8.0f} {e['speedup_with_edges']:>7.0f} "
                     f"{e['sympy_python_s'] * 1e3:>12.1f} {e['speedup_vs_python']:>8.0f} "
                     f"{e['speedup_with_edges_vs_python']:>7.0f}")
    c = r["cli"]
    lines += ["", f"certified 50 digits, softmax + layer norm of 64 x 64: {r['certified_s'] * 1e3:.1f} ms",
              f"derive --help {c['help_s'] * 1e3:.1f} ms, python -c pass {c['python_s'] * 1e3:.1f} ms, "
              f"ratio {c['ratio']:.2f}",
              "commands: " + ", ".join(f"{k} {'n/a' if v is None else f'{v:.2f} s'}"
                                       for k, v in r["commands"].items() if k.endswith("_s"))]
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    ap.add_argument("--quick", action="store_true", help="fewer repeats")
    ap.add_argument("--whitepaper", type=Path, default=WHITEPAPER, help="document for derive check")
    args = ap.parse_args(argv)
    repeats = 3 if args.quick else 7
    result = {"machine": machine(), "fast_path": fast_path(repeats), "exact": exact_products(repeats),
              **certified(repeats), "cli": cli_start(repeats), "commands": commands(args.whitepaper)}
    print(json.dumps(result, indent=2) if args.json else table(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
