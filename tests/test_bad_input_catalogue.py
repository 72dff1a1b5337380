"""A catalogue of bad input: specs, arguments, files read and files written.

Each row prepares one case in a fresh folder and gives the command line. Every
bad case must end with exit code 2 and exactly one line on stderr that starts
``derive: error:`` and names the file and the key, step or reason; a fine case
ends with 0 or 1 and nothing on stderr. No case may show a traceback or take
long. The specs are written here, in the test's own words.
"""

import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from derive import cli
from derive.cli import main

SECONDS = 20          # a generous bound on a shared 2-core machine; most cases take milliseconds

TINY = """
name = "tiny"
[tables.words]
hello = [0.5, -0.25]
world = [1.5, 0.75]
[inputs]
W = [[1, 2], [0, 1]]
[[steps]]
name = "X"
stage = "embed"
tokens = ["hello", "world"]
table = "words"
[[steps]]
name = "Y"
stage = "matmul"
operands = ["X", "W"]
"""


def spec(body: str, *needles: str, name: str = "bad.toml"):
    """A case that runs a spec with ``body``; the error names the file and ``needles``."""
    def setup(tmp: Path):
        path = tmp / name
        path.write_text(body, encoding="utf-8")
        return ["run", str(path)], [str(path), *needles]
    return setup


def step(stage_and_keys: str, inputs: str = "A = [[1, 2], [3, 4]]", *needles: str):
    """A spec with one input table and one step ``S``."""
    body = f"[inputs]\n{inputs}\n[[steps]]\nname = \"S\"\n{stage_and_keys}\n"
    return spec(body, "step 'S'", *needles)


def fifo(tmp: Path) -> Path:
    path = tmp / "pipe"
    os.mkfifo(path)
    return path


def tiny(tmp: Path) -> Path:
    path = tmp / "tiny.toml"
    path.write_text(TINY, encoding="utf-8")
    return path


def doc(tmp: Path, text: str = "Two and two: $2 + 2 = 4$.\n") -> Path:
    path = tmp / "doc.md"
    path.write_text(text, encoding="utf-8")
    return path


def extends_cycle(tmp: Path):
    (tmp / "left.toml").write_text('extends = "right"\n', encoding="utf-8")
    (tmp / "right.toml").write_text('extends = "left"\n', encoding="utf-8")
    return ["run", str(tmp / "left.toml")], ["right.toml", "extends", "cycle"]


def run_out(target, *needles):
    """``derive run tiny.toml --out TARGET`` with TARGET made by ``target(tmp)``."""
    def setup(tmp: Path):
        out = target(tmp)
        return ["run", str(tiny(tmp)), "--out", str(out)], [str(out), *needles]
    return setup


def symlink_to_file(tmp: Path) -> Path:
    (tmp / "real.md").write_text("mine\n", encoding="utf-8")
    (tmp / "link.md").symlink_to(tmp / "real.md")
    return tmp / "link.md"


def device(tmp: Path) -> Path:
    """A character device of our own (a copy of /dev/null's numbers), never the real one."""
    path = tmp / "null"
    try:
        os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except (PermissionError, AttributeError):
        pytest.skip("cannot make a device node here")
    return path


def check_file(make, *needles):
    """``derive check FILE`` with FILE made by ``make(tmp)``."""
    def setup(tmp: Path):
        path = make(tmp)
        return ["check", str(path)], [str(path), *needles]
    return setup


def build_over_own_page(tmp: Path):
    (tmp / "whitepaper.md").write_text("my own notes\n", encoding="utf-8")
    return ["build", "--out", str(tmp)], [str(tmp / "whitepaper.md"), "did not write", "--force"]


def big_spec(tmp: Path):
    path = tmp / "big.toml"
    path.write_text("# padding\n" * 120_000, encoding="utf-8")
    return ["run", str(path)], [str(path), "too large"]


def many_steps():
    one = '[[steps]]\nname = "S{}"\nstage = "softmax"\noperands = ["A"]\n'
    return spec("[inputs]\nA = [[1]]\n" + "".join(one.format(i) for i in range(501)), "steps", "limit")


