"""A dashboard on PostgreSQL reads by id, not by scan: announcements name the changed tickets, the working set
and the history come through indexes and pages, and after a lost connection the change log fills the gap."""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone

import psycopg
import pytest

from sopdash.core.errors import StoreError
from sopdash.core.model import Ticket
from sopdash.store.postgres import pg_store
from sopdash.store.postgres.change_listener import announcements_heard
from sopdash.store.postgres.pg_store import _LIVE, PostgresStore
from sopdash.store.postgres.scale_migration import KEPT_CHANGES, PRUNE_EVERY

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)


def ticket(subject: str, closed_days_ago: int | None = None) -> Ticket:
    if closed_days_ago is None:
        return Ticket(id=0, subject=subject, created_at=NOW - timedelta(days=400))
    closed = NOW - timedelta(days=closed_days_ago)
    return Ticket(id=0, subject=subject, created_at=closed - timedelta(days=1), status="closed", closed_at=closed,
                  resolved_at=closed, resolution="fixed", client_notified_at=closed)


def wait_for(condition, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.02)
    return condition()


def quietly_rename(admin_url: str, ticket_id: int, subject: str) -> None:
    """Change a document behind every trigger's back (as no technician can): no change logged, none announced."""
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute("SET session_replication_role = replica")
        conn.execute("UPDATE sopdash.tickets SET doc = jsonb_set(doc::jsonb, '{subject}', to_jsonb(%s::text))::json "
                     "WHERE id = %s", (subject, ticket_id))


def test_an_announcement_names_the_sequence_and_the_ticket(postgres_db) -> None:
    store = PostgresStore(postgres_db.url("amara"))
    with psycopg.connect(postgres_db.url("bo"), autocommit=True) as listening:
        listening.execute("LISTEN sopdash_tickets")
        store.add_many([ticket("a"), ticket("b")])
        heard = [n.payload for n in listening.notifies(timeout=2, stop_after=1)]
    assert heard == ["[[1,1], [2,2]]"] or heard == ["[[1, 1], [2, 2]]"]


def test_a_dashboard_reads_again_only_the_ticket_a_change_names(postgres_db) -> None:
    mine, theirs = PostgresStore(postgres_db.url("amara"), clock=lambda: NOW), PostgresStore(postgres_db.url("bo"))
    theirs.add_many([ticket("first"), ticket("second")])
    mine.subscribe(lambda: None)
    mine.signature()
    assert [t.subject for t in mine.live()] == ["first", "second"]

    quietly_rename(postgres_db.admin_url, 2, "renamed unannounced")
    theirs.update(1, lambda t: t.evolve(subject="first, changed"))

    assert wait_for(lambda: mine.live()[0].subject == "first, changed")
    assert [t.subject for t in mine.live()] == ["first, changed", "second"]  # #2 was not read again


def test_changes_missed_while_the_connection_was_down_are_all_applied(postgres_db) -> None:
    mine, theirs = PostgresStore(postgres_db.url("amara"), clock=lambda: NOW), PostgresStore(postgres_db.url("bo"))
    theirs.add_many([ticket("a"), ticket("b"), ticket("c")])
    mine.subscribe(lambda: None)
    before = mine.signature()
    mine.live()

    with psycopg.connect(postgres_db.admin_url, autocommit=True) as conn:
        conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = 'amara'")
    theirs.update(1, lambda t: t.evolve(subject="a, changed"))
    theirs.update(3, lambda t: t.evolve(subject="c, changed"))
    theirs.add(lambda i: Ticket(id=i, subject="d", created_at=NOW))
    for _ in range(2):  # this thread finds the connection gone and reconnects, perhaps before the listener notices
        try:
            mine.get(2)
        except StoreError:
            pass  # the first use of a dead connection says so; the next one reconnects

    assert wait_for(lambda: mine.signature() != before)  # so a dashboard reads again, with no further change
    assert wait_for(lambda: mine.connection_lost is None and mine.live()[-1].subject == "d")
    assert [t.subject for t in mine.live()] == ["a, changed", "b", "c, changed", "d"]


