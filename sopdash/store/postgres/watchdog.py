"""No statement waits on the network for ever: each runs under a deadline, and a connection whose statement outlives
it is cut (its socket shut down here), so the blocked call fails at once and the caller reconnects.

The server's own `statement_timeout` ends a slow statement first, with a clear message; the watchdog is for a line
that went silent (a NAT or load balancer dropping an idle connection, a blackhole), where no answer ever comes and
TCP keepalives may be answered by a middlebox.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg

TICK_S = 0.25


class Watchdog:
    """One thread for the process, watching every statement in flight."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._watched: dict[int, tuple[psycopg.Connection, float]] = {}
        self._thread: threading.Thread | None = None
        self._cut: set[int] = set()  # the connections this watchdog cut (their id), until asked

    @contextmanager
    def watching(self, conn: psycopg.Connection, seconds: float) -> Iterator[None]:
        """Cut conn if the block has not ended within seconds."""
        token = object()
        with self._lock:
            self._watched[id(token)] = (conn, time.monotonic() + seconds)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="sopdash-watchdog", daemon=True)
                self._thread.start()
        try:
            yield
        finally:
            with self._lock:
                del self._watched[id(token)]

    def _run(self) -> None:
        while True:
            time.sleep(TICK_S)
            now = time.monotonic()
            with self._lock:
                overdue = [conn for conn, deadline in self._watched.values() if deadline < now]
            for conn in overdue:
                with self._lock:
                    self._cut.add(id(conn))
                cut(conn)

    def was_cut(self, conn: psycopg.Connection) -> bool:
        """Whether conn failed because this watchdog cut it (asked once)."""
        with self._lock:
            if id(conn) in self._cut:
                self._cut.discard(id(conn))
                return True
            return False


def cut(conn: psycopg.Connection) -> None:
    """Shut the connection's socket down: whatever waits on it fails now, and the connection counts as broken."""
    try:
        fd = conn.pgconn.socket
    except psycopg.Error:
        return  # closed already
    try:
        with socket.socket(fileno=os.dup(fd)) as sock:
            sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


WATCHDOG = Watchdog()
