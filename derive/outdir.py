"""The folder ``derive build`` writes into, and the manifest of what it wrote there.

``derive build`` replaces only files it wrote itself: their names are listed
in ``DIR/.derive-manifest``. Any other file at a name the build would write (a
page of your own called ``whitepaper.md``) stops the build before anything is
written, unless ``force``. The manifest lists names only, sorted, so two
builds write it byte for byte the same.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path

from derive.errors import FileError, OutputError
from derive.files import read_regular, write_atomic

MANIFEST = ".derive-manifest"
MANIFEST_BYTES = 1 << 16
HEADER = "# Files `derive build` wrote into this folder; it replaces no other file.\n"


def publish(out: Path, files: Mapping[str, bytes | str], force: bool = False) -> list[Path]:
    """Write ``files`` (name -> content) into ``out``; returns the paths written.

    The manifest is written first: a build killed half-way leaves every file
    it wrote listed, so the next build may replace them. It keeps the names an
    earlier build listed: an HTML build does not disown the Markdown build's files.
    """
    make_folder(out)
    if not force:
        refuse_foreign(out, files)
    write_atomic(out / MANIFEST, manifest_text(_kept(out, force) | set(files)))
    for name in sorted(files):
        write_atomic(out / name, files[name])
    return [out / name for name in sorted(files)]


def _kept(out: Path, force: bool) -> set[str]:
    """The earlier manifest's names; with ``force`` an unreadable one is replaced, not kept."""
    try:
        return written_before(out)
    except OutputError:
        if force:
            return set()
        raise


def make_folder(out: Path) -> None:
    """Create ``out`` (and its parents) if needed, or say why it cannot be."""
    try:
        out.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise OutputError(out, "is a file, not a folder") from None
    except OSError as exc:
        raise OutputError(out, f"cannot create the folder ({exc.strerror or exc})") from None


def manifest_text(names: Iterable[str]) -> str:
    """The manifest: a header line, then one name a line, sorted."""
    return HEADER + "".join(f"{name}\n" for name in sorted(names))


def written_before(out: Path) -> set[str]:
    """The names the manifest in ``out`` lists (none when there is no manifest)."""
    path = out / MANIFEST
    if not os.path.lexists(path):
        return set()
    try:
        text = read_regular(path, MANIFEST_BYTES).decode("utf-8")
    except (FileError, UnicodeDecodeError) as exc:
        raise OutputError(path, f"not a manifest derive can read ({exc})") from None
    return {line for line in text.splitlines() if line and not line.startswith("#")}


def refuse_foreign(out: Path, names: Iterable[str]) -> None:
    """Refuse to replace a file that derive did not write (not in the manifest)."""
    known = written_before(out)
    for name in sorted(names):
        if name not in known and os.path.lexists(out / name):
            raise OutputError(
                out / name, f"derive did not write this file (it is not listed in "
                f"{out / MANIFEST}); move it away, or pass --force to replace it")
