"""What an output block prints, judged without running the code: its ``print`` calls read.

Without ``--run-code`` an output block's items are paired with the block's
top-level ``print`` calls (and a notebook cell's last expression, which it
shows, or a last bare name, shown as in a notebook), in order, when there are
exactly as many of each and no ``print`` hides in a loop or a function. The value each call prints (its last
argument, or the one value of an f-string) is read with derive's plain-math
parser (``ast``, never run) and computed by derive's evaluator over the values
the code gave its names by then (``derive.check.read.assignments``); the item is
judged against it at the decimals printed (basis ``exact``). An item printed to
``POLICY.float_noise_digits`` significant digits or more is a float's full
print, whose last digits only running the code can tell: it is left to
``--run-code``.
"""

from __future__ import annotations

import ast
import re

from flint import ctx

from derive.check.bind.env import CodeEnv, Env
from derive.check.bind.resolve import evaluate
from derive.check.evaluate.values import EVAL_FAILURES, EXACT
from derive.check.evaluate.arbface import ARB
from derive.check.judge.compare import Judgement, judge, judge_balls
from derive.check.judge.hypotheses import BALL_PRECISION
from derive.check.policy import POLICY
from derive.check.read import CodeBlock
from derive.check.read import nodes as N
from derive.check.read.lexer import LatexError
from derive.check.read.plain import parse_expression
from derive.check.read.python import line_starts
from derive.numbers import significant_digits


def printed_values(block: CodeBlock, count: int) -> dict[int, tuple[N.Node, int]]:
    """Item index -> (what its ``print`` call prints, the document offset of the call),
    for a block whose top-level ``print`` calls pair one to one with ``count`` items."""
    try:
        tree = ast.parse(block.text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return {}
    calls = [s.value for s in tree.body if isinstance(s, ast.Expr) and _is_print(s.value)]
    every = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and _is_print(n)]
    if len(every) != len(calls):
        return {}
    last = tree.body[-1] if tree.body else None
    if isinstance(last, ast.Expr) and not _is_print(last.value) and (block.cell or isinstance(last.value, ast.Name)):
        # a notebook cell shows its last expression; a block ending in a bare name shows it as a notebook would
        calls.append(ast.Call(func=ast.Name("print", ast.Load()), args=[last.value], keywords=[],
                              lineno=last.lineno))
    if len(calls) != count:
        return {}
    starts = line_starts(block.text)
    out = {}
    for k, call in enumerate(calls):
        arg = _printed_arg(call)
        segment = _positional(arg, block.text) if arg is not None else None
        if not segment:
            continue
        try:
            node = parse_expression(segment)
        except (SyntaxError, ValueError, LatexError, RecursionError, MemoryError):
            continue
        if N.names(node) or any(isinstance(n, N.Call) for n in N.walk(node)):     # print(0.5) computes nothing
            out[k] = (node, block.start + starts[call.lineno - 1])
    return out


def _positional(arg: ast.expr, source: str) -> str | None:
    """The printed expression's source, a call with one keyword argument written positionally
    (``f(E=768)`` is ``f(768)``: with one argument there is no order to get wrong)."""
    segment = ast.get_source_segment(source, arg)
    if isinstance(arg, ast.Call) and not arg.args and len(arg.keywords) == 1 and arg.keywords[0].arg \
            and isinstance(arg.func, ast.Name):
        value = ast.get_source_segment(source, arg.keywords[0].value)
        return f"{arg.func.id}({value})" if value else segment
    return segment


SINGLE = re.compile("|".join(r"\b" + re.escape(m) for m in POLICY.single_precision_markers))   # single-precision output


def judge_printed(p, node: N.Node, env: Env, at: int, single: bool = False) -> Judgement | None:
    """The printed item against the value derive computes for what the call prints
    (``single``: the output block prints single-precision floats, ``SINGLE``)."""
    if p.grid is None or any(significant_digits(x.text) >= POLICY.float_noise_digits for row in p.grid for x in row):
        return None
    try:
        value, from_code = _computed(node, env, at)
        j = judge(p.grid, value)
        if j.wrong and not from_code and _within_prints(p.grid, node, env, at):
            return None     # from the rounded prints read back, a value they allow: only running tells
    except EVAL_FAILURES:
        return None
    if j.reason or (single and j.wrong and all(_single_precision(text, value.entry(i, k)) for i, k, text, _ in j.wrong)):
        return None       # (a float32's print: its last digits are the float the code computes, not exact)
    return j


def _computed(node: N.Node, env: Env, at: int):
    """What the code computes for ``node``: from the values its formulas give (not from their
    prints above, which are roundings: ``0.9950332`` for sigmoid(5.3)), else from whatever the
    document gave the names; and whether it came from the code's formulas."""
    try:
        return evaluate(node, CodeEnv(env), at, EXACT, "exact")[0], True
    except EVAL_FAILURES:
        return evaluate(node, env, at, EXACT, "exact")[0], False


def _within_prints(grid, node: N.Node, env: Env, at: int) -> bool:
    """Does every printed entry lie within what the values read back from the prints allow, as
    roundings (an enclosure up to ``POLICY.coarse_enclosure_units`` wide)?"""
    try:
        with ctx.workprec(BALL_PRECISION):
            balls, _ = evaluate(node, env, at, ARB, "enclosure")
            wide = judge_balls(grid, balls, None, POLICY.coarse_enclosure_units)
    except EVAL_FAILURES:
        return False
    return wide.fits == wide.total


def _single_precision(text: str, exact) -> bool:
    """Is the printed number a full print of a single-precision float near the exact value
    (``POLICY.float32_digits`` significant digits or more, within 2^-22 of it, relatively)?"""
    if significant_digits(text) < POLICY.float32_digits:
        return False
    try:
        x, e = float(text), float(exact)
    except (TypeError, ValueError, OverflowError):
        return False
    return abs(x - e) <= 2.0 ** -22 * max(abs(e), 2.0 ** -126)


def _is_print(node) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "print"


def _printed_arg(call: ast.Call):
    """The value a print call shows: its last argument, or the one value of an f-string."""
    if not call.args or any(k.arg not in ("sep", "end", "flush") for k in call.keywords):
        return None
    arg = call.args[-1]
    if isinstance(arg, ast.JoinedStr):
        values = [v for v in arg.values if isinstance(v, ast.FormattedValue)]
        if len(values) != 1 or values[0].conversion not in (-1,):
            return None
        return values[0].value
    if isinstance(arg, ast.Constant):
        return None
    return arg
