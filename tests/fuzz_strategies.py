"""Hypothesis strategies for derive's inputs, in one place for their users:
``tests/test_fuzz.py`` (a short, deterministic run) and ``bench/fuzz.py`` (a
long run on demand). Each family lives in its own module:

    fuzz_text        numbers, names, LaTeX and plain-text formulas, junk
    fuzz_documents   Markdown documents, notebooks, LaTeX documents
    fuzz_worked      worked documents, one line per checker feature, damaged real documents
    fuzz_specs       specs (TOML): broken, running, extending the shipped examples
"""

from fuzz_documents import markdown_document, notebook_json, tex_document
from fuzz_specs import extending_spec, running_spec, spec_toml
from fuzz_text import latex_expr, latex_statement, plain_line
from fuzz_worked import damaged_document, feature_document, worked_document

__all__ = ["damaged_document", "extending_spec", "feature_document", "latex_expr", "latex_statement",
           "markdown_document", "notebook_json", "plain_line", "running_spec", "spec_toml", "tex_document",
           "worked_document"]
