"""Presence on PostgreSQL: which dashboards show which ticket, in a table beside the tickets.

The same announcements as the file store's `<store>.presence/` directory (see `sopdash.store.presence`), one
row per running dashboard. Row-level security lets every role read every row but write only its own, and
clear anyone's row gone stale. Freshness is judged on the server's clock, the one clock every office shares.
Presence never touches the tickets table, so it never bumps a version nor announces a change.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from sopdash.core.presence import STALE_AFTER_S, Presence
from sopdash.store.postgres.connection import LIMITS
from sopdash.store.presence import PresenceBoard

if TYPE_CHECKING:
    from sopdash.store.postgres.pg_store import PostgresStore

_FRESH = f"seen_at >= now() - interval '{STALE_AFTER_S} seconds'"


class DatabasePresence(PresenceBoard):
    """This dashboard's row in sopdash.presence, and everyone else's fresh ones (`announce` as on the file store)."""

    def __init__(
        self, store: PostgresStore, wall: Callable[[], float] = time.time, host: str | None = None, pid: int | None = None
    ) -> None:
        super().__init__(store.role(), wall, host, pid)  # the login is the database role
        self.store = store

    def _publish(self, entry: Presence) -> None:
        with self.store.session("presence") as conn, conn.transaction():
            conn.execute(LIMITS["presence"].set_local())
            conn.execute(
                "INSERT INTO sopdash.presence (host, pid, ticket_id, activity) VALUES (%s, %s, %s, %s) "
                "ON CONFLICT (login, host, pid) DO UPDATE SET seen_at = now(), ticket_id = EXCLUDED.ticket_id, "
                "activity = EXCLUDED.activity",
                (entry.host, entry.pid, entry.ticket_id, entry.activity),
            )

    def others(self) -> list[Presence]:
        """Every other dashboard's fresh row; stale rows are cleared."""
        with self.store.session("presence") as conn, conn.transaction():
            conn.execute(LIMITS["presence"].set_local())
            conn.execute("SELECT sopdash.clear_stale_presence()")
            rows = conn.execute(
                "SELECT login, host, pid, extract(epoch FROM seen_at)::float8, ticket_id, activity "
                f"FROM sopdash.presence WHERE {_FRESH} AND NOT (login = current_user AND host = %s AND pid = %s)",
                (self.host, self.pid),
            ).fetchall()
        return [Presence(*row) for row in rows]

    def leave(self) -> None:
        """Remove this dashboard's row (on exit; a crash leaves it to go stale)."""
        with self.store.session("presence") as conn:
            conn.execute("SELECT sopdash.leave_presence(%s, %s)", (self.host, self.pid))
        self._announced = None
