"""Presence on either backend: dashboards see each other, and announcing never touches the tickets."""

from __future__ import annotations

import os
from datetime import datetime, timezone

import psycopg
import pytest

from sopdash.core.model import Ticket
from sopdash.store.opening import open_store


def test_two_dashboards_see_each_other_and_leave(store_location: str) -> None:
    mine, theirs = open_store(store_location), open_store(store_location.replace("amara@", "bo@"))
    mine.add(lambda i: Ticket(id=i, subject="Printer jams", created_at=datetime(2026, 3, 2, tzinfo=timezone.utc)))
    before = mine.history()
    me, them = mine.presence_board("amara"), theirs.presence_board("bo", pid=os.getppid())  # a live process

    me.announce(1)
    them.announce(1, "reply")

    assert [(p.login, p.ticket_id, p.activity) for p in me.others()] == [("bo", 1, "reply")]
    assert [(p.login, p.ticket_id, p.activity) for p in them.others()] == [("amara", 1, "viewing")]
    them.leave()
    assert me.others() == []
    assert mine.history() == before


def test_a_technician_cannot_speak_for_another_on_postgresql(postgres_db) -> None:
    with psycopg.connect(postgres_db.url("amara"), autocommit=True) as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            conn.execute("INSERT INTO sopdash.presence (login, host, pid, activity) VALUES ('bo', 'h', 1, 'reply')")
