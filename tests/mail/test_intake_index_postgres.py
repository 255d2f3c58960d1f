"""On PostgreSQL, intake looks Message-IDs up in a table with a unique key, filled from the tickets' documents
whenever tickets arrive in bulk, and never reads the history nor locks the table."""

from __future__ import annotations

from datetime import datetime, timezone

import psycopg

from sopdash.clock import fixed_clock
from sopdash.desk.intake import Intake
from sopdash.mail.settings import MailSettings
from sopdash.store.ticket_store import TicketStore
from sopdash.store.copying import copy_store
from sopdash.store.postgres.message_index import DatabaseMailIndex
from sopdash.store.postgres.pg_store import PostgresStore

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=timezone.utc)
SETTINGS = MailSettings(address="help@desk.example.org", sendmail=("/bin/true",))


def message(message_id: str, sender: str = "ann@example.com", subject: str = "Laptop will not boot") -> bytes:
    return (
        f"From: Ann <{sender}>\nTo: help@desk.example.org\nSubject: {subject}\nMessage-ID: {message_id}\n"
        "Content-Type: text/plain; charset=utf-8\n\nIt shows a black screen.\n"
    ).encode()


def no_history(*args, **kwargs):
    raise AssertionError("intake read every ticket")


def indexed(admin_url: str) -> dict[str, int]:
    with psycopg.connect(admin_url) as conn:
        return dict(conn.execute("SELECT key, ticket_id FROM sopdash.message_ids").fetchall())


def test_intake_on_postgresql_finds_duplicates_through_the_table(postgres_db, monkeypatch) -> None:
    intake = Intake(PostgresStore(postgres_db.url("amara")), SETTINGS, fixed_clock(NOW))
    assert isinstance(intake.index, DatabaseMailIndex)
    assert intake.receive(message("<m1@example.com>")).line() == "ticket #1: new ticket from ann@example.com"
    for name in ("history", "live", "transact"):
        monkeypatch.setattr(PostgresStore, name, no_history)

    assert intake.receive(message("<m1@example.com>")).action == "duplicate"
    assert intake.receive(message("<m2@example.com>", subject="Re: [#1]")).line().startswith("reply #1")
    assert intake.receive(message("<m2@example.com>", subject="Re: [#1]")).action == "duplicate"
    keys = indexed(postgres_db.admin_url)
    assert keys["<m1@example.com>"] == keys["<m2@example.com>"] == 1
    assert sum(key.startswith("content:") for key in keys) == 2
    with psycopg.connect(postgres_db.admin_url) as conn:  # the kept-file shards are not written any more
        assert conn.execute("SELECT count(*) FROM sopdash.kept_files WHERE relative LIKE 'index/message-ids/%'"
                            ).fetchone()[0] == 0


def test_a_desk_copied_into_postgresql_knows_its_mail(postgres_db, tmp_path) -> None:
    desk = TicketStore(tmp_path / "tickets.json", create=True)
    on_file = Intake(desk, SETTINGS, fixed_clock(NOW))
    on_file.receive(message("<m1@example.com>"))
    on_file.receive(message("<m2@example.com>", subject="Re: [#1]"))

    copy_store(desk, PostgresStore(postgres_db.admin_url))

    keys = indexed(postgres_db.admin_url)
    assert keys["<m1@example.com>"] == keys["<m2@example.com>"] == 1
    on_database = Intake(PostgresStore(postgres_db.url("amara")), SETTINGS, fixed_clock(NOW))
    assert on_database.receive(message("<m2@example.com>", subject="Re: [#1]")).action == "duplicate"
    assert on_database.receive(message("<m1@example.com>")).action == "duplicate"
