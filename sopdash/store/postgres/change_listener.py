"""Changes to the tickets as PostgreSQL announces them (LISTEN/NOTIFY), on the store's one connection.

A dashboard holds one connection: its queries and its LISTEN share it. A daemon thread waits for the socket to
become readable without holding the store's lock, then takes the lock and collects the announcements (psycopg keeps
those that arrive during another thread's query until they are collected). Each announcement's payload goes to
the `ChangeFeed`, which says which tickets to read again, and the dashboard's callbacks are called.

If the connection drops, the thread reconnects it every second, listens again and has the change log read from
the last sequence number seen, so no change made meanwhile is lost; until then `signature` reads the change log's
newest number. Behind a pooler in transaction mode (pgbouncer), LISTEN is accepted but nothing it listens for is
ever delivered: a probe sent over a second, short-lived connection finds that out when listening starts, and the
dashboard then reads the change log every `POLL_EVERY_S` instead (it costs one indexed query a second).
"""

from __future__ import annotations

import secrets
import select
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

import psycopg

from sopdash.core.errors import StoreError
from sopdash.store.postgres.change_feed import ChangeFeed
from sopdash.store.postgres.connection import checked_conninfo, first_line
from sopdash.store.postgres.schema import CHANNEL

if TYPE_CHECKING:
    from sopdash.store.postgres.pg_store import PostgresStore

RECONNECT_EVERY_S = 1.0
POLL_EVERY_S = 1.0
FIRST_CONNECTION_S = 5.0
PROBE_WAIT_S = 2.0
_WAIT_S = 0.2  # one wait on the socket: announcements kept during another thread's query are taken this often
POOLED = ("announcements do not come through this connection (a pooler in transaction mode?); "
          f"the change log is read every {POLL_EVERY_S:g} s instead")


class ChangeListener:
    """Listens on the store's connection in a background thread, feeding `feed`; reconnects by itself."""

    def __init__(self, store: PostgresStore, feed: ChangeFeed, poll: Callable[[], int]) -> None:
        """poll() reads the change log's newest sequence number: the fallback while not listening."""
        self._store = store
        self._feed = feed
        self._poll = poll
        self._count = 0
        self._lost: str | None = None
        self.pooled = False
        """Whether announcements never arrive here (a pooler), so the change log is polled for good."""
        self._listening_on: psycopg.Connection | None = None
        self._polled, self._polled_at = 0, -POLL_EVERY_S
        self._listeners: list[Callable[[], None]] = []
        self._stopping = threading.Event()
        self._tried = threading.Event()  # the first LISTEN was made, or failed
        self._thread = threading.Thread(target=self._run, name="sopdash-listen", daemon=True)
        self._thread.start()

    @property
    def lost(self) -> str | None:
        """Why announcements are not being heard (changes are polled meanwhile); None while listening."""
        return self._lost

    @property
    def hearing(self) -> bool:
        """Whether every change is announced to this store's connection right now."""
        return self._lost is None and not self.pooled and self._listening_on is self._store.current_connection()

    def signature(self) -> tuple[int, int, int]:
        """Changes whenever the tickets change: the count of announcements, or the polled change log.

        The first call waits for the first LISTEN, so that no change made after it goes unheard.
        """
        self._tried.wait(FIRST_CONNECTION_S)
        if self.hearing:
            return (0, self._count, 0)
        if time.monotonic() - self._polled_at >= POLL_EVERY_S:  # however often a dashboard asks
            self._polled, self._polled_at = self._poll(), time.monotonic()
        return (1, self._count, self._polled)

    def subscribe(self, callback: Callable[[], None]) -> None:
        """Call callback (in the listener's thread) on every announcement, and when the connection drops or returns."""
        self._listeners.append(callback)

    def stop(self) -> None:
        """End the thread within a second."""
        self._stopping.set()

    def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                conn = self._listen()
                if self.pooled:
                    self._stopping.wait(_WAIT_S)
                    continue
                select.select([conn.fileno()], [], [], _WAIT_S)
                self._collect(conn)
            except (psycopg.Error, StoreError, OSError, ValueError) as error:
                self._drop(first_line(error))
                self._stopping.wait(RECONNECT_EVERY_S)

    def _listen(self) -> psycopg.Connection:
        """The store's connection, listening: LISTEN again (and the change log read) if it is a new one."""
        with self._store.session() as conn:
            if conn is not self._listening_on:
                reconnected = self._listening_on is not None
                conn.execute(f"LISTEN {CHANNEL}")
                if not reconnected:
                    self.pooled = not announcements_heard(conn, self._store.url)
                self._listening_on = conn
                self._feed.missed()
                if reconnected and self._lost is None:  # another thread reconnected first: read what was missed
                    self._changed()
            if self._lost is not None or not self._tried.is_set():
                self._back()
            return conn

    def _collect(self, conn: psycopg.Connection) -> None:
        """Take the announcements that arrived, without waiting (with the store's lock: another thread may be using
        the connection, and psycopg keeps what arrives during its queries)."""
        heard = False
        with self._store.session() as current:
            if current is not conn:
                return
            for notify in conn.notifies(timeout=0.0):
                if notify.channel == CHANNEL:
                    self._feed.heard(notify.payload)
                    heard = True
        if heard:
            self._changed()

    def _changed(self) -> None:
        self._count += 1
        for callback in self._listeners:
            callback()

    def _back(self) -> None:
        was_lost = self._lost is not None
        self._lost = None
        self._tried.set()
        if was_lost:  # whatever happened while the line was down is read again
            self._changed()

    def _drop(self, reason: str) -> None:
        was_listening = self._lost is None and self._tried.is_set()
        self._lost = reason
        self._feed.missed()
        self._tried.set()
        if was_listening:
            self._changed()


def announcements_heard(conn: psycopg.Connection, url: str) -> bool:
    """Whether an announcement made over another connection to url reaches conn (not through a transaction pooler)."""
    channel = f"sopdash_probe_{secrets.token_hex(6)}"
    conn.execute(f"LISTEN {channel}")
    try:
        with psycopg.connect(checked_conninfo(url), autocommit=True) as other:
            other.execute(f"NOTIFY {channel}")
        deadline = time.monotonic() + PROBE_WAIT_S
        while time.monotonic() < deadline:
            if any(notify.channel == channel for notify in conn.notifies(timeout=0.1)):
                return True
        return False
    finally:
        conn.execute(f"UNLISTEN {channel}")
