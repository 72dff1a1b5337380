"""``--run-code`` runs a document's code in a sandbox: a block that goes over a
limit is stopped and reported as one finding that names the limit, derive
itself neither crashes nor swells, and the blocks around it are still judged.

Each hostile block below sits between two harmless ones, ``print(0.25)`` with
the output ``0.25`` (which must stay ``ok``), so that a test also shows the
check goes on after the stop.
"""

import json
import os
import tempfile
import time
import tracemalloc

import pytest

from derive.check.pipeline import check_text
from derive.check.policy import POLICY
from derive.cli import main

HARMLESS = "```python\nprint(0.25)\n```\n\n```text\n0.25\n```\n"


def _doc(hostile: str) -> str:
    return f"# t\n\n{HARMLESS}\n```python\n{hostile}\n```\n\n{HARMLESS}"


def _findings(hostile: str):
    """The findings of the document, and the one for the hostile block (line 12)."""
    report = check_text(_doc(hostile), "doc.md", run_code=True)
    stopped = [f for f in report.findings if f.line == 12]
    assert [f.verdict for f in report.findings if f.line != 12] == ["ok", "ok"], report.findings
    assert len(stopped) == 1, report.findings
    return stopped[0]


@pytest.mark.parametrize("hostile, said", [
    ("x = bytearray(3 * 2**30)", f"used more than {POLICY.run_memory_mb} MB of memory"),
    ("import numpy as np\nx = np.ones(3 * 2**27)", f"used more than {POLICY.run_memory_mb} MB of memory"),
    ("import os, time\nfor _ in range(200):\n    if os.fork() == 0:\n        time.sleep(20)\n        os._exit(0)",
     f"tried to start more than {POLICY.run_processes} processes"),
    ("import subprocess\nkids = [subprocess.Popen(['sleep', '20']) for _ in range(200)]",
     f"tried to start more than {POLICY.run_processes} processes"),
    ("import sys\nfor _ in range(2**20):\n    sys.stdout.write('x' * 1024)",      # 1 GB
     f"printed more than {POLICY.run_output_mb} MB"),
    ("import sys\nfor _ in range(2**20):\n    sys.stderr.write('x' * 1024)",
     f"printed more than {POLICY.run_output_mb} MB"),
    ("with open('big.bin', 'wb') as fh:\n    for _ in range(100):\n        fh.write(bytes(2**20))",
     f"wrote a file larger than {POLICY.run_file_mb} MB"),
])
def test_a_block_over_a_limit_is_stopped_with_a_finding_that_names_it(hostile, said):
    start = time.monotonic()
    f = _findings(hostile)
    assert f.verdict == "unverifiable" and f.kind == "code-output"
    assert f.message == f"the code was stopped: it {said}", f.message
    assert time.monotonic() - start < 10


def test_printing_a_gigabyte_leaves_derive_small():
    """The output is read as it comes and the child killed at the cap: derive
    never holds much more than the cap (it held 4.3 GB before the sandbox)."""
    tracemalloc.start()
    try:
        f = _findings("for _ in range(2**18):\n    print('y' * 4096)      # 1 GB")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert "printed more than" in f.message
    assert peak < 4 * POLICY.run_output_mb * 2**20, f"derive held {peak} bytes"


def _refused(hostile: str):
    """The finding for a hostile block with an output block (``1``): the kernel
    refuses the call, the code fails, and the item it would print says why."""
    report = check_text(_doc(f"{hostile}\nprint(1)\n```\n\n```text\n1"), "doc.md", run_code=True)
    assert [f.verdict for f in report.findings if f.printed == "0.25"] == ["ok", "ok"], report.findings
    f, = [f for f in report.findings if f.printed == "1"]
    assert f.verdict == "unverifiable", f
    return f


