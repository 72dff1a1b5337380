"""Hostile documents: does ``derive check`` stay bounded in time and memory?

    python bench/hostile.py [--json]

Each case is a document written to a temporary folder and checked by
``derive check`` in a child process (its wall time and peak resident memory
from ``os.wait4``). The cases are the ones an attacker found to run away:

* ``chain``: 40 definitions, each using the one before twice (a_k = a_{k-1} + a_{k-1});
* ``functions``: the same with functions, f_k(x) = f_{k-1}(x) + f_{k-1}(x), 30 deep;
* ``reassigned``: ``x = x + 1 = n`` 400 times;
* ``table``: a 1,000-row table of z and sigma(z);
* ``one_name``: 2,000 paragraphs that give x the same value and use it (4,000 claims);
* ``output``: an output block of 100,000 numbers;
* ``over_budget``: 3,000 paragraphs (6,000 claims: past ``max_claims``);
* ``too_large``: a 9 MB document (refused, one line);
* ``huge_exponents``: ``e^{10^{10}}``, ``\\exp(e^{19})``, ``(-2)^{\\sqrt{2}}``;
* ``outer``: the outer product of a 3,000-vector with itself;
* ``nested``: a bmatrix inside a pmatrix.

The goal (issue 12): each case under 5 s and under 500 MB. ``baseline`` is a
20-claim worked example checked in the same run; each case's time is also
reported as a ratio to it, so the figures compare across machines.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GOAL_SECONDS, GOAL_MB = 5.0, 500


def _paragraphs(n: int) -> str:
    return "Some prose $x = 2$ and $$ y = x + 3 = 5 $$\n\n" * n


def cases() -> dict[str, str]:
    """The hostile documents, by name (deterministic)."""
    rng = random.Random(20261205)
    chain = "$$ a_{0} = 1 $$\n\n" + "".join(f"$$ a_{{{k}}} = a_{{{k - 1}}} + a_{{{k - 1}}} $$\n\n"
                                           for k in range(1, 41)) + f"$$ a_{{40}} = {2 ** 40} $$\n"
    functions = "$$ f_{0}(x) = x $$\n\n" + "".join(f"$$ f_{{{k}}}(x) = f_{{{k - 1}}}(x) + f_{{{k - 1}}}(x) $$\n\n"
                                                   for k in range(1, 31)) + f"$$ f_{{30}}(3) = {3 * 2 ** 30} $$\n"
    sigma = "".join(f"| {i / 100:.2f} | {1 / (1 + 2.718281828459045 ** (-i / 100)):.4f} |\n" for i in range(1000))
    vector = ", ".join(str(i % 7) for i in range(3000))
    return {
        "baseline": "".join(f"$$ {k} \\times 3 + 1 = {3 * k + 1} $$\n\n" for k in range(20)),
        "chain": chain,
        "functions": functions,
        "reassigned": "$$ x = 1 $$\n\n" + "".join(f"$$ x = x + 1 = {k + 2} $$\n\n" for k in range(400)),
        "table": "| z | $\\sigma(z)$ |\n|---|---|\n" + sigma,
        "one_name": _paragraphs(2000),
        "output": "```python\nprint(1)\n```\n\n```\n" + "\n".join(f"{rng.random():.6f}" for _ in range(100_000)) + "\n```\n",
        "over_budget": _paragraphs(3000),
        "too_large": _paragraphs(210_000),
        "huge_exponents": "$$ e^{10^{10}} = 3 $$\n\n$$ \\exp(e^{19}) = 0 $$\n\n$$ (-2)^{\\sqrt{2}} = 1 $$\n",
        "outer": f"$u = [{vector}]$\n\n$$ W = u u^T $$\n\n$$ W_{{1,1}} = 0 $$\n",
        "nested": "$$ A = \\begin{pmatrix} \\begin{bmatrix} 1 & 2 \\end{bmatrix} & 3 \\end{pmatrix} = 1 $$\n",
    }


def measure(path: Path) -> dict:
    """Wall seconds, peak memory (MB) and exit code of ``derive check path`` in a child."""
    start = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-m", "derive", "check", str(path)],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                             cwd=Path(__file__).resolve().parents[1])
    err = child.stderr.read()
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    lines = err.decode("utf-8", "replace").strip().splitlines()
    return {"seconds": round(seconds, 2), "mb": round(usage.ru_maxrss / 1024), "exit": child.returncode,
            "traceback": any("Traceback" in line for line in lines)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    args = ap.parse_args()
    results = {}
    with tempfile.TemporaryDirectory(prefix="derive-hostile-") as folder:
        for name, text in cases().items():
            path = Path(folder, f"{name}.md")
            path.write_text(text)
            results[name] = measure(path)
    base = results["baseline"]["seconds"]
    for r in results.values():
        r["ratio"] = round(r["seconds"] / base, 1)
        r["goal"] = r["seconds"] < GOAL_SECONDS and r["mb"] < GOAL_MB and r["exit"] in (0, 1, 2) and not r["traceback"]
    if args.json:
        print(json.dumps(results, indent=1))
    else:
        print(f"{'case':16} {'seconds':>8} {'x baseline':>10} {'MB':>6} {'exit':>5}  goal (< {GOAL_SECONDS:g} s, < {GOAL_MB} MB)")
        for name, r in results.items():
            print(f"{name:16} {r['seconds']:8.2f} {r['ratio']:10.1f} {r['mb']:6d} {r['exit']:5d}  {'met' if r['goal'] else 'MISSED'}")
    return 0 if all(r["goal"] for r in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
