r"""The LaTeX adapter: a ``.tex`` file read as Markdown, every line mapped back to
the file and line its text was written on (``derive.check.read.tex``)."""

import textwrap

import pytest

from derive.check.claim import Verdict
from derive.check.pipeline import check_text
from derive.check.read.markdown import InputError
from derive.check.read.tex import MAX_FILES, tex_source


def write(folder, name, text):
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"))
    return path


def lines(source):
    """(text, file, line) of each Markdown line."""
    texts = source.text.split("\n")
    assert len(texts) == len(source.origins) + 1 and texts[-1] == ""    # one origin a line
    return [(t, o.file, o.line) for t, o in zip(texts, source.origins)]


def line_of(source, text):
    """The 1-based Markdown line holding ``text`` (exactly one)."""
    found = [k for k, t in enumerate(source.text.split("\n"), 1) if text in t]
    assert len(found) == 1, (text, source.text)
    return found[0]


def origin_of(source, text):
    o = source.origin(line_of(source, text))
    return o.file, o.line


# ---------------------------------------------------------------- a whole document

DOCUMENT = r"""
\documentclass{article}          % line 1
\usepackage{amsmath}
\newcommand{\rate}{0.25}
\title{Preamble title $t = 99$}
\begin{document}
\section{Loss of the model}\label{sec:loss}
The weight is $w = 3$ and the bias \(b = 1\), see \cite{someone} and
Table~\ref{tab:r}.
\begin{align*}
  L &= w^2 + b \\
    &= 10
\end{align*}
After the block.
\end{document}
"""


def test_a_document_reads_as_markdown_with_its_lines(tmp_path):
    source = tex_source(write(tmp_path, "paper.tex", DOCUMENT))
    name = str(tmp_path / "paper.tex")
    assert lines(source) == [
        ("# Loss of the model", name, 6),
        ("The weight is $w = 3$ and the bias $b = 1$, see  and", name, 7),
        ("Table .", name, 8),
        ("$$", name, 9),
        (r"\begin{aligned}", name, 9),
        (r"L &= w^2 + b \\", name, 10),
        ("&= 10", name, 11),
        (r"\end{aligned}", name, 12),
        ("$$", name, 12),
        ("After the block.", name, 13),
    ]


def test_the_preamble_is_skipped(tmp_path):
    source = tex_source(write(tmp_path, "paper.tex", DOCUMENT))
    assert "99" not in source.text and "Preamble" not in source.text and "0.25" not in source.text
    assert "usepackage" not in source.text


def test_a_file_without_begin_document_is_read_whole(tmp_path):
    source = tex_source(write(tmp_path, "part.tex", r"""
        Only a part: $a = 1$.
        """))
    assert lines(source) == [("Only a part: $a = 1$.", str(tmp_path / "part.tex"), 1)]


# ---------------------------------------------------------------- prose

def test_comments_are_dropped_and_escaped_percent_kept(tmp_path):
    source = tex_source(write(tmp_path, "c.tex", r"""
        A rate of 5\% is low. % a remark with $z = 7$
        % a line that is only a comment, $q = 8$
        Next~line, 50\%% and a comment right after
        """))
    assert source.text == "A rate of 5% is low.\nNext line, 50%\n"
    assert [o.line for o in source.origins] == [1, 3]


def test_text_macros_keep_their_text_and_references_go(tmp_path):
    source = tex_source(write(tmp_path, "t.tex", r"""
        \textbf{Bold} then \emph{slanted} then \textit{italic $x=1$}, \label{a}\eqref{b}\cite[p.~2]{c}.
        Line one\\ line two
        \unknownmacro{kept text} and \subsection{Sub} tail
        \paragraph{Para}
        """))
    assert source.text.split("\n")[:-1] == [
        "Bold then slanted then italic $x=1$, .",
        "Line one",
        "line two",
        "kept text and",
        "## Sub",
        "tail",
        "### Para",
    ]
    assert [o.line for o in source.origins] == [1, 2, 2, 3, 3, 3, 4]


