"""Kept mail on PostgreSQL: the originals and attachments, the mail log and the one-sender outbox lock, in the
database beside the tickets (the file store keeps them in `<store>.files/`, see `sopdash.store.kept_files`).

Kept mail is exactly as private as the tickets: the same roles read it. Technicians may add to the mail log
but never change or remove a line of it. One sender at a time is a PostgreSQL advisory lock, which the server
releases by itself if the sender dies.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from psycopg.types.json import Jsonb

from sopdash.core.errors import StoreError

if TYPE_CHECKING:
    from sopdash.store.postgres.pg_store import PostgresStore

SENDING_LOCK = 0x5E_4D_A1  # advisory lock key of the outbox
_RETRY_S = 0.05


class DatabaseFiles:
    """`KeptFiles` for a store in PostgreSQL: names relative to the store, as in the folder beside a file."""

    def __init__(self, store: PostgresStore) -> None:
        self.store = store

    def keep(self, relative: str, data: bytes, durable: bool = True) -> str:
        """Keep data under relative (replacing what was kept there); returns relative. Always durable: the database
        commits it (in the transaction this thread has open, if any)."""
        with self.store.session() as conn:
            conn.execute(
                "INSERT INTO sopdash.kept_files (relative, data) VALUES (%s, %s) "
                "ON CONFLICT (relative) DO UPDATE SET data = EXCLUDED.data, kept_at = now(), kept_by = session_user",
                (relative, data),
            )
        return relative

    def append(self, relative: str, data: bytes) -> None:
        """Add data to the end of what was kept under relative."""
        with self.store.session() as conn:
            added = conn.execute(
                "UPDATE sopdash.kept_files SET data = data || %s, kept_at = now(), kept_by = session_user "
                "WHERE relative = %s", (data, relative)
            ).rowcount
        if not added:
            raise StoreError(f"{self.store.location} keeps nothing under {relative!r} to add to")

    def read(self, relative: str) -> bytes:
        """What was kept under relative."""
        data = self.find(relative)
        if data is None:
            raise StoreError(f"{self.store.location} keeps nothing under {relative!r}")
        return data

    def find(self, relative: str) -> bytes | None:
        """What was kept under relative, None if nothing was."""
        with self.store.session() as conn:
            row = conn.execute("SELECT data FROM sopdash.kept_files WHERE relative = %s", (relative,)).fetchone()
        return None if row is None else bytes(row[0])

    def owner(self, relative: str) -> str | None:
        """The role that last wrote what is kept under relative, None if nothing is."""
        with self.store.session() as conn:
            row = conn.execute("SELECT kept_by FROM sopdash.kept_files WHERE relative = %s", (relative,)).fetchone()
        return None if row is None else row[0]

    def append_log(self, record: dict) -> None:
        """Add one record to the mail log."""
        with self.store.session() as conn:
            conn.execute("INSERT INTO sopdash.mail_log (record) VALUES (%s)", (Jsonb(record),))

    def names(self) -> list[str]:
        """Every kept file's name, sorted."""
        with self.store.session() as conn:
            return [row[0] for row in conn.execute("SELECT relative FROM sopdash.kept_files ORDER BY relative COLLATE \"C\"")]

    def read_log(self, limit: int | None = None) -> list[dict]:
        """The last `limit` records of the mail log (all without one), oldest first."""
        with self.store.session() as conn:
            rows = conn.execute(
                "SELECT record FROM (SELECT seq, record FROM sopdash.mail_log ORDER BY seq DESC LIMIT %s) AS last "
                "ORDER BY seq", (limit,)
            ).fetchall()
        return [row[0] for row in rows]

    @contextmanager
    def intake_turn(self) -> Iterator[None]:
        """Mail intakes take turns already: `PostgresStore.transact_by_id` runs one at a time, and a technician's
        action waits only for the row it changes."""
        yield

    @contextmanager
    def sending(self, timeout: float) -> Iterator[bool]:
        """Whether this process may deliver the outbox now: one sender at a time, so no message goes twice."""
        deadline = time.monotonic() + timeout
        while not self._try_lock():
            if time.monotonic() >= deadline:
                yield False
                return
            time.sleep(_RETRY_S)
        try:
            yield True
        finally:
            with self.store.session() as conn:
                conn.execute("SELECT pg_advisory_unlock(%s)", (SENDING_LOCK,))

    def _try_lock(self) -> bool:
        with self.store.session() as conn:
            return bool(conn.execute("SELECT pg_try_advisory_lock(%s)", (SENDING_LOCK,)).fetchone()[0])
