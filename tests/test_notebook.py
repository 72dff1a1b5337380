"""What a Jupyter notebook shows for derive's objects (its _repr_*_ methods)."""

from pathlib import Path

import sympy as sp

from derive.check.pipeline import check_text
from derive.derivation import run
from derive.html import page
from derive.numbers import compare
from derive.proofs.identity import Identity, prove_identity
from derive.spec import load_spec

SPEC = Path(__file__).parent / "fixtures" / "specs" / "gelu_mlp.toml"


def test_a_derivation_shows_its_steps_in_markdown_and_html():
    d = run(load_spec(SPEC))
    md = d._repr_markdown_()
    # 0.5 (GELU(0.6) - GELU(-1.1)) = 0.2923 and 0.5 (GELU(1.1) - GELU(0.4)) = 0.3443 (tests/test_spec_formula.py)
    assert r"y \approx \begin{pmatrix} 0.2923 \\ 0.3443 \end{pmatrix}" in md
    assert r"y = \alpha H w_2 \qquad \alpha = 0.5" in md and md.startswith("### A GELU layer on two tokens")
    html = d._repr_html_()
    assert html.count("<math") == md.count("$$") // 2 and page(md).errors == []
    assert d.step("H")._repr_latex_() == r"$$H = \mathrm{GELU}(X W_1 + b_1)$$"


def test_a_comparison_a_proof_and_a_check_show_their_verdicts():
    # cos(1) = 0.5403...: 0.99995 is wrong; sin(1) = 0.84147...: 0.8414 is cut, not rounded
    assert compare("0.99995", sp.cos(1))._repr_markdown_() == \
        "`0.99995` is **wrong**: the exact value is `0.54030` at its decimals"
    x = sp.Symbol("x", real=True)
    wrong = prove_identity(Identity("cube", x ** 3, [x], [2 * x ** 2]))          # (x^3)' = 3x^2
    md = wrong._repr_markdown_()
    assert md.startswith("**cube**: **refuted**") and "the claim gives" in md
    right = prove_identity(Identity("cube", x ** 3, [x], [3 * x ** 2]))
    assert right._repr_markdown_().startswith("**cube**: **proved**")
    report = check_text("$$ 2 + 2 = 5 $$\n\n$$ 3 + 3 = 6 $$\n", "doc.md")
    md = report._repr_markdown_()
    assert md.startswith("`doc.md`: 2 claims: 1 ok") and "1 wrong" in md and "line 1: **wrong** `5`" in md