CASES = [
    # --- the shape of a spec -------------------------------------------------
    ("table given as a list", spec("tables = [1, 2]\n", "tables", "table")),
    ("inputs given as a number", spec("inputs = 3\n", "inputs")),
    ("a step that is a string", spec('steps = ["softmax"]\n', "steps[1]")),
    ("steps as one table", spec('[steps]\nname = "S"\n', "steps", "list")),
    ("a step without a name", spec('[[steps]]\nstage = "softmax"\n', "steps[1].name")),
    ("a step without a stage", step('operands = ["A"]', "A = [[1]]", "no stage")),
    ("an unknown stage", step('stage = "teleport"', "A = [[1]]", "unknown stage 'teleport'")),
    ("an unknown top-level key", spec("[input]\nA = [[1]]\n", "unknown key 'input'")),
    ("operands as a string", step('stage = "softmax"\noperands = "A"', "A = [[1]]", "operands")),
    ("an operand nobody defines", step('stage = "softmax"\noperands = ["B"]', "A = [[1]]", "'B'")),
    ("a name used twice", spec('[inputs]\nS = [[1]]\n[[steps]]\nname = "S"\nstage = "softmax"\n'
                               'operands = ["S"]\n', "step 'S'", "twice")),
    ("a label that is a number", step('stage = "softmax"\noperands = ["A"]\nlabel = 3', "A = [[1]]",
                                      "label")),
    ("use_printed as a word", step('stage = "softmax"\noperands = ["A"]\nuse_printed = "yes"',
                                   "A = [[1]]", "use_printed")),
    # --- numbers and matrices -----------------------------------------------
    ("ragged rows", spec("[inputs]\nA = [[1, 2], [3]]\n", "inputs.A", "different lengths")),
    ("an empty matrix", spec("[inputs]\nA = []\n", "inputs.A", "empty")),
    ("numbers mixed with rows", spec("[inputs]\nA = [1, [2, 3]]\n", "inputs.A", "mixes")),
    ("a boolean entry", spec("[inputs]\nA = [[1, true]]\n", "inputs.A", "not a number")),
    ("a matrix nested one level too deep", spec("[inputs]\nA = [[[1, 2]]]\n", "inputs.A", "not a number")),
    ("a number with 300 decimals", spec("[inputs]\nA = [[0." + "3" * 300 + "]]\n", "inputs.A", "200")),
    ("a whole number of 100,000 digits", spec("[inputs]\nA = [[" + "7" * 100_000 + "]]\n", "4300 digits")),
    ("an exponent out of range", spec("[inputs]\nA = [[1e999]]\n", "inputs.A", "1e999")),
    ("a token vector that is a matrix", spec("[tables.t]\nw = [[1, 2]]\n", "tables.t.w", "one row")),
    ("a printed value that is text", step('stage = "softmax"\noperands = ["A"]\nprinted = "half"',
                                          "A = [[1]]", "printed", "not a number")),
    # --- extends ---------------------------------------------------------------
    ("a spec extending itself", spec('extends = "bad"\n', "extends", "cycle")),
    ("two specs extending each other", extends_cycle),
    ("extends a spec that is nowhere", spec('extends = "nowhere"\n', "extends", "nowhere")),
    ("extends given as a number", spec("extends = 3\n", "extends")),
    # --- [random] --------------------------------------------------------------
    ("a seed that is a word", spec('[random]\nseed = "x"\ndraws = [["A", 2, 2]]\n', "random.seed")),
    ("a negative seed", spec('[random]\nseed = -1\ndraws = [["A", 2, 2]]\n', "random.seed")),
    ("a draw of 74 GB", spec('[random]\nseed = 1\ndraws = [["A", 100000, 100000]]\n', "random.draws[1]")),
    ("a draw within each size but too large", spec('[random]\ndraws = [["A", 4096, 4096]]\n',
                                                  "random.draws[1]", "4096 x 4096")),
    ("a draw without its width", spec('[random]\ndraws = [["A", 2]]\n', "random.draws[1]")),
    ("an unknown key in [random]", spec('[random]\nsed = 1\n', "random", "unknown key 'sed'")),
    # --- stage parameters and values -------------------------------------------
    ("positional encoding of 10^9 positions", step('stage = "positional_encoding"\nn = 1000000000\nd = 4',
                                                   "A = [[1]]", "n:")),
    ("positional encoding of 4096 x 4096", step('stage = "positional_encoding"\nn = 4096\nd = 4096',
                                                "A = [[1]]", "4096 x 4096")),
    ("scores of 4096 rows", step('stage = "scores"\noperands = ["A", "A"]', "A = " + str([[1]] * 4096),
                                 "4096 x 4096")),
    ("d_k = 0", step('stage = "scaled_scores"\noperands = ["A", "A"]\nd_k = 0', "A = [[1, 2], [3, 4]]",
                     "d_k", "positive")),
    ("negative d_k", step('stage = "scaled_scores"\noperands = ["A", "A"]\nd_k = -4', "A = [[1, 2], [3, 4]]",
                          "d_k")),
    ("negative eps", step('stage = "layer_norm"\noperands = ["A"]\neps = -1e-5', "A = [[1, 2]]", "eps")),
    ("masked as a word", step('stage = "attention"\noperands = ["A", "A", "A"]\nd_k = 2\nmasked = "yes"',
                              "A = [[1, 2]]", "masked")),
    ("tokens as one string", spec('[tables.t]\nw = [1]\n[[steps]]\nname = "S"\nstage = "embed"\n'
                                  'tokens = "w"\ntable = "t"\n', "step 'S'", "tokens")),
    ("layer norm of a constant row, eps 0", step('stage = "layer_norm"\noperands = ["A"]\neps = 0',
                                                 "A = [[2, 2, 2]]", "entry (1, 1)", "undefined")),
    ("cross-entropy of a probability 0", spec('[inputs]\nP = [[0, 1]]\ny = [[1, 0]]\n[[steps]]\nname = "L"\n'
                                              'stage = "cross_entropy"\noperands = ["P", "y"]\n',
                                              "step 'L'", "infinite")),
    ("501 steps", many_steps()),
    # --- the spec file itself --------------------------------------------------
    ("a spec of 1.2 MB", big_spec),
    ("a spec that is not TOML", spec("[[steps\n", "not valid TOML")),
    ("a spec that is not UTF-8", lambda tmp: (lambda p: (p.write_bytes(b"name = \"caf\xe9\"\n"),
                                                          (["run", str(p)], [str(p), "UTF-8"]))[1])(tmp / "l1.toml")),
    ("a spec nested 100,000 deep", spec("x = " + "[" * 100_000 + "]" * 100_000 + "\n", "nested")),
    ("a spec that is missing", lambda tmp: (["run", str(tmp / "nope.toml")], [str(tmp / "nope.toml"), "no such"])),
    ("a spec that is a FIFO", lambda tmp: (lambda p: (["run", str(p)], [str(p), "named pipe"]))(fifo(tmp))),
    ("a spec that is a device", lambda tmp: (["run", "/dev/zero"], ["/dev/zero", "character device"])),
    ("a spec that is a folder", lambda tmp: (["run", str(tmp)], [str(tmp), "folder"])),
    # --- arguments --------------------------------------------------------------
    ("an unknown command", lambda tmp: (["teleport"], ["invalid choice"])),
    ("no command", lambda tmp: ([], ["no command"])),
    ("--digits 99", lambda tmp: (["run", str(tiny(tmp)), "--digits", "99"], ["--digits", "between 0 and 30"])),
    ("--format xml", lambda tmp: (["check", str(doc(tmp)), "--format", "xml"], ["--format", "xml"])),
    # --- documents to check -------------------------------------------------------
    ("a document that is missing", check_file(lambda tmp: tmp / "nope.md", "no such file")),
    ("a document that is a FIFO", check_file(fifo, "named pipe")),
    ("a document that is /dev/zero", lambda tmp: (["check", "/dev/zero"], ["/dev/zero", "character device"])),
    ("a document that is a folder", check_file(lambda tmp: tmp, "folder")),
    ("a document that is binary", check_file(lambda tmp: (tmp / "b.md", (tmp / "b.md").write_bytes(b"\x00\x01"))[0],
                                             "binary")),
    # --- outputs ------------------------------------------------------------------
    ("--out into a missing folder", run_out(lambda tmp: tmp / "no" / "page.md", "does not exist")),
    ("--out under a regular file", run_out(lambda tmp: doc(tmp) / "page.md", "Not a directory")),
    ("--out onto a symbolic link", run_out(symlink_to_file, "symbolic link", "own path")),
    ("--out onto a FIFO", run_out(fifo, "named pipe")),
    ("--out onto a device", run_out(device, "character device")),
    ("--out onto a folder", run_out(lambda tmp: tmp, "folder")),
    ("run --out onto its own spec", lambda tmp: (lambda p: (["run", str(p), "--out", str(p)],
                                                           [str(p), "is the input"]))(tiny(tmp))),
    ("check --out onto its document", lambda tmp: (lambda p: (["check", str(p), "--out", str(p)],
                                                             [str(p), "is the input"]))(doc(tmp))),
    ("check --out into a missing folder", lambda tmp: (["check", str(doc(tmp)), "--out", str(tmp / "x" / "r.md")],
                                                      [str(tmp / "x" / "r.md"), "does not exist"])),
    ("build over a page derive did not write", build_over_own_page),
    ("build --out a file", lambda tmp: (["build", "--out", str(doc(tmp))], [str(tmp / "doc.md"), "not a folder"])),
]

