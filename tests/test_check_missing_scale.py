"""The README's example: a softmax computed without the 1/sqrt(d_k) scale.

The printed weights are softmax(1, 0) = e/(e + 1) = 0.7311 instead of
softmax(0.7071, 0) = 0.6698 (both by hand). An exact 0 printed among 4-decimal
entries must not be read as +-0.5 when rounded inputs are allowed for."""

from pathlib import Path

from derive.check.pipeline import check_file

FIXTURE = Path(__file__).parent / "fixtures" / "check" / "missing_scale.md"


def test_missing_scale_is_flagged_with_its_cause():
    report = check_file(FIXTURE)
    wrong = [f for f in report.findings if f.verdict == "wrong"]
    assert [f.line for f in wrong] == [19]
    assert [(e["row"], e["col"]) for e in wrong[0].as_json()["wrong_entries"]] == [(1, 1), (1, 2)]
    assert "sqrt(d_k)" in wrong[0].diagnosis
    others = [f.verdict for f in report.findings if f.line != 19]
    assert "wrong" not in others and "unverifiable" not in others
