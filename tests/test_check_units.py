"""Quantities with data units (bytes, KB ... TB, KiB ... TiB) in memory estimates.

Memory notes multiply counts by bytes per value and print the result in KB, MB or
GB, each of which names a power of 1000 and, by a common convention, a power of
1024. Every expected value below is worked by hand (powers of two are exact).
"""

import pytest

from derive.check.pipeline import check_text


def found(doc: str, line: int):
    return [c for c in check_text(doc, "doc.md").findings if c.line == line and c.kind != "definition"]


def verdicts(doc: str, line: int) -> list[str]:
    return [str(c.verdict) for c in found(doc, line)]


# 2 * 80 * 8 * 128 * 2 = 327,680 bytes = 327.68 KB = 320 KiB (327,680 / 1024) = 0.3125 MiB
@pytest.mark.parametrize("printed, verdict", [
    ("327.68 KB", "ok"), ("328 KB", "rounded"), ("320 KiB", "ok"), ("320 KB", "ok"),
    ("160 KB", "wrong"), ("321 KB", "wrong"), ("327.69 KB", "wrong"), ("0.33 MB", "rounded"),
    ("0.31 MB", "rounded"), ("0.30 MB", "wrong")])
def test_a_working_without_units_counts_bytes(printed, verdict):
    doc = f"Per token:\n\n```\nMemory per token = 2 × 80 × 8 × 128 × 2 = {printed} per token\n```\n"
    assert verdicts(doc, 4) == [verdict]


def test_the_binary_reading_is_named_and_taken_only_when_needed():
    # 2 * 64 * 8192 * 2 = 2,097,152 bytes = 2 MiB exactly (2.097152 MB: "2.1 MB" rounds it)
    doc = "- Per token: 2 × 64 × 8,192 × 2 = {v} per token\n"
    (c,) = found(doc.replace("{v}", "2.0 MB"), 1)
    assert str(c.verdict) == "ok" and "1024" in c.message
    (c,) = found(doc.replace("{v}", "2.1 MB"), 1)
    assert str(c.verdict) == "rounded" and "1024" not in c.message
    assert verdicts(doc.replace("{v}", "2.2 MB"), 1) == ["wrong"]


# 160 KB * 32,768 = 5,242,880 KB = 5.24288 GB; with powers of 1024: 160 * 32768 KiB = 5 GiB exactly
@pytest.mark.parametrize("printed, verdict", [
    ("5.24 GB", "rounded"), ("5.2 GB", "rounded"), ("5.0 GB", "ok"), ("5.3 GB", "wrong"), ("5.25 GB", "wrong"),
    ("5,242.88 MB", "ok"), ("5,243 MB", "rounded"), ("5,244 MB", "wrong")])
def test_a_product_of_a_quantity_and_a_count_is_put_in_the_unit_of_its_value(printed, verdict):
    doc = f"Cache:\n\n```\nTotal = 160 KB × 32,768 = {printed}\n```\n"
    assert verdicts(doc, 4) == [verdict]


def test_a_ratio_of_quantities_is_a_plain_number():
    # 90 GB / 160 KB = 90e9 / 160e3 = 562,500 tokens
    doc = "- Max tokens: 90 GB / 160 KB = ~{v} tokens\n"
    assert verdicts(doc.replace("{v}", "562,500"), 1) == ["ok"]
    assert verdicts(doc.replace("{v}", "562,600"), 1) == ["wrong"]


def test_a_value_built_on_a_wrong_quantity_carries_the_slip():
    # line 1: 327,680 bytes is 327.68 KB (320 KiB), not 160 KB; line 3 is right from the printed
    # 160 KB (160e3 * 8192 * 32 = 41.94e9 bytes) but 327.68e3 * 8192 * 32 = 85.9e9 bytes
    doc = ("- Per token: 2 × 80 × 8 × 128 × 2 = 160 KB per token\n\n"
           "- Batch of 32 at 8K: 160 KB × 8,192 × 32 = 41.9 GB\n")
    assert verdicts(doc, 1) == ["wrong"]
    (c,) = found(doc, 3)
    assert str(c.verdict) == "wrong" and "line 1" in c.diagnosis and c.expected == "85.9"
    right = doc.replace("160 KB", "327.68 KB").replace("41.9 GB", "85.9 GB")
    assert verdicts(right, 1) == ["ok"] and verdicts(right, 3) == ["rounded"]


