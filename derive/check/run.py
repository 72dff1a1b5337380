"""``--run-code``: run a Python block in its own process and compare its output.

Each block runs in a fresh temporary folder, in a separate Python process
confined by ``derive.check.sandbox`` (time, memory, file, process and output
limits; no network; read-only file systems but its folder), with no standard
input, a non-interactive plotting backend and a small environment. A block a
limit stops is one finding that says which limit. Its standard output is cut into printed items exactly as
the document's output block is (``codeblocks.printouts``) and the two
sequences are paired in order:

* an item pairs with the next item the code prints when both have the same
  label and the same shape;
* the code's items may be skipped (a log shown in part) only just before a
  labelled item, whose label says where the block resumes, or after an
  elision mark (``...``, ``...SNIP...``): unlabelled, the last part of the
  block ("head ... tail") is paired with the end of the output, a middle part
  with the first items that print the same numbers; without a label or a
  mark an item must be the very next one, so bare scalars are never paired
  out of order;
* the first item that cannot be paired ends the pairing: the rest of the
  block is one finding that says what the block shows and what the code
  prints there, instead of pairing the wrong numbers.

Each paired number is judged against the code's number at the decimals the
document printed (``derive.numbers.compare``): exact, rounded (also Python's
``0.30000000000000004`` printed as ``0.3``), truncated or wrong. When the code
prints fewer decimals than the document, the document's number is accepted
as rounded if the code's number is its rounding. ``nan`` and ``inf`` must be
printed as such.
"""

from __future__ import annotations

import ast
import functools
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field

from derive.check import sandbox
from derive.check.bind import codevars
from derive.check.read.outputs import Printout, describe, entries, label_text
from derive.check.read.python import without_magics
from derive.check.claim import RANK, Verdict
from derive.check.policy import POLICY
from derive.errors import DeriveError
from derive.numbers import Printed, compare, significant_digits

TIMEOUT = POLICY.run_seconds
CELL_MARK = "--- derive: the block starts here ---"
MISSING = re.compile(r"No module named '([^']+)'")
RAISED = re.compile(r'File "[^"]*block\.py", line (\d+)')
ONE_THREAD = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")   # threads count as processes


@dataclass(frozen=True)
class Run:
    stdout: str
    problem: str = ""           # why the output cannot be compared (timeout, missing module, error)
    values: dict = field(default_factory=dict)   # name -> Val the code left (``codevars``)
    failed_line: int = 0        # the line of the code that raised, when known
    stopped: bool = False       # the sandbox ended it (a limit, a forged values message): a finding of its own


@functools.lru_cache(maxsize=128)
def run_python(code: str, timeout: float = TIMEOUT) -> Run:
    """Run ``code`` with the current interpreter in the sandbox, in a fresh folder
    (once per text: the values it leaves and what it prints come from the same run)."""
    with tempfile.TemporaryDirectory(prefix="derive-check-") as folder:
        path = os.path.join(folder, "block.py")
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(code + codevars.FOOTER)
        env = {"PATH": os.environ.get("PATH", ""), "HOME": folder, "TMPDIR": folder, "MPLBACKEND": "Agg",
               "PYTHONHASHSEED": "0", "PYTHONDONTWRITEBYTECODE": "1", "PYTHONIOENCODING": "utf-8",
               **{name: "1" for name in ONE_THREAD}}
        try:
            done = sandbox.run([sys.executable, path], folder, env, timeout)
        except (OSError, subprocess.SubprocessError) as exc:
            return Run("", f"could not be run in the sandbox ({exc})", stopped=True)
    return _finished(done)


def run_block(code: str, earlier: tuple[str, ...] = (), timeout: float = TIMEOUT, cell: bool = False) -> Run:
    """A block as the document's reader would run it: alone, or, when it uses a
    name an earlier block made (``NameError``: cells of a notebook), after all
    the Python blocks before it, with only its own output kept. A notebook
    ``cell`` also shows the value of its last expression (``shown_last``)."""
    code = shown_last(without_magics(code)) if cell else code
    run = run_python(code, timeout)
    if "NameError" not in run.problem or not earlier:
        return run
    whole = run_python("\n".join(earlier) + f"\nprint({CELL_MARK!r})\n" + code, timeout)
    if whole.problem or CELL_MARK not in whole.stdout:
        return run
    return Run(whole.stdout.split(CELL_MARK + "\n", 1)[-1], values=whole.values)


