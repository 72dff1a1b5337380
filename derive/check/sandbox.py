"""The sandbox of ``--run-code``: one child process per block, with limits.

The child gets a fresh private folder (also its ``HOME`` and ``TMPDIR``), a
small environment, no standard input, its own session, and, set between fork
and exec (``_confiner``):

* limits on address space, CPU time, file size and processes (``POLICY.run_*``);
* on Linux, where the kernel allows it, namespaces of its own: no network,
  every file system read-only except its folder, and the home folders
  (``/root``, ``/home``, the user's) empty except for the interpreter's own
  files. Not run as root, a user namespace makes these possible;
* run as root, it becomes the unprivileged user ``nobody`` (root ignores the
  process limit, and may write anywhere).

What it prints is read as it comes and capped (``_collect``); the values it
leaves come back on a pipe of their own (``$DERIVE_VALUES_FD``), not in a file
the code could overwrite. Every overrun is a reason in words (``explain``),
never an exception in derive; when the run is over, the child's whole session
is killed.
"""

from __future__ import annotations

import ctypes
import os
import pwd
import resource
import selectors
import signal
import subprocess
import sys
import time
from dataclasses import dataclass

from derive.check.policy import POLICY

MB = 1024 * 1024
CLONE_NEWNS, CLONE_NEWUSER, CLONE_NEWNET = 0x00020000, 0x10000000, 0x40000000
MS_NOSUID, MS_NODEV, MS_BIND, MS_REC, MS_PRIVATE = 2, 4, 4096, 16384, 1 << 18
SYS_MOUNT_SETATTR, AT_FDCWD, AT_RECURSIVE, MOUNT_ATTR_RDONLY = 442, -100, 0x8000, 1   # one number on every arch
HOMES = ("/root", "/home")
STDERR_KEPT = 64 * 1024        # the end of a traceback is what derive reads
GRACE = 1.0                    # seconds to drain the pipes once the child has ended
VALUES_FD = "DERIVE_VALUES_FD"


@dataclass(frozen=True)
class Outcome:
    returncode: int
    stdout: str
    stderr: str
    values: bytes = b""        # what came down the values pipe
    stopped: str = ""          # which limit stopped the run, in words ("" when none did)


def run(argv: list[str], folder: str, env: dict, timeout: float) -> Outcome:
    """Run ``argv`` in ``folder`` inside the sandbox: the child finds the values
    pipe's number in ``$DERIVE_VALUES_FD``. Raises ``OSError`` (or
    ``subprocess.SubprocessError``) only when the child could not be started."""
    user = _unprivileged()
    if user is not None:
        os.chown(folder, user.pw_uid, user.pw_gid)
    os.chmod(folder, 0o700)
    read_end, write_end = os.pipe()
    try:
        proc = subprocess.Popen(argv, cwd=folder, env={**env, VALUES_FD: str(write_end)}, stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, pass_fds=(write_end,),
                                start_new_session=True, preexec_fn=_confiner(user, folder))
    except BaseException:
        os.close(read_end)
        raise
    finally:
        os.close(write_end)
    with os.fdopen(read_end, "rb") as values:
        return _collect(proc, values, timeout)


def explain(outcome: Outcome) -> str:
    """Why a limit ended the run, in words ("" when none did): a cap derive
    enforced, or the signal or error with which the kernel refused the code."""
    if outcome.stopped or outcome.returncode == 0:
        return outcome.stopped
    tail = outcome.stderr[-2000:]
    if "MemoryError" in tail or "Unable to allocate" in tail or "Cannot allocate memory" in tail:
        return f"used more than {POLICY.run_memory_mb} MB of memory"
    if "BlockingIOError" in tail or "Resource temporarily unavailable" in tail:
        return f"tried to start more than {POLICY.run_processes} processes"
    if outcome.returncode == -signal.SIGXFSZ or "File too large" in tail:
        return f"wrote a file larger than {POLICY.run_file_mb} MB"
    if outcome.returncode == -signal.SIGXCPU:
        return f"used more than {POLICY.run_seconds:g} s of CPU time"
    return ""


# ---------------------------------------------------------------- reading the child

