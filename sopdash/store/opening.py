"""Opening the store a `--db` value names: a ticket file, or a PostgreSQL database given by URL."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sopdash.store.paths import is_postgres_url
from sopdash.store.ticket_store import TicketStore

if TYPE_CHECKING:
    from sopdash.store.postgres.pg_store import PostgresStore


def store_exists(location: Path | str) -> bool:
    """True if there is a store at location already (a database always counts: `init-postgres` made it)."""
    return is_postgres_url(location) or Path(location).exists()


def open_store(location: Path | str, *, create: bool = False) -> TicketStore | PostgresStore:
    """The store at location; `create` makes a missing file store (a database is set up by `init-postgres`)."""
    if is_postgres_url(location):
        from sopdash.store.postgres.pg_store import PostgresStore  # psycopg loads only for a database

        return PostgresStore(str(location), create=create)
    return TicketStore(Path(location), create=create)
