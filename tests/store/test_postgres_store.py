"""What only the PostgreSQL store does: the database itself enforces who may do what, and announces changes."""

from __future__ import annotations

import os
import subprocess
import time
from datetime import datetime, timezone

import msgspec
import psycopg
import pytest
from pg_cluster import POSTGRES_BIN

from sopdash.core import delivery, rules
from sopdash.core.errors import RuleRefused, StoreError
from sopdash.core.model import ManagerFlag, Requester, Ticket, TimelineEntry
from sopdash.store.postgres.pg_store import PostgresStore
from sopdash.store.postgres import schema
from sopdash.store.postgres.schema import SCHEMA_VERSION, init_postgres

CREATED = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)
NOTE = TimelineEntry(at=CREATED, author="amara", kind="internal", text="rebooted the printer")


def ticket_with_a_note(store: PostgresStore) -> Ticket:
    store.add(lambda ticket_id: Ticket(id=ticket_id, subject="Printer jams", created_at=CREATED))
    return store.update(1, lambda t: t.evolve(timeline=(NOTE,)))


def psql(url: str, statement: str) -> subprocess.CompletedProcess[str]:
    """Run one statement with psql, as a technician at a terminal would."""
    return subprocess.run([str(POSTGRES_BIN / "psql"), url, "-v", "ON_ERROR_STOP=1", "-c", statement],
                          capture_output=True, text=True, timeout=30)


# -- the timeline is append-only for technicians, even with psql ------------------------------

TAMPERING = {
    "edit an entry": "UPDATE sopdash.tickets SET version = version + 1, "
    "doc = jsonb_set(jsonb_set(doc::jsonb, '{timeline,0,text}', '\"nothing happened\"'), '{version}', to_jsonb(version + 1))",
    "remove an entry": "UPDATE sopdash.tickets SET version = version + 1, "
    "doc = jsonb_set(jsonb_set(doc::jsonb, '{timeline}', '[]'), '{version}', to_jsonb(version + 1))",
    "delete the ticket": "DELETE FROM sopdash.tickets",
    "truncate": "TRUNCATE sopdash.tickets",
    "drop the guard": "ALTER TABLE sopdash.tickets DISABLE TRIGGER guard_ticket_change",
    "rewrite the change log": "UPDATE sopdash.changes SET role = 'someone'",
    "reuse ids": "SELECT setval('sopdash.ticket_ids', 1)",
}


@pytest.mark.parametrize("statement", list(TAMPERING.values()), ids=list(TAMPERING))
def test_a_technician_cannot_alter_the_history_with_psql(postgres_db, statement: str) -> None:
    store = PostgresStore(postgres_db.url("amara"))
    before = ticket_with_a_note(store)

    done = psql(postgres_db.url("amara"), statement)

    assert done.returncode != 0, done.stdout
    assert "never altered or removed" in done.stderr or "permission denied" in done.stderr or "must be owner" in done.stderr
    assert store.history() == [before]


def test_a_technician_can_add_to_the_timeline_with_psql(postgres_db) -> None:
    store = PostgresStore(postgres_db.url("amara"))
    ticket_with_a_note(store)
    entry = '{"at": "2026-03-02T10:00:00+00:00", "author": "amara", "kind": "internal", "text": "one more"}'

    done = psql(postgres_db.url("amara"), "UPDATE sopdash.tickets SET version = version + 1, doc = jsonb_set("
                f"jsonb_set(doc::jsonb, '{{timeline}}', doc::jsonb->'timeline' || '[{entry}]'), '{{version}}', to_jsonb(version + 1))")

    assert done.returncode == 0, done.stderr
    assert [e.text for e in store.get(1).timeline] == ["rebooted the printer", "one more"]


def test_an_edited_timeline_is_refused_through_the_store_too(postgres_db) -> None:
    store = PostgresStore(postgres_db.url("amara"))
    ticket_with_a_note(store)

    with pytest.raises(RuleRefused, match="timeline entries are never altered or removed"):
        store.update(1, lambda t: t.evolve(timeline=(msgspec.structs.replace(NOTE, text="nothing happened"),)))


def test_a_skipped_version_is_refused(postgres_db) -> None:
    store = PostgresStore(postgres_db.url("amara"))
    ticket_with_a_note(store)

    done = psql(postgres_db.url("amara"), "UPDATE sopdash.tickets SET version = 9, doc = jsonb_set(doc::jsonb, '{version}', '9')")

    assert done.returncode != 0 and "must make it version 3" in done.stderr


# -- roles: who did it, and who is a manager -----------------------------------------------------


def test_the_change_log_names_the_database_role(postgres_db) -> None:
    PostgresStore(postgres_db.url("amara")).add(lambda i: Ticket(id=i, subject="a", created_at=CREATED))
    PostgresStore(postgres_db.url("bo")).update(1, lambda t: t.evolve(subject="b"))

    with psycopg.connect(postgres_db.admin_url) as conn:
        log = conn.execute("SELECT ticket_id, version, role FROM sopdash.changes ORDER BY seq").fetchall()
    assert log == [(1, 1, "amara"), (1, 2, "bo")]


