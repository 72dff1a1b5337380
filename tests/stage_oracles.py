"""mpmath oracles shared by the stage tests: a certified value as an mpf, the
gradient of sum g f(x) by mpmath's numerical derivative, and a one-step spec."""

from __future__ import annotations

import mpmath
import sympy as sp
from flint import ctx

from derive.evaluate import ball

mpmath.mp.dps = 50
TOLERANCE = mpmath.mpf(10) ** -35


def as_mp(expr) -> mpmath.mpf:
    """An exact SymPy value as an mpf, from an Arb ball at 400 bits."""
    with ctx.workprec(400):
        return mpmath.mpf(ball(sp.Integer(expr) if isinstance(expr, int) else expr).mid().str(60, radius=False))


def mp(q) -> mpmath.mpf:
    """A SymPy rational as an mpf."""
    q = sp.Rational(q)
    return mpmath.mpf(int(q.p)) / int(q.q)


def numeric_vjp(f, x: list, g: list) -> list:
    r"""(\partial / \partial x_j) \sum_i g_i f(x)_i for each j, by mpmath's numerical derivative
    of ``f`` (a function of a list of mpf, written in the test, independently of derive)."""
    def loss_along(j):
        return lambda t: sum(gi * yi for gi, yi in zip(g, f([t if k == j else x[k] for k in range(len(x))])))
    return [mpmath.diff(loss_along(j), x[j]) for j in range(len(x))]


def run_step(tmp_path, inputs: str, step: str):
    """The derivation of a spec with ``inputs`` (TOML lines) and one step (TOML lines)."""
    from derive.derivation import run
    from derive.spec import load_spec

    spec = tmp_path / "one.toml"
    spec.write_text(f'name = "one"\n[inputs]\n{inputs}\n[[steps]]\n{step}\n')
    return run(load_spec(spec))