def test_paragraphs_stay_apart(tmp_path):
    source = tex_source(write(tmp_path, "p.tex", "First $a=1$.\n\n   \nSecond $b=2$.\n"))
    assert source.text == "First $a=1$.\n\nSecond $b=2$.\n"
    assert [o.line for o in source.origins] == [1, 2, 4]


def test_tex_quotes_do_not_become_code_spans(tmp_path):
    source = tex_source(write(tmp_path, "q.tex", "``one'' and ``two $v=2$''\n"))
    assert "`" not in source.text
    assert "$v=2$" in source.text


# ---------------------------------------------------------------- math

def test_display_math_forms_become_dollar_blocks(tmp_path):
    source = tex_source(write(tmp_path, "m.tex", r"""
        Inline $ x = 1 $ stays inline.
        \[ y = 2 \]
        $$z = 3$$
        \begin{equation}\label{eq:e}
          e = 4 % why
        \end{equation}
        \begin{gather}
          g = 5 \\ h = 6
        \end{gather}
        """))
    name = str(tmp_path / "m.tex")
    assert lines(source) == [
        ("Inline $x = 1$ stays inline.", name, 1),
        ("$$", name, 2), ("y = 2", name, 2), ("$$", name, 2),
        ("$$", name, 3), ("z = 3", name, 3), ("$$", name, 3),
        ("$$", name, 4), ("e = 4", name, 5), ("$$", name, 6),
        ("$$", name, 7), (r"\begin{gathered}", name, 7), (r"g = 5 \\ h = 6", name, 8),
        (r"\end{gathered}", name, 9), ("$$", name, 9),
    ]


def test_align_rows_keep_their_lines_and_drop_tags(tmp_path):
    source = tex_source(write(tmp_path, "a.tex", r"""
        Text before.
        \begin{align}
        a &= 1 \nonumber \\

        b &= a + 1 \label{eq:b} \\ % comment
        c &= 3
        \end{align}
        """))
    name = str(tmp_path / "a.tex")
    assert lines(source)[1:] == [
        ("$$", name, 2), (r"\begin{aligned}", name, 2), (r"a &= 1  \\", name, 3),
        (r"b &= a + 1  \\", name, 5), ("c &= 3", name, 6), (r"\end{aligned}", name, 7), ("$$", name, 7),
    ]


# ---------------------------------------------------------------- tables and code

def test_a_tabular_becomes_a_pipe_table(tmp_path):
    source = tex_source(write(tmp_path, "tab.tex", r"""
        \begin{table}[t]
        \centering
        \begin{tabular}{|l|c|r|}
        \hline
        Name & Value & Note \\ \hline
        alpha & $0.5$ & a|b \\
        \multicolumn{2}{c}{both} & $|x|$ \\
        \hline
        \end{tabular}
        \caption{Some results}
        \end{table}
        """))
    name = str(tmp_path / "tab.tex")
    assert lines(source) == [
        ("| Name | Value | Note |", name, 5),
        ("|---|---|---|", name, 5),
        (r"| alpha | $0.5$ | a\|b |", name, 6),
        (r"| both |  | $\vert x\vert$ |", name, 7),
        ("", name, 9),
        ("Some results", name, 10),
    ]


def test_a_table_reads_as_a_table(tmp_path):
    source = tex_source(write(tmp_path, "tab.tex", r"""
        Before.
        \begin{tabular}{lr}\toprule
        x & $2$ \\ \midrule
        y & $3$ \\ \bottomrule
        \end{tabular}
        After.
        """))
    from derive.check.read.markdown import Table, document, scan
    tables = [it for it in scan(document(source.text)) if isinstance(it, Table)]
    assert len(tables) == 1
    assert [c.text for c in tables[0].header] == ["x", "$2$"]
    assert [[c.text for c in cells] for _, cells in tables[0].rows] == [["y", "$3$"]]
    assert source.origin(tables[0].rows[0][0]).line == 4


