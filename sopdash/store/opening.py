"""Opening the store a `--db` value names: a ticket file, or a PostgreSQL database given by URL."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from sopdash.clock import Clock, system_clock
from sopdash.store.archive import ARCHIVE_AFTER
from sopdash.store.lock import Notify
from sopdash.store.paths import is_postgres_url
from sopdash.store.presence import PresenceBoard
from sopdash.store.ticket_store import TicketStore

if TYPE_CHECKING:
    from sopdash.store.postgres.pg_store import PostgresStore
    from sopdash.store.postgres.presence import DatabasePresence


def store_exists(location: Path | str) -> bool:
    """True if there is a store at location already (a database always counts: `init-postgres` made it)."""
    if is_postgres_url(location):
        return True
    try:
        return Path(location).exists()
    except OSError:  # a name too long, a directory it may not look in: opening the store says which
        return True


def presence_board(
    store: TicketStore | PostgresStore, login: str, pid: int | None = None
) -> PresenceBoard | DatabasePresence:
    """Where the dashboard of process pid (this one by default) announces itself: files beside a store file, a
    table beside a database's tickets (there the login is the database role)."""
    if isinstance(store, TicketStore):
        return PresenceBoard(store.path, login, pid=pid)
    from sopdash.store.postgres.presence import DatabasePresence

    return DatabasePresence(store, pid=pid)


def open_store(
    location: Path | str,
    *,
    create: bool = False,
    clock: Clock = system_clock,
    archive_after: timedelta = ARCHIVE_AFTER,
    notify: Notify | None = None,
) -> TicketStore | PostgresStore:
    """The store at location; `create` makes a missing file store (a database is set up by `init-postgres`).

    clock and archive_after say which closed tickets are still in the working set; notify is the file store's
    (see `TicketStore`).
    """
    if is_postgres_url(location):
        from sopdash.store.postgres.pg_store import PostgresStore  # psycopg loads only for a database

        return PostgresStore(str(location), create=create, clock=clock, archive_after=archive_after)
    return TicketStore(Path(location), create=create, clock=clock, archive_after=archive_after, notify=notify)
