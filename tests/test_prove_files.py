"""derive prove FILE.toml: identities written in LaTeX by the user, read by derive's own
parser. The true ones (The Matrix Cookbook, common layers) are proved, every wrong variant
is refuted, bad files are one line and exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from derive.cli import main
from derive.proofs.identity_file import IdentityFileError, load_identities
from derive.proofs.theorem import prove_theorem

HERE = Path(__file__).parent / "identities"


@pytest.fixture(scope="module")
def verdicts():
    """Every identity of both files, proved once: name -> result."""
    out = {}
    for name in ("cookbook.toml", "wrong.toml"):
        for key, make in load_identities(HERE / name).items():
            out[(name, key)] = prove_theorem(make())
    return out


def test_every_true_identity_is_proved(verdicts):
    results = {k: r for (f, k), r in verdicts.items() if f == "cookbook.toml"}
    assert len(results) >= 45
    assert {k: r.result for k, r in results.items() if r.result != "proved"} == {}


def test_every_wrong_variant_is_refuted_with_a_point(verdicts):
    results = {k: r for (f, k), r in verdicts.items() if f == "wrong.toml"}
    assert len(results) >= 27
    assert {k: r.result for k, r in results.items() if r.result != "refuted"} == {}
    assert all(r.failure is not None and r.failure.point for r in results.values())


def test_the_numerator_layout_transposes_the_gradient(tmp_path):
    text = HERE.joinpath("cookbook.toml").read_text()
    one = text[text.index('[[identity]]\nname = "d/dX tr(A X B)'):].split("\n\n")[0]
    for layout, claim, want in (("numerator", "B A", "proved"), ("numerator", "A^T B^T", None),
                                ("denominator", "A^T B^T", "proved")):
        body = one.replace("'A^T B^T'", f"'{claim}'")
        path = tmp_path / f"{layout}.toml"
        path.write_text(f'layout = "{layout}"\n\n{body}\n')
        if want is None:       # A^T B^T is 3 x 2; the numerator layout wants 2 x 3
            with pytest.raises(IdentityFileError, match="'A\\^T B\\^T' is 3 x 2; the gradient by X in the "
                                                        "numerator layout is 2 x 3"):
                load_identities(path)
            continue
        (make,) = load_identities(path).values()
        assert prove_theorem(make()).result == want


@pytest.mark.parametrize("body, message", [
    ('[[identity]]\nname = "a"\nf = "x^2"\nwrt = ["x"]\ngradient = ["2 y"]\nscalars = ["x"]\n',
     "identity 'a': gradient: column 3: y is not declared"),
    ('[[identity]]\nname = "a"\nf = "x^2"\nwrt = ["x"]\ngradient = ["2 x", "1"]\nscalars = ["x"]\n',
     "identity 'a': gradient: 2 gradients for 1 variables"),
    ('[[identity]]\nname = "a"\nf = "\\\\mathrm{tr}(A X)"\nwrt = ["X"]\ngradient = ["A"]\n'
     'shapes = { A = [2, 3], X = [2, 3] }\n', "identity 'a': f: cannot be formed"),
    ('[[identity]]\nname = "a"\nf = "x^2"\nwrt = ["x"]\ngradient = ["2 x"]\nscalars = ["x"]\ncolour = 1\n',
     "identity 'a': colour: unknown key"),
    ('layout = "sideways"\n[[identity]]\nname = "a"\n', "layout: must be one of denominator, numerator"),
    ('[[identity]]\nname = "a"\nf = "x^2 +"\nwrt = ["x"]\ngradient = ["2 x"]\nscalars = ["x"]\n',
     "identity 'a': f: column"),
    ('[[identity]]\nname = "a"\nf = "x^2"\nwrt = ["x"]\ngradient = ["2 x"]\nshapes = { x = [0, 3] }\n',
     "identity 'a': shapes.x: must be [rows, cols]"),
    ("not toml = = 1\n", "toml"),
])
def test_a_bad_file_is_one_line_naming_file_identity_and_key(tmp_path, capsys, body, message):
    path = tmp_path / "mine.toml"
    path.write_text(body)
    assert main(["prove", str(path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and str(path) in err[0] and message in err[0], err


def test_exit_codes_of_files(tmp_path):
    assert main(["prove", str(HERE / "wrong.toml")]) == 1
    path = tmp_path / "one.toml"
    path.write_text('[[identity]]\nname = "cube"\nf = "x^3"\nwrt = ["x"]\ngradient = ["3 x^2"]\nscalars = ["x"]\n')
    assert main(["prove", str(path), "mse"]) == 0          # a file and a registered name together


@pytest.mark.parametrize("name, diagnosis", [
    ("tr(AX) without the transpose", "by X, the claim is transposed"),
    ("tr(X^T X) without the factor 2", "by X, the claim is off by a factor: the truth is 2 times it"),
    ("tr(X^{-1} A) with the wrong sign", "by X, the sign is wrong"),
    ("scaled scores without 1/sqrt(d)", "by Q, the claim is off by a factor: the truth is 1/sqrt(d) times it"),
    ("cross-entropy gradient p + y", "by a, the sign of the term 1 is wrong"),
    ("sigmoid' = sigma", "by x, the claim is the function itself, not its derivative"),
    ("det X without det", None),         # a factor det X is not in the catalogue: no guess
    # d/dw sigma(w x) = sigma(w x)(1 - sigma(w x)) x and d/dw tanh(w x + b) = (1 - tanh^2) x, by hand
    ("sigmoid neuron with sigma for sigma'", "by w, the derivative of the sigmoid is taken as the sigmoid itself"),
    ("tanh unit with tanh for tanh'", "by w, the derivative of tanh is taken as tanh itself"),
    # (x^2 sin x)' = 2x sin x + x^2 cos x
    ("product rule with a term missing", "by x, the term x**2*cos(x) is missing"),
])
def test_a_refuted_claim_names_its_slip(verdicts, name, diagnosis):
    assert verdicts[("wrong.toml", name)].failure.diagnosis == diagnosis


def test_the_distribution_assumption_is_what_makes_p_minus_y_true(tmp_path):
    """dL/dz = p (sum y) - y: p - y only when the entries of y sum to 1."""
    body = ('[[identity]]\nname = "ce"\nf = \'-\\log(\\mathrm{softmax}(z)) y^T\'\nwrt = ["z"]\n'
            'gradient = [\'\\mathrm{softmax}(z) - y\']\nshapes = { z = [1, 3], y = [1, 3] }\n')
    for assume, verdict in (('assume = { y = "distribution" }\n', "proved"), ("", "refuted")):
        path = tmp_path / "ce.toml"
        path.write_text(body + assume)
        (make,) = load_identities(path).values()
        assert prove_theorem(make()).result == verdict


def test_a_positive_definite_matrix_is_sampled_positive_definite(tmp_path):
    import sympy as sp

    from derive.proofs.identity import sample_points

    path = tmp_path / "pd.toml"
    path.write_text('[[identity]]\nname = "pd"\nf = \'\\log \\det X\'\nwrt = ["X"]\ngradient = [\'X^{-T}\']\n'
                    'shapes = { X = [3, 3] }\nassume = { X = "positive definite" }\n')
    (make,) = load_identities(path).values()
    identity = make().instances()[0]
    for point in sample_points(identity, identity.claims(), 4):
        X = sp.Matrix(3, 3, lambda i, j: point[sp.Symbol(f"X_{i + 1}{j + 1}", real=True)])
        assert X == X.T and all(X[:k, :k].det() > 0 for k in (1, 2, 3))


def test_an_assumption_that_does_not_apply_is_one_line(tmp_path, capsys):
    path = tmp_path / "bad.toml"
    path.write_text('[[identity]]\nname = "a"\nf = "x^2"\nwrt = ["x"]\ngradient = ["2 x"]\nscalars = ["x"]\n'
                    'assume = { x = "positive definite" }\n')
    assert main(["prove", str(path)]) == 2
    assert "assume.x: 'positive definite' does not apply to x" in capsys.readouterr().err


def test_the_table_lines_up_with_long_names(capsys):
    main(["prove", str(HERE / "wrong.toml")])
    rows = [line for line in capsys.readouterr().out.splitlines()[:28]]
    starts = {line.index(" certified numeric") for line in rows[1:] if " certified numeric" in line}
    assert rows[0].split()[:3] == ["name", "sizes", "method"] and len(starts) == 1
