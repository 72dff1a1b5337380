"""The fast face against the exact face and against plain NumPy written here.

Oracles: the exact face (explicit SymPy matrices through the stages, digits
from Arb balls), the worked example's certified digits, and a plain NumPy
forward pass in this file that shares no code with derive.fast.
"""

import random

import numpy as np
import pytest
import sympy as sp
from flint import ctx

from derive import symbols as s
from derive.derivation import run
from derive.evaluate import ball, bounds
from derive.fast import CompileError, compile_stages, encoder_block, source
from derive.fast_kernels import _chain_order, chain
from derive.spec import example_path, load_spec
from derive.stages.attention import causal_mask, matmul, project, scaled_scores
from derive.stages.softmax import softmax as softmax_stage, softmax_fast as softmax
from derive.stages.embedding import add
from derive.stages.activation import relu
from derive.stages.matexpr import Concat
from derive.stages.norm import layer_norm

EPS = 1e-6
RTOL = 1e-12


def close(got, want, rtol=RTOL):
    """Relative agreement, measured against the size of the whole result."""
    np.testing.assert_allclose(got, want, rtol=rtol, atol=rtol * np.abs(want).max())


# A plain NumPy forward pass: the oracle for random inputs --------------------

def plain_layer_norm(x):
    mu = x.mean(axis=1, keepdims=True)
    var = ((x - mu) ** 2).mean(axis=1, keepdims=True)
    return (x - mu) / np.sqrt(var + EPS)


def plain_head(x, W_Q, W_K, W_V, masked):
    Q, K, V = x @ W_Q, x @ W_K, x @ W_V
    S = Q @ K.T / np.sqrt(W_Q.shape[1])
    if masked:
        S = S + np.triu(np.full(S.shape, -np.inf), 1)
    P = np.exp(S - S.max(axis=1, keepdims=True))
    return (P / P.sum(axis=1, keepdims=True)) @ V


def plain_block(a: dict, heads: int, masked: bool, residual: bool):
    """One 2-D example, loops and all: no batch axis, no shared helpers."""
    x = a["X"] + a["PE"]
    suffix = [""] if heads == 1 else [f"_{i}" for i in range(1, heads + 1)]
    outs = [plain_head(x, a["W_Q" + k], a["W_K" + k], a["W_V" + k], masked) for k in suffix]
    M = np.hstack(outs) @ a["W_O"]
    N = plain_layer_norm(x + M if residual else M)
    F = np.maximum(N @ a["W_1"] + a["b_1"], 0) @ a["W_2"] + a["b_2"]
    return plain_layer_norm(N + F if residual else F)


def random_arrays(block, n, d, d_ff, rng, batch=()):
    """Arrays for the block's inputs; X and PE get the batch axes, weights do not."""
    sizes = {s.n: n, s.d_model: d, s.d_k: d, s.d_v: d, s.d_ff: d_ff}
    arrays = {}
    for m in block.inputs:
        shape = tuple(int(sp.sympify(k).subs(sizes)) for k in m.shape)
        lead = batch if m.name in ("X", "PE") else ()
        arrays[m.name] = rng.standard_normal(lead + shape) / np.sqrt(shape[0])
    return arrays


BLOCKS = [  # (heads, masked, residual)
    (1, False, False),
    (1, True, False),
    (2, False, True),
    (2, True, True),
]


@pytest.mark.parametrize("heads, masked, residual", BLOCKS)
@pytest.mark.parametrize("n, d, d_ff", [(3, 4, 6), (7, 6, 10), (1, 2, 3)])
def test_block_matches_plain_numpy(heads, masked, residual, n, d, d_ff):
    block = encoder_block(heads=heads, masked=masked, residual=residual)
    a = random_arrays(block, n, d, d_ff, np.random.default_rng(n * 10 + d))
    got = block.compile(EPS)(*a.values())
    close(got, plain_block(a, heads, masked, residual))


@pytest.mark.parametrize("heads, masked, residual", BLOCKS)
@pytest.mark.parametrize("batch", [(2,), (2, 3)])
def test_batch_axes_pass_through(heads, masked, residual, batch):
    block = encoder_block(heads=heads, masked=masked, residual=residual)
    a = random_arrays(block, 5, 4, 8, np.random.default_rng(7), batch=batch)
    got = block.compile(EPS)(*a.values())
    assert got.shape == batch + (5, 4)
    for index in np.ndindex(*batch):
        one = {k: (v[index] if k in ("X", "PE") else v) for k, v in a.items()}
        close(got[index], plain_block(one, heads, masked, residual))


