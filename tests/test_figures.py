"""Figures: PNG files, byte-identical across two processes; the network beats
the least-squares line (numpy.polyfit as the oracle); backprop against finite
differences."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from derive.figures import heatmap_figure, mse_gradients, relu_forward, render_all, sine_fits

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
HEATMAPS = {
    "decoder": ([[1.0, 0.0, 0.0], [0.25, 0.75, 0.0], [0.125, 0.5, 0.375]],
                ["<start>", "de", "nada"], ["<start>", "de", "nada"]),
    "encoder": ([[0.5, 0.25, 0.25], [0.1, 0.8, 0.1]], ["de", "nada"], ["You", "are", "welcome"]),
}
RENDER = ("import json, sys; from derive.figures import render_all; "
          "render_all(sys.argv[1], json.loads(sys.argv[2]))")


@pytest.fixture(scope="module")
def two_renders(tmp_path_factory):
    """One render in this process, one in a fresh interpreter."""
    first, second = tmp_path_factory.mktemp("first"), tmp_path_factory.mktemp("second")
    paths = render_all(first, HEATMAPS)
    root = Path(__file__).resolve().parent.parent
    subprocess.run([sys.executable, "-c", RENDER, str(second), json.dumps(HEATMAPS)], check=True, cwd=root)
    return paths, second


def test_render_all_writes_pngs(two_renders):
    paths, _ = two_renders
    assert [p.name for p in paths] == ["xor.png", "sine_fits.png", "descent.png",
                                       "attention_decoder.png", "attention_encoder.png"]
    for p in paths:
        assert p.read_bytes()[:8] == PNG_SIGNATURE
        assert b"Software" not in p.read_bytes()


def test_two_runs_are_byte_identical(two_renders):
    paths, second = two_renders
    assert sorted(p.name for p in second.iterdir()) == sorted(p.name for p in paths)
    for p in paths:
        assert (second / p.name).read_bytes() == p.read_bytes(), p.name


def test_network_beats_the_least_squares_line():
    fits = sine_fits()
    x = np.linspace(-10, 10, 100)
    y = np.sin(x)
    oracle = np.polyval(np.polyfit(x, y, 1), x)
    oracle_mse = float(np.mean((oracle - y) ** 2))
    assert fits.line_mse == pytest.approx(oracle_mse, rel=1e-12)
    assert 0.45 < oracle_mse < 0.47               # a line explains almost nothing of sin
    assert fits.network_mse < 0.01 < oracle_mse   # measured: about 0.0019
    assert np.array_equal(fits.x.ravel(), x)


def test_backprop_matches_finite_differences():
    rng = np.random.default_rng(3)
    params = [(rng.standard_normal((1, 4)), rng.standard_normal(4)),
              (rng.standard_normal((4, 3)), rng.standard_normal(3)),
              (rng.standard_normal((3, 1)), rng.standard_normal(1))]
    x = rng.uniform(-1, 1, (7, 1))
    y = np.sin(3 * x)

    def loss(ps):
        return float(np.mean((relu_forward(ps, x)[-1] - y) ** 2))

    grads = mse_gradients(params, relu_forward(params, x), y)
    h = 1e-6
    for k, (W, b) in enumerate(params):
        for which, P in ((0, W), (1, b)):
            for idx in np.ndindex(P.shape):
                up = [tuple(q.copy() for q in pair) for pair in params]
                down = [tuple(q.copy() for q in pair) for pair in params]
                up[k][which][idx] += h
                down[k][which][idx] -= h
                numeric = (loss(up) - loss(down)) / (2 * h)
                assert grads[k][which][idx] == pytest.approx(numeric, rel=1e-5, abs=1e-8)


def test_heatmap_rejects_labels_that_do_not_fit(tmp_path):
    with pytest.raises(ValueError):
        heatmap_figure(tmp_path / "bad.png", [[0.5, 0.5]], ["a"], ["a", "b", "c"])
