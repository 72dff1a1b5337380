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
from derive.errors import UsageError


def check_command(files: list[str], fmt: str = "text", out: str | None = None,
                  show_all: bool = False, run_code: bool = False) -> int:
    """Check every file; a file that cannot be read is reported and gives exit code 2."""
    if fmt not in FORMATS:
        raise UsageError(f"--format must be one of {', '.join(FORMATS)}, got {fmt!r}")
    if not files:
        raise UsageError("no file to check")
    if out is not None and Path(out).is_dir():
        raise UsageError(f"--out {out} is a folder, not a file")
    if len(files) == 1:
        reports = [check_file(files[0], run_code)]     # an InputError is the one-line error
    else:
        reports = [_check_one(path, run_code) for path in files]
    text = render(reports, fmt, show_all)
    if out is not None:
        _write(Path(out), text)
    else:
        sys.stdout.write(text)
    for r in reports:
        if r.error:
            print(f"derive: error: {r.error}", file=sys.stderr)
    if any(r.error for r in reports):
        return 2
    return 1 if any(f.verdict == "wrong" for r in reports for f in r.findings) else 0


def _check_one(path: str, run_code: bool) -> Report:
    try:
        return check_file(path, run_code)
    except InputError as exc:
        return Report(path, error=str(exc))


def _write(path: Path, text: str) -> None:
    from derive.render import write_atomic

    if not path.parent.exists():
        raise UsageError(f"--out {path}: the folder {path.parent} does not exist")
    write_atomic(path, text)
