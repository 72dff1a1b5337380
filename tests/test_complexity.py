"""Cost and size: the derived formulas against hand counts and against a
brute-force count of every scalar operation of a plain decoder layer."""

import math
from functools import reduce

import numpy as np
import pytest
import sympy as sp

from derive.complexity import (GPT_CONFIGS, V, config_values, l, layer_ops, layer_parameters,
                               layer_total, n_ctx, paper_vs_derived, size_table, stack_ops,
                               total_parameters)
from derive.symbols import d_model, h, n


# --- parameters -------------------------------------------------------------------

def test_parameters_reproduce_a_hand_count_of_a_tiny_model():
    # l = 1, d = 4, V = 5, n_ctx = 3 (h = 2 heads of width 2: heads do not change the count).
    embedding = 5 * 4 + 3 * 4                          # W_E (V x d), W_P (n_ctx x d)
    attention = 3 * (2 * (4 * 2) + 2 * (1 * 2))        # W_Q, W_K, W_V and biases, 2 heads each
    attention += 4 * 4 + 1 * 4                         # W_O, b_O
    ffn = 4 * 16 + 1 * 16 + 16 * 4 + 1 * 4             # W_1, b_1, W_2, b_2
    norms = 2 * (1 * 4 + 1 * 4)                        # two layer norms: gamma, beta
    final = 1 * 4 + 1 * 4                              # final layer norm; output tied to W_E
    hand = embedding + 1 * (attention + ffn + norms) + final
    assert total_parameters().subs({l: 1, d_model: 4, V: 5, n_ctx: 3}) == hand == 284


def test_parameter_formulas_do_not_depend_on_the_number_of_heads():
    assert h not in total_parameters().free_symbols
    assert layer_parameters().free_symbols == {d_model}


# Published totals (117M, 1.5B, 175B); GPT-2 XL and GPT-3 must land within 5 %.
@pytest.mark.parametrize("name, published, tolerance", [
    ("GPT-1", 117e6, 0.01),
    ("GPT-2 XL", 1.5e9, 0.05),
    ("GPT-3", 175e9, 0.05),
])
def test_gpt_totals_near_published(name, published, tolerance):
    row = next(r for r in size_table() if r.config.name == name)
    assert abs(row.parameters / published - 1) < tolerance
    assert row.ratio == sp.Rational(row.parameters, row.config.published)


def test_gpt2_xl_total_matches_a_numpy_count_of_its_shapes():
    d, V_, n_ctx_, layers = 1600, 50257, 1024, 48
    shapes = [(d, 3 * d), (3 * d,), (d, d), (d,), (d, 4 * d), (4 * d,), (4 * d, d), (d,)] + [(d,)] * 4
    per_layer = sum(int(np.prod(s)) for s in shapes)
    hand = V_ * d + n_ctx_ * d + layers * per_layer + 2 * d
    assert next(r for r in size_table() if r.config.name == "GPT-2 XL").parameters == hand


# --- operations: a brute-force count with counting scalars ------------------------

class Tally:
    """A float that counts every operation done on it, by kind."""

    counts: dict = {}
    in_product = False   # inside a matrix product, * and + are one multiply-accumulate

    def __init__(self, v):
        self.v = v

    @classmethod
    def note(cls, kind):
        cls.counts[kind] = cls.counts.get(kind, 0) + 1

    def __add__(self, o):
        Tally.note("mac_add" if Tally.in_product else "add")
        return Tally(self.v + getattr(o, "v", o))

    def __sub__(self, o):
        Tally.note("add")
        return Tally(self.v - getattr(o, "v", o))

    def __mul__(self, o):
        Tally.note("mac_mul" if Tally.in_product else "mul")
        return Tally(self.v * getattr(o, "v", o))

    def __truediv__(self, o):
        Tally.note("div")
        return Tally(self.v / getattr(o, "v", o))

    def exp(self):
        Tally.note("exp")
        return Tally(math.exp(self.v) if self.v != -math.inf else 0.0)

    def sqrt(self):
        Tally.note("sqrt")
        return Tally(math.sqrt(self.v))

    def relu(self):
        Tally.note("cmp")
        return Tally(max(0.0, self.v))


def product(A, B):
    Tally.in_product = True
    out = [[reduce(lambda acc, k: acc + A[i][k] * B[k][j], range(len(B)), Tally(0.0))
            for j in range(len(B[0]))] for i in range(len(A))]
    Tally.in_product = False
    return out


def plus_row(M, b):
    return [[x + y for x, y in zip(row, b)] for row in M]


