"""Generate a corpus of worked examples of transformer math, with planted errors and their key.

    python bench/corpus_gen.py OUTDIR [--count 200] [--seed 0]

Each document is a few sections (softmax of logits, scaled dot-product
attention, layer norm, cross-entropy with its gradient and one SGD step,
activations, a matrix product, plain statistics), each written in one of
several notations: LaTeX display and inline math, plain-text arithmetic,
Markdown tables, fenced Python with its printed output. Every printed value is
computed with mpmath at 50 digits and rounded (2 to 6 decimals) only when
printed. About half the documents get 1 to 3 planted errors (a wrong digit, a
sign flip, two entries swapped, a rounding to the wrong side, a forgotten
1/sqrt(d_k)). A few documents are pathological on purpose: a very long one
and one with a large matrix product (none is meant to hang).

OUTDIR/key.json holds, per document, every printed result (line, label,
printed text, decimals, exact value to 40 digits, the mpmath expression that
computes it, whether it was planted) and the planted errors (lines, kind,
what was printed instead of what). The same seed gives the same bytes.
"""

from __future__ import annotations

import argparse
import json
import random
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from pathlib import Path

import mpmath as mp

mp.mp.dps = 50

# Rules as data: how often each thing happens, and why.
POLICY = {
    "planted_fraction": 0.5,        # documents with at least one planted error
    "errors_per_planted": (1, 3),   # errors in such a document
    "sections": (3, 5),             # sections of an ordinary document
    "large_sections": 60,           # sections of the long pathological document
    "huge_size": 24,                # n of the n x n product in the large-matrix document
    "pathological_every": 50,       # one long and one large-matrix document per this many
    "decimals": (2, 3, 4, 4, 4, 5, 6),  # printed decimals, drawn per section (4 is the common choice)
}
ERROR_KINDS = ("digit", "sign", "swap", "wrong_side", "missing_scale")


# ---------------------------------------------------------------- exact values with their formula

@dataclass(frozen=True)
class E:
    """An exact value (mpmath, 50 digits) and an mpmath expression over literals that computes it."""
    v: mp.mpf
    t: str

    def __add__(a, b): return E(a.v + b.v, f"({a.t} + {b.t})")
    def __sub__(a, b): return E(a.v - b.v, f"({a.t} - {b.t})")
    def __mul__(a, b): return E(a.v * b.v, f"({a.t} * {b.t})")
    def __truediv__(a, b): return E(a.v / b.v, f"({a.t} / {b.t})")
    def __neg__(a): return E(-a.v, f"(-{a.t})")


def lit(text: str) -> E:
    return E(mp.mpf(text), f"mpf('{text}')")


def exp(a: E) -> E: return E(mp.exp(a.v), f"exp({a.t})")
def log(a: E) -> E: return E(mp.log(a.v), f"log({a.t})")
def sqrt(a: E) -> E: return E(mp.sqrt(a.v), f"sqrt({a.t})")
def relu(a: E) -> E: return E(max(a.v, mp.mpf(0)), f"relu({a.t})")
def sigmoid(a: E) -> E: return E(1 / (1 + mp.exp(-a.v)), f"(1 / (1 + exp(-{a.t})))")
def gelu(a: E) -> E: return E(a.v * (1 + mp.erf(a.v / mp.sqrt(2))) / 2, f"({a.t} * (1 + erf({a.t} / sqrt(2))) / 2)")


def total(xs: list[E]) -> E:
    out = xs[0]
    for x in xs[1:]:
        out = out + x
    return out


def mean(xs: list[E]) -> E:
    return total(xs) / lit(str(len(xs)))


def variance(xs: list[E]) -> E:
    """Population variance (divided by n), as layer norm takes it."""
    mu = mean(xs)
    return mean([(x - mu) * (x - mu) for x in xs])