FINE = [
    ("a printed scalar for a 1 x 1 result", spec('[inputs]\nA = [[3]]\n[[steps]]\nname = "S"\nstage = "softmax"\n'
                                                 'operands = ["A"]\nprinted = 1.0\n'), 0),
    ("a tiny spec to a new file", lambda tmp: (["run", str(tiny(tmp)), "--out", str(tmp / "page.md")], []), 0),
    ("a document with a wrong claim", lambda tmp: (["check", str(doc(tmp, "Two and two: $2 + 2 = 5$.\n"))], []), 1),
    ("a document that is right", lambda tmp: (["check", str(doc(tmp))], []), 0),
]


@pytest.fixture
def deadline():
    """Turn a hang (a FIFO read that never ends) into a failure, not a stuck suite."""
    def expired(signum, frame):
        raise TimeoutError("the case did not finish")
    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(2 * SECONDS)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize("setup", [c[1] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_is_one_line_and_exit_2(setup, tmp_path, capsys, deadline):
    argv, needles = setup(tmp_path)
    start = time.monotonic()
    code = main(argv)
    seconds = time.monotonic() - start
    err = capsys.readouterr().err
    lines = err.splitlines()
    assert code == 2, err
    assert len(lines) == 1 and lines[0].startswith("derive: error: "), err
    assert "Traceback" not in err
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])
    assert seconds < SECONDS


