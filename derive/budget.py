"""Time budgets: a block of work that must stop after so many seconds of wall time.

SymPy and derive's evaluators cannot be asked to stop, so the main thread uses
a timer signal (SIGALRM) that raises ``OutOfTime`` inside the block; elsewhere
(a worker thread, or Windows, which has no SIGALRM) the block runs unbounded
and callers check a deadline between pieces of work.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager


class OutOfTime(BaseException):
    """The time budget of a block ran out.

    A BaseException, so that a library's own ``except Exception`` cannot swallow it.
    """


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise ``OutOfTime`` inside the block after ``seconds`` of wall time.

    Limits nest: inside another limit the block gets at most what the outer one
    has left, and the outer one's clock is set again on the way out (a claim's
    budget inside a caller's budget for the whole document)."""
    if threading.current_thread() is not threading.main_thread() \
            or not hasattr(signal, "setitimer"):
        yield
        return

    def expire(signum, frame):
        raise OutOfTime

    outer_left = signal.getitimer(signal.ITIMER_REAL)[0]   # 0.0: no limit outside this one
    start = time.monotonic()
    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, max(min(seconds, outer_left or seconds), 1e-3))
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer_left:
            signal.setitimer(signal.ITIMER_REAL, max(outer_left - (time.monotonic() - start), 1e-3))