def test_only_a_manager_role_acknowledges_a_manager_flag(postgres_db) -> None:
    flag = ManagerFlag(raised_at=CREATED, reason="unsatisfied")
    technician, manager = PostgresStore(postgres_db.url("amara")), PostgresStore(postgres_db.url("dana"))
    technician.add(lambda i: Ticket(id=i, subject="a", created_at=CREATED, manager_flag=flag))
    acknowledged = msgspec.structs.replace(flag, acknowledged_at=CREATED, by="dana")

    with pytest.raises(RuleRefused, match="only a manager"):
        technician.update(1, lambda t: t.evolve(manager_flag=acknowledged))
    manager.update(1, lambda t: t.evolve(manager_flag=acknowledged))

    assert (technician.is_manager(), manager.is_manager()) == (False, True)
    assert technician.get(1).manager_flag == acknowledged


def test_a_role_that_is_not_a_technician_is_told_who_can_fix_it(postgres_db) -> None:
    with psycopg.connect(postgres_db.cluster.url(), autocommit=True) as conn:
        conn.execute("DROP ROLE IF EXISTS visitor")
        conn.execute("CREATE ROLE visitor LOGIN")
    with pytest.raises(StoreError, match=r"permission denied.*init-postgres --technician"):
        PostgresStore(postgres_db.url("visitor")).history()


# -- schema and set-up ---------------------------------------------------------------------------


def test_init_postgres_is_idempotent_and_records_the_schema_version(empty_postgres_db) -> None:
    with psycopg.connect(empty_postgres_db.admin_url, autocommit=True) as conn:
        first = init_postgres(conn, ["amara"])
        again = init_postgres(conn, ["amara"])
        versions = conn.execute("SELECT version FROM sopdash.migrations ORDER BY version").fetchall()

    assert [line for line in first if "applied migration" in line] == [
        f"schema: applied migration {version} ({description})" for version, description, _ in schema.MIGRATIONS
    ]
    assert f"schema: at version {SCHEMA_VERSION}, nothing to migrate" in again
    assert versions == [(version,) for version, _, _ in schema.MIGRATIONS] and versions[-1] == (SCHEMA_VERSION,)
    assert PostgresStore(empty_postgres_db.url("amara")).history() == []


def test_init_postgres_brings_an_older_schema_up_to_date(empty_postgres_db, monkeypatch) -> None:
    with psycopg.connect(empty_postgres_db.admin_url, autocommit=True) as conn:
        monkeypatch.setattr(schema, "MIGRATIONS", schema.MIGRATIONS[:1])
        init_postgres(conn, ["amara"])
        monkeypatch.undo()
        with pytest.raises(StoreError, match=f"schema version 1; an administrator brings it to {SCHEMA_VERSION} with `sop"):
            PostgresStore(empty_postgres_db.url("amara"))
        lines = init_postgres(conn)

    assert [line for line in lines if line.startswith("schema:")] == [
        f"schema: applied migration {version} ({description})" for version, description, _ in schema.MIGRATIONS[1:]
    ]
    assert PostgresStore(empty_postgres_db.url("amara")).history() == []


def test_a_database_without_the_schema_says_how_to_set_it_up(empty_postgres_db) -> None:
    with pytest.raises(StoreError, match=r"has no sopdash schema; an administrator runs `sopdash store init-postgres"):
        PostgresStore(empty_postgres_db.admin_url)


def test_a_newer_schema_is_refused(postgres_db) -> None:
    with psycopg.connect(postgres_db.admin_url, autocommit=True) as conn:
        conn.execute("INSERT INTO sopdash.migrations (version, description) VALUES (99, 'from the future')")
    with pytest.raises(StoreError, match=f"schema version 99; this sopdash understands {SCHEMA_VERSION} — upgrade sopdash"):
        PostgresStore(postgres_db.url())


def test_a_url_with_a_password_is_refused(postgres_db) -> None:
    url = postgres_db.url().replace("amara@", "amara:secret@")
    with pytest.raises(StoreError, match=r"amara:\*\*\*@.* holds a password; remove it") as refused:
        PostgresStore(url)
    assert "secret" not in str(refused.value)


def test_an_unreachable_server_is_one_line(tmp_path) -> None:
    with pytest.raises(StoreError, match="cannot connect to postgresql://amara@") as refused:
        PostgresStore(f"postgresql://amara@{str(tmp_path).replace('/', '%2F')}:5432/desk")
    assert "\n" not in str(refused.value)


# -- announcements -----------------------------------------------------------------------------


def wait_for(condition, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.01)
    return condition()


