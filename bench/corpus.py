"""Score ``derive check`` on a corpus of real documents written by others, against answer keys.

    python bench/corpus.py [CORPUS] [--run-code] [--json] [--show]

CORPUS (default: ``../corpus`` beside the project) holds ``docs/`` (the
documents: ``.md``, ``.ipynb``, ``.tex``) and ``keys/NAME.json``, one answer
key per document, built independently with mpmath from the document's own
inputs. A key lists every line that prints a computed number::

    {"document": "docs/NAME.md", "format": "md" | "ipynb" | "tex",
     "claims": [{"line": 42, "cell": null, "part": "", "printed": "0.66",
                 "expected": "0.6607...", "verdict": "right" | "rounded" | "wrong"}]}

(``cell`` counts a notebook's cells from 1, ``part`` is ``"output"`` for a
line of a stored output, and ``line`` counts within the cell then). The
corpus is not part of the project: the documents are other people's words.

Three figures, per document and in total:

* **wrong lines caught**: keyed-wrong lines where derive reports a wrong claim
  (keyed-wrong lines derive reports ``truncated`` are counted apart: the keys
  call a truncation wrong, derive has a verdict of its own for it);
* **false alarms**: lines derive calls wrong that the key says are right or
  rounded (or that the key does not list: counted, and shown with ``--show``),
  per 100 keyed correct claims;
* **judged**: keyed claims where derive gives a verdict other than unverifiable.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from derive.check.pipeline import check_document  # noqa: E402
from derive.check.read import open_document  # noqa: E402
from derive.errors import DeriveError  # noqa: E402

JUDGED = ("ok", "rounded", "truncated", "wrong")


def place(cell, part, line) -> tuple:
    return (cell, part or "", line)


def claim_places(c) -> list[tuple]:
    """The places (cell, part, line) a claim of derive covers."""
    origin = getattr(c, "origin", None)         # (a checker before notebooks had none)
    cell = origin.cell if origin is not None else None
    part = origin.part if origin is not None else ""
    return [place(cell, part, n) for n in range(c.line, max(c.line, c.end_line) + 1)]


def _wrong_places(c, document) -> set[tuple]:
    """The places (cell, part, line) of a wrong claim's wrong entries (empty when not known)."""
    if document is None or not c.wrong_entries or not c.spans or c.grid is None:
        return set()
    width = len(c.grid[0])
    places = set()
    for e in c.wrong_entries:
        k = (e["row"] - 1) * width + (e["col"] - 1)
        if 0 <= k < len(c.spans):
            line = document.line_of(c.spans[k][0])
            origin = document.source.origin(line) if document.source is not None else None
            places.add(place(origin.cell, origin.part, origin.line) if origin is not None else place(None, "", line))
    return places


