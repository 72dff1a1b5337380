"""The judge pass: every draft -> a claim record with its verdict and the basis of it.

    values and working   ``claims.judge_value`` (hypotheses: ``search``, ``hypotheses``)
    table cells          ``tables.judge_cells``
    output blocks        ``outputs.judge_outputs`` (by running the code, ``--run-code``)
    derivatives          ``derivatives.first_principles``: through the document's own formulas
    derivative formulas  ``derive.check.formulas``: proved or refuted under the document's definitions
    worked examples      ``examples.tie``: the chained verdict, from first principles

The environment is finished before this pass starts and nothing here changes
it: each draft is judged on its own. A bug of derive on one draft becomes one
unverifiable claim that says so (note ``internal-error``); the rest is judged.
"""

from __future__ import annotations

import time
from dataclasses import replace

from derive.budget import OutOfTime, time_limit
from derive.check.bind.drafts import Draft
from derive.check.bind.walk import Bound
from derive.check.claim import Claim, Verdict
from derive.check.formulas import judge_formulas
from derive.check.judge.claims import claim, judge_value
from derive.check.judge.derivatives import first_principles
from derive.check.judge.examples import Ties, tie
from derive.check.judge.outputs import judge_outputs, stopped_blocks
from derive.check.judge.tables import judge_cells
from derive.check.policy import POLICY
from derive.check.read import CodeBlock, Reading
from derive.errors import bug


def judge(bound: Bound, reading: Reading, run_code: bool, timeout: float,
          specs=None) -> tuple[list[Claim], Ties | None]:
    """Every claim of the document, judged (and the worked examples it was tied to)."""
    doc = reading.doc
    blocks = [item for item in reading.items if isinstance(item, CodeBlock)]
    claims: list[Claim] = []
    drafts = [d for d in bound.drafts if d.what != "cell"]
    deadline = time.monotonic() + POLICY.document_seconds
    for k, d in enumerate(drafts):
        if len(claims) >= POLICY.max_claims or time.monotonic() > deadline:
            claims.append(not_reached(drafts[k:], len(claims) >= POLICY.max_claims, doc.section(d.line)))
            break
        seconds = POLICY.claim_seconds + (timeout if run_code and d.what == "output" else 0)
        try:
            with time_limit(seconds):
                claims.extend(_judged(d, bound, blocks, run_code, timeout, doc.section))
        except OutOfTime:
            claims.append(claim(d, doc.section(d.line), Verdict.UNVERIFIABLE,
                                f"not checked: judging it took longer than {seconds:g} s", note="budget"))
        except MemoryError:
            claims.append(claim(d, doc.section(d.line), Verdict.UNVERIFIABLE,
                                f"not checked: judging it needed more than {POLICY.memory_mb} MB", note="budget"))
        except Exception as exc:  # noqa: BLE001 - derive's own bug on one claim: say so, judge the rest
            claims.append(internal_error(d, exc, doc.section(d.line)))
    if run_code:
        claims.extend(stopped_blocks(blocks, timeout, doc.section))
    cells = [d for d in bound.drafts if d.what == "cell"]
    try:
        claims.extend(judge_cells(cells, bound.env, doc.section))
    except Exception as exc:  # noqa: BLE001
        claims.extend(internal_error(d, exc, doc.section(d.line)) for d in cells[:1])
    try:
        claims = first_principles(claims, bound.env)
    except Exception:  # noqa: BLE001 - derive's own bug: the claims stand as judged
        pass
    try:
        claims += judge_formulas(reading)
    except Exception as exc:  # noqa: BLE001 - derive's own bug in the formula pass: one finding, the rest stands
        claims.append(Claim(1, 1, "formula", None, Verdict.UNVERIFIABLE, "", f"derivative formulas not checked: "
                            f"{bug(exc)}", note="internal-error"))
    return tie(claims, bound.env, specs)


def _judged(d: Draft, bound: Bound, blocks, run_code: bool, timeout: float, section) -> list[Claim]:
    if d.what == "output":
        return judge_outputs(d, blocks, run_code, timeout, section, bound.env)
    if d.what == "unverifiable":
        return [claim(d, section(d.line), Verdict.UNVERIFIABLE, d.message, note=d.note)]
    found = judge_value(d, bound.env, section(d.line))
    return [found] if found is not None else []


def not_reached(drafts: list[Draft], by_count: bool, section: str) -> Claim:
    """One finding for the drafts a budget left unjudged: where judging stopped, and why."""
    why = f"the document has more than {POLICY.max_claims} claims" if by_count \
        else f"judging the document took longer than {POLICY.document_seconds:g} s"
    first, last = drafts[0], drafts[-1]
    return replace(claim(first, section, Verdict.UNVERIFIABLE,
                         f"not checked: {why}; {len(drafts)} more claim(s) from line {first.line} to line "
                         f"{last.end_line or last.line} were not judged", note="budget"),
                   end_line=last.end_line or last.line)


def internal_error(d: Draft, exc: BaseException, section: str) -> Claim:
    return claim(d, section, Verdict.UNVERIFIABLE, bug(exc), note="internal-error")