def test_a_change_is_announced_to_a_subscriber_at_once(postgres_db) -> None:
    mine, theirs = PostgresStore(postgres_db.url("amara")), PostgresStore(postgres_db.url("bo"))
    heard: list[float] = []
    mine.subscribe(lambda: heard.append(time.monotonic()))
    mine.signature()  # as a dashboard's first load does: waits until the listening connection is up

    written = time.monotonic()
    theirs.add(lambda i: Ticket(id=i, subject="a", created_at=CREATED))

    assert wait_for(lambda: bool(heard), timeout=0.3)
    assert heard[0] - written < 0.3


def test_a_lost_connection_polls_reconnects_and_says_so(postgres_db) -> None:
    mine, theirs = PostgresStore(postgres_db.url("amara")), PostgresStore(postgres_db.url("bo"))
    mine.signature()
    with psycopg.connect(postgres_db.admin_url, autocommit=True) as conn:
        conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = 'amara'")

    assert wait_for(lambda: mine.connection_lost is not None)
    polled = mine.signature()
    theirs.add(lambda i: Ticket(id=i, subject="a", created_at=CREATED))
    assert wait_for(lambda: mine.signature() != polled)  # the change log read within a second, or announced once back
    assert wait_for(lambda: mine.connection_lost is None)


def test_only_delivery_records_change_without_a_new_version(postgres_db) -> None:
    store = PostgresStore(postgres_db.url("amara"))
    ticket_with_a_note(store)

    done = psql(postgres_db.url("amara"), "UPDATE sopdash.tickets SET doc = jsonb_set(doc::jsonb, '{subject}', '\"x\"')")
    delivered = psql(postgres_db.url("amara"), "UPDATE sopdash.tickets SET doc = jsonb_set(doc::jsonb, "
                     "'{timeline,0,delivery}', '{\"state\": \"sent\", \"message_id\": \"<m1@desk.example.org>\"}')")

    assert done.returncode != 0 and "only mail delivery records change without a new version" in done.stderr
    assert delivered.returncode == 0, delivered.stderr


def test_a_read_after_changes_elsewhere_sees_each_of_them(postgres_db) -> None:
    mine, theirs = PostgresStore(postgres_db.url("amara")), PostgresStore(postgres_db.url("bo"))
    created = rules.create(1, "Printer jams", Requester("Ann", "ann@example.com"), CREATED, "bo")
    acknowledged = rules.acknowledge(created, "bo", CREATED, "Thank you, we are on it.")
    theirs.add(lambda i: delivery.queue_deliveries(created, acknowledged, lambda _: "<m1@desk.example.org>", CREATED))
    theirs.add_many([Ticket(id=0, subject=f"Ticket {n}", created_at=CREATED) for n in (2, 3)])
    mine.history()  # what a dashboard holds

    theirs.update(2, lambda t: t.evolve(subject="changed"))
    theirs.add(lambda i: Ticket(id=i, subject="new", created_at=CREATED))
    theirs.annotate({1: lambda t: delivery.with_delivery(t, "<m1@desk.example.org>", lambda d: delivery.sent(d, CREATED))})

    assert mine.history() == PostgresStore(postgres_db.url("amara")).history()
    assert [t.subject for t in mine.live()] == ["Printer jams", "changed", "Ticket 3", "new"]
    assert [e.delivery.state for e in mine.get(1).timeline if e.delivery] == ["sent"]


# -- the report's history slices ----------------------------------------------------------------


def closed_in(month: int) -> Ticket:
    at = datetime(2026, month, 10, tzinfo=timezone.utc)
    return Ticket(id=0, subject=f"closed in month {month}", created_at=at, status="closed", closed_at=at,
                  resolved_at=at, resolution="fixed", client_notified_at=at)  # the close gate (SOP 2E) holds


def test_history_is_sliced_by_closing_month_and_each_slice_reads_in_a_forked_child(postgres_db) -> None:
    store = PostgresStore(postgres_db.url("amara"))
    store.add_many([Ticket(id=0, subject="open", created_at=CREATED), closed_in(1), closed_in(3), closed_in(4)])
    slices = store.history_slices(datetime(2026, 2, 1, tzinfo=timezone.utc))

    assert len(slices) == 3  # the tickets not closed, March, April
    read_end, write_end = os.pipe()
    if (pid := os.fork()) == 0:  # the child reads over its own connection, never the parent's
        os.close(read_end)
        with os.fdopen(write_end, "w") as pipe:
            pipe.write(",".join(t.subject for t in slices[2]()))
        os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end) as pipe:
        assert pipe.read() == "closed in month 4"
    os.waitpid(pid, 0)
    assert [t.subject for t in slices[0]()] == ["open"] and store.role() == "amara"


def test_a_history_slice_read_after_a_change_is_refused(postgres_db) -> None:
    store = PostgresStore(postgres_db.url("amara"))
    store.add_many([Ticket(id=0, subject="open", created_at=CREATED), closed_in(3)])
    slices = store.history_slices()
    store.update(1, lambda t: t.evolve(subject="changed"))

    with pytest.raises(StoreError, match="changed while being read"):
        slices[0]()
