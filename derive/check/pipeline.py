"""The recipe of ``derive check`` for one document.

    extract -> (code values) -> recompute -> code outputs -> spec ties -> diagnose
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from derive.check import run as runner
from derive.check.read import outputs as codeblocks
from derive.check.bind.env import Binding, Env, printed_binding
from derive.check.read.delimiters import MathSpan, Problem
from derive.check.read.markdown import PYTHON, CodeBlock, Document, document, read_document, scan
from derive.check.findings import Finding, wrong_entries
from derive.check.read.grids import grid_text, rows_text
from derive.check.judge.recompute import Checker, where
from derive.check.judge.tables import Table, check_table


ZERO_INDEX = re.compile(r"(?<![A-Za-z\\])([A-Za-z])_(?:0|\{0\})(?![\d.])")


@dataclass
class Report:
    path: str
    findings: list[Finding] = field(default_factory=list)
    error: str | None = None          # why the file could not be checked at all


def check_file(path: str, run_code: bool = False, timeout: float = runner.TIMEOUT) -> Report:
    """Every claim of a Markdown file, judged (InputError for unusable files)."""
    return check_document(read_document(path), run_code, timeout)


def check_text(text: str, path: str = "<text>", run_code: bool = False, specs=None) -> Report:
    """Check Markdown given as text (``specs``: worked examples to tie to, default the shipped ones)."""
    return check_document(document(text, path), run_code, specs=specs)


def check_document(doc: Document, run_code: bool = False, timeout: float = runner.TIMEOUT,
                   specs=None) -> Report:
    items = scan(doc)
    env = Env(zero_based=zero_based(items))
    code_values(items, env, run_code, timeout)
    checker = Checker(doc, env)
    for item in items:
        try:
            check_item(doc, item, items, checker, run_code, timeout)
        except Exception as exc:  # noqa: BLE001 - derive's own bug on one item: say so, check the rest
            line = getattr(item, "line", None) or doc.line_of(item.start)
            f = checker.add(Finding(line, line, "equation", None, "unverifiable", "",
                                    f"not checked: derive failed on it ({where(exc)}), a bug of derive, "
                                    "not a fault of the document", section=doc.section(line)))
            f.note = "internal-error"
    findings = checker.findings
    from derive.check.diagnose.ties import tie_to_specs
    tie_to_specs(findings, specs)
    from derive.check.diagnose.causes import diagnose_all
    diagnose_all(findings, env)
    for f in findings:
        f.section = f.section or doc.section(f.line)   # every finding under its own heading
    findings.sort(key=lambda f: (f.line, f.end_line))
    return Report(doc.path, findings)


def zero_based(items: list) -> set[str]:
    """Vectors the document indexes from 0: ``p_0`` (or ``p_{0}``) written in its math."""
    return {m.group(1) for item in items if isinstance(item, MathSpan)
            for m in ZERO_INDEX.finditer(item.text)}


def check_item(doc: Document, item, items: list, checker: Checker, run_code: bool, timeout: float) -> None:
    """Judge one thing the scan found: a math span, an output block, a table, unreadable math."""
    if isinstance(item, MathSpan):
        checker.math(item)
    elif isinstance(item, CodeBlock) and item.output is not None:
        code_findings(doc, item, items, checker, run_code, timeout)
    elif isinstance(item, Table):
        check_table(item, checker, items)
    elif isinstance(item, Problem):
        line = doc.line_of(item.start)
        checker.add(Finding(line, line, "equation", None, "unverifiable", "$$",
                            f"cannot read the math: {item.message}", section=doc.section(line)))


def code_values(items: list, env: Env, run_code: bool = False, timeout: float = runner.TIMEOUT) -> None:
    """Literal arrays of the code, the values its outputs print and (``run_code``)
    the values its names hold once it has run become values of names."""
    for item in items:
        if not isinstance(item, CodeBlock):
            continue
        if item.lang in PYTHON:
            for lit in codeblocks.literals(item):
                env.bind(lit.name, printed_binding(lit.grid, lit.line, "code", lit.name, lit.scalar))
            left = runner.run_block(item.text, earlier_code(items, item), timeout).values if run_code else {}
            for name, value in sorted(left.items()):
                env.bind(name, Binding(value, item.end_line, "run", name))
        if item.output is not None:
            for p in codeblocks.printouts(item.output.text):
                if p.grid is None:
                    continue
                line = item.output.line + p.line
                for key in filter(None, (codeblocks.label_key(p.label), f"output@{line}")):
                    b = printed_binding(p.grid, line, "output", p.label or "output")
                    b.rounded = True
                    env.bind(key, b)


def earlier_code(items: list, block: CodeBlock) -> tuple[str, ...]:
    """The Python blocks before ``block``, in order (a notebook's earlier cells)."""
    return tuple(i.text for i in items if isinstance(i, CodeBlock) and i.lang in PYTHON and i.line < block.line)


def code_findings(doc: Document, block: CodeBlock, items: list, checker: Checker, run_code: bool,
                  timeout: float) -> None:
    """One finding per item an output block prints; judged only by running the code
    (``runner``): each item against the item the code prints in its place."""
    outs = codeblocks.printouts(block.output.text)
    if not outs:
        return
    run = runner.run_block(block.text, earlier_code(items, block), timeout) \
        if run_code and block.lang in PYTHON else None
    actual = codeblocks.printouts(run.stdout) if run and not run.problem else None
    pairing = runner.pair(outs, actual) if actual is not None else None
    partner = dict(pairing.pairs) if pairing else {}
    for k, p in enumerate(outs):
        line = block.output.line + p.line
        if pairing is not None and k == pairing.stop:
            checker.add(_unpaired_output(doc, block, outs[k:], actual, pairing))
            return
        f = Finding(line, block.output.line + p.end_line, "code-output", p.label or None, "unverifiable",
                    _shown(p), "", section=doc.section(line), grid=p.grid)
        if pairing is not None:
            _judge_output(f, p, actual[partner[k]])
            if k == len(outs) - 1 and pairing.unshown:
                f.message += f"; after it the code prints {pairing.unshown} more item(s) the block does not show"
        else:
            f.message = _unjudged_output(block, p, run)
        checker.add(f)


def _shown(p) -> str:
    return grid_text(p.grid) if p.grid is not None else " ".join(p.text.split())[:160]


def _unjudged_output(block: CodeBlock, p, run) -> str:
    """Why a printed item of an output block is not judged."""
    if run is None:
        if block.lang not in PYTHON:
            return "the output of a code block that is not Python"
        what = {"ragged": "rows of different lengths; ", "too large": "too many entries; ",
                "": ""}.get(p.special, f"not a finite number ({p.special}); ")
        return what + f"printed by the code above ({codeblocks.describe(p, False)}); run with --run-code to check it"
    return f"the code {run.problem}"


def _judge_output(f: Finding, p, real) -> None:
    j = runner.judge_item(p, real)
    f.verdict = j.verdict
    if j.verdict == "wrong":
        f.message = f"{len(j.wrong)} value(s) differ from what the code prints"
        f.wrong_entries = wrong_entries(p.cells, j.wrong)
        f.diagnosis = "the output block does not come from this code as written"
    else:
        f.message = "the code prints these values" if j.verdict == "ok" else \
            f"{j.verdict} from what the code prints: {_shown(real)[:160]}"
    f.expected = rows_text(j.expected)


def _unpaired_output(doc: Document, block: CodeBlock, rest: list, actual: list, pairing) -> Finding:
    """The rest of the block, from the first item with no partner, as one finding."""
    first = block.output.line + rest[0].line
    shown = " | ".join(_shown(p) for p in rest)
    code = " | ".join(_shown(a) for a in actual[pairing.pairs[-1][1] + 1 if pairing.pairs else 0:])
    return Finding(first, block.output.line + rest[-1].end_line, "code-output", rest[0].label or None,
                   "wrong", shown[:300], f"cannot pair the rest of the block with what the code prints: "
                   f"{pairing.reason}", expected=code[:300] or None, section=doc.section(first),
                   diagnosis="the output block does not come from this code as written")
