"""`--db` and `--config`, which the top level and every command take: cheap to import, so `sopdash --version`
loads nothing of the store or the settings."""

from __future__ import annotations

import argparse
from typing import Any

from sopdash.core.limits import MAX_TICKET_ID


def add_store_options(parser: argparse.ArgumentParser, default: Any = argparse.SUPPRESS) -> None:
    """`--db` and `--config`; subcommands repeat them with SUPPRESS so a value given before the command survives."""
    parser.add_argument(
        "--db",
        metavar="PATH|URL",
        default=default,
        help="the ticket store: a file, or postgresql://ROLE@HOST:PORT/DB (default: $SOPDASH_DB, config, data dir)",
    )
    parser.add_argument(
        "--config", metavar="PATH", default=default, help="the config file (default: $SOPDASH_CONFIG, config dir)"
    )


def command_parent() -> argparse.ArgumentParser:
    """A parent parser that lets `--db`/`--config` also follow a subcommand (`sopdash demo --db PATH`)."""
    parent = argparse.ArgumentParser(add_help=False)
    add_store_options(parent)
    return parent


def entries(text: str) -> int:
    """An argparse type for `--limit`: how many of the latest entries to show, a whole number of 0 or more."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{value} is below 0: give how many of the latest entries to show")
    return value


def ticket_id(text: str) -> int:
    """A ticket id as typed: `12` or `#12`."""
    try:
        value = int(text.removeprefix("#"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a ticket id like 12") from None
    if not 1 <= value <= MAX_TICKET_ID:
        raise argparse.ArgumentTypeError(f"{text!r} is not a ticket id like 12")
    return value
