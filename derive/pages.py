"""Views for the sections of the page that are not spec steps: the descent
loop, cost and size, and the figures. Every number still goes through
``derive.numbers``; templates hold the prose."""

from __future__ import annotations

import tomllib
from pathlib import Path

import mpmath
import sympy as sp

from derive import complexity, descent, display, figures, symbols
from derive.derivation import Derivation
from derive.numbers import compare, format_decimal, format_significant
from derive.spec import FloatText, example_path

SHOWN_ITERATIONS = (0, 10, 20, 50, 100, 200, 500, 1000, 1500, 1990)


def _exact(x) -> sp.Rational:
    """A float64 or an mpf as the exact rational it stores."""
    if isinstance(x, mpmath.mpf):
        man, exp = x.man_exp
        return sp.Integer(man) * sp.Rational(2) ** exp
    return sp.Rational(float(x))


def _texts(values, digits: int) -> list[str]:
    return [format_decimal(_exact(v), digits) for v in values]


def descent_view(digits: int) -> dict:
    """The loop's printed iterations in float64 and at 50 digits, the paper's
    printed lines judged against the float64 run, and the final probabilities."""
    s = descent.summary()
    rows = {r.i: r for r in s.rows}
    shown = [{"i": i, "z64": _texts(rows[i].z64, 8), "P64": _texts(rows[i].P64, 8),
              "P_mp": _texts(rows[i].P_mp, 8)} for i in SHOWN_ITERATIONS if i in rows]
    return {
        "loop": s.loop, "rows": shown,
        "final64": _texts(s.final64, 8), "final_mp": [format_significant(_exact(v), 20) for v in s.final_mp],
        "max_difference": format_significant(_exact(s.max_difference), 2),
        "max_difference_at": s.max_difference_at,
        "exact": [_exact_iterate(e) for e in s.exact],
        "mpmath_error": format_significant(_exact(s.mpmath_error), 2),
        "printed": _judge_printed(s),
        "every10": [{"i": r.i, "P64": [repr(float(v)) for v in r.P64],
                     "P_mp": [format_significant(_exact(v), 30) for v in r.P_mp]} for r in s.rows],
    }


def _exact_iterate(e) -> dict:
    """One exact iterate: its entries' LaTeX, and whether the row fits the page
    (else its size, SymPy's count_ops, is what the page says)."""
    cells = [symbols.latex(v) for v in e.P]
    row = rf"P^{{({e.i})}} = {display.pmatrix([cells], one_line=True)}"
    return {"i": e.i, "P": cells, "fits": display.fits(row), "size": sum(sp.count_ops(v) for v in e.P)}


def _judge_printed(s) -> list[dict]:
    """Each line the script printed, against the float64 run it came from."""
    data = tomllib.loads(example_path("descent").read_text(encoding="utf-8"), parse_float=FloatText)
    rows = {r.i: r for r in s.rows}
    judged = []
    for line in data["printed"]:
        i, what = line["iteration"], line["what"]
        ours = s.final64 if what == "final" else getattr(rows[i], f"{what}64")
        verdicts = [compare(str(p), _exact(v)).verdict for p, v in zip(line["values"], ours)]
        judged.append({"i": i, "what": what, "values": [str(v) for v in line["values"]],
                       "ok": "wrong" not in verdicts})
    return judged


def cost_view() -> dict:
    """Operation counts per layer and parameter totals, derived from the stages."""
    paper = complexity.paper_vs_derived()
    return {
        "layer_ops": [{"name": name, "mac": symbols.latex(ops.mac)} for name, ops in complexity.layer_ops()],
        "layer_macs": symbols.latex(paper["layer_macs"]),
        "n_squared": symbols.latex(paper["n_squared_term"]),
        "n_linear": symbols.latex(paper["n_linear_term"]),
        "linear_over_quadratic": str(paper["linear_over_quadratic_gpt3"]),
        "layer_parameters": symbols.latex(complexity.layer_parameters()),
        "total_parameters": symbols.latex(complexity.total_parameters()),
        "sizes": [{"name": r.config.name, "l": r.config.l, "d": f"{r.config.d:,}", "V": f"{r.config.V:,}",
                   "n_ctx": f"{r.config.n_ctx:,}", "parameters": f"{r.parameters:,}",
                   "published": r.config.published_text, "ratio": format_decimal(r.ratio, 3)}
                  for r in complexity.size_table()],
        "paper_claim": symbols.latex(complexity.PAPER_COMPLEXITY["claim"]),
        "paper_layers": complexity.PAPER_COMPLEXITY["gpt3_layers"],
        "paper_d": f"{complexity.PAPER_COMPLEXITY['gpt3_d']:,}",
        "paper_parameters": f"{paper['parameters_with_paper_figures']:,}",
        "gpt3_parameters": f"{paper['parameters_gpt3']:,}",
    }


def heatmap(derivation: Derivation, name: str, rows: list[str], cols: list[str]) -> tuple:
    """A step's values as floats (from certified digits) with token labels."""
    values = [[float(t) for t in row] for row in derivation.significant(name, 17)]
    return values, rows, cols


# The attention heatmaps of the page: a figure name -> (step, its tokens).
HEATMAPS = {"encoder": ("A", ["You", "are", "welcome"]),
            "decoder": ("A_d", ["<start>", "de", "nada"])}


def figure_files(out: Path, transformer: Derivation) -> list[Path]:
    """Every figure of the page, written into ``out``."""
    return figures.render_all(out, {name: heatmap(transformer, step, tokens, tokens)
                                    for name, (step, tokens) in HEATMAPS.items()})


def figure_names() -> list[str]:
    """The file names ``figure_files`` writes."""
    return figures.figure_names(HEATMAPS)
