"""Statistics of labelled rows (``derive.check.read.rowstats``); every value by hand.

rows "a" = [1, 2, 3, 6]: mean 3, population variance (4 + 1 + 0 + 9) / 4 = 3.5, std 1.8708;
row  "b" = [2, 2, 4, 4]: mean 3, population std 1, sample std sqrt(4/3) = 1.1547.
"""

from derive.check.pipeline import check_text

LISTING = ('```python\nrows = [\n    [1.0, 2.0, 3.0, 6.0],   # "a"\n    [2.0, 2.0, 4.0, 4.0],   # "b"\n]\n'
           '"a": mean={a_mean}, std={a_std}\n"b"  : mean=3.0, std={b_std}\n```\n')


def verdicts(doc: str, line: int) -> list[str]:
    return [str(c.verdict) for c in check_text(doc, "doc.md").findings if c.line == line]


def test_statistics_stated_by_a_row_label_are_the_row_s():
    doc = LISTING.format(a_mean="3.0", a_std="1.87", b_std="1.0")
    assert verdicts(doc, 6) == ["ok", "rounded"]
    assert verdicts(doc, 7) == ["ok", "ok"]


def test_a_changed_digit_in_a_row_statistic_is_wrong():
    assert verdicts(LISTING.format(a_mean="3.1", a_std="1.87", b_std="1.0"), 6) == ["wrong", "rounded"]
    assert verdicts(LISTING.format(a_mean="3.0", a_std="1.97", b_std="1.0"), 6) == ["ok", "wrong"]


def test_the_sample_standard_deviation_is_a_reading_and_says_so():
    found = [c for c in check_text(LISTING.format(a_mean="3.0", a_std="1.87", b_std="1.155"), "doc.md").findings
             if c.line == 7]
    assert [str(c.verdict) for c in found] == ["ok", "rounded"]
    assert "n - 1" in found[1].message
    assert verdicts(LISTING.format(a_mean="3.0", a_std="1.87", b_std="1.165"), 7) == ["ok", "wrong"]


def test_a_row_s_own_comment_may_state_its_statistics_after_an_arrow():
    doc = "```python\nz = [\n    [1.0, -1.0, 1.0, -1.0],   # \"x\" -> mean≈0, std≈{s}\n]\n```\n"
    assert verdicts(doc.format(s="1"), 3) == ["ok", "ok"]
    assert verdicts(doc.format(s="2"), 3) == ["ok", "wrong"]


def test_a_label_no_row_has_claims_nothing():
    doc = LISTING.format(a_mean="3.0", a_std="1.87", b_std="1.0").replace('"b"  :', '"c"  :')
    assert set(verdicts(doc, 7)) <= {"given"}             # values given, nothing judged
