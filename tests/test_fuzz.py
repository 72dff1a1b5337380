"""derive keeps its promises on generated input (a short, deterministic fuzz run).

Each test draws documents or specs from ``tests/fuzz_strategies.py`` and
checks the properties of ``tests/fuzz_properties.py``: ``derive check`` exits
0, 1 or 2 with no internal error (on stderr or as a finding), ``derive run``
exits 0 or 2, each within a few seconds. The examples are derandomized, so a
run is the same every time; ``python bench/fuzz.py --minutes N`` runs the
same properties at length with fresh seeds.
"""

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import fuzz_properties as props
import fuzz_strategies as strat

# Deterministic and short: the whole file takes about 20 s on a shared 2-core machine.
SHORT = settings(derandomize=True, database=None, deadline=None, max_examples=15,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def _folder():
    return tempfile.TemporaryDirectory()   # a fresh folder per example (fixtures are per test)


@SHORT
@given(strat.markdown_document(), st.sampled_from(["json", "text", "markdown", "github"]))
def test_check_survives_any_markdown_in_every_report_format(text, fmt):
    with _folder() as tmp:
        props.check_property(text, Path(tmp), ".md", fmt)


@SHORT
@given(strat.worked_document())
def test_check_survives_worked_documents(text):
    with _folder() as tmp:
        props.check_property(text, Path(tmp), ".md")


@SHORT
@given(strat.feature_document())
def test_check_survives_documents_using_every_feature(text):
    with _folder() as tmp:
        props.check_property(text, Path(tmp), ".md")


@SHORT
@given(strat.damaged_document())
def test_check_survives_damaged_real_documents(text):
    with _folder() as tmp:
        props.check_property(text, Path(tmp), ".md")


@settings(SHORT, max_examples=6)
@given(strat.notebook_json())
def test_check_survives_any_notebook(text):
    with _folder() as tmp:
        props.check_property(text, Path(tmp), ".ipynb")


@settings(SHORT, max_examples=6)
@given(strat.tex_document())
def test_check_survives_any_latex_document(text):
    with _folder() as tmp:
        props.check_property(text, Path(tmp), ".tex")


@SHORT
@given(strat.spec_toml())
def test_run_survives_any_spec(text):
    with _folder() as tmp:
        props.run_property(text, Path(tmp))


@SHORT
@given(strat.running_spec(), st.sampled_from(["json", "markdown"]))
def test_run_survives_specs_that_run_in_both_formats(text, fmt):
    with _folder() as tmp:
        props.run_property(text, Path(tmp), fmt)


@settings(SHORT, max_examples=8)
@given(strat.extending_spec())
def test_run_survives_specs_extending_the_shipped_examples(text):
    with _folder() as tmp:
        props.run_property(text, Path(tmp))
