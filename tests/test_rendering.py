"""Every math span derive writes renders in two real renderers (KaTeX, and
MathJax 3's TeX input as GitHub uses it, both through node), and no display
line reads as a Markdown list item.

The pages are the committed output/*.md and the page of every shipped spec
as ``derive run`` renders it. The renderers are the ones ``.ci/run`` installs
into .ci/node; locally a renderer's tests are skipped when node or it is
missing, unless CI_REQUIRE_RENDERERS=1 (set by .ci/run), where that is a failure.
"""

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

from derive.render import render_spec
from derive.spec import example_path
from math_spans import Span, list_like_lines, spans

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / ".ci" / "node" / "node_modules"
OUTPUT_PAGES = ("whitepaper.md", "proofs.md", "errata.md")
# descent.toml is not a spec: it holds the lines the paper's descent script printed.
SPECS = sorted(p.stem for p in example_path("encoder").parent.glob("*.toml") if p.stem != "descent")


@cache
def pages() -> dict[str, str]:
    found = {name: (ROOT / "output" / name).read_text(encoding="utf-8") for name in OUTPUT_PAGES}
    found.update({f"derive run {name}": render_spec(example_path(name)) for name in SPECS})
    return found


@cache
def every_span() -> tuple[Span, ...]:
    return tuple(s for page, text in pages().items() for s in spans(page, text))


@dataclass(frozen=True)
class Renderer:
    name: str
    package: Path        # the npm package folder .ci/run installs
    argument: str        # which renderer tests/render_spans.js runs


SCRIPT = Path(__file__).with_name("render_spans.js")   # reads spans on stdin, writes the failures as JSON
KATEX = Renderer("KaTeX", NODE_MODULES / "katex", "katex")
MATHJAX = Renderer("MathJax", NODE_MODULES / "mathjax-full", "mathjax")
RENDERERS = [pytest.param(r, id=r.name) for r in (KATEX, MATHJAX)]


def failures(renderer: Renderer, batch: list[Span]) -> list[str]:
    """'where: error' for each span the renderer rejects."""
    node = shutil.which("node")
    if node is None or not renderer.package.is_dir():
        if os.environ.get("CI_REQUIRE_RENDERERS") == "1":
            pytest.fail(f"node ({node}) or {renderer.name} ({renderer.package}) is missing, "
                        "and CI_REQUIRE_RENDERERS=1")
        pytest.skip(f"node or {renderer.name} is not installed (.ci/run installs it into .ci/node)")
    done = subprocess.run([node, str(SCRIPT), renderer.argument],
                          input=json.dumps([{"latex": s.latex, "display": s.display} for s in batch]),
                          capture_output=True, text=True, check=True, timeout=300,
                          env={**os.environ, "RENDERER_PATH": str(renderer.package)})
    return [f"{batch[f['index']].where}: {f['error']}" for f in json.loads(done.stdout)]


def test_the_pages_hold_the_math_this_suite_checks():
    # every page is read (a page the reader missed would pass vacuously)
    counts = {page: len(spans(page, text)) for page, text in pages().items()}
    assert counts["whitepaper.md"] > 300 and counts["proofs.md"] > 200, counts
    assert all(counts[f"derive run {name}"] > 0 for name in SPECS), counts
    assert sum(s.display for s in every_span()) > 500


@pytest.mark.parametrize("renderer", RENDERERS)
def test_every_span_renders(renderer):
    assert failures(renderer, list(every_span())) == []


@pytest.mark.parametrize("renderer, latex, display, error", [
    (KATEX, r"K'_{\text{x}}^{T}", False, "Double superscript"),     # the double superscript issue 15 found
    (MATHJAX, r"K'_{\text{x}}^{T}", False, "Double exponent"),
    (KATEX, r"\frac{1}{2", True, "expected '}'"),
    (MATHJAX, r"\frac{1}{2", True, "Missing close brace"),
    (KATEX, r"\begin{pmatrix} 1 \end{bmatrix}", True, "Mismatch"),
    (MATHJAX, r"\begin{pmatrix} 1 \end{bmatrix}", True, "ended with"),
    (MATHJAX, r"a \nosuchcommand{b}", False, "Undefined control sequence"),   # not shown in red
], ids=lambda v: v.name if isinstance(v, Renderer) else None)
def test_a_renderer_rejects_what_it_should(renderer, latex, display, error):
    # the renderer really fails on a broken span (so a pass above means something)
    found = failures(renderer, [Span("sample:1", latex, display)])
    assert len(found) == 1 and error in found[0], found


@pytest.mark.parametrize("renderer", RENDERERS)
def test_the_braced_transpose_of_a_primed_name_renders(renderer):
    assert failures(renderer, [Span("sample:1", r"Q {K'_{\text{x}}}^{T}", False)]) == []


def test_no_display_line_reads_as_a_list_item():
    found = [f"{s.where}: {line.strip()}" for s in every_span() for line in list_like_lines(s)]
    assert found == []


@pytest.mark.parametrize("line, list_like", [
    (r"- \frac{3}{10} + \sin{\left(1 \right)} & 0", True),
    ("+ 1", True), ("* x", True), ("1. x", True), ("  12) x", True),
    (r"\\ - \frac{3}{10} & 0", False), ("1.0000 & 2", False), (r"-1 & 2", False),
])
def test_list_like_lines_are_found(line, list_like):
    assert bool(list_like_lines(Span("sample:1", line, True))) is list_like


def test_no_prose_line_starts_an_ordered_list_by_accident():
    # "(1 of\n> 1) are not ..." made GitHub number a list; a line of prose
    # (or a quoted one) starting with a number and "." or ")" is one
    import re

    found = [f"{page}:{k}: {line}" for page, text in pages().items()
             for k, line in enumerate(text.splitlines(), 1)
             if re.match(r"^(?:>\s*)*\d+[.)](?:\s|$)", line)]
    assert found == []


def test_html_sensitive_text_in_errata_is_escaped():
    errata = pages()["errata.md"]
    assert "<start>" not in errata.replace("`<start>`", "")
    assert "&lt;start&gt;" in errata
