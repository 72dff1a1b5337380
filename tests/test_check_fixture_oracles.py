"""Four worked transformer examples checked against an independent oracle, then by derive.

Each fixture in tests/fixtures/check/ below is a small correct worked example:
attention on three tokens, layer norm of one token, cross-entropy with one SGD
step, and sinusoidal positional encodings. The first test of each recomputes
the fixture's printed numbers with mpmath (mp.dps = 50), rounding half away
from zero to the printed decimals, without calling derive, and asserts the
text prints them; so the second test cannot pass on a fixture that is itself
wrong. The second asserts that derive finds no wrong claim and at least as many
ok or rounded claims as the fixture prints results.
"""

from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import mpmath
import pytest
from mpmath import mp, mpf

from derive.check.pipeline import check_text

FIXTURES = Path(__file__).parent / "fixtures" / "check"


def _r(x, n: int = 4) -> str:
    """``x`` rounded half away from zero to ``n`` decimals, without a negative zero."""
    with mp.workdps(60):
        digits = mpmath.nstr(mpf(x), 55, strip_zeros=False, min_fixed=-mpmath.inf, max_fixed=mpmath.inf)
    out = str(Decimal(digits).quantize(Decimal(1).scaleb(-n), rounding=ROUND_HALF_UP))
    return out[1:] if out.startswith("-") and Decimal(out) == 0 else out


def _row(values, n: int = 4) -> str:
    return " & ".join(_r(v, n) for v in values)


def _m(rows):
    return [[mpf(v) for v in row] for row in rows]


def _matmul(a, b):
    return [[mpmath.fsum(a[i][k] * b[k][j] for k in range(len(b))) for j in range(len(b[0]))]
            for i in range(len(a))]


def _softmax(v):
    e = [mpmath.exp(x) for x in v]
    total = mpmath.fsum(e)
    return [x / total for x in e]


def _text(name: str) -> str:
    return (FIXTURES / name).read_text()


def test_rounding_helper():
    assert _r(mpf("0.99995000041")) == "1.0000"
    assert _r(mpf("-0.00001")) == "0.0000"
    assert _r(mpf(1) / 8, 2) == "0.13"
    assert _r(mpf(-1) / 8, 2) == "-0.13"


# ------------------------------------------------------------------ attention

def test_attention_numbers_match_an_mpmath_oracle():
    mp.dps = 50
    text = _text("attention_example.md")
    q = _m([["-0.4", "-0.5"], ["0.2", "-0.8"], ["0.5", "0.4"]])
    k = _m([["0.1", "0.5"], ["0.1", "0.6"], ["-1.0", "-1.0"]])
    v = _m([["-0.6", "1.0"], ["0.2", "0.2"], ["0.3", "0.2"]])
    scores = _matmul(q, [list(col) for col in zip(*k)])
    # the exact scores, as printed without trailing zeros
    assert r"-0.29 & -0.34 & 0.9 \\ -0.38 & -0.46 & 0.6 \\ 0.25 & 0.29 & -0.9" in text
    assert [[_r(x, 2) for x in row] for row in scores] == [
        ["-0.29", "-0.34", "0.90"], ["-0.38", "-0.46", "0.60"], ["0.25", "0.29", "-0.90"]]
    assert f"\\sqrt{{2}} \\approx {_r(mpmath.sqrt(2))}" in text
    scaled = [[x / mpmath.sqrt(2) for x in row] for row in scores]
    weights = [_softmax(row) for row in scaled]
    out = _matmul(weights, v)
    for row in scaled + weights + out:
        assert _row(row) in text
    for i, row in enumerate(scaled):
        printed = [mpf(_r(x)) for x in row]
        exps = [mpmath.exp(x) for x in printed]
        for s, e in zip(printed, exps):
            # the exponential of the printed score, which is also the rounding of the exact one
            assert _r(e) == _r(mpmath.exp(row[printed.index(s)]))
            assert f"e^{{{_r(s)}}} &\\approx {_r(e)}" in text
        total = sum(mpf(_r(e)) for e in exps)
        assert _r(total) == _r(mpmath.fsum(mpmath.exp(x) for x in row))
        assert " + ".join(_r(e) for e in exps) + f" &= {_r(total)}" in text
        for e, w in zip(exps, weights[i]):
            # weight from the printed exponential and sum, and from exact values, agree
            assert _r(mpf(_r(e)) / total) == _r(w)
            assert f"\\frac{{{_r(e)}}}{{{_r(total)}}} \\approx {_r(w)}" in text
    # A V from the printed (rounded) weights rounds the same as from the exact ones
    printed_weights = [[mpf(_r(x)) for x in row] for row in weights]
    assert [[_r(x) for x in row] for row in _matmul(printed_weights, v)] == [[_r(x) for x in row] for row in out]
    top_left = [printed_weights[0][j] * v[j][0] for j in range(3)]
    assert "= " + " + ".join(_r(x, 5) for x in top_left) + f" = {_r(sum(top_left), 5)}" in text
    assert _r(out[0][0], 5) == _r(sum(top_left), 5)
    assert " + ".join(_r(x) for x in weights[0]) + f" = {_r(sum(printed_weights[0]))}" in text


