"""Attack: the line to the database goes silent (a proxy that stops forwarding), a commit's answer is lost, a row is
held in psql, a flood of fake announcements. Nothing freezes, nothing is silently stale, nothing is written twice."""

from __future__ import annotations

import subprocess
import threading
import time
from datetime import datetime, timezone

import psycopg
import pytest
from pg_cluster import POSTGRES_BIN
from tcp_proxy import SilentProxy

from sopdash.core import rules
from sopdash.core.errors import StoreError
from sopdash.core.model import Requester
from sopdash.store.postgres import connection
from sopdash.store.postgres.connection import Limits
from sopdash.store.postgres.pg_store import PostgresStore

ANN = Requester("Ann", "ann@example.com")
SAID_WITHIN_S = 10


def now() -> datetime:
    return datetime.now(timezone.utc)


def wait_for(condition, timeout: float) -> float | None:
    """Seconds until condition() held, None if it did not within timeout."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if condition():
            return time.monotonic() - started
        time.sleep(0.05)
    return None


@pytest.fixture
def proxy(postgres_db):
    silent = SilentProxy(postgres_db.cluster.socket_dir)
    yield silent
    silent.close()


def note(store: PostgresStore, text: str):
    return store.update(1, lambda t: rules.note(t, store.role(), now(), text))


def test_a_silent_line_is_said_within_seconds_and_every_missed_change_is_read_after(postgres_db, proxy) -> None:
    mine = PostgresStore(proxy.url("amara", postgres_db.name))
    theirs = PostgresStore(postgres_db.url("bo"))
    theirs.add(lambda new_id: rules.create(new_id, "VPN down", ANN, now(), "bo"))
    assert [t.id for t in mine.live()] == [1]
    before = mine.signature()

    proxy.stall()
    reader = threading.Thread(target=lambda: pytest.raises(StoreError, mine.live), daemon=True)
    reader.start()  # a read blocked on the dead line, holding the store's connection
    said = wait_for(lambda: mine.connection_lost is not None, SAID_WITHIN_S)
    asked = time.monotonic()
    mine.signature()  # the screen's question never waits on the line
    answered_s = time.monotonic() - asked
    note(theirs, "called the client back")
    theirs.add(lambda new_id: rules.create(new_id, "Printer jams", ANN, now(), "bo"))
    proxy.resume()

    assert said is not None, "the silent line was never said"
    assert answered_s < 0.2
    assert wait_for(lambda: mine.connection_lost is None, 10) is not None
    assert mine.signature() != before
    live = mine.live()
    assert [t.id for t in live] == [1, 2] and live[0].timeline[-1].text == "called the client back"
    reader.join(5)
    assert not reader.is_alive()


@pytest.fixture
def slow_commit(postgres_db, monkeypatch):
    """Every commit that changed a ticket takes a second and a half (a deferred trigger), and writes are watched
    for a few seconds only, so a test can lose a commit's answer."""
    with psycopg.connect(postgres_db.admin_url, autocommit=True) as conn:
        conn.execute("CREATE FUNCTION public.slow_commit() RETURNS trigger LANGUAGE plpgsql AS "
                     "$$ BEGIN PERFORM pg_sleep(1.5); RETURN NULL; END $$")
        conn.execute("CREATE CONSTRAINT TRIGGER slow_commit AFTER UPDATE ON sopdash.tickets DEFERRABLE INITIALLY "
                     "DEFERRED FOR EACH ROW EXECUTE FUNCTION public.slow_commit()")
    monkeypatch.setitem(connection.LIMITS, "write", Limits(statement_s=3, lock_s=1))


def notes(store: PostgresStore, text: str) -> int:
    return sum(entry.text == text for entry in store.get(1).timeline)


def test_a_commit_whose_answer_is_lost_is_looked_up_not_repeated(postgres_db, proxy, slow_commit) -> None:
    mine = PostgresStore(proxy.url("amara", postgres_db.name))
    mine.add(lambda new_id: rules.create(new_id, "VPN down", ANN, now(), "amara"))

    def go_silent_while_committing() -> None:
        time.sleep(0.5)
        proxy.stall()
        time.sleep(1.5)  # the server commits meanwhile; its answer goes nowhere
        proxy.resume()

    threading.Thread(target=go_silent_while_committing, daemon=True).start()
    stored = note(mine, "rebooted the router")

    assert stored.timeline[-1].text == "rebooted the router"
    assert notes(PostgresStore(postgres_db.url("bo")), "rebooted the router") == 1


