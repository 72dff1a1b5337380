"""Which files a ``derive check PATH...`` reads.

A PATH is a file (checked as given, whatever its name), a folder (walked, in name
order, hidden folders left out) or a glob pattern (``posts/**/*.md``). Files found
by walking or by a pattern are documents when their suffix is one derive reads
(``DOCUMENT_SUFFIXES``) and ``--include`` / ``--exclude`` let them through; the
others are skipped and counted. A pattern without ``/`` is matched against a
file's name, one with ``/`` against its path below the folder or pattern root."""

from __future__ import annotations

import fnmatch
import glob
import os
from dataclasses import dataclass, field
from pathlib import Path

DOCUMENT_SUFFIXES = (".md", ".markdown", ".ipynb", ".tex")
GLOB_CHARACTERS = "*?["


@dataclass
class Collection:
    documents: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)      # found, but not documents (or filtered out)
    empty: list[str] = field(default_factory=list)        # patterns and folders that gave no document


def collect(paths: list[str], include: tuple[str, ...] = (), exclude: tuple[str, ...] = ()) -> Collection:
    """The documents ``paths`` name, each once, in the order given (a folder's and a
    pattern's in sorted order)."""
    found = Collection()
    seen: set[str] = set()

    def add(path: str) -> None:
        key = os.path.normpath(path)
        if key not in seen:
            seen.add(key)
            found.documents.append(path)

    for path in paths:
        if os.path.isdir(path):
            candidates = [(p, os.path.relpath(p, path)) for p in _walk(path)]
        elif not os.path.exists(path) and any(c in path for c in GLOB_CHARACTERS):
            root = _root(path)
            candidates = [(p, os.path.relpath(p, root)) for p in sorted(glob.glob(path, recursive=True))
                          if os.path.isfile(p)]
        else:
            add(path)            # a file, or a missing one: its report says so
            continue
        before = len(found.documents)
        for p, relative in candidates:
            if _is_document(p, relative, include, exclude):
                add(p)
            else:
                found.skipped.append(p)
        if len(found.documents) == before:
            found.empty.append(path)
    return found


def _walk(folder: str) -> list[str]:
    files = []
    for root, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        files.extend(os.path.join(root, n) for n in sorted(names) if not n.startswith("."))
    return files


def _root(pattern: str) -> str:
    """The folder a pattern's matches are relative to: its part before the first wildcard."""
    parts = Path(pattern).parts
    fixed = []
    for part in parts:
        if any(c in part for c in GLOB_CHARACTERS):
            break
        fixed.append(part)
    return os.path.join(*fixed) if fixed else "."


def _is_document(path: str, relative: str, include: tuple[str, ...], exclude: tuple[str, ...]) -> bool:
    if not path.lower().endswith(DOCUMENT_SUFFIXES):
        return False
    if include and not any(_matches(path, relative, p) for p in include):
        return False
    return not any(_matches(path, relative, p) for p in exclude)


def _matches(path: str, relative: str, pattern: str) -> bool:
    if "/" in pattern:
        return fnmatch.fnmatch(Path(relative).as_posix(), pattern) or fnmatch.fnmatch(Path(path).as_posix(), pattern)
    return fnmatch.fnmatch(os.path.basename(path), pattern)
