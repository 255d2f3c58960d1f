"""`sopdash init`: create an empty ticket store where `--db`, the environment or the config point (never demo data)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sopdash.cli.context import settings_for, store_path_for
from sopdash.cli.options import command_parent
from sopdash.core.errors import InputError
from sopdash.store.opening import open_store
from sopdash.store.paths import is_postgres_url


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `init` to the command line."""
    init = subparsers.add_parser(
        "init", parents=[command_parent()], help="create an empty ticket store (never demo data)",
        description="Create an empty ticket store where --db, $SOPDASH_DB or the config's [store] point (else in the "
        "data dir). A location that already holds something is refused, never overwritten; a PostgreSQL store is set "
        "up with `sopdash store init-postgres`. `sopdash demo` writes a store with demo tickets instead.",
    )
    init.set_defaults(handler=create_store)


def create_store(args: argparse.Namespace) -> int:
    """Create an empty store; refuse a location that already holds something."""
    location = store_path_for(args, settings_for(args))
    if is_postgres_url(location):
        raise InputError("a PostgreSQL store is set up with `sopdash store init-postgres`")
    if already_there(Path(location)):
        raise InputError(
            f"{location} already exists; `sopdash init` only creates a new store (`sopdash check` looks at it)"
        )
    open_store(location, create=True)
    print(f"created an empty ticket store at {location}")
    return 0


def already_there(path: Path) -> bool:
    """Whether something is at path; a folder this login may not look in is for `open_store` to name, with its fix."""
    try:
        return path.exists()
    except PermissionError:
        return False


def offer_new_store(location: Path | str) -> None:
    """Ask the person at the terminal whether to create an empty store at location; create it if they agree."""
    if not sys.stdin.isatty():
        return
    try:
        answer = input(f"There is no ticket store at {location}.\nCreate an empty one there? [y/N] ")
    except EOFError:
        return
    if answer.strip().lower() in ("y", "yes"):
        open_store(location, create=True)
