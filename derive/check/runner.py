"""``--run-code``: run a Python block in its own process and compare its output.

Each block runs in a fresh temporary folder, in a separate Python process,
with a time limit, no standard input, a non-interactive plotting backend and
a small environment. What it prints is compared with the document's output
block value by value: each printed value is matched by its label, in order
(a log cut with "...SNIP..." still matches), and judged rounding-aware.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass

from derive.check.codeblocks import Printout, printouts
from derive.check.judge import Judgement, judge_both_printed

TIMEOUT = 30.0
MISSING = re.compile(r"No module named '([^']+)'")


@dataclass(frozen=True)
class Run:
    stdout: str
    problem: str = ""           # why the output cannot be compared (timeout, missing module, error)


def run_python(code: str, timeout: float = TIMEOUT) -> Run:
    """Run ``code`` with the current interpreter in a temporary folder."""
    with tempfile.TemporaryDirectory(prefix="derive-check-") as folder:
        path = os.path.join(folder, "block.py")
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(code)
        env = {"PATH": os.environ.get("PATH", ""), "HOME": folder, "MPLBACKEND": "Agg",
               "PYTHONHASHSEED": "0", "PYTHONDONTWRITEBYTECODE": "1", "PYTHONIOENCODING": "utf-8"}
        try:
            done = subprocess.run([sys.executable, path], cwd=folder, env=env, stdin=subprocess.DEVNULL,
                                  capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            return Run("", f"did not finish within {timeout:g} s")
        except OSError as exc:
            return Run("", f"could not be run ({exc})")
    if done.returncode != 0:
        missing = MISSING.search(done.stderr)
        if missing:
            return Run(done.stdout, f"needs the module {missing.group(1)!r}, which is not installed")
        last = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else f"exit code {done.returncode}"
        return Run(done.stdout, f"fails: {last[:200]}")
    return Run(done.stdout)


def match_outputs(document: list[Printout], actual: list[Printout]) -> list[tuple[Printout, Judgement | None, str]]:
    """Each printed value of the document against the run's value with the same label,
    taken in order; (printout, judgement, reason when there is none)."""
    out, k = [], 0
    for p in document:
        if p.grid is None:
            out.append((p, None, f"an entry is {p.special}" if p.special else "not a number"))
            continue
        j = _find(actual, k, p)
        if j is None:
            out.append((p, _missing(), "the code prints no value like this"))
            continue
        k = j + 1
        out.append((p, judge_both_printed(p.grid, actual[j].grid), ""))
    return out


def _find(actual: list[Printout], start: int, p: Printout) -> int | None:
    shape = (len(p.grid), len(p.grid[0]))
    for j in range(start, len(actual)):
        a = actual[j]
        if a.grid is not None and _norm(a.label) == _norm(p.label) and (len(a.grid), len(a.grid[0])) == shape:
            return j
    return None


def _norm(label: str) -> str:
    return " ".join(label.split()).lower()


def _missing() -> Judgement:
    return Judgement("wrong", reason="the code does not print it")


def compare_run(expected_text: str, run: Run):
    return match_outputs(printouts(expected_text), printouts(run.stdout))
