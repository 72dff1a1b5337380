"""Matrix arithmetic drawn in a text block (``derive.check.read.layouts``): operands
side by side or stacked, read as one chain; every expected value by hand."""

from derive.check.pipeline import check_text

SIDE_BY_SIDE = """Keys:

```
            [1, 0]
[1, 2, 0]   [0, 1]   [{r1}]
[0, 1, 3] x [2, 2] = [{r2}]
```
"""
# [1,2,0]·cols: (1*1 + 2*0 + 0*2, 1*0 + 2*1 + 0*2) = (1, 2); [0,1,3]: (0 + 0 + 6, 0 + 1 + 6) = (6, 7)

STACKED = """Sum the weighted values:

```
  [0.5, 1.0]
+ [0.25, 2.0]
- [1.0, 0.5]
------------
= [{total}]
```
"""
# 0.5 + 0.25 - 1.0 = -0.25; 1.0 + 2.0 - 0.5 = 2.5


def verdicts(doc: str) -> list[tuple[int, str]]:
    return [(c.line, str(c.verdict)) for c in check_text(doc, "doc.md").findings]


def test_a_product_drawn_side_by_side_is_one_claim_on_its_result():
    assert verdicts(SIDE_BY_SIDE.format(r1="1, 2", r2="6, 7")) == [(5, "ok")]


def test_a_wrong_entry_of_a_drawn_product_is_reported_on_its_own_line():
    found = check_text(SIDE_BY_SIDE.format(r1="1, 2", r2="6, 8"), "doc.md").findings
    assert [str(c.verdict) for c in found] == ["wrong"]
    assert found[0].wrong_entries and "7" in found[0].expected


def test_a_sum_drawn_down_the_page_is_one_claim():
    assert verdicts(STACKED.format(total="-0.25, 2.5")) == [(8, "ok")]
    assert verdicts(STACKED.format(total="-0.25, 2.6")) == [(8, "wrong")]


def test_a_row_vector_times_a_drawn_matrix():
    # [1, 0, 2] times rows [0,4,2],[1,4,3],[1,0,1]: (0 + 0 + 2, 4 + 0 + 0, 2 + 0 + 2) = (2, 4, 4)
    doc = "```\n            [0, 4, 2]\n[1, 0, 2] x [1, 4, 3] = [2, 4, {x}]\n            [1, 0, 1]\n```\n"
    assert verdicts(doc.format(x=4)) == [(3, "ok")]
    assert verdicts(doc.format(x=5)) == [(3, "wrong")]


def test_words_in_a_drawing_make_it_no_layout():
    doc = "```\n[1, 2]   [3]\n[4, 5] x [6] = [15] then add\n```\n"
    assert verdicts(doc) == []
    assert verdicts("```\n[1, 2] x [3, 4]\n```\n") == []                 # no equals sign: nothing claimed
    assert verdicts("```\n  [1, 2]\n+ [3]\n------\n= [4, 2]\n```\n") == []      # rows of unequal length


def test_a_drawing_in_a_python_block_is_code_not_a_layout():
    assert verdicts("```python\n[1, 2] + [3, 4] == [4, 6]\n```\n") == []
