"""Opening the store a `--db` value names: a ticket file, or a PostgreSQL database given by URL."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from sopdash.clock import Clock, system_clock
from sopdash.store.contract import ARCHIVE_AFTER, Store
from sopdash.store.paths import is_postgres_url

if TYPE_CHECKING:
    from sopdash.store.lock import Notify
    from sopdash.store.postgres.settings import DatabaseSettings
    from sopdash.store.settings_file import SettingsFile


def store_exists(location: Path | str) -> bool:
    """True if there is a store at location already (a database always counts: `init-postgres` made it)."""
    if is_postgres_url(location):
        return True
    try:
        return Path(location).exists()
    except OSError:  # a name too long, a directory it may not look in: opening the store says which
        return True


def open_store(
    location: Path | str,
    *,
    create: bool = False,
    clock: Clock = system_clock,
    archive_after: timedelta = ARCHIVE_AFTER,
    notify: Notify | None = None,
) -> Store:
    """The store at location (the only place that tells the backends apart, by the location's form); `create` makes a missing file store (a database is set up by `init-postgres`).

    clock and archive_after say which closed tickets are still in the working set; notify is the file store's
    (see `TicketStore`).
    """
    if is_postgres_url(location):
        from sopdash.store.postgres.pg_store import PostgresStore  # psycopg loads only for a database

        return PostgresStore(str(location), create=create, clock=clock, archive_after=archive_after)
    from sopdash.store.ticket_store import TicketStore  # the file store's modules load only for a file

    return TicketStore(Path(location), create=create, clock=clock, archive_after=archive_after, notify=notify)


def settings_backend_for(location: Path | str) -> SettingsFile | DatabaseSettings:
    """Where the desk's settings of the store at location are: the file beside a store file, or the database's table."""
    if is_postgres_url(location):
        from sopdash.store.postgres.settings import DatabaseSettings

        return DatabaseSettings(str(location))
    from sopdash.store.settings_file import SettingsFile

    return SettingsFile(Path(location))
