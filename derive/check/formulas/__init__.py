r"""Derivative formulas a document states, proved or refuted under its own definitions.

    stated   the reading -> definitions (p = softmax(z), L = -\sum_i y_i \log p_i) and
             derivative claims (\frac{\partial L}{\partial z} = p - y)    (``stated``)
    model    a claim -> SymPy under the definitions, shapes settled     (``model``)
    prove    the engine of ``derive prove``: proved, refuted, checked   (``prove``)

``judge_formulas`` turns each claim into one claim record: ``ok`` on the basis
``proof``, ``wrong`` at a certified counterexample (with the slip, when the
catalogue has one), or ``unverifiable`` with the reason.
"""

from __future__ import annotations

import re
import time

from derive.budget import OutOfTime, time_limit
from derive.check.claim import Basis, Claim, Used, Verdict
from derive.check.formulas.model import Definitions, Shapes, Unsupported
from derive.check.formulas.prove import built, explained, proved
from derive.check.formulas.stated import Stated, stated
from derive.check.policy import POLICY
from derive.check.read import Reading
from derive.check.read import nodes as N
from derive.errors import bug

POINT_VALUES = 6        # values of the refuting point shown in a message


def judge_formulas(reading: Reading) -> list[Claim]:
    """A claim record for every derivative formula the document states.

    Two passes per section: the first reads every claim to learn the names' shapes (x is a
    vector where one formula writes x^T, W a matrix where a gradient by it is one), the
    second proves each claim with all of them: a claim read alone could take a vector for a
    number and prove a transposed gradient."""
    doc = reading.doc
    found = stated(reading)
    said = distribution_sentences(doc.text)
    claims = found.claims[:POLICY.max_formula_claims]
    shapes: dict[str, Shapes] = {}
    settings = []
    for claim in claims:
        section = doc.section(claim.line)
        near = (lambda d, s=section: doc.section(d.line) == s)
        settings.append((claim, section, Definitions(found.definitions, claim.at, near, found.upstream),
                         shapes.setdefault(section, Shapes(POLICY.formula_size, found.declared, found.counts))))
    deadline = time.monotonic() + POLICY.formula_document_seconds
    for claim, _, definitions, learnt in settings:
        if time.monotonic() > deadline:
            break
        try:
            with time_limit(POLICY.formula_seconds):
                built(claim, definitions, learnt)
        except (Unsupported, OutOfTime, RecursionError):
            pass
        except Exception:  # noqa: BLE001 - a bug here shows again, and is reported, in the second pass
            pass
    out = []
    for claim, section, definitions, learnt in settings:
        if time.monotonic() > deadline:
            out.append(_record(claim, section, Verdict.UNVERIFIABLE, "not checked: the document's derivative "
                               f"formulas took longer than {POLICY.formula_document_seconds:g} s in all",
                               note="budget"))
            continue
        try:
            with time_limit(POLICY.formula_seconds):
                out.append(_judged(claim, definitions, learnt, section, said))
        except OutOfTime:
            out.append(_record(claim, section, Verdict.UNVERIFIABLE, "not checked: proving it took longer than "
                               f"{POLICY.formula_seconds:g} s", note="budget"))
        except Exception as exc:  # noqa: BLE001 - derive's own bug on one formula: say so, judge the rest
            out.append(_record(claim, section, Verdict.UNVERIFIABLE, bug(exc), note="internal-error"))
    for claim in found.claims[POLICY.max_formula_claims:]:
        out.append(_record(claim, doc.section(claim.line), Verdict.UNVERIFIABLE, "not checked: the document "
                           f"states more than {POLICY.max_formula_claims} derivative formulas", note="budget"))
    return out


SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z$\\])|\n[ \t]*\n")


