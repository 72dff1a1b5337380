"""``derive check PATH ...``: check documents, print or write the report, return the exit code.

One file is checked in this process, as it always was. Several files, folders and
glob patterns (``derive.check.corpus.collect``) are checked by ``jobs`` forked
worker processes, each document under a time and a memory budget
(``corpus.isolate``, ``corpus.schedule``), or on a Dask cluster; ``--format jsonl`` streams one line per
document as it finishes and ``--resume FILE`` continues such a run.

Exit codes: 0 no wrong claim, 1 at least one wrong claim, 2 a file could not be
checked (the other files are still checked and reported).
"""

from __future__ import annotations

import json
import os
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path

from derive.check.corpus import schedule
from derive.check.corpus.collect import DOCUMENT_SUFFIXES, collect
from derive.check.corpus.progress import Progress, Tally, summary_table
from derive.check.pipeline import Report, check_file, check_text
from derive.check.policy import POLICY
from derive.check.read.markdown import InputError
from derive.check.report import FORMATS, json_line, render
from derive.errors import FileError, UsageError
from derive.files import ensure_regular, ensure_writable, refuse_overwriting_input, write_atomic, write_stdout


@dataclass
class Corpus:
    """How a run over many documents goes: the CLI's options, with their defaults."""
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    jobs: int | None = None            # None: one per core
    timeout: float | None = None       # None: POLICY.corpus_seconds
    resume: str | None = None
    dask: str | None = None
    progress: bool | None = None       # None: when stderr is a terminal


def check_command(files: list[str], fmt: str = "text", out: str | None = None,
                  show_all: bool = False, run_code: bool = False, corpus: Corpus | None = None) -> int:
    """Check every document; one that cannot be read or checked is reported and gives exit code 2."""
    corpus = corpus or Corpus()
    if corpus.resume is not None:
        fmt, out = _resumed_output(fmt, out, corpus.resume)
    if fmt not in FORMATS:
        raise UsageError(f"--format must be one of {', '.join(FORMATS)}, got {fmt!r}")
    if not files:
        raise UsageError("no file to check")
    if corpus.jobs is not None and corpus.jobs < 1:
        raise UsageError(f"--jobs must be at least 1, got {corpus.jobs}")
    if out is not None and Path(out).is_dir():
        raise UsageError(f"--out {out} is a folder, not a file")
    found = collect(files, corpus.include, corpus.exclude)
    if not found.documents:
        raise UsageError(f"no document ({', '.join(DOCUMENT_SUFFIXES)}) in the folder or pattern "
                         f"{', '.join(found.empty)}")
    _say_skipped(found)
    if out is not None:   # refused before the work, not after it
        refuse_overwriting_input(out, found.documents)
        ensure_writable(out)
    earlier = _earlier(corpus.resume) if corpus.resume is not None else {}
    documents = [d for d in found.documents if os.path.normpath(d) not in earlier]
    one = (len(files) == 1 and found.documents == files and corpus == Corpus() and fmt != "jsonl")
    if one:
        reports = [_check_regular(files[0], run_code)]     # an InputError is the one-line error
        _emit(render(reports, fmt, show_all), out)
        return _exit_code(reports)
    return _check_many(documents, fmt, out, show_all, run_code, corpus, earlier)


def _check_many(documents: list[str], fmt: str, out: str | None, show_all: bool, run_code: bool,
                corpus: Corpus, earlier: dict[str, dict]) -> int:
    jobs = corpus.jobs or _cores()
    seconds = corpus.timeout if corpus.timeout is not None else POLICY.corpus_seconds
    work = CheckWork(run_code)
    if corpus.dask is not None:
        finished = schedule.dask(documents, work, corpus.dask, jobs, seconds, POLICY.memory_mb)
    else:
        finished = schedule.local(documents, work, jobs, seconds, POLICY.memory_mb)
    reports: list[Report | None] = [None] * len(documents)
    tally, progress = Tally(skipped=len(earlier)), Progress(len(documents), corpus.progress)
    began = time.monotonic()
    stream = _Stream(out, append=corpus.resume is not None) if fmt == "jsonl" else None
    try:
        for index, outcome in finished:
            report = outcome.value if outcome.value is not None else \
                Report(documents[index], error=f"{documents[index]}: {outcome.error}")
            reports[index] = report
            tally.add(report, outcome.seconds, outcome.peak_mb)
            progress.update(tally)
            if stream is not None:
                stream.write(json_line(report, outcome.seconds))
    finally:
        progress.close()
        if stream is not None:
            stream.close()
    done = [r for r in reports if r is not None]
    if stream is None:
        _emit(render(done, fmt, show_all), out)
    for r in done:
        if r.error:
            print(f"derive: error: {r.error}", file=sys.stderr)
    if len(documents) + len(earlier) > 1:
        sys.stderr.write(summary_table(tally, time.monotonic() - began, jobs))
    code = _exit_code(done)
    if any(e.get("error") for e in earlier.values()):
        code = 2
    elif code == 0 and any(e.get("summary", {}).get("wrong") for e in earlier.values()):
        code = 1
    return code


