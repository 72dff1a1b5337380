"""derive/html.py: Markdown -> standalone HTML pages, and those pages in a real browser.

The browser half opens every page `derive build --format html` and `derive run
--format html` write in headless Chromium (Debian's chromium and
chromium-driver, driven by Selenium). It skips when they are missing, unless
CI_REQUIRE_RENDERERS=1 (as .ci/run sets), where missing is a failure.
Screenshots go to DERIVE_SCREENSHOTS when set, else beside the pages.
"""

import base64
import os
import shutil
from pathlib import Path

import pytest

from markdown_it.common.utils import escapeHtml

from derive import html, outdir
from derive.cli import main
from derive.spec import example_path

PAGE_WIDTH = 1000   # px, the browser window
WIDEST_MATH = 900   # px, the widest display math the rendering goal allows (derive.display's budget)
MATHML_NS = "http://www.w3.org/1998/Math/MathML"


# --- Markdown -> HTML, no browser --------------------------------------------

@pytest.mark.parametrize("markdown, wanted", [
    ("a $x^{2}$ b", '<p>a <math xmlns="http://www.w3.org/1998/Math/MathML" display="inline">'),
    ("$$\nS = \\frac{Q K^{T}}{\\sqrt{d_{k}}}\n$$", '<div class="math-block"><math xmlns='
                                                   '"http://www.w3.org/1998/Math/MathML" display="block">'),
    ("$\\boxed{0.19}$", '<menclose notation="box">'),
    ("$\\arg\\max_i z_i$", "<mo>arg</mo>"),                     # written as \operatorname{arg}
    ("$a < b$", "<mo>&#x0003C;</mo>"),
    ("a < b & c", "<p>a &lt; b &amp; c</p>"),
    ('Output Embedding: "<start> de nada"', "&quot;&lt;start&gt; de nada&quot;"),  # shown, not a tag
    ("| a | b |\n|---|---|\n| $1$ | 2 |", "<td><math"),
    # a broken line: latex2mathml knows split, not aligned; same columns
    ("$$\n\\begin{aligned}\ny &= a\n\\\\ &\\quad + b\n\\end{aligned}\n$$",
     '<mtable displaystyle="true" columnspacing="0em" rowspacing="3pt"><mtr><mtd columnalign="right"><mi>y</mi>'),
])
def test_markdown_becomes_html(markdown, wanted):
    page = html.page(markdown)
    assert wanted in page.html
    assert page.errors == [] and "$" not in page.html.split("<body>")[1]


@pytest.mark.parametrize("tex", [r"x^{", r"\begin{pmatrix} 1", r"a < \nosuchcommand{b}"])
def test_a_span_that_does_not_convert_is_escaped_tex_and_counted(tex):
    page = html.page(f"before ${tex}$ after")
    escaped = tex.replace("&", "&amp;").replace("<", "&lt;")
    assert f'<code class="math-error">{escaped}</code>' in page.html
    assert page.errors == [tex] and page.spans == 0
    assert "before" in page.html and "after" in page.html


def test_spans_are_counted():
    page = html.page("$a$ and $b$\n\n$$\nc\n$$\n")
    assert (page.spans, page.errors, page.html.count("<math ")) == (3, [], 3)


def test_a_figure_is_embedded_and_an_unknown_image_is_left():
    png = b"\x89PNG\r\n\x1a\nfake"
    page = html.page("![heat](a.png) ![other](b.png)", {"a.png": png})
    assert f'src="data:image/png;base64,{base64.b64encode(png).decode()}" alt="heat"' in page.html
    assert 'src="b.png"' in page.html


def test_the_page_stands_alone():
    page = html.page("# Attention & $QK^T$\n\ntext").html
    assert page.startswith("<!DOCTYPE html>\n") and page.endswith("</html>\n")
    assert "<title>Attention &amp; QK^T</title>" in page
    assert "<style>" in page and "http" not in page.replace(MATHML_NS, "")   # nothing fetched
    assert html.page("text", title="T").html.count("<title>T</title>") == 1