def distribution_sentences(text: str) -> list[tuple[str, str]]:
    """(word, sentence) for each sentence that says a vector is a distribution
    (``POLICY.distribution_words``: one-hot, sums to 1 ...)."""
    out = []
    for sentence in SENTENCE_END.split(text):
        lowered = sentence.lower()
        word = next((w for w in POLICY.distribution_words if w in lowered), None)
        if word is not None:
            out.append((word, sentence))
    return out


def said_of(said: list[tuple[str, str]], name: str) -> str | None:
    """The distribution word of a sentence that names ``name`` (``$\\mathbf{y}$ is one-hot``,
    ``y_i`` sums to one), if one does: a word said of another vector, or of none, is not
    an assumption about this one."""
    mention = re.compile(r"(?<![A-Za-z])" + re.escape(name) + r"(?![A-Za-z])")
    return next((word for word, sentence in said if mention.search(sentence)), None)


def _judged(claim: Stated, definitions: Definitions, shapes: Shapes, section: str,
            said: list[tuple[str, str]]) -> Claim:
    try:
        model = built(claim, definitions, shapes)
    except Unsupported as exc:
        return _record(claim, section, Verdict.UNVERIFIABLE, f"cannot be proved: {exc}")
    used = tuple(Used(name, line, "definition") for name, line in model.used)
    size = "numbers" if not model.shaped else f"vectors of {model.size} entries" + \
        (f" and {model.size} x {model.size} matrices" if model.matrices else "")
    what = f"the derivative of {N.pretty(claim.of)} by {N.pretty(claim.wrt)} under the document's definitions"
    where = _lines(model.used)
    result = proved(model, POLICY.formula_seconds)
    assumed = None
    word = None
    if result.refuted and model.vectors:
        for v in model.vectors:
            tried = proved(model, POLICY.formula_seconds, assume=v)
            word = said_of(said, str(v))
            if tried is not None and tried.proved:
                if word is None:
                    return _record(claim, section, Verdict.UNVERIFIABLE,
                                   f"holds only if the entries of {v} sum to 1 (then it is {what}), and the "
                                   f"document does not say so of {v}", used=used, note="assumption")
                result, assumed = tried, v
                break
            if tried is not None and word is not None and assumed is None and tried.refuted:
                result, assumed = tried, v       # refuted in the document's setting: say it there
                break
    setting = f", with the entries of {assumed} summing to 1 (the document says \"{word}\")" if assumed else ""
    if result.proved:
        return _record(claim, section, Verdict.OK, f"proved: it is {what}{where}, for {size}{setting}",
                       basis=Basis.PROOF, used=used)
    if result.refuted:
        f = result.failure
        diagnosis = explained(model, f)
        return _record(claim, section, Verdict.WRONG,
                       f"refuted: it is not {what}{where}{setting}: at {_point(f.point)}, {f.claim} is "
                       f"{f.derivative} and the formula gives {f.claimed}", used=used, diagnosis=diagnosis)
    return _record(claim, section, Verdict.UNVERIFIABLE,
                   f"checked, not proved: it agrees with {what} at {result.points} points to {result.digits} "
                   f"digits{setting}, but no proof came ({result.note or 'no rewriting made the difference 0'})",
                   used=used, note="checked")


def _lines(used) -> str:
    lines = sorted({line for _, line in used})
    if not lines:
        return ""
    return f" (line {lines[0]})" if len(lines) == 1 else \
        f" (lines {', '.join(map(str, lines[:-1]))} and {lines[-1]})"


def _point(point: dict[str, str]) -> str:
    items = list(point.items())
    shown = ", ".join(f"{k} = {v}" for k, v in items[:POINT_VALUES])
    return shown + (f" (and {len(items) - POINT_VALUES} more)" if len(items) > POINT_VALUES else "")


def _record(claim: Stated, section: str, verdict: Verdict, message: str, **fields) -> Claim:
    return Claim(claim.line, claim.end_line, "formula", N.pretty(claim.label), verdict, claim.text, message,
                 section=section, **fields)
