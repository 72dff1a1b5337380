"""The Jinja environment, its filters, and ``derive build``.

Templates hold the prose; this module hands them views of derivations whose
every number went through ``derive.numbers``. Output is deterministic; files
are written by ``derive.files`` (atomically, only over regular files) and a
build replaces only what it wrote before (``derive.outdir``).
"""

from __future__ import annotations

import html
import json
import tempfile
from pathlib import Path

import jinja2
import sympy as sp

from derive import display
from derive.derivation import Derivation, is_decimal, parameter_texts, run
from derive.errors import SpecError, UndecidableError
from derive.numbers import decimal_text
from derive.spec import Spec, example_path, load_spec

JSON_DIGITS = 30
INFINITY_LATEX = {"-inf": r"-\infty", "inf": r"\infty"}


def template_dir() -> Path:
    """templates/ of a source checkout, else the copy the wheel ships in derive/templates."""
    package = Path(__file__).resolve().parent
    source = package.parent / "templates"
    return source if (source / "whitepaper.md.j2").is_file() else package / "templates"


def markdown_text(text: str) -> str:
    """Plain text made safe for Markdown prose: <end> would read as an HTML tag."""
    return html.escape(text, quote=False)


def exact_latex(value) -> str:
    """LaTeX of an exact SymPy value."""
    return sp.latex(value)