def softmax(z: list[E]) -> list[E]:
    """p_i = e^{z_i} / \\sum_j e^{z_j}"""
    e = [exp(x) for x in z]
    s = total(e)
    return [x / s for x in e]


def layer_norm(x: list[E], eps: E) -> list[E]:
    """(x - mu) / sqrt(sigma^2 + eps), without gain and bias"""
    mu, sd = mean(x), sqrt(variance(x) + eps)
    return [(v - mu) / sd for v in x]


def matmul(A: list[list[E]], B: list[list[E]]) -> list[list[E]]:
    # (n, k) x (k, m) -> (n, m)
    return [[total([a * B[j][c] for j, a in enumerate(row)]) for c in range(len(B[0]))] for row in A]


# ---------------------------------------------------------------- printing

def rounded(value: mp.mpf, decimals: int, mode=ROUND_HALF_UP) -> str:
    """The value at this many decimals (half away from zero); never '-0.00'."""
    q = Decimal(mp.nstr(value, 40, min_fixed=-100, max_fixed=100)).quantize(Decimal(1).scaleb(-decimals), mode)
    text = f"{q:f}"
    return text[1:] if text.startswith("-") and Decimal(text) == 0 else text


@dataclass
class Slot:
    """One printed result: what it is, its exact value, and the text printed (planted or not)."""
    value: E
    decimals: int
    label: str
    group: int
    entry: list | None = None
    alts: dict = field(default_factory=dict)   # error kind -> the value printed under that slip
    printed: str = ""
    line: int = 0
    planted: bool = False

    def __post_init__(self):
        self.printed = rounded(self.value.v, self.decimals)


class Doc:
    """The slots of one document and the random source its sections draw from."""

    def __init__(self, rng: random.Random):
        self.rng, self.slots, self.groups = rng, [], 0

    def slot(self, value: E, d: int, label: str, entry=None, group=None) -> Slot:
        if group is None:
            self.groups += 1
            group = self.groups
        s = Slot(value, d, label, group, entry)
        self.slots.append(s)
        return s

    def vector(self, values: list[E], d: int, label: str) -> list[Slot]:
        self.groups += 1
        return [self.slot(v, d, label, [i + 1], self.groups) for i, v in enumerate(values)]

    def matrix(self, rows: list[list[E]], d: int, label: str) -> list[list[Slot]]:
        self.groups += 1
        return [[self.slot(v, d, label, [i + 1, j + 1], self.groups) for j, v in enumerate(r)]
                for i, r in enumerate(rows)]

    def decimal(self, lo: float, hi: float, places: int = 1) -> str:
        """A random input written with this many decimals, never 0 or -0."""
        while True:
            text = f"{self.rng.uniform(lo, hi):.{places}f}"
            if Decimal(text) != 0:
                return text

    def decimals(self, n: int, lo=-2.0, hi=2.0, places=1) -> list[str]:
        return [self.decimal(lo, hi, places) for _ in range(n)]


def join(items: list, sep: str) -> list:
    out = []
    for i, x in enumerate(items):
        out += ([sep] if i else []) + (x if isinstance(x, list) else [x])
    return out


def bmatrix(row: list) -> list:
    return ["\\begin{bmatrix} ", *join(row, " & "), " \\end{bmatrix}"]


def pmatrix(rows: list[list]) -> list:
    return ["\\begin{pmatrix} ", *join([join(r, " & ") for r in rows], " \\\\ "), " \\end{pmatrix}"]


def plain_list(row: list, sep: str = ", ") -> list:
    return ["[", *join(row, sep), "]"]


def render(line: list) -> str:
    return "".join(p.printed if isinstance(p, Slot) else p for p in line)


# ---------------------------------------------------------------- sections: (title, lines), a line a list of parts

