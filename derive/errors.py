"""The one family of errors derive raises on purpose, and how a bug of derive is named.

The CLI maps every ``DeriveError`` to a one-line message and an exit code in
one place (``derive.cli``); anything else is a bug of derive, reported in one
line with its own exit code (``INTERNAL_EXIT``).
"""

# Exit codes of the command, in one table (README, "Exit codes").
OK_EXIT = 0
FOUND_EXIT = 1          # check: a wrong claim; prove: an identity fails
ERROR_EXIT = 2          # bad input, bad arguments, an output that cannot be written
INTERNAL_EXIT = 70      # a bug of derive (EX_SOFTWARE of sysexits.h)
INTERRUPTED_EXIT = 130  # Ctrl-C: 128 + SIGINT, as shells report it


class DeriveError(Exception):
    """Base class: a message meant for the user, and the exit code it earns."""

    exit_code = ERROR_EXIT


class UsageError(DeriveError):
    """A bad command-line argument."""


class NumberFormatError(DeriveError):
    """Text that should hold a decimal number does not."""


class SpecError(DeriveError):
    """A worked-example spec that cannot be run: names its file and step."""

    def __init__(self, spec: str, step: str | None, message: str):
        where = f"{spec}: step {step!r}" if step else spec
        super().__init__(f"{where}: {message}")
        self.spec, self.step, self.reason = spec, step, message


class FileError(DeriveError):
    """A file that derive will not read or write: missing, not a regular file,
    too large, or refused by the system. The message starts with the path."""

    def __init__(self, path, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path, self.reason = str(path), reason


class OutputError(FileError):
    """An output that cannot be written safely (``--out``, a build folder, stdout)."""


class UndecidableError(DeriveError):
    """A decision on an exact value (a sign, a rounding) that could not be made
    with certainty at the highest working precision we allow."""


def bug(exc: BaseException) -> str:
    """How a bug of derive met while checking a document is reported, in one line:
    ``not checked: derive failed on it (AttributeError at judge.py:75: ...)``."""
    import traceback
    from pathlib import Path

    frames = traceback.extract_tb(exc.__traceback__)
    at = f" at {Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else ""
    return (f"not checked: derive failed on it ({type(exc).__name__}{at}: {str(exc)[:80]}), "
            "a bug of derive, not a fault of the document")
