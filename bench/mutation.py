"""Mutation benchmark of ``derive check``: plant one wrong digit, see whether it is caught.

    python bench/mutation.py DOC [DOC ...] [--run-code] [--jobs N] [--limit K] [--json]
    python bench/mutation.py --fixtures          # the documents in tests/fixtures/check

For every result the checker judges correct (``ok``, ``rounded`` or
``truncated``; not a definition), one printed number of it (chosen with a
fixed seed) has its last digit moved by 5 (``0.7071`` -> ``0.7076``, ``3`` ->
``8``), or with ``--units N`` the number moved by N units in its last place
(``--units -1``: ``0.5969`` -> ``0.5968``, the slip a truncation looks like), and
the mutated document is checked again. The planted error is
*caught* when a claim covering its line is now ``wrong``; any other claim that
turns ``wrong`` is a *new false alarm*. One mutation per run, so each figure
is about one wrong digit in an otherwise unchanged document.

Without ``--run-code`` the results printed in output blocks of code are not
judged (nothing runs), so they are not planted either: the two figures the
README quotes are "with --run-code" and "without, outside code outputs".
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import random
import re
import sys
import time
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from derive.check.claim import CORRECT  # noqa: E402
from derive.check.pipeline import check_text  # noqa: E402

WHITEPAPER = ROOT.parent / "shared" / "whitepaper" / "the-math-behind-gpt.md"
FIXTURES = ROOT / "tests" / "fixtures" / "check"
SEED = 20261205


@dataclass(frozen=True)
class Site:
    """One planted digit: where, what it was, what it became."""

    line: int
    end_line: int
    start: int          # document offset of the changed number
    before: str
    after: str
    claim: str          # the claim it belongs to, for the report


def results(claims) -> list:
    """Claims judged correct that print numbers (a value given claims nothing)."""
    return [c for c in claims if c.verdict in CORRECT and c.kind != "definition" and c.grid is not None]


def site_of(c, text: str, line_starts: list[int], rng: random.Random, units: int | None = None) -> Site | None:
    """One printed number of claim ``c`` (chosen by ``rng``), at the offsets the claim records."""
    if not c.spans:
        return None
    start, end = c.spans[rng.randrange(len(c.spans))]
    number = text[start:end]
    digit = _last_digit(number)
    if digit is None:
        return None
    line = _line_of(line_starts, start + digit)
    after = number[:digit] + str((int(number[digit]) + 5) % 10) + number[digit + 1:] if units is None \
        else _moved(number, digit, units)
    if after is None:
        return None
    return Site(line, line, start, number, after, f"{c.label or c.kind} (line {c.line})")


def _moved(number: str, digit: int, units: int) -> str | None:
    """``number`` moved by ``units`` in its last place, written the same way (``0.5969`` -1 -> ``0.5968``,
    ``0.60`` -1 -> ``0.59``); None when the digits are not a plain decimal or the sign would change."""
    mantissa = number[:digit + 1]
    plain = mantissa.replace("\u2212", "-")
    if not re.fullmatch(r"[-+]?\d+(\.\d+)?", plain):
        return None
    places = len(plain.split(".")[1]) if "." in plain else 0
    value = Decimal(plain)
    moved = value + (1 if value >= 0 else -1) * Decimal(units).scaleb(-places)
    if moved == 0 or (moved < 0) != (value < 0):
        return None
    text = f"{abs(moved):.{places}f}"
    sign = mantissa[0] if mantissa[0] in "-+\u2212" else ""
    return sign + text + number[digit + 1:]


def _last_digit(number: str) -> int | None:
    """The offset of the last digit of the mantissa (``1.5e-03`` -> the 5)."""
    mantissa = re.split(r"[eE]", number)[0]
    for k in range(len(mantissa) - 1, -1, -1):
        if mantissa[k].isdigit():
            return k
    return None


def _line_of(line_starts: list[int], offset: int) -> int:
    import bisect
    return bisect.bisect_right(line_starts, offset)


def plant(text: str, site: Site) -> str:
    return text[:site.start] + site.after + text[site.start + len(site.before):]


def wrong_keys(findings) -> set[tuple]:
    return {(f.line, f.end_line, f.kind, f.label) for f in findings if f.verdict == "wrong"}


# One worker process per core; each keeps what it needs in these globals (fork).
_STATE: dict = {}


def _trial(site: Site) -> dict:
    text, path, run_code, before = _STATE["text"], _STATE["path"], _STATE["run_code"], _STATE["before"]
    findings = check_text(plant(text, site), path, run_code=run_code).findings
    at = [f for f in findings if f.line <= site.line <= f.end_line and f.verdict == "wrong"]
    others = [f for f in findings if f.verdict == "wrong" and not (f.line <= site.line <= f.end_line)
              and (f.line, f.end_line, f.kind, f.label) not in before]
    return {"line": site.line, "claim": site.claim, "before": site.before, "after": site.after,
            "caught": bool(at), "false_alarms": [f"{f.line}: {f.label or f.kind}" for f in others]}


def mutate_document(path: Path, run_code: bool, jobs: int, limit: int | None, units: int | None = None) -> dict:
    text = path.read_text(encoding="utf-8")
    t0 = time.perf_counter()
    base = check_text(text, str(path), run_code=run_code).findings
    one_check = time.perf_counter() - t0
    line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
    rng = random.Random(SEED)
    sites, skipped = [], 0
    for f in results(base):
        site = site_of(f, text, line_starts, rng, units)
        if site is None:
            skipped += 1
        else:
            sites.append(site)
    sites = sites[:limit] if limit else sites
    _STATE.update(text=text, path=str(path), run_code=run_code, before=wrong_keys(base))
    if jobs > 1:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            trials = pool.map(_trial, sites, chunksize=1)
    else:
        trials = [_trial(s) for s in sites]
    caught = sum(t["caught"] for t in trials)
    alarms = sum(len(t["false_alarms"]) for t in trials)
    return {"document": str(path), "run_code": run_code, "claims": len(base),
            "results_judged_correct": len(results(base)), "planted": len(trials), "unplaced": skipped,
            "caught": caught, "rate": round(caught / len(trials), 4) if trials else None,
            "new_false_alarms": alarms, "seconds_per_check": round(one_check, 2),
            "missed": [t for t in trials if not t["caught"]],
            "alarms": [t for t in trials if t["false_alarms"]]}


def _table(rows: list[dict]) -> str:
    out = ["| document | --run-code | planted | caught | rate | new false alarms |",
           "|---|---|---|---|---|---|"]
    for r in rows:
        rate = f"{100 * r['rate']:.1f}%" if r["rate"] is not None else "-"
        out.append(f"| {Path(r['document']).name} | {'yes' if r['run_code'] else 'no'} | {r['planted']} | "
                   f"{r['caught']} | {rate} | {r['new_false_alarms']} |")
    if len(rows) > 1:
        planted, caught = sum(r["planted"] for r in rows), sum(r["caught"] for r in rows)
        out.append(f"| total | | {planted} | {caught} | {100 * caught / max(1, planted):.1f}% | "
                   f"{sum(r['new_false_alarms'] for r in rows)} |")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("documents", nargs="*", type=Path, help="Markdown documents (default: the whitepaper)")
    ap.add_argument("--fixtures", action="store_true", help="the documents in tests/fixtures/check")
    ap.add_argument("--run-code", action="store_true", help="check with --run-code")
    ap.add_argument("--jobs", type=int, default=multiprocessing.cpu_count(), help="worker processes")
    ap.add_argument("--limit", type=int, help="plant at most this many errors per document")
    ap.add_argument("--units", type=int, help="move the number by this many units in its last place (e.g. -1) "
                                              "instead of moving its last digit by 5")
    ap.add_argument("--json", action="store_true", help="one JSON object, missed sites included")
    ap.add_argument("--verbose", action="store_true", help="list every missed site and false alarm")
    args = ap.parse_args(argv)
    docs = list(args.documents)
    if args.fixtures:
        docs += sorted(FIXTURES.glob("*.md"))
    if not docs:
        docs = [WHITEPAPER]
    rows = [mutate_document(p, args.run_code, args.jobs, args.limit, args.units) for p in docs]
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    print(_table(rows))
    if args.verbose:
        for r in rows:
            for t in r["missed"]:
                print(f"missed  {Path(r['document']).name}:{t['line']}: {t['before']} -> {t['after']} in {t['claim']}")
            for t in r["alarms"]:
                print(f"alarm   {Path(r['document']).name}:{t['line']}: {t['before']} -> {t['after']} "
                      f"made wrong: {', '.join(t['false_alarms'])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
