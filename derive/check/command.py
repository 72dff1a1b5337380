"""``derive check FILE ...``: check documents, print or write the report, return the exit code.

Exit codes: 0 no wrong claim, 1 at least one wrong claim, 2 a file could not be
checked (the other files are still checked and reported).
"""

from __future__ import annotations

import sys
from pathlib import Path

from derive.check.read.markdown import InputError
from derive.check.pipeline import Report, check_file
from derive.check.report import FORMATS, render
from derive.errors import FileError, UsageError
from derive.files import ensure_regular, ensure_writable, refuse_overwriting_input, write_atomic, write_stdout


def check_command(files: list[str], fmt: str = "text", out: str | None = None,
                  show_all: bool = False, run_code: bool = False) -> int:
    """Check every file; a file that cannot be read is reported and gives exit code 2."""
    if fmt not in FORMATS:
        raise UsageError(f"--format must be one of {', '.join(FORMATS)}, got {fmt!r}")
    if not files:
        raise UsageError("no file to check")
    if out is not None and Path(out).is_dir():
        raise UsageError(f"--out {out} is a folder, not a file")
    if out is not None:   # refused before the work, not after it
        refuse_overwriting_input(out, files)
        ensure_writable(out)
    if len(files) == 1:
        reports = [_check_regular(files[0], run_code)]     # an InputError is the one-line error
    else:
        reports = [_check_one(path, run_code) for path in files]
    text = render(reports, fmt, show_all)
    if out is not None:
        write_atomic(out, text)
    else:
        write_stdout(text)
    for r in reports:
        if r.error:
            print(f"derive: error: {r.error}", file=sys.stderr)
    if any(r.error for r in reports):
        return 2
    return 1 if any(f.verdict == "wrong" for r in reports for f in r.findings) else 0


def memory_ceiling(mb: int) -> None:
    """Lower this process's data-segment limit to ``mb`` (never raise it): past it an
    allocation fails with MemoryError, which the judge pass turns into one
    unverifiable claim, instead of the machine swapping or the kernel killing us."""
    try:
        import resource
        soft, hard = resource.getrlimit(resource.RLIMIT_DATA)
        ceiling = mb * 2**20
        if (soft == resource.RLIM_INFINITY or soft > ceiling) and (hard == resource.RLIM_INFINITY or hard >= ceiling):
            resource.setrlimit(resource.RLIMIT_DATA, (ceiling, hard))
    except (ImportError, ValueError, OSError):     # no such limit here (Windows): the budgets still bound time
        pass


def _check_one(path: str, run_code: bool) -> Report:
    try:
        return _check_regular(path, run_code)
    except InputError as exc:
        return Report(path, error=str(exc))


def _check_regular(path: str, run_code: bool) -> Report:
    """``check_file`` on a regular file only: a FIFO would wait forever, a device never end."""
    try:
        ensure_regular(path)
    except FileError as exc:
        raise InputError(str(exc)) from None
    return check_file(path, run_code)
