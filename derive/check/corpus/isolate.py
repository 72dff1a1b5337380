"""Documents checked in forked worker processes, each under a wall-time and a memory budget.

A ``Worker`` is a forked process that runs ``work(arg)`` for one argument at a
time: the parent sends the argument down one pipe and reads the pickled result
(or the error) from another, as it fills, so a large result never blocks the
worker. Past an argument's deadline the parent stops the worker (SIGTERM, then
SIGKILL): a document that hangs, or a bug that crashes the interpreter, costs one
failed document, and a new worker takes the next one. A worker keeps what it
loaded and cached from one document to the next (forking per document cost
about a third more time) and is replaced after ``WORKER_DOCUMENTS`` documents, or
after one that failed, so its memory stays that of a few documents.

Forking keeps everything the parent imported (SymPy, the checker): a worker starts
in milliseconds. ``run(...)`` is one argument in one worker, waited for, for a
caller with one piece of work; where ``os.fork`` does not exist it works in this
process with no time limit."""

from __future__ import annotations

import faulthandler
import os
import pickle
import select
import signal
import struct
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable

CHUNK = 1 << 16
HEADER = struct.Struct("!Q")          # the length of the pickled message that follows
GRACE = 1.0                           # seconds between SIGTERM and SIGKILL
WORKER_DOCUMENTS = 50                 # a worker is replaced after this many documents
_FORKING = threading.Lock()


@dataclass
class Outcome:
    value: Any = None
    error: str | None = None          # why there is no value: timed out, ran out of memory, crashed
    seconds: float = 0.0
    peak_mb: float = 0.0              # the largest resident memory of the worker so far


class Worker:
    """A forked process running ``work`` on one argument at a time; the parent polls
    ``fileno()`` while it is busy and calls ``read``."""

    parent_ends: set[int] = set()      # the parent's ends of every live worker's pipes

    def __init__(self, work: Callable, memory_mb: int | None):
        with _FORKING:      # one fork at a time: a worker started by another thread sees every pipe end
            tasks_read, self.tasks = os.pipe()
            self.fd, results_write = os.pipe()
            pid = os.fork()
            if pid == 0:                                    # the worker: never returns
                for fd in (self.tasks, self.fd, *Worker.parent_ends):   # else a sibling's pipe never ends
                    os.close(fd)
                _serve(work, memory_mb, tasks_read, results_write)
            os.close(tasks_read)
            os.close(results_write)
            Worker.parent_ends |= {self.tasks, self.fd}
        self.pid, self.work = pid, work
        self.done = 0                 # documents finished
        self.alive = True
        self.busy = False
        self.deadline = self.started = self.seconds = 0.0
        self.buffer = bytearray()

    def fileno(self) -> int:
        return self.fd

    @property
    def spent(self) -> bool:
        """Ended, or done with ``WORKER_DOCUMENTS`` documents: time for a new worker."""
        return not self.alive or self.done >= WORKER_DOCUMENTS

    def submit(self, arg: Any, seconds: float) -> None:
        self.started = time.monotonic()
        self.deadline, self.seconds, self.busy = self.started + seconds, seconds, True
        _send(self.tasks, arg)

    def read(self) -> Outcome | None:
        """Take what the worker wrote; its outcome once the whole result is in (or
        the worker died), else None."""
        data = os.read(self.fd, CHUNK)
        if not data:                                    # the worker ended without a whole result
            _, status, usage = os.wait4(self.pid, 0)
            return self._over(Outcome(None, _death(status), self._elapsed(), usage.ru_maxrss / 1024))
        self.buffer += data
        if len(self.buffer) < HEADER.size:
            return None
        (size,) = HEADER.unpack_from(self.buffer)
        if len(self.buffer) < HEADER.size + size:
            return None
        value, error, peak_mb, healthy = pickle.loads(bytes(self.buffer[HEADER.size:HEADER.size + size]))
        del self.buffer[:HEADER.size + size]
        self.busy, self.done = False, self.done + 1
        if not healthy:
            self.close()
        return Outcome(value, error, self._elapsed(), peak_mb)

    def kill(self) -> Outcome:
        """Past the deadline: stop the worker and say so. SIGTERM first, so that it
        stops what it started (a sandboxed code block's session), SIGKILL after ``GRACE``."""
        usage = _stop(self.pid)
        return self._over(Outcome(None, f"took longer than {self.seconds:g} s and was stopped",
                                  self._elapsed(), usage.ru_maxrss / 1024))

    def close(self) -> None:
        """No more work: the worker reads the end of its task pipe and exits (or,
        after ``GRACE``, is stopped)."""
        if self.alive:
            os.close(self.tasks)
            _stop(self.pid, first=None)
            self._release()

    def _over(self, outcome: Outcome) -> Outcome:
        """After the worker ended (stopped, or died): its pipes closed."""
        if self.alive:
            os.close(self.tasks)
            self._release()
        self.busy = False
        return outcome

    def _release(self) -> None:
        os.close(self.fd)
        Worker.parent_ends -= {self.tasks, self.fd}
        self.alive = False

    def _elapsed(self) -> float:
        return time.monotonic() - self.started