def environment() -> jinja2.Environment:
    """The one Jinja environment: strict about undefined names, no autoescape."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(template_dir())),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
    )
    env.filters.update(pmatrix=display.pmatrix, exact_latex=exact_latex, markdown_text=markdown_text,
                       scientific=display.scientific)
    return env


def step_view(chained: Derivation, as_printed: Derivation, name: str, digits: int) -> dict:
    """What a template needs to show one step."""
    step = chained.step(name)
    closed = step.closed
    integers = chained.integers(name)
    whole = integers is not None
    view = {
        "name": step.name, "title": step.title, "label": step.label, "equation": step.equation,
        "operands": [chained.label(o) for o in step.operands], "shape": step.shape,
        "substituted": chained.substituted(name, digits),
        "note": step.note, "variant_of": step.variant_of, "whole": whole,
        "original": chained.label(step.variant_of) if step.variant_of else None,
        "result": [[str(v) for v in row] for row in integers] if whole
        else [[INFINITY_LATEX.get(t, t) for t in row] for row in chained.digits(name, digits)],
        **_closed_view(step.label, closed),
        "tokens": _tokens(step, integers) if whole else None,
        "printed": None, "differs": False, "local_differs": None,
    }
    verdicts = chained.compare_printed(name)
    if verdicts is not None:
        view.update(_printed_view(verdicts, as_printed.compare_printed(name) if step.operands else None))
    return view


def _closed_view(label: str, closed) -> dict:
    """The exact value where it says more than the digits (not all rational)
    and fits the page, as a matrix or else entry by entry (``closed_entries``);
    else how big it is (``closed_size``, SymPy's count_ops)."""
    if closed is None or all(v.is_Rational for v in closed):
        return {"closed": None, "closed_entries": None, "closed_size": None}
    cells = [[exact_latex(v) for v in row] for row in closed.tolist()]
    if display.fits(f"{label} = {display.pmatrix(cells)}"):
        return {"closed": cells, "closed_entries": None, "closed_size": None}
    listed = display.entries(label, cells)
    return {"closed": None, "closed_entries": listed,
            "closed_size": None if listed else sum(sp.count_ops(v) for v in closed)}


def _tokens(step, integers) -> list[str] | None:
    """The words an argmax step picks, when the spec names the columns."""
    vocabulary = step.params.get("vocabulary")
    return [vocabulary[row[0]] for row in integers] if vocabulary else None


def _printed_view(verdicts, local) -> dict:
    """The document's printed values, wrong entries boxed, and whether they
    follow from its own printed inputs (``local``)."""
    wrong = [[c.verdict == "wrong" for c in row] for row in verdicts]
    view = {
        "printed": [[_boxed(c.printed.text, c.expected) if c.verdict == "wrong" else c.printed.text
                     for c in row] for row in verdicts],
        "expected": [[_boxed(c.expected, c.printed.text) if c.verdict == "wrong" else _latex_value(c.expected)
                      for c in row] for row in verdicts],
        "differs": any(any(row) for row in wrong),
        "wrong_count": sum(map(sum, wrong)),
    }
    if local is not None:
        view["local_differs"] = any(c.verdict == "wrong" for row in local for c in row)
    return view


def _boxed(text: str, other: str) -> str:
    """A wrong entry: boxed, the digits in which it differs from ``other`` underlined."""
    if text in INFINITY_LATEX or other in INFINITY_LATEX:
        return rf"\boxed{{{_latex_value(text)}}}"
    return rf"\boxed{{{display.marked_digits(text, other)}}}"


def _latex_value(text: str) -> str:
    return INFINITY_LATEX.get(text, text)


def example_view(spec: str | Spec, digits: int) -> dict:
    """Both runs of an example (a shipped one by name, or a loaded spec), as
    views keyed by step name."""
    spec = spec if isinstance(spec, Spec) else load_spec(example_path(spec))
    chained, as_printed = run(spec), run(spec, "as_printed")
    inputs = {name: {"label": spec.labels.get(name, name),
                     "rows": [[decimal_text(v) for v in row] for row in M.tolist()]}
              for name, M in spec.inputs.items() if is_decimal(M)}
    steps = {s.name: _named_step_view(spec, chained, as_printed, s.name, digits) for s in chained.steps}
    return {"title": spec.title, "inputs": inputs, "steps": steps, "derivation": chained}


def _named_step_view(spec: Spec, chained: Derivation, as_printed: Derivation, name: str,
                     digits: int) -> dict:
    """``step_view``, with a value that cannot be decided (an infinite or
    undefined entry met while walking the chain) named by spec and step."""
    try:
        return step_view(chained, as_printed, name, digits)
    except UndecidableError as exc:
        raise SpecError(spec.path, name, f"{exc} (is an entry infinite or undefined?)") from None


def example_json(view: dict) -> dict:
    """Every input and step of an example: name, formula, parameters, shape, 30-digit values,
    and what a document printed for it with the verdict of each printed number."""
    chained: Derivation = view["derivation"]
    return {
        "title": view["title"],
        "inputs": {name: m["rows"] for name, m in view["inputs"].items()},
        "steps": [{"name": s.name, "title": s.title, "formula": s.equation,
                   "variant_of": s.variant_of, "shape": list(s.shape),
                   "parameters": parameter_texts(s.params),
                   "values": chained.significant(s.name, JSON_DIGITS),
                   **({"exact": [[exact_latex(v) for v in row] for row in s.closed.tolist()]}
                      if s.closed is not None else {}),
                   **_printed_json(chained, s)}
                  for s in chained.steps],
    }


def _printed_json(chained: Derivation, step) -> dict:
    verdicts = chained.compare_printed(step.name)
    if verdicts is None:
        return {"printed": None, "verdicts": None}
    return {"printed": [[c.printed.text for c in row] for row in verdicts],
            "verdicts": [[c.verdict for c in row] for row in verdicts]}


def render_spec(path: Path, digits: int = 4, fmt: str = "markdown") -> str:
    """A user's own spec as a Markdown page (every step, in order) or as JSON."""
    return run_spec(path, digits, fmt)[0]


def run_spec(path: Path, digits: int = 4, fmt: str = "markdown") -> tuple[str, bool]:
    """The page of a user's spec, and whether every value it says a document printed holds
    (``derive run`` exits 1 when one does not)."""
    view = example_view(load_spec(path), digits)
    holds = not any(s["differs"] for s in view["steps"].values())
    if fmt == "json":
        return json.dumps({"digits": JSON_DIGITS, **example_json(view)}, indent=2, ensure_ascii=False) + "\n", holds
    return environment().get_template("example.md.j2").render(digits=digits, example=view), holds


EXAMPLES = ("decoder", "training", "gpt", "softmax", "xor")   # decoder extends encoder


PAGES = ("whitepaper.md", "whitepaper.json", "proofs.md")


def build_names() -> list[str]:
    """The names of every file a build writes, known before any work is done."""
    from derive import pages

    return sorted([*PAGES, *pages.figure_names()])


def build(out: Path, digits: int = 4, force: bool = False) -> list[Path]:
    """Render every document into ``out``; returns the paths written. Files in
    ``out`` that an earlier build did not write are never replaced, unless ``force``."""
    from derive import outdir

    return outdir.publish(Path(out), documents(digits), force)


def documents(digits: int = 4) -> dict[str, bytes | str]:
    """Every file of a build, by name: the pages, the JSON and the figures."""
    from derive import pages
    from derive.proofs.document import proofs_context, proving

    proofs = proving()     # in worker processes, while this one runs the examples
    views = {name: example_view(name, digits) for name in EXAMPLES}
    descent, cost = pages.descent_view(digits), pages.cost_view()
    env = environment()
    page = env.get_template("whitepaper.md.j2").render(
        digits=digits, examples=views, descent=descent, cost=cost)
    data = {"digits": JSON_DIGITS, "examples": {name: example_json(v) for name, v in views.items()},
            "descent": descent["every10"],
            "descent_exact": [{"i": e["i"], "P": e["P"]} for e in descent["exact"]]}
    with tempfile.TemporaryDirectory(prefix="derive-figures.") as folder:
        figures = {p.name: p.read_bytes()
                   for p in pages.figure_files(Path(folder), views["decoder"]["derivation"])}
    return {   # keys: PAGES and the figures
        **figures,
        "whitepaper.md": page,
        "whitepaper.json": json.dumps(data, indent=2, ensure_ascii=False) + "\n",
        "proofs.md": env.get_template("proofs.md.j2").render(**proofs_context(proofs())),
    }