def _collect(proc: subprocess.Popen, values, timeout: float) -> Outcome:
    """Read stdout, stderr and the values pipe as they come until all close, the
    child ends (then a short grace), a cap is passed, or time is up; then kill
    the child's whole session, so nothing it started outlives the run."""
    fds = {proc.stdout.fileno(): "stdout", proc.stderr.fileno(): "stderr", values.fileno(): "values"}
    got = {name: bytearray() for name in fds.values()} | {"sizes": dict.fromkeys(fds.values(), 0)}
    stopped, deadline = "", time.monotonic() + timeout
    try:
        with selectors.DefaultSelector() as sel:
            for fd in fds:
                sel.register(fd, selectors.EVENT_READ)
            while sel.get_map() and not stopped:
                if _ended(proc):
                    deadline = min(deadline, time.monotonic() + GRACE)
                left = deadline - time.monotonic()
                if left <= 0:
                    stopped = "" if _ended(proc) else f"did not finish within {timeout:g} s"
                    break
                for key, _ in sel.select(min(left, 0.1)):
                    stopped = stopped or _take(key.fd, fds[key.fd], got, sel)
    finally:       # also when derive itself is stopped (a corpus run's time budget): nothing outlives it
        _kill(proc)
    proc.stdout.close()
    proc.stderr.close()
    out, err = (bytes(got[name]).decode("utf-8", "replace") for name in ("stdout", "stderr"))
    return Outcome(proc.returncode, out, err, bytes(got["values"]), stopped)


def _take(fd: int, name: str, got: dict, sel) -> str:
    """Append what the pipe ``fd`` has to ``got[name]`` (of stderr, its last
    ``STDERR_KEPT`` bytes); "" unless the stream passed its cap (then why)."""
    chunk = os.read(fd, 65536)
    if not chunk:
        sel.unregister(fd)
        return ""
    got[name] += chunk
    got["sizes"][name] += len(chunk)
    if name == "stderr":
        del got[name][:-STDERR_KEPT]
    cap = POLICY.run_values_mb if name == "values" else POLICY.run_output_mb
    if got["sizes"][name] <= cap * MB:
        return ""
    del got[name][cap * MB:]
    return f"sent more than {cap} MB of values" if name == "values" else f"printed more than {cap} MB"