def test_one_compiled_function_serves_every_shape():
    block = encoder_block()
    forward = block.compile(EPS)
    assert compile_stages(block.expr, block.inputs, {s.eps: EPS}) is forward   # cached
    assert compile_stages(block.expr, block.inputs, {s.eps: 1e-5}) is not forward
    rng = np.random.default_rng(3)
    for n, d, d_ff in [(2, 4, 4), (9, 2, 5), (4, 16, 32)]:
        a = random_arrays(block, n, d, d_ff, rng)
        close(forward(*a.values()), plain_block(a, 1, False, False))


# The exact face as the oracle ------------------------------------------------

def exact_face(block, inputs: dict, sizes: dict) -> np.ndarray:
    """The block's symbolic face with explicit rational matrices put in, digits by Arb."""
    sized = block.expr.subs(sizes)
    mapping = {m: inputs[m.name] for m in sized.atoms(sp.MatrixSymbol)}
    E = sized.xreplace(mapping).xreplace({s.eps: sp.Rational(1, 10**6)}).doit()
    memo = {}
    with ctx.workprec(200):
        return np.array([[float(sum(bounds(ball(v, {}, memo))) / 2) for v in row]
                         for row in E.tolist()])


def random_rationals(rows, cols, rnd):
    return sp.ImmutableMatrix(rows, cols, [sp.Rational(rnd.randint(-99, 99), 100) for _ in range(rows * cols)])


@pytest.mark.parametrize("heads, masked, residual", BLOCKS)
def test_block_matches_exact_face(heads, masked, residual):
    block = encoder_block(heads=heads, masked=masked, residual=residual)
    sizes = {s.n: 3, s.d_model: 4, s.d_k: 4, s.d_v: 4, s.d_ff: 5}
    rnd = random.Random(heads * 4 + masked * 2 + residual)
    exact = {m.name: random_rationals(*(int(sp.sympify(k).subs(sizes)) for k in m.shape), rnd)
             for m in block.inputs}
    floats = [np.array(exact[m.name].tolist(), dtype=float) for m in block.inputs]
    close(block.compile(EPS)(*floats), exact_face(block, exact, sizes))


@pytest.fixture(scope="module")
def worked():
    return run(load_spec(example_path("encoder")))


def whitepaper_graphs():
    """The worked example's steps as symbolic faces, built from the stages here."""
    x = add(s.X, s.PE)
    Q, K, V = project(x, s.W_Q), project(x, s.W_K), project(x, s.W_V)
    A = softmax_stage(scaled_scores(Q, K, s.d_k))
    head_1 = matmul(A, V)
    head_2 = sp.MatrixSymbol("head_2", s.n, s.d_v)
    W_O = sp.MatrixSymbol("W_O", 2 * s.d_v, s.d_model)
    N = layer_norm(project(Concat(head_1, head_2), W_O), s.eps)
    inputs = [s.X, s.PE, s.W_Q, s.W_K, s.W_V, head_2, W_O]
    return {"A": A, "head_1": head_1, "N": N}, inputs


def worked_arrays(worked, names):
    exact = dict(worked.spec.inputs)
    exact["X"], exact["PE"] = worked.step("X").link, worked.step("PE").link
    return [np.array([[float(sp.N(v, 30)) for v in row] for row in exact[k].tolist()]) for k in names]


def test_whitepaper_steps_match_certified_digits(worked):
    graphs, inputs = whitepaper_graphs()
    names = list(graphs)
    got = compile_stages([graphs[k] for k in names], inputs, {s.eps: EPS})(
        *worked_arrays(worked, [m.name for m in inputs]))
    for name, value in zip(names, got):
        want = np.array([[float(t) for t in row] for row in worked.significant(name, 30)])
        close(value, want)


def test_whitepaper_encoder_output(worked):
    block = encoder_block(given_heads=1)
    got = block.compile(EPS)(*worked_arrays(worked, [m.name for m in block.inputs]))
    want = np.array([[float(t) for t in row] for row in worked.significant("E", 30)])
    close(got, want)


# What the generated code looks like ------------------------------------------