SEEDED = re.compile(r"\b(?:seed|manual_seed|set_seed|default_rng\(\s*\d|RandomState\(\s*\d|PRNGKey)\b")


UNSEEDED = "draws random numbers without a seed: what it prints changes from run to run"


def unseeded(code: str) -> bool:
    """Does the code draw random numbers (``POLICY.random_calls``) without ever setting a seed?"""
    return any(call in code for call in POLICY.random_calls) and not SEEDED.search(code)




def shown_last(code: str) -> str:
    """The cell with its last statement, when a bare expression (not a ``print``), printed
    as Jupyter shows it: ``repr`` of its value, nothing for None. Lines before it keep
    their numbers."""
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return code
    last = tree.body[-1] if tree.body else None
    if not isinstance(last, ast.Expr) or last.col_offset != 0 or \
            isinstance(last.value, ast.Call) and isinstance(last.value.func, ast.Name) and last.value.func.id == "print":
        return code
    expr = ast.get_source_segment(code, last.value)
    if expr is None:
        return code
    head = "\n".join(code.split("\n")[:last.lineno - 1])
    return f"{head}\n_derive_shown = ({expr})\nif _derive_shown is not None:\n    print(repr(_derive_shown))\n"


def ran_part(code: str, run: Run) -> str:
    """What a failed block leaves, as a notebook kernel keeps it: its statements
    before the line that raised ("" when that is not a whole statement list)."""
    if not run.problem or run.failed_line <= 1:
        return ""
    head = "\n".join(code.split("\n")[:run.failed_line - 1])
    try:
        ast.parse(head)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return ""
    return head


def _finished(done: sandbox.Outcome) -> Run:
    """What a run gives: its output and values, or the problem that makes it unusable."""
    stopped = sandbox.explain(done)
    if stopped:
        timeout = stopped.startswith("did not finish")     # said as before the sandbox: the code did not finish
        return Run("", stopped if timeout else f"was stopped: it {stopped}", stopped=True)
    if done.returncode != 0:
        return _failed(done)
    values = codevars.read_values(done.values)
    if values is None:
        return Run(done.stdout, "wrote into derive's channel for its values (not one well-formed message): "
                                "not checked", stopped=True)
    return Run(done.stdout, values=values)


def _failed(done: sandbox.Outcome) -> Run:
    """A run that raised: the error's last line, the line of the code that raised."""
    where = RAISED.findall(done.stderr)
    line = int(where[-1]) if where else 0
    missing = MISSING.search(done.stderr)
    if missing:
        return Run(done.stdout, f"needs the module {missing.group(1)!r}, which is not installed", failed_line=line)
    last = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else f"exit code {done.returncode}"
    return Run(done.stdout, f"fails: {last[:200]}", failed_line=line)


@dataclass(frozen=True)
class ItemJudgement:
    """An output item against what the code prints: the worst entry's verdict."""

    verdict: Verdict
    expected: list[list[str]]
    wrong: list[tuple[int, int, str, str]]


@dataclass
class Pairing:
    """Which item the code prints stands for each item of the output block."""

    pairs: list[tuple[int, int]]        # (index in the block, index in the run)
    stop: int | None = None             # the first item of the block that has no partner
    reason: str = ""                    # why it has none
    unshown: int = 0                    # items the code prints after the last paired one


def pair(document: list[Printout], actual: list[Printout]) -> Pairing:
    """Pair the block's items with the run's, in order (rules in the module docstring)."""
    pairs, k = [], 0
    for i, p in enumerate(document):
        if p.gap:
            j = _resume(document, actual, i, k)
        else:
            j = k if k < len(actual) and _same(p, actual[k]) else None
            if j is None and p.label:
                j = next((j for j in range(k, len(actual)) if _same(p, actual[j])), None)
        if j is None:
            return Pairing(pairs, i, _why_unpaired(document, actual, i, k))
        pairs.append((i, j))
        k = j + 1
    return Pairing(pairs, unshown=len(actual) - k)


