"""The values a document's code gives names, as bindings.

    W_Q = np.array([[1, 0], ...])     a literal in the code (read with ``ast``, never run):
                                      the exact numbers the code uses, from the block on
    scale = 1 / math.sqrt(d)          a formula in the code (``derive.check.read.assignments``):
                                      computed by derive's evaluator, from its line on only
                                      (origin ``code-formula``: never a value further down)
    print(Q)  ->  Q: [[1.5 ...]]      an item of an output block, under its label and
                                      as ``output@LINE``: printed, so known to its last digit
    --run-code                        what the code's top-level names hold once it ran
                                      (``derive.check.run``), from the end of the block on

Values printed by code may be used before the text reaches the code (a
document that shows results first and the code in an appendix); see
``Env.candidates``.
"""

from __future__ import annotations

from derive.check import run as runner
from derive.check.bind.env import Binding
from derive.check.read import nodes as N
from derive.check.read.assignments import assignments
from derive.check.read.markdown import PYTHON, CodeBlock
from derive.check.read.outputs import label_key, literals, printouts
from derive.check.read.python import without_magics


def bind_code(walk, run_code: bool, timeout: float) -> None:
    doc, env = walk.doc, walk.env
    blocks = [item for item in walk.reading.items if isinstance(item, CodeBlock)]
    for block in blocks:
        if block.lang in PYTHON:
            found = literals(block)
            for lit in found:
                at = doc.line_starts[lit.line - 1]
                env.bind(Binding(lit.name, at, lit.line, "code", printed=lit.grid, scalar=lit.scalar))
            for a in assignments(block, {lit.name for lit in found}):
                at = doc.line_starts[a.line - 1]
                if a.params is not None:
                    env.define(a.name, a.params, a.node, at)
                    continue
                env.reassign(a.name, at)
                if a.node is not None:
                    env.bind(Binding(a.name, at, a.line, "code-formula", formula=a.node, formula_at=at - 1,
                                     depends=frozenset(N.names(a.node)) - {a.name}))
            if run_code:
                end = doc.line_starts[min(block.end_line, len(doc.line_starts)) - 1]
                for name, value in sorted(run_cell(blocks, block, timeout).values.items()):
                    env.bind(Binding(name, end, block.end_line, "run", value=value, scalar=value.scalar))
        if block.output is not None:
            for p in printouts(block.output.text):
                if p.grid is None:
                    continue
                line = block.output.line + p.line
                for key in filter(None, (label_key(p.label), f"output@{line}")):
                    env.bind(Binding(key, doc.line_starts[line - 1], line, "output", printed=p.grid, rounding=True))


def run_cell(blocks: list[CodeBlock], block: CodeBlock, timeout: float) -> runner.Run:
    """A Python block run as its reader would, after the blocks it needs (``earlier_code``);
    not run when it draws random numbers without a seed (what it prints would change)."""
    earlier = earlier_code(blocks, block, timeout)
    if runner.unseeded("\n".join(earlier + (block.text,))):
        return runner.Run("", runner.UNSEEDED)
    return runner.run_block(block.text, earlier, timeout, block.cell)


def earlier_code(blocks: list[CodeBlock], block: CodeBlock, timeout: float) -> tuple[str, ...]:
    """The Python blocks before ``block`` that run (a notebook's earlier cells), in
    order: of a cell that fails (a package not installed) only the statements
    before the failing line are kept, as a kernel keeps them, so the cells after
    it that do not need it still run (runs are cached by their text)."""
    good: list[str] = []
    for b in blocks:
        if b is block or b.line >= block.line:
            break
        if b.lang not in PYTHON:
            continue
        text = without_magics(b.text) if b.cell else b.text
        run = runner.run_block(text, tuple(good), timeout)
        kept = text if not run.problem else runner.ran_part(text, run)
        if kept and (kept == text or not runner.run_block(kept, tuple(good), timeout).problem):
            good.append(kept)
    return tuple(good)