@pytest.mark.parametrize("setup, expected", [c[1:] for c in FINE], ids=[c[0] for c in FINE])
def test_fine_input_keeps_stderr_empty(setup, expected, tmp_path, capsys, deadline):
    argv, _ = setup(tmp_path)
    assert main(argv) == expected
    assert capsys.readouterr().err == ""


def test_the_catalogue_is_at_least_forty_classes():
    assert len(CASES) >= 40 and len({c[0] for c in CASES}) == len(CASES)


# --- the last resort: a bug of derive, and Ctrl-C -----------------------------

@pytest.mark.parametrize("exc, code, start", [
    (ZeroDivisionError("division by zero\nsecond line"), 70, "derive: internal error: ZeroDivisionError"),
    (KeyboardInterrupt(), 130, "derive: interrupted"),
])
def test_unexpected_exceptions_are_one_line(monkeypatch, capsys, tmp_path, exc, code, start):
    def boom(args):
        raise exc
    monkeypatch.setitem(cli.COMMANDS, "run", boom)
    assert main(["run", str(tmp_path / "x.toml")]) == code
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1 and lines[0].startswith(start)
    assert code != 70 or lines[0].endswith("(a bug of derive; please report it)")


# --- standard output that cannot be written ---------------------------------------

def _derive(argv, **kwargs):
    return subprocess.Popen([sys.executable, "-m", "derive", *argv], stderr=subprocess.PIPE,
                            cwd=Path(__file__).parent.parent, **kwargs)


def test_a_closed_pipe_is_one_line(tmp_path):
    """``derive run spec | head -0``: the reader is gone before derive writes."""
    proc = _derive(["run", str(tiny(tmp_path))], stdout=subprocess.PIPE)
    proc.stdout.close()
    err = proc.communicate(timeout=120)[1].decode()
    assert proc.returncode == 2
    assert err.splitlines() == ["derive: error: standard output: cannot write (Broken pipe)"]


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full here")
def test_a_full_disk_on_stdout_is_one_line(tmp_path):
    with open("/dev/full", "w") as full:
        proc = _derive(["run", str(tiny(tmp_path))], stdout=full)
        err = proc.communicate(timeout=120)[1].decode()
    assert proc.returncode == 2
    assert err.splitlines() == ["derive: error: standard output: cannot write (No space left on device)"]
