"""Hypothesis strategies for worked-example specs (TOML): built from the
schema's keys and often broken; specs whose shapes agree, so that they run;
and steps added to the shipped examples."""

from __future__ import annotations

from hypothesis import strategies as st

from fuzz_text import decimal_text, junk, scientific_text, small_number


STAGES = ["embed", "positional_encoding", "add", "matmul", "project", "project_transposed", "scores",
          "scaled_scores", "causal_mask", "softmax", "attention", "concat", "layer_norm",
          "layer_norm_std_eps", "relu", "feed_forward", "sigmoid", "threshold", "argmax",
          "cross_entropy", "cross_entropy_grad", "logits", "sgd_step", "log_likelihood"]


PARAMS = ["n", "d", "d_k", "eps", "alpha", "at", "masked", "tokens", "vocabulary", "table"]


def toml_number() -> st.SearchStrategy[str]:
    """A TOML number (and things that are not one)."""
    return st.one_of(decimal_text(), decimal_text(), scientific_text(),
                     st.sampled_from(["0", "1", "-1", "0.0", "1e308", "1e-308", "inf", "nan", "-inf",
                                      "1_000", '"0.5"', '"x"', "true", "[]", "9" * 250]))


@st.composite
def toml_matrix(draw, rows=None, cols=None) -> str:
    """``[[1, 0], [0, 2]]``, a flat row, a lone number, or a ragged grid."""
    rows = rows or draw(st.integers(1, 4))
    cols = cols or draw(st.integers(1, 4))
    shape = draw(st.integers(0, 9))
    if shape == 0:
        return draw(toml_number())
    grid = [[draw(toml_number() if draw(st.integers(0, 9)) == 0 else decimal_text()) for _ in range(cols)]
            for _ in range(rows)]
    if shape == 1:
        return "[" + ", ".join(grid[0]) + "]"
    if shape == 2 and rows > 1:
        grid[-1] = grid[-1][:-1]
    return "[" + ", ".join("[" + ", ".join(r) + "]" for r in grid) + "]"


@st.composite
def toml_param(draw, key: str) -> str:
    """A value for one stage parameter, usually plausible."""
    plausible = {"n": st.integers(1, 6).map(str), "d": st.sampled_from(["2", "4", "6", "3"]),
                 "d_k": st.sampled_from(["1", "2", "4", "0", "-4", "0.5"]),
                 "eps": st.sampled_from(["1e-5", "0", "0.0", "-1", "1e-6"]),
                 "alpha": decimal_text(), "at": decimal_text(),
                 "masked": st.sampled_from(["true", "false", "1"]),
                 "tokens": st.sampled_from(['["a", "b"]', '["a"]', '["zz"]', "[]", '"a"']),
                 "vocabulary": st.sampled_from(['["x", "y"]', '["x", "y", "z", "w"]', "[]"]),
                 "table": st.sampled_from(['"t"', '"missing"', "1"])}[key]
    return draw(st.one_of(plausible, plausible, plausible, toml_number()))


@st.composite
def spec_step(draw, names: list[str]) -> tuple[str, str]:
    """One ``[[steps]]`` table: its name, and its TOML text."""
    name = draw(st.sampled_from(["S", "T", "U", "V", "P", "L", "X", "1bad", "S"]))
    stage = draw(st.sampled_from(STAGES + ["nonsense"]))
    lines = ["[[steps]]", f'name = "{name}"', f'stage = "{stage}"']
    if names and draw(st.integers(0, 4)):
        ops = draw(st.lists(st.sampled_from(names + ["missing"]), min_size=1, max_size=3))
        lines.append("operands = [" + ", ".join(f'"{o}"' for o in ops) + "]")
    for key in draw(st.lists(st.sampled_from(PARAMS), max_size=3, unique=True)):
        lines.append(f"{key} = {draw(toml_param(key))}")
    if draw(st.integers(0, 2)) == 0:
        lines.append(f"printed = {draw(toml_matrix())}")
    for key in draw(st.lists(st.sampled_from(["label", "title", "note", "variant_of", "use_printed", "bogus"]),
                             max_size=2, unique=True)):
        value = {"use_printed": draw(st.sampled_from(["true", "false"])),
                 "variant_of": f'"{draw(st.sampled_from(names or ["S"]))}"'}.get(key, '"a \\\\frac{1}{2} title"')
        lines.append(f"{key} = {value}")
    return name, "\n".join(lines)


@st.composite
def spec_toml(draw) -> str:
    """A spec: inputs, maybe a token table, a random draw or an ``extends``, and
    steps that use them; sometimes broken on purpose (a cut, a bad key)."""
    lines = [f'name = "{draw(st.sampled_from(["fuzz", "x", ""]))}"']
    if draw(st.integers(0, 5)) == 0:
        lines.append(f'extends = "{draw(st.sampled_from(["encoder", "softmax", "nothing", "../x"]))}"')
    names = []
    if draw(st.integers(0, 3)) == 0:
        lines += ["[random]", f"seed = {draw(st.sampled_from(['0', '42', '-1', '4294967296', '1.5']))}",
                  f'draws = [["R", {draw(st.integers(0, 5))}, {draw(st.integers(0, 5))}]]']
        names.append("R")
    lines += ["[tables.t]", f"a = {draw(toml_matrix(1, 4))}", f"b = {draw(toml_matrix(1, 4))}", "[inputs]"]
    for name in draw(st.lists(st.sampled_from(["A", "B", "W", "x", "y", "b"]), min_size=1, max_size=4, unique=True)):
        lines.append(f"{name} = {draw(toml_matrix())}")
        names.append(name)
    for _ in range(draw(st.integers(0, 5))):
        step_name, text = draw(spec_step(names))
        lines.append(text)
        names.append(step_name)
    text = "\n".join(lines) + "\n"
    damage = draw(st.integers(0, 14))
    if damage == 0:
        text = text[:draw(st.integers(0, len(text)))]
    elif damage == 1:
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(junk()) + text[at:]
    return text


