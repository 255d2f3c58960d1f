"""Opening the store a `--db` value names: a ticket file, or a PostgreSQL database given by URL."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from sopdash.clock import Clock, system_clock
from sopdash.store.archive import ARCHIVE_AFTER
from sopdash.store.lock import Notify
from sopdash.store.paths import is_postgres_url
from sopdash.store.ticket_store import TicketStore

if TYPE_CHECKING:
    from sopdash.store.postgres.pg_store import PostgresStore


def store_exists(location: Path | str) -> bool:
    """True if there is a store at location already (a database always counts: `init-postgres` made it)."""
    return is_postgres_url(location) or Path(location).exists()


def open_store(
    location: Path | str,
    *,
    create: bool = False,
    clock: Clock = system_clock,
    archive_after: timedelta = ARCHIVE_AFTER,
    notify: Notify | None = None,
) -> TicketStore | PostgresStore:
    """The store at location; `create` makes a missing file store (a database is set up by `init-postgres`).

    clock, archive_after and notify are the file store's (see `TicketStore`); a database keeps its history itself.
    """
    if is_postgres_url(location):
        from sopdash.store.postgres.pg_store import PostgresStore  # psycopg loads only for a database

        return PostgresStore(str(location), create=create)
    return TicketStore(Path(location), create=create, clock=clock, archive_after=archive_after, notify=notify)
