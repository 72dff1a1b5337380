r"""The page's figures, as PNG files that two runs write byte for byte the same.

* the four XOR points, coloured by x_1 \oplus x_2;
* a least-squares line beside a small ReLU network (1 -> 10 -> 10 -> 1), both
  fitted to \sin(x) on 100 points of [-10, 10]; the network is trained here with
  full-batch Adam on the mean squared error, in plain NumPy, from a fixed seed;
* an attention-weight heatmap with each weight written in its cell;
* the four probabilities of the descent loop at every iteration.

Determinism: the Agg backend, matplotlib's default style (whatever the user's
matplotlibrc says), a fixed dpi, fixed seeds, and no "Software" entry in the
PNG metadata (Agg writes no timestamp).
"""

from __future__ import annotations

import io

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (the backend must be chosen first)
import numpy as np  # noqa: E402

from derive.descent import PAPER, Loop, float64_trajectory  # noqa: E402

DPI = 100
SEED = 7            # the network's initial weights
STEPS = 5000        # full-batch Adam steps
RATE = 0.02         # Adam's step size


def _save(fig, path: Path) -> Path:
    """PNG bytes without a Software stamp, written atomically."""
    from derive.files import write_atomic

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    plt.close(fig)
    write_atomic(path, buffer.getvalue())
    return path


# --- (a) XOR ------------------------------------------------------------------

def xor_figure(path: Path) -> Path:
    r"""The inputs (x_1, x_2) \in \{0, 1\}^2, coloured by x_1 \oplus x_2."""
    x_1, x_2 = np.array([0, 1, 0, 1]), np.array([0, 0, 1, 1])
    y = x_1 ^ x_2
    with plt.style.context("default"):
        fig, ax = plt.subplots(figsize=(4, 4))
        for value, colour in ((0, "white"), (1, "black")):
            ax.scatter(x_1[y == value], x_2[y == value], s=140, c=colour, edgecolors="black",
                       linewidths=1.5, label=rf"$x_1 \oplus x_2 = {value}$", zorder=3)
        ax.set(xlim=(-0.2, 1.2), ylim=(-0.2, 1.45), xlabel="$x_1$", ylabel="$x_2$",
               xticks=[0, 1], yticks=[0, 1], title="XOR inputs")
        ax.set_aspect("equal")
        ax.grid(True, linestyle="--", linewidth=0.5)
        ax.legend(loc="upper center", ncol=2, fontsize="small")
        return _save(fig, path)


# --- (b) a line and a small ReLU network fitted to sin(x) ----------------------

def sine_data() -> tuple[np.ndarray, np.ndarray]:
    """100 evenly spaced x in [-10, 10] (a column) and y = sin(x)."""
    x = np.linspace(-10.0, 10.0, 100).reshape(-1, 1)
    return x, np.sin(x)


