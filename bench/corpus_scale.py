"""Check a whole generated corpus with ``derive check``: serial, two jobs and Dask, in one run.

    python bench/corpus_scale.py [--corpus DIR] [--count 200] [--seed 0] [--derive CMD] [--show]

Without ``--corpus`` it writes a corpus of ``--count`` documents with
``bench/corpus_gen.py`` into a temporary folder (``--keep DIR`` keeps it there).
Then, in the same run, it checks the folder

* ``files``: ``derive check FILE ... --format json`` (one process before issue 16; its default jobs after)
* ``jobs1``: ``derive check FOLDER --jobs 1 --format jsonl``
* ``jobs2``: ``derive check FOLDER --jobs 2 --format jsonl``
* ``dask2``: ``derive check FOLDER --dask local --jobs 2 --format jsonl``

and reports for each run its wall time, the peak resident memory of any one
process under it (polled from /proc, and ``ru_maxrss`` of the reaped
children), and the figures of issue 16: jobs1 / jobs2 (goal >= 1.8) and
dask2 / jobs2 (goal <= 1.3). The findings must be identical across the runs:
per document its summary and its list of (line, verdict), whatever order the
documents come in and whatever their ``seconds``.

With a ``derive check`` that lacks those options only the ``files`` run is made,
and the missing options are named. The 1-minute load average before each run
is printed beside it: on a shared machine the ratios mean little.

The first run's findings are scored against the corpus's ``key.json``,
ordinary and pathological documents apart: a planted error is *caught* when a
``wrong`` finding covers one of its lines; a ``wrong`` finding on no planted
line is a *false alarm*, unless a planted error sits earlier in its section
(*downstream*: derive may rightly call a result that carries it wrong).
*Judged* is the share of keyed result lines that some finding other than
``unverifiable`` covers.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import corpus_gen  # noqa: E402

JUDGED = ("ok", "rounded", "truncated", "wrong")
GOALS = {"jobs1/jobs2": (">=", 1.8), "dask2/jobs2": ("<=", 1.3)}


# ---------------------------------------------------------------- what the derive at hand can do

def options(derive: list[str]) -> dict:
    """Which of issue 16's options `derive check --help` lists."""
    text = subprocess.run(derive + ["check", "--help"], capture_output=True, text=True).stdout
    return {"jobs": "--jobs" in text, "jsonl": "jsonl" in text, "dask": "--dask" in text,
            "folders": "--jobs" in text and "jsonl" in text}


def runs(derive: list[str], corpus: Path, have: dict) -> list[tuple[str, list[str]]]:
    """The commands of this run, by name."""
    files = sorted(str(p) for p in corpus.glob("*.md"))
    out = [("files", derive + ["check", *files, "--format", "json"])]   # one process before issue 16
    if have["jobs"] and have["jsonl"]:
        base = derive + ["check", str(corpus), "--format", "jsonl"]
        out += [("jobs1", base + ["--jobs", "1"]), ("jobs2", base + ["--jobs", "2"])]
        if have["dask"]:
            out.append(("dask2", base + ["--dask", "local", "--jobs", "2"]))
    return out


# ---------------------------------------------------------------- one timed run, with its memory

