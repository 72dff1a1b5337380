"""The derive command: exit codes and one-line errors."""

from pathlib import Path

import pytest

from derive import __version__
from derive.cli import main


def test_build_writes_the_documents(tmp_path, capsys):
    assert main(["build", "--out", str(tmp_path / "out")]) == 0
    written = {p.name for p in (tmp_path / "out").iterdir()}
    assert {"whitepaper.json", "whitepaper.md", "proofs.md"} <= written
    page = (tmp_path / "out" / "whitepaper.md").read_text(encoding="utf-8")
    assert "0.8415 & 0.5403 & 0.0100 & 1.0000" in page
    assert "0.5415 & 1.0403 & 0.1100 & 0.8000" in page


@pytest.mark.parametrize("argv, message", [
    (["build", "--digits", "-1"], "must be between 0 and 30, got -1"),
    (["build", "--digits", "500"], "must be between 0 and 30, got 500"),
    (["build", "--digits", "four"], "not a whole number"),
    (["frobnicate"], "invalid choice"),
])
def test_bad_arguments_exit_2_with_one_line(argv, message, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and err.startswith("derive: error:")


def test_out_that_is_a_file_exits_2(tmp_path, capsys):
    target = tmp_path / "file.txt"
    target.write_text("x")
    assert main(["build", "--out", str(target)]) == 2
    assert "is a file" in capsys.readouterr().err


def test_version(capsys):
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"derive {__version__}"


def test_help_lists_the_commands(capsys):
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert "build" in out and "prove" in out


def test_prove_unknown_name_exits_2(capsys):
    assert main(["prove", "no-such-identity"]) == 2
    err = capsys.readouterr().err
    assert "no-such-identity" in err and "softmax-cross-entropy" in err and err.count("\n") == 1


def test_prove_one_identity(capsys):
    assert main(["prove", "mse"]) == 0
    assert "mse" in capsys.readouterr().out


FIXTURES = Path(__file__).parent / "fixtures" / "check"


@pytest.mark.parametrize("name, code", [("correct.md", 0), ("missing_scale.md", 1)])
def test_check_exit_codes(name, code, capsys):
    assert main(["check", str(FIXTURES / name)]) == code


def test_check_missing_file_exits_2_with_one_line(tmp_path, capsys):
    assert main(["check", str(tmp_path / "nope.md")]) == 2
    err = capsys.readouterr().err
    assert "nope.md" in err and err.count("\n") == 1


def test_check_json_to_a_file(tmp_path):
    out = tmp_path / "report.json"
    assert main(["check", str(FIXTURES / "missing_scale.md"), "--format", "json", "--out", str(out)]) == 1
    data = __import__("json").loads(out.read_text(encoding="utf-8"))
    assert data["summary"]["wrong"] == 1 and data["findings"][0]["line"] >= 1


TINY = Path(__file__).parent / "fixtures" / "tiny.toml"


def test_run_renders_a_users_spec(tmp_path, capsys):
    spec = TINY
    assert main(["run", str(spec), "--digits", "2"]) == 1       # a printed value does not hold: exit 1
    page = capsys.readouterr().out
    # Y = X W: a -> (0.1 + 0.3, 2(0.2) + 0.3) = (0.4, 0.7); b -> (1.2, 1.9), printed 1.8
    assert "0.40 & 0.70\n\\\\ 1.20 & 1.90" in page and "\\boxed{1.\\underline{8}}" in page
    out = tmp_path / "tiny.json"
    assert main(["run", str(spec), "--format", "json", "--out", str(out)]) == 1
    data = __import__("json").loads(out.read_text(encoding="utf-8"))
    assert data["steps"][1]["values"][1][1] == "1.90000000000000000000000000000"


def test_run_bad_spec_exits_2_naming_spec_and_step(tmp_path, capsys):
    spec = tmp_path / "odd.toml"
    spec.write_text('[[steps]]\nname = "PE"\nstage = "positional_encoding"\nn = 3\nd = 5\n', encoding="utf-8")
    assert main(["run", str(spec)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(spec) in err and "step 'PE'" in err and "even width" in err
