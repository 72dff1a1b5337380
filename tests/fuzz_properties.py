"""The properties derive must keep on any input, as plain functions that raise
``AssertionError`` with the reason: shared by ``tests/test_fuzz.py`` and
``bench/fuzz.py``.

``derive check FILE``: exit code 0, 1 or 2; nothing on stderr that says
"internal error" or shows a traceback; no finding with the note
``internal-error`` (a bug of derive met on one claim); done within
``SECONDS``; no bug of derive dropped silently by a best-effort step (a
diagnosis, a derivative from first principles). ``derive run SPEC``: exit code 0, 1 (a value the spec says a document printed
does not hold) or 2; the same for stderr and time.
"""

from __future__ import annotations

import contextlib
import io
import json
import time
from unittest import mock
from dataclasses import dataclass
from pathlib import Path

import derive.check.diagnose as diagnose_pass
import derive.check.judge as judge_pass
import derive.check.judge.examples as examples
from derive.budget import OutOfTime, time_limit
from derive.cli import main
from derive.errors import DeriveError

# The most CPU time an example may take. A claim has 20 s of budget (policy
# ``claim_seconds``), but a document of a few lines that needs seconds is a
# formula some limit should have refused sooner. CPU time, since the machine
# may be shared; on the clock, three times as much.
SECONDS = 10.0


@dataclass(frozen=True)
class Outcome:
    """What one command did: its exit code, its two streams, and its wall time."""

    code: int
    stdout: str
    stderr: str
    seconds: float      # on the clock
    cpu: float          # CPU time of this process


# Best-effort steps whose failures the checker drops on purpose (a diagnosis, a
# chained verdict, a derivative from first principles): a DeriveError there is
# the input's fault, any other exception is a bug of derive that no report shows.
BEST_EFFORT = [(judge_pass, "first_principles"), (examples, "judge_step"),
               (diagnose_pass, "variant_reproducing"), (diagnose_pass, "other_index"),
               (diagnose_pass, "cause_of"), (diagnose_pass, "upstream")]


@contextlib.contextmanager
def watching_best_effort(seen: list[str]):
    """Record in ``seen`` every bug of derive raised inside a best-effort step."""
    def watched(module, name):
        function = getattr(module, name)

        def call(*args, **kwargs):
            try:
                return function(*args, **kwargs)
            except (DeriveError, OutOfTime):
                raise
            except Exception as exc:
                seen.append(f"{name}: {type(exc).__name__}: {exc}"[:300])
                raise
        return call

    with contextlib.ExitStack() as stack:
        for module, name in BEST_EFFORT:
            stack.enter_context(mock.patch.object(module, name, watched(module, name)))
        yield


def invoke(argv: list[str], swallowed: list[str] | None = None) -> Outcome:
    """``derive ARGV`` in this process, its streams captured (and the bugs of
    best-effort steps recorded in ``swallowed``)."""
    out, err = io.StringIO(), io.StringIO()
    start, cpu = time.monotonic(), time.process_time()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), \
                watching_best_effort([] if swallowed is None else swallowed), time_limit(3 * SECONDS):
            code = main(argv)
    except OutOfTime:   # a hang fails the property instead of stopping the run
        raise AssertionError(f"derive {argv[0]} did not finish within {3 * SECONDS:g} s") from None
    return Outcome(code, out.getvalue(), err.getvalue(), time.monotonic() - start, time.process_time() - cpu)


def _no_bug_on_stderr(outcome: Outcome) -> None:
    """At most one line on stderr, never a traceback or an internal error."""
    err = outcome.stderr
    assert "Traceback" not in err, f"a traceback on stderr:\n{err}"
    assert "internal error" not in err, f"derive reported a bug of its own: {err.strip()}"
    assert outcome.code != 70, f"exit code 70: {err.strip()}"


def _in_time(outcome: Outcome, what: str) -> None:
    assert outcome.cpu <= SECONDS, f"{what} took {outcome.cpu:.1f} s of CPU (more than {SECONDS:g} s)"
    assert outcome.seconds <= 3 * SECONDS, f"{what} took {outcome.seconds:.1f} s (more than {3 * SECONDS:g} s)"


def _internal_findings(stdout: str, fmt: str) -> list[str]:
    """The findings with the note ``internal-error`` in a report: read from the
    JSON, or found by the words every such finding's message ends with."""
    if fmt != "json":
        return [line for line in stdout.splitlines() if "a bug of derive" in line]
    if not stdout.strip():
        return []
    docs = json.loads(stdout)
    docs = docs if isinstance(docs, list) else [docs]     # one file: one object
    return [f"line {f['line']}: {f['message']}" for doc in docs
            for f in doc["findings"] if f.get("note") == "internal-error"]


def check_property(text: str, folder: Path, suffix: str = ".md", fmt: str = "json") -> Outcome:
    """``derive check --format FMT --all`` on ``text`` saved as ``doc{suffix}`` keeps every promise."""
    path = folder / f"doc{suffix}"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    swallowed: list[str] = []
    outcome = invoke(["check", str(path), "--format", fmt, "--all"], swallowed)
    _no_bug_on_stderr(outcome)
    assert not swallowed, "a bug of derive in a best-effort step, dropped silently: " + swallowed[0]
    assert outcome.code in (0, 1, 2), f"exit code {outcome.code}: {outcome.stderr.strip()}"
    bugs = _internal_findings(outcome.stdout, fmt) if outcome.code in (0, 1) else []
    assert not bugs, "findings with the note internal-error:\n" + "\n".join(bugs)
    _in_time(outcome, "derive check")
    return outcome


def run_property(text: str, folder: Path, fmt: str = "json") -> Outcome:
    """``derive run --format FMT`` on ``text`` saved as ``spec.toml`` keeps every promise."""
    path = folder / "spec.toml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    outcome = invoke(["run", str(path), "--format", fmt])
    _no_bug_on_stderr(outcome)
    assert outcome.code in (0, 1, 2), f"exit code {outcome.code}: {outcome.stderr.strip()}"
    if outcome.code == 1:
        assert outcome.stderr == "" and r"\boxed" in outcome.stdout or '"wrong"' in outcome.stdout, \
            "exit 1 only when a printed value is shown wrong"
    if outcome.code == 2:
        assert outcome.stderr.startswith("derive: error: ") and outcome.stderr.count("\n") == 1, \
            f"bad input must be one line on stderr, got {outcome.stderr!r}"
    _in_time(outcome, "derive run")
    return outcome
