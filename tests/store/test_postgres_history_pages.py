"""History in pages on PostgreSQL reads only the page: through the index in history's order, never every ticket,
and the tickets a page shows in one read by id."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import psycopg
import pytest

from sopdash.core.model import Ticket
from sopdash.core.summary import newest_first, summary_of
from sopdash.store.postgres.history_pages import page_sql
from sopdash.store.postgres.pg_store import PostgresStore

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=timezone.utc)


def closed(subject: str, days_ago: int) -> Ticket:
    at = NOW - timedelta(days=days_ago)
    return Ticket(id=0, subject=subject, created_at=at - timedelta(days=2), status="closed", closed_at=at,
                  resolved_at=at, resolution="fixed", client_notified_at=at)


@pytest.fixture
def store(postgres_db, monkeypatch) -> PostgresStore:
    store = PostgresStore(postgres_db.url("amara"), clock=lambda: NOW)
    store.add_many([closed("a", 40), closed("b", 10), Ticket(id=0, subject="open", created_at=NOW - timedelta(days=9)),
                    closed("c", 10), closed("d", 10), closed("e", 300), Ticket(id=0, subject="new", created_at=NOW)])

    def whole_history(*args, **kwargs):
        raise AssertionError("a page of history read every ticket")

    def one_by_one(ticket_id):
        raise AssertionError("the tickets of a page were read one by one")

    monkeypatch.setattr(store, "history", whole_history)
    monkeypatch.setattr(store, "get", one_by_one)
    return store


def test_pages_follow_history_order_and_read_only_the_page(store) -> None:
    every = [summary_of(ticket) for ticket in PostgresStore.history(store)]
    expected, _ = newest_first(every, None, len(every))

    pages, cursor = [], None
    while True:
        page, cursor = store.history_page(cursor, 3)
        pages.append(page)
        if cursor is None:
            break

    assert [len(page) for page in pages] == [3, 3, 1]
    assert [summary for page in pages for summary in page] == expected
    assert [t.subject for t in store.tickets([7, 2, 404, 1])] == ["new", "b", "a"]


def test_a_page_is_read_through_the_index_in_history_order(postgres_db, store) -> None:
    statement, params = page_sql((NOW - timedelta(days=10), 4), 200)
    with psycopg.connect(postgres_db.url("amara")) as conn:
        conn.execute("SET enable_seqscan = off; SET enable_bitmapscan = off")  # as on a big table
        plan = "\n".join(row[0] for row in conn.execute(f"EXPLAIN {statement}", params))
    assert "tickets_history_order" in plan and "Sort" not in plan, plan
