"""The ``derive`` command: parse arguments, call the library, map errors to exit codes.

Heavy modules (SymPy, NumPy, flint) are imported inside the commands, so that
``derive --help`` and ``derive --version`` start fast.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import traceback
from pathlib import Path

from derive import __version__
from derive.errors import ERROR_EXIT, INTERNAL_EXIT, INTERRUPTED_EXIT, DeriveError, UsageError
from derive.files import OUTPUT_ERRNOS, stdout_error

MAX_DIGITS = 30
BUILD_FORMATS = ("markdown", "html", "both")


class _Parser(argparse.ArgumentParser):
    """argparse that raises instead of printing usage and exiting."""

    def error(self, message):
        raise UsageError(message)


def _whole(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None


def _digits(text: str) -> int:
    value = _whole(text)
    if not 0 <= value <= MAX_DIGITS:
        raise argparse.ArgumentTypeError(f"must be between 0 and {MAX_DIGITS}, got {value}")
    return value


def parser() -> argparse.ArgumentParser:
    top = _Parser(prog="derive", description=(
        "Exact, symbolic and fast derivations of the mathematics of transformers."))
    top.add_argument("--version", action="version", version=f"derive {__version__}")
    commands = top.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    build = commands.add_parser(
        "build", help="regenerate the worked examples into output/",
        description="Run the worked examples exactly and write whitepaper.md and whitepaper.json.")
    build.add_argument("--out", type=Path, default=Path("output"), metavar="DIR",
                       help="folder to write into (default: output)")
    build.add_argument("--digits", type=_digits, default=4, metavar="N",
                       help=f"decimals shown on the page, 0 to {MAX_DIGITS} (default: 4)")
    build.add_argument("--force", action="store_true",
                       help="replace files in DIR that derive did not write (not in DIR/.derive-manifest)")
    build.add_argument("--format", choices=BUILD_FORMATS, default="markdown",
                       help="markdown: the Markdown pages, JSON and figures; html: standalone HTML "
                            "pages only (MathML, figures embedded); both (default: markdown)")
    prove = commands.add_parser(
        "prove", help="prove the gradient identities",
        description="Prove each gradient identity symbolically and by a certified numeric check. "
                    "Each is proved, refuted (a certified counterexample) or only checked (agreement "
                    "at points, no proof). Exit 0: all proved; 1: one refuted; 3: some only checked; "
                    "2: bad input. A .toml file holds identities of your own (see README).")
    prove.add_argument("names", nargs="*", metavar="NAME|FILE.toml",
                       help="identities to prove: registered names, or .toml files of your own "
                            "(default: every registered identity)")
    run = commands.add_parser(
        "run", help="run a worked-example spec of your own and render it",
        description="Run every step of a spec (TOML, see README) exactly and render it. Exit 0 when every "
                    "value the spec says a document printed holds (rounded or truncated), 1 when one does not, "
                    "2 on bad input.")
    run.add_argument("spec", type=Path, metavar="SPEC", help="the spec file (.toml)")
    run.add_argument("--format", choices=("markdown", "json", "html"), default="markdown",
                     help="a Markdown page, JSON with 30 significant digits, or a standalone HTML "
                          "page (default: markdown)")
    run.add_argument("--digits", type=_digits, default=4, metavar="N",
                     help=f"decimals shown on the page, 0 to {MAX_DIGITS} (default: 4)")
    run.add_argument("--out", type=Path, metavar="PATH", help="write to PATH instead of stdout")
    check = commands.add_parser(
        "check", help="recompute and judge every number a document prints",
        description=("Find every number a document prints (Markdown, a Jupyter notebook or a LaTeX "
                     "file: math, plain-text arithmetic, tables, code and its output), recompute it, "
                     "and say whether it is right, only rounded or truncated, or wrong, where, and "
                     "why. Each verdict names its basis: the exact inputs, the inputs as printed, an "
                     "enclosure of their rounding, the code's output, a worked example derive ships, "
                     "or a model's paper. Values the document gives are listed as given, never as "
                     "right. Exit 0 when no claim is wrong, 1 when one is, 2 on bad input."))
    check.add_argument("files", nargs="+", metavar="PATH",
                       help="documents to check (.md, .ipynb, .tex), folders (walked for them) or glob "
                            "patterns ('posts/**/*.md', quoted)")
    check.add_argument("--format", choices=("text", "markdown", "json", "jsonl", "github"), default="text",
                       help="report format: text; markdown (errata, with an index over several documents); "
                            "json; jsonl (one line per document as it finishes); github (annotations) "
                            "(default: text)")
    check.add_argument("--out", metavar="PATH", help="write the report to PATH instead of stdout")
    check.add_argument("--all", dest="show_all", action="store_true",
                       help="list every claim and value given, not only the wrong claims")
    check.add_argument("--run-code", action="store_true",
                       help="execute each Python block of the document and compare what it prints: "
                            "each runs in a sandbox (own process and folder, time, memory, file, process "
                            "and output limits, no network where Linux allows it; README: 'Running a "
                            "document's code'), which cannot stop it reading files anyone may read")
    many = check.add_argument_group(
        "many documents", "Several documents are checked at once by forked worker processes, each "
                          "document under a time and a memory budget; one that fails or runs out of time is one line of "
                          "the report and the others go on. A summary goes to stderr at the end, a progress "
                          "bar while it runs when stderr is a terminal.")
    many.add_argument("--include", action="append", default=[], metavar="GLOB",
                      help="check only the files found in folders and patterns that match GLOB (a name "
                           "pattern like '*.ipynb', or a path pattern with '/' below the folder); repeatable")
    many.add_argument("--exclude", action="append", default=[], metavar="GLOB",
                      help="leave out the files found in folders and patterns that match GLOB; repeatable")
    many.add_argument("--jobs", type=_jobs, default=None, metavar="N",
                      help="documents checked at once (default: one per core)")
    many.add_argument("--timeout", type=_seconds, default=None, metavar="SECONDS",
                      help="the wall time one document may take before its process is stopped "
                           "(default: the policy's corpus_seconds, 600 s)")
    many.add_argument("--resume", metavar="FILE",
                      help="continue a --format jsonl run written to FILE: documents already in it are "
                           "skipped, the others appended")
    many.add_argument("--dask", metavar="ADDRESS",
                      help="send the documents to the Dask cluster whose scheduler is at ADDRESS "
                           "(tcp://host:8786), or 'local' for a LocalCluster of --jobs workers; needs "
                           "pip install 'derive[dask]'")
    return top


def _jobs(text: str) -> int:
    value = _whole(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"must be a positive number of seconds, got {text}")
    return value


def _run(args) -> int:
    from derive.files import ensure_writable, refuse_overwriting_input, write_atomic, write_stdout
    from derive.render import run_spec

    if args.out is not None:   # refused before the work, not after it
        if args.out.is_dir():
            raise UsageError(f"--out {args.out} is a folder, not a file")
        refuse_overwriting_input(args.out, [args.spec])
        ensure_writable(args.out)
    text, holds = run_spec(args.spec, digits=args.digits, fmt="markdown" if args.format == "html" else args.format)
    if args.format == "html":
        from derive.html import page

        rendered = page(text)
        _warn({str(args.out or args.spec): rendered})
        text = rendered.html
    if args.out is None:
        write_stdout(text)
    else:
        write_atomic(args.out, text)
    return 0 if holds else 1


def _check(args) -> int:
    from derive.check.command import Corpus, check_command
    from derive.check.corpus.isolate import memory_ceiling
    from derive.check.policy import POLICY

    memory_ceiling(POLICY.memory_mb)        # the command's own process only, not a library caller's
    corpus = Corpus(include=tuple(args.include), exclude=tuple(args.exclude), jobs=args.jobs,
                    timeout=args.timeout, resume=args.resume, dask=args.dask)
    return check_command(args.files, args.format, args.out, args.show_all, args.run_code, corpus)


def _prove(args) -> int:
    from derive.proofs.catalog import THEOREMS
    from derive.proofs.command import prove_command
    from derive.proofs.identity_file import load_identities

    files = [n for n in args.names if n.endswith(".toml")]
    if not files:
        return prove_command(args.names)
    table = {}
    for path in files:
        table.update(load_identities(path))
    named = [n for n in args.names if not n.endswith(".toml")]
    unknown = [n for n in named if n not in THEOREMS]
    if unknown:
        raise UsageError(f"unknown identity {unknown[0]!r}; known: {', '.join(THEOREMS)}")
    table.update({n: THEOREMS[n] for n in named})
    return prove_command(list(table), table=table)


def _build(args) -> int:
    if args.out.exists() and not args.out.is_dir():
        raise UsageError(f"--out {args.out} is a file, not a folder")
    from derive.files import write_stdout
    from derive import html
    from derive.outdir import make_folder, publish, refuse_foreign
    from derive.render import build, build_names, documents

    make_folder(args.out)
    if not args.force:   # before the half-minute of work, and again as it writes
        refuse_foreign(args.out, html.build_names(build_names(), args.format))
    if args.format == "markdown":
        paths = build(args.out, digits=args.digits, force=args.force)
    else:
        files, pages = html.build_files(documents(args.digits), args.format)
        _warn(pages)
        paths = publish(args.out, files, args.force)
    write_stdout("".join(f"{path}\n" for path in paths))
    return 0


def _warn(pages: dict) -> None:
    """A math span shown as TeX (not MathML) is said on stderr, once per page."""
    for name, page in pages.items():
        if page.errors:
            print(f"derive: warning: {name}: {len(page.errors)} math span(s) shown as TeX, not "
                  f"MathML (first: {page.errors[0][:80]!r})", file=sys.stderr)


COMMANDS = {"build": _build, "prove": _prove, "run": _run, "check": _check}


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code (README, "Exit codes"): 0 ok,
    1 a wrong claim or a failed proof, 2 bad input or output, 70 a bug of
    derive, 130 interrupted."""
    try:
        code = _dispatch(argv)
        sys.stdout.flush()   # a full disk or a closed pipe shows here, inside the guard
        return code
    except DeriveError as exc:
        return _fail(f"derive: error: {exc}", exc.exit_code)
    except KeyboardInterrupt:
        return _fail("derive: interrupted", INTERRUPTED_EXIT)
    except OSError as exc:
        if exc.errno not in OUTPUT_ERRNOS:
            return _internal(exc)
        return _fail(f"derive: error: {stdout_error(exc)}", ERROR_EXIT)
    except Exception as exc:   # noqa: BLE001 (the last resort: a bug of derive, in one line)
        return _internal(exc)