def _serve(work: Callable, memory_mb: int | None, tasks: int, results: int) -> None:
    """The worker's loop: an argument in, ``(value, error, peak MB, healthy)`` out,
    until the task pipe closes; then ``os._exit`` (nothing of the parent's runs here)."""
    code = 0
    try:
        faulthandler.disable()      # a crash is the parent's one line, not a dump on the terminal
        signal.signal(signal.SIGINT, _terminated)      # Ctrl-C stops the workers with the parent
        signal.signal(signal.SIGTERM, _terminated)     # unwinds: a sandbox's finally kills its session
        if memory_mb is not None:
            memory_ceiling(memory_mb)
        import resource
        with os.fdopen(tasks, "rb") as incoming:
            while True:
                header = incoming.read(HEADER.size)
                if len(header) < HEADER.size:
                    break
                arg = pickle.loads(incoming.read(HEADER.unpack(header)[0]))
                healthy = True
                try:
                    value, error = work(arg), None
                except MemoryError:
                    value, error, healthy = None, f"needed more than {memory_mb} MB of memory", False
                except Exception as exc:  # noqa: BLE001 (a bug of derive on this document: one failure)
                    value, error, healthy = None, f"derive failed on it: {type(exc).__name__}: {exc}", False
                peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
                try:
                    _send(results, (value, error, peak, healthy))
                except Exception as exc:  # noqa: BLE001 (a result that does not pickle is a bug: said, not lost)
                    _send(results, (None, f"derive could not send its result: {type(exc).__name__}: {exc}",
                                    peak, False))
                if not healthy:
                    break
    except BaseException:   # noqa: BLE001 (nothing may escape a forked worker into the parent's code)
        code = 1
    finally:
        os._exit(code)


def _send(fd: int, message: Any) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    view = memoryview(HEADER.pack(len(data)) + data)
    while view:
        view = view[os.write(fd, view):]


def _stop(pid: int, first: signal.Signals | None = signal.SIGTERM):
    """Terminate (``first``; None: let it end by itself), then kill, the process ``pid``,
    ``GRACE`` apart; reap it and return its resource usage."""
    for sig, wait in ((first, GRACE), (signal.SIGKILL, None)):
        try:
            if sig is not None:
                os.kill(pid, sig)
        except ProcessLookupError:
            pass
        end = time.monotonic() + (wait or 0)
        while True:
            done, _, usage = os.wait4(pid, 0 if wait is None else os.WNOHANG)
            if done:
                return usage
            if time.monotonic() >= end:
                break
            time.sleep(0.02)


def _terminated(signum, frame):
    raise SystemExit(128 + signum)


def wait(worker: Worker) -> Outcome:
    """The outcome of the argument ``worker`` is busy with (killed at its deadline)."""
    while True:
        left = worker.deadline - time.monotonic()
        if left <= 0:
            return worker.kill()
        ready, _, _ = select.select([worker], [], [], left)
        if ready:
            outcome = worker.read()
            if outcome is not None:
                return outcome


CAN_FORK = hasattr(os, "fork")     # not on Windows: then everything runs in this process


def run(work: Callable, args: tuple, seconds: float, memory_mb: int | None) -> Outcome:
    """``work(*args)`` in a worker of its own, waited for (at most ``seconds``)."""
    if not CAN_FORK:
        began = time.monotonic()
        try:
            return Outcome(work(*args), None, time.monotonic() - began)
        except Exception as exc:  # noqa: BLE001
            return Outcome(None, f"derive failed on it: {type(exc).__name__}: {exc}", time.monotonic() - began)
    worker = Worker(lambda packed: work(*packed), memory_mb)
    try:
        worker.submit(args, seconds)
        return wait(worker)
    finally:
        retire(worker)


def retire(worker: Worker) -> None:
    """Done with ``worker``: closed when idle, stopped when still busy (an interrupted run)."""
    if worker.alive:
        if worker.busy:
            worker.kill()
        else:
            worker.close()


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


def _death(status: int) -> str:
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        name = signal.Signals(number).name if number in signal.Signals._value2member_map_ else str(number)
        return f"its process was killed by {name}" + (" (out of memory?)" if number == signal.SIGKILL else "")
    return f"its process ended with exit code {os.WEXITSTATUS(status)} and no result"