def test_code_computes_each_intermediate_once_and_scales_by_a_scalar():
    code = source(encoder_block().expr, encoder_block().inputs, {s.eps: EPS})
    right = [line.split(" = ", 1)[1] for line in code.splitlines() if " = " in line]
    assert len(right) == len(set(right))
    assert sum("PE + X" in r for r in right) == 1
    assert "(1 / math.sqrt(d_k))" in code and ".dot(" not in code


def test_a_value_read_twice_is_never_overwritten():
    XW = matmul(s.X, s.W_1)
    f = compile_stages([softmax_stage(XW), XW, relu(XW)], [s.X, s.W_1])
    X, W = np.random.default_rng(1).standard_normal((2, 3, 3))
    P, raw, r = f(X, W)
    close(raw, X @ W)
    close(r, np.maximum(X @ W, 0))
    e = np.exp(X @ W - (X @ W).max(axis=1, keepdims=True))
    close(P, e / e.sum(axis=1, keepdims=True))


def test_masked_weights_are_exactly_zero_above_the_diagonal():
    P = softmax_stage(causal_mask(scaled_scores(matmul(s.X, s.W_Q), matmul(s.X, s.W_K), s.d_k)))
    f = compile_stages(P, [s.X, s.W_Q, s.W_K])
    X, W_Q, W_K = np.random.default_rng(2).standard_normal((3, 6, 6))
    out = f(X, W_Q, W_K)
    assert np.all(np.triu(out, 1) == 0.0)
    close(out.sum(axis=1), np.ones(6))


def test_names_that_are_not_identifiers_are_replaced():
    W = sp.MatrixSymbol("W^{Q}", s.d_model, s.d_k)
    f = compile_stages(matmul(s.X, W), [s.X, W])
    X, M = np.eye(2), np.arange(4.0).reshape(2, 2)
    close(f(X, M), M)


@pytest.mark.parametrize("expr, inputs, message", [
    (s.alpha * s.X, [s.X], "no value for alpha"),
    (add(s.X, s.PE), [s.X], "PE is not among the inputs"),
    (sp.Inverse(s.W_1 * s.W_2), [s.W_1, s.W_2], "no NumPy rule for Inverse"),
    (s.X, [s.X, sp.MatrixSymbol("X", 2, 2)], "two inputs share a name"),
])
def test_errors_name_the_problem(expr, inputs, message):
    with pytest.raises(CompileError, match=message):
        compile_stages(expr, inputs)


# The kernels -----------------------------------------------------------------

@pytest.mark.parametrize("dims, split", [
    ([10, 100, 5, 50], 1),      # (A B) C: 7,500 multiplications against 75,000
    ([50, 5, 100, 10], 0),      # A (B C): 7,500 against 75,000
    ([4, 4, 4, 4], 1),          # a tie keeps the left-to-right order
])
def test_chain_order_is_the_cheapest(dims, split):
    assert _chain_order(tuple(dims))[0, len(dims) - 2] == split


@pytest.mark.parametrize("dims", [[3, 7, 2, 9, 4], [5, 1, 6, 2], [2, 8]])
def test_chain_equals_left_to_right_product(dims):
    rng = np.random.default_rng(len(dims))
    factors = [rng.standard_normal((2, a, b)) for a, b in zip(dims, dims[1:])]
    want = factors[0]
    for f in factors[1:]:
        want = want @ f
    close(chain(*factors), want)


def test_softmax_kernel_is_stable_for_large_scores():
    out = softmax(np.array([[1000.0, 1001.0, -np.inf]]))
    e = np.exp(np.array([-1.0, 0.0]))
    close(out[0, :2], e / e.sum())
    assert out[0, 2] == 0.0



def test_compiled_layer_norm_with_gamma_and_beta_matches_numpy():
    from derive.stages.norm import layer_norm
    from derive.symbols import X, beta, eps, gamma

    forward = compile_stages(layer_norm(X, eps, gamma, beta), [X, gamma, beta], {eps: 1e-5})
    rng = np.random.default_rng(3)
    x, g, b = rng.normal(size=(2, 5, 6)), rng.normal(size=(1, 6)), rng.normal(size=(1, 6))
    mu = x.mean(axis=-1, keepdims=True)
    expected = g * (x - mu) / np.sqrt(((x - mu) ** 2).mean(axis=-1, keepdims=True) + 1e-5) + b
    np.testing.assert_allclose(forward(x, g, b), expected, rtol=1e-12, atol=1e-14)