def _dispatch(argv: list[str] | None) -> int:
    try:
        args = parser().parse_args(argv)
    except SystemExit as done:  # --help and --version end here
        return int(done.code or 0)
    if args.command is None:
        parser().print_help()
        raise UsageError("no command given (build, run, check or prove)")
    return COMMANDS[args.command](args)


def _internal(exc: BaseException) -> int:
    """A bug of derive: one line, exit 70; DERIVE_TRACEBACK=1 shows the traceback too."""
    if os.environ.get("DERIVE_TRACEBACK"):
        traceback.print_exception(exc)
    return _fail(f"derive: internal error: {type(exc).__name__}: {exc} "
                 "(a bug of derive; please report it)", INTERNAL_EXIT)


def _fail(message: str, code: int) -> int:
    """Print one line on stderr (newlines folded, length capped) and return ``code``."""
    line = " ".join(message.split())
    try:
        print(line if len(line) <= 1000 else line[:997] + "...", file=sys.stderr)
    except (OSError, ValueError):
        pass   # stderr is gone too: the exit code still tells
    return code


def _terminate(signum, frame):
    """SIGTERM as an exit Python sees, so temporary files are removed."""
    sys.exit(128 + signum)


def run() -> None:
    """Console-script entry point."""
    signal.signal(signal.SIGTERM, _terminate)
    sys.exit(main())
