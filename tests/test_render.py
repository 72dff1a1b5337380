"""derive build: the rendered page against its golden file, determinism, JSON."""

import json
from pathlib import Path

import pytest

from derive.display import pmatrix
from derive.render import build

GOLDEN = Path(__file__).parent / "golden"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("build")
    build(out)
    return out


def test_page_matches_golden_file(built, update_golden):
    page = (built / "whitepaper.md").read_text(encoding="utf-8")
    golden = GOLDEN / "whitepaper.md"
    if update_golden:
        golden.write_text(page, encoding="utf-8")
    assert page == golden.read_text(encoding="utf-8"), \
        "rendered page changed: check it, then run pytest --update-golden"


def test_two_builds_are_byte_identical(built, tmp_path):
    build(tmp_path)
    names = sorted(p.name for p in built.iterdir())
    assert names == sorted(p.name for p in tmp_path.iterdir())
    assert {"whitepaper.md", "whitepaper.json", "proofs.md", "xor.png", "descent.png"} <= set(names)
    for name in names:
        assert (tmp_path / name).read_bytes() == (built / name).read_bytes(), name


def test_every_figure_the_page_embeds_is_written(built):
    import re

    page = (built / "whitepaper.md").read_text(encoding="utf-8")
    embedded = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", page)
    assert len(embedded) == 5
    assert all((built / name).is_file() for name in embedded)


def test_json_has_every_step_with_30_significant_digits(built):
    data = json.loads((built / "whitepaper.json").read_text(encoding="utf-8"))
    assert sorted(data["examples"]) == ["decoder", "gpt", "softmax", "training", "xor"]
    steps = data["examples"]["decoder"]["steps"]
    pe = next(s for s in steps if s["name"] == "PE")
    assert pe["shape"] == [3, 4] and pe["formula"].startswith(r"\text{PE}_{(pos")   # a two-letter name, upright
    # sin(1) = 0.841470984807896506652502321630298999622563060798...
    assert pe["values"][1][0] == "0.841470984807896506652502321630"
    for step in steps:
        for row in step["values"]:
            for text in row:
                digits = text.lstrip("-").replace(".", "").lstrip("0")
                # 30 significant digits, or a zero certified to 60 decimals
                assert len(digits) == 30 or set(text) <= set("0.") or text == "-inf", \
                    (step["name"], text)


def test_digits_option_changes_the_page(tmp_path):
    build(tmp_path, digits=2)
    page = (tmp_path / "whitepaper.md").read_text(encoding="utf-8")
    assert "0.84 & 0.54 & 0.01 & 1.00" in page


@pytest.mark.parametrize("rows, latex", [
    ([["1", "2"], ["3", "4"]], "\\begin{pmatrix} 1 & 2\n\\\\ 3 & 4\n\\end{pmatrix}"),
    # a row starting with a minus never starts a line (a Markdown list item)
    ([["1"], ["- 2"]], "\\begin{pmatrix} 1\n\\\\ - 2\n\\end{pmatrix}"),
    # extra space only at a break beside a fraction
    ([["\\frac{1}{2}"], ["3"], ["4"]], "\\begin{pmatrix} \\frac{1}{2}\n\\\\[0.5em] 3\n\\\\ 4\n\\end{pmatrix}"),
])
def test_pmatrix_rows(rows, latex):
    assert pmatrix(rows) == latex


def test_the_names_known_before_a_build_are_the_files_it_writes(built):
    from derive.outdir import MANIFEST
    from derive.render import build_names

    assert sorted(p.name for p in built.iterdir() if p.name != MANIFEST) == build_names()
    assert (built / MANIFEST).read_text(encoding="utf-8").splitlines()[1:] == build_names()
