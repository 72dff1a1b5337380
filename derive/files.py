"""Reading and writing files safely: the one place derive touches the file system.

Reading: only regular files are read (a FIFO would wait forever, ``/dev/zero``
never ends), and never more than a stated number of bytes.

Writing (``write_atomic``): a temporary file beside the target, then a rename,
so a reader never sees half a file. Only a regular file is ever replaced: a
symbolic link, a device, a FIFO or a folder at the target is refused (derive
does not write through links: give the path of the file itself). A file that
is replaced keeps its permission bits (and, as root, its owner); a new file
gets the permissions the umask allows, as ``open()`` would give it. The
temporary file is removed on every exit Python sees; one left by a run that
was killed (``.NAME.PID.xxxxxxxx.tmp``) is removed by the next write into
that folder once its process is gone.
"""

from __future__ import annotations

import errno
import os
import re
import stat
import sys
import tempfile
import time
from pathlib import Path

from derive.errors import FileError, OutputError

STALE_SECONDS = 60   # a temporary untouched this long, of a process that is gone, is stale

_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe (FIFO)"),
          (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
          (stat.S_ISSOCK, "a socket"), (stat.S_ISLNK, "a symbolic link"))


def kind(mode: int) -> str | None:
    """What a file of this ``st_mode`` is, in words; None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    return next((words for test, words in _KINDS if test(mode)), "not a regular file")


def ensure_regular(path: str | Path, name: str | None = None) -> None:
    """Refuse a path that exists and is not a regular file (following links),
    without opening it: opening a FIFO would wait for a writer."""
    try:
        what = kind(os.stat(path).st_mode)
    except OSError:
        return   # missing or unreadable: the reader says so in its own words
    if what is not None:
        raise FileError(name or path, f"is {what}, not a regular file")


def read_regular(path: str | Path, limit: int, name: str | None = None) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes, else a FileError."""
    name = name or str(path)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise FileError(name, "no such file") from None
    except OSError as exc:
        raise FileError(name, f"cannot read ({exc.strerror or exc})") from None
    what = kind(os.fstat(fd).st_mode)
    if what is not None:
        os.close(fd)
        raise FileError(name, f"is {what}, not a regular file")
    with os.fdopen(fd, "rb") as handle:
        try:
            data = handle.read(limit + 1)
        except OSError as exc:
            raise FileError(name, f"cannot read ({exc.strerror or exc})") from None
    if len(data) > limit:
        raise FileError(name, f"too large (more than {_size(limit)}, the limit)")
    return data


def _size(n: int) -> str:
    return f"{n // 2**20} MB" if n >= 2**20 else f"{n} bytes"


def write_atomic(path: str | Path, data: str | bytes) -> None:
    """Write ``data`` to the regular file ``path`` atomically (see the module's docstring)."""
    path = Path(path)
    data = data.encode("utf-8") if isinstance(data, str) else data
    existing = ensure_writable(path)
    folder = path.parent
    clean_stale(folder, path.name)
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=_temp_prefix(path.name), suffix=".tmp")
    except OSError as exc:
        raise OutputError(path, f"cannot write into {folder} ({exc.strerror or exc})") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        _take_mode(tmp, existing)
        os.replace(tmp, path)
    except BaseException as exc:
        _remove(tmp)
        if isinstance(exc, OSError):
            raise OutputError(path, f"cannot write ({exc.strerror or exc})") from None
        raise


def ensure_writable(path: str | Path) -> os.stat_result | None:
    """Check, before any work, that ``path`` can be written: its folder exists
    and nothing but a regular file is there. Returns that file's status, if any."""
    path = Path(path)
    existing = _replaceable(path)
    if not path.parent.is_dir():
        raise OutputError(path, f"the folder {path.parent} does not exist")
    return existing


def _replaceable(path: Path) -> os.stat_result | None:
    """The status of the regular file at ``path`` (None if there is none), or an
    OutputError for anything else there: a link, a device, a FIFO, a folder."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise OutputError(path, f"cannot write ({exc.strerror or exc})") from None
    what = kind(st.st_mode)
    if what is not None:
        follow = "; derive does not write through links: give the file's own path" \
            if stat.S_ISLNK(st.st_mode) else ""
        raise OutputError(path, f"is {what}; derive replaces only a regular file{follow}")
    return st


def _take_mode(tmp: str, existing: os.stat_result | None) -> None:
    """Give the temporary file the mode (and, as root, the owner) of the file it
    replaces, or the mode the umask gives a new file."""
    if existing is None:
        os.chmod(tmp, 0o666 & ~_umask())
        return
    os.chmod(tmp, stat.S_IMODE(existing.st_mode) & 0o777)   # no set-id bits on a document
    if (existing.st_uid, existing.st_gid) != (os.geteuid(), os.getegid()):
        try:
            os.chown(tmp, existing.st_uid, existing.st_gid)
        except OSError:
            pass   # not root: the file becomes ours, as any editor's save would make it


def _umask() -> int:
    mask = os.umask(0o022)   # the only way to read it is to set it
    os.umask(mask)
    return mask


def _temp_prefix(name: str) -> str:
    return f".{name[:120]}.{os.getpid()}."


def _stale_pattern(name: str) -> re.Pattern:
    return re.compile(rf"\.{re.escape(name[:120])}\.(\d+)\.[a-z0-9_]{{8}}\.tmp")


def clean_stale(folder: Path, name: str) -> list[Path]:
    """Remove temporaries of ``name`` left in ``folder`` by runs that were killed:
    their process is gone and they are older than ``STALE_SECONDS``."""
    pattern, removed = _stale_pattern(name), []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        match = pattern.fullmatch(entry.name)
        if match and entry.is_file(follow_symlinks=False) and _is_stale(entry, int(match[1])):
            _remove(entry.path)
            removed.append(Path(entry.path))
    return removed


def _is_stale(entry: os.DirEntry, pid: int) -> bool:
    try:
        old = time.time() - entry.stat(follow_symlinks=False).st_mtime > STALE_SECONDS
    except OSError:
        return False
    return old and pid != os.getpid() and not _alive(pid)


def _alive(pid: int) -> bool:
    """Whether a process with this id runs (as far as this PID namespace shows)."""
    if pid <= 0:
        return False   # kill(0, ...) would address our own process group
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True
    return True


def _remove(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def refuse_overwriting_input(out: str | Path, inputs: list[str | Path]) -> None:
    """An output that is one of the inputs would replace what was read: refuse it."""
    for source in inputs:
        try:
            same = os.path.samefile(out, source)
        except OSError:
            continue
        if same:
            raise OutputError(out, f"is the input {source}; write the output elsewhere")


OUTPUT_ERRNOS = {errno.EPIPE, errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO}


def write_stdout(text: str) -> None:
    """Write and flush standard output; a closed pipe or a full disk is an OutputError."""
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except OSError as exc:
        raise stdout_error(exc) from None


def stdout_error(exc: OSError) -> OutputError:
    """The one-line error for output that could not be written, and stdout
    silenced so that Python's own flush at exit adds no second message."""
    if sys.stdout is sys.__stdout__ and sys.stdout is not None:
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            os.close(devnull)
        except (OSError, ValueError):
            pass
    return OutputError("standard output", f"cannot write ({exc.strerror or exc})")
