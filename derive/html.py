"""Markdown text -> one standalone HTML page.

The page needs no network to be read: every math span (``$...$``, ``$$...$$``)
becomes MathML (latex2mathml), which browsers lay out themselves; every
figure the page names is embedded as a ``data:`` URI; the style sheet is
inline. A span latex2mathml cannot convert is shown as its TeX, escaped, in
``<code class="math-error">`` and counted, so one bad span never stops a
build. The same text gives the same bytes.
"""

from __future__ import annotations

import base64
import mimetypes
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import latex2mathml.converter
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from mdit_py_plugins.dollarmath import dollarmath_plugin

# Readable width; display math and tables scroll sideways instead of widening
# the page. Chromium lays out MathML Core, which has no <menclose>: the box
# of \boxed (an entry that differs from the paper's) is drawn here, and so is
# the alignment and spacing of a broken line's columns (nor columnalign and
# columnspacing). Brackets
# stretch round a matrix only in a font with a MATH table: one is named first.
STYLE = """\
body { max-width: 52rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.5;
       font-family: system-ui, sans-serif; color: #1b1b1b; background: #fff; }
.math-block { overflow-x: auto; overflow-y: hidden; margin: 1em 0; padding: 0.25em 0; }
math { font-size: 1.05em; font-family: "STIX Two Math", "Cambria Math", "Latin Modern Math", "DejaVu Math TeX Gyre", math; }
menclose[notation~="box"] { border: 1px solid currentColor; padding: 0 0.2em; }
mtd[columnalign="left"] { text-align: left; }
mtd[columnalign="right"] { text-align: right; }
mtable[columnspacing="0em"] > mtr > mtd { padding-left: 0; padding-right: 0; }
table { border-collapse: collapse; display: block; overflow-x: auto; max-width: 100%; }
th, td { border: 1px solid #c8c8c8; padding: 0.25em 0.6em; }
pre { overflow-x: auto; background: #f5f5f5; padding: 0.6em; }
img { max-width: 100%; height: auto; }
code.math-error { color: #a00000; background: #fff0f0; }
"""


# Standard operator names latex2mathml does not know (3.81 writes \arg as the
# text "\arg"): each is written as \operatorname{...}, which it does know.
MISSING_OPERATORS = ("arg",)
_MISSING = re.compile(r"\\(" + "|".join(MISSING_OPERATORS) + r")(?![A-Za-z])")
# An environment latex2mathml does not know, and the one it does know that
# lays out the same: aligned (derive's broken lines, as KaTeX and MathJax read
# them) is split's pairs of right- and left-aligned columns.
SAME_LAYOUT = {"aligned": "split"}
_ENVIRONMENT = re.compile(r"\\(begin|end)\{(" + "|".join(SAME_LAYOUT) + r")\}")
# A backslash left in the text of a MathML element is a command latex2mathml
# did not know and copied through: an error, not math.
_UNKNOWN_COMMAND = re.compile(r">[^<]*\\")


@dataclass
class Page:
    """A rendered page and what its math came to."""

    html: str
    spans: int = 0                                   # math spans converted to MathML
    errors: list[str] = field(default_factory=list)  # TeX of the spans that were not


def page(markdown: str, figures: Mapping[str, bytes] | None = None, title: str | None = None) -> Page:
    """``markdown`` as a standalone HTML page; images whose source is a key of
    ``figures`` are embedded. The title is the first heading unless given."""
    result = Page("")
    parser = _parser(result, figures or {})
    tokens = parser.parse(markdown)
    body = parser.renderer.render(tokens, parser.options, {})
    title = title if title is not None else _first_heading(tokens)
    result.html = ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                   "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                   f"<title>{escapeHtml(title)}</title>\n<style>\n{STYLE}</style>\n</head>\n"
                   f"<body>\n{body}</body>\n</html>\n")
    return result


def _parser(result: Page, figures: Mapping[str, bytes]) -> MarkdownIt:
    """CommonMark with tables and dollar math; raw HTML in the text is shown, not obeyed."""
    parser = MarkdownIt("commonmark", {"html": False}).enable("table").use(dollarmath_plugin)

    def inline(self, tokens, idx, options, env):
        return _math(result, tokens[idx].content, "inline")

    def block(self, tokens, idx, options, env):
        return f"<div class=\"math-block\">{_math(result, tokens[idx].content, 'block')}</div>\n"

    def image(self, tokens, idx, options, env):
        src = tokens[idx].attrGet("src")
        if src in figures:   # the figure itself, so the page stands alone
            tokens[idx].attrSet("src", data_uri(src, figures[src]))
        return self.image(tokens, idx, options, env)

    parser.add_render_rule("math_inline", inline)
    parser.add_render_rule("math_block", block)
    parser.add_render_rule("math_block_label", block)   # $$...$$ (label): the label is not shown
    parser.add_render_rule("image", image)
    return parser


