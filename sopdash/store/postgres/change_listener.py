"""Changes to the tickets as PostgreSQL announces them (LISTEN/NOTIFY), with a poll only while the line is down.

A daemon thread holds its own connection listening on the tickets channel and counts the
announcements; a dashboard compares that count instead of reading the table, and may also ask to be
called at once on each announcement. If the connection drops, the thread reconnects by itself every
second; until it is back, `signature` falls back to reading the newest entry of the change log.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import psycopg

from sopdash.store.postgres.connection import checked_conninfo, first_line
from sopdash.store.postgres.schema import CHANNEL

RECONNECT_EVERY_S = 1.0
POLL_EVERY_S = 1.0
FIRST_CONNECTION_S = 5.0
_WAIT_S = 1.0  # how long one wait for announcements lasts, so that `stop` is heard


class ChangeListener:
    """Counts the announcements of ticket changes in a background thread; reconnects by itself."""

    def __init__(self, url: str, poll: Callable[[], int]) -> None:
        """poll() reads the change log's newest sequence number: the fallback while not listening."""
        self._conninfo = checked_conninfo(url)
        self._poll = poll
        self._count = 0
        self._lost: str | None = None
        self._polled, self._polled_at = 0, -POLL_EVERY_S
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
                with psycopg.connect(self._conninfo, autocommit=True) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    self._back()
                    while not self._stopping.is_set():
                        for _ in conn.notifies(timeout=_WAIT_S):
                            self._changed()
            except psycopg.Error as error:
                self._drop(first_line(error))
                self._stopping.wait(RECONNECT_EVERY_S)

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
            self._changed()
