"""`sopdash store …`: looking after the store itself — its archive, setting up a PostgreSQL database for a team,
and copying a store between the two."""

from __future__ import annotations

import argparse
import os

from sopdash.cli.context import settings_for, store_for, store_on, store_path_for
from sopdash.cli.options import command_parent
from sopdash.clock import refuse_what_if
from sopdash.core.errors import InputError, StoreError
from sopdash.desk.identity import current_login
from sopdash.desk.settings import copy_settings
from sopdash.store.paths import resolve_store_path
from sopdash.store.copying import copy_store
from sopdash.store.paths import is_postgres_url


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `store` and its subcommands to the command line."""
    parent = command_parent()
    store = subparsers.add_parser("store", parents=[parent], help="look after the store itself")
    commands = store.add_subparsers(dest="store_command", required=True, title="commands", metavar="COMMAND")
    init = commands.add_parser(
        "init-postgres",
        parents=[parent],
        help="create or upgrade the sopdash schema and roles in a PostgreSQL database",
        description="Create (or bring up to date) the sopdash schema and the roles sopdash_technician and "
        "sopdash_manager in the database --db names, connected as its owner. Safe to run again; "
        "--technician and --manager add people (login roles without a password: PostgreSQL authenticates them).",
    )
    init.add_argument("--technician", action="append", default=[], metavar="LOGIN", help="a technician's role (repeatable)")
    init.add_argument("--manager", action="append", default=[], metavar="LOGIN", help="a manager's role (repeatable)")
    init.set_defaults(handler=init_postgres_command)
    archive = commands.add_parser(
        "archive", parents=[parent], help="move closed tickets older than store.archive_after to the archive now"
    )
    archive.set_defaults(handler=archive_store)
    migrate = commands.add_parser(
        "migrate", parents=[parent],
        help="bring an old store up to date: split a single-file one, move an archive to <store>.archive/",
    )
    migrate.set_defaults(handler=migrate_store)
    reindex = commands.add_parser(
        "reindex", parents=[parent], help="build the search index anew from every ticket (a file store's "
        "<store>.search.sqlite; a database keeps its own)",
    )
    reindex.set_defaults(handler=reindex_store)
    copy = commands.add_parser(
        "copy",
        parents=[parent],
        help="copy a whole store to a new one, file ⇄ PostgreSQL, and check the copy",
        description="Copy every ticket (live and archived, ids and versions kept), the next id, the kept mail "
        "(originals, attachments, held and rejected mail) and the mail log from SOURCE to DEST, each a file path "
        "or a postgresql:// URL; read the copy back and compare counts and SHA-256 checksums. DEST must be empty: "
        "a new file, or a database just set up by init-postgres (copy in as its owner, who alone may set where ids "
        "go on).",
    )
    copy.add_argument("source", metavar="SOURCE", help="the store to copy: a file or a postgresql:// URL")
    copy.add_argument("destination", metavar="DEST", help="an empty store: a new file or a postgresql:// URL")
    copy.set_defaults(handler=copy_command)


def archive_store(args: argparse.Namespace) -> int:
    """Move what is due to the archive and say how many moved."""
    store = store_for(args)
    moved = store.archive()
    print(f"moved {moved} closed ticket{'s' if moved != 1 else ''} of {store.location} to the archive")
    return 0


def reindex_store(args: argparse.Namespace) -> int:
    """Build the search index anew and say how many tickets it holds."""
    store = store_for(args)
    count = store.reindex()
    print(f"the search index of {store.location} holds {count} tickets" if count is not None else
          f"{store.location} keeps its search index itself; nothing to do")
    return 0


def migrate_store(args: argparse.Namespace) -> int:
    """Bring an old store up to date — split a single file, move its archive to the folder named after the whole
    file name — or say there is nothing to do."""
    store = store_for(args)
    if not store.upgrade():
        print(f"{store.location} is up to date; nothing to do")
        return 0
    print(f"{store.location} now holds {len(store.live())} live tickets; the rest are in its archive")
    return 0


def copy_command(args: argparse.Namespace) -> int:
    """Copy SOURCE into DEST and print what was copied and that the copy checks out."""
    refuse_what_if(os.environ)  # before DEST is made: its archive is sorted by the write clock
    settings = settings_for(args)
    source_path, destination_path = (resolve_store_path(given, {}, None) for given in (args.source, args.destination))
    source = store_on(source_path, settings)
    destination = store_on(destination_path, settings, create=True)
    read, _ = copy_store(source, destination)
    print(f"copied {read.describe()} from {source.location} to {destination.location}; the copy reads back identical")
    changes = copy_settings(source_path, destination_path, current_login())
    if changes:
        print(f"copied the desk's settings ({len(changes)} key{'s' if len(changes) != 1 else ''}); logged in the copy")
    return 0


def init_postgres_command(args: argparse.Namespace) -> int:
    """Set up the database and print what was done."""
    import psycopg

    from sopdash.store.postgres.connection import connect, first_line, shown_url
    from sopdash.store.postgres.schema import init_postgres

    location = store_path_for(args, settings_for(args))
    if not is_postgres_url(location):
        raise InputError(f"init-postgres needs a database: --db postgresql://OWNER@HOST:5432/DBNAME (got {location})")
    with connect(str(location)) as conn:
        try:
            lines = init_postgres(conn, args.technician, args.manager)
        except psycopg.Error as error:
            raise StoreError(f"{shown_url(str(location))}: {first_line(error)}; run this as the database's owner") from None
    print("\n".join(lines))
    return 0