def _math(result: Page, tex: str, display: str) -> str:
    """One span as MathML, or as escaped TeX marked as an error."""
    try:
        tex_known = _ENVIRONMENT.sub(lambda m: rf"\{m[1]}{{{SAME_LAYOUT[m[2]]}}}",
                                     _MISSING.sub(r"\\operatorname{\1}", tex.strip()))
        mathml = latex2mathml.converter.convert(tex_known, display=display)
    except Exception:   # noqa: BLE001 (latex2mathml raises many kinds; one span must not stop a page)
        mathml = ""
    if not mathml or "<merror" in mathml or _UNKNOWN_COMMAND.search(mathml):
        result.errors.append(tex)
        return f"<code class=\"math-error\">{escapeHtml(tex)}</code>"
    result.spans += 1
    return mathml


def data_uri(name: str, content: bytes) -> str:
    """A file as a ``data:`` URI, its type guessed from its name."""
    kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return f"data:{kind};base64,{base64.b64encode(content).decode('ascii')}"


def _first_heading(tokens) -> str:
    """The first heading as plain text (a <title> holds no markup): its math read aloud."""
    for opening, inline in zip(tokens, tokens[1:]):
        if opening.type == "heading_open":
            words = [plain_math(t.content) if t.type == "math_inline" else " " if t.type == "softbreak"
                     else t.content for t in inline.children or []]
            return " ".join("".join(words).split())
    return "derive"


# How math reads as plain text: these commands become their symbol, the
# spacing ones a space; \frac and \sqrt are spelled a/b and √x; any other
# command is dropped and its argument kept (\text{PE} -> PE, \left( -> ().
PLAIN_SYMBOLS = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "varepsilon": "ε",
    "theta": "θ", "lambda": "λ", "mu": "μ", "pi": "π", "sigma": "σ", "tau": "τ", "phi": "φ",
    "Sigma": "Σ", "sum": "Σ", "prod": "Π", "partial": "∂", "nabla": "∇", "infty": "∞",
    "times": "×", "cdot": "·", "le": "≤", "leq": "≤", "ge": "≥", "geq": "≥", "ne": "≠", "neq": "≠",
    "approx": "≈", "to": "→", "in": "∈", "ldots": "…", "dots": "…", "mid": "|",
    ",": " ", ";": " ", ":": " ", "!": "", " ": " ", "quad": " ", "qquad": " ",
}
_INNERMOST = (   # each matches a group with no group inside it, so they apply inside out
    (re.compile(r"\\[dt]?frac\{([^{}]*)\}\{([^{}]*)\}"), lambda m: f"{_grouped(m[1])}/{_grouped(m[2])}"),
    (re.compile(r"\\sqrt\{([^{}]*)\}"), lambda m: f"√{_grouped(m[1])}"),
    (re.compile(r"([\^_])\{([^{}]*)\}"), lambda m: f"{m[1]}{_grouped(m[2])}"),
    (re.compile(r"\\(?![dt]?frac\{|sqrt\{)[A-Za-z]+\{([^{}]*)\}"), lambda m: m[1]),   # \text{PE}
    (re.compile(r"(?<![A-Za-z}^_\\])\{([^{}]*)\}"), lambda m: m[1]),                 # {K'}^T
)
_COMMAND = re.compile(r"\\([A-Za-z]+|.)")


def plain_math(tex: str) -> str:
    r"""A math span as readable plain text: ``S = \frac{Q K^{T}}{\sqrt{d_{k}}} -> S = (Q K^T)/√d_k``."""
    while True:   # the first rule that applies, then from the first again (\frac before {b})
        for pattern, spelled in _INNERMOST:
            tex, changed = pattern.subn(spelled, tex)
            if changed:
                break
        else:
            break
    tex = _COMMAND.sub(lambda m: PLAIN_SYMBOLS.get(m[1], m[1] if not m[1].isalpha() else ""), tex)
    return " ".join(tex.split())


def _grouped(text: str) -> str:
    """``text`` in parentheses when it is more than one symbol, so a/b and x^y stay unambiguous."""
    text = text.strip()
    plain = " " not in text and not any(c in text for c in "+-/=,") or (text[:1], text[-1:]) == ("(", ")")
    return text if plain else f"({text})"


# The build's pages: NAME.md -> NAME.html, beside (both) or instead of (html) the Markdown build's files.


def build_names(markdown_names: list[str], fmt: str) -> list[str]:
    """The names a build in ``fmt`` (markdown, html, both) writes, given the Markdown build's."""
    pages = [name[:-3] + ".html" for name in markdown_names if name.endswith(".md")]
    return sorted({"markdown": markdown_names, "html": pages, "both": [*markdown_names, *pages]}[fmt])


def build_files(files: Mapping[str, bytes | str], fmt: str) -> tuple[dict[str, bytes | str], dict[str, Page]]:
    """The files a build in ``fmt`` writes, from the Markdown build's (figures are
    the ``bytes`` among them), and the HTML pages made."""
    figures = {name: data for name, data in files.items() if isinstance(data, bytes)}
    pages = {name[:-3] + ".html": page(text, figures)
             for name, text in sorted(files.items()) if name.endswith(".md")}
    html = {name: p.html for name, p in pages.items()}
    return ({"html": html, "both": {**files, **html}}.get(fmt, dict(files)), pages)