def softmax_section(doc: Doc, d: int) -> tuple[str, list]:
    rng = doc.rng
    zt = doc.decimals(rng.randint(3, 5), -3, 3, rng.choice([1, 1, 2]))
    z = [lit(t) for t in zt]
    p, e = softmax(z), [exp(x) for x in z]
    style = rng.choice(["latex", "latex", "inline", "table", "code"])
    if style == "inline":
        return "Softmax of a few logits", [
            ["The logits of the next token are turned into probabilities:"], [],
            ["`softmax(", *plain_list(zt), ") = ", *plain_list(doc.vector(p, d, "softmax(z)")), "`"]]
    if style == "table":
        ps = doc.vector(p, d, "softmax(z)")
        return "Softmax, one row per token", [
            ["| Logit | Softmax |"], ["|---:|---:|"], *[[f"| {t} | ", s, " |"] for t, s in zip(zt, ps)]]
    if style == "code":
        out = doc.vector(p, d, "p")
        return "Softmax in NumPy", [
            ["```python"], ["import numpy as np"], [], [f"z = np.array([{', '.join(zt)}])"],
            ["p = np.exp(z) / np.exp(z).sum()"], [f"print(p.round({d}))"], ["```"], [], ["Output:"], [],
            ["```"], plain_list(out, " "), ["```"]]
    k = max(range(len(z)), key=lambda i: z[i].v)
    exps = join([[f"e^{{{t}}} \\approx ", doc.slot(x, d, f"e^{t}")] for t, x in zip(zt, e)], ", \\quad ")
    return "Softmax of the logits", [
        ["The logits are"], [], ["$$ z = ", *bmatrix(zt), " $$"], [], ["Exponentiating each entry:"], [],
        ["$$ ", *exps, " $$"], [], ["and normalising by their sum gives"], [],
        ["$$ p = \\mathrm{softmax}(z) \\approx ", *bmatrix(doc.vector(p, d, "p")), " $$"], [],
        [f"The largest weight is $p_{{{k + 1}}} = e^{{{zt[k]}}} / \\sum_j e^{{z_j}} \\approx ",
         doc.slot(p[k], d, f"p_{k + 1}"), "$."]]


def attention_section(doc: Doc, d: int) -> tuple[str, list]:
    rng = doc.rng
    n, d_k = rng.randint(2, 3), rng.randint(2, 4)
    Qt = [doc.decimals(d_k, -1.5, 1.5) for _ in range(n)]
    Kt = [doc.decimals(d_k, -1.5, 1.5) for _ in range(n)]
    Q, K = [[lit(t) for t in r] for r in Qt], [[lit(t) for t in r] for r in Kt]
    raw = matmul(Q, [list(c) for c in zip(*K)])        # (n, d_k) x (d_k, n) -> (n, n)
    S = [[x / sqrt(lit(str(d_k))) for x in r] for r in raw]
    A, A_raw = [softmax(r) for r in S], [softmax(r) for r in raw]
    Ss = forgetting_scale(doc.matrix(S, d, "S"), raw)
    if rng.random() < 0.3:
        lines = [["```python"], ["import numpy as np"], [], [f"d_k = {d_k}"],
                 [f"Q = np.array({plain_rows(Qt)})"], [f"K = np.array({plain_rows(Kt)})"],
                 ["S = Q @ K.T / np.sqrt(d_k)"], [f"print(S.round({d}))"], ["```"], [], ["Output:"], [], ["```"]]
        rows = [plain_list(r, " ") for r in Ss]
        return "Scaled dot-product scores in NumPy", lines + [
            [("[" if i == 0 else " "), *r, ("]" if i == len(rows) - 1 else "")] for i, r in enumerate(rows)] + [["```"]]
    return "Scaled dot-product attention", [
        [f"Two small projections, with $d_k = {d_k}$:"], [],
        ["$$ Q = ", *pmatrix(Qt), ", \\quad K = ", *pmatrix(Kt), " $$"], [],
        ["The scores are divided by $\\sqrt{d_k}$ before the softmax:"], [],
        ["$$ S = \\frac{Q K^T}{\\sqrt{d_k}} = ", *pmatrix(Ss), " $$"], [],
        ["and each row of the weights sums to one:"], [],
        ["$$ A = \\mathrm{softmax}(S) = ", *pmatrix(forgetting_scale(doc.matrix(A, d, "A"), A_raw)), " $$"]]


