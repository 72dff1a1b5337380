"""Fuzz derive for N minutes: the properties of ``tests/test_fuzz.py``, at length.

    python bench/fuzz.py --minutes 30 [--seed 1] [--targets md,ipynb,tex,spec]

Runs the targets in turn, in rounds of ``--batch`` examples, each round with
its own seed (``--seed`` plus the round), until the time is up. Prints the
number of examples, each distinct failure with its minimized reproducer, the
examples over the time bound, and the slowest example; exits 1 on a failure.
One example running past ``--hang`` seconds dumps every thread's stack and
ends the run (exit 1); the example it hung on is in ``--current``.
"""

from __future__ import annotations

import argparse
import faulthandler
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))            # this checkout's derive, not an installed one
sys.path.insert(0, str(ROOT / "tests"))

from hypothesis import HealthCheck, given, seed, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

import fuzz_properties as props  # noqa: E402
import fuzz_strategies as strat  # noqa: E402

FORMATS = st.sampled_from(["json", "json", "text", "markdown", "github"])


def _checked(documents, suffix: str):
    """A target of ``derive check``: documents of one kind, each with a report format."""
    return st.tuples(documents, FORMATS), lambda case, d: props.check_property(case[0], d, suffix, case[1])


def _run(specs):
    """A target of ``derive run``: specs, each with an output format (markdown or json)."""
    return st.tuples(specs, st.sampled_from(["json", "markdown"])), lambda case, d: props.run_property(case[0], d, case[1])


TARGETS = {
    "md": _checked(strat.markdown_document(), ".md"),
    "ipynb": _checked(strat.notebook_json(), ".ipynb"),
    "tex": _checked(strat.tex_document(), ".tex"),
    "worked": _checked(strat.worked_document(), ".md"),
    "features": _checked(strat.feature_document(), ".md"),
    "damaged": _checked(strat.damaged_document(), ".md"),
    "spec": _run(strat.spec_toml()),
    "running": _run(strat.running_spec()),
    "extending": _run(strat.extending_spec()),
}


@dataclass
class Tally:
    """What the run has seen so far."""

    seed: int = 0
    targets: tuple[str, ...] = ()
    examples: int = 0
    slow: int = 0
    slowest: tuple[float, str, str] = (0.0, "", "")
    failures: dict[str, tuple[str, str]] = field(default_factory=dict)   # reason -> (target, text)


def one_round(target: str, round_seed: int, batch: int, tally: Tally, current: Path, hang: float) -> None:
    """``batch`` examples of ``target``; a failure is shrunk and recorded under its reason."""
    strategy, prop = TARGETS[target]
    last: list[tuple[str, str]] = []

    @seed(round_seed)
    @settings(max_examples=batch, deadline=None, database=None, report_multiple_bugs=False,
              suppress_health_check=list(HealthCheck), print_blob=False)
    @given(strategy)
    def run(case: tuple[str, str]) -> None:
        text, fmt = case
        current.write_text(f"{target} --format {fmt}\n{text}", encoding="utf-8", errors="surrogatepass")
        tally.examples += 1
        faulthandler.dump_traceback_later(hang, exit=True)
        with tempfile.TemporaryDirectory() as tmp:
            try:
                outcome = prop(case, Path(tmp))
            except AssertionError as exc:
                last.append((str(exc).splitlines()[0][:200], f"--format {fmt}: {text!r}"))
                raise
            finally:
                faulthandler.cancel_dump_traceback_later()
        if outcome.cpu > tally.slowest[0]:
            tally.slowest = (outcome.cpu, target, f"--format {fmt}: {text!r}")

    try:
        run()
    except AssertionError:
        reason, text = last[-1]        # Hypothesis replays the minimal example last
        if "took" in reason or "did not finish" in reason:
            tally.slow += 1
        if _family(reason) not in tally.failures:
            tally.failures[_family(reason)] = (target, text)
            print(f"FAIL ({target}): {reason}\nminimized reproducer: {text}\n", flush=True)


def _family(reason: str) -> str:
    """A failure's reason without its numbers, so one bug met twice counts once."""
    return "".join("#" if ch.isdigit() else ch for ch in reason)[:160]


def report(tally: Tally, minutes: float) -> None:
    print(f"fuzz: {tally.examples} examples in {minutes:.1f} min; {len(tally.failures)} distinct failure(s); "
          f"{tally.slow} timeout(s) (an example over {props.SECONDS:g} s of CPU)")
    seconds, target, text = tally.slowest
    print(f"slowest passing example: {seconds:.2f} s of CPU ({target}):\n{text}")
    for reason, (target, text) in tally.failures.items():
        print(f"\nFAIL ({target}): {reason}\nminimized reproducer: {text}")
    print(f"seed {tally.seed}, targets {', '.join(tally.targets)}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--minutes", type=float, default=5.0)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--batch", type=int, default=50, help="examples per round")
    ap.add_argument("--targets", default=",".join(TARGETS), help=f"from {', '.join(TARGETS)}")
    ap.add_argument("--hang", type=float, default=300.0, help="seconds one example may take before the dump")
    ap.add_argument("--current", type=Path, default=Path(tempfile.gettempdir()) / "derive-fuzz-current.txt")
    args = ap.parse_args(argv)
    targets = args.targets.split(",")
    tally, start, k = Tally(seed=args.seed, targets=tuple(targets)), time.monotonic(), 0
    while time.monotonic() - start < args.minutes * 60:
        target = targets[k % len(targets)]
        one_round(target, args.seed * 100_003 + k, args.batch, tally, args.current, args.hang)
        k += 1
        print(f"  round {k} ({target}): {tally.examples} examples, {len(tally.failures)} failure(s)",
              file=sys.stderr, flush=True)
    report(tally, (time.monotonic() - start) / 60)
    return 1 if tally.failures else 0


if __name__ == "__main__":
    sys.exit(main())
