"""derive.files and derive.outdir: what is read, what is replaced, and what is left behind."""

import os
import stat
import time

import pytest

from derive import files, outdir
from derive.errors import FileError, OutputError


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def leftovers(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


@pytest.mark.parametrize("before", [0o644, 0o600, 0o664])
def test_a_replaced_file_keeps_its_mode(tmp_path, before):
    path = tmp_path / "page.md"
    path.write_text("old\n")
    os.chmod(path, before)
    files.write_atomic(path, "new\n")
    assert path.read_text() == "new\n" and mode(path) == before


@pytest.mark.parametrize("umask, expected", [(0o022, 0o644), (0o077, 0o600), (0o027, 0o640)])
def test_a_new_file_follows_the_umask(tmp_path, umask, expected):
    previous = os.umask(umask)
    try:
        files.write_atomic(tmp_path / "page.md", "text\n")
    finally:
        os.umask(previous)
    assert mode(tmp_path / "page.md") == expected


def test_a_symlink_is_refused_and_its_target_untouched(tmp_path):
    (tmp_path / "real.md").write_text("mine\n")
    (tmp_path / "link.md").symlink_to(tmp_path / "real.md")
    with pytest.raises(OutputError, match="symbolic link"):
        files.write_atomic(tmp_path / "link.md", "report\n")
    assert (tmp_path / "link.md").is_symlink() and (tmp_path / "real.md").read_text() == "mine\n"


@pytest.mark.parametrize("failure", [OSError(28, "No space left on device"), KeyboardInterrupt()])
def test_the_temporary_is_removed_when_a_write_fails(tmp_path, monkeypatch, failure):
    def fail(src, dst):
        raise failure
    monkeypatch.setattr(files.os, "replace", fail)
    with pytest.raises(OutputError if isinstance(failure, OSError) else KeyboardInterrupt):
        files.write_atomic(tmp_path / "page.md", "text\n")
    assert list(tmp_path.iterdir()) == []


def _temporary(folder, pid: int, age: float, tail: str = "abcd_123"):
    path = folder / f".page.md.{pid}.{tail}.tmp"
    path.write_text("half a page")
    os.utime(path, (time.time() - age, time.time() - age))
    return path


def test_stale_temporaries_of_killed_runs_are_removed(tmp_path):
    dead = subprocess_pid()
    stale = _temporary(tmp_path, dead, age=3600)
    fresh = _temporary(tmp_path, dead, age=0, tail="fresh_12")      # maybe another namespace's
    alive = _temporary(tmp_path, os.getppid(), age=3600)
    other = tmp_path / ".page.md.backup"
    other.write_text("a user's file")
    files.write_atomic(tmp_path / "page.md", "text\n")
    assert not stale.exists()
    assert fresh.exists() and alive.exists() and other.exists()


def subprocess_pid() -> int:
    """The id of a process that has ended."""
    import subprocess
    import sys

    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_read_regular_caps_the_size(tmp_path):
    path = tmp_path / "big.txt"
    path.write_bytes(b"x" * 101)
    assert files.read_regular(path, 101) == b"x" * 101
    with pytest.raises(FileError, match="too large"):
        files.read_regular(path, 100)


def test_publish_replaces_its_own_files_only(tmp_path):
    first = outdir.publish(tmp_path, {"b.md": "one\n", "a.png": b"\x89PNG"})
    assert [p.name for p in first] == ["a.png", "b.md"]
    manifest = (tmp_path / outdir.MANIFEST).read_text()
    assert manifest == outdir.HEADER + "a.png\nb.md\n"
    outdir.publish(tmp_path, {"b.md": "two\n", "a.png": b"\x89PNG"})      # its own: replaced
    assert (tmp_path / "b.md").read_text() == "two\n"
    (tmp_path / "c.md").write_text("mine\n")
    with pytest.raises(OutputError, match="did not write"):
        outdir.publish(tmp_path, {"b.md": "three\n", "c.md": "theirs\n"})
    assert (tmp_path / "b.md").read_text() == "two\n"                     # nothing written
    outdir.publish(tmp_path, {"b.md": "three\n", "c.md": "theirs\n"}, force=True)
    assert (tmp_path / "c.md").read_text() == "theirs\n"