def test_verbatim_and_listings_become_fenced_code(tmp_path):
    source = tex_source(write(tmp_path, "code.tex", r"""
        \begin{verbatim}
        x = 1  % not a comment, $not math$
          indented
        \end{verbatim}
        \begin{lstlisting}[language=Python, caption=Demo]
        print(2)
        \end{lstlisting}
        \begin{minted}{python}
        y = 3
        \end{minted}
        \begin{lstlisting}
        plain
        \end{lstlisting}
        """))
    name = str(tmp_path / "code.tex")
    assert lines(source) == [
        ("```", name, 1), ("x = 1  % not a comment, $not math$", name, 2), ("  indented", name, 3),
        ("```", name, 4),
        ("```python", name, 5), ("print(2)", name, 6), ("```", name, 7),
        ("```python", name, 8), ("y = 3", name, 9), ("```", name, 10),
        ("```", name, 11), ("plain", name, 12), ("```", name, 13),
    ]


# ---------------------------------------------------------------- \input

def test_an_input_chain_maps_lines_to_the_included_files(tmp_path):
    main = write(tmp_path, "main.tex", r"""
        \documentclass{article}
        \begin{document}
        Main text $m = 1$.
        \input{sections/attn}
        Back in main $n = 2$.
        \end{document}
        """)
    padding = "".join(f"Filler line {k}.\n" for k in range(3, 41))
    write(tmp_path, "sections/attn.tex", "% attention\n\\section{Attention}\n" + padding
          + "The claim $s = 0.5$ is here.\n\\include{sections/deep/more}\n")
    write(tmp_path, "sections/deep/more.tex", "Deeper $d = 4$.\n")
    source = tex_source(main)
    attn = str(tmp_path / "sections" / "attn.tex")
    assert origin_of(source, "Main text") == (str(main), 3)
    assert origin_of(source, "# Attention") == (attn, 2)
    assert origin_of(source, "$s = 0.5$") == (attn, 41)
    assert origin_of(source, "$d = 4$") == (str(tmp_path / "sections" / "deep" / "more.tex"), 1)
    assert origin_of(source, "Back in main") == (str(main), 5)
    assert source.origin(line_of(source, "$s = 0.5$")).where() == f"{attn}:41"


def test_input_names_relative_to_the_document_read_as_given(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "paper/main.tex", "Intro.\n\\input{sec/a.tex}\n")
    (tmp_path / "paper/sec").mkdir()
    (tmp_path / "paper/sec/a.tex").write_text("\n\nThird line $c = 3$.\n")
    source = tex_source("paper/main.tex")
    assert origin_of(source, "$c = 3$") == ("paper/sec/a.tex", 3)


def test_a_missing_input_names_the_file_and_line(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "main.tex").write_text("\n" * 11 + "\\input{sec/attn}\n")
    with pytest.raises(InputError) as caught:
        tex_source("main.tex")
    assert str(caught.value) == r"main.tex:12: \input{sec/attn}: no such file"


def test_an_input_cycle_is_an_input_error(tmp_path, monkeypatch):
    """A cycle of \\input is an InputError naming where it closes (never skipped, never a hang)."""
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "a.tex", "A\n\\input{b}\n")
    write(tmp_path, "b.tex", "B\n\n\\input{a}\n")
    with pytest.raises(InputError) as caught:
        tex_source("a.tex")
    assert str(caught.value) == r"b.tex:3: \input{a}: an \input cycle (a.tex -> b.tex -> a.tex)"


def test_at_most_fifty_files(tmp_path):
    for k in range(MAX_FILES + 5):
        write(tmp_path, f"f{k}.tex", f"File {k}.\n\\input{{f{k + 1}}}\n")
    with pytest.raises(InputError, match="more than 50 files"):
        tex_source(tmp_path / "f0.tex")


def test_the_same_file_twice_is_not_a_cycle(tmp_path):
    write(tmp_path, "m.tex", "\\input{x}\n\\input{x}\n")
    write(tmp_path, "x.tex", "Value $v = 1$.\n")
    assert tex_source(tmp_path / "m.tex").text.count("$v = 1$") == 2


# ---------------------------------------------------------------- bad input

def test_a_missing_document_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        tex_source(tmp_path / "none.tex")