def softmax_rows(M):
    out = []
    for row in M:
        e = [x.exp() for x in row]
        total = reduce(lambda a, b: a + b, e)
        out.append([x / total for x in e])
    return out


def layer_norm_rows(M, gamma, beta, eps=1e-5):
    out = []
    for row in M:
        c = len(row)
        mu = reduce(lambda a, b: a + b, row) / c
        centred = [x - mu for x in row]
        var = reduce(lambda a, b: a + b, [x * x for x in centred]) / c
        sigma = (var + eps).sqrt()
        out.append([g * x / sigma + b for x, g, b in zip(centred, gamma, beta)])
    return out


def random_matrix(rng, rows, cols):
    return [[Tally(float(v)) for v in r] for r in rng.standard_normal((rows, cols))]


def plain_decoder_layer(n_, d, heads, rng):
    """A pre-norm GPT decoder layer written out with lists of counting scalars."""
    dk, dff = d // heads, 4 * d
    X = random_matrix(rng, n_, d)
    g, b = random_matrix(rng, 1, d)[0], random_matrix(rng, 1, d)[0]
    N1 = layer_norm_rows(X, g, b)
    head_outputs = []
    for _ in range(heads):
        Q, K, Vh = (plus_row(product(N1, random_matrix(rng, d, dk)), random_matrix(rng, 1, dk)[0])
                    for _ in range(3))
        S = [[s * (1 / math.sqrt(dk)) for s in row] for row in product(Q, list(map(list, zip(*K))))]
        S = [[s if j <= i else Tally(-math.inf) for j, s in enumerate(row)] for i, row in enumerate(S)]
        head_outputs.append(product(softmax_rows(S), Vh))
    H = [sum((ho[i] for ho in head_outputs), []) for i in range(n_)]
    O = plus_row(product(H, random_matrix(rng, d, d)), random_matrix(rng, 1, d)[0])
    R1 = [[x + o for x, o in zip(rx, ro)] for rx, ro in zip(X, O)]
    N2 = layer_norm_rows(R1, g, b)
    hidden = [[x.relu() for x in row]
              for row in plus_row(product(N2, random_matrix(rng, d, dff)), random_matrix(rng, 1, dff)[0])]
    F = plus_row(product(hidden, random_matrix(rng, dff, d)), random_matrix(rng, 1, d)[0])
    return [[x + f for x, f in zip(rx, rf)] for rx, rf in zip(R1, F)]


@pytest.mark.parametrize("n_, d, heads", [(1, 2, 1), (3, 4, 2), (5, 6, 3), (4, 8, 4)])
def test_layer_ops_equal_a_brute_force_count(n_, d, heads):
    Tally.counts = {}
    plain_decoder_layer(n_, d, heads, np.random.default_rng(0))
    counted = dict(Tally.counts)
    ours = layer_total().subs({n: n_, d_model: d, h: heads})
    assert counted.pop("mac_mul") == counted.pop("mac_add") == ours.mac
    for kind, value in ours.items():
        if kind != "mac":
            assert counted.get(kind, 0) == value, kind


def test_layer_macs_are_the_hand_derived_polynomial():
    # Q, K, V, O: 4 n d^2; FFN: 2 * n d (4d); scores and A V: 2 n^2 d (summed over heads).
    assert sp.expand(layer_total().mac - (12 * n * d_model**2 + 2 * n**2 * d_model)) == 0
    steps = dict(layer_ops())
    assert steps["S"].mac == n**2 * d_model and steps["F"].mac == 8 * n * d_model**2


def test_one_token_uses_every_weight_once():
    # At n = 1 a token meets each weight of the layers and the tied output matrix once,
    # plus 2 d for the 1 x 1 attention of each layer.
    macs = sp.expand(sum((o.mac for _, o in stack_ops()), sp.S.Zero))
    assert sp.expand(macs.subs(n, 1) - (l * 12 * d_model**2 + V * d_model + 2 * l * d_model)) == 0


def test_paper_claim_record():
    record = paper_vs_derived()
    assert record["n_squared_term"] == 2 * n**2 * d_model
    gpt3 = config_values(GPT_CONFIGS[2])
    assert record["linear_over_quadratic_gpt3"] == sp.Rational(6 * gpt3[d_model], gpt3[n])  # 6 d / n
    d_paper = 1024
    paper_hand = 50257 * d_paper + 2048 * d_paper + 175 * (12 * d_paper**2 + 13 * d_paper) + 2 * d_paper
    assert record["parameters_with_paper_figures"] == paper_hand
