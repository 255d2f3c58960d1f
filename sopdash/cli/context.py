"""What every command needs from the command line and the environment: settings, the store, and a Desk."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from sopdash.clock import clock_from_env, refuse_what_if, write_clock
from sopdash.config import Settings, load_settings
from sopdash.core.errors import StoreError
from sopdash.core.text import one_line
from sopdash.desk import Desk
from sopdash.desk.identity import current_login
from sopdash.store import Store, resolve_store_path
from sopdash.store.opening import open_store, store_exists
from sopdash.store.paths import is_postgres_url


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


def settings_for(args: argparse.Namespace) -> Settings:
    """The config in effect: `--config`, else $SOPDASH_CONFIG, else the per-user file."""
    return load_settings(args.config, os.environ)


def store_path_for(args: argparse.Namespace, settings: Settings) -> Path | str:
    """The store in effect: `--db`, else $SOPDASH_DB, else the config's store.url or store.path, else the data dir."""
    return resolve_store_path(args.db, os.environ, settings.store_location)


def store_on(location: Path | str, settings: Settings, create: bool = False) -> Store:
    """The store at location, archiving by the config, and saying on stderr what it does or waits for.

    A file store reads its clock only as it writes (what is due for the archive), so it gets the write clock; a
    database picks its working set by the clock, which SOPDASH_NOW may fix for a what-if question."""
    clock = clock_from_env(os.environ) if is_postgres_url(location) else write_clock(os.environ)
    return open_store(location, create=create, clock=clock, archive_after=settings.archive_after, notify=tell)


def tell(message: str) -> None:
    """A line on stderr beside a command's output: what the store did or waits for."""
    print(f"sopdash: {message}", file=sys.stderr, flush=True)


def store_for(args: argparse.Namespace, create: bool = False) -> Store:
    """The store the command line, environment and config point at."""
    settings = settings_for(args)
    return store_on(store_path_for(args, settings), settings, create=create)


def desk_on(path: Path | str, settings: Settings, create: bool = False) -> Desk:
    """A Desk on the store at path: it reads by the clock SOPDASH_NOW may fix and stamps writes with the system
    clock, refusing them while SOPDASH_NOW is set (`sopdash.clock`).

    On a file the technician is the OS login and the config's roster says who is a manager; on
    PostgreSQL the technician is the database role and the database says whether it is a manager.
    """
    if not (create or store_exists(path)):
        # Not `sopdash demo`: what is missing may be a real store on a path typed wrong.
        raise StoreError(f"no ticket store at {path}; create an empty one with `sopdash init --db {path}`")
    if create:  # only a command that writes creates the store
        refuse_what_if(os.environ)
    clock, stamp = clock_from_env(os.environ), write_clock(os.environ)
    store = store_on(path, settings, create=create)
    if not hasattr(store, "role"):
        return Desk(store, settings.policy, settings.roster, current_login(), clock, mail=settings.mail, stamp=stamp)
    role = store.role()
    roster = settings.roster.with_manager(role, store.is_manager())
    return Desk(store, settings.policy, roster, role, clock, mail=settings.mail, stamp=stamp)


def open_desk(args: argparse.Namespace, create: bool = False) -> Desk:
    """A Desk on the store the command line, environment and config point at."""
    settings = settings_for(args)
    return desk_on(store_path_for(args, settings), settings, create=create)


def warn(message: str) -> None:
    """One warning line on stderr; the command goes on."""
    print(f"sopdash: warning: {one_line(message)}", file=sys.stderr)
