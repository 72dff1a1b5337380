"""The policy: one table of every tolerance, guess, word list and budget, and the
README's copy of it, entry by entry (a rule the README does not show is a rule
a user cannot know)."""

import re
from pathlib import Path

from derive.check.policy import POLICY, table

README = (Path(__file__).parents[1] / "README.md").read_text()


def test_every_policy_entry_is_in_the_readme_with_its_value_and_reason():
    rows = {m.group(1): m.group(2) for m in re.finditer(r"^\| `(\w+)` \| (.*?) \| .* \|$", README, re.M)}
    for name, value, why in table():
        assert name in rows, f"{name} is missing from the README's policy table"
        assert rows[name] == value, f"{name}: README says {rows[name]!r}, the policy {value!r}"


def test_every_entry_says_why():
    for name, _, why in table():
        assert len(why.split()) >= 5, name


def test_the_policy_cannot_be_changed_in_passing():
    import dataclasses
    try:
        POLICY.enclosure_excuse_units = 100      # a rule is changed in policy.py, nowhere else
    except dataclasses.FrozenInstanceError:
        return
    raise AssertionError("POLICY is mutable")
