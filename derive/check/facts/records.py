"""Facts about known models as claim records, beside the claims the four passes make.

Each stated fact becomes one ``Claim`` of kind ``fact`` at the line of its number:
its verdict and message from ``judge``, basis ``published`` (the model's paper)
or ``exact`` (the parameter-count formula); a set of stated sizes that does not
give the stated parameter count is one more wrong claim (``consistency``).
"""

from __future__ import annotations

from derive.check.claim import CORRECT, Basis, Claim, Verdict
from derive.check.facts.judge import consistency
from derive.check.facts.read import fact_claims
from derive.errors import bug


def fact_records(text: str, line_of, section_of) -> list[Claim]:
    """The claims of every stated model fact in ``text`` (offsets -> lines by ``line_of``)."""
    try:
        facts = fact_claims(text)
        findings = consistency(facts)
    except Exception as exc:  # noqa: BLE001 - derive's own bug: say so once, check the rest
        return [Claim(1, 1, "fact", None, Verdict.UNVERIFIABLE, "", f"model facts not read: {bug(exc)}",
                      note="internal-error")]
    out = []
    for f in facts:
        line = line_of(f.start)
        basis = (Basis.EXACT if f.basis == "formula" else Basis.PUBLISHED) if f.verdict in CORRECT else None
        wrong = f.verdict == Verdict.WRONG and isinstance(f.expected, int)
        out.append(Claim(line, line, "fact", f"{f.name or f.model} {f.attribute}", f.verdict, f.printed,
                         f.message, relation=f.relation, basis=basis,
                         expected=f"{f.expected:,}" if wrong else None, section=section_of(line)))
    for g in findings:
        line = line_of(min(c.start for c in g.claims))
        out.append(Claim(line, line_of(max(c.start for c in g.claims)), "fact", g.model, g.verdict,
                         ", ".join(c.printed for c in g.claims), g.message,
                         basis=Basis.EXACT if g.verdict in CORRECT else None,
                         expected=f"{g.formula:,}" if g.formula else None, section=section_of(line)))
    return out