# ------------------------------------------------------------------ layer norm

def test_layernorm_numbers_match_an_mpmath_oracle():
    mp.dps = 50
    text = _text("layernorm_example.md")
    x = [mpf(s) for s in ("-1.2", "1.6", "2.8", "-1.6")]
    gamma = [mpf(s) for s in ("1.0", "0.5", "1.2", "1.2")]
    beta = [mpf(s) for s in ("0.1", "0.3", "0.1", "0.5")]
    eps = mpf(10) ** -5
    mu = mpmath.fsum(x) / 4
    centred = [v - mu for v in x]
    var = mpmath.fsum(c * c for c in centred) / 4
    assert f"= {_r(mu, 1)}\n" in text and _r(mu, 10) == "0.4000000000"
    assert _row(centred, 1) in text
    assert f"= {_r(var, 2)}\n" in text and _r(var, 10) == "3.4400000000"
    assert f"\\sqrt{{{_r(var + eps, 5)}}}" in text and _r(var + eps, 10) == "3.4400100000"
    std = mpmath.sqrt(var + eps)
    assert f"\\approx {_r(std)}" in text
    xhat = [c / std for c in centred]
    # from the printed standard deviation the normalised values round the same
    assert [_r(c / mpf(_r(std))) for c in centred] == [_r(v) for v in xhat]
    assert _row(xhat) in text
    assert f"\\frac{{-1.6}}{{{_r(std)}}} \\approx {_r(xhat[0])}" in text
    assert sum(Decimal(_r(v)) for v in xhat) == 0
    y = [g * v + b for g, v, b in zip(gamma, xhat, beta)]
    y_from_printed = [g * mpf(_r(v)) + b for g, v, b in zip(gamma, xhat, beta)]
    assert [_r(v) for v in y_from_printed] == [_r(v) for v in y]
    assert _row(y) in text
    assert f"= {_r(gamma[3] * mpf(_r(xhat[3])), 5)} + 0.5 = {_r(y_from_printed[3], 5)} \\approx {_r(y[3])}" in text


# ------------------------------------------------------------------ cross-entropy

