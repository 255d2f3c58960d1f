"""What every command needs from the command line and the environment: settings, the store, and a Desk."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from sopdash.clock import clock_from_env, write_clock
from sopdash.config import Settings, load_settings
from sopdash.core.errors import StoreError
from sopdash.core.text import one_line
from sopdash.desk import Desk
from sopdash.desk.identity import current_login
from sopdash.desk.settings import DeskSettings, read_desk_settings
from sopdash.store.contract import Store
from sopdash.store.paths import STORE_ENV, is_postgres_url, resolve_store_path
from sopdash.store.opening import open_store, store_exists


def settings_for(args: argparse.Namespace) -> Settings:
    """The settings in effect: the technician's config (`--config`, else $SOPDASH_CONFIG, else the per-user file)
    with the desk's policy from the settings beside the store in effect; its notes said on a terminal's stderr
    (`config`, `check` and the dashboard say them always; a script or the MTA is not told on every run)."""
    db = getattr(args, "db", None)
    settings = load_settings(
        args.config, os.environ, lambda own_store: read_desk_settings(resolve_store_path(db, os.environ, own_store))
    )
    if sys.stderr.isatty():
        for note in settings.notes:
            tell(note)
    return settings


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


def desk_on(path: Path | str, settings: Settings) -> Desk:
    """A Desk on the store at path: it reads by the clock SOPDASH_NOW may fix and stamps writes with the system
    clock, refusing them while SOPDASH_NOW is set (`sopdash.clock`).

    On a file the technician is the OS login and the config's roster says who is a manager; on
    PostgreSQL the technician is the database role and the database says whether it is a manager.
    """
    if not store_exists(path):
        # Only `init`, `demo` and `store copy` create a store: what is missing may be a real one on a path typed wrong.
        raise StoreError(f"no ticket store at {path}; create an empty one with `sopdash init --db {path}`")
    clock, stamp = clock_from_env(os.environ), write_clock(os.environ)
    store = store_on(path, settings)
    actor, manager = store.actor(current_login()), store.manager_rights()
    roster = settings.roster if manager is None else settings.roster.with_manager(actor, manager)
    return Desk(
        store, settings.policy, roster, actor, clock, mail=settings.mail, settings=DeskSettings(path), stamp=stamp,
        templates=settings.templates,
        courtesy=settings.courtesy, satisfaction=settings.satisfaction,
    )


def open_desk(args: argparse.Namespace) -> Desk:
    """A Desk on the store the command line, environment and config point at."""
    settings = settings_for(args)
    return desk_on(store_path_for(args, settings), settings)


def warn(message: str) -> None:
    """One warning line on stderr; the command goes on."""
    print(f"sopdash: warning: {one_line(message)}", file=sys.stderr)