# How many operands each stage takes, when every input is a square matrix of one size.
ARITY = {"add": 2, "matmul": 2, "project": 2, "project_transposed": 2, "scores": 2, "scaled_scores": 2,
         "causal_mask": 1, "softmax": 1, "attention": 3, "concat": 2, "layer_norm": 1,
         "layer_norm_std_eps": 1, "relu": 1, "feed_forward": 5, "sigmoid": 1, "threshold": 1, "argmax": 1,
         "cross_entropy": 2, "cross_entropy_grad": 2, "logits": 1, "sgd_step": 2, "log_likelihood": 1}


PLAUSIBLE = {"scaled_scores": {"d_k": ["2", "4", "1", "0.5"]}, "attention": {"d_k": ["2", "4"], "masked": ["true", "false"]},
             "layer_norm": {"eps": ["1e-5", "0", "1e-6"]}, "layer_norm_std_eps": {"eps": ["1e-5", "0.1"]},
             "threshold": {"at": ["0", "0.5", "-1"]}, "sgd_step": {"alpha": ["0.1", "1", "0.01"]},
             "argmax": {"vocabulary": ['["x", "y"]', '["x", "y", "z"]']}}


@st.composite
def running_spec(draw) -> str:
    """A spec that is meant to run: square inputs of one size, a chain of steps
    whose operands exist and fit, plausible parameters, printed values of the
    right shape (right or wrong), sometimes an embedding and a positional encoding."""
    n = draw(st.integers(1, 3))
    grid = lambda: "[" + ", ".join("[" + ", ".join(draw(small_number()) for _ in range(n)) + "]"  # noqa: E731
                                    for _ in range(n)) + "]"
    lines = ['name = "fuzz"', "[inputs]"]
    names = draw(st.lists(st.sampled_from(["A", "B", "W", "Y"]), min_size=1, max_size=4, unique=True))
    lines += [f"{name} = {grid()}" for name in names]
    if draw(st.booleans()):
        lines += ["[tables.t]"] + [f"{tok} = [{', '.join(draw(small_number()) for _ in range(n))}]"
                                   for tok in ("a", "b", "c")]
        tokens = ", ".join(f'"{t}"' for t in draw(st.lists(st.sampled_from("abc"), min_size=n, max_size=n)))
        lines += ["[[steps]]", 'name = "E"', 'stage = "embed"', f"tokens = [{tokens}]", 'table = "t"']
        names.append("E")
    if draw(st.booleans()) and n % 2 == 0:
        lines += ["[[steps]]", 'name = "PE"', 'stage = "positional_encoding"', f"n = {n}", f"d = {n}"]
        names.append("PE")
    for k in range(draw(st.integers(1, 6))):
        lines += _step(draw, f"S{k}", names)
        if draw(st.booleans()):
            lines.append(f"printed = {grid()}")
        if draw(st.integers(0, 4)) == 0:
            lines.append(f"use_printed = {draw(st.sampled_from(['true', 'false']))}")
        names.append(f"S{k}")
    return "\n".join(lines) + "\n"


def _step(draw, name: str, names: list[str]) -> list[str]:
    """The TOML lines of one step: any stage, operands drawn from ``names``, plausible parameters."""
    stage = draw(st.sampled_from(sorted(ARITY)))
    ops = [draw(st.sampled_from(names)) for _ in range(ARITY[stage])]
    return (["[[steps]]", f'name = "{name}"', f'stage = "{stage}"', "operands = [" + ", ".join(f'"{o}"' for o in ops) + "]"]
            + [f"{key} = {draw(st.sampled_from(values))}" for key, values in PLAUSIBLE.get(stage, {}).items()])


@st.composite
def extending_spec(draw) -> str:
    """A spec that extends a shipped example and adds steps over its names: any
    stage, operands of any shape the example has, ``variant_of`` and ``use_printed``."""
    from derive.spec import example_path, load_spec

    base = draw(st.sampled_from(["softmax", "xor", "training", "encoder"]))
    spec = load_spec(example_path(base))
    names = sorted(spec.inputs) + [s.name for s in spec.steps]
    lines = [f'extends = "{base}"']
    for k in range(draw(st.integers(1, 4))):
        lines += _step(draw, f"F{k}", names)
        if draw(st.integers(0, 3)) == 0:
            lines.append(f'variant_of = "{draw(st.sampled_from(names))}"')
        if draw(st.integers(0, 3)) == 0:
            lines.append("use_printed = true")
        if draw(st.integers(0, 2)) == 0:
            lines.append(f"printed = {draw(toml_matrix())}")
        names.append(f"F{k}")
    return "\n".join(lines) + "\n"
