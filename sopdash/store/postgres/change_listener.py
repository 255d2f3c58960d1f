"""Changes to the tickets as PostgreSQL announces them (LISTEN/NOTIFY), with a poll only while the line is down.

A daemon thread holds its own connection listening on the tickets channel and counts the changes; a dashboard
compares that count instead of reading the table, and may also ask to be called at once on each change. Anyone
may NOTIFY any channel, so an announcement is checked against the change log (one index lookup for a burst of
them) and counts only if the log moved on: a flood of fake ones costs nothing. When nothing is announced for a
while the thread asks the log anyway (a heartbeat): a line that went silent is noticed within seconds, cut, said
(`lost`, and the `lost` callback), and reconnected every second; until it is back, the change log is polled in
the background, never on the caller's thread.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import psycopg
from psycopg.conninfo import make_conninfo

from sopdash.store.postgres.connection import LIMITS, RECONNECT_TIMEOUT_S, checked_conninfo, first_line
from sopdash.store.postgres.schema import CHANNEL
from sopdash.store.postgres.watchdog import WATCHDOG

RECONNECT_EVERY_S = 1.0
POLL_EVERY_S = 1.0
FIRST_CONNECTION_S = 5.0
HEARTBEAT_S = 2.0  # how long the line may stay quiet before the log is asked anyway
_WAIT_S = 0.5  # how long one wait for announcements lasts, so that `stop` is heard
_NEWEST = "SELECT sopdash.newest_change()"
APPLICATION = "sopdash-listen"  # how the listening session shows in pg_stat_activity


class ChangeListener:
    """Counts the announcements of ticket changes in a background thread; reconnects by itself."""

    def __init__(self, url: str, poll: Callable[[], int], lost: Callable[[], None] = lambda: None) -> None:
        """poll() reads the change log's newest sequence number: the fallback while not listening; lost() is called
        (in the listener's thread) when the line goes down."""
        self._conninfo = make_conninfo(checked_conninfo(url), application_name=APPLICATION,
                                       connect_timeout=RECONNECT_TIMEOUT_S)
        self._poll = poll
        self._on_lost = lost
        self._count = 0
        self._seen = -1  # the change log's newest sequence number when last asked
        self._lost: str | None = None
        self._polled, self._polled_at = 0, -POLL_EVERY_S
        self._polling = threading.Lock()
        self._listeners: list[Callable[[], None]] = []
        self._stopping = threading.Event()
        self._tried = threading.Event()  # the first connection was made, or failed
        self._thread = threading.Thread(target=self._run, name="sopdash-listen", daemon=True)
        self._thread.start()

    @property
    def lost(self) -> str | None:
        """Why the listening connection is down (changes are polled meanwhile); None while listening."""
        return self._lost

    def signature(self) -> tuple[int, int, int]:
        """Changes whenever the tickets change: the count of announcements, or the polled log while lost.

        The first call waits for the first connection, so that no change made after it goes unheard.
        """
        self._tried.wait(FIRST_CONNECTION_S)
        if self._lost is None:
            return (0, self._count, 0)
        if time.monotonic() - self._polled_at >= POLL_EVERY_S and self._polling.acquire(blocking=False):
            self._polled_at = time.monotonic()  # however often a dashboard asks, one poll at a time, in the background
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
        """Call callback (in the listener's thread) on every announcement, and when the connection drops or returns."""
        self._listeners.append(callback)

    def stop(self) -> None:
        """End the thread within a second."""
        self._stopping.set()

    def _run(self) -> None:
        while not self._stopping.is_set():
            conn = None
            try:
                with psycopg.connect(self._conninfo, autocommit=True) as conn:
                    with WATCHDOG.watching(conn, LIMITS["heartbeat"].watched_s):
                        conn.execute(f"LISTEN {CHANNEL}")
                        self._seen = self._newest(conn)
                    self._back()
                    while not self._stopping.is_set():
                        self._listen(conn)
            except psycopg.Error as error:
                silent = conn is not None and WATCHDOG.was_cut(conn)
                self._drop(f"no answer for {LIMITS['heartbeat'].watched_s:g} s" if silent else first_line(error))
                self._stopping.wait(RECONNECT_EVERY_S)

    def _listen(self, conn: psycopg.Connection) -> None:
        """Wait for announcements up to HEARTBEAT_S; then ask the change log whether anything really changed."""
        quiet_until = time.monotonic() + HEARTBEAT_S
        announced = False
        while not self._stopping.is_set() and time.monotonic() < quiet_until and not announced:
            announced = any(True for _ in conn.notifies(timeout=_WAIT_S, stop_after=1))
        with WATCHDOG.watching(conn, LIMITS["heartbeat"].watched_s):
            for _ in conn.notifies(timeout=0.001):
                pass  # the rest of a burst: one look at the log answers for all of them
            newest = self._newest(conn)
        if newest != self._seen:
            self._seen = newest
            self._changed()

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
        self._tried.set()
        if was_listening:
            self._on_lost()
            self._changed()
