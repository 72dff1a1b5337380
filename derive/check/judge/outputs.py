"""The items an output block prints, judged by running the code above it (``--run-code``).

One claim per printed item (``derive.check.read.outputs``). Without
``--run-code`` nothing runs, and each item is unverifiable with the reason;
with it, the block's items are paired in order with what the code prints
(``derive.check.run.pair``) and each number is judged at the decimals the
document printed: the basis is ``code-output``.
"""

from __future__ import annotations

import functools
import re

from derive.check import run as runner
from derive.check.bind.code import run_cell
from derive.check.bind.drafts import Draft
from derive.check.claim import Basis, Claim, Verdict, wrong_entries
from derive.check.read import CodeBlock
from derive.check.read.grids import grid_text, rows_text
from derive.check.read.markdown import PYTHON
from derive.check.judge.printed import SINGLE, judge_printed, printed_values
from derive.check.policy import POLICY
from derive.check.read import nodes as N
from derive.check.read.outputs import NUMBER, describe, printouts

NOT_FROM_THIS_CODE = "the output block does not come from this code as written"


def judge_outputs(d: Draft, blocks: list[CodeBlock], run_code: bool, timeout: float, section,
                  env=None) -> list[Claim]:
    """One claim per item the output block of ``d.block`` prints (without ``--run-code``,
    judged from the block's ``print`` calls where derive can compute them: ``printed``)."""
    block: CodeBlock = d.block
    outs = printouts(block.output.text)
    if not outs:
        return []
    run = run_cell(blocks, block, timeout) if run_code and block.lang in PYTHON else None
    actual = printouts(run.stdout) if run and not run.problem else None
    silent = actual == []       # code that prints nothing: the block below it is not its output
    pairing = runner.pair(outs, actual) if actual else None
    partner = dict(pairing.pairs) if pairing else {}
    static = printed_values(block, len(outs)) if pairing is None and env is not None and block.lang in PYTHON \
        else {}
    claims = []
    for k, p in enumerate(outs):
        line = block.output.line + p.line
        if k == POLICY.output_items:
            claims.append(_item(block, p, line, Verdict.UNVERIFIABLE, f"not checked: the block prints {len(outs)} "
                                f"items and derive judges the first {k}; this one and the {len(outs) - k - 1} "
                                "after it are not judged", section, note="budget"))
            break
        if pairing is not None and k == pairing.stop:
            claims.append(_unpaired(block, outs[k:], actual, pairing, section))
            break
        if pairing is None:
            found = judge_printed(p, static[k][0], env, static[k][1], SINGLE.search(block.output.text) is not None) \
                if k in static else None
            if found is not None:
                claims.append(_computed(block, p, line, found, static[k][0], section))
                continue
            why = "the code above prints nothing when run: the block is not its output" if silent \
                else _unjudged(block, p, run)
            claims.append(_item(block, p, line, Verdict.UNVERIFIABLE, why, section))
            continue
        c = _judged(block, p, line, actual[partner[k]], section)
        if k == len(outs) - 1 and pairing.unshown:
            c = _more(c, pairing.unshown)
        claims.append(c)
    return claims


def stopped_blocks(blocks: list[CodeBlock], timeout: float, section) -> list[Claim]:
    """One unverifiable claim for each Python block without an output block that
    the sandbox stopped (a limit passed, a forged values message): with an output
    block, its items already say so."""
    claims = []
    for block in blocks:
        if block.lang not in PYTHON or block.output is not None:
            continue
        run = run_cell(blocks, block, timeout)
        if run.stopped:
            claims.append(Claim(block.line, block.end_line, "code-output", None, Verdict.UNVERIFIABLE, "",
                                f"the code {run.problem}", section=section(block.line), note="sandbox"))
    return claims


def _item(block: CodeBlock, p, line: int, verdict: Verdict, message: str, section, **kw) -> Claim:
    return Claim(line, block.output.line + p.end_line, "code-output", p.label or None, verdict, _shown(p), message,
                 section=section(line), grid=p.grid, spans=_spans(block, p), **kw)


