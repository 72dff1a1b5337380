"""The recipe of ``derive check`` for one document: four passes over one claim record.

    read      document -> positioned items (math statements, tables, code, outputs)
    bind      items -> names' values (a DAG, with where each was given) and drafts of claims
    judge     each draft -> a claim record: verdict and its basis
    diagnose  each wrong claim -> its most likely cause
    across    verdicts only later claims can settle (a value given anew on purpose?)
"""

from __future__ import annotations

from dataclasses import dataclass, field

from derive.check import run as runner
from derive.check.across import across
from derive.check.bind.walk import bind
from derive.check.claim import Claim
from derive.check.diagnose import diagnose
from derive.check.judge import judge
from derive.check.read import read
from derive.check.read.markdown import Document, document, read_document


@dataclass
class Report:
    path: str
    claims: list[Claim] = field(default_factory=list)
    error: str | None = None          # why the file could not be checked at all

    @property
    def findings(self) -> list[Claim]:
        """The claims (the name the JSON report gives them)."""
        return self.claims


def check_file(path: str, run_code: bool = False, timeout: float = runner.TIMEOUT) -> Report:
    """Every claim of a Markdown file, judged (InputError for unusable files)."""
    return check_document(read_document(path), run_code, timeout)


def check_text(text: str, path: str = "<text>", run_code: bool = False, specs=None) -> Report:
    """Check Markdown given as text (``specs``: worked examples to tie to, default the shipped ones)."""
    return check_document(document(text, path), run_code, specs=specs)


def check_document(doc: Document, run_code: bool = False, timeout: float = runner.TIMEOUT,
                   specs=None) -> Report:
    reading = read(doc)
    bound = bind(reading, run_code, timeout)
    claims, ties = judge(bound, reading, run_code, timeout, specs)
    claims = diagnose(claims, bound.env, ties)
    claims = across(claims, bound.env)
    claims.sort(key=lambda c: (c.line, c.end_line))
    return Report(doc.path, claims)