def test_a_block_cannot_write_outside_its_folder():
    """Every file system is read-only to the block but its own folder: even a
    folder anyone may write into (here one this test makes under the system's
    temporary folder) is out of its reach."""
    with tempfile.TemporaryDirectory() as outside:
        os.chmod(outside, 0o777)
        planted = os.path.join(outside, "planted.txt")
        f = _refused(f"open({planted!r}, 'w').write('x')")
        assert "fails: OSError: [Errno 30] Read-only file system" in f.message, f.message
        assert not os.path.exists(planted)


def test_a_block_can_write_in_its_own_folder():
    report = check_text("```python\nwith open('a.txt', 'w') as fh:\n    fh.write('0.5')\n"
                        "print(open('a.txt').read())\n```\n\n```text\n0.5\n```\n", run_code=True)
    assert [f.verdict for f in report.findings] == ["ok"], report.findings


def test_a_block_has_no_network():
    f = _refused("import socket\nsocket.create_connection(('1.1.1.1', 53), timeout=3)")
    assert "fails: OSError" in f.message, f.message


FORGED = "os.write(int(os.environ['DERIVE_VALUES_FD']), {message!r})"


@pytest.mark.parametrize("message", [
    b"garbage",
    b'{"x": {"rows": [["0x1p-1"]], "scalar": true}}\n',           # well formed, then the footer's own
    b'{"x": {"rows": [[{"deep": [1]}]], "scalar": true}}\n',        # a crafted entry: once a traceback
    b'{"x": {"rows": [["' + b"9" * 5000 + b'"]], "scalar": true}}\n',
])
def test_a_block_that_writes_into_the_values_channel_gives_no_values(message):
    """Values come only from one well-formed message: anything the code adds makes
    the block 'not checked', and the text after it is not judged with forged values."""
    hostile = f"import os\n{FORGED.format(message=message)}\nx = 0.25"
    text = _doc(hostile) + "\nThe value is $x = 0.5$.\n"
    report = check_text(text, "doc.md", run_code=True)
    stopped, = [f for f in report.findings if f.line == 12]
    assert "derive's channel for its values" in stopped.message and "not checked" in stopped.message
    claim, = [f for f in report.findings if "$x" in text.split("\n")[f.line - 1]]
    assert claim.verdict != "ok"            # 0.5 is never confirmed by a forged x


def test_a_file_named_like_the_old_values_file_is_not_read():
    """Before the sandbox, values came from a JSON file in the block's folder,
    which the code could overwrite; a file there is now just a file."""
    forged = '{"x": {"rows": [["0x1p-1"]], "scalar": true}}'
    hostile = f"open('__derive_values.json', 'w').write({forged!r})\nx = 0.25"
    text = _doc(hostile) + "\nThe value is $x = 0.5$.\n"
    report = check_text(text, "doc.md", run_code=True)
    claim, = [f for f in report.findings if "$x" in text.split("\n")[f.line - 1]]
    assert claim.verdict == "wrong", claim


def test_the_cli_reports_every_stop_and_exits_normally(tmp_path, capsys):
    """One document with every attack: exit code 0 or 1 (never a traceback), one
    finding per stopped block, and the harmless blocks between them judged."""
    attacks = ["x = bytearray(3 * 2**30)", "while True:\n    print('x' * 4096)",
               "import os, time\nfor _ in range(200):\n    if os.fork() == 0:\n        time.sleep(20)\n"
               "        os._exit(0)", "import os\nos.write(int(os.environ['DERIVE_VALUES_FD']), b'{')"]
    doc = tmp_path / "attacks.md"
    doc.write_text("# t\n\n" + "\n".join(f"```python\n{a}\n```\n\n{HARMLESS}" for a in attacks))
    out = tmp_path / "report.json"
    assert main(["check", str(doc), "--run-code", "--format", "json", "--out", str(out)]) in (0, 1)
    findings = json.loads(out.read_text())["findings"]
    assert [f["verdict"] for f in findings] == ["unverifiable", "ok"] * len(attacks), findings
    assert all(f["note"] == "sandbox" for f in findings[::2])