@dataclass(frozen=True)
class CheckWork:
    """One document of a corpus, as a worker runs it: ``work(path)`` is its report,
    light enough to send back (a claim's printed grid and diagnosis context stay in the
    worker). ``warm()``, once per process before the forks, loads what every check needs
    (the shipped worked examples, SymPy's caches), so that no child loads it again."""
    run_code: bool = False

    def __call__(self, path: str) -> Report:
        try:
            report = _check_regular(path, self.run_code)
        except InputError as exc:
            return Report(path, error=str(exc))
        report.claims = [replace(c, grid=None, context=None) for c in report.claims]
        return report

    def warm(self) -> None:
        global _WARM
        if not _WARM:
            check_text(WARM_TEXT, "<warm-up>")
            _WARM = True


_WARM = False
WARM_TEXT = r"""# Warm-up

With $x = [1, 2]$ the softmax is $\mathrm{softmax}(x) = [0.2689, 0.7311]$ and $0.5 \cdot 3 = 1.5$.

$$Q = \begin{bmatrix} 1 & 0 \\ 0 & 1 \end{bmatrix}, \quad \frac{Q Q^T}{\sqrt{2}} = \begin{bmatrix} 0.7071 & 0 \\ 0 & 0.7071 \end{bmatrix}$$

| token | p |
|---|---|
| a | 0.25 |
"""


def _exit_code(reports: list[Report]) -> int:
    if any(r.error for r in reports):
        return 2
    return 1 if any(f.verdict == "wrong" for r in reports for f in r.findings) else 0


def _emit(text: str, out: str | None) -> None:
    if out is not None:
        write_atomic(out, text)
    else:
        write_stdout(text)


class _Stream:
    """JSON lines as documents finish: to stdout, or appended to a file, each line flushed
    (a run stopped half-way leaves every finished document in the file)."""

    def __init__(self, out: str | None, append: bool):
        self.handle = open(out, "a" if append else "w", encoding="utf-8") if out is not None else None

    def write(self, line: str) -> None:
        if self.handle is None:
            write_stdout(line)
        else:
            self.handle.write(line)
            self.handle.flush()

    def close(self) -> None:
        if self.handle is not None:
            self.handle.close()


def _resumed_output(fmt: str, out: str | None, resume: str) -> tuple[str, str]:
    """--resume FILE continues a --format jsonl run written to FILE."""
    if fmt not in ("text", "jsonl"):     # text: the default, not asked for
        raise UsageError(f"--resume continues a --format jsonl run; --format {fmt} cannot be resumed")
    if out is not None and os.path.normpath(out) != os.path.normpath(resume):
        raise UsageError(f"--resume {resume} appends to {resume}; --out {out} names another file")
    return "jsonl", resume


def _earlier(resume: str) -> dict[str, dict]:
    """The documents already in a --resume file, by normalised path. A last line cut off
    by a stopped run is dropped from the file (it is checked again); any other line
    that is not a document's JSON is bad input."""
    path = Path(resume)
    if not path.exists():
        return {}
    if not path.is_file():
        raise UsageError(f"--resume {resume} is not a file")
    data = path.read_bytes()
    cut = data.rfind(b"\n") + 1
    if cut < len(data):             # a partial last line: the run was stopped while writing it
        with open(path, "r+b") as handle:
            handle.truncate(cut)
        data = data[:cut]
    done = {}
    for number, line in enumerate(data.decode("utf-8", errors="replace").splitlines(), 1):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
            done[os.path.normpath(entry["document"])] = entry
        except (ValueError, KeyError, TypeError):
            raise UsageError(f"{resume}:{number}: not a line of derive check --format jsonl") from None
    return done


def _say_skipped(found) -> None:
    if found.skipped:
        first = ", ".join(found.skipped[:3]) + (", ..." if len(found.skipped) > 3 else "")
        print(f"derive: note: skipped {len(found.skipped)} file(s) that are not documents "
              f"({', '.join(DOCUMENT_SUFFIXES)}) or are filtered out: {first}", file=sys.stderr)
    for path in found.empty:
        print(f"derive: note: {path}: no document to check", file=sys.stderr)


def _cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return os.cpu_count() or 1


def _check_regular(path: str, run_code: bool) -> Report:
    """``check_file`` on a regular file only: a FIFO would wait forever, a device never end."""
    try:
        ensure_regular(path)
    except FileError as exc:
        raise InputError(str(exc)) from None
    return check_file(path, run_code)
