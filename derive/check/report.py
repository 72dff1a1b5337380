"""Four faces of a check: text for people, Markdown errata, JSON, GitHub annotations.

Every face is built from the same findings and is deterministic (findings in
line order, sorted keys, no timestamps).
"""

from __future__ import annotations

import html
import json
import re

from derive.check.claim import Claim as Finding, summary
from derive.check.pipeline import Report

FORMATS = ("text", "markdown", "json", "jsonl", "github")
MAX_ENTRIES_SHOWN = 8


def render(reports: list[Report], fmt: str, show_all: bool = False) -> str:
    return {"text": text, "markdown": markdown, "json": as_json, "jsonl": jsonl,
            "github": github}[fmt](reports, show_all)


def _shown(r: Report, show_all: bool) -> list[Finding]:
    return r.findings if show_all else [f for f in r.findings if f.verdict == "wrong"]


def _summary_line(r: Report) -> str:
    s = summary(r.findings)
    given = f"; {s['given']} value{'s' * (s['given'] != 1)} given" if s["given"] else ""
    return (f"{r.path}: {s['claims']} claims: {s['ok']} ok, {s['rounded']} rounded, "
            f"{s['truncated']} truncated, {s['wrong']} wrong, {s['unverifiable']} unverifiable{given}")


# ---------------------------------------------------------------- text

def text(reports: list[Report], show_all: bool = False) -> str:
    out: list[str] = []
    for r in reports:
        if r.error:
            out.append(f"{r.path}: not checked: {r.error}")
            continue
        section = None
        for f in _shown(r, show_all):
            if f.section != section:
                section = f.section
                out.append(f"\n## {section or '(before the first heading)'}")
            out.extend(_text_finding(r.path, f))
        notes = [f for f in r.findings if f.note and f.verdict != "wrong" and not show_all]
        if notes:
            out.append("\nnotes:")
            out.extend(f"  {f.where(r.path)}: {f.message}" for f in notes)
        out.append("" if out else "")
        out.append(_summary_line(r))
    return "\n".join(out).strip("\n") + "\n"


def _text_finding(path: str, f: Finding) -> list[str]:
    label = f" {f.label}" if f.label else ""
    chained = f" (first principles: {f.chained_verdict})" if f.chained_verdict else ""
    basis = f" [{f.basis}]" if f.basis else ""
    lines = [f"{f.where(path)}: {f.verdict}{basis}{chained}: {f.kind}{label}: {f.message}"]
    if f.verdict != "ok":
        lines.append(f"    printed:  {f.printed}")
        if f.expected:
            lines.append(f"    expected: {f.expected}")
    for e in f.wrong_entries[:MAX_ENTRIES_SHOWN] if f.kind != "scalar" else ():     # (one number: said above)
        lines.append(f"    entry ({e['row']}, {e['col']}): printed {e['printed']}, expected {e['expected']}")
    if len(f.wrong_entries) > MAX_ENTRIES_SHOWN:
        lines.append(f"    ... and {len(f.wrong_entries) - MAX_ENTRIES_SHOWN} more entries")
    if f.diagnosis:
        lines.append(f"    why: {f.diagnosis}")
    return lines


# ---------------------------------------------------------------- json

def as_json(reports: list[Report], show_all: bool = False) -> str:
    docs = [_json_doc(r) for r in reports]
    return json.dumps(docs[0] if len(docs) == 1 else docs, indent=2, sort_keys=False, ensure_ascii=False) + "\n"


def jsonl(reports: list[Report], show_all: bool = False) -> str:
    """One line per document, the object ``json`` gives for one document."""
    return "".join(json_line(r) for r in reports)


def json_line(r: Report, seconds: float | None = None) -> str:
    """A document's JSON on one line; ``seconds``: how long it took (a corpus run says it)."""
    doc = _json_doc(r)
    if seconds is not None:
        doc["seconds"] = round(seconds, 3)
    return json.dumps(doc, ensure_ascii=False) + "\n"


def _json_doc(r: Report) -> dict:
    doc = {"document": r.path, "summary": summary(r.findings),
           "findings": [f.as_json() for f in r.findings]}
    if r.error:
        doc["error"] = r.error
    return doc


# ---------------------------------------------------------------- markdown errata

def markdown(reports: list[Report], show_all: bool = False) -> str:
    """One errata section per document; over several, an index first (a row per document,
    linked to its section)."""
    titles = [f"Errata: `{r.path}`" for r in reports]
    out = _md_index(reports, titles) if len(reports) > 1 else []
    for r, title in zip(reports, titles):
        section = [f"# {title}\n"]
        if r.error:
            section.append(f"Not checked: {_md(r.error)}\n")
        else:
            section += _md_summary(r.findings) + _md_wrong(r.findings) + _md_notes(r.findings)
            if show_all:
                section += _md_every_claim(r.findings)
        text = "\n".join(section)
        out.append(re.sub(r"(?m)^(#+) ", r"#\1 ", text) if len(reports) > 1 else text)   # below the index
    return "\n".join(out).rstrip("\n") + "\n"


