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
    return top


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


COMMANDS = {"build": _build, "prove": _prove}


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