@pytest.mark.parametrize("heading, title", [
    (r"# Scores $S = \frac{Q K^{T}}{\sqrt{d_{k}}}$", "Scores S = (Q K^T)/√d_k"),
    (r"# $\operatorname{softmax}\left(z\right)_{i}$ of `z`", "softmax(z)_i of z"),
    (r"## $\text{PE}_{(pos,\,2i)}$ and ${K'}^{T}$", "PE_(pos, 2i) and K'^T"),
    (r"# $\sigma(x) \cdot \alpha \le 10^{-4}$", "σ(x) · α ≤ 10^(-4)"),
    (r"# $\frac{1}{1 + e^{-x}}$, *the* sigmoid", "1/(1 + e^(-x)), the sigmoid"),
    (r"# Loss \<end\> &amp; $\{a\}$", "Loss <end> & {a}"),
    ("text, no heading", "derive"),
])
def test_the_title_is_the_first_heading_as_plain_text(heading, title):
    page = html.page(f"{heading}\n\ntext").html
    assert f"<title>{escapeHtml(title)}</title>" in page


def test_a_spec_page_titled_with_math_has_a_plain_title(tmp_path):
    spec = tmp_path / "xor.toml"
    shipped = example_path("xor").read_text(encoding="utf-8")
    titled = shipped.replace('title = "XOR with two hidden units"',
                             r'title = "XOR with two hidden units: $y = \\sigma(x W_{1})$"', 1)
    assert titled != shipped
    spec.write_text(titled, encoding="utf-8")
    out = tmp_path / "xor.html"
    assert main(["run", str(spec), "--format", "html", "--out", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert "<title>XOR with two hidden units: y = σ(x W_1)</title>" in page
    assert "<h1>XOR with two hidden units: <math" in page      # the heading itself keeps its math


@pytest.mark.parametrize("fmt, names", [
    ("markdown", ["a.png", "p.json", "p.md"]),
    ("html", ["p.html"]),
    ("both", ["a.png", "p.html", "p.json", "p.md"]),
])
def test_build_names_and_files(fmt, names):
    files = {"p.md": "![f](a.png) $x$\n", "p.json": "{}\n", "a.png": b"\x89PNG"}
    assert html.build_names(sorted(files), fmt) == names
    chosen, pages = html.build_files(files, fmt)
    assert sorted(chosen) == names
    assert list(pages) == ["p.html"] and pages["p.html"].spans == 1
    assert "data:image/png;base64," in pages["p.html"].html


def test_an_html_build_keeps_the_markdown_build_in_the_manifest(tmp_path):
    outdir.publish(tmp_path, {"p.md": "x\n"})
    outdir.publish(tmp_path, {"p.html": "<p>x</p>\n"})
    outdir.publish(tmp_path, {"p.md": "y\n"})     # still its own file: no refusal
    assert outdir.written_before(tmp_path) == {"p.md", "p.html"}


# --- the pages in headless Chromium ---------------------------------------------

@pytest.fixture(scope="module")
def browser():
    missing = [name for name in ("chromium", "chromedriver") if shutil.which(name) is None]
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        missing.append("selenium (pip install '.[test]')")
    if missing:
        message = f"no browser to render with: {', '.join(missing)} missing"
        if os.environ.get("CI_REQUIRE_RENDERERS") == "1":
            pytest.fail(message)
        pytest.skip(message)
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium")
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 f"--window-size={PAGE_WIDTH},900", "--hide-scrollbars"):
        options.add_argument(flag)
    # The Debian driver, named: Selenium must not go looking for one on the network.
    driver = webdriver.Chrome(options=options, service=Service(executable_path=shutil.which("chromedriver")))
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("html")
    assert main(["build", "--format", "html", "--out", str(out)]) == 0
    spec = out / "spec.html"
    assert main(["run", str(example_path("xor")), "--format", "html", "--out", str(spec)]) == 0
    (out / "wide.html").write_text(html.page(WIDE).html, encoding="utf-8")
    return out


# Wider than any window, whatever the built pages hold today: the style must make it scroll.
_ROW = " & ".join(rf"\frac{{{i}}}{{7}}" for i in range(60))
WIDE = (f"# Wide\n\n$$\nM = \\begin{{pmatrix}} {_ROW} \\\\ {_ROW} \\end{{pmatrix}}\n$$\n\n"
        + "| " + " | ".join(["a long header"] * 30) + " |\n|" + "---|" * 30 + "\n")


MEASURE = """
const ns = 'http://www.w3.org/1998/Math/MathML';
const width = document.documentElement.clientWidth;
const blocks = [...document.querySelectorAll('.math-block, table, pre')];
const frac = document.getElementsByTagNameNS(ns, 'mfrac')[0];
const height = e => e.getBoundingClientRect().height;
// a display <math> is as wide as its box; what it draws is as wide as its children
const drawn = m => { const r = [...m.children].map(c => c.getBoundingClientRect());
  return r.length ? Math.max(...r.map(x => x.right)) - Math.min(...r.map(x => x.left)) : 0; };
const fenced = [...document.getElementsByTagNameNS(ns, 'mtable')]
  .filter(t => t.previousElementSibling && t.previousElementSibling.localName === 'mo');
return {
  math_errors: document.querySelectorAll('.math-error').length,
  merror: document.getElementsByTagNameNS(ns, 'merror').length,
  maths: document.getElementsByTagNameNS(ns, 'math').length,
  width: width,
  page_width: document.documentElement.scrollWidth,
  past_edge: blocks.filter(b => b.getBoundingClientRect().right > width + 0.5).length,
  widest: Math.max(0, ...blocks.map(b => b.scrollWidth)),
  widest_math: Math.max(0, ...[...document.querySelectorAll('.math-block > math')].map(drawn)),
  short_fences: fenced.filter(t => height(t.previousElementSibling) < 0.9 * height(t)).length,
  stacked: frac ? frac.children[0].getBoundingClientRect().bottom
                  <= frac.children[1].getBoundingClientRect().top + 0.5 : null,
};
"""


def _screenshots(pages: Path) -> Path:
    folder = Path(os.environ.get("DERIVE_SCREENSHOTS") or pages / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.mark.parametrize("name", ["whitepaper.html", "proofs.html", "spec.html", "wide.html"])
def test_page_renders_in_chromium(browser, pages, name):
    path = pages / name
    browser.get(path.resolve().as_uri())
    seen = browser.execute_script(MEASURE)
    assert seen["math_errors"] == 0 and seen["merror"] == 0
    # every <math> of the file is MathML to the browser, and laid out as such
    assert seen["maths"] == path.read_text(encoding="utf-8").count("<math ") > 0
    assert seen["stacked"] in (True, None)
    assert seen["short_fences"] == 0, seen      # a matrix's brackets stretch (a math font is found)
    # no block pushes the page sideways: wide math scrolls inside its own box
    assert seen["width"] <= PAGE_WIDTH and seen["page_width"] <= seen["width"], seen
    assert seen["past_edge"] == 0, seen
    if name == "wide.html":
        assert seen["widest"] > 2 * PAGE_WIDTH   # it really is wider than the page
        assert seen["widest_math"] > PAGE_WIDTH     # and so is its math (the measure sees it)
    else:
        assert seen["widest_math"] <= WIDEST_MATH, seen
    shots = _screenshots(pages)
    assert browser.save_screenshot(str(shots / f"{path.stem}.png"))
    browser.execute_script("""const b = [...document.querySelectorAll('.math-block')]
        .sort((x, y) => y.scrollWidth - x.scrollWidth)[0]; if (b) b.scrollIntoView();""")
    assert browser.save_screenshot(str(shots / f"{path.stem}-widest.png"))