def test_a_commit_that_did_not_land_says_so_and_that_trying_again_is_safe(postgres_db, slow_commit) -> None:
    mine = PostgresStore(postgres_db.url("amara"))
    mine.add(lambda new_id: rules.create(new_id, "VPN down", ANN, now(), "amara"))

    def end_the_session_while_committing() -> None:
        time.sleep(0.5)
        with psycopg.connect(postgres_db.admin_url, autocommit=True) as conn:
            conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = 'amara' "
                         "AND application_name = 'sopdash'")

    threading.Thread(target=end_the_session_while_committing, daemon=True).start()
    with pytest.raises(StoreError, match="while saving .*the change was not saved — try again"):
        note(mine, "rebooted the router")

    assert notes(mine, "rebooted the router") == 0
    note(mine, "rebooted the router")
    assert notes(mine, "rebooted the router") == 1


def test_a_row_held_in_psql_makes_a_note_fail_quickly_naming_who_holds_it(postgres_db) -> None:
    mine = PostgresStore(postgres_db.url("amara"))
    mine.add(lambda new_id: rules.create(new_id, "VPN down", ANN, now(), "amara"))
    holder = subprocess.Popen([str(POSTGRES_BIN / "psql"), postgres_db.url("bo"), "-X", "-q"], stdin=subprocess.PIPE,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, text=True)
    try:
        holder.stdin.write("BEGIN;\nSELECT 1 FROM sopdash.tickets WHERE id = 1 FOR UPDATE;\n")
        holder.stdin.flush()
        time.sleep(0.5)
        started = time.monotonic()
        with pytest.raises(StoreError, match=r"held by bo \(psql.*waited too long") as failed:
            note(mine, "one more")
        waited = time.monotonic() - started
    finally:
        holder.kill()
        holder.wait()

    assert waited < connection.LIMITS["write"].lock_s + 2, failed.value


def test_a_flood_of_fake_announcements_costs_a_dashboard_nothing(postgres_db) -> None:
    mine = PostgresStore(postgres_db.url("amara"))
    mine.add(lambda new_id: rules.create(new_id, "VPN down", ANN, now(), "amara"))
    before = mine.signature()
    with psycopg.connect(postgres_db.admin_url, autocommit=True) as conn:
        conn.execute("DROP ROLE IF EXISTS visitor")
        conn.execute("CREATE ROLE visitor LOGIN")
    with psycopg.connect(postgres_db.url("visitor"), autocommit=True) as stranger:
        for _ in range(300):
            stranger.execute("NOTIFY sopdash_tickets")
    time.sleep(2.5)  # a heartbeat's worth: whatever the listener makes of the flood, it has made

    assert mine.signature() == before
    note(PostgresStore(postgres_db.url("bo")), "a real change")
    assert wait_for(lambda: mine.signature() != before, 3) is not None


def test_a_dashboard_listens_and_queries_over_one_connection(postgres_db) -> None:
    mine = PostgresStore(postgres_db.url("amara"))
    mine.subscribe(lambda: None)
    mine.signature()
    mine.live()
    time.sleep(2.5)  # past the start-up check for a pooler and a heartbeat

    with psycopg.connect(postgres_db.admin_url) as conn:
        held = conn.execute("SELECT count(*) FROM pg_stat_activity WHERE usename = 'amara' AND datname = %s",
                            (postgres_db.name,)).fetchone()[0]
    assert held == 1


def test_a_long_statement_on_the_shared_connection_is_not_taken_for_a_silent_line(postgres_db) -> None:
    mine, theirs = PostgresStore(postgres_db.url("amara")), PostgresStore(postgres_db.url("bo"))
    before = mine.signature()

    def long_report() -> None:
        with mine.session() as conn:
            conn.execute("SELECT pg_sleep(8)")

    report = threading.Thread(target=long_report, daemon=True)
    report.start()
    time.sleep(0.5)
    theirs.add(lambda new_id: rules.create(new_id, "VPN down", ANN, now(), "bo"))
    lost: list[str] = []
    heard = wait_for(lambda: bool(mine.connection_lost and lost.append(mine.connection_lost))
                     or mine.signature() != before, 7)
    report.join(10)

    assert lost == [] and mine.connection_lost is None
    assert heard is not None, "a change made during the long statement was not heard while it ran"