def test_cross_entropy_numbers_match_an_mpmath_oracle():
    mp.dps = 50
    text = _text("cross_entropy_example.md")
    w = [mpf(s) for s in ("1.6", "0.0", "-0.6")]
    target = [0, 1, 0]
    eta = mpf("0.5")
    exps = [mpmath.exp(z) for z in w]
    for z in (w[0], w[2]):
        assert f"e^{{{z}}} \\approx {_r(mpmath.exp(z))}" in text
    total = mpmath.fsum(exps)
    assert _r(sum(mpf(_r(e)) for e in exps)) == _r(total)
    assert f"= {_r(total)}$" in text
    p = _softmax(w)
    assert _row(p) in text
    loss = -mpmath.log(p[1])
    assert _r(-mpmath.log(mpf(_r(p[1])))) == _r(loss)
    assert f"-\\ln {_r(p[1])} \\approx {_r(loss)}" in text
    grad = [pi - yi for pi, yi in zip(p, target)]
    assert _row(grad) in text
    assert sum(Decimal(_r(g)) for g in grad) == 0
    assert _row([eta * g for g in grad]) in text
    w_new = [wi - eta * g for wi, g in zip(w, grad)]
    w_new_from_printed = [wi - eta * mpf(_r(g)) for wi, g in zip(w, grad)]
    assert [_r(v) for v in w_new_from_printed] == [_r(v) for v in w_new]
    assert _row(w_new) in text
    p_new = _softmax(w_new)
    assert [_r(v) for v in _softmax([mpf(_r(v)) for v in w_new])] == [_r(v) for v in p_new]
    assert _row(p_new) in text
    loss_new = -mpmath.log(p_new[1])
    assert _r(-mpmath.log(mpf(_r(p_new[1])))) == _r(loss_new)
    assert f"-\\ln {_r(p_new[1])} \\approx {_r(loss_new)}" in text
    drop = mpf(_r(loss)) - mpf(_r(loss_new))
    assert _r(drop) == _r(loss - loss_new)
    assert f"{_r(loss)} - {_r(loss_new)} = {_r(drop)}" in text


# ------------------------------------------------------------------ positional encoding

def _pe(pos: int, col: int, d: int = 4):
    angle = mpf(pos) / mpmath.power(10000, mpf(2 * (col // 2)) / d)
    return mpmath.sin(angle) if col % 2 == 0 else mpmath.cos(angle)


def test_positional_encoding_numbers_match_an_mpmath_oracle():
    mp.dps = 50
    text = _text("positional_encoding_example.md")
    pe = [[_pe(pos, col) for col in range(4)] for pos in range(3)]
    assert _r(mpmath.power(10000, mpf(2) / 4), 10) == "100.0000000000"
    for pos in (1, 2):
        for col in range(4):
            assert f"\\mathrm{{PE}}_{{({pos}, {col})}} &= " in text
            line = next(s for s in text.splitlines() if f"\\mathrm{{PE}}_{{({pos}, {col})}} &=" in s)
            assert line.rstrip(" \\").endswith(f"\\approx {_r(pe[pos][col])}")
    assert f"\\cos(0.01) \\approx {_r(pe[1][3], 5)}" in text
    for pos in range(3):
        assert f"| {pos} | " + " | ".join(_r(v) for v in pe[pos]) + " |" in text
    assert _row(pe[1]) in text and _row(pe[2]) in text
    x = _m([["0.2", "-0.1", "0.4", "0.3"], ["-0.5", "0.6", "0.1", "-0.2"], ["0.3", "0.8", "-0.4", "0.5"]])
    total = [[x[i][j] + pe[i][j] for j in range(4)] for i in range(3)]
    total_from_printed = [[x[i][j] + mpf(_r(pe[i][j])) for j in range(4)] for i in range(3)]
    assert [[_r(v) for v in row] for row in total_from_printed] == [[_r(v) for v in row] for row in total]
    assert r" \\ ".join(_row(row) for row in total) in text
    assert f"-0.2 + {_r(pe[1][3], 5)} \\approx {_r(total[1][3])}" in text


# ------------------------------------------------------------------ derive on the fixtures

# how many results each fixture prints (values given as inputs not counted)
PRINTED_RESULTS = {
    "attention_example.md": 32,
    "layernorm_example.md": 15,
    "cross_entropy_example.md": 15,
    "positional_encoding_example.md": 25,
}


@pytest.mark.parametrize("name", sorted(PRINTED_RESULTS))
def test_derive_finds_every_printed_result_right(name):
    findings = check_text(_text(name), name).findings
    wrong = [(f.line, f.printed, f.message) for f in findings if f.verdict == "wrong"]
    assert wrong == []
    assert sum(f.verdict in ("ok", "rounded") for f in findings) >= PRINTED_RESULTS[name]
