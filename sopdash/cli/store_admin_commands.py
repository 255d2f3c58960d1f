"""`sopdash store …`: looking after the store itself — setting up a PostgreSQL database for a team."""

from __future__ import annotations

import argparse

from sopdash.cli.context import command_parent, settings_for, store_path_for
from sopdash.core.errors import InputError, StoreError
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