def _md_index(reports: list[Report], titles: list[str]) -> list[str]:
    wrong = sum(1 for r in reports if any(f.verdict == "wrong" for f in r.findings))
    failed = sum(1 for r in reports if r.error)
    rows = ["# Errata: index\n",
            f"{len(reports)} documents; {wrong} with a wrong number; {failed} not checked.\n",
            "| document | claims | ok | rounded | truncated | wrong | unverifiable |",
            "|---|---|---|---|---|---|---|"]
    for r, anchor in zip(reports, _anchors(titles)):
        link = f"[`{_cell(r.path)}`](#{anchor})"
        if r.error:
            rows.append(f"| {link} | not checked: {_cell(_md(r.error))} | | | | | |")
            continue
        s = summary(r.findings)
        rows.append(f"| {link} | {s['claims']} | {s['ok']} | {s['rounded']} | {s['truncated']} | "
                    f"{s['wrong']} | {s['unverifiable']} |")
    return rows + [""]


def _anchors(titles: list[str]) -> list[str]:
    """GitHub's heading anchors: lower case, punctuation dropped, spaces as hyphens, a
    repeated one numbered (the index heading comes first)."""
    seen = {"errata-index": 1}
    anchors = []
    for title in titles:
        slug = "".join(c for c in title.lower() if c.isalnum() or c in " -_").replace(" ", "-")
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        anchors.append(slug if count == 0 else f"{slug}-{count}")
    return anchors


def _md_summary(findings: list[Finding]) -> list[str]:
    s = summary(findings)
    return ["Generated by `derive check`. Each printed number was recomputed from the document's "
            "own earlier values, formulas and code (the local verdict) and, where derive knows "
            "the worked example, from first principles (the chained verdict).\n",
            "| claims | ok | rounded | truncated | wrong | unverifiable | values given |\n|---|---|---|---|---|---|---|",
            f"| {s['claims']} | {s['ok']} | {s['rounded']} | {s['truncated']} | {s['wrong']} | "
            f"{s['unverifiable']} | {s['given']} |\n"]


def _md_wrong(findings: list[Finding]) -> list[str]:
    """Wrong numbers, then numbers right locally but wrong from first principles."""
    wrong = [f for f in findings if f.verdict == "wrong"]
    out = ["## Wrong numbers\n"] + [_md_finding(f) for f in wrong]
    if not wrong:
        out.append("None found.\n")
    chained = [f for f in findings if f.verdict != "wrong" and f.chained_verdict == "wrong"]
    if chained:
        out.append("## Right from the document's own values, wrong from first principles\n")
        out.append("These follow correctly from numbers printed earlier, which are themselves off.\n")
        out.extend(_md_finding(f) for f in chained)
    return out


def _md_notes(findings: list[Finding]) -> list[str]:
    notes = [f for f in findings if f.note and f.verdict != "wrong"]
    if not notes:
        return []
    return ["## Notes\n"] + [f"- {f.place}: {_md(f.message)}" for f in notes] + [""]


def _md_every_claim(findings: list[Finding]) -> list[str]:
    return (["## Every claim\n",
             "| line | kind | label | verdict | first principles | message |\n|---|---|---|---|---|---|"]
            + [f"| {f.line} | {f.kind} | {_cell(_md(f.label or ''))} | {f.verdict} | {f.chained_verdict or ''} "
               f"| {_cell(_md(f.message))} |" for f in findings]
            + [""])


def _md_finding(f: Finding) -> str:
    title = f"### {f.place[0].upper()}{f.place[1:]}" + (f": `{f.label}`" if f.label else "") + f" ({_md(f.section)})" * bool(f.section)
    lines = [title, "", f"- verdict: **{f.verdict}**" + (f" (basis: {f.basis})" if f.basis else "")
             + (f", from first principles: **{f.chained_verdict}**" if f.chained_verdict else ""),
             f"- {_md(f.message)}", f"- printed: `{f.printed}`"]
    if f.expected:
        lines.append(f"- expected: `{f.expected}`")
    if f.diagnosis:
        lines.append(f"- likely cause: {_md(f.diagnosis)}")
    if f.wrong_entries:
        lines += ["", "| row | col | printed | expected |", "|---|---|---|---|"]
        lines += [f"| {e['row']} | {e['col']} | {e['printed']} | {e['expected']} |" for e in f.wrong_entries]
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    """Prose made safe for Markdown: GitHub drops <start> as an unknown HTML tag."""
    return html.escape(text, quote=False)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


# ---------------------------------------------------------------- github

def github(reports: list[Report], show_all: bool = False) -> str:
    out = []
    for r in reports:
        if r.error:
            out.append(f"::error file={_prop(r.path)}::{_data(r.error)}")
            continue
        for f in r.findings:
            level = _level(f, show_all)
            if level is None:
                continue
            title = f"{f.verdict}: {f.label}" if f.label else f.verdict
            message = f.message + (f" (printed {f.printed}; expected {f.expected})" if f.expected and f.verdict == "wrong" else "")
            if f.diagnosis:
                message += f". Likely cause: {f.diagnosis}"
            path = f.origin.file if f.origin is not None else r.path
            out.append(f"::{level} file={_prop(path)},line={f.line},endLine={f.end_line},"
                       f"title={_prop(title)}::{_data(message)}")
    return "\n".join(out) + ("\n" if out else "")


def _level(f: Finding, show_all: bool) -> str | None:
    if f.verdict == "wrong":
        return "error"
    if f.chained_verdict == "wrong" or f.note:
        return "warning"
    return "notice" if show_all else None


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")
