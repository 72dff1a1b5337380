"""The README's Python examples run and print what the README says they print."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def example(heading: str) -> tuple[str, str]:
    """The first python block under ``heading`` and the block after its word "prints"."""
    section = README[README.index(heading):]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    printed = re.search(r"\nprints\n\n```\n(.*?)```", section, re.S).group(1)
    return code, printed


@pytest.mark.parametrize("heading", ["### Proving a gradient of your own", "## Using the library"])
def test_a_readme_example_prints_what_the_readme_says(heading):
    code, printed = example(heading)
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout == printed
