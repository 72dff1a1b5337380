"""The one family of errors derive raises on purpose, and how a bug of derive is named.

The CLI maps every ``DeriveError`` to a one-line message and an exit code in
one place (``derive.cli``); anything else is a bug and keeps its traceback.
"""


class DeriveError(Exception):
    """Base class: a message meant for the user, and the exit code it earns."""

    exit_code = 2


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
