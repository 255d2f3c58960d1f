"""`store copy`: file → PostgreSQL → file gives back the same store, checked; a store with tickets is never overwritten."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import psycopg
import pytest

from sopdash.core import rules
from sopdash.core.errors import InputError
from sopdash.core.model import Requester
from sopdash.store.copying import contents, copy_store
from sopdash.store.opening import open_store

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=timezone.utc)


def closed_long_ago(ticket_id: int):
    created = NOW - timedelta(days=60 + ticket_id)
    ticket = rules.create(ticket_id, f"Old {ticket_id}", Requester("Ann", "ann@example.com"), created, "amara")
    ticket = rules.acknowledge(ticket, "amara", created + timedelta(hours=1), "Hello")
    ticket = rules.resolve(ticket, "amara", created + timedelta(days=1), "fixed")
    return rules.close(ticket, "amara", created + timedelta(days=2))


def a_store_with_history(path: Path):
    """A file store with archived months, live tickets, a gap in the ids and a few versions."""
    store = open_store(path, create=True, clock=lambda: NOW)
    store.add_many([closed_long_ago(n) for n in range(1, 6)])
    for n in range(3):
        store.add(lambda i: rules.create(i, f"Open {i}", Requester("Bo", "bo@example.com"), NOW, "amara"))
    store.update(7, lambda t: rules.note(t, "amara", NOW, "looking"))
    return store


def test_file_to_postgresql_to_file_gives_back_the_same_store(tmp_path, postgres_db) -> None:
    original = a_store_with_history(tmp_path / "tickets.json")
    database = open_store(postgres_db.admin_url, clock=lambda: NOW)
    back = open_store(tmp_path / "back" / "tickets.json", create=True, clock=lambda: NOW)

    copy_store(original, database)
    read, written = copy_store(database, back)

    assert written == contents(original) == read
    assert written.checksum == contents(original).checksum
    assert written.count == 8 and written.next_id == 9
    assert back.live() == original.live() and len(back.live()) == 3
    assert sorted(p.name for p in (tmp_path / "back" / "tickets.json.archive").iterdir()) == sorted(
        p.name for p in (tmp_path / "tickets.json.archive").iterdir()
    )


def test_ids_go_on_from_where_the_source_was(tmp_path, postgres_db) -> None:
    copy_store(a_store_with_history(tmp_path / "tickets.json"), open_store(postgres_db.admin_url))
    technician = open_store(postgres_db.url("amara"))

    added = technician.add(lambda i: rules.create(i, "New", Requester("Cy", "cy@example.com"), NOW, "amara"))

    assert added.id == 9


def test_a_destination_with_tickets_is_refused_and_left_as_it_was(tmp_path, postgres_db) -> None:
    source = a_store_with_history(tmp_path / "tickets.json")
    database = open_store(postgres_db.admin_url)
    database.add(lambda i: rules.create(i, "Already here", Requester("Di", "di@example.com"), NOW, "amara"))
    other = a_store_with_history(tmp_path / "other.json")
    before = contents(other)

    with pytest.raises(InputError, match="is not empty"):
        copy_store(source, database)
    with pytest.raises(InputError, match="is not empty"):
        copy_store(database, other)
    assert [t.subject for t in database.history()] == ["Already here"]
    assert contents(other) == before


def test_a_copy_into_postgresql_leaves_the_planner_its_statistics(tmp_path, postgres_db) -> None:
    copy_store(a_store_with_history(tmp_path / "tickets.json"), open_store(postgres_db.admin_url))

    with psycopg.connect(postgres_db.admin_url) as conn:
        counted = dict(conn.execute("SELECT relname, reltuples FROM pg_class WHERE relnamespace = 'sopdash'::regnamespace "
                                    "AND relname IN ('tickets', 'message_ids')").fetchall())
    assert counted == {"tickets": 8, "message_ids": 0}  # -1 until ANALYZE (or autovacuum, a minute or more later)
