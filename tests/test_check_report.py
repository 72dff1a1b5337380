"""Reports: the JSON shape of the issue, text, Markdown errata, GitHub annotations,
and the exit codes of check_command."""

import json
from pathlib import Path

import pytest

from derive.check.command import check_command
from derive.errors import UsageError

FIXTURES = Path(__file__).parent / "fixtures" / "check"
DOC = "# Sums\n\n$$ a = 1 + 1 = 2 $$\n\n## Wrong\n\n$$ b = 2 + 2 = 5 $$\n"
FINDING_KEYS = {"line", "end_line", "kind", "label", "verdict", "basis", "chained_verdict", "printed",
                "expected", "wrong_entries", "message", "diagnosis"}


@pytest.fixture
def doc(tmp_path):
    path = tmp_path / "doc.md"
    path.write_text(DOC)
    return str(path)


def test_json_has_exactly_the_shape_of_the_issue(doc, capsys):
    assert check_command([doc], fmt="json") == 1
    data = json.loads(capsys.readouterr().out)
    assert data["document"] == doc
    assert set(data["summary"]) == {"claims", "ok", "rounded", "truncated", "wrong", "unverifiable", "given"}
    assert data["summary"]["claims"] == len(data["findings"]) == 2
    for f in data["findings"]:
        assert FINDING_KEYS <= set(f)
        assert f["kind"] in ("matrix", "vector", "scalar", "equation", "code-output", "definition")
        assert f["verdict"] in ("ok", "rounded", "truncated", "wrong", "unverifiable", "given")
    ok, wrong = data["findings"]
    assert ok["basis"] == "exact" and wrong["basis"] is None      # 1 + 1 is exactly 2
    assert (wrong["line"], wrong["end_line"], wrong["label"], wrong["printed"], wrong["expected"]) == \
        (7, 7, "b", "5", "4")
    assert wrong["wrong_entries"] == [{"row": 1, "col": 1, "printed": "5", "expected": "4"}]


def test_text_groups_by_section_and_ends_with_a_summary(doc, capsys):
    assert check_command([doc]) == 1
    out = capsys.readouterr().out
    assert "## Wrong" in out and f"{doc}:7: wrong" in out
    assert out.strip().endswith("2 claims: 1 ok, 0 rounded, 0 truncated, 1 wrong, 0 unverifiable")
    assert "## Sums" not in out


def test_all_lists_every_claim(doc, capsys):
    check_command([doc], show_all=True)
    assert f"{doc}:3: ok" in capsys.readouterr().out


def test_github_annotations(doc, capsys):
    check_command([doc], fmt="github")
    (line,) = capsys.readouterr().out.strip().splitlines()
    assert line.startswith(f"::error file={doc},line=7,endLine=7,title=wrong%3A b::")


def test_markdown_errata_written_to_a_file(doc, tmp_path):
    out = tmp_path / "errata.md"
    assert check_command([doc], fmt="markdown", out=str(out)) == 1
    text = out.read_text()
    assert text.startswith("# Errata") and "### Line 7: `b`" in text and "| 2 | 1 | 0 | 0 | 1 | 0 |" in text


def test_output_is_deterministic(tmp_path, capsys):
    check_command([str(FIXTURES / "mixed.md")], fmt="json")
    first = capsys.readouterr().out
    check_command([str(FIXTURES / "mixed.md")], fmt="json")
    assert capsys.readouterr().out == first


@pytest.mark.parametrize("text, code", [("$$ a = 1 + 1 = 2 $$\n", 0), ("$$ a = 1 + 1 = 3 $$\n", 1)])
def test_exit_codes(tmp_path, capsys, text, code):
    path = tmp_path / "d.md"
    path.write_text(text)
    assert check_command([str(path)]) == code


@pytest.mark.parametrize("kwargs, message", [
    ({"fmt": "yaml"}, "--format"),
    ({"out": "."}, "folder"),
])
def test_usage_errors(doc, kwargs, message):
    with pytest.raises(UsageError, match=message):
        check_command([doc], **kwargs)


def test_no_files_is_a_usage_error():
    with pytest.raises(UsageError):
        check_command([])


def test_text_lists_wrong_entries_only_for_more_than_one_number(tmp_path, capsys):
    # b = 2 + 2 is 4, not 5 (one number: printed and expected say it); v = (1 + 1, 2) is (2, 2), not (2, 3)
    path = tmp_path / "doc.md"
    path.write_text("$$ b = 2 + 2 = 5 $$\n\n$$ v = (1 + 1, 2) = (2, 3) $$\n")
    assert check_command([str(path)]) == 1
    out = capsys.readouterr().out
    assert "entry (1, 1)" not in out and "entry (1, 2): printed 3, expected 2" in out
    assert "printed:  5" in out and "expected: 4" in out