def forgetting_scale(slots: list[list[Slot]], alt: list[list[E]]) -> list[list[Slot]]:
    """Record what each entry would print had the author forgotten 1/sqrt(d_k)."""
    for sr, ar in zip(slots, alt):
        for s, a in zip(sr, ar):
            s.alts["missing_scale"] = a
    return slots


def paren(t: str) -> str:
    """A negative number in plain-text arithmetic, in parentheses as people write it."""
    return f"({t})" if t.startswith("-") else t


def plain_rows(rows: list[list[str]]) -> str:
    return "[" + ", ".join("[" + ", ".join(r) + "]" for r in rows) + "]"


def layer_norm_section(doc: Doc, d: int) -> tuple[str, list]:
    rng = doc.rng
    xt = doc.decimals(rng.randint(4, 6), -2.5, 2.5)
    x, eps = [lit(t) for t in xt], lit("0.00001")
    mu, var = mean(x), variance(x)
    n = len(x)
    if rng.random() < 0.5:
        mu_s, m = doc.slot(mu, d, "mean"), rounded(mu.v, d)
        dev = " + ".join(f"({t} - {paren(m)})^2" for t in xt)
        var = mean([(v - lit(m)) * (v - lit(m)) for v in x])   # from the mean as printed, as the line says
        return "Mean and variance, by hand", [
            [f"The hidden vector of one token is x = [{', '.join(xt)}]."], [],
            [f"Adding its entries, {' + '.join(map(paren, xt))} = ", doc.slot(total(x), d, "sum"),
             f", so its mean is mean = ({' + '.join(map(paren, xt))}) / {n} = ", mu_s, "."], [],
            [f"Its variance is var = ({dev}) / {n} = ", doc.slot(var, d, "var"), "."]]
    return "Layer normalisation of one token", [
        ["The hidden vector, with $\\epsilon = 10^{-5}$:"], [], ["$$ x = ", *bmatrix(xt), " $$"], [],
        ["$$ \\mu = \\frac{1}{" + str(n) + "} \\sum_i x_i = ", doc.slot(mu, d, "mu"), " $$"], [],
        ["$$ \\sigma^2 = \\frac{1}{" + str(n) + "} \\sum_i (x_i - \\mu)^2 = ", doc.slot(var, d, "sigma^2"), " $$"], [],
        ["$$ \\mathrm{LN}(x) = \\frac{x - \\mu}{\\sqrt{\\sigma^2 + \\epsilon}} \\approx ",
         *bmatrix(doc.vector(layer_norm(x, eps), d, "LN(x)")), " $$"]]


