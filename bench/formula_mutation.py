"""Plant slips in derivative formulas derive proves, and count how many still pass as ok.

    python bench/formula_mutation.py [DOC ...]

For every derivative formula ``derive check`` calls ok (basis ``proof``) in the
given Markdown or LaTeX documents (default: the formula corpus beside the project,
``../corpus/formulas``), the formula's text is replaced by a slip of it, and the
document is checked again:

    negated    -(f)              the sign
    doubled    2(f)              a factor 2
    halved     (f)/2             a factor 1/2
    shifted    f + 1             an extra term
    squared    (f)^2             a power
    flipped    the first binary minus made a plus (or plus a minus)

A slip is *caught* when the formula is then wrong, *withheld* when it is
unverifiable, and *survives* when it is still ok: every survivor is printed, since
an ok that a slip does not change is not earned (a slip that leaves the value
unchanged, such as the sign of 0, would survive rightly: none of these does on a
formula that is not identically 0 or 1).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from derive.check.pipeline import check_document  # noqa: E402
from derive.check.read import markdown_document, open_document  # noqa: E402

CORPUS = ROOT.parent / "corpus" / "formulas"


def _flipped(f: str) -> str | None:
    m = re.search(r"(?<=[\w})\]])\s*([+-])\s*", f)
    if m is None:
        return None
    sign = "+" if m.group(1) == "-" else "-"
    return f[:m.start(1)] + sign + f[m.end(1):]


SLIPS = {
    "negated": lambda f: rf"-\left({f}\right)",
    "doubled": lambda f: rf"2\left({f}\right)",
    "halved": lambda f: rf"\frac{{1}}{{2}}\left({f}\right)",
    "shifted": lambda f: rf"{f} + 1",
    "squared": lambda f: rf"\left({f}\right)^{{2}}",
    "flipped": _flipped,
}


def formulas(report) -> list:
    return [c for c in report.claims if c.kind == "formula"]


def mutate(path: Path) -> list[tuple[str, int, str, str]]:
    """(slip, line, formula, verdict after the slip) for every ok formula of the document."""
    text = path.read_text(encoding="utf-8")
    doc = open_document(str(path))
    out = []
    for claim in formulas(check_document(doc)):
        if str(claim.verdict) != "ok":
            continue
        lines = text.split("\n")
        line = lines[claim.line - 1]
        if line.count(claim.printed) != 1:
            continue                      # the formula spans lines, or is written twice: not placed
        for name, slip in SLIPS.items():
            changed = slip(claim.printed)
            if changed is None:
                continue
            lines2 = list(lines)
            lines2[claim.line - 1] = line.replace(claim.printed, changed)
            report = check_document(markdown_document("\n".join(lines2), str(path)) if path.suffix == ".md"
                                    else _tex(path, "\n".join(lines2)))
            after = [c for c in formulas(report) if c.line == claim.line and c.printed == changed]
            out.append((name, claim.line, claim.printed, str(after[0].verdict) if after else "not read"))
    return out


def _tex(path: Path, text: str):
    from derive.check.read.tex import tex_document
    return tex_document(text, str(path))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("docs", nargs="*", type=Path)
    args = ap.parse_args(argv)
    docs = args.docs or sorted(p for d in (CORPUS / "docs", CORPUS / "synthetic" / "docs") if d.is_dir()
                               for p in d.iterdir() if p.suffix == ".md")
    total = {"wrong": 0, "unverifiable": 0, "ok": 0, "not read": 0}
    for path in docs:
        results = mutate(path)
        for name, line, formula, verdict in results:
            key = verdict if verdict in total else "ok" if verdict in ("rounded", "truncated") else "not read"
            total[key] += 1
            if key == "ok":
                print(f"SURVIVES {path.name}:{line} {name}: {formula}")
        if results:
            print(f"{path.name}: {len(results)} slips of {len({(l, f) for _, l, f, _ in results})} ok formulas")
    n = sum(total.values())
    print(f"\n{n} slips: caught (wrong) {total['wrong']}, withheld (unverifiable) {total['unverifiable']}, "
          f"survive (ok) {total['ok']}, not read {total['not read']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
