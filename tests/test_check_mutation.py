"""Mutation test: change one printed digit at a time in a correct document.

Every change must be flagged wrong at its own line, and every other claim must
keep its verdict. The fixture's numbers are checked first against a plain
NumPy oracle, so the test cannot pass on a fixture that is itself wrong.
"""

from pathlib import Path

import numpy as np

from derive.check.pipeline import check_text

FIXTURE = Path(__file__).parent / "fixtures" / "check" / "correct.md"


def _verdicts(text: str) -> list[tuple[int, str, str]]:
    return [(f.line, f.kind, f.verdict) for f in check_text(text, "correct.md").findings]


def _claim_lines(text: str) -> list[int]:
    findings = check_text(text, "correct.md").findings
    return sorted({line for f in findings if f.kind != "definition"
                   for line in range(f.line, f.end_line + 1)})


def test_fixture_numbers_match_a_numpy_oracle():
    A = np.array([[1, 2], [3, 4.0]])
    B = np.array([[0.5, -1], [2, 0.25]])
    x = np.array([2.0, 1.0, 0.2])
    M = np.array([[1, 2, 4], [0, 3, 3.0]])
    text = FIXTURE.read_text()
    ln = (M - M.mean(1, keepdims=True)) / np.sqrt(M.var(1, keepdims=True) + 1e-6)
    for value in [*(A @ B.T / np.sqrt(2)).ravel(), *(np.exp(x) / np.exp(x).sum()), *ln.ravel()]:
        assert f"{value:.4f}" in text


def test_the_correct_fixture_has_no_wrong_claim():
    verdicts = _verdicts(FIXTURE.read_text())
    assert len(verdicts) >= 20
    assert {v for _, _, v in verdicts} <= {"given", "ok", "rounded"}


def _mutations(text: str):
    lines = text.split("\n")
    for line in _claim_lines(text):
        row = lines[line - 1]
        for col, ch in enumerate(row):
            if ch.isdigit():
                mutated = row[:col] + str((int(ch) + 1) % 10) + row[col + 1:]
                yield line, col, "\n".join(lines[:line - 1] + [mutated] + lines[line:])


def test_every_changed_digit_is_flagged_at_its_line_and_nowhere_else():
    text = FIXTURE.read_text()
    before = _verdicts(text)
    count = 0
    for line, col, mutated in _mutations(text):
        count += 1
        after = _verdicts(mutated)
        at_line = [v for (ln, _, v) in after if ln == line]
        assert "wrong" in at_line, f"digit at line {line}, column {col} not flagged"
        others_before = [(ln, k, v) for (ln, k, v) in before if ln != line]
        others_after = [(ln, k, v) for (ln, k, v) in after if ln != line]
        assert others_after == others_before, f"digit at line {line}, column {col} changed other verdicts"
    assert count > 100