def loss_section(doc: Doc, d: int) -> tuple[str, list]:
    rng = doc.rng
    zt = doc.decimals(rng.randint(3, 4), -2, 2)
    z, k, eta = [lit(t) for t in zt], rng.randrange(len(zt)), rng.choice(["0.1", "0.5", "0.05"])
    p = softmax(z)
    y = [lit("1" if i == k else "0") for i in range(len(z))]
    g = [a - b for a, b in zip(p, y)]
    step = [a - lit(eta) * b for a, b in zip(z, g)]
    L = -log(lit(rounded(p[k].v, d)))                  # what the working line computes, from p_k as printed
    lines = [
        [f"Logits and a one-hot target (class {k + 1}):"], [],
        ["$$ z = ", *bmatrix(zt), ", \\quad y = ", *bmatrix([str(int(i == k)) for i in range(len(z))]), " $$"], [],
        ["$$ p = \\mathrm{softmax}(z) \\approx ", *bmatrix(doc.vector(p, d, "p")), " $$"], []]
    if rng.random() < 0.5:
        lines += [["$$ L = -\\log p_{" + str(k + 1) + "} = -\\log " + rounded(p[k].v, d) + " \\approx ",
                   doc.slot(L, d, "L"), " $$"], []]
    else:
        lines += [[f"The loss is L = -ln({rounded(p[k].v, d)}) = ", doc.slot(L, d, "L"), "."], []]
    lines += [["Its gradient with respect to the logits is predicted minus target:"], [],
              ["$$ g = p - y \\approx ", *bmatrix(doc.vector(g, d, "g")), " $$"], [],
              [f"One SGD step with learning rate $\\eta = {eta}$:"], [],
              ["$$ z' = z - \\eta g \\approx ", *bmatrix(doc.vector(step, d, "z'")), " $$"]]
    if rng.random() < 0.5:
        g_k = rounded(g[k].v, d)
        lines += [[], [f"For the target entry by hand, {zt[k]} - {eta} * ({g_k}) = ",
                        doc.slot(lit(zt[k]) - lit(eta) * lit(g_k), d, f"z'_{k + 1}"), "."]]
    return "Cross-entropy, its gradient and one step", lines


ACTIVATIONS = {"ReLU": ("\\mathrm{ReLU}", relu), "GELU": ("\\mathrm{GELU}", gelu), "sigmoid": ("\\sigma", sigmoid)}


def activation_section(doc: Doc, d: int) -> tuple[str, list]:
    rng = doc.rng
    xt = doc.decimals(rng.randint(3, 5), -3, 3, 2)
    names = rng.sample(sorted(ACTIVATIONS), rng.randint(1, 3))
    if rng.random() < 0.3:
        parts = join([[f"${ACTIVATIONS[f][0]}({t}) \\approx ", doc.slot(ACTIVATIONS[f][1](lit(t)), d, f"{f}({t})"), "$"]
                      for f in names for t in xt[:2]], ", ")
        return "Activations at a few points", [["At a few points: ", *parts, "."]]
    head = "| $x$ | " + " | ".join(f"${ACTIVATIONS[f][0]}(x)$" for f in names) + " |"
    rows = [[f"| {t} | ", *join([doc.slot(ACTIVATIONS[f][1](lit(t)), d, f"{f}({t})") for f in names], " | "), " |"]
            for t in xt]
    return "Activation functions", [[head], ["|---:|" + "---:|" * len(names)], *rows]


def matmul_section(doc: Doc, d: int, n: int = 0) -> tuple[str, list]:
    rng = doc.rng
    n, k, m = (n, n, n) if n else (rng.randint(2, 3), rng.randint(2, 3), rng.randint(2, 3))
    At = [doc.decimals(k, -2, 2) for _ in range(n)]
    Bt = [doc.decimals(m, -2, 2) for _ in range(k)]
    C = matmul([[lit(t) for t in r] for r in At], [[lit(t) for t in r] for r in Bt])
    return "A matrix product", [
        ["$$ X = ", *pmatrix(At), ", \\quad W = ", *pmatrix(Bt), " $$"], [],
        [f"The product is ({n} x {k}) times ({k} x {m}):"], [],
        ["$$ X W = ", *pmatrix(doc.matrix(C, 2, "XW")), " $$"]]


def statistics_section(doc: Doc, d: int) -> tuple[str, list]:
    rng = doc.rng
    qt, kt = doc.decimals(3, -2, 2), doc.decimals(3, -2, 2)
    dot = total([lit(a) * lit(b) for a, b in zip(qt, kt)])
    w, g, lr = doc.decimal(-2, 2, 2), doc.decimal(-1, 1, 2), rng.choice(["0.1", "0.01", "0.5"])
    return "Plain arithmetic", [
        [f"The dot product of q and k is {' + '.join(f'{a} * {paren(b)}' for a, b in zip(qt, kt))} = ",
         doc.slot(dot, 2, "q.k"), f". Scaled by 1/sqrt(3): {rounded(dot.v, 2)} / sqrt(3) = ",
         doc.slot(dot / sqrt(lit("3")), d, "q.k/sqrt(3)"), "."], [],
        [f"A weight of {w} with gradient {g} and learning rate {lr} takes one step: w_new = {w} - {lr} * {paren(g)} = ",
         doc.slot(lit(w) - lit(lr) * lit(g), 4, "w'"), "."]]


