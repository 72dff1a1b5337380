"""Checking many documents at once: folders and patterns, each document in its own
process under a time and memory budget, JSON lines, resuming a stopped run, an
errata index, and a Dask LocalCluster. The oracle for the verdicts is a key the
generator below writes from exact arithmetic (fractions, mpmath at 50 digits),
never derive's own output."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from fractions import Fraction
from pathlib import Path

import mpmath
import pytest

from derive.check.command import CheckWork, Corpus, check_command
from derive.check.corpus import isolate, schedule
from derive.check.corpus.collect import collect
from derive.check.report import render
from derive.check.pipeline import check_file

mpmath.mp.dps = 50


# ---------------------------------------------------------------- a generated corpus with a key

def _round(x, places: int) -> str:
    """x (a Fraction or an mpf) rounded half away from zero to ``places`` decimals."""
    text = mpmath.nstr(mpmath.mpf(x.numerator) / x.denominator if isinstance(x, Fraction) else x,
                       40, strip_zeros=False, min_fixed=-50, max_fixed=50)
    value = Fraction(text)
    scaled = value * 10**places
    whole = int(abs(scaled) + Fraction(1, 2)) * (1 if scaled >= 0 else -1)
    digits = f"{abs(whole):0{places + 1}d}"
    return ("-" if whole < 0 else "") + digits[:-places] + "." + digits[-places:]


def _off(text: str) -> str:
    """The same number with its last digit changed (a slip)."""
    last = int(text[-1])
    return text[:-1] + str((last + 3) % 10)


def write_corpus(folder: Path, count: int, seed: int = 0) -> dict[str, set[int]]:
    """``count`` worked-example documents; returns, per path, the lines holding a planted slip."""
    rng = random.Random(seed)
    key = {}
    folder.mkdir(parents=True, exist_ok=True)
    for k in range(count):
        a, b = Fraction(rng.randint(1, 99), 100), Fraction(rng.randint(101, 999), 100)
        x = Fraction(rng.randint(-20, 20), 10)
        logits = [rng.randint(-3, 3) for _ in range(3)]
        exps = [mpmath.e ** z for z in logits]
        probs = [e / sum(exps) for e in exps]
        lines = {
            3: (f"The product is {float(a)} * {float(b)} = ", _round(a * b, 4), "."),
            5: (f"The ratio is {float(b)} / {float(a)} = ", _round(b / a, 4), "."),
            7: (f"Then $e^{{{float(x)}}} = ", _round(mpmath.e ** (mpmath.mpf(x.numerator) / x.denominator), 4), "$."),
        }
        planted = {n for n in lines if rng.random() < 0.3}
        body = [f"# Worked example {k}", ""]
        for n in sorted(lines):
            head, value, tail = lines[n]
            body += [head + (_off(value) if n in planted else value) + tail, ""]
        shown = [_round(p, 4) for p in probs]
        if rng.random() < 0.3:
            shown[rng.randrange(3)] = _off(shown[0])
            planted.add(9)
        body.append(rf"$$\mathrm{{softmax}}([{', '.join(map(str, logits))}]) = [{', '.join(shown)}]$$")
        path = folder / f"doc{k:03d}.md"
        path.write_text("\n".join(body) + "\n")
        key[str(path)] = planted
    return key


def _wrong_lines(entry: dict) -> set[int]:
    return {f["line"] for f in entry["findings"] if f["verdict"] == "wrong"}


def _lines(text: str) -> dict[str, dict]:
    return {e["document"]: e for e in map(json.loads, text.splitlines())}


def _cli(*args, check=None):
    done = subprocess.run([sys.executable, "-m", "derive", "check", *map(str, args)],
                          capture_output=True, text=True, timeout=300)
    if check is not None:
        assert done.returncode == check, done.stderr
    return done


# ---------------------------------------------------------------- which files

def test_folders_patterns_include_and_exclude_choose_the_documents(tmp_path):
    for name in ("a.md", "b.ipynb", "c.tex", "notes.txt", "image.png", ".hidden/e.md", "sub/f.markdown",
                 "sub/g.md", ".h.md"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    found = collect([str(tmp_path)])
    names = [os.path.relpath(p, tmp_path) for p in found.documents]
    assert names == ["a.md", "b.ipynb", "c.tex", "sub/f.markdown", "sub/g.md"]
    assert sorted(os.path.basename(p) for p in found.skipped) == ["image.png", "notes.txt"]
    only_md = collect([str(tmp_path)], include=("*.md",))
    assert [os.path.relpath(p, tmp_path) for p in only_md.documents] == ["a.md", "sub/g.md"]
    no_sub = collect([str(tmp_path)], exclude=("sub/*",))
    assert [os.path.relpath(p, tmp_path) for p in no_sub.documents] == ["a.md", "b.ipynb", "c.tex"]
    pattern = collect([str(tmp_path / "**" / "*.md")])
    assert [os.path.relpath(p, tmp_path) for p in pattern.documents] == ["a.md", "sub/g.md"]
    twice = collect([str(tmp_path / "a.md"), str(tmp_path), str(tmp_path / "./a.md")])
    assert len(twice.documents) == 5                                # each document once
    assert collect([str(tmp_path / "none" / "*.md")]).empty == [str(tmp_path / "none" / "*.md")]


# ---------------------------------------------------------------- the same findings, in processes

@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("corpus")
    return folder, write_corpus(folder, 12, seed=3)


def test_a_corpus_run_finds_every_planted_slip_and_only_those(corpus, capsys):
    folder, key = corpus
    assert sum(len(v) for v in key.values()) >= 4          # the seed plants enough slips
    code = check_command([str(folder)], fmt="jsonl", corpus=Corpus(jobs=2, progress=False))
    out, err = capsys.readouterr()
    lines = _lines(out)
    assert set(lines) == set(key)
    for path, planted in key.items():
        assert _wrong_lines(lines[path]) == planted, path
        assert lines[path]["seconds"] >= 0
    assert code == 1
    total_wrong = sum(len(_wrong_lines(e)) for e in lines.values())
    assert "derive check: summary" in err
    assert any(line.split()[:1] == ["wrong"] and line.split()[-1] == str(total_wrong) for line in err.splitlines())


def test_a_document_in_its_own_process_gets_the_findings_it_gets_alone(corpus):
    folder, key = corpus
    paths = sorted(key)[:4]
    alone = {p: check_file(p) for p in paths}
    finished = dict(schedule.local(paths, CheckWork(), 2, 60, None))
    for index, outcome in finished.items():
        assert outcome.error is None
        mine, theirs = outcome.value, alone[paths[index]]
        assert [(c.line, c.verdict, c.printed, c.message) for c in mine.claims] == \
            [(c.line, c.verdict, c.printed, c.message) for c in theirs.claims]
        assert render([mine], "json") == render([theirs], "json")


def test_jsonl_resume_skips_finished_documents_and_drops_a_cut_line(corpus, tmp_path):
    folder, key = corpus
    record = tmp_path / "run.jsonl"
    _cli(folder, "--include", "doc00*", "--format", "jsonl", "--out", record)
    first = _lines(record.read_text())
    assert len(first) == 10                                   # doc000 ... doc009
    with open(record, "a") as handle:
        handle.write('{"document": "half a line')            # the run was stopped while writing
    done = _cli(folder, "--resume", record, "--jobs", "2")
    entries = [json.loads(line) for line in record.read_text().splitlines()]
    assert sorted(e["document"] for e in entries) == sorted(key)      # each document once
    assert "already in the resumed file" in done.stderr
    assert done.returncode == (1 if any(key.values()) else 0)
    again = _cli(folder, "--resume", record)                     # nothing left: the same exit code
    assert again.returncode == done.returncode and len(record.read_text().splitlines()) == len(key)


def test_the_errata_of_a_corpus_has_an_index_linked_to_each_document(corpus, capsys):
    folder, key = corpus
    paths = sorted(key)[:3]
    check_command(paths, fmt="markdown", corpus=Corpus(jobs=1, progress=False))
    page = capsys.readouterr().out
    assert page.startswith("# Errata: index\n")
    for path in paths:
        slug = "errata-" + "".join(c for c in path.lower() if c.isalnum() or c in "-_")
        assert f"[`{path}`](#{slug})" in page
        assert f"\n## Errata: `{path}`\n" in page
    assert "\n### Wrong numbers\n" in page


# ---------------------------------------------------------------- budgets: time, memory, crashes

def _slow(path):
    if path.endswith("slow"):
        time.sleep(60)
    return path.upper()


def test_a_document_that_hangs_is_stopped_at_its_budget_and_the_rest_go_on():
    began = time.monotonic()
    finished = dict(schedule.local(["a", "slow", "b"], _slow, 2, 1.0, None))
    assert time.monotonic() - began < 30
    assert finished[0].value == "A" and finished[2].value == "B"
    assert finished[1].value is None and "took longer than 1 s" in finished[1].error


def _hungry(path):
    return bytearray(400 * 2**20)


def _crash(path):
    os.kill(os.getpid(), signal.SIGSEGV)


def test_memory_and_crashes_are_one_failed_document_each():
    hungry = isolate.run(_hungry, ("x",), 30, 100)
    assert hungry.value is None and hungry.error == "needed more than 100 MB of memory"
    crash = isolate.run(_crash, ("x",), 30, None)
    assert crash.value is None and "SIGSEGV" in crash.error
    fine = isolate.run(len, ("four",), 30, None)
    assert fine.value == 4 and fine.error is None and fine.peak_mb > 0


def test_a_stopped_document_stops_what_it_started(tmp_path):
    pid_file = tmp_path / "pid"

    def starts_a_process(path):
        child = subprocess.Popen(["sleep", "60"], start_new_session=True)
        pid_file.write_text(str(child.pid))
        try:
            child.wait()
        finally:                       # how derive's sandbox ends a code block's session
            os.killpg(child.pid, signal.SIGKILL)
            child.wait()

    outcome = isolate.run(starts_a_process, ("x",), 1.0, None)
    assert "took longer" in outcome.error
    pid = int(pid_file.read_text())
    for _ in range(100):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.05)
    else:
        pytest.fail(f"process {pid} outlived its stopped document")


# ---------------------------------------------------------------- bad input: one line, exit 2

@pytest.mark.parametrize("args, says", [
    (["--jobs", "0"], "--jobs: must be at least 1"),
    (["--timeout", "-1"], "--timeout: must be a positive number"),
    (["--format", "json", "--resume", "r.jsonl"], "cannot be resumed"),
])
def test_bad_corpus_options_are_one_line_errors(corpus, args, says):
    folder, _ = corpus
    done = _cli(folder, *args, check=2)
    assert says in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_a_resume_file_with_a_bad_line_is_named_with_its_line(corpus, tmp_path):
    folder, _ = corpus
    record = tmp_path / "r.jsonl"
    record.write_text('{"document": "x.md", "summary": {}}\nnot json\n{"document": "y.md"}\n')
    done = _cli(folder, "--resume", record, check=2)
    assert f"{record}:2: not a line of derive check --format jsonl" in done.stderr


def test_a_folder_without_documents_is_a_usage_error(tmp_path):
    (tmp_path / "notes.txt").write_text("x")
    done = _cli(tmp_path, check=2)
    assert "no document" in done.stderr.splitlines()[-1]


# ---------------------------------------------------------------- Dask

def test_a_dask_local_cluster_gives_the_findings_of_one_process(corpus):
    pytest.importorskip("dask.distributed")
    folder, key = corpus
    one = _cli(folder, "--jobs", "1", "--format", "jsonl")
    cluster = _cli(folder, "--dask", "local", "--jobs", "2", "--format", "jsonl")
    assert one.returncode == cluster.returncode == 1
    mine, theirs = _lines(one.stdout), _lines(cluster.stdout)
    assert set(mine) == set(theirs) == set(key)
    for path in key:
        assert {k: v for k, v in mine[path].items() if k != "seconds"} == \
            {k: v for k, v in theirs[path].items() if k != "seconds"}


def test_the_progress_bar_counts_documents_claims_and_wrong(corpus, capsys):
    from derive.check.corpus.progress import Progress, Tally

    folder, key = corpus
    paths = sorted(key)[:2]
    tally, bar = Tally(), Progress(len(paths), enabled=True)
    for path in paths:
        tally.add(check_file(path), 0.1, 50.0)
        bar.update(tally)
    wrong = sum(len(key[p]) for p in paths)
    assert bar.bar.n == 2 and f"wrong={wrong}" in bar.bar.postfix and f"claims={tally.claims}" in bar.bar.postfix
    bar.close()
    assert "doc" in capsys.readouterr().err
    silent = Progress(2, enabled=False)          # stderr is not a terminal: no bar at all
    silent.update(tally)
    assert silent.bar is None and capsys.readouterr().err == ""


def _sleepers(marker: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and marker.encode() in (entry / "cmdline").read_bytes():
                found.append(int(entry.name))
        except OSError:
            continue
    return found


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc to find the sandboxed process")
def test_a_document_whose_code_hangs_is_stopped_with_its_sandboxed_code(corpus, tmp_path):
    folder, key = corpus
    marker = f"{987 + random.random():.9f}"
    hang = tmp_path / "hang.md"
    hang.write_text(f'# Hangs\n\n```python\nimport os\nos.execvp("sleep", ["sleep", "{marker}"])\n```\n')
    other = sorted(key)[0]
    done = _cli(hang, other, "--run-code", "--timeout", "3", "--jobs", "1", "--format", "jsonl", check=2)
    lines = _lines(done.stdout)
    assert "took longer than 3 s" in lines[str(hang)]["error"]
    assert _wrong_lines(lines[other]) == key[other]            # the next document was still checked
    for _ in range(100):
        if not _sleepers(marker):
            break
        time.sleep(0.05)
    else:
        pytest.fail(f"the document's sandboxed code outlived it: {_sleepers(marker)}")


def test_without_fork_documents_are_checked_one_after_another(corpus, monkeypatch):
    folder, key = corpus
    paths = sorted(key)[:2]
    monkeypatch.setattr(isolate, "CAN_FORK", False)
    finished = dict(schedule.local(paths, CheckWork(), 2, 60, None))
    assert sorted(finished) == [0, 1]
    for index, outcome in finished.items():
        wrong = {c.line for c in outcome.value.claims if c.verdict == "wrong"}
        assert outcome.error is None and wrong == key[paths[index]]