def descendants(pid: int) -> list[int]:
    """pid and every process under it, from /proc."""
    children: dict[int, list[int]] = {}
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                ppid = int((d / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(d.name))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo += children.get(p, [])
    return out


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


POLL_SECONDS = 0.5     # a walk of /proc every 50 ms took CPU from the run it measured (2 cores)


def timed(cmd: list[str], timeout: float) -> dict:
    """Run cmd; its wall time, stdout, exit code, and the peak RSS of its processes (one and all together)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    load = os.getloadavg()[0]
    t0 = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(cmd, stdout=out, stderr=err)
        peak_one, peak_all, seen = 0.0, 0.0, set()
        while proc.poll() is None:
            if time.perf_counter() - t0 > timeout:
                proc.kill()
                break
            rss = {p: rss_mb(p) for p in descendants(proc.pid)}
            seen |= {p for p, r in rss.items() if r}
            peak_one, peak_all = max(peak_one, *rss.values()), max(peak_all, sum(rss.values()))
            time.sleep(POLL_SECONDS)
        proc.wait()
        seconds = time.perf_counter() - t0
        out.seek(0), err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
    maxrss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {"seconds": seconds, "load_before": load, "rc": proc.returncode, "stdout": stdout, "stderr": stderr.strip()[-2000:],
            "peak_process_mb": peak_one, "peak_total_mb": peak_all, "processes": len(seen),
            "maxrss_mb": maxrss / 1024 if maxrss > before else None}


def documents(stdout: str) -> dict:
    """Each document's object of a json list or of jsonl lines, by file name."""
    text = stdout.strip()
    if not text:
        return {}
    objs = json.loads(text) if text.startswith("[") else [json.loads(line) for line in text.splitlines() if line]
    return {Path(o["document"]).name: o for o in objs}


def signature(obj: dict) -> tuple:
    """What must agree across runs: the summary and the (line, verdict) of each finding."""
    return (json.dumps(obj.get("summary"), sort_keys=True), obj.get("error") is not None,
            tuple((f["line"], f["verdict"]) for f in obj.get("findings", [])))


def differences(results: dict) -> list[str]:
    """Documents whose findings differ between runs (against the first run)."""
    names = list(results)
    first = results[names[0]]
    out = []
    for other in names[1:]:
        docs = results[other]
        for doc in sorted(set(first) | set(docs)):
            if doc not in first or doc not in docs or signature(first[doc]) != signature(docs[doc]):
                out.append(f"{doc}: {names[0]} and {other} differ")
    return out


# ---------------------------------------------------------------- findings against the key

def covers(f: dict) -> range:
    return range(f["line"], max(f["line"], f.get("end_line") or f["line"]) + 1)


def score(key: dict, docs: dict, kinds=("normal",)) -> dict:
    """Planted errors caught (by kind), false alarms, and the share of keyed results judged, over documents of kinds."""
    s = {"documents": 0, "planted": 0, "caught": 0, "by_kind": {}, "downstream": [], "alarms": [],
         "clean_docs": 0, "clean_alarms": 0, "keyed_lines": 0, "judged_lines": 0, "misses": []}
    for name, entry in sorted(key["documents"].items()):
        if entry["kind"] not in kinds:
            continue
        findings = docs.get(name, {}).get("findings", [])
        wrong = [f for f in findings if f["verdict"] == "wrong"]
        wrong_lines = {n for f in wrong for n in covers(f)}
        planted_lines = {n for e in entry["errors"] for n in e["lines"]}
        # a section holding a planted error may rightly call later results in it wrong (carried)
        tainted = {n for _, a, b in entry["sections"] if planted_lines & set(range(a, b + 1)) for n in range(a, b + 1)}
        s["documents"] += 1
        s["clean_docs"] += not entry["errors"]
        for e in entry["errors"]:
            hit = bool(wrong_lines & set(e["lines"]))
            s["planted"], s["caught"] = s["planted"] + 1, s["caught"] + hit
            k = s["by_kind"].setdefault(e["kind"], [0, 0])
            k[0], k[1] = k[0] + hit, k[1] + 1
            if not hit:
                c = e["changes"][0]
                s["misses"].append(f"{name}:{e['lines'][0]}: {e['kind']} {c['label']} {c['correct']} -> {c['printed']}")
        for f in wrong:
            if not set(covers(f)) & planted_lines:
                alarm = f"{name}:{f['line']}: {f['message']}"
                s["downstream" if f["line"] in tainted else "alarms"].append(alarm)
                s["clean_alarms"] += not entry["errors"]
        lines = {v["line"] for v in entry["values"]}
        judged = {n for f in findings if f["verdict"] in JUDGED for n in covers(f)}
        s["keyed_lines"], s["judged_lines"] = s["keyed_lines"] + len(lines), s["judged_lines"] + len(lines & judged)
    return s


# ---------------------------------------------------------------- the run

def pct(a: int, b: int) -> str:
    return f"{a} / {b} ({100 * a / b:.1f}%)" if b else "-"


def report(timings: dict, have: dict, same: list[str], s: dict, show: bool) -> None:
    print(f"{'run':<8} {'seconds':>8} {'load':>5} {'rc':>3} {'docs':>5} {'processes':>9} {'peak/process MB':>15} "
          f"{'peak total MB':>13} {'ru_maxrss MB':>12}")
    for name, t in timings.items():
        maxrss = f"{t['maxrss_mb']:.0f}" if t["maxrss_mb"] else "-"
        print(f"{name:<8} {t['seconds']:>8.1f} {t['load_before']:>5.1f} {t['rc']:>3} {t['docs']:>5} {t['processes']:>9} "
              f"{t['peak_process_mb']:>15.0f} {t['peak_total_mb']:>13.0f} {maxrss:>12}")
    for ratio, (op, goal) in GOALS.items():
        a, b = ratio.split("/")
        if a in timings and b in timings:
            r = timings[a]["seconds"] / timings[b]["seconds"]
            met = r >= goal if op == ">=" else r <= goal
            print(f"{ratio}: {r:.2f} (goal {op} {goal}: {'met' if met else 'NOT met'})")
        else:
            print(f"{ratio}: not measured")
    missing = [o for o in ("--jobs", "--format jsonl", "--dask") if not have[o.split()[-1].lstrip("-")]]
    if missing:
        print(f"derive check lacks {', '.join(missing)}: only the files run")
    print(f"load: the 1-minute load average before each run ({os.cpu_count()} cores); above about 0.5 the machine "
          f"was shared and the ratios are not to be trusted")
    print("findings identical across runs" if len(timings) > 1 and not same else
          f"findings differ: {len(same)} documents" if same else "one run: nothing to compare")
    for line in same[:10]:
        print("  " + line)
    for group, g in s.items():
        print(f"{group} documents ({g['documents']}): planted errors caught {pct(g['caught'], g['planted'])} ("
              + ", ".join(f"{k} {v[0]}/{v[1]}" for k, v in sorted(g["by_kind"].items())) + ")")
        print(f"  false alarms: {len(g['alarms'])} wrong findings outside any section with a planted error "
              f"({g['clean_alarms']} in the {g['clean_docs']} documents with none); {len(g['downstream'])} more "
              f"after a planted error in its section")
        print(f"  keyed result lines judged (not unverifiable): {pct(g['judged_lines'], g['keyed_lines'])}")
        if show:
            print("  missed:", *g["misses"], "false alarms:", *g["alarms"], "downstream:", *g["downstream"],
                  sep="\n    ")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", type=Path, help="a corpus folder with key.json (default: generate one)")
    ap.add_argument("--keep", type=Path, help="generate the corpus into this folder and keep it")
    ap.add_argument("--count", type=int, default=200)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--derive", default=f"{shlex.quote(sys.executable)} -m derive",
                    help="the command that runs derive (default: this Python's -m derive)")
    ap.add_argument("--timeout", type=float, default=3600, help="seconds one run may take")
    ap.add_argument("--repeat", type=int, default=3, help="rounds of the runs; the median time is shown (default 3)")
    ap.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    ap.add_argument("--show", action="store_true", help="list every missed error and false alarm")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="derive-corpus-") as tmp:
        corpus = args.corpus or args.keep or Path(tmp)
        if not args.corpus:
            corpus_gen.generate(corpus, args.count, args.seed)
        key = json.loads((corpus / "key.json").read_text())
        derive = shlex.split(args.derive)
        have = options(derive)
        timings, results = {}, {}
        for round_ in range(args.repeat):     # the runs alternate; each one's median time is reported
            for name, cmd in runs(derive, corpus, have):
                t = timed(cmd, args.timeout)
                results[name] = documents(t.pop("stdout"))
                t["docs"] = len(results[name])
                if t["rc"] not in (0, 1):
                    print(f"{name}: exit {t['rc']}: {t['stderr']}", file=sys.stderr)
                t["all_seconds"] = timings.get(name, {}).get("all_seconds", []) + [t["seconds"]]
                t["seconds"] = statistics.median(t["all_seconds"])
                timings[name] = t
        same = differences(results)
        first = results[next(iter(results))]
        s = {"normal": score(key, first), "pathological": score(key, first, ("large", "huge_matrix"))}
    if args.json:
        print(json.dumps({"options": have, "runs": timings, "differences": same, "score": s}, indent=1))
    else:
        report(timings, have, same, s, args.show)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