def _resume(document: list[Printout], actual: list[Printout], i: int, k: int) -> int | None:
    """Where the block resumes after an elision mark: at the next item with its
    label; unlabelled, the last part of a block ("head ... tail") ends where the
    output ends, else at the first item that prints the same numbers."""
    p = document[i]
    candidates = [j for j in range(k, len(actual)) if _same(p, actual[j])]
    if not candidates or p.label:
        return candidates[0] if candidates else None
    tail = len(document) - i
    end = len(actual) - tail
    if not any(q.gap for q in document[i + 1:]) and end in candidates \
            and all(_same(document[i + t], actual[end + t]) for t in range(tail)):
        return end
    return next((j for j in candidates if judge_item(p, actual[j]).verdict != "wrong"), candidates[0])


def _same(p: Printout, a: Printout) -> bool:
    return label_text(p.label) == label_text(a.label) and [len(r) for r in p.cells] == [len(r) for r in a.cells]


def _why_unpaired(document: list[Printout], actual: list[Printout], i: int, k: int) -> str:
    counts = f"the block shows {_items(len(document))}, the code prints {_items(len(actual))}"
    if k >= len(actual):
        return f"the code prints nothing more here; {counts}"
    return f"the block shows {describe(document[i])} here, the code prints {describe(actual[k])}; {counts}"


def _items(n: int) -> str:
    return f"{n} printed item" + ("" if n == 1 else "s")


def judge_item(p: Printout, a: Printout) -> ItemJudgement:
    """Each number of the block's item against the code's, at the block's decimals."""
    mine, theirs = entries(p), entries(a)
    verdict, expected, wrong = Verdict.OK, [], []
    for i, (row, real_row) in enumerate(zip(mine, theirs)):
        expected.append([])
        for j, (d, r) in enumerate(zip(row, real_row)):
            v, text = _judge_entry(d, r)
            v = Verdict(v)
            expected[-1].append(text)
            if v == Verdict.WRONG:
                wrong.append((i, j, _text(d), _text(r)))
            verdict = v if RANK[v] > RANK[verdict] else verdict
    return ItemJudgement(verdict, expected, wrong)


def _judge_entry(d: Printed | str, r: Printed | str) -> tuple[str, str]:
    """(verdict, the code's number at the block's decimals) for one entry."""
    if isinstance(d, str) or isinstance(r, str):
        return ("ok" if d == r else "wrong"), _text(r)
    try:
        c = compare(d, r.value)
    except (DeriveError, TypeError, ValueError, ZeroDivisionError):
        return "wrong", r.text
    if c.verdict == "wrong" and r.decimals < d.decimals:
        try:                       # the code prints fewer digits: is its number a rounding of ours?
            if compare(r, d.value).verdict != "wrong":
                return "rounded", r.text
        except (DeriveError, TypeError, ValueError, ZeroDivisionError):
            pass
    if c.verdict == "wrong" and float_noise(d, r):
        return "rounded", r.text
    verdict = "ok" if c.verdict == "exact" else c.verdict
    return verdict, c.expected if verdict != "wrong" else r.text


def float_noise(d: Printed, r: Printed) -> bool:
    """Two full-precision prints of a float that differ by rounding noise only (another
    Python or NumPy summed in another order): at most ``POLICY.float_noise_ulps`` units
    of 2^-52 times the larger of 1 and the value (a value near 0 that came from values
    near 1, a mean after normalising, carries their noise)."""
    if significant_digits(d.text) < POLICY.float_noise_digits:
        return False
    x, y = float(d.value), float(r.value)
    return abs(x - y) <= POLICY.float_noise_ulps * 2.0 ** -52 * max(1.0, abs(x), abs(y))


def _text(e: Printed | str) -> str:
    return e if isinstance(e, str) else e.text
