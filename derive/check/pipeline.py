"""The recipe of ``derive check`` for one document: four passes over one claim record.

    read      document -> positioned items (math statements, tables, code, outputs)
    bind      items -> names' values (a DAG, with where each was given) and drafts of claims
    judge     each draft -> a claim record: verdict and its basis
    diagnose  each wrong claim -> its most likely cause
    across    verdicts only later claims can settle (a value given anew on purpose?)
    facts     stated sizes of well-known models, against their papers (``derive.check.facts``)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from derive.check import run as runner
from derive.check.across import across
from derive.check.bind.walk import bind
from derive.check.claim import Claim
from derive.check.diagnose import diagnose
from derive.check.facts.records import fact_records
from derive.check.judge import judge
from derive.check.read import markdown_document, open_document, read
from derive.check.read.markdown import Document
from derive.check.read.sources import Source


@dataclass
class Report:
    path: str
    claims: list[Claim] = field(default_factory=list)
    error: str | None = None          # why the file could not be checked at all

    @property
    def findings(self) -> list[Claim]:
        """The claims (the name the JSON report gives them)."""
        return self.claims

    def _repr_markdown_(self) -> str:
        """A notebook shows a check as its counts and its claims that are not ok: where,
        the verdict, what was printed, why."""
        if self.error is not None:
            return f"`{self.path}`: not checked: {self.error}\n"
        judged = [c for c in self.claims if c.verdict != "given"]
        counts = ", ".join(f"{sum(1 for c in judged if c.verdict == v)} {v}"
                           for v in ("ok", "rounded", "truncated", "wrong", "unverifiable"))
        lines = [f"`{self.path}`: {len(judged)} claims: {counts}", ""]
        for c in judged:
            if c.verdict in ("wrong", "unverifiable"):
                why = f" ({c.diagnosis})" if c.diagnosis else ""
                lines.append(f"- {c.place}: **{c.verdict}** `{c.printed}`: {c.message}{why}")
        return "\n".join(lines) + "\n"


def check_file(path: str, run_code: bool = False, timeout: float = runner.TIMEOUT) -> Report:
    """Every claim of a Markdown file, notebook or LaTeX document, judged (InputError for unusable files)."""
    return check_document(open_document(str(path)), run_code, timeout)


def check_text(text: str, path: str = "<text>", run_code: bool = False, specs=None) -> Report:
    """Check Markdown given as text (``specs``: worked examples to tie to, default the shipped ones)."""
    return check_document(markdown_document(text, path), run_code, specs=specs)


def check_document(doc: Document, run_code: bool = False, timeout: float = runner.TIMEOUT,
                   specs=None) -> Report:
    reading = read(doc)
    bound = bind(reading, run_code, timeout)
    claims, ties = judge(bound, reading, run_code, timeout, specs)
    claims = diagnose(claims, bound.env, ties)
    claims = across(claims, bound.env)
    claims += fact_records(doc.text, doc.line_of, doc.section)
    claims.sort(key=lambda c: (c.line, c.end_line))
    if doc.source is not None:
        claims = [located(c, doc.source) for c in claims]
    return Report(doc.path, claims)


def located(claim: Claim, source: Source) -> Claim:
    """A claim at the place its author wrote it (a notebook's cell, an ``\\input`` file's line)."""
    first, last = source.origin(claim.line), source.origin(claim.end_line)
    if first is None:
        return claim
    same = last is not None and (last.file, last.cell, last.part) == (first.file, first.cell, first.part)
    moved = {f: LINE_REF.sub(lambda m: _place(source, int(m.group(1)), first), getattr(claim, f))
             for f in ("message", "diagnosis") if getattr(claim, f)}
    return replace(claim, line=first.line, end_line=last.line if same else first.line, origin=first, **moved)


LINE_REF = re.compile(r"\bline (\d+)\b")


def _place(source: Source, line: int, here) -> str:
    """``line N`` of the Markdown text, said as the author's place (``cell 2, line 3``; ``line 41``;
    ``attn.tex:41`` in another file than ``here``)."""
    o = source.origin(line)
    if o is None:
        return f"line {line}"
    if o.cell is not None or o.file != here.file:
        return o.where()
    return f"line {o.line}"
