"""bench/corpus_gen.py: the same seed gives the same corpus, and its key tells the truth.

Every keyed value is recomputed here from its mpmath expression (50 digits),
independently of the numbers the generator carried, and rounded with Python's
decimal module: an unplanted value prints that rounding, a planted one does not.
derive is never called.
"""

from __future__ import annotations

import json
import sys
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import mpmath as mp
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

import corpus_gen  # noqa: E402

COUNT = 12      # enough for every section kind and every kind of planted error at seed 3

NAMESPACE = {"__builtins__": {}, "mpf": mp.mpf, "exp": mp.exp, "log": mp.log, "sqrt": mp.sqrt, "erf": mp.erf,
             "relu": lambda x: max(x, mp.mpf(0))}


def recompute(expr: str) -> Decimal:
    with mp.workdps(50):
        return Decimal(mp.nstr(eval(expr, NAMESPACE), 40, min_fixed=-100, max_fixed=100))


def at_decimals(value: Decimal, decimals: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP)


def text_at(value: Decimal, decimals: int) -> str:
    """As a document prints it: all the decimals, and 0 never signed."""
    q = at_decimals(value, decimals)
    return f"{abs(q) if q == 0 else q:f}"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("corpus")
    return out, corpus_gen.generate(out, COUNT, seed=3)


def test_same_seed_same_bytes(corpus, tmp_path):
    out, _ = corpus
    corpus_gen.generate(tmp_path, COUNT, seed=3)
    for f in sorted(out.iterdir()):
        assert (tmp_path / f.name).read_bytes() == f.read_bytes(), f.name


def test_another_seed_another_corpus(corpus, tmp_path):
    out, _ = corpus
    corpus_gen.generate(tmp_path, 2, seed=4)
    assert (tmp_path / "doc_000.md").read_text() != (out / "doc_000.md").read_text()


def test_key_is_the_file_written(corpus):
    out, key = corpus
    assert json.loads((out / "key.json").read_text()) == key


def test_every_value_is_on_its_line(corpus):
    out, key = corpus
    for name, entry in key["documents"].items():
        lines = (out / name).read_text().splitlines()
        for v in entry["values"]:
            assert v["printed"] in lines[v["line"] - 1], (name, v)


def test_unplanted_values_are_the_exact_values_rounded(corpus):
    _, key = corpus
    checked = 0
    for name, entry in key["documents"].items():
        for v in entry["values"]:
            if not v["planted"]:
                assert v["printed"] == text_at(recompute(v["expr"]), v["decimals"]), (name, v)
                checked += 1
    assert checked > 200


def test_planted_values_differ_from_the_exact_values(corpus):
    _, key = corpus
    planted = [(name, v) for name, e in key["documents"].items() for v in e["values"] if v["planted"]]
    assert planted
    for name, v in planted:
        exact = recompute(v["expr"])
        assert Decimal(v["printed"]) != at_decimals(exact, v["decimals"]), (name, v)


def test_errors_name_their_planted_values(corpus):
    _, key = corpus
    kinds = set()
    for name, entry in key["documents"].items():
        planted = {(v["line"], v["printed"]) for v in entry["values"] if v["planted"]}
        assert len(entry["errors"]) <= 3
        for e in entry["errors"]:
            kinds.add(e["kind"])
            assert e["changes"] and {c["line"] for c in e["changes"]} == set(e["lines"])
            for c in e["changes"]:
                assert (c["line"], c["printed"]) in planted and c["printed"] != c["correct"]
        lines = [n for e in entry["errors"] for n in e["lines"]]
        assert len(lines) == len(set(lines)), "two planted errors share a line"
    assert kinds == set(corpus_gen.ERROR_KINDS)


def test_about_half_the_documents_have_errors(corpus):
    _, key = corpus
    with_errors = sum(1 for e in key["documents"].values() if e["errors"])
    assert 0 < with_errors < COUNT


@pytest.mark.parametrize("value, decimals, text", [
    ("0.125", 2, "0.13"),        # a tie rounds away from zero
    ("-0.125", 2, "-0.13"),
    ("-0.00004", 4, "0.0000"),   # never -0
    ("2.5", 4, "2.5000"),
    ("1e-7", 6, "0.000000"),
])
def test_rounded(value, decimals, text):
    assert corpus_gen.rounded(mp.mpf(value), decimals) == text