def _spans(block: CodeBlock, p) -> tuple[tuple[int, int], ...]:
    """Document offsets of the item's numbers: the last ones on its lines (a label may hold digits)."""
    count = sum(len(row) for row in p.cells)
    text = block.output.text
    starts = _line_starts(text)
    begin = starts[min(p.line, len(starts) - 1)]
    end = starts[p.end_line + 1] - 1 if p.end_line + 1 < len(starts) else len(text)
    found = [(block.output.start + m.start(), block.output.start + m.end()) for m in NUMBER.finditer(text, begin, end)]
    return tuple(found[-count:]) if count and len(found) >= count else ()


@functools.lru_cache(maxsize=8)
def _line_starts(text: str) -> tuple[int, ...]:
    """The offset of each line of an output block (once per block: its items are many)."""
    return (0, *(m.end() for m in re.finditer("\n", text)))


def _computed(block: CodeBlock, p, line: int, j, node, section) -> Claim:
    """An item judged against what derive computes for the ``print`` call that shows it."""
    what = N.pretty(node)
    expected = rows_text(j.expected)
    if j.verdict == Verdict.WRONG:
        return _item(block, p, line, j.verdict, f"{len(j.wrong)} value(s) differ from {what}, computed from the "
                     "code without running it", section, expected=expected, wrong_entries=wrong_entries(j.wrong))
    return _item(block, p, line, j.verdict, f"{'agrees with' if j.verdict == Verdict.OK else str(j.verdict) + ' from'} "
                 f"{what}, computed from the code without running it", section, expected=expected, basis=Basis.EXACT)


def _judged(block: CodeBlock, p, line: int, real, section) -> Claim:
    j = runner.judge_item(p, real)
    expected = rows_text(j.expected)
    if j.verdict == Verdict.WRONG:
        return _item(block, p, line, j.verdict, f"{len(j.wrong)} value(s) differ from what the code prints",
                     section, expected=expected, wrong_entries=wrong_entries(j.wrong), diagnosis=NOT_FROM_THIS_CODE)
    message = "the code prints these values" if j.verdict == Verdict.OK else \
        f"{j.verdict} from what the code prints: {_shown(real)[:160]}"
    return _item(block, p, line, j.verdict, message, section, expected=expected, basis=Basis.CODE)


def _more(c: Claim, unshown: int) -> Claim:
    from dataclasses import replace
    return replace(c, message=c.message + f"; after it the code prints {unshown} more item(s) the block does not show")


def _shown(p) -> str:
    return grid_text(p.grid) if p.grid is not None else " ".join(p.text.split())[:160]


def _unjudged(block: CodeBlock, p, run) -> str:
    """Why a printed item of an output block is not judged."""
    if run is None:
        if block.lang not in PYTHON:
            return "the output of a code block that is not Python"
        what = {"ragged": "rows of different lengths; ", "too large": "too many entries; ",
                "": ""}.get(p.special, f"not a finite number ({p.special}); ")
        return what + f"printed by the code above ({describe(p, False)}); run with --run-code to check it"
    return f"the code {run.problem}"


def _unpaired(block: CodeBlock, rest: list, actual: list, pairing, section) -> Claim:
    """The rest of the block, from the first item with no partner, as one claim."""
    first = block.output.line + rest[0].line
    shown = " | ".join(_shown(p) for p in rest)
    code = " | ".join(_shown(a) for a in actual[pairing.pairs[-1][1] + 1 if pairing.pairs else 0:])
    return Claim(first, block.output.line + rest[-1].end_line, "code-output", rest[0].label or None,
                 Verdict.WRONG, shown[:300], f"cannot pair the rest of the block with what the code prints: "
                 f"{pairing.reason}", expected=code[:300] or None, section=section(first), diagnosis=NOT_FROM_THIS_CODE)