def least_squares_line(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    r"""The fitted values of y \approx a x + c minimising \sum (y - a x - c)^2."""
    A = np.hstack([x, np.ones_like(x)])                  # (m, 2)
    coef, *_ = np.linalg.lstsq(A, y, rcond=None)
    return A @ coef


def relu_forward(params, x):
    """The activations of every layer: ReLU on the hidden layers, identity on the last."""
    acts = [x]
    for k, (W, b) in enumerate(params):
        z = acts[-1] @ W + b                             # (m, a) x (a, b) -> (m, b)
        acts.append(z if k == len(params) - 1 else np.maximum(z, 0.0))
    return acts


def mse_gradients(params, acts, y):
    r"""\partial L / \partial W, \partial L / \partial b for L = \frac{1}{m} \sum (\hat y - y)^2."""
    g = 2.0 * (acts[-1] - y) / len(y)                    # dL/d(output)
    grads = []
    for k in range(len(params) - 1, -1, -1):
        grads.append((acts[k].T @ g, g.sum(axis=0)))
        if k:
            g = (g @ params[k][0].T) * (acts[k] > 0)     # back through W and the ReLU
    return grads[::-1]


def _adam(params, steps, rate, grad_fn, b1=0.9, b2=0.999, eps=1e-8):
    r"""Adam: m \leftarrow b_1 m + (1 - b_1) g, v \leftarrow b_2 v + (1 - b_2) g^2,
    \theta \leftarrow \theta - \eta \hat m / (\sqrt{\hat v} + \epsilon)."""
    flat = [p for pair in params for p in pair]
    m = [np.zeros_like(p) for p in flat]
    v = [np.zeros_like(p) for p in flat]
    for t in range(1, steps + 1):
        grads = [g for pair in grad_fn(params) for g in pair]
        for k, g in enumerate(grads):
            m[k] = b1 * m[k] + (1 - b1) * g
            v[k] = b2 * v[k] + (1 - b2) * g * g
            flat[k] = flat[k] - rate * (m[k] / (1 - b1**t)) / (np.sqrt(v[k] / (1 - b2**t)) + eps)
        params = [(flat[2 * i], flat[2 * i + 1]) for i in range(len(params))]
    return params


def relu_network_fit(x, y, sizes=(1, 10, 10, 1), seed=SEED, steps=STEPS, rate=RATE) -> np.ndarray:
    """The fitted values of a ReLU network trained by full-batch Adam on the MSE.

    Inputs are scaled by 1/10 (to [-1, 1]); weights start He-normal, biases zero.
    """
    rng = np.random.default_rng(seed)
    params = [(rng.standard_normal((a, b)) * np.sqrt(2.0 / a), np.zeros(b))
              for a, b in zip(sizes[:-1], sizes[1:])]
    xs = x / 10.0
    params = _adam(params, steps, rate, lambda p: mse_gradients(p, relu_forward(p, xs), y))
    return relu_forward(params, xs)[-1]


@dataclass(frozen=True)
class SineFits:
    x: np.ndarray
    y: np.ndarray
    line: np.ndarray
    network: np.ndarray

    @property
    def line_mse(self) -> float:
        return float(np.mean((self.line - self.y) ** 2))

    @property
    def network_mse(self) -> float:
        return float(np.mean((self.network - self.y) ** 2))


def sine_fits(seed=SEED, steps=STEPS, rate=RATE) -> SineFits:
    x, y = sine_data()
    return SineFits(x, y, least_squares_line(x, y), relu_network_fit(x, y, seed=seed, steps=steps, rate=rate))


def regression_figure(path: Path, fits: SineFits | None = None) -> Path:
    """Two panels: the least-squares line, and the ReLU network, each over sin(x)."""
    fits = fits or sine_fits()
    with plt.style.context("default"):
        fig, axes = plt.subplots(1, 2, figsize=(11, 4.5), sharey=True)
        panels = ((fits.line, "least-squares line", fits.line_mse, "tab:red"),
                  (fits.network, "ReLU network 1-10-10-1 (Adam)", fits.network_mse, "tab:green"))
        for ax, (pred, name, mse, colour) in zip(axes, panels):
            ax.scatter(fits.x, fits.y, s=12, color="tab:blue", label=r"$\sin(x)$")
            ax.plot(fits.x, pred, color=colour, linewidth=2, label=name)
            ax.set(title=f"{name}: MSE {mse:.4f}", xlabel="$x$", ylim=(-1.3, 1.7))
            ax.legend(loc="upper center", ncol=2, fontsize="small")
        axes[0].set_ylabel("$y$")
        fig.tight_layout()
        return _save(fig, path)


# --- (c) attention weights -----------------------------------------------------

def heatmap_figure(path: Path, weights, row_labels: Sequence[str], col_labels: Sequence[str],
                   title: str = "attention weights", decimals: int = 2) -> Path:
    """A heatmap of a weight matrix (rows: queries, columns: keys), each cell labelled."""
    W = np.asarray(weights, dtype=float)
    if W.ndim != 2 or W.shape != (len(row_labels), len(col_labels)):
        raise ValueError(f"a {W.shape} weight matrix does not fit {len(row_labels)} x {len(col_labels)} labels")
    low, high = min(0.0, float(W.min())), max(1.0, float(W.max()))
    with plt.style.context("default"):
        fig, ax = plt.subplots(figsize=(1.1 * W.shape[1] + 2, 0.9 * W.shape[0] + 1.2))
        image = ax.imshow(W, cmap="viridis", vmin=low, vmax=high)
        for (i, j), w in np.ndenumerate(W):
            light = (w - low) / (high - low) > 0.6
            ax.text(j, i, f"{w:.{decimals}f}", ha="center", va="center",
                    color="black" if light else "white", fontsize="small")
        ax.set_xticks(range(W.shape[1]), labels=list(col_labels))
        ax.set_yticks(range(W.shape[0]), labels=list(row_labels))
        ax.set(xlabel="key", ylabel="query", title=title)
        fig.colorbar(image, ax=ax, fraction=0.046, pad=0.04)
        fig.tight_layout()
        return _save(fig, path)


# --- (d) the descent loop ------------------------------------------------------

def descent_figure(path: Path, loop: Loop = PAPER,
                   labels: Sequence[str] = ("mat", "hat", "bat", "rat")) -> Path:
    """P_j against the iteration, for every class j (float64, as the script runs)."""
    P = float64_trajectory(loop).P                        # (iterations, classes)
    styles = ["-", "--", ":", "-."]
    with plt.style.context("default"):
        fig, ax = plt.subplots(figsize=(7, 4))
        for j in range(P.shape[1]):
            name = labels[j] if j < len(labels) else f"class {j}"
            true = " (true)" if j == loop.true_class else ""
            ax.plot(np.arange(P.shape[0]), P[:, j], styles[j % len(styles)], linewidth=2,
                    label=f"P({name}){true}")
        ax.set(xlabel="iteration", ylabel="probability", ylim=(0, 1),
               title=f"softmax of the logits under gradient descent (rate {loop.learning_rate})")
        ax.grid(True, linewidth=0.5, alpha=0.5)
        ax.legend(loc="center right")
        fig.tight_layout()
        return _save(fig, path)


# --- all of them ---------------------------------------------------------------

# The figures that need no data from a derivation, by file name, in drawing order.
STATIC = (("xor.png", xor_figure), ("sine_fits.png", regression_figure),
          ("descent.png", descent_figure))


def figure_names(heatmaps) -> list[str]:
    """The names of the files ``render_all`` writes, without drawing anything."""
    return [name for name, _ in STATIC] + [f"attention_{name}.png" for name in sorted(heatmaps)]


def render_all(out_dir: Path, heatmaps: Mapping[str, tuple]) -> list[Path]:
    """Every figure into out_dir; ``heatmaps`` maps a name to (weights, row_labels,
    col_labels) and gives ``attention_<name>.png``, in sorted name order."""
    out = Path(out_dir)
    paths = [draw(out / name) for name, draw in STATIC]
    for name in sorted(heatmaps):
        weights, rows, cols = heatmaps[name]
        paths.append(heatmap_figure(out / f"attention_{name}.png", weights, rows, cols,
                                    title=f"attention weights: {name}"))
    return paths