SECTIONS = (softmax_section, attention_section, layer_norm_section, loss_section, activation_section,
            matmul_section, statistics_section)


# ---------------------------------------------------------------- planted errors: a rule returns the slots it changed

def ulp(s: Slot) -> Decimal:
    return Decimal(1).scaleb(-s.decimals)


def off_by_units(s: Slot, text: str) -> Decimal:
    """How far a printed text is from the exact value, in units of the last place."""
    return abs(Decimal(text) - Decimal(mp.nstr(s.value.v, 40))) / ulp(s)


def plant_digit(doc: Doc, s: Slot) -> list[Slot]:
    """One digit changed; at least two units off (never a rounding or a cut of the value)."""
    places = [i for i, c in enumerate(s.printed) if c.isdigit()]
    for _ in range(20):
        i = doc.rng.choice(places)
        text = s.printed[:i] + doc.rng.choice([c for c in "0123456789" if c != s.printed[i]]) + s.printed[i + 1:]
        if off_by_units(s, text) >= 2 and Decimal(text) != 0:
            s.printed = text
            return [s]
    return []


def plant_sign(doc: Doc, s: Slot) -> list[Slot]:
    if Decimal(s.printed) == 0:
        return []
    s.printed = s.printed[1:] if s.printed.startswith("-") else "-" + s.printed
    return [s]


def plant_swap(doc: Doc, s: Slot) -> list[Slot]:
    others = [o for o in doc.slots if o.group == s.group and o is not s and not o.planted and o.printed != s.printed]
    if not others:
        return []
    o = doc.rng.choice(others)
    s.printed, o.printed = o.printed, s.printed
    return [s, o]


def plant_wrong_side(doc: Doc, s: Slot) -> list[Slot]:
    """The other neighbour of the exact value: rounded up where it rounds down, or cut where it rounds up."""
    exact = Decimal(mp.nstr(s.value.v, 40))
    down = Decimal(rounded(s.value.v, s.decimals, ROUND_DOWN))
    if exact == down or abs(abs(exact - down) / ulp(s) - Decimal("0.5")) < Decimal("0.05"):
        return []                                       # exact at these decimals, or too near a tie
    up = down + (ulp(s) if exact > 0 else -ulp(s))
    text = f"{(down if Decimal(s.printed) == up else up):f}"
    if Decimal(text) == 0:
        return []
    s.printed = text
    return [s]


def plant_missing_scale(doc: Doc, s: Slot) -> list[Slot]:
    """The attention scores not divided by sqrt(d_k), and everything computed from them."""
    changed = []
    for o in doc.slots:
        if "missing_scale" in o.alts and o.group in (s.group, s.group + 1) and not o.planted:
            text = rounded(o.alts["missing_scale"].v, o.decimals)
            if text != o.printed:
                o.printed = text
                changed.append(o)
    return changed


PLANTERS = {"digit": plant_digit, "sign": plant_sign, "swap": plant_swap, "wrong_side": plant_wrong_side,
            "missing_scale": plant_missing_scale}