def _ended(proc: subprocess.Popen) -> bool:
    """Has the child exited? (Not reaped: its process group id stays its own until ``_kill``.)"""
    try:
        return os.waitid(os.P_PID, proc.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None
    except ChildProcessError:
        return True


def _kill(proc: subprocess.Popen) -> None:
    """Kill the child's session (its own process group), then reap the child."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    proc.wait()


# ---------------------------------------------------------------- confining the child

def _unprivileged():
    """The user the child runs as when derive runs as root (``nobody``), else None."""
    if os.geteuid() != 0:
        return None
    try:
        return pwd.getpwnam("nobody")
    except KeyError:
        return None


def _confiner(user, folder: str):
    """The function the child runs between fork and exec (``preexec_fn``)."""
    processes = _processes_of(user.pw_uid if user else os.getuid()) + POLICY.run_processes
    keep = _interpreter_paths()
    homes = tuple(dict.fromkeys(h for h in (*HOMES, os.path.realpath(os.path.expanduser("~"))) if h != "/"))

    def confine():
        _isolate(user is not None, homes, keep, folder)
        _limit(processes)
        if user is not None:
            os.setgroups([])
            os.setgid(user.pw_gid)
            os.setuid(user.pw_uid)
    return confine


def _limit(processes: int) -> None:
    """Address space, CPU time, file size and process count, soft and hard (so the
    child cannot raise them); CPU's hard limit a second later, so SIGXCPU comes
    before SIGKILL; no core files."""
    cpu = int(POLICY.run_seconds) + 1
    for which, soft, hard in ((resource.RLIMIT_AS, POLICY.run_memory_mb * MB, POLICY.run_memory_mb * MB),
                              (resource.RLIMIT_CPU, cpu, cpu + 1),
                              (resource.RLIMIT_FSIZE, POLICY.run_file_mb * MB, POLICY.run_file_mb * MB),
                              (resource.RLIMIT_NPROC, processes, processes),
                              (resource.RLIMIT_CORE, 0, 0)):
        resource.setrlimit(which, (soft, hard))


def _processes_of(uid: int) -> int:
    """How many processes (threads count too) ``uid`` has now: the process limit
    counts them all, so the child's allowance comes on top."""
    count = 0
    for pid in filter(str.isdigit, os.listdir("/proc")) if os.path.isdir("/proc") else ():
        try:
            with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as fh:
                status = dict(line.split(":", 1) for line in fh if ":" in line)
        except OSError:
            continue
        if status.get("Uid", "").split()[:1] == [str(uid)]:
            count += int(status.get("Threads", "1").strip() or 1)
    return count


def _interpreter_paths() -> list[str]:
    """The folders the interpreter reads (its prefixes and ``sys.path``), outermost first."""
    found = sorted({os.path.realpath(p) for p in (sys.prefix, sys.base_prefix, sys.exec_prefix, *sys.path)
                    if p and os.path.isdir(p)})
    return [p for i, p in enumerate(found) if not any(p.startswith(q + os.sep) for q in found[:i])]


def _isolate(as_root: bool, homes: tuple[str, ...], keep: list[str], folder: str) -> None:
    """Namespaces of the child's own, each only where the kernel allows it: no
    network; home folders emptied but for the interpreter; every file system
    read-only but the run's folder. Not root, a user namespace makes them possible."""
    if not sys.platform.startswith("linux"):
        return
    libc = ctypes.CDLL(None, use_errno=True)
    uid, gid = os.getuid(), os.getgid()
    if libc.unshare(CLONE_NEWNS | CLONE_NEWNET | (0 if as_root else CLONE_NEWUSER)) != 0:
        return
    if not as_root:
        _write("/proc/self/setgroups", "deny")
        _write("/proc/self/uid_map", f"{uid} {uid} 1")
        _write("/proc/self/gid_map", f"{gid} {gid} 1")
    if libc.mount(None, b"/", None, MS_REC | MS_PRIVATE, None) != 0:
        return
    for home in homes:
        _hide(libc, home, [p for p in keep + [folder] if p.startswith(home + os.sep)])
    if libc.mount(folder.encode(), folder.encode(), None, MS_BIND, None) == 0:
        _set_read_only(libc, b"/", True) and _set_read_only(libc, folder.encode(), False)
        os.chdir(folder)        # Popen entered it before the bind: enter the writable mount on top


def _hide(libc, home: str, inside: list[str]) -> None:
    """Cover ``home`` with an empty tmpfs and bind back the paths ``inside`` it."""
    if not os.path.isdir(home) or os.path.islink(home):
        return
    fds = [os.open(p, os.O_PATH) for p in inside]
    if libc.mount(b"tmpfs", home.encode(), b"tmpfs", MS_NOSUID | MS_NODEV, b"mode=755,size=1m") != 0:
        return
    for path, fd in zip(inside, fds):
        os.makedirs(path, exist_ok=True)
        libc.mount(f"/proc/self/fd/{fd}".encode(), path.encode(), None, MS_BIND | MS_REC, None)
        os.close(fd)


class MountAttr(ctypes.Structure):
    _fields_ = [("attr_set", ctypes.c_uint64), ("attr_clr", ctypes.c_uint64),
                ("propagation", ctypes.c_uint64), ("userns_fd", ctypes.c_uint64)]


def _set_read_only(libc, path: bytes, on: bool) -> bool:
    """Make the mount at ``path`` and every mount below it read-only (``on``), or
    that one mount writable again (``mount_setattr``, Linux 5.12); False when refused."""
    attr = MountAttr(MOUNT_ATTR_RDONLY if on else 0, 0 if on else MOUNT_ATTR_RDONLY, 0, 0)
    flags = AT_RECURSIVE if on else 0
    return libc.syscall(SYS_MOUNT_SETATTR, AT_FDCWD, path, flags, ctypes.byref(attr), ctypes.sizeof(attr)) == 0


def _write(path: str, text: str) -> None:
    """Write ``text`` to a ``/proc`` file, quietly (a kernel that refuses leaves the network on)."""
    try:
        with open(path, "w") as fh:
            fh.write(text)
    except OSError:
        pass
