"""PostgreSQL's side of search: migration 8 indexes the tickets a database already holds, and the index is used."""

from __future__ import annotations

from datetime import datetime, timezone

import psycopg
import pytest

from sopdash.core.documents import json_bytes
from sopdash.core.model import Requester, Ticket
from sopdash.core.search import parse_search
from sopdash.store.postgres import schema
from sopdash.store.postgres.pg_store import PostgresStore
from sopdash.store.postgres.schema import init_postgres
from sopdash.store.postgres.search import search_sql

CREATED = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)


def test_migration_8_indexes_the_tickets_already_there(empty_postgres_db, monkeypatch: pytest.MonkeyPatch) -> None:
    ticket = Ticket(id=1, subject="Imprimante en panne", body="L'imprimante du café n'imprime plus",
                    requester=Requester("Zoë", "zoe@example.com"), created_at=CREATED)
    with psycopg.connect(empty_postgres_db.admin_url, autocommit=True) as conn:
        monkeypatch.setattr(schema, "MIGRATIONS", tuple(m for m in schema.MIGRATIONS if m[0] != 8))
        init_postgres(conn, ["amara"])
        monkeypatch.undo()
        conn.execute("INSERT INTO sopdash.tickets (id, version, doc) VALUES (1, 1, %s::json)", (json_bytes(ticket).decode(),))
        conn.execute("SELECT setval('sopdash.ticket_ids', 1)")
        assert "schema: applied migration 8 (" in "\n".join(init_postgres(conn))
        conn.execute("UPDATE sopdash.clock_policy SET max_skew = NULL")  # the tickets' times are fixed in the past
    store = PostgresStore(empty_postgres_db.url("amara"))
    try:
        assert [hit.id for hit in store.search(parse_search("CAFE imprimante", "amara"))] == [1]
        assert [hit.line for hit in store.search(parse_search("zoe", "amara"))] == ["Imprimante en panne"]
        store.add(lambda i: Ticket(id=i, subject="Café machine", created_at=CREATED))
        assert [hit.id for hit in store.search(parse_search("cafe", "amara"))] == [2, 1]
    finally:
        store.close()


def test_a_search_uses_the_gin_index(postgres_db) -> None:
    statement, params = search_sql(parse_search("printer", "amara"), None, None)
    with psycopg.connect(postgres_db.admin_url, autocommit=True) as conn:
        conn.execute("SET enable_seqscan = off")
        plan = "\n".join(row[0] for row in conn.execute(
            f"EXPLAIN {statement}", {**params, "cutoff": CREATED, "limit": 20}).fetchall())
    assert "tickets_search" in plan
