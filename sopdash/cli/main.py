"""The `sopdash` command: parse the command line, run one command, turn any failure into a message and exit code."""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, nullcontext
from importlib import import_module
from typing import TextIO

from sopdash import __version__
from sopdash.cli.options import add_store_options
from sopdash.core.errors import InputError, SopdashError
from sopdash.core.text import printable

# Each command and the module under sopdash.cli that registers and runs it: a module (and all it needs: the store,
# the settings, mail) loads only when its command runs, or for --help and a mistyped command, which list them all.
COMMANDS = {
    "ticket": "ticket_commands",
    "init": "init_command",
    "check": "store_commands",
    "config": "config_commands",
    "demo": "store_commands",
    "store": "store_admin_commands",
    "import": "import_command",
    "report": "report_command",
    "forecast": "forecast_command",
    "mail": "mail_commands",
    "handover": "handover_command",
}
HELP = ("-h", "--help")
TAKES_VALUE = ("--db", "--config")

EXIT_INTERNAL = 70
EXIT_INTERRUPTED = 130
EXIT_BROKEN_PIPE = 141


def build_parser(argv: Sequence[str] = HELP) -> argparse.ArgumentParser:
    """The command line (README: "The command line") as far as argv needs it; each command module registers its own
    subcommands."""
    parser = argparse.ArgumentParser(
        prog="sopdash",
        description="Run a help-desk queue by the Support Engagement SOP. Without a command, opens the dashboard.",
    )
    add_store_options(parser, default=None)
    parser.add_argument("--demo", action="store_true", help="open the dashboard on a fresh demo store (no set-up)")
    parser.add_argument("--version", action="version", version=f"sopdash {__version__}")
    parser.set_defaults(handler=open_dashboard)
    subparsers = parser.add_subparsers(dest="command", title="commands", metavar="COMMAND")
    for module in command_modules(argv):
        import_module(f"sopdash.cli.{module}").register(subparsers)
    return parser


def command_modules(argv: Sequence[str]) -> list[str]:
    """The modules argv's command needs: its own; none for the dashboard or --version; all to list them."""
    words = iter(argv)
    for word in words:
        if word in TAKES_VALUE:
            next(words, None)
        elif not word.startswith("-"):
            return [COMMANDS[word]] if word in COMMANDS else list(dict.fromkeys(COMMANDS.values()))
        elif word in HELP:
            return list(dict.fromkeys(COMMANDS.values()))
    return []


def open_dashboard(args: argparse.Namespace) -> int:
    """`sopdash [--demo]`: the dashboard, on the configured store or on a throw-away demo store."""
    from sopdash.cli.dashboard import run_demo_dashboard, run_store_dashboard

    return run_demo_dashboard(args) if args.demo else run_store_dashboard(args)


def run(argv: Sequence[str] | None = None) -> int:
    """Parse argv (None: this process's own command line) and run the command; SopdashError and friends propagate."""
    own_process = argv is None
    argv = sys.argv[1:] if own_process else argv
    check_encoding(argv)
    with modules_frozen() if own_process else nullcontext():
        parser = build_parser(argv)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_request:  # argparse: usage errors (2), --help and --version (0)
        return int(exit_request.code or 0)
    if args.demo and args.command:
        raise InputError(f"--demo opens the dashboard; drop it to run `sopdash {args.command}`")
    if args.handler is open_dashboard:  # the dashboard draws with escape sequences, and sanitises what it shows
        with raw_streams():
            return args.handler(args)
    return args.handler(args)


@contextmanager
def modules_frozen() -> Iterator[None]:
    """The cyclic collector off while the command's modules import, and all they built frozen after.

    Modules live as long as the process, so no later collection needs to look at them again: without this, the
    collections that importing the store and mail modules sets off scan them over and over (a process per message
    for an MTA's `mail receive`: bench/bench_pg_scale.py). Only for the process's own command: a caller of `main`
    with its own argv (a test) keeps its collector as it was.
    """
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()


def check_encoding(argv: Sequence[str]) -> None:
    """Refuse an argument that is not valid UTF-8 (Python hands such bytes over as lone surrogates) or holds a NUL."""
    for argument in argv:
        try:
            argument.encode("utf-8")
        except UnicodeEncodeError:
            raise InputError(f"argument {printable(argument)!r} is not valid UTF-8; fix the text or its encoding") from None
        if "\0" in argument:  # only a caller of main() can pass one: the OS ends arguments there
            raise InputError(f"argument {printable(argument)!r} holds a NUL character")


def main(argv: Sequence[str] | None = None) -> int:
    """The console-script entry: run one command and return its exit code; never a traceback."""
    with terminal_safe_streams():
        return run_reporting(argv)


def run_reporting(argv: Sequence[str] | None) -> int:
    """`run`, with every failure turned into one line on stderr and an exit code."""
    try:
        return run(argv)
    except SopdashError as error:
        report(str(error))
        return error.exit_code
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        silence_stdout()
        return EXIT_BROKEN_PIPE
    except Exception as error:  # the edge: anything unforeseen still ends as one line, not a traceback
        report(f"internal error: {type(error).__name__}: {error}")
        return EXIT_INTERNAL


def report(message: str) -> None:
    """One line on stderr, prefixed with the program name."""
    print(f"sopdash: {' '.join(message.splitlines())}", file=sys.stderr)


class TerminalSafe:
    """A text stream that passes everything written through `printable` on its way to the wrapped stream."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        self.stream.write(printable(text))
        return len(text)

    def __getattr__(self, name: str):
        return getattr(self.stream, name)


@contextmanager
def terminal_safe_streams() -> Iterator[None]:
    """stdout and stderr through `printable` while a command runs: no text it prints can steer the terminal."""
    original = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = TerminalSafe(sys.stdout), TerminalSafe(sys.stderr)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = original


@contextmanager
def raw_streams() -> Iterator[None]:
    """The streams as they were before `terminal_safe_streams`, for the dashboard."""
    safe = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = (getattr(stream, "stream", stream) for stream in safe)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = safe


def silence_stdout() -> None:
    """Point stdout at /dev/null so Python's exit-time flush does not complain about the closed pipe."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # stdout replaced by something without a file descriptor (tests)
        pass
    finally:
        os.close(devnull)


if __name__ == "__main__":
    sys.exit(main())
