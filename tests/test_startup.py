"""``derive --help`` and ``derive --version`` start without the heavy libraries.

Each check runs a fresh interpreter (this test process has imported them all).
No timing is asserted here: bench/bench.py measures the wall time.
"""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("sympy", "numpy", "flint", "mpmath", "jinja2", "matplotlib")


def imported_modules(args: list[str]) -> set[str]:
    """Top-level modules a fresh ``python -X importtime`` run of ``args`` imported."""
    done = subprocess.run([sys.executable, "-X", "importtime", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
    names = set()
    for line in done.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            names.add(line.rsplit("|", 1)[1].strip().split(".")[0])
    return names


@pytest.mark.parametrize("flag", ["--help", "--version"])
def test_cli_flag_imports_nothing_heavy(flag):
    names = imported_modules(["-m", "derive", flag])
    assert "derive" in names                      # the run did import derive ...
    assert not names & set(HEAVY)                 # ... and none of the heavy libraries


def test_importing_the_cli_leaves_sys_modules_light():
    code = ("import sys, derive, derive.cli; "
            f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "[]"