def score(corpus: Path, key_path: Path, run_code: bool) -> dict:
    key = json.loads(key_path.read_text())
    doc = corpus / key["document"]
    keyed = {}
    for k in key["claims"]:
        p = place(k.get("cell"), k.get("part"), k["line"])
        # several keyed values on one line: the line is wrong if any is
        keyed[p] = "wrong" if k["verdict"] == "wrong" or keyed.get(p) == "wrong" else "right"
    try:
        document = open_document(str(doc))
        claims = check_document(document, run_code).claims
        error = None
    except DeriveError as exc:
        document, claims, error = None, [], str(exc)
    verdicts: dict[tuple, set] = {}
    for c in claims:
        if c.verdict == "given":
            continue
        places = claim_places(c)
        # a claim over several lines (a matrix) is scored on the lines the key lists, when it covers any:
        # its bracket lines are not values of their own; a wrong one only on the lines of its wrong entries
        places = [p for p in places if p in keyed] or places
        wrong_rows = _wrong_places(c, document)
        for p in places:
            verdict = str(c.verdict)
            if verdict == "wrong" and wrong_rows and p not in wrong_rows:
                verdict = "ok"
            verdicts.setdefault(p, set()).add(verdict)
    wrong_lines = [p for p, v in keyed.items() if v == "wrong"]
    caught = [p for p in wrong_lines if "wrong" in verdicts.get(p, ())]
    truncated = [p for p in wrong_lines if p not in caught and "truncated" in verdicts.get(p, ())]
    alarms = [p for p, v in verdicts.items() if "wrong" in v and keyed.get(p) != "wrong"]
    judged = [k for k in key["claims"]
              if verdicts.get(place(k.get("cell"), k.get("part"), k["line"]), set()) & set(JUDGED)]
    return {"document": key["document"], "format": key.get("format", ""), "claims": len(key["claims"]),
            "correct": sum(1 for k in key["claims"] if k["verdict"] != "wrong"),
            "wrong_lines": len(wrong_lines), "caught": len(caught), "truncated": len(truncated),
            "false_alarms": len(alarms),
            "unkeyed_alarms": sum(1 for p in alarms if p not in keyed), "judged": len(judged),
            "derive_claims": sum(1 for c in claims if c.verdict != "given"), "error": error,
            "missed": sorted(map(str, set(wrong_lines) - set(caught))), "alarms": sorted(map(str, alarms)),
            "unjudged": [f"{k['line'] if k.get('cell') is None else (k['cell'], k['line'])} {k['printed']} "
                         f"({', '.join(sorted(verdicts.get(place(k.get('cell'), k.get('part'), k['line']), ()))) or 'no claim'})"
                         for k in key["claims"] if k not in judged]}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus", nargs="*", default=[str(ROOT.parent / "corpus")],
                    help="corpus folders (docs/ and keys/ in each); a total line for each and, with several, "
                         "one for all")
    ap.add_argument("--run-code", action="store_true", help="run the documents' code (in derive's sandbox)")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--show", action="store_true", help="list missed wrong lines and false alarms")
    ap.add_argument("--unjudged", action="store_true", help="list the keyed claims derive does not judge")
    args = ap.parse_args(argv)
    results = []
    for folder in map(Path, args.corpus):
        keys = sorted((folder / "keys").glob("*.json"))
        if not keys:
            print(f"corpus.py: no keys in {folder / 'keys'}", file=sys.stderr)
            return 2
        results.append((folder, [score(folder, k, args.run_code) for k in keys]))
    if args.json:
        print(json.dumps([{"corpus": str(f), "documents": rows, "total": _total(rows)} for f, rows in results],
                         indent=2))
        return 0
    for folder, rows in results:
        _show(rows, args)
        print(f"{folder}: {_line(_total(rows))}\n")
    if len(results) > 1:
        print(f"all: {_line(_total([r for _, rows in results for r in rows]))}")
    return 0


def _total(rows: list[dict]) -> dict:
    total = {f: sum(r[f] for r in rows) for f in ("claims", "correct", "wrong_lines", "caught", "truncated",
                                                 "false_alarms", "unkeyed_alarms", "judged", "derive_claims")}
    total["documents"] = len(rows)
    return total


def _show(rows: list[dict], args) -> None:
    print("| document | format | keyed | wrong lines | caught | false alarms | judged |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {Path(r['document']).name} | {r['format']} | {r['claims']} | {r['wrong_lines']} | {r['caught']} "
              f"| {r['false_alarms']} | {r['judged']} |" + (f" error: {r['error']}" if r["error"] else ""))
        if args.show and (r["missed"] or r["alarms"]):
            print(f"|  missed {r['missed']} alarms {r['alarms']} |")
        if args.unjudged:
            for u in r["unjudged"]:
                print(f"|  unjudged {u} |")



def _line(t: dict) -> str:
    return (f"{t['documents']} documents, {t['claims']} keyed claims: wrong lines caught {t['caught']}/"
            f"{t['wrong_lines']} ({100 * t['caught'] / max(1, t['wrong_lines']):.0f}%; {t['truncated']} more "
            f"reported truncated), false alarms {t['false_alarms']} "
            f"({100 * t['false_alarms'] / max(1, t['correct']):.1f} per 100 correct; {t['unkeyed_alarms']} on lines "
            f"the keys do not list), judged {t['judged']}/{t['claims']} ({100 * t['judged'] / max(1, t['claims']):.0f}%)")


if __name__ == "__main__":
    sys.exit(main())