def test_a_working_already_in_the_unit_of_its_value():
    # (1 * 2048 * 8192 * 80 * 2) / 1024^3 = 2,684,354,560 / 1,073,741,824 = 2.5 exactly: the division
    # makes GiB of bytes, and the author writes GB
    doc = "```\nActivations ≈ (1 × 2,048 × 8,192 × 80 × 2) ÷ 1,073,741,824\n≈ {v} GB\n```\n"
    (c,) = found(doc.replace("{v}", "2.5"), 3)
    assert str(c.verdict) == "ok" and "taken in GB" in c.message
    assert verdicts(doc.replace("{v}", "2.6"), 3) == ["wrong"]


# 7e9 * 2 = 14e9 bytes = 14 GB = 13.04 GiB (14e9 / 2^30), so "13 GB" rounds the binary reading
@pytest.mark.parametrize("line, verdict", [
    ("- FP16: 70B × 2 bytes = 140 GB", "ok"), ("- INT4: 70B × 0.5 bytes = 35 GB", "ok"),
    ("- FP32: 8B × 4 bytes = 32 GB", "ok"), ("- FP32: 8B × 4 bytes = 33 GB", "wrong"),
    ("- FP16: 7B × 2 bytes = 13 GB", "rounded"), ("- FP16: 7B × 2 bytes = 12 GB", "wrong")])
def test_parameters_times_bytes_per_parameter(line, verdict):
    assert verdicts(line + "\n", 1) == [verdict]


def test_data_units_in_latex():
    # 2 * 64 * 8192 * 2 = 2,097,152 bytes; 160 KB * 32768 = 5.24288 GB
    assert verdicts("$$ 2 \\times 64 \\times 8192 \\times 2 = 2.0\\,\\text{MB} $$\n", 1) == ["ok"]
    assert verdicts("$$ 160\\,\\text{KB} \\times 32768 = 5.24\\,\\text{GB} $$\n", 1) == ["rounded"]
    assert verdicts("$$ 160\\,\\text{KB} \\times 32768 = 5.34\\,\\text{GB} $$\n", 1) == ["wrong"]


def test_bits_and_names_are_no_data_units():
    # Gb is a gigabit, not a gigabyte: not converted, so never judged against bytes
    assert "wrong" not in verdicts("- Link: 100 × 8 = 800 Gb\n", 1)
    # a sum of a quantity and a count has no unit: nothing converts it
    assert "wrong" not in verdicts("- Odd: 2 GB + 3 = 5 GB\n", 1)


def test_years_of_365_days_or_of_365_and_a_quarter():
    # 1965 / 365 = 5.3836 -> 5.38; 1461 days are 4.0027 years of 365 days, 4 years of 365.25 days
    assert verdicts("$$ t = 1965 \\text{ days} = 5.38 \\text{ years} $$\n", 1) == ["rounded"]
    assert verdicts("$$ t = 1965 \\text{ days} = 5.48 \\text{ years} $$\n", 1) == ["wrong"]
    (c,) = found("$$ t = 1461 \\text{ days} = 4.000 \\text{ years} $$\n", 1)
    assert str(c.verdict) == "ok" and "365.25" in c.message
    # 169.8e6 s / 86400 = 1965.3 days (by hand)
    doc = "$$ T = \\frac{169.8 \\times 10^6}{86400} \\approx 1965 \\text{ days} \\approx {v} \\text{ years} $$\n"
    assert verdicts(doc.replace("{v}", "5.4"), 1) == ["rounded", "rounded"]
    assert "wrong" in verdicts(doc.replace("{v}", "5.6"), 1)
