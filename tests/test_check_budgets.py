"""Bounded on any input: each claim and each document has a budget, and names
computed from names are evaluated once per look-up (a DAG walk, not a tree walk).

Expected values by hand: a chain that doubles 1 forty times ends at 2^40."""

import dataclasses

import pytest

import derive.check.bind.env as env_module
import derive.check.judge as judge_module
import derive.check.judge.outputs as outputs_module
from derive.budget import OutOfTime, time_limit
from derive.check.pipeline import check_text
from derive.check.policy import POLICY


def findings(doc: str):
    with time_limit(60):            # a run-away evaluation fails the test instead of hanging it
        return check_text(doc, "doc.md").findings


def budget(monkeypatch, module, **entries):
    monkeypatch.setattr(module, "POLICY", dataclasses.replace(POLICY, **entries))


def test_a_chain_of_names_each_used_twice_is_walked_once_per_name():
    doc = "$$ a_{0} = 1 $$\n\n" + "".join(f"$$ a_{{{k}}} = a_{{{k - 1}}} + a_{{{k - 1}}} $$\n\n" for k in range(1, 41))
    right = [c for c in findings(doc + f"$$ a_{{40}} = {2 ** 40} $$\n") if c.kind != "definition"]
    wrong = [c for c in findings(doc + f"$$ a_{{40}} = {2 ** 40 + 1} $$\n") if c.kind != "definition"]
    assert [str(c.verdict) for c in right] == ["ok"]
    assert [str(c.verdict) for c in wrong] == ["wrong"]


def test_a_chain_of_functions_each_called_twice_is_evaluated_once_per_argument():
    doc = "$$ f_{0}(x) = x $$\n\n" + "".join(
        f"$$ f_{{{k}}}(x) = f_{{{k - 1}}}(x) + f_{{{k - 1}}}(x) $$\n\n" for k in range(1, 31))
    assert [str(c.verdict) for c in findings(doc + f"$$ f_{{30}}(3) = {3 * 2 ** 30} $$\n")] == ["ok"]
    assert [str(c.verdict) for c in findings(doc + f"$$ f_{{30}}(3) = {3 * 2 ** 30 - 1} $$\n")] == ["wrong"]


def last_verdicts(doc: str) -> list[str]:
    last = doc.rstrip("\n").count("\n") + 1
    return [str(c.verdict) for c in findings(doc) if c.line == last]


def test_a_name_given_the_same_value_many_times_is_judged_from_its_latest_value():
    doc = "$x = 7$\n\n" + "$x = 2$\n\n" * 300
    assert last_verdicts(doc + "$$ y = x + 3 = 5 $$\n") == ["ok"]
    assert last_verdicts(doc + "$$ y = x + 3 = 6 $$\n") == ["wrong"]


def test_past_the_claim_budget_the_rest_of_the_document_is_one_finding(monkeypatch):
    budget(monkeypatch, judge_module, max_claims=3)
    doc = "".join(f"$$ {k} + 1 = {k + 1} $$\n\n" for k in range(5)) + "$$ 9 + 1 = 11 $$\n"
    found = findings(doc)
    assert [str(c.verdict) for c in found] == ["ok", "ok", "ok", "unverifiable"]
    last = found[-1]
    assert last.note == "budget" and (last.line, last.end_line) == (7, 11)
    assert "more than 3 claims" in last.message and "3 more claim(s)" in last.message


def test_past_its_item_budget_an_output_block_is_cut_with_one_finding(monkeypatch):
    budget(monkeypatch, outputs_module, output_items=4)
    doc = "```python\nprint(1)\n```\n\n```\n" + "\n".join(str(k) for k in range(10)) + "\n```\n"
    found = [c for c in findings(doc) if c.kind == "code-output"]
    assert len(found) == 5 and found[-1].note == "budget"
    assert "prints 10 items" in found[-1].message and "the 5 after it" in found[-1].message


def test_a_claim_past_its_time_budget_is_unverifiable_and_the_next_is_judged(monkeypatch):
    budget(monkeypatch, judge_module, claim_seconds=0.2)
    judged = judge_module._judged

    def endless_on_line_one(d, *args):
        while d.line == 1:
            pass
        return judged(d, *args)

    monkeypatch.setattr(judge_module, "_judged", endless_on_line_one)
    found = findings("$$ 2 + 2 = 4 $$\n\n$$ 3 + 3 = 7 $$\n")
    assert [str(c.verdict) for c in found] == ["unverifiable", "wrong"]
    assert "took longer than 0.2 s" in found[0].message and found[0].note == "budget"


def test_the_time_limit_interrupts_the_block_it_guards():
    with pytest.raises(OutOfTime):
        with time_limit(0.05):
            while True:
                pass


def test_the_lookback_bounds_the_values_a_claim_considers(monkeypatch):
    # y = 10 needs x = 7 of line 1: a candidate while it is among the latest values looked at
    doc = "$x = 7$\n\n" + "$x = 2$\n\n" * 5 + "$$ y = x + 3 = 10 $$\n"
    assert last_verdicts(doc) == ["ok"]
    budget(monkeypatch, env_module, candidate_lookback=3)
    assert last_verdicts(doc) == ["wrong"]


def test_a_claim_that_runs_out_of_memory_is_unverifiable_and_the_next_is_judged(monkeypatch):
    judged = judge_module._judged

    def greedy_on_line_one(d, *args):
        if d.line == 1:
            raise MemoryError
        return judged(d, *args)

    monkeypatch.setattr(judge_module, "_judged", greedy_on_line_one)
    found = findings("$$ 2 + 2 = 4 $$\n\n$$ 3 + 3 = 7 $$\n")
    assert [str(c.verdict) for c in found] == ["unverifiable", "wrong"]
    assert f"more than {POLICY.memory_mb} MB" in found[0].message and found[0].note == "budget"


def test_the_memory_ceiling_is_set_for_a_check_and_never_raised(tmp_path):
    import subprocess
    import sys
    probe = ("import resource; from derive.check.corpus.isolate import memory_ceiling; memory_ceiling({mb}); "
             "print(resource.getrlimit(resource.RLIMIT_DATA)[0] // 2**20)")
    ceiling = subprocess.run([sys.executable, "-c", probe.format(mb=3072)], capture_output=True, text=True)
    assert ceiling.stdout.strip() == "3072"
    lower = subprocess.run([sys.executable, "-c", "import resource; resource.setrlimit(resource.RLIMIT_DATA, "
                            "(1024 * 2**20, resource.RLIM_INFINITY)); " + probe.format(mb=3072)],
                           capture_output=True, text=True)
    assert lower.stdout.strip() == "1024"


def test_an_item_of_the_bind_pass_past_its_time_budget_is_one_finding_and_the_rest_is_read(monkeypatch):
    import derive.check.bind.walk as walk_module
    budget(monkeypatch, walk_module, claim_seconds=0.2)
    item, calls = walk_module.Walk.item, []

    def endless_on_the_first(self, it):
        calls.append(it)
        while len(calls) == 1:
            pass
        return item(self, it)

    monkeypatch.setattr(walk_module.Walk, "item", endless_on_the_first)
    found = findings("$$ 2 + 2 = 5 $$\n\n$$ 3 + 3 = 7 $$\n")
    assert [(c.line, str(c.verdict)) for c in found] == [(1, "unverifiable"), (3, "wrong")]
    assert "reading it took longer than 0.2 s" in found[0].message and found[0].note == "budget"
