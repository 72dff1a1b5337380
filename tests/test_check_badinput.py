"""Bad input: each case gives a clear finding or a one-line error, never a
traceback, and document text never runs."""

import json

import pytest

from derive.check.command import check_command
from derive.check.read.markdown import InputError
from derive.check.pipeline import check_file, check_text


def test_missing_file_is_a_one_line_error(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        check_command([str(tmp_path / "nope.md")])


def test_a_folder_is_not_a_file(tmp_path):
    with pytest.raises(InputError, match="folder"):
        check_file(str(tmp_path))


@pytest.mark.parametrize("suffix", [".md", ".tex", ".ipynb"])
@pytest.mark.parametrize("data, message", [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
    (b"caf\xe9 $x = 1$", "not UTF-8"),
])
def test_binary_and_invalid_utf8_are_input_errors(tmp_path, data, message, suffix):
    path = tmp_path / f"doc{suffix}"
    path.write_bytes(data)
    with pytest.raises(InputError, match=message) as caught:
        check_file(str(path))
    assert str(caught.value).startswith(str(path)) and "\n" not in str(caught.value)


def test_an_empty_file_has_no_claims(tmp_path, capsys):
    path = tmp_path / "empty.md"
    path.write_text("")
    assert check_command([str(path)], fmt="json") == 0
    assert json.loads(capsys.readouterr().out)["summary"]["claims"] == 0


def test_a_10_mb_file_is_refused_quickly(tmp_path):
    path = tmp_path / "big.md"
    path.write_text("$x = 1$ and some words.\n" * (10 * 1024 * 1024 // 24 + 1))
    with pytest.raises(InputError, match="too large"):
        check_file(str(path))


@pytest.mark.parametrize("text, reason", [
    ("$$ x = \\frac{1}{2 = 0.5 $$", "cannot read"),
    ("$$ x = " + "{" * 10_000 + "1" + "}" * 10_000 + " $$", "nested too deeply"),
    ("$$ x = 1e999 $$", "exponent out of range"),
    ("$$ x = 10^{10^{10}} = 5 $$", "too large"),
    ("$$ \\begin{pmatrix} 1 & \\text{NaN} \\end{pmatrix} $$", "NaN"),
    # (a printed \\infty entry is now read as +oo: see test_check_notation.py)
    ("$$ v = \\begin{pmatrix} 1 & \\text{undefined} \\end{pmatrix} $$", "undefined"),
])
def test_bad_formulas_become_unverifiable_findings(text, reason):
    findings = check_text(text).findings
    assert findings and all(f.verdict == "unverifiable" for f in findings)
    assert any(reason in f.message for f in findings)


def test_unterminated_display_math_is_a_finding_and_the_rest_is_checked():
    findings = check_text("$$ x = 1\n\nlater $y = 1 + 1 = 3$ here\n").findings
    assert [f.verdict for f in findings] == ["unverifiable", "wrong"]
    assert "never closed" in findings[0].message


def test_a_matrix_cell_holding_python_is_never_run(capfd):
    text = "$$ M = \\begin{pmatrix} __import__('os').system('echo x') & 1 \\end{pmatrix} $$\n"
    findings = check_text(text).findings
    assert [f.verdict for f in findings] == ["unverifiable"]
    out = capfd.readouterr()
    assert "x" not in out.out.split()


def test_nan_and_inf_in_code_output(tmp_path):
    text = "```python\nprint([1.0, float('nan')])\n```\n\n```\n[1.  nan]\n```\n"
    (f,) = check_text(text).findings
    assert f.verdict == "unverifiable" and "nan" in f.message


def test_other_files_still_report_when_one_fails(tmp_path, capsys):
    good = tmp_path / "good.md"
    good.write_text("$$ y = 2 + 2 = 5 $$\n")
    assert check_command([str(tmp_path / "missing.md"), str(good)], fmt="json") == 2
    captured = capsys.readouterr()
    docs = json.loads(captured.out)
    assert docs[0]["error"].endswith("no such file") and docs[1]["summary"]["wrong"] == 1
    assert "missing.md: no such file" in captured.err


def test_a_bug_of_derive_on_one_item_is_reported_and_the_rest_still_checked(monkeypatch):
    """Any exception while reading one math span becomes one 'internal-error'
    finding; the span after it is still judged (2 + 2 = 5 by hand is wrong)."""
    from derive.check.read import derivations

    real = derivations.parse_statements

    def flaky(text):
        if "7" in text:
            raise AttributeError("simulated bug")
        return real(text)
    monkeypatch.setattr(derivations, "parse_statements", flaky)
    report = check_text("$$ x = 7 $$\n\n$$ 2 + 2 = 5 $$\n", "doc.md")
    first, second = sorted(report.findings, key=lambda f: f.line)
    assert first.note == "internal-error" and "simulated bug" in first.message
    assert second.line == 3 and second.verdict == "wrong"
