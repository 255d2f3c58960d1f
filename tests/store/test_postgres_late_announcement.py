"""An announcement that reaches a dashboard only after its change was counted from the change log still has its
ticket read again (the server sends it once the connection is idle, which may be after the look at the log)."""

from __future__ import annotations

import threading
import time
from datetime import datetime, timezone

import orjson

from sopdash.core.model import Ticket
from sopdash.store.postgres import change_listener
from sopdash.store.postgres.change_listener import ChangeListener
from sopdash.store.postgres.pg_store import PostgresStore

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)


def test_a_change_announced_after_the_log_counted_it_is_read(postgres_db, monkeypatch) -> None:
    monkeypatch.setattr(change_listener, "HEARTBEAT_S", 60.0)  # no look at the log but the one the burst brings
    collected, newest = change_listener._collected, ChangeListener._newest
    written, held, looked = threading.Event(), [], threading.Event()

    def late(conn):
        """Keeps what arrives until both changes are written; then the one naming #2 until the log was looked at."""
        held.extend(collected(conn))
        if not written.is_set():
            return []
        given = [p for p in held if looked.is_set() or orjson.loads(p)[0][1] != 2]
        held[:] = [p for p in held if p not in given]
        return given

    def looking(conn):
        seq = newest(conn)
        if written.is_set():
            looked.set()
        return seq

    monkeypatch.setattr(change_listener, "_collected", late)
    monkeypatch.setattr(ChangeListener, "_newest", staticmethod(looking))
    mine, theirs = PostgresStore(postgres_db.url("amara"), clock=lambda: NOW), PostgresStore(postgres_db.url("bo"))
    theirs.add_many([Ticket(id=0, subject="one", created_at=NOW), Ticket(id=0, subject="two", created_at=NOW)])
    mine.subscribe(lambda: None)
    mine.signature()
    mine.live()

    theirs.update(1, lambda t: t.evolve(subject="one, changed"))
    theirs.update(2, lambda t: t.evolve(subject="two, changed"))
    written.set()

    deadline = time.monotonic() + 5
    while [t.subject for t in mine.live()] != ["one, changed", "two, changed"] and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [t.subject for t in mine.live()] == ["one, changed", "two, changed"]
    mine.close()