@pytest.mark.parametrize("text, kept", [
    ("Open {brace $x = 1$ never closed\n\nnext $y = 2$\n", ["$x = 1$", "$y = 2$"]),
    ("Extra } brace }} and $x = 1$\n", ["$x = 1$"]),
    ("An unclosed \\[ x = 1\nand more\n", ["x = 1", "and more"]),
    ("\\begin{align*}\nx &= 1\nnever ended\n", ["x &= 1", "never ended"]),
    ("\\begin{align} x = 1 \\end{equation} y\n", ["x = 1"]),
    ("\\begin{strange}{3} body $z = 3$ \\end{strange}\n", ["$z = 3$"]),
    ("\\end{nothing} then $z = 3$\n", ["$z = 3$"]),
    ("\\section{Unclosed title $t = 1$\n", ["$t = 1$"]),
    ("\\begin{verbatim}\nno end\n", ["no end"]),
    ("text \\verb", ["text"]),
    ("{" * 5000 + "deep" + "}" * 5000, ["deep"]),
])
def test_broken_latex_never_raises_and_keeps_its_text(tmp_path, text, kept):
    path = tmp_path / "broken.tex"
    path.write_text(text)
    source = tex_source(path)
    for k in kept:
        assert k in source.text
    assert len(source.origins) == source.text.count("\n")


def test_a_long_document_is_read_whole(tmp_path):
    """Every one of many environments comes through (the cost is measured in bench/, not here)."""
    block = "Para $x_{%d} = %d$ with \\textbf{text}.\n\\begin{align*}\na &= 1 \\\\\nb &= 2\n\\end{align*}\n\n"
    n = 1200
    path = tmp_path / "big.tex"
    path.write_text("".join(block % (k, k) for k in range(n)))
    source = tex_source(path)
    assert source.text.count("\\begin{aligned}") == n
    assert source.text.count("$x_{%d} = %d$" % (n - 1, n - 1)) == 1


# ---------------------------------------------------------------- end to end

def test_a_wrong_value_in_an_align_line_is_found_at_its_tex_line(tmp_path):
    # x = 2, so x^2 + 1 = 5: the 6 printed on line 5 is wrong
    assert 2 ** 2 + 1 == 5
    path = write(tmp_path, "paper.tex", r"""
        \documentclass{article}
        \begin{document}
        \begin{align*}
          x &= 2 \\
          y &= x^2 + 1 = 6
        \end{align*}
        \end{document}
        """)
    source = tex_source(path)
    report = check_text(source.text)
    wrong = [c for c in report.claims if c.verdict == Verdict.WRONG]
    assert len(wrong) == 1
    assert wrong[0].printed == "6" and wrong[0].expected == "5"
    assert source.origin(wrong[0].line) == source.origins[wrong[0].line - 1]
    assert (source.origin(wrong[0].line).file, source.origin(wrong[0].line).line) == (str(path), 5)
    given = [c for c in report.claims if c.printed == "2"]
    assert given and source.origin(given[0].line).line == 4


def test_a_claim_in_an_included_file_maps_to_that_file(tmp_path):
    main = write(tmp_path, "main.tex", "\\begin{document}\n\\input{part}\n\\end{document}\n")
    write(tmp_path, "part.tex", "Set $a = 3$.\n\n\\[ b = a + 1 = 5 \\]\n")
    source = tex_source(main)
    report = check_text(source.text)
    wrong = [c for c in report.claims if c.verdict == Verdict.WRONG]
    assert len(wrong) == 1 and wrong[0].expected == "4"
    assert source.origin(wrong[0].line).where() == f"{tmp_path / 'part.tex'}:3"


def test_an_input_that_is_a_fifo_or_a_device_is_refused_in_one_line(tmp_path, capsys):
    import os

    from derive.cli import main
    os.mkfifo(tmp_path / "pipe.tex")
    for target, what in (("pipe", "named pipe"), ("/dev/zero", "character device")):
        doc = tmp_path / "paper.tex"
        doc.write_text(f"\\begin{{document}}\n$1 + 1 = 2$\n\\input{{{target}}}\n\\end{{document}}\n")
        assert main(["check", str(doc)]) == 2
        err = capsys.readouterr().err.strip().split("\n")
        assert len(err) == 1 and "paper.tex:3" in err[0] and what in err[0]
