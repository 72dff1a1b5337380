"""How ``derive check`` scales with the length of a document.

    python bench/scale.py [--claims 1000] [--json]

Generates worked-example documents (seeded, deterministic) of n and 10 n claims:
arithmetic chains in LaTeX and in plain text, softmax rows, exponentials, layer
norms, sums with names; one value in twenty is off by a digit. Each document is
checked three times in this process; the medians are reported, with

* ``per claim``: seconds per claim at each size;
* ``linearity``: t(10 n) / (10 t(n)), 1.0 for a cost linear in the document;
* ``goal``: whether 1,000 claims are checked in under 5 s;
* ``linearity_one_name``: the same ratio for a document that gives one name
  again and again (an answer stated first, then worked out; a softmax row in
  plain text; a pasted notebook cell), where every lookup of that name meets
  all its earlier values.

Values are computed with mpmath (50 digits) when the document is written, never
by derive.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from pathlib import Path

import mpmath as mp

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from derive.check.pipeline import check_text  # noqa: E402

mp.mp.dps = 50
SEED = 20261205


def _fmt(x, digits: int = 4) -> str:
    return mp.nstr(mp.mpf(x), digits, strip_zeros=False)


def _slip(text: str, rng: random.Random) -> str:
    """One value in twenty has its last digit moved."""
    if rng.random() < 0.05 and text[-1].isdigit():
        return text[:-1] + str((int(text[-1]) + 5) % 10)
    return text


def section(k: int, rng: random.Random) -> tuple[str, int]:
    """One section of about ten claims, and how many claims it holds."""
    a, b, c = (round(rng.uniform(-3, 3), 2) for _ in range(3))
    xs = [round(rng.uniform(-2, 2), 1) for _ in range(4)]
    e = [mp.e ** x for x in xs]
    p = [v / sum(e) for v in e]
    mean = sum(xs) / 4
    var = sum((x - mean) ** 2 for x in xs) / 4
    ln = [(x - mean) / mp.sqrt(var + mp.mpf("1e-5")) for x in xs]
    lines = [
        f"## Example {k}",
        "",
        f"Take $a_{{{k}}} = {a}$, $b_{{{k}}} = {b}$ and $c_{{{k}}} = {c}$.",
        "",
        f"$$ s_{{{k}}} = a_{{{k}}} b_{{{k}}} + c_{{{k}}} = {_slip(_fmt(mp.mpf(a) * b + c, 6), rng)} $$",
        "",
        f"In plain words, {a} * {b} + {c} = {_slip(_fmt(mp.mpf(a) * b + c, 6), rng)} and "
        f"e^{xs[0]} ≈ {_slip(_fmt(e[0]), rng)}.",
        "",
        f"$$ z_{{{k}}} = ({', '.join(map(str, xs))}) $$",
        "",
        f"$$ \\mathrm{{softmax}}(z_{{{k}}}) = ({', '.join(_slip(_fmt(v), rng) for v in p)}) $$",
        "",
        f"$$ \\mu_{{{k}}} = \\frac{{1}}{{4}} \\sum_i z_{{{k},i}} = {_slip(_fmt(mean, 4), rng)} $$",
        "",
        f"$$ \\mathrm{{LN}}(z_{{{k}}}) = ({', '.join(_slip(_fmt(v), rng) for v in ln)}) $$",
        "",
        f"- `{xs[1]} + {xs[2]} = {_slip(_fmt(mp.mpf(xs[1]) + xs[2], 3), rng)}`",
        f"- √{abs(a) + 1} ≈ {_slip(_fmt(mp.sqrt(abs(a) + 1)), rng)}",
        "",
    ]
    return "\n".join(lines), 8


def one_name(claims: int) -> tuple[str, int]:
    """Sections that all give the same name ``a`` anew (four claims each)."""
    parts, n, k = ["# One name, many values", ""], 0, 0
    while n < claims:
        k += 1
        x = mp.mpf(k) / 1000
        parts += [f"Final answer: $a = {_fmt(1.5 + x, 5)}$", "",
                  f"$$ a = 1 + {_fmt(0.5 + x, 5)} = {_fmt(1.5 + x, 5)} $$", "",
                  f"Scores: [{k % 7}, 1, 0]", f"Softmax: [{', '.join(_fmt(v, 3) for v in _softmax([k % 7, 1, 0]))}]",
                  "", f"In [{k}]:", f"b = {k}", ""]
        n += 4
    return "\n".join(parts), n


def _softmax(xs):
    e = [mp.e ** x for x in xs]
    return [v / sum(e) for v in e]


def document(claims: int) -> tuple[str, int]:
    rng = random.Random(SEED)
    parts, n, k = ["# Generated worked examples", ""], 0, 0
    while n < claims:
        k += 1
        text, m = section(k, rng)
        parts.append(text)
        n += m
    return "\n".join(parts), n


def timed(text: str, repeats: int = 3) -> tuple[float, int]:
    times, found = [], 0
    for _ in range(repeats):
        t0 = time.perf_counter()
        report = check_text(text, "generated.md")
        times.append(time.perf_counter() - t0)
        found = sum(1 for c in report.claims if c.verdict != "given")
    return statistics.median(times), found


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--claims", type=int, default=1000, help="claims of the larger document (default 1000)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    small_text, _ = document(args.claims // 10)
    large_text, _ = document(args.claims)
    t_small, n_small = timed(small_text)
    t_large, n_large = timed(large_text)
    t_one_small, n_one_small = timed(one_name(args.claims // 10)[0], 1)
    t_one_large, n_one_large = timed(one_name(args.claims)[0], 1)
    out = {"claims_small": n_small, "seconds_small": round(t_small, 3),
           "claims_large": n_large, "seconds_large": round(t_large, 3),
           "per_claim_small_ms": round(1000 * t_small / max(1, n_small), 3),
           "per_claim_large_ms": round(1000 * t_large / max(1, n_large), 3),
           "linearity": round(t_large / (t_small * n_large / max(1, n_small)), 3),
           "goal_1000_claims_under_5s": bool(t_large * 1000 / max(1, n_large) < 5.0),
           "seconds_one_name_large": round(t_one_large, 3),
           "linearity_one_name": round(t_one_large / (t_one_small * n_one_large / max(1, n_one_small)), 3)}
    if args.json:
        print(json.dumps(out, indent=2))
    else:
        for k, v in out.items():
            print(f"{k:28} {v}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
