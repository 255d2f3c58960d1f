"""Changes to the tickets as PostgreSQL announces them (LISTEN/NOTIFY), on the store's one connection.

A dashboard holds one connection: its queries and its LISTEN share it. A daemon thread waits for the socket to
become readable without holding the store's lock, then takes the lock and collects the announcements (psycopg keeps
those that arrive during another thread's query until they are collected).

Anyone may NOTIFY any channel, so what is heard is only a hint: after a burst of announcements, and after
`HEARTBEAT_S` of quiet, the thread asks the change log for its newest sequence number (one index lookup). Only if
the log moved on do the announcements' `[seq, ticket_id]` pairs (those the log can hold) go to the `ChangeFeed` and
the dashboard's callbacks get called: a flood of fake ones costs nothing. The heartbeat also finds a line that went
silent: it runs under the watchdog, and if the connection is busy with another thread's statement for longer than
that, a short-lived second connection asks instead. A silent line is cut, said (`lost`, and the `lost` callback),
and reconnected every second; the change log is then read from the last sequence number accounted for, so no
change made meanwhile is lost. Until then `signature` polls the change log in the background, never on the
caller's thread.

Behind a pooler in transaction mode (pgbouncer), LISTEN is accepted but nothing it listens for is ever delivered:
a probe sent over a second, short-lived connection finds that out when listening starts, and the dashboard then
reads the change log every `POLL_EVERY_S` instead (it costs one indexed query a second).
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
from sopdash.store.postgres.connection import LIMITS, RECONNECT_TIMEOUT_S, connect, first_line
from sopdash.store.postgres.schema import CHANNEL
from sopdash.store.postgres.watchdog import WATCHDOG

if TYPE_CHECKING:
    from sopdash.store.postgres.pg_store import PostgresStore

RECONNECT_EVERY_S = 1.0
POLL_EVERY_S = 1.0
FIRST_CONNECTION_S = 5.0
HEARTBEAT_S = 2.0  # how long the line may stay quiet before the change log is asked anyway
PROBE_WAIT_S = 2.0
_WAIT_S = 0.2  # one wait on the socket: announcements kept during another thread's query are taken this often
_NEWEST = "SELECT sopdash.newest_change()"
POOLED = ("announcements do not come through this connection (a pooler in transaction mode?); "
          f"the change log is read every {POLL_EVERY_S:g} s instead")


class ChangeListener:
    """Listens on the store's connection in a background thread, feeding `feed`; reconnects by itself."""

    def __init__(self, store: PostgresStore, feed: ChangeFeed, poll: Callable[[], int],
                 lost: Callable[[], None] = lambda: None) -> None:
        """poll() reads the change log's newest sequence number: the fallback while not listening; lost() is called
        (in the listener's thread) when the line goes down."""
        self._store = store
        self._feed = feed
        self._poll = poll
        self._on_lost = lost
        self._count = 0
        self._seen = -1  # the change log's newest sequence number when last asked
        self._lost: str | None = None
        self.pooled = False
        """Whether announcements never arrive here (a pooler), so the change log is polled for good."""
        self._listening_on: psycopg.Connection | None = None
        self._polled, self._polled_at = 0, -POLL_EVERY_S
        self._polling = threading.Lock()
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
        """Changes whenever the tickets change: the count of changes heard, or the polled change log.

        The first call waits for the first LISTEN, so that no change made after it goes unheard; after that it never
        waits on the network (the poll runs in the background, one at a time, however often a dashboard asks).
        """
        self._tried.wait(FIRST_CONNECTION_S)
        if self.hearing:
            return (0, self._count, 0)
        if time.monotonic() - self._polled_at >= POLL_EVERY_S and self._polling.acquire(blocking=False):
            self._polled_at = time.monotonic()
            threading.Thread(target=self._poll_once, name="sopdash-poll", daemon=True).start()
        return (1, self._count, self._polled)

    def _poll_once(self) -> None:
        try:
            self._polled = self._poll()
        except Exception:  # noqa: BLE001 - the line is down: the next poll tries again
            pass
        finally:
            self._polling.release()

    def subscribe(self, callback: Callable[[], None]) -> None:
        """Call callback (in the listener's thread) on every change, and when the connection drops or returns."""
        self._listeners.append(callback)

    def stop(self) -> None:
        """End the thread within a second."""
        self._stopping.set()

    def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                conn = self._listen()
                self._heartbeat(conn, self._wait(conn))
            except (psycopg.Error, StoreError, OSError, ValueError) as error:
                self._drop(first_line(error))
                self._stopping.wait(RECONNECT_EVERY_S)

    def _listen(self) -> psycopg.Connection:
        """The store's connection, listening: LISTEN again (and the change log read) if it is a new one."""
        conn = self._store.current_connection()
        if conn is self._listening_on and self._lost is None and self._tried.is_set():
            return conn  # as it was: no need to wait for the connection (another thread may be using it)
        with self._store.session("heartbeat") as conn:
            if conn is not self._listening_on:
                reconnected = self._listening_on is not None
                conn.execute(f"LISTEN {CHANNEL}")
                if not reconnected:
                    self.pooled = not announcements_heard(conn, self._store.url)
                self._seen = self._newest(conn)
                self._listening_on = conn
                self._feed.missed()
                if reconnected and self._lost is None:  # another thread reconnected first: read what was missed
                    self._changed()
            if self._lost is not None or not self._tried.is_set():
                self._back()
            return conn

    def _wait(self, conn: psycopg.Connection) -> list[str]:
        """The payloads announced within HEARTBEAT_S (returning at the first burst); none behind a pooler."""
        quiet_until = time.monotonic() + HEARTBEAT_S
        payloads: list[str] = []
        while not payloads and not self._stopping.is_set() and time.monotonic() < quiet_until:
            if self.pooled:
                self._stopping.wait(_WAIT_S)
                continue
            if conn is not self._store.current_connection() or conn.closed:
                break  # another thread reconnected: the heartbeat hands over to the next round
            select.select([conn.fileno()], [], [], _WAIT_S)
            session = self._store.session_if_free("heartbeat")
            if session is not None:  # if the connection is busy, what arrives waits for the next look
                with session as current:
                    if current is not conn:
                        break
                    payloads = _collected(conn)
        return payloads

    def _heartbeat(self, conn: psycopg.Connection, payloads: list[str]) -> None:
        """Ask the change log whether anything really changed; if so, pass the announcements on as hints.

        If another thread's statement keeps the connection busy past the heartbeat's limit, the server is asked
        over a short-lived connection instead: no answer there means the line is down (the busy statement is cut,
        through the `lost` callback); an answer means that statement is merely long."""
        session = self._store.session_if_free("heartbeat", wait_s=LIMITS["heartbeat"].statement_s)
        if session is None:
            newest = self._probe()
        else:
            with session as current:
                if current is not conn:
                    return  # reconnected meanwhile: the next round listens on the new connection
                payloads += _collected(conn)
                newest = self._newest(conn)
        if newest != self._seen:
            self._seen = newest
            for payload in payloads:
                self._feed.heard(payload, newest)
            if not payloads:  # a change found by the heartbeat alone (an announcement lost, or behind a pooler)
                self._feed.missed()
            self._changed()
        elif [payload for payload in payloads if self._feed.heard(payload, newest)]:
            # announced late: a change the last look at the log counted already, its announcement collected after
            # that look (the server sends it once the connection is idle); one that names nothing new costs nothing
            self._changed()

    def _probe(self) -> int:
        """The change log's newest sequence number, over a short-lived connection."""
        try:
            with connect(self._store.url, timeout_s=RECONNECT_TIMEOUT_S) as other:
                with WATCHDOG.watching(other, LIMITS["heartbeat"].watched_s):
                    return self._newest(other)
        except psycopg.Error:
            raise StoreError(f"no answer for {LIMITS['heartbeat'].watched_s:g} s") from None

    @staticmethod
    def _newest(conn: psycopg.Connection) -> int:
        return conn.execute(_NEWEST).fetchone()[0]

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
            self._on_lost()
            self._changed()


def _collected(conn: psycopg.Connection) -> list[str]:
    """The payloads of the announcements on our channel that psycopg holds for conn, taken without waiting."""
    return [notify.payload for notify in conn.notifies(timeout=0.0) if notify.channel == CHANNEL]


def announcements_heard(conn: psycopg.Connection, url: str) -> bool:
    """Whether an announcement made over another connection to url reaches conn (not through a transaction pooler)."""
    channel = f"sopdash_probe_{secrets.token_hex(6)}"
    conn.execute(f"LISTEN {channel}")
    try:
        with connect(url) as other:
            other.execute(f"NOTIFY {channel}")
        deadline = time.monotonic() + PROBE_WAIT_S
        while time.monotonic() < deadline:
            if any(notify.channel == channel for notify in conn.notifies(timeout=0.1)):
                return True
        return False
    finally:
        conn.execute(f"UNLISTEN {channel}")
