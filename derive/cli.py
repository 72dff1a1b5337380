"""The ``derive`` command: parse arguments, call the library, map errors to exit codes.

Heavy modules (SymPy, NumPy, flint) are imported inside the commands, so that
``derive --help`` and ``derive --version`` start fast.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from derive import __version__
from derive.errors import DeriveError, UsageError

MAX_DIGITS = 30


class _Parser(argparse.ArgumentParser):
    """argparse that raises instead of printing usage and exiting."""

    def error(self, message):
        raise UsageError(message)


def _digits(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
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
    prove = commands.add_parser(
        "prove", help="prove the gradient identities",
        description="Prove each gradient identity symbolically and by a certified numeric check.")
    prove.add_argument("names", nargs="*", metavar="NAME", help="identities to prove (default: all)")
    run = commands.add_parser(
        "run", help="run a worked-example spec of your own and render it",
        description="Run every step of a spec (TOML, see README) exactly and render it.")
    run.add_argument("spec", type=Path, metavar="SPEC", help="the spec file (.toml)")
    run.add_argument("--format", choices=("markdown", "json"), default="markdown",
                     help="a Markdown page, or JSON with 30 significant digits (default: markdown)")
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
    check.add_argument("files", nargs="+", metavar="FILE", help="documents to check (.md, .ipynb, .tex)")
    check.add_argument("--format", choices=("text", "markdown", "json", "github"), default="text",
                       help="report format (default: text)")
    check.add_argument("--out", metavar="PATH", help="write the report to PATH instead of stdout")
    check.add_argument("--all", dest="show_all", action="store_true",
                       help="list every claim and value given, not only the wrong claims")
    check.add_argument("--run-code", action="store_true",
                       help="execute each Python block of the document and compare what it prints: "
                            "each runs in a sandbox (own process and folder, time, memory, file, process "
                            "and output limits, no network where Linux allows it; README: 'Running a "
                            "document's code'), which cannot stop it reading files anyone may read")
    return top


def _run(args) -> int:
    from derive.render import render_spec, write_atomic

    text = render_spec(args.spec, digits=args.digits, fmt=args.format)
    if args.out is None:
        sys.stdout.write(text)
    elif args.out.is_dir():
        raise UsageError(f"--out {args.out} is a folder, not a file")
    else:
        write_atomic(args.out, text)
    return 0


def _check(args) -> int:
    from derive.check.command import check_command

    return check_command(args.files, args.format, args.out, args.show_all, args.run_code)


def _prove(args) -> int:
    from derive.proofs.command import prove_command

    return prove_command(args.names)


def _build(args) -> int:
    if args.out.exists() and not args.out.is_dir():
        raise UsageError(f"--out {args.out} is a file, not a folder")
    from derive.render import build

    for path in build(args.out, digits=args.digits):
        print(path)
    return 0


COMMANDS = {"build": _build, "prove": _prove, "run": _run, "check": _check}


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code (0 ok, 1 failed check, 2 bad input)."""
    try:
        try:
            args = parser().parse_args(argv)
        except SystemExit as done:  # --help and --version end here
            return int(done.code or 0)
        if args.command is None:
            parser().print_help()
            return 2
        return COMMANDS[args.command](args)
    except DeriveError as exc:
        print(f"derive: error: {exc}", file=sys.stderr)
        return exc.exit_code


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())