def plant(doc: Doc, count: int) -> list[dict]:
    """Plant up to count errors, each on lines no other error touches."""
    errors, used = [], set()
    for _ in range(count * 10):
        if len(errors) == count:
            break
        kind = doc.rng.choice(ERROR_KINDS)
        pool = [s for s in doc.slots if not s.planted and s.line not in used
                and (kind != "missing_scale" or ("missing_scale" in s.alts and s.label == "S"))]
        if not pool:
            continue
        s = doc.rng.choice(pool)
        before = {id(o): o.printed for o in doc.slots}
        changed = PLANTERS[kind](doc, s)
        if not changed or used & {o.line for o in changed}:
            for o in doc.slots:
                o.printed = before[id(o)]
            continue
        for o in changed:
            o.planted = True
        used |= {o.line for o in changed}
        errors.append({"kind": kind, "lines": sorted({o.line for o in changed}),
                       "changes": [{"line": o.line, "label": o.label, "entry": o.entry, "printed": o.printed,
                                    "correct": before[id(o)], "exact": mp.nstr(o.value.v, 40)} for o in changed]})
    return errors


# ---------------------------------------------------------------- documents

TITLES = ("Transformer arithmetic, worked by hand", "A small attention layer, number by number",
          "Notes on the math of one training step", "Checking the numbers of a toy transformer")


def plan(rng: random.Random, kind: str) -> list:
    """The section builders of a document, with their decimals."""
    if kind == "huge_matrix":
        return [(lambda doc, d: matmul_section(doc, d, POLICY["huge_size"]), 2), (softmax_section, 4)]
    if kind == "large":                     # sections repeat, and so do their names
        builders = [rng.choice(SECTIONS) for _ in range(POLICY["large_sections"])]
    else:                                   # each kind once: a name means one thing in the document
        builders = rng.sample(SECTIONS, rng.randint(*POLICY["sections"]))
    return [(b, rng.choice(POLICY["decimals"])) for b in builders]


def document(rng: random.Random, kind: str) -> tuple[str, dict]:
    """One document's Markdown and its key."""
    doc = Doc(rng)
    lines = [[f"# {rng.choice(TITLES)}"], [], ["Every number below is worked out from the inputs given."]]
    sections = []
    for build, d in plan(rng, kind):
        title, body = build(doc, d)
        lines += [[], [f"## {title}"], [], *body]
        sections.append([title, len(lines) - len(body) - 1, len(lines)])
    for n, line in enumerate(lines, 1):
        for p in line:
            if isinstance(p, Slot):
                p.line = n
    planted = rng.random() < POLICY["planted_fraction"]
    errors = plant(doc, rng.randint(*POLICY["errors_per_planted"])) if planted else []
    values = [{"line": s.line, "label": s.label, "entry": s.entry, "printed": s.printed, "decimals": s.decimals,
               "exact": mp.nstr(s.value.v, 40), "expr": s.value.t, "planted": s.planted} for s in doc.slots]
    return "\n".join(render(line) for line in lines) + "\n", {"kind": kind, "errors": errors, "values": values,
                                                             "sections": sections}


def kind_of(i: int) -> str:
    every = POLICY["pathological_every"]
    return {every // 3: "large", 2 * every // 3: "huge_matrix"}.get(i % every, "normal")


def generate(outdir: Path, count: int, seed: int) -> dict:
    """Write count documents and key.json into outdir; return the key."""
    outdir.mkdir(parents=True, exist_ok=True)
    key = {"seed": seed, "count": count, "documents": {}}
    for i in range(count):
        name = f"doc_{i:03d}.md"
        text, entry = document(random.Random(f"{seed}:{i}"), kind_of(i))
        (outdir / name).write_text(text)
        key["documents"][name] = entry
    (outdir / "key.json").write_text(json.dumps(key, indent=1, sort_keys=True) + "\n")
    return key


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("outdir", type=Path)
    ap.add_argument("--count", type=int, default=200)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    key = generate(args.outdir, args.count, args.seed)
    docs = key["documents"].values()
    print(f"{args.count} documents in {args.outdir}: {sum(len(d['values']) for d in docs)} printed results, "
          f"{sum(len(d['errors']) for d in docs)} planted errors in {sum(1 for d in docs if d['errors'])} documents")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