def test_a_reader_without_announcements_follows_the_change_log(postgres_db) -> None:
    mine, theirs = PostgresStore(postgres_db.url("amara"), clock=lambda: NOW), PostgresStore(postgres_db.url("bo"))
    theirs.add_many([ticket("a"), ticket("b")])
    mine.live()
    mine.live()  # the changes just before the first read are read once more, in case one had not committed
    quietly_rename(postgres_db.admin_url, 2, "renamed unannounced")

    theirs.update(1, lambda t: t.evolve(subject="a, changed"))

    assert [t.subject for t in mine.live()] == ["a, changed", "b"]


def test_the_change_log_is_pruned_and_a_reader_behind_it_reads_everything_again(postgres_db) -> None:
    mine, theirs = PostgresStore(postgres_db.url("amara"), clock=lambda: NOW), PostgresStore(postgres_db.url("bo"))
    theirs.add_many([ticket("a"), ticket("b")])
    mine.live()
    quietly_rename(postgres_db.admin_url, 2, "renamed while far behind")
    with psycopg.connect(postgres_db.admin_url, autocommit=True) as conn:
        conn.execute("SELECT setval('sopdash.changes_seq_seq', %s)", (KEPT_CHANGES + 3 * PRUNE_EVERY - 1,))

    theirs.update(1, lambda t: t.evolve(subject="a, changed"))

    with psycopg.connect(postgres_db.admin_url) as conn:
        assert conn.execute("SELECT array_agg(seq) FROM sopdash.changes").fetchone()[0] == [KEPT_CHANGES + 3 * PRUNE_EVERY]
    assert [t.subject for t in mine.live()] == ["a, changed", "renamed while far behind"]


def test_the_working_set_is_read_through_indexes(postgres_db) -> None:
    PostgresStore(postgres_db.url("amara")).add_many([ticket("open"), ticket("closed long ago", 200)])
    with psycopg.connect(postgres_db.url("amara")) as conn:
        conn.execute("SET enable_seqscan = off")
        plan = "\n".join(row[0] for row in conn.execute(f"EXPLAIN SELECT id, doc FROM sopdash.tickets WHERE {_LIVE}",
                                                        {"cutoff": NOW - timedelta(days=30)}))
    assert "Seq Scan" not in plan, plan


def test_the_working_set_and_the_history_are_as_before_read_in_pages(postgres_db, monkeypatch) -> None:
    monkeypatch.setattr(pg_store, "PAGE", 2)
    store = PostgresStore(postgres_db.url("amara"), clock=lambda: NOW)
    store.add_many([ticket("open"), ticket("closed long ago", 200), ticket("closed lately", 3), ticket("open too"),
                    ticket("closed long ago too", 300)])
    told: list[tuple[int, int]] = []

    assert [t.subject for t in store.live()] == ["open", "closed lately", "open too"]
    assert len(store.history(progress=lambda done, total: told.append((done, total)))) == 5
    assert told == [(2, 5), (4, 5), (5, 5)]
    assert [t.id for t in store.history(NOW - timedelta(days=250))] == [1, 2, 3, 4]
    assert "tickets: 5 (0 invalid)" in store.check()


def test_a_ticket_closed_long_ago_leaves_the_working_set_when_it_changes(postgres_db) -> None:
    mine, theirs = PostgresStore(postgres_db.url("amara"), clock=lambda: NOW), PostgresStore(postgres_db.url("bo"))
    theirs.add_many([ticket("open")])
    mine.live()
    long_ago = NOW - timedelta(days=90)
    theirs.update(1, lambda t: t.evolve(status="resolved", resolved_at=long_ago, resolution="fixed",
                                        client_notified_at=long_ago))
    theirs.update(1, lambda t: t.evolve(status="closed", closed_at=long_ago))
    assert mine.live() == []


def test_announcements_are_heard_on_a_direct_connection(postgres_db) -> None:
    with psycopg.connect(postgres_db.url("amara"), autocommit=True) as conn:
        assert announcements_heard(conn, postgres_db.url("amara"))
    assert not any(line.startswith("warning: announcements") for line in PostgresStore(postgres_db.url("amara")).check())
